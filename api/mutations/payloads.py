"""What every mutation resolver shares: input ids decoded into primary keys, a command run through
the use-case pipeline, and its payload shaped.

A resolver is "parse input → build one command → `run` → payload": ids that do not name an
object of the expected type are NOT_FOUND at their input path, exactly like ids of objects out of
the viewer's reach (which the use case finds), and nothing runs.
"""

import dataclasses
from collections.abc import Callable
from functools import cache
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.ids import pk_of
from api.observability.operations import count_refusals
from domain.errors import DomainError, ErrorCode
from domain.services.pipeline import Result

# The loader that reads a committed document back for the payload, as the viewer sees it.
LoaderOf = Callable[[Any], DataLoader]


def not_found(what: str, *field: str) -> DomainError:
    return DomainError(ErrorCode.NOT_FOUND, f"no such {what}", tuple(field))


class InputIds:
    """Decodes the global ids of one mutation's input, collecting NOT_FOUND errors."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def pk(self, global_id: str, type_name: str, what: str, *field: str) -> int | None:
        """The primary key of an id of `type_name`; None (and an error at `field`) otherwise."""
        pk = pk_of(global_id, type_name)
        if pk is None:
            self.errors.append(not_found(what, *field))
        return pk

    def optional(self, global_id: str | None, type_name: str, what: str, *field: str) -> int | None:
        return None if global_id is None else self.pk(global_id, type_name, what, *field)


@cache
def _shape(payload_type: type) -> tuple[str, type]:
    """(name of the payload's document field, its error type): every payload is a document
    field, `errors`, and optionally fields with defaults."""
    fields = payload_type.__strawberry_definition__.fields
    document = next(f.python_name for f in fields if f.python_name != "errors")
    errors = next(f for f in fields if f.python_name == "errors")
    return document, errors.type.of_type


def refused(payload_type: type, *errors: DomainError) -> Any:
    """The payload of a refused action: no document (or the field's default), the errors."""
    document, error_type = _shape(payload_type)
    count_refusals([e.code.value for e in errors])
    fields = {} if _has_default(payload_type, document) else {document: None}
    return payload_type(**fields, errors=[error_type.of(e) for e in errors])


@cache
def _has_default(payload_type: type, name: str) -> bool:
    field = next(f for f in dataclasses.fields(payload_type) if f.name == name)
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


async def shaped(
    info: Info,
    payload_type: type,
    result: Result,
    loader: LoaderOf,
    key: Callable[[Any], int] = lambda value: value.id,
    committed: Callable[[Any], Any] | None = None,
    **extra: Any,
) -> Any:
    """The payload of a command's result: the committed document read back through `loader`
    (fresh reads: the request's earlier reads may predate the change), or the refusal.

    `committed` turns the command's value (the row as committed, with the values the database
    returned) into what `loader` would give, sparing the read; only for commands whose document
    stays readable by the viewer who changed it."""
    if not result.ok:
        return refused(payload_type, *result.errors)
    document, _ = _shape(payload_type)
    info.context.fresh_reads()
    reader = loader(info.context.loaders)
    if committed is not None:
        reader.prime(key(result.value), committed(result.value))
    value = await reader.load(key(result.value))
    return payload_type(**{document: value}, errors=[], **extra)


async def run(
    info: Info,
    payload_type: type,
    command: Any,
    loader: LoaderOf,
    committed: Callable[[Any], Any] | None = None,
) -> Any:
    """Run one command as the viewer and shape its payload (see `shaped` for `committed`)."""
    result = await info.context.use_cases.handle(command, info.context.viewer)
    return await shaped(info, payload_type, result, loader, committed=committed)

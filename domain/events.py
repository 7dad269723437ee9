"""Domain events: what committed changes announce, as typed records.

Each kind of document has one event class (in domain/<area>/events.py): the action (SUBMITTED,
DISPATCHED...), the statuses it moved between, and the facts subscribers filter on (owner,
customer, who must approve next). A use case records its events in its unit of work; the outbox
writes each in the same transaction as the change (domain.store.events.outbox) as a row with the
document's stream ("SalesPlan:42"), the action, and a JSON payload holding the event's other
fields under camelCase keys. Reading a row gives the same typed event back (`decode_event`), so
nothing outside this module reads a payload by key.

The payload keys are a contract (partners' integrations and old rows read them): a field keeps
its key when it is renamed in Python, through `key(...)`.
"""

import dataclasses
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, ClassVar

# Field metadata: the payload key of a field (default: its name in camelCase), and fields that
# are part of the row rather than of the payload (the stream's document id, the action).
KEY = "payload_key"
ENVELOPE = "envelope"
ALWAYS = "always"  # written even when None (the statuses: "from": null says "created")


def key(name: str, *, default: Any = None, always: bool = False) -> Any:
    """A field stored under payload key `name`."""
    return field(default=default, metadata={KEY: name, ALWAYS: always})


@dataclass(frozen=True, kw_only=True)
class DocumentEvent:
    """A committed change of one document. Subclasses set STREAM: the document's GraphQL type
    name, which is also the first part of its stream's name."""

    STREAM: ClassVar[str]

    document_id: int = field(metadata={ENVELOPE: True})
    action: str = field(metadata={ENVELOPE: True})
    # Subclasses narrow these to their own status enum.
    from_status: Enum | None = key("from", always=True)
    to_status: Enum | None = key("to", always=True)
    comment: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "STREAM" in cls.__dict__:
            EVENT_CLASSES[cls.STREAM] = cls

    @property
    def stream(self) -> str:
        return stream_of(self.STREAM, self.document_id)

    @property
    def changes_status(self) -> bool:
        """The document's status moved (CREATED counts: from nothing to its first status)."""
        return self.to_status is not None and self.from_status != self.to_status

    def payload(self) -> dict:
        """The JSON payload of the outbox row."""
        return _encode_fields(self)


@dataclass(frozen=True, kw_only=True)
class ApprovalRouting:
    """Who must decide next, for events that start or move an approval round; subscribers of
    approvalTaskAssigned look for themselves here."""

    current_step: str | None = None
    # The person who must act now; for ROLE steps, every holder of `assignee_role`.
    assignees: tuple[int, ...] | None = None
    assignee_role: str | None = None

    @property
    def routes_a_task(self) -> bool:
        return self.current_step is not None


EVENT_CLASSES: dict[str, type[DocumentEvent]] = {}


def stream_of(type_name: str, pk: int) -> str:
    """Stream names match the GraphQL type names of the documents: "SalesPlan:42"."""
    return f"{type_name}:{pk}"


def decode_event(stream: str, action: str, payload: dict | None) -> DocumentEvent:
    """The typed event of an outbox row."""
    type_name, _, pk = stream.partition(":")
    cls = EVENT_CLASSES[type_name]
    values = _decode_fields(cls, payload or {})
    return cls(document_id=int(pk), action=action, **values)


def _payload_key(f: dataclasses.Field) -> str:
    if KEY in f.metadata:
        return f.metadata[KEY]
    first, *rest = f.name.split("_")
    return first + "".join(part.title() for part in rest)


def _encode_fields(obj: Any) -> dict:
    out = {}
    for f in fields(obj):
        if f.metadata.get(ENVELOPE):
            continue
        value = getattr(obj, f.name)
        if value is None and not f.metadata.get(ALWAYS):
            continue
        out[_payload_key(f)] = _encode(value)
    return out


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if is_dataclass(value):
        return _encode_fields(value)
    raise TypeError(f"cannot store {type(value).__name__} in an event payload")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode_fields(cls: type, payload: dict) -> dict:
    """Constructor arguments of `cls` from a payload; unknown keys are ignored (older rows may
    carry keys the class no longer has), missing ones take the field's default."""
    hints = _hints(cls)
    values = {}
    for f in fields(cls):
        if f.metadata.get(ENVELOPE):
            continue
        name = _payload_key(f)
        if name in payload:
            values[f.name] = _decode(hints[f.name], payload[name])
    return values


def _decode(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _decode(inner[0], value)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_decode(item, v) for v in value)
    if isinstance(hint, type):
        if issubclass(hint, Enum):
            return hint(value)
        if hint is Decimal:
            return Decimal(value)
        if hint is datetime:
            return datetime.fromisoformat(value)
        if hint is date:
            return date.fromisoformat(value)
        if is_dataclass(hint):
            return hint(**_decode_fields(hint, value))
    return value

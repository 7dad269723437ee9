"""GraphQL enums made from the domain's enums, each value with its own description.

The domain's enums know nothing of GraphQL; the API describes their values here, where it
names them for clients. (Enums defined in `api/` use `strawberry.enum_value(..., description=)`.)
"""

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry

E = TypeVar("E", bound=type[Enum])


def described_enum(enum: E, *, name: str, description: str, values: Mapping[Enum, str]) -> E:
    """`strawberry.enum(enum, name=, description=)` with a description per value. A key that is
    not a member of `enum` is a mistake and raises; a member left out stays undescribed (and
    `make check` reports it)."""
    strange = [value for value in values if not isinstance(value, enum)]
    if strange:
        raise TypeError(f"not members of {enum.__name__}: {strange}")
    strawberry.enum(enum, name=name, description=description)
    for value in enum.__strawberry_definition__.values:
        value.description = values.get(enum[value.name])
    return enum

"""Opaque global ids ("Type:pk" in base64) and opaque pagination cursors."""

import base64
import binascii
import json

# The largest key a BIGINT column holds: a larger number names nothing, and must not reach a
# database driver (which would fail with its own message instead of "not found").
MAX_KEY = 2**63 - 1


class BadId(ValueError):
    """An id or cursor that this server did not make."""


def parse_key(text: str) -> int:
    """A key as this server writes it (decimal digits, at most MAX_KEY); ValueError otherwise."""
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"not a key: {text!r}")
    return bounded_key(int(text))


def bounded_key(value: object) -> int:
    """An integer a BIGINT column could hold; ValueError otherwise (a larger one would fail in
    the database driver instead of meaning "no such row")."""
    if type(value) is not int or abs(value) > MAX_KEY:
        raise ValueError(f"not a key: {value!r}")
    return value


def to_global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, int]:
    """(type name, primary key) of a global id; BadId when it is not one of ours."""
    try:
        type_name, _, pk = base64.b64decode(global_id, validate=True).decode().partition(":")
        return type_name, parse_key(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise BadId(f"not a valid id: {global_id!r}") from e


def pk_of(global_id: str, *type_names: str) -> int | None:
    """The primary key if the id names one of `type_names`, else None (treated as not found)."""
    try:
        type_name, pk = from_global_id(global_id)
    except BadId:
        return None
    return pk if type_name in type_names else None


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def decode_cursor(cursor: str) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (binascii.Error, UnicodeDecodeError, ValueError) as e:
        raise BadId(f"not a valid cursor: {cursor!r}") from e
    if not isinstance(values, list) or len(values) != 2:
        raise BadId(f"not a valid cursor: {cursor!r}")
    return values

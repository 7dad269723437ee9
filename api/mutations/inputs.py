"""The single `input` argument every mutation takes (CONVENTIONS.md: one input, one payload)."""

import strawberry

from domain.services.partial_update import KEEP

# Use as `input: Annotated[XInput, INPUT]`.
INPUT = strawberry.argument(description="What to do; see the input type.")


def given(value):
    """An input field of an update: KEEP when the client left it out (strawberry.UNSET), else its
    value (null included, which clears the field)."""
    return KEEP if value is strawberry.UNSET else value


def given_link(ids, value, type_name: str, what: str, field: str):
    """A link field of an update (a global id): KEEP when left out, None when null, else the
    primary key (a NOT_FOUND in `ids` when the id is not of `type_name`)."""
    value = given(value)
    if value is KEEP or value is None:
        return value
    return ids.pk(value, type_name, what, "input", field)

"""The single `input` argument every mutation takes (CONVENTIONS.md: one input, one payload)."""

import strawberry

# Use as `input: Annotated[XInput, INPUT]`.
INPUT = strawberry.argument(description="What to do; see the input type.")

"""Scalars whose input is bounded before it reaches the domain or the database."""

from decimal import Decimal, InvalidOperation

import strawberry

# Money and quantities are stored as NUMERIC(18, 2|3) (scaled 64-bit integers on SQLite); a
# value, and a line's quantity × price, must stay well inside that.
MAX_DECIMAL = Decimal(10) ** 13


def parse_decimal(value: object) -> Decimal:
    """A finite decimal below MAX_DECIMAL in size; ValueError (a typed input error) otherwise."""
    if isinstance(value, bool):
        raise ValueError("not a decimal number")
    try:
        number = Decimal(str(value))
    except InvalidOperation as e:
        raise ValueError(f"not a decimal number: {value!r}") from e
    if not number.is_finite() or abs(number) >= MAX_DECIMAL:
        raise ValueError(f"must be a finite number of less than {MAX_DECIMAL:,} in size")
    return number


# For StrawberryConfig.scalar_map (api.schema): replaces strawberry's own Decimal scalar.
BOUNDED_DECIMAL = strawberry.scalar(
    name="Decimal",
    description='Exact decimal, sent and received as a string (e.g. "1234.50"); inputs must be '
    "finite and less than 10,000,000,000,000 in size.",
    serialize=str,
    parse_value=parse_decimal,
)

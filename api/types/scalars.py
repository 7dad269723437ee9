"""The custom scalars: exact decimals bounded before they reach the domain or the database, and
dates and times, each with `@specifiedBy` the format it is written in."""

import dataclasses
from decimal import Decimal, InvalidOperation

import strawberry
from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition

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
    description='Exact decimal number, sent as a string so no precision is lost: "1234.50", '
    '"-2", "0.125" (the numeric-string syntax of the General Decimal Arithmetic '
    "specification). Outputs keep the field's scale: amounts 2 decimals, quantities 3. Inputs "
    "may also be JSON numbers; they must be finite and less than 10,000,000,000,000 in size, "
    "and each field states its own bounds (e.g. quantities > 0 with at most 3 decimals).",
    specified_by_url="https://speleotrove.com/decimal/daconvs.html#refnumsyn",
    serialize=str,
    parse_value=parse_decimal,
)

# Strawberry's own Date and DateTime (same parsing and output), described and specified; for
# StrawberryConfig.scalar_map in api.schema.
DATE = dataclasses.replace(
    DateDefinition,
    description='A calendar day as an RFC 3339 full-date (ISO 8601 calendar date): "2026-03-01". '
    "No time and no time zone.",
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
)
DATE_TIME = dataclasses.replace(
    DateTimeDefinition,
    description="A moment as an RFC 3339 date-time (ISO 8601) with its UTC offset: "
    '"2026-03-01T08:30:00+00:00", fractions of a second may follow the seconds. Outputs are '
    'always in UTC (offset +00:00). Inputs must carry an offset ("Z" or "+08:00"); a time '
    "without one is refused by the fields that take times.",
    specified_by_url="https://www.rfc-editor.org/rfc/rfc3339#section-5.6",
)

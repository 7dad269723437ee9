"""Column types that keep exact values on every database."""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime, Numeric
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class Fixed(TypeDecorator):
    """A Decimal with a fixed number of decimals, never a float.

    PostgreSQL stores NUMERIC. SQLite has no exact decimal type, so the value is stored as a scaled
    integer (12.34 with scale 2 → 1234): sums computed in SQL stay exact there too.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 2, precision: int = 18) -> None:
        super().__init__()
        self.scale = scale
        self.precision = precision
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))
        return dialect.type_descriptor(BigInteger())

    def process_bind_param(self, value, dialect: Dialect):
        if value is None:
            return None
        value = Decimal(value)
        if value != value.quantize(self._quantum):
            raise ValueError(f"{value} has more than {self.scale} decimals")
        if dialect.name == "postgresql":
            return value
        return int(value.scaleb(self.scale))

    def process_result_value(self, value, dialect: Dialect):
        if value is None:
            return None
        if dialect.name == "postgresql":
            return Decimal(value).quantize(self._quantum)
        # scaleb gives the exponent -scale exactly: 1234 at scale 2 is Decimal("12.34").
        return Decimal(int(value)).scaleb(-self.scale)


class UtcDateTime(TypeDecorator):
    """A timestamp always returned timezone-aware in UTC (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)

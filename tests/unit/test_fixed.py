"""domain.store.types.Fixed: money and quantities stay exact decimals on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from sqlalchemy import BigInteger, Numeric
from sqlalchemy.dialects import postgresql, sqlite

from domain.store.types import Fixed

SQLITE = sqlite.dialect()
POSTGRES = postgresql.dialect()
MONEY = Fixed(2)
QUANTITY = Fixed(3)


def test_sqlite_stores_money_as_a_scaled_integer_and_postgresql_as_numeric():
    assert isinstance(MONEY.load_dialect_impl(SQLITE), BigInteger)
    numeric = MONEY.load_dialect_impl(POSTGRES)
    assert isinstance(numeric, Numeric)
    assert (numeric.precision, numeric.scale) == (18, 2)


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (Decimal("12.34"), 1234),
        (Decimal("12.3"), 1230),
        (Decimal("0.10"), 10),
        (Decimal("-5.01"), -501),
        (Decimal("0"), 0),
        ("7.25", 725),
        (3, 300),
        (Decimal("9999999999999999.99"), 999999999999999999),
    ],
)
def test_money_is_bound_on_sqlite_as_cents(value, stored):
    bound = MONEY.process_bind_param(value, SQLITE)
    assert bound == stored
    assert type(bound) is int


@pytest.mark.parametrize(
    ("stored", "value"), [(1234, "12.34"), (10, "0.10"), (-501, "-5.01"), (0, "0.00")]
)
def test_cents_read_back_from_sqlite_as_exact_decimals_with_two_places(stored, value):
    read = MONEY.process_result_value(stored, SQLITE)
    assert isinstance(read, Decimal)
    assert str(read) == value


def test_a_quantity_keeps_three_decimals_on_sqlite():
    assert QUANTITY.process_bind_param(Decimal("1.005"), SQLITE) == 1005
    assert str(QUANTITY.process_result_value(1005, SQLITE)) == "1.005"


def test_postgresql_binds_the_decimal_itself_and_reads_it_back_quantized():
    assert MONEY.process_bind_param(Decimal("12.3"), POSTGRES) == Decimal("12.3")
    read = MONEY.process_result_value(Decimal("12.3"), POSTGRES)
    assert str(read) == "12.30"


def test_sums_of_scaled_integers_are_exact_where_floats_are_not():
    parts = [MONEY.process_bind_param(v, SQLITE) for v in ("0.10", "0.20")]
    assert 0.1 + 0.2 != 0.3
    assert MONEY.process_result_value(sum(parts), SQLITE) == Decimal("0.30")


@pytest.mark.parametrize("dialect", [SQLITE, POSTGRES], ids=["sqlite", "postgresql"])
@pytest.mark.parametrize("value", [Decimal("12.345"), Decimal("0.001"), "1.999"])
def test_more_decimals_than_the_scale_are_refused_not_rounded(dialect, value):
    with pytest.raises(ValueError, match="has more than 2 decimals"):
        MONEY.process_bind_param(value, dialect)


def test_a_float_that_is_not_exactly_representable_is_refused():
    with pytest.raises(ValueError, match="decimals"):
        MONEY.process_bind_param(0.1, SQLITE)


def test_none_passes_through_both_ways():
    assert MONEY.process_bind_param(None, SQLITE) is None
    assert MONEY.process_result_value(None, SQLITE) is None
    assert MONEY.process_result_value(None, POSTGRES) is None

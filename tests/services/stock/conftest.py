import pytest

from tests.api.orders_helpers import assert_ledger_matches_on_hand


@pytest.fixture(autouse=True)
async def ledger_checked(engine):
    """After each stock test: the ledger sums to on-hand."""
    yield
    await assert_ledger_matches_on_hand(engine)

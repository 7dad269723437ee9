"""Pegging matches items in chunks of about CHUNK_ELEMENTS elements, to bound the memory of a
large run; any chunk size gives the same pegs, since no item is ever cut."""

from unittest.mock import patch

from hypothesis import given, settings

from domain.mrp import peg, plan
from tests.unit.mrp.test_engine_matches_reference import PROPERTY, mrp_inputs, rows


def pegs(inp, planned) -> list[tuple]:
    p = peg(inp, planned)
    return rows(
        p.item, p.supply_kind, p.supply_ref, p.demand_kind, p.demand_ref, p.demand_bucket,
        p.quantity,
    )  # fmt: skip


@settings(PROPERTY, max_examples=100)
@given(mrp_inputs())
def test_pegging_in_small_chunks_gives_the_same_pegs(inp):
    planned = plan(inp)
    whole = pegs(inp, planned)
    for size in (1, 3, 7):
        with patch("domain.mrp.pegging.CHUNK_ELEMENTS", size):
            assert pegs(inp, planned) == whole

"""Explosion: the dependent demand one low-level code's planned orders put on their components.

Same numbers as materials.py (⌈release × qty_per / 10^6⌉ per order and BOM line, in the order's
release bucket), summed per component and bucket. materials.py lists them one per order and line;
here the sums are computed as dense [BOM line, bucket] arrays because that is several times
faster than listing them (the sums, not the list, are what the netting needs).

Orders are first moved from their due bucket to their release bucket. Two due buckets may share
a release bucket (releases in the past all land in bucket 0; month buckets of unequal length),
and a dense [item, release bucket] cell holds one bucket's orders only. So the latest due bucket
of each release bucket goes into the dense arrays (a gather through timing.latest_due), and the
orders of the other due buckets (few: mostly those released in the past) take the per-order path
of materials.py.
"""

from dataclasses import dataclass

import numpy as np

from domain.mrp.materials import LinesByParent, applies, requirements
from domain.mrp.model import Bom
from domain.mrp.quantities import times_qty_per
from domain.mrp.timing import ReleaseTiming

BLOCK_CELLS = 1 << 16  # [line, bucket] cells per block in _explode_dense: 512 KiB of int64


@dataclass(frozen=True, eq=False)
class LevelOrders:
    """The planned orders of one code's items, by due bucket ([item of the code, bucket])."""

    items: np.ndarray  # int64: global item index of each row
    count: np.ndarray  # orders due in the bucket (FIXED lots: several, all the same size)
    release_size: np.ndarray  # release quantity of each of them
    fixed: np.ndarray  # bool per row: the item has FIXED lots (count may exceed 1)


def lines_by_code(bom: Bom, codes: np.ndarray) -> list[np.ndarray]:
    """For each low-level code, its items' BOM lines ordered by component (for reduceat)."""
    code_of_line = codes[bom.parent]
    order = np.lexsort((np.arange(len(bom)), bom.component, code_of_line))
    bounds = np.searchsorted(code_of_line[order], np.arange(int(codes.max(initial=0)) + 2))
    return [order[bounds[c] : bounds[c + 1]] for c in range(len(bounds) - 1)]


def explode(
    orders: LevelOrders,
    timing: ReleaseTiming,
    bom: Bom,
    level_lines: np.ndarray,
    lines: LinesByParent,
    gross: np.ndarray,
) -> np.ndarray:
    """Add the orders' component requirements to `gross` [item, bucket]; return the orders'
    planned release [item of the code, release bucket]."""
    n_rows, n_buckets = orders.count.shape
    group = timing.group[orders.items]
    # Dense part: in each release bucket r, the orders of the latest due bucket released in r.
    due = timing.latest_due[group]
    source = np.arange(n_rows)[:, None] * n_buckets + np.maximum(due, 0)
    some = due >= 0
    count = np.take(orders.count, source) * some
    size = np.take(orders.release_size, source) * some
    planned_release = count * size

    # Per-order part: the orders of the earlier due buckets sharing a release bucket.
    row, due = np.nonzero((orders.count > 0) & timing.shared[group])
    release = timing.bucket[group[row], due]
    shared_count, shared_size = orders.count[row, due], orders.release_size[row, due]
    np.add.at(planned_release, (row, release), shared_count * shared_size)

    if len(level_lines):
        _explode_dense(count, size, orders, bom, level_lines, gross)
        position, line, quantity = requirements(orders.items[row], release, shared_size, bom, lines)
        at = (bom.component[line], release[position])
        np.add.at(gross, at, quantity * shared_count[position])
    return planned_release


def _explode_dense(
    count: np.ndarray,
    size: np.ndarray,
    orders: LevelOrders,
    bom: Bom,
    level_lines: np.ndarray,
    gross: np.ndarray,
) -> None:
    """Dependent demand of one order size per [item, release bucket], per BOM line, summed per
    component with reduceat (the lines come ordered by component).

    The lines go in blocks of about BLOCK_CELLS [line, bucket] cells, so that each block's
    arrays stay in the processor's cache through the few passes made over them; over whole
    levels (millions of cells) the same passes are bound by memory and take 2 to 3 times longer.
    A component whose lines straddle two blocks gets two partial sums, added one after the other.
    """
    n_buckets = count.shape[1]
    items = orders.items
    row_of_item = np.empty(int(items.max()) + 1, dtype=np.int64)
    row_of_item[items] = np.arange(len(items))
    parent_row = row_of_item[bom.parent[level_lines]]
    largest = int(size.max(initial=0))
    # Lines whose numbers need more than one multiplication, as positions in level_lines.
    fixed = np.flatnonzero(orders.fixed[parent_row])
    limited = np.flatnonzero(
        (bom.valid_from_bucket[level_lines] > 0) | (bom.valid_to_bucket[level_lines] < n_buckets)
    )
    buckets = np.arange(n_buckets)[None, :]
    step = max(1, BLOCK_CELLS // n_buckets)
    for start in range(0, len(level_lines), step):
        stop = start + step
        rows, block_lines = parent_row[start:stop], level_lines[start:stop]
        qty_per = bom.qty_per_micro[block_lines, None]
        per_line = times_qty_per(size[rows], qty_per, largest)
        block_fixed = _within(fixed, start, stop)
        if block_fixed.size:  # several equal orders in a bucket, each rounded on its own
            per_line[block_fixed - start] *= count[parent_row[block_fixed]]
        block_limited = _within(limited, start, stop)
        if block_limited.size:
            per_line[block_limited - start] *= applies(
                bom, level_lines[block_limited, None], buckets
            )
        component = bom.component[block_lines]
        first = np.flatnonzero(np.diff(component, prepend=-1))
        gross[component[first]] += np.add.reduceat(per_line, first, axis=0)


def _within(positions: np.ndarray, start: int, stop: int) -> np.ndarray:
    """The sorted positions in [start, stop)."""
    return positions[np.searchsorted(positions, start) : np.searchsorted(positions, stop)]

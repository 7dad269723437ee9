"""Material requirements: what each planned order needs of each component, and when.

A planned order released in bucket r needs, for each BOM line of its item that applies in r
(valid_from ≤ r < valid_to), ⌈release quantity × qty_per / 10^6⌉ of the line's component, due
in bucket r. The rounding is per order and line, so a component's dependent demand is the sum
of whole requirements of individual orders, which is what pegging links back to them.
"""

from dataclasses import dataclass

import numpy as np

from domain.mrp.model import Bom, MaterialRequirements, PlannedOrders
from domain.mrp.quantities import times_qty_per


@dataclass(frozen=True, eq=False)
class LinesByParent:
    """BOM line indexes grouped by parent: lines of item i are line[first[i]:first[i + 1]]."""

    line: np.ndarray  # int64, ordered by parent then line index
    first: np.ndarray  # int64[n + 1]


def lines_by_parent(bom: Bom, n_items: int) -> LinesByParent:
    line = np.argsort(bom.parent, kind="stable")
    first = np.zeros(n_items + 1, dtype=np.int64)
    first[1:] = np.cumsum(np.bincount(bom.parent, minlength=n_items))
    return LinesByParent(line, first)


def with_lines(parent: np.ndarray, lines: LinesByParent) -> tuple[np.ndarray, np.ndarray]:
    """Every (position in `parent`, BOM line of that parent) pair, by position then line.

    Concatenates the ranges first[p]..first[p+1] of each entry without a Python loop: each pair's
    offset into `lines.line` is its range's start plus its rank within the range.
    """
    start, stop = lines.first[parent], lines.first[parent + 1]
    size = stop - start
    position = np.repeat(np.arange(len(parent)), size)
    rank = np.arange(int(size.sum())) - np.repeat(np.cumsum(size) - size, size)
    return position, lines.line[start[position] + rank]


def applies(bom: Bom, line: np.ndarray, bucket: np.ndarray) -> np.ndarray:
    """Whether each BOM line is valid for an order released in `bucket`."""
    return (bom.valid_from_bucket[line] <= bucket) & (bucket < bom.valid_to_bucket[line])


def requirements(
    parent: np.ndarray,
    release_bucket: np.ndarray,
    release_quantity: np.ndarray,
    bom: Bom,
    lines: LinesByParent,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(position of the order, BOM line, quantity) for each line that applies to each order."""
    position, line = with_lines(parent, lines)
    valid = applies(bom, line, release_bucket[position])
    position, line = position[valid], line[valid]
    quantity = times_qty_per(release_quantity[position], bom.qty_per_micro[line])
    return position, line, quantity


def material_requirements(orders: PlannedOrders, bom: Bom, n_items: int) -> MaterialRequirements:
    """The material issue list of every planned order, ordered by order then BOM line."""
    lines = lines_by_parent(bom, n_items)
    order, line, quantity = requirements(
        orders.item, orders.release_bucket, orders.release_quantity, bom, lines
    )
    return MaterialRequirements(
        order=order.astype(np.int64),
        line=line.astype(np.int64),
        component=bom.component[line],
        bucket=orders.release_bucket[order],
        quantity=quantity,
    )

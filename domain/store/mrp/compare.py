"""Comparing two runs (e.g. a what-if with its base): planned orders added, removed and changed,
and the items whose shortage appeared or went away.

Orders are matched per item by due date; an item with several orders due the same day (fixed
lots) pairs them in order. A matched pair differs when its receipt or release quantity or its
release date differ. Items whose stored orders are byte for byte the same are skipped unread.
"""

from dataclasses import dataclass
from datetime import date
from itertools import zip_longest

from sqlalchemy import select

from domain.store.mrp.reading import PlannedOrderRecord, orders_of, run_boundaries
from domain.store.tables.mrp import MrpRunItem


@dataclass(frozen=True)
class OrderChange:
    item_id: int
    change: str  # ADDED, REMOVED, CHANGED
    due_date: date
    base: PlannedOrderRecord | None
    other: PlannedOrderRecord | None


@dataclass(frozen=True)
class Comparison:
    changes: list[OrderChange]
    new_shortages: list[int]
    resolved_shortages: list[int]

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes if c.change == change)


async def _rows(conn, run_id: int) -> dict[int, object]:
    t = MrpRunItem.__table__
    rows = await conn.execute(
        select(t.c.item_id, t.c.first_order, t.c.lead_days, t.c.orders, t.c.shortage).where(
            t.c.run_id == run_id
        )
    )
    return {row.item_id: row for row in rows.all()}


def _by_due(records: list[PlannedOrderRecord]) -> dict[date, list[PlannedOrderRecord]]:
    grouped: dict[date, list[PlannedOrderRecord]] = {}
    for record in records:
        grouped.setdefault(record.due_date, []).append(record)
    return grouped


async def compare_runs(conn, base, other) -> Comparison:
    """What changed from run `base` to run `other` (mrp_run rows)."""
    base_rows, other_rows = await _rows(conn, base.id), await _rows(conn, other.id)
    base_starts, other_starts = run_boundaries(base)[:-1], run_boundaries(other)[:-1]
    changes: list[OrderChange] = []
    for item_id in sorted(base_rows.keys() | other_rows.keys()):
        before, after = base_rows.get(item_id), other_rows.get(item_id)
        if (
            before is not None
            and after is not None
            and before.orders == after.orders
            and (base_starts == other_starts and before.lead_days == after.lead_days)
        ):
            continue
        old = _by_due(orders_of(before, base_starts)) if before is not None else {}
        new = _by_due(orders_of(after, other_starts)) if after is not None else {}
        for due in sorted(old.keys() | new.keys()):
            for a, b in zip_longest(old.get(due, []), new.get(due, [])):
                if a is None:
                    changes.append(OrderChange(item_id, "ADDED", due, None, b))
                elif b is None:
                    changes.append(OrderChange(item_id, "REMOVED", due, a, None))
                elif (a.receipt, a.release, a.release_date) != (
                    b.receipt,
                    b.release,
                    b.release_date,
                ):
                    changes.append(OrderChange(item_id, "CHANGED", due, a, b))
    short_before = {i for i, r in base_rows.items() if r.shortage}
    short_after = {i for i, r in other_rows.items() if r.shortage}
    return Comparison(
        changes=changes,
        new_shortages=sorted(short_after - short_before),
        resolved_shortages=sorted(short_before - short_after),
    )

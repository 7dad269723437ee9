"""The oracle: MRP written the plain way, item by item and bucket by bucket, in Python ints.

It follows the rules as stated in domain/mrp's docstrings, with no closed forms, no arrays and no
tricks, so that it can be checked by reading. The property tests compare the engine with it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from domain.mrp.model import DemandKind, ExceptionKind, LotRule, MrpInput, Strategy, SupplyKind

MICRO = 10**6


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


@dataclass
class Order:
    item: int
    due: int
    seq: int
    release_bucket: int
    release_date: object
    receipt: int
    release: int
    index: int = -1


@dataclass
class Result:
    codes: list[int]
    gross: list[list[int]]
    scheduled: list[list[int]]
    projected: list[list[int]]
    net: list[list[int]]
    planned_receipt: list[list[int]]
    planned_release: list[list[int]]
    orders: list[tuple] = field(
        default_factory=list
    )  # (item, due, release bucket, date, receipt, release)
    independent: list[tuple] = field(default_factory=list)  # (item, bucket, kind, ref, quantity)
    materials: list[tuple] = field(default_factory=list)  # (order, line, component, bucket, qty)
    exceptions: list[tuple] = field(default_factory=list)  # (kind, item, bucket, to, qty, ref)
    pegging: list[tuple] = field(default_factory=list)  # as domain.mrp.model.Pegging's fields


def reference_run(inp: MrpInput) -> Result:
    n, T = inp.n_items, inp.n_buckets
    starts = [d.item() for d in inp.horizon.starts]  # datetime.date
    it = inp.items
    lead, rule, param = it.lead_days.tolist(), it.lot_rule.tolist(), it.lot_param.tolist()
    ss, scrap, on_hand = it.safety_stock.tolist(), it.scrap_micro.tolist(), it.on_hand.tolist()
    strategy = it.strategy.tolist()
    bom = [
        (p, c, m, f, to)
        for p, c, m, f, to in zip(
            inp.bom.parent.tolist(),
            inp.bom.component.tolist(),
            inp.bom.qty_per_micro.tolist(),
            inp.bom.valid_from_bucket.tolist(),
            inp.bom.valid_to_bucket.tolist(),
            strict=True,
        )
    ]
    receipts = sorted(
        (i, b, rid, q)
        for i, b, q, rid in zip(
            inp.receipts.item.tolist(),
            inp.receipts.bucket.tolist(),
            inp.receipts.quantity.tolist(),
            inp.receipts.receipt_id.tolist(),
            strict=True,
        )
    )

    lines_of = {i: [] for i in range(n)}  # parent → [(line, component, qty_per, from, to)]
    for line, (p, c, m, valid_from, valid_to) in enumerate(bom):
        lines_of[p].append((line, c, m, valid_from, valid_to))

    codes = low_level_codes(n, bom)
    gross_indep, independent = independent_demand(inp, n, T, strategy)

    def release_of(due: int, item: int):
        date = starts[due] - timedelta(days=lead[item])
        if date < starts[0]:
            return 0, date
        return max(t for t in range(T) if starts[t] <= date), date

    def zeros():
        return [[0] * T for _ in range(n)]

    res = Result(codes, zeros(), zeros(), zeros(), zeros(), zeros(), zeros())
    res.independent = independent
    dependent = zeros()
    for i, b, _rid, q in receipts:
        res.scheduled[i][b] += q
    orders: list[Order] = []
    needs: list[tuple] = []  # (order object, line, component, bucket, quantity)

    for i in sorted(range(n), key=lambda i: (codes[i], i)):
        gross = [gross_indep[i][t] + dependent[i][t] for t in range(T)]
        sched = res.scheduled[i]
        projected = on_hand[i]
        for t in range(T):
            available = projected + sched[t] - gross[t]
            net = max(0, ss[i] - available)
            sizes = lot_sizes(rule[i], param[i], net, ss[i], projected, sched, gross, t)
            projected = available + sum(sizes)
            res.gross[i][t], res.projected[i][t], res.net[i][t] = gross[t], projected, net
            res.planned_receipt[i][t] = sum(sizes)
            for seq, size in enumerate(sizes):
                release_bucket, date = release_of(t, i)
                release = ceil_div(size * MICRO, MICRO - scrap[i])
                order = Order(i, t, seq, release_bucket, date, size, release)
                orders.append(order)
                res.planned_release[i][release_bucket] += release
                for line, c, m, valid_from, valid_to in lines_of[i]:
                    if valid_from <= release_bucket < valid_to:
                        quantity = ceil_div(release * m, MICRO)
                        dependent[c][release_bucket] += quantity
                        needs.append((order, line, c, release_bucket, quantity))

    orders.sort(key=lambda o: (o.item, o.due, o.seq))
    for index, o in enumerate(orders):
        o.index = index
    res.orders = [
        (o.item, o.due, o.release_bucket, o.release_date, o.receipt, o.release) for o in orders
    ]
    res.materials = sorted((o.index, line, c, b, q) for o, line, c, b, q in needs)
    res.exceptions = exceptions(res, n, T, ss, on_hand, receipts, orders, starts[0])
    res.pegging = pegging(res, n, T, ss, on_hand, receipts, orders)
    return res


def low_level_codes(n: int, bom: list[tuple]) -> list[int]:
    """Longest path from a top item (the BOM is assumed acyclic here)."""
    parents_of = {i: [] for i in range(n)}
    for p, c, *_ in bom:
        parents_of[c].append(p)
    codes: dict[int, int] = {}

    def code(i: int) -> int:
        if i not in codes:
            parents = parents_of[i]
            codes[i] = 1 + max(code(p) for p in parents) if parents else 0
        return codes[i]

    return [code(i) for i in range(n)]


def independent_demand(inp: MrpInput, n: int, T: int, strategy: list[int]):
    d = inp.demand
    rows = list(
        zip(
            d.item.tolist(),
            d.bucket.tolist(),
            d.kind.tolist(),
            d.source_id.tolist(),
            d.quantity.tolist(),
            strict=True,
        )
    )
    at = {}  # (item, bucket) → [(ref, position, kind, quantity)]
    for pos, (e, b, kind, ref, q) in enumerate(rows):
        if q > 0:
            at.setdefault((e, b), []).append((ref, pos, kind, q))
    gross = [[0] * T for _ in range(n)]
    elements = []
    for i in range(n):
        for t in range(T):
            here = at.get((i, t), [])
            booked = sorted((ref, pos, q) for ref, pos, kind, q in here if kind == DemandKind.ORDER)
            forecast = sorted(
                (ref, pos, q) for ref, pos, kind, q in here if kind != DemandKind.ORDER
            )
            if strategy[i] == Strategy.MTO:
                forecast = []
            left = sum(q for _, _, q in booked)  # orders still to consume forecast with
            gross[i][t] = left
            for ref, _pos, q in booked:
                elements.append((i, t, DemandKind.ORDER, ref, q))
            for ref, _pos, q in forecast:
                used = min(q, left)
                left -= used
                if q - used > 0:
                    elements.append((i, t, DemandKind.FORECAST, ref, q - used))
                    gross[i][t] += q - used
    return gross, elements


def lot_sizes(rule, q, net, ss, projected_before, sched, gross, t) -> list[int]:
    """The planned orders due in bucket t for this net requirement."""
    if net <= 0:
        return []
    if rule == LotRule.LOT_FOR_LOT:
        return [net]
    if rule == LotRule.FIXED:
        count = 0
        while count * q < net:
            count += 1
        return [q] * count
    if rule == LotRule.MINIMUM:
        return [max(net, q)]
    if rule == LotRule.MULTIPLE:
        return [ceil_div(net, q) * q]
    assert rule == LotRule.PERIODS_OF_SUPPLY
    needed = 0
    stock = projected_before
    for u in range(t, min(t + q, len(gross))):
        stock += sched[u] - gross[u]
        needed = max(needed, ss - stock)
    return [needed]


def exceptions(res, n, T, ss, on_hand, receipts, orders, run_date) -> list[tuple]:
    found = []
    for i in range(n):
        unplanned = on_hand[i]
        for t in range(T):
            unplanned += res.scheduled[i][t] - res.gross[i][t]
            if unplanned < 0:
                found.append((ExceptionKind.SHORTAGE, i, t, -1, -unplanned, -1))
                break
        unplanned = on_hand[i]
        for t in range(T):
            unplanned += res.scheduled[i][t] - res.gross[i][t]
            if unplanned < ss[i]:
                if unplanned >= 0:
                    found.append(
                        (ExceptionKind.BELOW_SAFETY_STOCK, i, t, -1, ss[i] - unplanned, -1)
                    )
                break
    for o in orders:
        if o.release_date < run_date:
            found.append((ExceptionKind.RELEASE_PAST, o.item, o.due, -1, o.release, o.index))
    previous_item = None
    for i, bucket, rid, q in receipts:  # sorted by item, bucket, receipt id
        if q == 0:
            continue
        if i != previous_item:
            before, previous_item = 0, i
        need = T
        for t in range(T):
            if ss[i] + sum(res.gross[i][: t + 1]) - on_hand[i] > before:
                need = t
                break
        suggestion = need if need < T else -1
        if need < bucket:
            found.append((ExceptionKind.RESCHEDULE_IN, i, bucket, suggestion, q, rid))
        if need > bucket:
            found.append((ExceptionKind.RESCHEDULE_OUT, i, bucket, suggestion, q, rid))
        before += q
    return sorted(found, key=lambda e: (e[1], e[0], e[2], e[5]))


def pegging(res, n, T, ss, on_hand, receipts, orders) -> list[tuple]:
    supply = {i: [] for i in range(n)}  # item → [(bucket, kind, ref, quantity)]
    demand = {i: [] for i in range(n)}  # item → [(bucket, kind, ref, tie-break, quantity)]
    for i in range(n):
        if on_hand[i] > 0:
            supply[i].append((0, SupplyKind.ON_HAND, -1, on_hand[i]))
    for i, b, rid, q in receipts:
        if q > 0:
            supply[i].append((b, SupplyKind.SCHEDULED, rid, q))
    for o in orders:
        supply[o.item].append((o.due, SupplyKind.PLANNED, o.index, o.receipt))
    for pos, (i, b, kind, ref, q) in enumerate(res.independent):
        demand[i].append((b, kind, ref, pos, q))
    for order, line, c, b, q in res.materials:
        if q > 0:
            demand[c].append((b, DemandKind.PARENT_ORDER, order, line, q))

    pegs = []
    for i in range(n):
        if ss[i] > 0:
            demand[i].append((0, DemandKind.SAFETY_STOCK, -1, 0, ss[i]))
        excess = sum(s[3] for s in supply[i]) - sum(d[4] for d in demand[i])
        if excess > 0:
            demand[i].append((T, DemandKind.EXCESS, -1, 0, excess))
        supply[i].sort(key=lambda s: s[:3])
        demand[i].sort(key=lambda d: d[:4])
        pegs += fifo(i, supply[i], demand[i])
    return pegs


def fifo(i: int, supply: list[tuple], demand: list[tuple]) -> list[tuple]:
    """Match one item's supply to its demand unit by unit, first in first out."""
    pegs = []
    s_left = [s[3] for s in supply]
    d_left = [d[4] for d in demand]
    si = di = 0
    while si < len(supply) and di < len(demand):
        take = min(s_left[si], d_left[di])
        s, d = supply[si], demand[di]
        pegs.append((i, s[1], s[2], d[1], d[2], d[0], take))
        s_left[si] -= take
        d_left[di] -= take
        if s_left[si] == 0:
            si += 1
        if d_left[di] == 0:
            di += 1
    assert si == len(supply) and di == len(demand), "supply and demand totals differ"
    return pegs

"""MRP engine compute time on synthetic item masters, against a numpy lot-for-lot floor, and
whole runs end to end on SQLite and PostgreSQL.

    .venv/bin/python bench/mrp.py                        # 1k, 10k and 100k items, 3 runs each
    .venv/bin/python bench/mrp.py --sizes 10000 --runs 5 --no-end-to-end

Each item master has 6 BOM levels, about 3.6 BOM lines per item, 52 weekly buckets, every lot
rule, safety stock, scrap, scheduled receipts, MTS and MTO items, from a fixed seed. Printed per
size (medians of --runs): the floor (the simplest vectorised per-level lot-for-lot netting and
explosion on the same input), the engine's plan with all lot rules, their ratio, pegging apart,
the reference implementation (tests/unit/mrp/reference.py) at 10k, encoding the results in
their stored form (domain/store/mrp/results.py) and its size, and, at the largest size, the peak
memory Python and numpy allocate during plan + pegging + encoding (tracemalloc) and the
process's peak RSS.

End to end (--end-to-end-size, default 10k): the item master, BOM and an approved weekly forecast
are stored in a fresh database (not timed); then mrpRunStart is handled and the clock runs until
the run is DONE: enqueue, a worker picks it up, loads the inputs, computes, encodes and stores
all results in one transaction. On SQLite the server's local worker process runs it; on
PostgreSQL a `salesplan worker` process (a scratch database is made on the server of
--postgres-url and dropped afterwards). The first run of each includes the worker's start (its
imports); the second is what a planner waits for once the worker is up. The synthetic master in
the database has no scheduled receipts and no stock for materials (tests/integration/
mrp_synthetic.py says why), so its planned orders differ from the engine-only figures.
"""

import argparse
import asyncio
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.mrp import (
    Bom,
    Demand,
    DemandKind,
    Horizon,
    Items,
    LotRule,
    MrpInput,
    MrpResult,
    ScheduledReceipts,
    peg,
    plan,
)
from domain.mrp.explosion import lines_by_code
from domain.mrp.levels import low_level_codes
from domain.mrp.quantities import times_qty_per
from domain.mrp.runs import BucketKind
from domain.store.mrp.results import Identities, encode

STORED = ("buckets", "orders", "pegging", "materials", "exceptions")

U = 1000  # milli-units per unit
LEVEL_SHARES = [0.06, 0.10, 0.16, 0.20, 0.22, 0.26]  # items per low-level code, top first
LINES_PER_ITEM = 3.6
REFERENCE_AT = 10_000


def synthetic_input(n_items: int, n_buckets: int = 52, seed: int = 20270104) -> MrpInput:
    """A deterministic item master with 6 levels and ~3.6 BOM lines per item."""
    rng = np.random.default_rng(seed)
    sizes = np.floor(np.array(LEVEL_SHARES) * n_items).astype(int)
    sizes[-1] += n_items - sizes.sum()
    # Item ids are shuffled so that levels are not contiguous ranges, as in a real master.
    ids = rng.permutation(n_items)
    level_of = np.empty(n_items, dtype=np.int64)
    members = np.split(ids, np.cumsum(sizes)[:-1])
    for level, items in enumerate(members):
        level_of[items] = level

    parents, components = [], []
    for level in range(1, len(members)):  # one parent on the level above fixes each item's code
        parents.append(rng.choice(members[level - 1], len(members[level])))
        components.append(members[level])
    extra = int(LINES_PER_ITEM * n_items) - (n_items - sizes[0])
    parent = rng.choice(np.concatenate(members[:-1]), extra)
    depth = np.minimum(level_of[parent] + 1 + (rng.random(extra) < 0.3), len(members) - 1)
    component = np.array([rng.choice(members[d]) for d in depth]) if extra else np.array([], int)
    parents.append(parent)
    components.append(component)
    pairs = np.unique(np.stack([np.concatenate(parents), np.concatenate(components)]), axis=1)
    n_lines = pairs.shape[1]
    whole = rng.integers(1, 5, n_lines) * 1_000_000
    # 0.1 to 5 per, plus 0 to 4.9 % line scrap, in millionths
    fractional = rng.integers(100, 5_000, n_lines) * 1_000 * (1_000 + rng.integers(0, 50, n_lines))
    qty_per = np.where(rng.random(n_lines) < 0.7, whole, fractional // 1_000)
    valid_to = np.where(rng.random(n_lines) < 0.03, rng.integers(5, n_buckets, n_lines), 2**31 - 1)

    items = Items(
        lead_days=rng.choice([0, 2, 3, 5, 7, 10, 14, 21, 28], n_items),
        lot_rule=np.zeros(n_items),  # lot rules are set below, sized to each item's demand
        lot_param=np.zeros(n_items),
        safety_stock=np.where(rng.random(n_items) < 0.3, rng.integers(5, 100, n_items) * U, 0),
        scrap_micro=np.where(rng.random(n_items) < 0.2, rng.integers(10_000, 50_000, n_items), 0),
        on_hand=rng.integers(0, 500, n_items) * U,
        strategy=(rng.random(n_items) < 0.2).astype(np.int8) * (level_of == 0),
    )

    top = members[0]
    spares = members[1][rng.random(len(members[1])) < 0.05]
    forecast_items = np.repeat(np.concatenate([top, spares]), n_buckets)
    forecast_buckets = np.tile(np.arange(n_buckets), len(top) + len(spares))
    n_forecast = len(forecast_items)
    booked = rng.random(len(top) * 8) < 0.3  # order lines in the first 8 weeks
    order_items = np.repeat(top, 8)[booked]
    order_buckets = np.tile(np.arange(8), len(top))[booked]
    n_orders = len(order_items)
    demand = Demand(
        item=np.concatenate([forecast_items, order_items]),
        bucket=np.concatenate([forecast_buckets, order_buckets]),
        quantity=np.concatenate(
            [rng.integers(20, 200, n_forecast) * U, rng.integers(5, 150, n_orders) * U]
        ),
        kind=np.concatenate(
            [np.full(n_forecast, DemandKind.FORECAST), np.full(n_orders, DemandKind.ORDER)]
        ),
        source_id=np.arange(n_forecast + n_orders),
    )
    n_receipts = int(0.4 * n_items)
    receipts = ScheduledReceipts(
        item=rng.integers(0, n_items, n_receipts),
        bucket=rng.integers(0, 10, n_receipts),
        quantity=rng.integers(50, 1000, n_receipts) * U,
        receipt_id=np.arange(n_receipts),
    )
    starts = np.datetime64("2027-01-04") + 7 * np.arange(n_buckets)
    lot_for_lot = MrpInput(
        Horizon(starts, starts[-1] + 7),
        items,
        Bom(pairs[0], pairs[1], qty_per, valid_to_bucket=valid_to),
        demand,
        receipts,
    )
    return replace(lot_for_lot, items=with_lot_rules(items, lot_for_lot, rng))


def with_lot_rules(items: Items, lot_for_lot: MrpInput, rng: np.random.Generator) -> Items:
    """Every lot rule, with lot quantities of 0.5 to 4 weeks of the item's lot-for-lot need, as
    a planner would set them (a fixed size of one unit for a part used by the million is no
    planner's choice, and would make millions of orders)."""
    n = len(items)
    weekly = lot_for_lot_floor(lot_for_lot).mean(axis=1)
    rule = rng.choice(list(LotRule), n, p=[0.4, 0.15, 0.15, 0.15, 0.15])
    weeks = rng.uniform(0.5, 4, n)
    quantity = np.maximum(np.round(weekly * weeks, -3), U).astype(np.int64)
    param = np.where(rule == LotRule.PERIODS_OF_SUPPLY, rng.integers(2, 7, n), quantity)
    return replace(items, lot_rule=rule, lot_param=param)


def lot_for_lot_floor(inp: MrpInput) -> np.ndarray:
    """The least a per-level netting can do: lot-for-lot for every item, whole-week lead-time
    offsets, explosion of each item's total release per bucket. Returns planned receipts."""
    items, bom, n, n_buckets = inp.items, inp.bom, inp.n_items, inp.n_buckets
    codes = low_level_codes(n, bom.parent, bom.component)
    offset = -(-items.lead_days // 7)  # weekly buckets: released ⌈lead / 7⌉ buckets earlier
    gross = np.zeros((n, n_buckets), dtype=np.int64)
    np.add.at(gross, (inp.demand.item, inp.demand.bucket), inp.demand.quantity)
    scheduled = np.zeros((n, n_buckets), dtype=np.int64)
    np.add.at(scheduled, (inp.receipts.item, inp.receipts.bucket), inp.receipts.quantity)
    receipts = np.zeros((n, n_buckets), dtype=np.int64)
    for code, lines in enumerate(lines_by_code(bom, codes)):
        level = np.flatnonzero(codes == code)
        available = items.on_hand[level, None] + np.cumsum(scheduled[level] - gross[level], axis=1)
        received = np.maximum.accumulate(
            np.maximum(items.safety_stock[level, None] - available, 0), axis=1
        )
        receipt = np.diff(received, axis=1, prepend=0)
        receipts[level] = receipt
        release = np.zeros_like(receipt)
        for k in np.unique(offset[level]):  # shift each lead-time group by its offset
            rows = np.flatnonzero(offset[level] == k)
            release[rows, 0] = receipt[rows, : k + 1].sum(axis=1)
            release[rows, 1 : n_buckets - k] = receipt[rows, k + 1 :]
        if len(lines):
            row = np.empty(n, dtype=np.int64)
            row[level] = np.arange(len(level))
            need = times_qty_per(release[row[bom.parent[lines]]], bom.qty_per_micro[lines, None])
            component = bom.component[lines]
            first = np.flatnonzero(np.diff(component, prepend=-1))
            gross[component[first]] += np.add.reduceat(need, first, axis=0)
    return receipts


@dataclass
class Figures:
    n_items: int
    n_lines: int
    n_orders: int
    n_pegs: int
    floor: float
    plan: float
    pegging: float
    reference: float | None = None
    traced_peak_mib: float | None = None
    encode: float | None = None
    stored_mib: float | None = None


def median_seconds(action, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def compute_figures(n_items: int, runs: int, measure_memory: bool) -> Figures:
    inp = synthetic_input(n_items)
    floor, _ = median_seconds(lambda: lot_for_lot_floor(inp), runs)
    plan_s, planned = median_seconds(lambda: plan(inp), runs)
    peg_s, pegging = median_seconds(lambda: peg(inp, planned), runs)
    figures = Figures(
        n_items, len(inp.bom), len(planned.orders), len(pegging), floor, plan_s, peg_s
    )
    ids = Identities(
        np.arange(n_items) + 1, np.arange(len(inp.bom)) + 1, np.arange(len(inp.receipts))
    )
    storing = partial(encode, inp, MrpResult(planned, pegging, plan_s, peg_s), ids)
    figures.encode, encoded = median_seconds(storing, 1)
    figures.stored_mib = sum(len(b) for name in STORED for b in getattr(encoded, name)) / 2**20
    del pegging, storing, encoded
    if n_items == REFERENCE_AT:
        from tests.unit.mrp.reference import reference_run

        figures.reference, _ = median_seconds(lambda: reference_run(inp), 1)
    if measure_memory:
        tracemalloc.start()
        planned = plan(inp)
        encode(inp, MrpResult(planned, peg(inp, planned), 0, 0), ids)
        figures.traced_peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


def print_figures(rows: list[Figures]) -> None:
    print(
        f"{'items':>8} {'lines':>8} {'orders':>9} {'floor s':>8} {'plan s':>8} {'ratio':>6} "
        f"{'pegs':>9} {'peg s':>7} {'reference s':>12} {'encode s':>9} {'stored MiB':>10} "
        f"{'peak MiB':>9}"
    )
    for f in rows:
        reference = f"{f.reference:12.2f}" if f.reference is not None else f"{'-':>12}"
        peak = f"{f.traced_peak_mib:9.0f}" if f.traced_peak_mib is not None else f"{'-':>9}"
        print(
            f"{f.n_items:>8} {f.n_lines:>8} {f.n_orders:>9} {f.floor:8.3f} {f.plan:8.3f} "
            f"{f.plan / f.floor:6.2f} {f.n_pegs:>9} {f.pegging:7.3f} {reference} "
            f"{f.encode:9.2f} {f.stored_mib:10.1f} {peak}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MiB (inputs, floor and every size included)")


@dataclass
class EndToEnd:
    database: str
    cold: float
    warm: float
    load: float
    compute: float
    store: float
    orders: int


async def end_to_end(url: str, n_items: int) -> EndToEnd:
    """Two runs of a fresh database's synthetic master, timed from mrpRunStart to DONE."""
    from sqlalchemy import insert, select

    from domain.jobs import create_job_queue
    from domain.services.mrp.runs import MrpRunStart
    from domain.services.pipeline import UseCases
    from domain.store.db import create_engine, writer
    from domain.store.migrate import upgrade
    from domain.store.tables.forecasts import Forecast, ForecastLine
    from domain.store.tables.jobs import JobState
    from domain.store.tables.mrp import MrpRun
    from tests.integration.mrp_synthetic import START, planner_of, store_synthetic_master

    engine = create_engine(url)
    worker = None
    queue = create_job_queue(url)
    try:
        await upgrade(engine)
        actor = await planner_of(engine)
        first = await store_synthetic_master(engine, synthetic_input(n_items), actor)
        async with writer(engine).begin() as conn:  # a second forecast, for the second run
            original = (await conn.execute(select(Forecast).where(Forecast.id == first))).one()
            values = {c.key: getattr(original, c.key) for c in Forecast.__table__.columns}
            del values["id"]
            second = (await conn.execute(insert(Forecast).values(**values))).inserted_primary_key[0]
            lines = (
                await conn.execute(select(ForecastLine).where(ForecastLine.forecast_id == first))
            ).all()
            copies = []
            for line in lines:
                row = {c.key: getattr(line, c.key) for c in ForecastLine.__table__.columns}
                del row["id"]
                copies.append(row | {"forecast_id": second})
            for start in range(0, len(copies), 5000):
                await conn.execute(insert(ForecastLine), copies[start : start + 5000])
        await queue.start(engine)
        if engine.dialect.name == "postgresql":
            worker = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "api.cli", "worker",
                env={**os.environ, "DATABASE_URL": url},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        use_cases = UseCases(engine, jobs=queue)
        seconds = []
        for forecast in (first, second):
            started = time.perf_counter()
            result = await use_cases.handle(
                MrpRunStart(forecast, BucketKind.WEEK, 52, START), actor
            )
            assert result.ok, result.errors
            while True:
                async with engine.connect() as conn:
                    run = (
                        await conn.execute(select(MrpRun).where(MrpRun.id == result.value.id))
                    ).one()
                if run.job_state in (JobState.DONE, JobState.FAILED):
                    break
                await asyncio.sleep(0.01)
            seconds.append(time.perf_counter() - started)
            assert run.job_state is JobState.DONE, run.job_error
        return EndToEnd(
            engine.dialect.name, seconds[0], seconds[1], run.load_seconds, run.compute_seconds,
            run.store_seconds, run.planned_order_count,
        )  # fmt: skip
    finally:
        await queue.stop()
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            await asyncio.wait_for(worker.wait(), 60)
        await engine.dispose()


async def postgres_end_to_end(server_url: str, n_items: int) -> EndToEnd:
    """end_to_end on a scratch database of that server, dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    url = make_url(server_url)
    name = f"bench_mrp_{os.getpid()}"
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            target = url.set(database=name).render_as_string(hide_password=False)
            return await end_to_end(target, n_items)
        finally:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def print_end_to_end(rows: list[EndToEnd], n_items: int) -> None:
    print(f"\nend to end at {n_items} items, 52 weekly buckets (mrpRunStart → DONE):")
    print(
        f"{'database':>10} {'first s':>8} {'second s':>9} {'load s':>7} {'compute s':>9} "
        f"{'store s':>8} {'orders':>8}"
    )
    for e in rows:
        print(
            f"{e.database:>10} {e.cold:8.2f} {e.warm:9.2f} {e.load:7.2f} {e.compute:9.2f} "
            f"{e.store:8.2f} {e.orders:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3, help="repetitions; medians are printed")
    parser.add_argument("--end-to-end-size", type=int, default=10_000)
    parser.add_argument(
        "--no-end-to-end", action="store_true", help="engine figures only (no databases)"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(
            "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL server to make a scratch database on; 'none' to skip PostgreSQL",
    )
    args = parser.parse_args()
    largest = max(args.sizes)
    rows = [compute_figures(n, args.runs, measure_memory=n == largest) for n in args.sizes]
    print_figures(rows)
    if args.no_end_to_end:
        return
    end = []
    with tempfile.TemporaryDirectory() as scratch:
        sqlite_url = f"sqlite+aiosqlite:///{scratch}/bench.db"
        end.append(asyncio.run(end_to_end(sqlite_url, args.end_to_end_size)))
    if args.postgres_url != "none":
        end.append(asyncio.run(postgres_end_to_end(args.postgres_url, args.end_to_end_size)))
    print_end_to_end(end, args.end_to_end_size)


if __name__ == "__main__":
    main()

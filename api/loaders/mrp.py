"""Loaders for MRP master data (staff only) and MRP runs with their results (the company-wide
readers only: domain.mrp.access). A run's results are rows per item holding compressed arrays
(domain.store.mrp.results); lists that run across items (planned orders, exceptions) are paged
over those rows in order, decoding only the rows a page needs."""

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from graphql import GraphQLError
from sqlalchemy import false, func, select, true
from strawberry.dataloader import DataLoader

from api.ids import encode_cursor, pk_of
from api.loaders.reading import MAX_BATCH, ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import Connection, Edge, PageInfo, PageRequest, SortOrder
from api.types.mrp_master import BomLine, Item, Supplier, SupplierPrice
from api.types.mrp_runs import (
    ORDER_KEY_SHIFT,
    MrpException,
    MrpItemResult,
    MrpPlannedOrder,
    MrpPurchaseSuggestion,
    MrpRun,
    MrpSupplierSuggestion,
    PlannedOrderKind,
    RunFrame,
    milli,
)
from domain.access import Actor
from domain.mrp import ExceptionKind
from domain.mrp.access import may_read_master_data, may_read_mrp
from domain.mrp.master import Procurement
from domain.store.mrp.reading import orders_of, rows_holding_orders, run_boundaries, trace
from domain.store.mrp.results import EXCEPTION, unpack
from domain.store.mrp.runs import STATUS_OF_JOB
from domain.store.tables.jobs import JobState
from domain.store.tables.mrp import BomLine as BomLineRow
from domain.store.tables.mrp import Item as ItemRow
from domain.store.tables.mrp import MrpRun as RunRow
from domain.store.tables.mrp import MrpRunItem as RunItemRow
from domain.store.tables.mrp import Supplier as SupplierRow
from domain.store.tables.mrp import SupplierPrice as PriceRow

items_t = ItemRow.__table__
suppliers_t = SupplierRow.__table__
prices_t = PriceRow.__table__
lines_t = BomLineRow.__table__
runs_t = RunRow.__table__
run_items_t = RunItemRow.__table__
MAX_IDS = 100
ROW_BATCH = 200  # result rows read per statement while filling a page
EXCEPTION_SHIFT = 24  # an exception's position: item id × 2^24 + its index in the item


def run_of(row) -> MrpRun:
    boundaries = tuple(run_boundaries(row))
    return MrpRun(
        pk=row.id,
        frame=RunFrame(row.id, boundaries),
        forecast_pk=row.forecast_id,
        started_by_pk=row.started_by,
        base_run_pk=row.base_run_id,
        revision_pks=tuple(int(i) for i in row.plan_revision_ids.split()),
        status=STATUS_OF_JOB[JobState(row.job_state)],
        progress=row.progress,
        stage=row.stage,
        failure_reason=row.job_error if JobState(row.job_state) is JobState.FAILED else None,
        attempts=row.attempts,
        bucket=row.bucket,
        horizon=row.horizon,
        start_date=row.start_date,
        bucket_starts=list(boundaries[:-1]),
        what_if=row.what_if,
        queued_at=row.created_at,
        started_at=row.job_started_at,
        finished_at=row.job_finished_at,
        load_seconds=row.load_seconds,
        compute_seconds=row.compute_seconds,
        store_seconds=row.store_seconds,
        inputs_digest=row.inputs_digest,
        item_count=row.item_count,
        bom_line_count=row.bom_line_count,
        planned_order_count=row.planned_order_count,
        exception_count=row.exception_count,
        shortage_count=row.shortage_count,
        purchase_value=row.purchase_value,
        version=row.version,
    )


def item_ids(ids: list | None, *field: str) -> tuple[int, ...] | None:
    """Item primary keys of a filter; ids of other types match nothing."""
    if ids is None:
        return None
    if len(ids) > MAX_IDS:
        raise GraphQLError(f"at most {MAX_IDS} item ids")
    return tuple(sorted({pk for pk in (pk_of(i, "Item") for i in ids) if pk is not None}))


def item_filter(where) -> tuple:
    """A hashable key of an MrpItemWhereInput."""
    if where is None:
        return ()
    return (
        where.shortage,
        item_ids(where.item_ids),
        where.level,
        int(where.exception) if where.exception is not None else None,
        where.procurement.value if where.procurement else None,
    )


def item_conditions(key: tuple) -> list:
    if not key:
        return []
    shortage, ids, level, exception, procurement = key
    conditions = []
    if shortage is not None:
        conditions.append(run_items_t.c.shortage.is_(shortage))
    if ids is not None:
        conditions.append(run_items_t.c.item_id.in_(ids))
    if level is not None:
        conditions.append(run_items_t.c.low_level_code == level)
    if exception is not None:
        conditions.append(run_items_t.c.exception_mask.op("&")(1 << exception) != 0)
    if procurement is not None:
        conditions.append(run_items_t.c.procurement == Procurement(procurement))
    return conditions


def master_conditions(key: tuple) -> list:
    if not key:
        return []
    item_type, procurement, prefix = key
    conditions = []
    if item_type is not None:
        conditions.append(items_t.c.item_type == item_type)
    if procurement is not None:
        conditions.append(items_t.c.procurement == procurement)
    if prefix:
        conditions.append(items_t.c.code.startswith(prefix, autoescape=True))
    return conditions


class _Statements:
    """What domain.store.mrp.reading needs of a connection, over a request's ReadDB."""

    def __init__(self, db: ReadDB) -> None:
        self._db = db

    async def execute(self, statement):
        rows = await self._db.rows(statement)

        class Result:
            def all(self):
                return rows

        return Result()


class MrpLoaders:
    def __init__(self, db: ReadDB, actor: Actor) -> None:
        self._db = db
        staff = true() if may_read_master_data(actor) else false()
        readers = may_read_mrp(actor) and actor.company_id is not None
        visible_runs = (runs_t.c.company_id == actor.company_id) if readers else false()
        self.readers = readers

        self.item = by_id_loader(
            db, lambda: select(items_t).where(staff), items_t.c.id, Item.from_row
        )
        self.items = TopLevelPages(
            db,
            lambda: select(items_t).where(staff),
            SortOrder(items_t.c.code, items_t.c.id),
            Item.from_row,
            master_conditions,
        )
        self.supplier = by_id_loader(
            db, lambda: select(suppliers_t).where(staff), suppliers_t.c.id, Supplier.from_row
        )
        self.suppliers = TopLevelPages(
            db,
            lambda: select(suppliers_t).where(staff),
            SortOrder(suppliers_t.c.code, suppliers_t.c.id),
            Supplier.from_row,
        )
        self.prices = ChildPages(
            db,
            lambda: select(prices_t).where(staff),
            prices_t.c.supplier_id,
            SortOrder(prices_t.c.item_id, prices_t.c.item_id),
            SupplierPrice.from_row,
        )
        self.bom_line = by_id_loader(
            db, lambda: select(lines_t).where(staff), lines_t.c.id, BomLine.from_row
        )
        self.components = ChildPages(
            db,
            lambda: select(lines_t).where(staff),
            lines_t.c.parent_item_id,
            SortOrder(lines_t.c.id, lines_t.c.id),
            BomLine.from_row,
        )
        self.used_in = ChildPages(
            db,
            lambda: select(lines_t).where(staff),
            lines_t.c.component_item_id,
            SortOrder(lines_t.c.id, lines_t.c.id),
            BomLine.from_row,
        )
        self.run = by_id_loader(db, lambda: select(runs_t).where(visible_runs), runs_t.c.id, run_of)
        self.runs = TopLevelPages(
            db,
            lambda: select(runs_t).where(visible_runs),
            SortOrder(runs_t.c.id, runs_t.c.id, descending=True),
            run_of,
            run_conditions,
        )
        self._run_items: dict[RunFrame, ChildPages] = {}
        self.planned_order = DataLoader(load_fn=self._planned_orders, max_batch_size=MAX_BATCH)
        self.trace = DataLoader(load_fn=self._traces, max_batch_size=MAX_BATCH)
        # By global-id key: run id × 2^32 + number (api.types.mrp_runs.ORDER_KEY_SHIFT).
        self.planned_order_by_key = DataLoader(
            load_fn=self._orders_by_key, max_batch_size=MAX_BATCH
        )
        self.purchase_items = _PurchaseItems(db)

    def run_items(self, frame: RunFrame) -> ChildPages:
        """Pages of one run's item results (the run is already known to be visible)."""
        if frame not in self._run_items:
            self._run_items[frame] = ChildPages(
                self._db,
                lambda: select(run_items_t),
                run_items_t.c.run_id,
                SortOrder(run_items_t.c.item_id, run_items_t.c.item_id),
                partial(MrpItemResult.of, frame),
                item_conditions,
            )
        return self._run_items[frame]

    async def _planned_orders(self, keys: list[tuple[int, int]]) -> list:
        by_run: dict[int, set[int]] = defaultdict(set)
        for run_id, number in keys:
            by_run[run_id].add(number)
        found = {}
        for run_id, numbers in by_run.items():
            run = await self.run.load(run_id)
            if run is None:
                continue
            rows = await rows_holding_orders(_Statements(self._db), run_id, numbers)
            for number, row in rows.items():
                record = orders_of(row, list(run.frame.starts))[number - row.first_order]
                found[(run_id, number)] = MrpPlannedOrder.of(run.frame, record, row)
        return [found.get(key) for key in keys]

    async def _orders_by_key(self, keys: list[int]) -> list:
        mask = (1 << ORDER_KEY_SHIFT) - 1
        return await self.planned_order.load_many(
            [(key >> ORDER_KEY_SHIFT, key & mask) for key in keys]
        )

    async def _traces(self, keys: list[tuple[int, int]]) -> list:
        results = []
        for run_id, number in keys:
            if await self.run.load(run_id) is None:
                results.append([])
                continue
            results.append(await trace(_Statements(self._db), run_id, number))
        return results


def run_conditions(key: tuple) -> list:
    if not key:
        return []
    forecast, states = key
    conditions = []
    if forecast is not None:
        conditions.append(runs_t.c.forecast_id == forecast)
    if states:
        conditions.append(runs_t.c.job_state.in_([JobState(s) for s in states]))
    return conditions


PURCHASED = (run_items_t.c.procurement == Procurement.BUY) & (run_items_t.c.order_count > 0)
SUPPLIER_KEY = func.coalesce(run_items_t.c.supplier_id, 0).label("supplier_key")


class _PurchaseItems:
    """A supplier's (key 0: no supplier's) planned purchases in one run, by item."""

    def __init__(self, db: ReadDB) -> None:
        self._pages = ChildPages(
            db,
            lambda: select(run_items_t, SUPPLIER_KEY).where(PURCHASED),
            SUPPLIER_KEY,
            SortOrder(run_items_t.c.item_id, run_items_t.c.item_id),
            MrpPurchaseSuggestion.from_row,
            lambda run_id: [run_items_t.c.run_id == run_id],
        )

    async def load(self, supplier_key: int, page: PageRequest, run_id: int) -> Connection:
        return await self._pages.load(supplier_key, page, run_id)


def _connection(entries: list, page: PageRequest, count) -> Connection:
    """A page from up to size + 1 (key, node) entries read in the page's direction."""
    more = len(entries) > page.size
    entries = entries[: page.size]
    if not page.forward:
        entries.reverse()
    edges = [Edge(node=node, cursor_from=partial(encode_cursor, [key, 0])) for key, node in entries]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=more if page.forward else page.before is not None,
            has_previous_page=more if not page.forward else page.after is not None,
            start_cursor=edges[0].cursor() if edges else None,
            end_cursor=edges[-1].cursor() if edges else None,
        ),
        count=count,
    )


def _bound(key) -> int | None:
    if key is None:
        return None
    value = key[0]
    if type(value) is not int:
        raise GraphQLError("not a valid cursor for this list")
    return value


async def _collect(
    db: ReadDB,
    statement,
    position,
    page: PageRequest | None,
    entries_of: Callable[[object], list],
) -> list:
    """(key, node) entries of the rows of `statement`, read in `position` order (backwards for
    a backward page), keeping those between the page's cursors; stops at size + 1 (all of them
    when `page` is None, for counting)."""
    forward = page is None or page.forward
    after = _bound(page.after) if page else None
    before = _bound(page.before) if page else None
    wanted = None if page is None else page.size + 1
    found: list = []
    last = None
    while True:
        stmt = statement
        if last is not None:
            stmt = stmt.where(position > last if forward else position < last)
        stmt = stmt.order_by(position.asc() if forward else position.desc()).limit(ROW_BATCH)
        rows = await db.rows(stmt)
        for row in rows:
            entries = entries_of(row)
            for key, node in entries if forward else reversed(entries):
                if (after is not None and key <= after) or (before is not None and key >= before):
                    continue
                found.append((key, node))
                if wanted is not None and len(found) >= wanted:
                    return found
        if len(rows) < ROW_BATCH:
            return found
        last = rows[-1]._mapping[position.key]


async def planned_orders_page(info, frame: RunFrame, where, page: PageRequest) -> Connection:
    """Planned orders of a run by number; cursors hold the number."""
    db = info.context.db
    t = run_items_t
    conditions = [t.c.run_id == frame.run_pk, t.c.order_count > 0]
    due_before = None
    if where is not None:
        if where.kind is not None:
            procurement = (
                Procurement.MAKE if where.kind is PlannedOrderKind.PRODUCTION else Procurement.BUY
            )
            conditions.append(t.c.procurement == procurement)
        ids = item_ids(where.item_ids)
        if ids is not None:
            conditions.append(t.c.item_id.in_(ids))
        if where.due_before is not None:
            due_before = where.due_before
            conditions.append(t.c.first_due < due_before)
    after, before = _bound(page.after), _bound(page.before)
    bounded = list(conditions)
    if after is not None:
        bounded.append(t.c.first_order + t.c.order_count > after + 1)
    if before is not None:
        bounded.append(t.c.first_order < before)
    starts = list(frame.starts)

    def entries(row) -> list:
        return [
            (record.number, MrpPlannedOrder.of(frame, record, row))
            for record in orders_of(row, starts)
            if due_before is None or record.due_date < due_before
        ]

    statement = select(t).where(*bounded)
    found = await _collect(db, statement, t.c.first_order, page, entries)

    async def count() -> int:
        if due_before is None:
            total = await db.rows(
                select(func.coalesce(func.sum(t.c.order_count), 0)).where(*conditions)
            )
            return int(total[0][0])
        return len(await _collect(db, select(t).where(*conditions), t.c.first_order, None, entries))

    return _connection(found, page, count)


async def exceptions_page(info, frame: RunFrame, where, page: PageRequest) -> Connection:
    """Exceptions of a run by item, then kind; cursors hold item id × 2^24 + index."""
    db = info.context.db
    t = run_items_t
    conditions = [t.c.run_id == frame.run_pk, t.c.exception_mask != 0]
    kind = None
    if where is not None:
        if where.kind is not None:
            kind = ExceptionKind(where.kind)
            conditions.append(t.c.exception_mask.op("&")(1 << int(kind)) != 0)
        ids = item_ids(where.item_ids)
        if ids is not None:
            conditions.append(t.c.item_id.in_(ids))
    after, before = _bound(page.after), _bound(page.before)
    bounded = list(conditions)
    if after is not None:
        bounded.append(t.c.item_id >= after >> EXCEPTION_SHIFT)
    if before is not None:
        bounded.append(t.c.item_id <= before >> EXCEPTION_SHIFT)
    starts = list(frame.starts)

    def entries(row) -> list:
        found = []
        for k, e in enumerate(unpack(row.exceptions, EXCEPTION)):
            if kind is not None and int(e["kind"]) != kind:
                continue
            to_bucket = int(e["to_bucket"])
            exception_kind = ExceptionKind(int(e["kind"]))
            reschedule = exception_kind in (
                ExceptionKind.RESCHEDULE_IN,
                ExceptionKind.RESCHEDULE_OUT,
            )
            node = MrpException(
                frame=frame,
                item_pk=row.item_id,
                ref=int(e["ref"]),
                kind=exception_kind,
                bucket_start=starts[int(e["bucket"])],
                suggested_date=starts[to_bucket] if reschedule and to_bucket >= 0 else None,
                cancel=reschedule and to_bucket < 0,
                quantity=milli(int(e["quantity"])),
            )
            found.append(((row.item_id << EXCEPTION_SHIFT) + k, node))
        return found

    found = await _collect(db, select(t).where(*bounded), t.c.item_id, page, entries)

    async def count() -> int:
        return len(await _collect(db, select(t).where(*conditions), t.c.item_id, None, entries))

    return _connection(found, page, count)


async def supplier_suggestions_page(info, run_pk: int, page: PageRequest) -> Connection:
    """Planned purchases of a run grouped by supplier key (0: no supplier); cursors hold it."""
    db = info.context.db
    t = run_items_t
    grouped = (
        select(
            SUPPLIER_KEY,
            func.sum(t.c.purchase_value).label("value"),
            func.count().label("items"),
        )
        .where(t.c.run_id == run_pk, PURCHASED)
        .group_by(SUPPLIER_KEY)
        .subquery()
    )
    statement = select(grouped, suppliers_t.c.minimum_order).outerjoin(
        suppliers_t, suppliers_t.c.id == grouped.c.supplier_key
    )
    after, before = _bound(page.after), _bound(page.before)
    if after is not None:
        statement = statement.where(grouped.c.supplier_key > after)
    if before is not None:
        statement = statement.where(grouped.c.supplier_key < before)
    key = grouped.c.supplier_key
    statement = statement.order_by(key.asc() if page.forward else key.desc()).limit(page.size + 1)
    rows = await db.rows(statement)
    entries = [
        (
            row.supplier_key,
            MrpSupplierSuggestion(
                run_pk=run_pk,
                supplier_pk=row.supplier_key or None,
                minimum_order=row.minimum_order,
                value=_money(row.value),
                item_count=row.items,
            ),
        )
        for row in rows
    ]

    async def count() -> int:
        return (await db.rows(select(func.count()).select_from(grouped)))[0][0]

    return _connection(entries, page, count)


def _money(value) -> Decimal:
    """A sum of Fixed(2) values (PostgreSQL: NUMERIC; SQLite: scaled integers summed)."""
    if value is None:
        return Decimal("0.00")
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return Decimal(int(value)).scaleb(-2)


def list_page(items: list, page: PageRequest) -> Connection:
    """A page of an in-memory list; cursors hold the position."""
    after, before = _bound(page.after), _bound(page.before)
    indexed = [
        (k, item)
        for k, item in enumerate(items)
        if (after is None or k > after) and (before is None or k < before)
    ]
    if not page.forward:
        indexed.reverse()

    async def count() -> int:
        return len(items)

    return _connection(indexed[: page.size + 1], page, count)


def forecast_filter(forecast_id, statuses) -> tuple:
    from domain.store.mrp.runs import JOB_OF_STATUS

    forecast = None if forecast_id is None else (pk_of(forecast_id, "Forecast") or -1)
    states = tuple(sorted(JOB_OF_STATUS[s].value for s in statuses)) if statuses else ()
    return (forecast, states) if forecast is not None or states else ()

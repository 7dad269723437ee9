"""The demo's orders, stock and deliveries: every order status, partial and late deliveries, a
return, terms and floors; statuses, ledger and events consistent with the rules."""

from collections import Counter, defaultdict

from sqlalchemy import func, select

from domain.approvals.chains import StepState
from domain.orders.lifecycle import LineProgress, OrderStatus, derived_status
from domain.orders.shipments import LEFT_WAREHOUSE, ShipmentStatus
from domain.stock.ledger import MovementKind
from domain.store.demo import load_demo
from domain.store.demo_orders import ORDERS_PER_SCALE
from domain.store.tables import (
    ApprovalStep,
    CustomerAccount,
    Event,
    PriceFloor,
    SalesOrder,
    SalesOrderLine,
    SalesReturn,
    Shipment,
    ShipmentLine,
    StockBalance,
    StockIn,
    StockMovement,
)
from tests.api.orders_helpers import assert_ledger_matches_on_hand
from tests.conftest import clear


async def rows(engine, stmt) -> list:
    async with engine.connect() as conn:
        return list((await conn.execute(stmt)).all())


async def test_the_demo_has_orders_in_every_status(demo_readonly):
    statuses = Counter(s for (s,) in await rows(demo_readonly, select(SalesOrder.status)))
    assert set(statuses) == set(OrderStatus)
    assert sum(statuses.values()) == ORDERS_PER_SCALE


async def test_the_demo_has_partial_late_and_returned_deliveries(demo_readonly):
    shipments = Counter(s for (s,) in await rows(demo_readonly, select(Shipment.status)))
    assert set(shipments) == set(ShipmentStatus)
    late = await rows(
        demo_readonly,
        select(Shipment.id, Shipment.delivered_at, SalesOrderLine.promised_date)
        .join(ShipmentLine, ShipmentLine.shipment_id == Shipment.id)
        .join(SalesOrderLine, SalesOrderLine.id == ShipmentLine.order_line_id)
        .where(Shipment.delivered_at.is_not(None)),
    )
    assert any(delivered.date() > promised for _, delivered, promised in late)
    assert any(delivered.date() <= promised for _, delivered, promised in late)
    partial = await rows(
        demo_readonly,
        select(SalesOrder.id).where(SalesOrder.status == OrderStatus.PARTIALLY_SHIPPED),
    )
    assert len(partial) >= 2
    assert await rows(demo_readonly, select(func.count()).select_from(SalesReturn)) == [(2,)]


async def test_customers_have_terms_and_products_have_floors(demo_readonly):
    limits = [c for (c,) in await rows(demo_readonly, select(CustomerAccount.credit_limit))]
    assert len(limits) == 4 and None in limits and len([x for x in limits if x]) == 3
    floors = await rows(demo_readonly, select(PriceFloor.customer_id))
    assert Counter(c is None for (c,) in floors) == {True: 10, False: 1}


async def test_each_shipping_status_follows_from_the_orders_shipments(demo_readonly):
    lines = await rows(
        demo_readonly, select(SalesOrderLine.id, SalesOrderLine.order_id, SalesOrderLine.quantity)
    )
    shipped = await rows(
        demo_readonly,
        select(ShipmentLine.order_line_id, ShipmentLine.quantity, Shipment.status).join(
            Shipment, Shipment.id == ShipmentLine.shipment_id
        ),
    )
    progress = {line_id: [qty, 0, 0] for line_id, _, qty in lines}
    for line_id, qty, status in shipped:
        if status in LEFT_WAREHOUSE:
            progress[line_id][1] += qty
        if status is ShipmentStatus.DELIVERED:
            progress[line_id][2] += qty
    by_order = defaultdict(list)
    for line_id, order_id, _ in lines:
        by_order[order_id].append(LineProgress(*progress[line_id]))
    for order_id, status in await rows(demo_readonly, select(SalesOrder.id, SalesOrder.status)):
        if status in (OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            assert derived_status(OrderStatus.READY, by_order[order_id]) is status, order_id


async def test_the_demo_ledger_sums_to_on_hand_and_covers_every_shipment(demo_readonly):
    await assert_ledger_matches_on_hand(demo_readonly)
    kinds = Counter(k for (k,) in await rows(demo_readonly, select(StockMovement.kind)))
    dispatched = await rows(
        demo_readonly,
        select(func.count()).select_from(Shipment).where(Shipment.status != ShipmentStatus.PLANNED),
    )
    assert kinds[MovementKind.RECEIPT] == 10  # one posted stock-in per product
    assert kinds[MovementKind.RETURN] == 2
    assert kinds[MovementKind.SHIPMENT] >= dispatched[0][0]  # one row per product shipped
    balances = await rows(demo_readonly, select(func.count()).select_from(StockBalance))
    assert balances == [(10,)]
    assert len(await rows(demo_readonly, select(StockIn.id))) == 12


async def test_the_demo_leaves_nobody_an_order_or_stock_in_to_approve(demo_readonly):
    pending = await rows(
        demo_readonly,
        select(ApprovalStep.document_type).where(
            ApprovalStep.state == StepState.PENDING,
            ApprovalStep.document_type.in_(["SALES_ORDER", "STOCK_IN"]),
        ),
    )
    assert pending == []


async def test_every_demo_order_stream_is_gapless_and_carries_the_contract_fields(demo_readonly):
    events = await rows(
        demo_readonly,
        select(Event.stream, Event.sequence, Event.payload)
        .where(Event.stream.like("SalesOrder:%") | Event.stream.like("Shipment:%"))
        .order_by(Event.stream, Event.sequence),
    )
    by_stream = defaultdict(list)
    for stream, sequence, payload in events:
        by_stream[stream].append((sequence, payload))
    orders = await rows(demo_readonly, select(SalesOrder.id, SalesOrder.status))
    for order_id, status in orders:
        stream = by_stream[f"SalesOrder:{order_id}"]
        assert [s for s, _ in stream] == list(range(1, len(stream) + 1))
        assert stream[-1][1]["to"] == status.value
        for _, payload in stream:
            assert {"from", "to", "customerId", "orderId", "actorKind"} <= set(payload)
            assert payload["orderId"] == order_id
    shipment_streams = [s for s in by_stream if s.startswith("Shipment:")]
    assert shipment_streams
    for stream in shipment_streams:
        for _, payload in by_stream[stream]:
            assert {"from", "to", "customerId", "orderId"} <= set(payload)


async def test_the_demo_orders_grow_with_the_scale(engine):
    await clear(engine)
    await load_demo(engine, scale=2)
    assert await rows(engine, select(func.count()).select_from(SalesOrder)) == [
        (2 * ORDERS_PER_SCALE,)
    ]
    await assert_ledger_matches_on_hand(engine)
    await clear(engine)

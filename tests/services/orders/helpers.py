"""Orders, shipments and returns made through their use cases, for the services tier."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from domain.orders.lines import OrderLineDraft
from domain.orders.returns import ReturnLineDraft
from domain.orders.shipments import ShipmentLineDraft
from domain.services.orders.returns import ReturnCreate
from domain.services.orders.sales_orders import (
    SalesOrderConfirm,
    SalesOrderCreate,
    SalesOrderMarkReady,
    SalesOrderSubmit,
)
from domain.services.orders.shipments import (
    ShipmentCreate,
    ShipmentDeliver,
    ShipmentDispatch,
)
from domain.store.tables import SalesOrder, SalesReturn, Shipment


def today():
    return datetime.now(UTC).date()


async def line_drafts(services, lines) -> list[OrderLineDraft]:
    """`lines` as (product code, quantity, promised in days from today[, unit price])."""
    drafts = []
    for code, quantity, days, *price in lines:
        drafts.append(
            OrderLineDraft(
                await services.by_code("product", code),
                Decimal(quantity),
                today() + timedelta(days=days),
                Decimal(price[0]) if price else None,
            )
        )
    return drafts


async def new_order(services, login: str, customer: str = "C0001", lines=None) -> SalesOrder:
    """A DRAFT order created by `login`; lines as in `line_drafts` (default 10 × P0003 in 30 days)."""
    command = SalesOrderCreate(
        customer_id=await services.by_code("customer", customer),
        lines=await line_drafts(services, lines or [("P0003", "10", 30)]),
    )
    return await services.ok(command, login)


async def ready_order(services, customer: str = "C0001", lines=None) -> SalesOrder:
    """An order at list prices taken to READY by the planner (contract review only)."""
    order = await new_order(services, "planner", customer, lines)
    for step in (SalesOrderSubmit, SalesOrderConfirm, SalesOrderMarkReady):
        order = await services.ok(step(order.id), "planner")
    assert order.status.value == "READY"
    return order


async def order_lines(services, order_id: int) -> list[int]:
    """The order's line ids, by position."""
    rows = await services.rows(
        "SELECT id FROM sales_order_line WHERE order_id = :o ORDER BY position", o=order_id
    )
    return [pk for (pk,) in rows]


async def shipment_of(services, order: SalesOrder, *quantities: str) -> Shipment:
    """A PLANNED shipment of the order by the planner: the given quantity of each line, in order."""
    lines = await order_lines(services, order.id)
    drafts = [
        ShipmentLineDraft(line, Decimal(quantity))
        for line, quantity in zip(lines, quantities, strict=False)
        if quantity
    ]
    return await services.ok(ShipmentCreate(order.id, drafts), "planner")


async def delivered(services, shipment: Shipment) -> Shipment:
    """The planner dispatches and delivers the shipment."""
    await services.ok(ShipmentDispatch(shipment.id), "planner")
    return await services.ok(ShipmentDeliver(shipment.id), "planner")


async def return_of(services, order: SalesOrder, quantity: str, reason: str) -> SalesReturn:
    """A REQUESTED return, by the planner, of `quantity` of the order's first line."""
    (line, *_) = await order_lines(services, order.id)
    command = ReturnCreate(order.id, [ReturnLineDraft(line, Decimal(quantity))], reason)
    return await services.ok(command, "planner")

"""Every refused order, shipment or return action is a typed error and changes nothing (every
table is compared before and after)."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

from domain.orders.lines import OrderLineDraft
from domain.orders.returns import ReturnLineDraft
from domain.orders.shipments import ShipmentLineDraft
from domain.services.orders.returns import ReturnCreate, ReturnReceive
from domain.services.orders.sales_orders import (
    SalesOrderApprove,
    SalesOrderCancel,
    SalesOrderClose,
    SalesOrderCreate,
    SalesOrderSubmit,
    SalesOrderUpdateLines,
)
from domain.services.orders.shipments import (
    ShipmentAddTrackingEvent,
    ShipmentConfirmReceipt,
    ShipmentCreate,
    ShipmentDeliver,
    ShipmentDispatch,
)
from tests.api.orders_helpers import on_hand
from tests.services.helpers import located
from tests.services.orders.helpers import (
    delivered,
    new_order,
    order_lines,
    ready_order,
    return_of,
    shipment_of,
    today,
)


async def test_shipping_more_than_is_outstanding_is_refused(demo, services):
    order = await ready_order(services, lines=[("P0003", "10", 30), ("P0004", "5", 30)])
    first_line, _ = await order_lines(services, order.id)
    too_much = ShipmentCreate(order.id, [ShipmentLineDraft(first_line, Decimal("10.001"))])
    assert await services.refused_codes(too_much, "planner") == ["EXCEEDS_OUTSTANDING"]

    # A planned shipment already takes its share: 6 planned leave 4 to ship.
    await shipment_of(services, order, "6")
    five_more = ShipmentCreate(order.id, [ShipmentLineDraft(first_line, Decimal("5"))])
    assert await services.refused_codes(five_more, "planner") == ["EXCEEDS_OUTSTANDING"]


async def test_dispatching_without_enough_stock_is_refused_and_no_stock_moves(demo, services):
    have = await on_hand(demo, "P0005")
    short = str(have + 3)
    order = await ready_order(services, lines=[("P0005", short, 30)])
    shipment = await shipment_of(services, order, short)
    codes = await services.refused_codes(ShipmentDispatch(shipment.id), "planner")
    assert codes == ["INSUFFICIENT_STOCK"]
    assert await on_hand(demo, "P0005") == have


async def test_cancelling_after_shipping_is_refused(demo, services):
    order = await ready_order(services)
    shipment = await shipment_of(services, order, "4")
    cancel = SalesOrderCancel(order.id, comment="changed mind")
    # Planned goods already block a cancellation...
    assert await services.refused_codes(cancel, "planner") == ["INVALID_TRANSITION"]
    # ...and so do goods on their way.
    await services.ok(ShipmentDispatch(shipment.id), "planner")
    assert await services.refused_codes(cancel, "planner") == ["INVALID_TRANSITION"]


async def test_a_demo_order_that_has_shipped_cannot_be_cancelled(demo_readonly, services):
    shipped = await services.rows(
        "SELECT id FROM sales_order WHERE status IN ('SHIPPED', 'DELIVERED') ORDER BY id LIMIT 5"
    )
    assert shipped
    for (order,) in shipped:
        codes = await services.refused_codes(SalesOrderCancel(order), "planner")
        assert codes == ["INVALID_TRANSITION"]


async def test_a_submitted_order_cannot_be_edited(demo, services):
    order = await new_order(services, "sales")
    await services.ok(SalesOrderSubmit(order.id), "sales")
    product = await services.by_code("product", "P0003")
    edit = SalesOrderUpdateLines(order.id, [OrderLineDraft(product, Decimal("1"), today())])
    assert await services.refused_codes(edit, "sales") == ["READ_ONLY"]


async def test_only_the_current_steps_approver_approves_a_special_order(demo, services):
    order = await new_order(services, "sales", lines=[("P0002", "2", 30, "500.00")])
    await services.ok(SalesOrderSubmit(order.id), "sales")
    approve = SalesOrderApprove(order.id)
    assert await services.refused_codes(approve, "vp") == ["FORBIDDEN"]
    assert await services.refused_codes(approve, "sales") == ["FORBIDDEN"]
    await services.ok(approve, "finance")
    # Finance already decided its step; the VP's is not theirs.
    assert await services.refused_codes(approve, "finance") == ["INVALID_TRANSITION"]


async def test_approving_an_order_without_special_approval_is_an_invalid_transition(demo, services):
    order = await new_order(services, "sales")
    await services.ok(SalesOrderSubmit(order.id), "sales")
    codes = await services.refused_codes(SalesOrderApprove(order.id), "finance")
    assert codes == ["INVALID_TRANSITION"]


async def test_a_stale_expected_version_is_a_conflict(demo, services):
    order = await new_order(services, "sales")
    stale = SalesOrderSubmit(order.id, expected_version=order.version + 1)
    assert await services.refused_codes(stale, "sales") == ["CONFLICT"]


async def test_a_salesperson_writes_orders_only_for_their_own_customers(demo_readonly, services):
    """Another salesperson's customer is outside their reach: refused as one that does not
    exist (issue 10's scoping decision)."""
    product = await services.by_code("product", "P0003")
    lines = [OrderLineDraft(product, Decimal("1"), today())]
    theirs = SalesOrderCreate(customer_id=await services.by_code("customer", "C0002"), lines=lines)
    made_up = SalesOrderCreate(customer_id=999_999, lines=lines)
    assert await services.refused_codes(theirs, "sales") == ["NOT_FOUND"]
    assert await services.refused(theirs, "sales") == await services.refused(made_up, "sales")


async def test_a_partner_cannot_create_orders(demo_readonly, services):
    command = SalesOrderCreate(customer_id=await services.by_code("customer", "C0001"))
    assert await services.refused_codes(command, "partner") == ["NOT_FOUND"]


async def test_bad_lines_are_refused_at_their_fields(demo_readonly, services):
    product = await services.by_code("product", "P0003")
    command = SalesOrderCreate(
        customer_id=await services.by_code("customer", "C0001"),
        order_date=today(),
        lines=[
            OrderLineDraft(product, Decimal("-1"), today()),
            OrderLineDraft(product, Decimal("1"), today() - timedelta(days=1)),
        ],
    )
    errors = await services.refused(command, "planner")
    assert [field for _, field in located(errors)] == [
        ["input", "lines", "0", "quantity"],
        ["input", "lines", "1", "promisedDate"],
    ]


async def dispatched_shipment(services, quantity: str = "10"):
    order = await ready_order(services)
    shipment = await shipment_of(services, order, quantity)
    await services.ok(ShipmentDispatch(shipment.id), "planner")
    return order, shipment


async def test_staff_cannot_confirm_receipt_for_the_customer(demo, services):
    _, shipment = await dispatched_shipment(services)
    codes = await services.refused_codes(ShipmentConfirmReceipt(shipment.id), "planner")
    assert codes == ["FORBIDDEN"]


async def test_another_customers_partner_cannot_confirm_receipt(demo, services):
    _, shipment = await dispatched_shipment(services)
    codes = await services.refused_codes(ShipmentConfirmReceipt(shipment.id), "partner2")
    assert codes == ["NOT_FOUND"]


async def test_another_customers_shipment_or_return_is_refused_exactly_like_a_made_up_one(
    demo, services
):
    order = await ready_order(services, lines=[("P0004", "8", 30)])
    shipment = await delivered(services, await shipment_of(services, order, "8"))
    created = await return_of(services, order, "1", "one housing cracked")
    for command, real_id, message in (
        (ShipmentDeliver, shipment.id, "no such shipment"),
        (ShipmentConfirmReceipt, shipment.id, "no such shipment"),
        (ReturnReceive, created.id, "no such return"),
    ):
        real = await services.refused(command(real_id), "partner2")
        fake = await services.refused(command(999_999), "partner2")
        assert [(e.code.value, list(e.field), e.message) for e in real] == [
            ("NOT_FOUND", ["input", "id"], message)
        ]
        assert real == fake


async def test_shipment_steps_out_of_order_are_invalid_transitions(demo, services):
    order = await ready_order(services)
    shipment = await shipment_of(services, order, "10")
    for command in (
        ShipmentAddTrackingEvent(shipment.id, location="Shanghai"),
        ShipmentDeliver(shipment.id),
    ):
        assert await services.refused_codes(command, "planner") == ["INVALID_TRANSITION"]
    await services.ok(ShipmentDispatch(shipment.id), "planner")
    codes = await services.refused_codes(ShipmentDispatch(shipment.id), "planner")
    assert codes == ["INVALID_TRANSITION"]
    future = datetime.combine(today() + timedelta(days=2), time(10), tzinfo=UTC)
    codes = await services.refused_codes(ShipmentDeliver(shipment.id, at=future), "planner")
    assert codes == ["INVALID"]


async def test_returning_more_than_was_delivered_is_refused(demo, services):
    order = await ready_order(services)
    await delivered(services, await shipment_of(services, order, "6"))
    (line, *_) = await order_lines(services, order.id)
    command = ReturnCreate(order.id, [ReturnLineDraft(line, Decimal("7"))], "damaged")
    assert await services.refused_codes(command, "planner") == ["EXCEEDS_DELIVERED"]


async def test_closing_an_order_that_is_not_delivered_is_refused(demo, services):
    order = await ready_order(services)
    codes = await services.refused_codes(SalesOrderClose(order.id), "planner")
    assert codes == ["INVALID_TRANSITION"]

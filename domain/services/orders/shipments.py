"""Shipment use cases: plan a shipment of an order, dispatch it (stock leaves), track it, deliver
it, and the customer's receipt confirmation.

Locks are taken order first, then shipment, so two actions on one order never deadlock. Every
shipment action writes one event on `Shipment:<id>`; when it changes the order's derived status
(PARTIALLY_SHIPPED, SHIPPED, DELIVERED) the order gets its own event in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Actor
from domain.errors import DomainError, ErrorCode, refuse, refuse_if_any
from domain.orders.access import may_run_operations
from domain.orders.lifecycle import OrderStatus
from domain.orders.shipments import (
    SHIPMENT_LIFECYCLE,
    ShipmentAction,
    ShipmentLineDraft,
    ShipmentStatus,
    check_shipment_lines,
)
from domain.services.orders.events import shipment_event
from domain.services.orders.sales_orders import derive_order_status
from domain.services.pipeline import handles
from domain.stock.ledger import MovementKind
from domain.store.orders.progress import line_states, status_from_shipments
from domain.store.orders.repository import find_visible_order, load_visible_order
from domain.store.stock.ledger import move_stock, on_hand, per_product
from domain.store.tables import Product, SalesOrder, SalesOrderLine, Shipment, ShipmentLine
from domain.store.tables import TrackingEvent as TrackingRow
from domain.store.types import utcnow
from domain.store.uow import UnitOfWork
from domain.store.versioning import check_expected_version
from domain.text import clean_text

ID = ("input", "id")
MAX_CARRIER = 100
MAX_LOCATION = 200
MAX_NOTE = 1000
# Clocks of carriers and phones drift: times this far ahead of ours still count as "now".
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class ShipmentCreate:
    order_id: int
    lines: Sequence[ShipmentLineDraft]
    carrier: str | None = None
    tracking_number: str | None = None
    planned_date: date | None = None


@dataclass(frozen=True)
class ShipmentAct:
    """The fields of an action on one shipment; `at` is when it happened (tracking, delivery).
    Each mutation has its own subclass."""

    shipment_id: int
    expected_version: int | None = None
    at: datetime | None = None
    location: str | None = None
    note: str | None = None


class ShipmentDispatch(ShipmentAct):
    pass


class ShipmentAddTrackingEvent(ShipmentAct):
    pass


class ShipmentDeliver(ShipmentAct):
    pass


class ShipmentConfirmReceipt(ShipmentAct):
    pass


@handles(ShipmentCreate)
async def create_shipment(cmd: ShipmentCreate, actor: Actor, uow: UnitOfWork) -> Shipment:
    """A PLANNED shipment of a READY or PARTIALLY_SHIPPED order, each line at most what is not
    yet on a shipment (EXCEEDS_OUTSTANDING otherwise)."""
    s = uow.session
    order_field = ("input", "orderId")
    order = await load_visible_order(s, actor, cmd.order_id, for_update=True, field=order_field)
    if not may_run_operations(actor):
        raise refuse(ErrorCode.FORBIDDEN, "only planners plan shipments", *order_field)
    if order.status not in (OrderStatus.READY, OrderStatus.PARTIALLY_SHIPPED):
        raise refuse(
            ErrorCode.INVALID_TRANSITION,
            "shipments are planned for READY or PARTIALLY_SHIPPED orders, "
            f"not for a {order.status.value} one",
            *order_field,
        )
    carrier = clean_text(cmd.carrier, MAX_CARRIER, "input", "carrier")
    tracking = clean_text(cmd.tracking_number, MAX_CARRIER, "input", "trackingNumber")
    states = await line_states(s, order.id)
    refuse_if_any(check_shipment_lines(cmd.lines, {k: v.room for k, v in states.items()}))
    shipment = Shipment(
        order_id=order.id,
        customer_id=order.customer_id,
        status=ShipmentStatus.PLANNED,
        carrier=carrier,
        tracking_number=tracking,
        planned_date=cmd.planned_date,
        created_by=actor.user_id,
    )
    s.add(shipment)
    await s.flush()
    await s.execute(
        insert(ShipmentLine),
        [
            {"shipment_id": shipment.id, "order_line_id": d.order_line_id, "quantity": d.quantity}
            for d in cmd.lines
        ],
    )
    uow.record(
        shipment_event(shipment, "CREATED", None, actor, lines=len(cmd.lines)), actor.user_id
    )
    return shipment


async def _locked(s: AsyncSession, actor: Actor, shipment_id: int) -> tuple[SalesOrder, Shipment]:
    """The shipment and its order, locked (order first); NOT_FOUND when out of reach."""
    order_id = await s.scalar(select(Shipment.order_id).where(Shipment.id == shipment_id))
    # A shipment of an order out of the actor's reach is answered like one that does not exist:
    # the same code and message, so nothing tells that it exists (nor whose order it is on).
    order = None
    if order_id is not None:
        order = await find_visible_order(s, actor, order_id, for_update=True)
    if order is None:
        raise refuse(ErrorCode.NOT_FOUND, "no such shipment", *ID)
    shipment = (
        await s.execute(select(Shipment).where(Shipment.id == shipment_id).with_for_update())
    ).scalar_one()
    return order, shipment


def _time(at: datetime | None, earliest: datetime | None, what: str, *path: str) -> datetime:
    """`at` (default now), not in the future and not before `earliest`."""
    now = utcnow()
    at = at or now
    if at.tzinfo is None:
        raise refuse(ErrorCode.INVALID, f"give the {what} with a time zone", *path)
    if at > now + CLOCK_SKEW:
        raise refuse(ErrorCode.INVALID, f"the {what} is in the future", *path)
    if earliest is not None and at < earliest:
        raise refuse(ErrorCode.INVALID, f"the {what} is before the shipment was dispatched", *path)
    return at


async def _shipment_action(
    uow: UnitOfWork, actor: Actor, cmd: ShipmentAct, action: ShipmentAction, act
) -> Shipment:
    """Run `act(order, shipment) -> (event action, event details, column changes)` for one
    shipment action, then re-derive the order's status from its shipments."""
    s = uow.session
    order, shipment = await _locked(s, actor, cmd.shipment_id)
    check_expected_version(shipment, cmd.expected_version)
    before = shipment.status
    target = SHIPMENT_LIFECYCLE.check(action, before)
    event_action, details, changes = await act(order, shipment)
    await uow.change(shipment, cmd.expected_version, status=target, **changes)
    uow.record(shipment_event(shipment, event_action, before, actor, **details), actor.user_id)
    derived = await status_from_shipments(s, order.id, order.status)
    await derive_order_status(
        uow, order, derived, actor, shipment_id=shipment.id, shipment_action=event_action
    )
    return shipment


async def _shipped_products(s: AsyncSession, shipment_id: int) -> list[tuple[int, Decimal]]:
    rows = await s.execute(
        select(SalesOrderLine.product_id, ShipmentLine.quantity)
        .join(SalesOrderLine, SalesOrderLine.id == ShipmentLine.order_line_id)
        .where(ShipmentLine.shipment_id == shipment_id)
    )
    return per_product((r.product_id, r.quantity) for r in rows)


def _operations_only(actor: Actor, what: str) -> None:
    if not may_run_operations(actor):
        raise refuse(ErrorCode.FORBIDDEN, f"only planners {what}", *ID)


@handles(ShipmentDispatch)
async def dispatch_shipment(cmd: ShipmentDispatch, actor: Actor, uow: UnitOfWork) -> Shipment:
    """PLANNED → DISPATCHED: the goods leave stock (INSUFFICIENT_STOCK when on-hand is short)."""
    s = uow.session

    async def act(order: SalesOrder, shipment: Shipment):
        _operations_only(actor, "dispatch shipments")
        products = await _shipped_products(s, shipment.id)
        short = []
        for product_id, quantity in products:
            have = await on_hand(s, product_id)
            if have < quantity:
                code = await s.scalar(select(Product.code).where(Product.id == product_id))
                short.append(
                    DomainError(
                        ErrorCode.INSUFFICIENT_STOCK,
                        f"{code}: {quantity} to ship, {have} on hand",
                        ID,
                    )
                )
        refuse_if_any(short)
        for product_id, quantity in products:
            await move_stock(
                s,
                product_id,
                MovementKind.SHIPMENT,
                quantity,
                actor.user_id,
                shipment_id=shipment.id,
                field=ID,
            )
        return "DISPATCHED", {}, {"dispatched_at": utcnow()}

    return await _shipment_action(uow, actor, cmd, ShipmentAction.DISPATCH, act)


@handles(ShipmentAddTrackingEvent)
async def add_tracking_event(
    cmd: ShipmentAddTrackingEvent, actor: Actor, uow: UnitOfWork
) -> Shipment:
    """A sighting of a DISPATCHED or IN_TRANSIT shipment: it is IN_TRANSIT afterwards."""

    async def act(order: SalesOrder, shipment: Shipment):
        _operations_only(actor, "record tracking")
        at = _time(cmd.at, shipment.dispatched_at, "tracking time", "input", "occurredAt")
        location = clean_text(cmd.location, MAX_LOCATION, "input", "location")
        if not location:
            raise refuse(ErrorCode.REQUIRED, "a location is required", "input", "location")
        note = clean_text(cmd.note, MAX_NOTE, "input", "note")
        uow.session.add(
            TrackingRow(
                shipment_id=shipment.id,
                occurred_at=at,
                location=location,
                note=note,
                recorded_by=actor.user_id,
            )
        )
        await uow.session.flush()
        return "TRACKING", {"location": location, "note": note, "occurred_at": at}, {}

    return await _shipment_action(uow, actor, cmd, ShipmentAction.TRACK, act)


@handles(ShipmentDeliver)
async def deliver_shipment(cmd: ShipmentDeliver, actor: Actor, uow: UnitOfWork) -> Shipment:
    """DISPATCHED or IN_TRANSIT → DELIVERED at `at` (default now)."""

    async def act(order: SalesOrder, shipment: Shipment):
        _operations_only(actor, "record deliveries")
        at = _time(cmd.at, shipment.dispatched_at, "delivery time", "input", "deliveredAt")
        note = clean_text(cmd.note, MAX_NOTE, "input", "note")
        return "DELIVERED", {"delivered_at": at, "note": note}, {"delivered_at": at}

    return await _shipment_action(uow, actor, cmd, ShipmentAction.DELIVER, act)


@handles(ShipmentConfirmReceipt)
async def confirm_receipt(cmd: ShipmentConfirmReceipt, actor: Actor, uow: UnitOfWork) -> Shipment:
    """The customer confirms receipt (partner portal only). A shipment the carrier has not yet
    reported delivered becomes DELIVERED now."""

    async def act(order: SalesOrder, shipment: Shipment):
        if actor.is_internal or actor.customer_id != shipment.customer_id:
            raise refuse(ErrorCode.FORBIDDEN, "only the customer confirms receipt", *ID)
        if shipment.receipt_confirmed_at is not None:
            raise refuse(ErrorCode.INVALID_TRANSITION, "receipt is already confirmed", *ID)
        note = clean_text(cmd.note, MAX_NOTE, "input", "note")
        now = utcnow()
        changes = {"receipt_confirmed_at": now, "receipt_confirmed_by": actor.user_id}
        if shipment.delivered_at is None:
            changes["delivered_at"] = now
        return "RECEIPT_CONFIRMED", {"note": note}, changes

    return await _shipment_action(uow, actor, cmd, ShipmentAction.CONFIRM_RECEIPT, act)

"""Order line checks, special approval, shipment and return quantities, lateness, access."""

from datetime import date
from decimal import Decimal

from domain.access import Actor, Role
from domain.errors import ErrorCode
from domain.orders.access import (
    OrderOwner,
    may_author_order,
    may_read_order,
    may_review_contract,
    may_run_operations,
)
from domain.orders.lines import OrderLineDraft, validate_order_lines
from domain.orders.returns import ReturnLineDraft, ReturnRoom, check_return_lines
from domain.orders.shipments import (
    LineRoom,
    ShipmentLineDraft,
    check_shipment_lines,
    days_late,
)
from domain.orders.special_approval import (
    PricedLine,
    SpecialReason,
    applicable_floor,
    exceeds_credit,
    special_reasons,
)

D = Decimal
DAY = date(2026, 6, 1)
PRICES = {1: D("100.00"), 2: D("9.99")}


def codes(errors) -> list[str]:
    return [e.code.value for e in errors]


def test_lines_take_the_list_price_when_none_is_given_and_compute_amounts():
    specs, errors = validate_order_lines(
        [OrderLineDraft(1, D("2.5"), DAY), OrderLineDraft(2, D("3"), DAY, D("8.00"))], DAY, PRICES
    )
    assert errors == []
    assert [(s.position, s.unit_price, s.amount) for s in specs] == [
        (1, D("100.00"), D("250.00")),
        (2, D("8.00"), D("24.00")),
    ]


def test_bad_lines_are_refused_each_at_its_own_field():
    _, errors = validate_order_lines(
        [
            OrderLineDraft(9, D("1"), DAY),
            OrderLineDraft(1, D("0"), DAY),
            OrderLineDraft(1, D("1.0001"), DAY),
            OrderLineDraft(1, D("1"), DAY, D("1.001")),
            OrderLineDraft(1, D("1"), date(2026, 5, 31)),
            # 999,999,999 × 10,010.00 is over 10^13: too large an amount
            OrderLineDraft(1, D("999999999"), DAY, D("10010.00")),
        ],
        DAY,
        PRICES,
    )
    assert [(e.code, e.field[-2:]) for e in errors] == [
        (ErrorCode.NOT_FOUND, ("0", "productId")),
        (ErrorCode.INVALID, ("1", "quantity")),
        (ErrorCode.INVALID, ("2", "quantity")),
        (ErrorCode.INVALID, ("3", "unitPrice")),
        (ErrorCode.INVALID, ("4", "promisedDate")),
        (ErrorCode.INVALID, ("5", "unitPrice")),
    ]


def test_the_largest_line_amount_allowed_is_just_under_ten_trillion():
    specs, errors = validate_order_lines(
        [OrderLineDraft(1, D("999999999.999"), DAY, D("10000.00"))], DAY, PRICES
    )
    assert errors == []
    assert specs[0].amount == D("9999999999990.00")


FLOORS = {(1, None): D("90.00"), (1, 7): D("80.00")}


def test_a_customer_floor_overrides_the_general_one():
    assert applicable_floor(1, 7, FLOORS) == D("80.00")
    assert applicable_floor(1, 8, FLOORS) == D("90.00")
    assert applicable_floor(2, 7, FLOORS) is None


def test_a_price_under_the_applicable_floor_needs_special_approval_and_at_it_does_not():
    lines = [PricedLine(1, D("85.00"))]
    assert special_reasons(lines, 8, FLOORS, None, D(0), D(85)) == [SpecialReason.PRICE_BELOW_FLOOR]
    assert special_reasons(lines, 7, FLOORS, None, D(0), D(85)) == []
    at_floor = [PricedLine(1, D("90.00"))]
    assert special_reasons(at_floor, 8, FLOORS, None, D(0), D(90)) == []


def test_credit_is_exceeded_when_open_orders_plus_this_one_go_over_the_limit():
    assert exceeds_credit(D("1000.00"), D("600.00"), D("400.01"))
    assert not exceeds_credit(D("1000.00"), D("600.00"), D("400.00"))
    assert not exceeds_credit(None, D("10000000"), D("1"))
    both = special_reasons([PricedLine(1, D(1))], 8, FLOORS, D(0), D(0), D(1))
    assert both == [SpecialReason.PRICE_BELOW_FLOOR, SpecialReason.CREDIT_LIMIT_EXCEEDED]


def test_a_shipment_line_may_take_at_most_what_is_not_yet_on_a_shipment():
    room = {10: LineRoom(D(10), D(6)), 11: LineRoom(D(5), D(0))}
    assert check_shipment_lines([ShipmentLineDraft(10, D(4))], room) == []
    errors = check_shipment_lines(
        [
            ShipmentLineDraft(10, D("4.001")),
            ShipmentLineDraft(99, D(1)),
            ShipmentLineDraft(11, D(0)),
            ShipmentLineDraft(11, D(1)),
        ],
        room,
    )
    assert codes(errors) == ["EXCEEDS_OUTSTANDING", "NOT_FOUND", "INVALID", "DUPLICATE"]
    assert "only 4 left to ship" in errors[0].message
    assert codes(check_shipment_lines([ShipmentLineDraft(11, D(1))] * 2, room)) == ["DUPLICATE"]
    assert codes(check_shipment_lines([], room)) == ["REQUIRED"]


def test_a_return_may_take_back_at_most_what_was_delivered_less_earlier_returns():
    room = {10: ReturnRoom(D(6), D(2))}
    assert check_return_lines([ReturnLineDraft(10, D(4))], room) == []
    assert codes(check_return_lines([ReturnLineDraft(10, D("4.5"))], room)) == ["EXCEEDS_DELIVERED"]


def test_days_late_count_from_the_promised_date_at_delivery_or_so_far():
    promised = date(2026, 6, 10)
    assert days_late(promised, date(2026, 6, 10), date(2026, 7, 1)) == 0
    assert days_late(promised, date(2026, 6, 13), date(2026, 7, 1)) == 3
    assert days_late(promised, None, date(2026, 6, 12)) == 2
    assert days_late(promised, None, date(2026, 6, 1)) == 0


OWNER = OrderOwner(company_id=1, customer_id=5, department_id=2, salesperson_id=3)


def actor(*roles, **ids) -> Actor:
    return Actor(user_id=99, login="x", roles=frozenset(roles), **ids)


def test_a_partner_reads_only_its_own_customers_orders_and_authors_none():
    assert may_read_order(actor(Role.PARTNER, customer_id=5), OWNER)
    assert not may_read_order(actor(Role.PARTNER, customer_id=6), OWNER)
    assert not may_author_order(actor(Role.PARTNER, customer_id=5), OWNER)
    assert not may_run_operations(actor(Role.PARTNER, customer_id=5))


def test_staff_reach_follows_the_organisation():
    assert may_read_order(actor(Role.FINANCE, company_id=1), OWNER)
    assert not may_read_order(actor(Role.FINANCE, company_id=2), OWNER)
    manager = actor(Role.MANAGER, company_id=1, department_id=2)
    assert may_read_order(manager, OWNER) and may_review_contract(manager, OWNER)
    other_manager = actor(Role.MANAGER, company_id=1, department_id=4)
    assert not may_read_order(other_manager, OWNER)
    sales = actor(Role.SALESPERSON, company_id=1, department_id=2, salesperson_id=3)
    assert may_author_order(sales, OWNER) and not may_review_contract(sales, OWNER)
    colleague = actor(Role.SALESPERSON, company_id=1, department_id=2, salesperson_id=4)
    assert not may_read_order(colleague, OWNER)
    assert may_run_operations(actor(Role.PLANNER, company_id=1))

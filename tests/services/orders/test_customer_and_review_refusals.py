"""Who may send orders back, manage customers, set credit limits and price floors; refusals
change nothing."""

from decimal import Decimal

from sqlalchemy import select

from domain.services.orders.customers import CustomerWrite, PriceFloorWrite
from domain.services.orders.sales_orders import SalesOrderReject, SalesOrderSubmit
from domain.store.tables import Customer, CustomerAccount, Salesperson
from tests.services.orders.helpers import new_order


async def test_a_reviewer_sends_back_an_order_without_special_approval(demo, services):
    order = await new_order(services, "sales")
    await services.ok(SalesOrderSubmit(order.id), "sales")
    # The salesperson is no reviewer.
    codes = await services.refused_codes(SalesOrderReject(order.id, comment="no"), "sales")
    assert codes == ["FORBIDDEN"]
    back = await services.ok(SalesOrderReject(order.id, comment="check terms"), "manager")
    assert back.status.value == "DRAFT"


async def terms(services, customer_id: int) -> tuple:
    """(account salesperson code, contact name, credit limit) of a customer."""
    [row] = await services.rows(
        select(Salesperson.code, Customer.contact_name, CustomerAccount.credit_limit)
        .select_from(Customer)
        .outerjoin(CustomerAccount, CustomerAccount.customer_id == Customer.id)
        .outerjoin(Salesperson, Salesperson.id == CustomerAccount.salesperson_id)
        .where(Customer.id == customer_id)
    )
    return row


async def test_only_finance_and_admins_set_credit_limits(demo, services):
    create = CustomerWrite(code="C9001", name="Riverside Pumps", credit_limit=Decimal("10000.00"))
    assert await services.refused_codes(create, "planner") == ["FORBIDDEN"]
    created = await services.ok(create, "finance")
    assert created.code == "C9001"
    assert (await terms(services, created.id))[2] == Decimal("10000.00")
    assert await services.refused_codes(create, "finance") == ["DUPLICATE"]
    second_of_d001 = await services.by_code("salesperson", "S0002")
    await services.ok(
        CustomerWrite(customer_id=created.id, salesperson_id=second_of_d001, contact_name="Mr Li"),
        "planner",
    )
    assert await terms(services, created.id) == ("S0002", "Mr Li", Decimal("10000.00"))
    clear_limit = CustomerWrite(customer_id=created.id, credit_limit=None)
    assert await services.refused_codes(clear_limit, "planner") == ["FORBIDDEN"]
    await services.ok(clear_limit, "finance")
    assert (await terms(services, created.id))[2] is None


async def test_a_salesperson_may_not_set_price_floors(demo_readonly, services):
    valve = await services.by_code("product", "P0003")
    command = PriceFloorWrite(valve, min_unit_price=Decimal("1.00"))
    assert await services.refused_codes(command, "sales") == ["FORBIDDEN"]

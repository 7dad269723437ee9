"""Who sees what, as decided for the open internet (issue 10, item 6):
- a partner reads no approval policies (its portal shows its own orders and nothing of how the
  company decides);
- a salesperson sees the customers they look after (and those of their own orders), a manager
  those of the department, company-wide roles all; a customer outside your reach answers as one
  that does not exist, in reads and in salesOrderCreate.
"""

from datetime import timedelta

import pytest

from api.ids import to_global_id
from tests.api.orders_helpers import CREATE, customer_id, product_id, today

POLICIES = "{ approvalPolicies { documentType steps { name minAmount } } }"
CUSTOMERS = "{ customers(first: 100) { nodes { code contactEmail creditLimit } } }"


@pytest.mark.parametrize("login", ["partner", "partner2"])
async def test_a_partner_reads_no_approval_policies(demo_readonly, client_for, login):
    partner = await client_for(login)
    assert (await partner.execute(POLICIES))["approvalPolicies"] == []


@pytest.mark.parametrize("login", ["sales", "manager", "vp", "planner", "admin"])
async def test_staff_read_every_approval_policy(demo_readonly, client_for, login):
    staff = await client_for(login)
    policies = (await staff.execute(POLICIES))["approvalPolicies"]
    assert {p["documentType"] for p in policies} >= {"SALES_PLAN", "SALES_ORDER", "STOCK_IN"}


@pytest.mark.parametrize(
    ("login", "codes"),
    [
        ("sales", ["C0001"]),  # Li Wei (S0001) looks after C0001
        ("manager", ["C0001", "C0002"]),  # East China: S0001 and S0003's customers
        ("vp", ["C0001", "C0002", "C0003", "C0004"]),
        ("finance", ["C0001", "C0002", "C0003", "C0004"]),
        ("partner", ["C0001"]),
        ("partner2", ["C0002"]),
    ],
)
async def test_each_role_lists_the_customers_in_its_reach(demo_readonly, client_for, login, codes):
    client = await client_for(login)
    customers = (await client.execute(CUSTOMERS))["customers"]["nodes"]
    assert [c["code"] for c in customers] == codes


async def test_a_customer_outside_a_salespersons_reach_answers_as_one_that_does_not_exist(
    demo_readonly, client_for
):
    sales = await client_for("sales")
    other = await customer_id(demo_readonly, "C0003")
    made_up = to_global_id("Customer", 999_999)
    query = "query($id: ID!) { node(id: $id) { id ... on Customer { name } } }"
    assert (await sales.execute(query, {"id": other}))["node"] is None
    assert (await sales.execute(query, {"id": made_up}))["node"] is None

    async def create_for(customer: str) -> list[dict]:
        line = {
            "productId": await product_id(demo_readonly, "P0003"),
            "quantity": "1",
            "promisedDate": (today() + timedelta(days=30)).isoformat(),
        }
        variables = {"input": {"customerId": customer, "lines": [line]}}
        return (await sales.execute(CREATE, variables))["salesOrderCreate"]["errors"]

    refused = await create_for(other)
    assert refused == await create_for(made_up)
    assert [e["code"] for e in refused] == ["NOT_FOUND"]


async def test_a_salesperson_sees_the_customer_of_an_order_of_theirs(demo, client_for):
    """An order a planner booked for a salesperson on another's customer shows its customer."""
    async with demo.begin() as conn:
        from sqlalchemy import text

        await conn.execute(
            text(
                "UPDATE sales_order SET salesperson_id = 1 WHERE id = (SELECT min(id) FROM "
                "sales_order WHERE customer_id = 3)"
            )
        )
    sales = await client_for("sales")
    customers = (await sales.execute(CUSTOMERS))["customers"]["nodes"]
    assert [c["code"] for c in customers] == ["C0001", "C0003"]

"""Every illegal transition is a typed error in the payload and leaves the database unchanged."""

from tests.api.plans_helpers import plan_id, snapshot, transition

UPDATE_LINES = """
mutation($input: SalesPlanUpdateLinesInput!) {
  salesPlanUpdateLines(input: $input) { salesPlan { id } errors { code field message } }
}
"""


async def refused(engine, client, mutation: str, variables: dict, field: str) -> list[str]:
    """Run a mutation that must be refused; return its error codes after checking nothing changed."""
    before = await snapshot(engine)
    data = await client.execute(mutation, variables)
    payload = data[field]
    assert payload["salesPlan"] is None
    assert payload["errors"], payload
    assert await snapshot(engine) == before
    return [e["code"] for e in payload["errors"]]


async def test_approving_a_draft_is_an_invalid_transition(demo, client_for):
    vp = await client_for("vp")
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'COMPANY'")
    codes = await refused(
        demo, vp, transition("Approve"), {"input": {"id": pid}}, "salesPlanApprove"
    )
    assert codes == ["INVALID_TRANSITION"]


async def test_editing_an_approved_plan_is_refused_as_read_only(demo, client_for):
    planner = await client_for("planner")
    pid = await plan_id(demo, "status = 'APPROVED' AND owner_kind = 'COMPANY'")
    product = (await planner.execute("{ products(first: 1) { nodes { id } } }"))["products"][
        "nodes"
    ][0]["id"]
    variables = {
        "input": {
            "id": pid,
            "upsert": [{"productId": product, "period": "2026-01-01", "quantity": "1"}],
        }
    }
    codes = await refused(demo, planner, UPDATE_LINES, variables, "salesPlanUpdateLines")
    assert codes == ["READ_ONLY"]


async def test_a_salesperson_cannot_approve_even_their_own_plan(demo, client_for):
    sales = await client_for("sales")
    pid = await plan_id(
        demo, "status = 'SUBMITTED' AND owner_kind = 'SALESPERSON' AND salesperson_id = 1"
    )
    codes = await refused(
        demo, sales, transition("Approve"), {"input": {"id": pid}}, "salesPlanApprove"
    )
    assert codes == ["FORBIDDEN"]


async def test_a_salesperson_cannot_see_a_company_plan_to_approve_it(demo, client_for):
    sales = await client_for("sales")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    codes = await refused(
        demo, sales, transition("Approve"), {"input": {"id": pid}}, "salesPlanApprove"
    )
    assert codes == ["NOT_FOUND"]


async def test_approving_ones_own_step_twice_is_refused(demo, client_for):
    vp = await client_for("vp")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    first = await vp.execute(transition("Approve"), {"input": {"id": pid}})
    assert first["salesPlanApprove"]["errors"] == []
    codes = await refused(
        demo, vp, transition("Approve"), {"input": {"id": pid}}, "salesPlanApprove"
    )
    assert codes == ["INVALID_TRANSITION"]


async def test_a_stale_expected_version_is_a_conflict(demo, client_for):
    vp = await client_for("vp")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    variables = {"input": {"id": pid, "expectedVersion": 99}}
    codes = await refused(demo, vp, transition("Approve"), variables, "salesPlanApprove")
    assert codes == ["CONFLICT"]


async def test_submitting_a_submitted_plan_again_is_an_invalid_transition(demo, client_for):
    planner = await client_for("planner")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    codes = await refused(
        demo, planner, transition("Submit"), {"input": {"id": pid}}, "salesPlanSubmit"
    )
    assert codes == ["INVALID_TRANSITION"]


async def test_a_finance_user_cannot_approve_a_step_that_is_the_vps(demo, client_for):
    finance = await client_for("finance")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    codes = await refused(
        demo, finance, transition("Approve"), {"input": {"id": pid}}, "salesPlanApprove"
    )
    assert codes == ["FORBIDDEN"]


async def test_a_garbage_plan_id_is_not_found(demo, client_for):
    vp = await client_for("vp")
    codes = await refused(
        demo, vp, transition("Approve"), {"input": {"id": "bm9wZQ=="}}, "salesPlanApprove"
    )
    assert codes == ["NOT_FOUND"]

"""A plan id that does not decode is a typed NOT_FOUND in the payload and changes nothing. The
use cases' own refusals (illegal transitions, rights, versions) are tested without HTTP in
tests/services/plans/test_plan_transitions_refused.py."""

from tests.api.plans_helpers import snapshot, transition


async def refused(engine, client, mutation: str, variables: dict, field: str) -> list[str]:
    """Run a mutation that must be refused; return its error codes after checking nothing changed."""
    before = await snapshot(engine)
    data = await client.execute(mutation, variables)
    payload = data[field]
    assert payload["salesPlan"] is None
    assert payload["errors"], payload
    assert await snapshot(engine) == before
    return [e["code"] for e in payload["errors"]]


async def test_a_garbage_plan_id_is_not_found(demo, client_for):
    vp = await client_for("vp")
    codes = await refused(
        demo, vp, transition("Approve"), {"input": {"id": "bm9wZQ=="}}, "salesPlanApprove"
    )
    assert codes == ["NOT_FOUND"]

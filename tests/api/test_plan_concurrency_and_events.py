"""Concurrent approvers, retried mutations and the events every transition writes."""

import asyncio

from sqlalchemy import text

from tests.api.plans_helpers import plan_id, transition

APPROVE = transition("Approve")


async def events_of(engine, pid_global: str) -> list[tuple[int, str]]:
    from api.ids import from_global_id

    _, pk = from_global_id(pid_global)
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT sequence, type FROM event WHERE stream = :s ORDER BY sequence"),
            {"s": f"SalesPlan:{pk}"},
        )
        return [tuple(r) for r in rows]


async def test_twenty_concurrent_approvals_give_exactly_one_success(demo, client_for):
    vp = await client_for("vp")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    before = await events_of(demo, pid)

    results = await asyncio.gather(
        *(vp.execute(APPROVE, {"input": {"id": pid}}) for _ in range(20))
    )
    payloads = [r["salesPlanApprove"] for r in results]
    successes = [p for p in payloads if not p["errors"]]
    assert len(successes) == 1
    assert successes[0]["salesPlan"]["status"] == "APPROVED"
    loser_codes = {p["errors"][0]["code"] for p in payloads if p["errors"]}
    assert loser_codes <= {"CONFLICT", "INVALID_TRANSITION"}
    # One APPROVED event, nothing for the nineteen refusals.
    assert await events_of(demo, pid) == [*before, (len(before) + 1, "APPROVED")]


async def test_concurrent_approvals_with_the_same_expected_version_conflict(demo, client_for):
    vp = await client_for("vp")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    version = (await vp.execute("query($id: ID!) { salesPlan(id: $id) { version } }", {"id": pid}))[
        "salesPlan"
    ]["version"]
    results = await asyncio.gather(
        *(
            vp.execute(APPROVE, {"input": {"id": pid, "expectedVersion": version}})
            for _ in range(10)
        )
    )
    codes = sorted(
        r["salesPlanApprove"]["errors"][0]["code"] if r["salesPlanApprove"]["errors"] else "OK"
        for r in results
    )
    assert codes.count("OK") == 1
    assert set(codes) - {"OK"} <= {"CONFLICT", "INVALID_TRANSITION"}


async def test_every_committed_transition_writes_one_event_with_gapless_sequence(demo, client_for):
    planner, vp, gm = await client_for("planner"), await client_for("vp"), await client_for("gm")
    pid = await plan_id(demo, "status = 'DRAFT' AND owner_kind = 'COMPANY'")
    await planner.execute(transition("Submit"), {"input": {"id": pid}})
    await gm.execute(APPROVE, {"input": {"id": pid}})  # refused: not the GM's step yet
    await vp.execute(APPROVE, {"input": {"id": pid}})
    await vp.execute(APPROVE, {"input": {"id": pid}})  # refused: twice
    await gm.execute(transition("Reject"), {"input": {"id": pid, "reason": "no"}})
    await planner.execute(transition("Submit"), {"input": {"id": pid}})
    await planner.execute(transition("Withdraw"), {"input": {"id": pid}})
    await planner.execute(transition("Withdraw"), {"input": {"id": pid}})  # refused: a draft

    events = await events_of(demo, pid)
    assert [t for _, t in events] == [
        "CREATED",
        "SUBMITTED",
        "STEP_APPROVED",
        "REJECTED",
        "SUBMITTED",
        "WITHDRAWN",
    ]
    assert [s for s, _ in events] == list(range(1, len(events) + 1))


async def test_a_retried_mutation_with_the_same_idempotency_key_acts_once(demo, client_for):
    vp = await client_for("vp")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    before = await events_of(demo, pid)
    headers = {"Idempotency-Key": "approve-dept-plan-1"}
    first = await vp.post(APPROVE, {"input": {"id": pid}}, headers=headers)
    again = await vp.post(APPROVE, {"input": {"id": pid}}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["data"]["salesPlanApprove"]["errors"] == []
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert len(await events_of(demo, pid)) == len(before) + 1

    # Without the key, a second approval is a real (refused) attempt.
    third = await vp.execute(APPROVE, {"input": {"id": pid}})
    assert [e["code"] for e in third["salesPlanApprove"]["errors"]] == ["INVALID_TRANSITION"]


async def test_an_idempotency_key_reused_for_another_request_is_refused(demo, client_for):
    vp = await client_for("vp")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    headers = {"Idempotency-Key": "k-1"}
    await vp.post(APPROVE, {"input": {"id": pid}}, headers=headers)
    other = await vp.post(APPROVE, {"input": {"id": pid, "comment": "x"}}, headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_REUSED"


async def test_idempotency_keys_belong_to_one_user(demo, client_for):
    vp, planner = await client_for("vp"), await client_for("planner")
    pid = await plan_id(demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    headers = {"Idempotency-Key": "shared-key"}
    first = await vp.post(APPROVE, {"input": {"id": pid}}, headers=headers)
    other_user = await planner.post(APPROVE, {"input": {"id": pid}}, headers=headers)
    assert first.json()["data"]["salesPlanApprove"]["errors"] == []
    assert "idempotent-replayed" not in other_user.headers
    assert [e["code"] for e in other_user.json()["data"]["salesPlanApprove"]["errors"]] == [
        "INVALID_TRANSITION"
    ]

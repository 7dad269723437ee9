"""Live plan events over graphql-transport-ws: in order, scoped, resumable without gaps."""

import api.subscriptions
from tests.api.live_client import live, token_of
from tests.api.plans_helpers import plan_id, transition

PLAN_CHANGES = """
subscription($planId: ID, $after: String) {
  salesPlanStatusChanged(planId: $planId, after: $after) {
    cursor sequence action fromStatus toStatus actor { login } salesPlan { id status }
  }
}
"""
TASKS = """
subscription($after: String) {
  approvalTaskAssigned(after: $after) { cursor stepName document { id ... on SalesPlan { status } } }
}
"""


async def test_a_subscriber_receives_a_plan_status_change_after_commit(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    pid = await plan_id(live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.subscribe(PLAN_CHANGES, {"planId": pid})
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        change = (await client.next_data())["salesPlanStatusChanged"]
    assert (change["action"], change["fromStatus"], change["toStatus"]) == (
        "SUBMITTED",
        "DRAFT",
        "SUBMITTED",
    )
    assert change["actor"]["login"] == "planner"
    assert change["salesPlan"] == {"id": pid, "status": "SUBMITTED"}
    assert int(change["cursor"]) > 0


async def test_a_client_that_reconnects_with_its_cursor_gets_exactly_what_it_missed(
    live_demo, server, settings, client_for
):
    planner, vp = await client_for("planner"), await client_for("vp")
    pid = await plan_id(live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    token = await token_of(live_demo, settings, "vp")
    async with live(server.ws_url, token) as client:
        await client.subscribe(PLAN_CHANGES, {"planId": pid})
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        seen = (await client.next_data())["salesPlanStatusChanged"]
    # Offline: three changes (LINES_UPDATED-like non-status events would not count).
    await vp.execute(transition("Reject"), {"input": {"id": pid, "reason": "redo"}})
    await planner.execute(transition("Submit"), {"input": {"id": pid}})
    await planner.execute(transition("Withdraw"), {"input": {"id": pid}})

    async with live(server.ws_url, token) as client:
        await client.subscribe(PLAN_CHANGES, {"planId": pid, "after": seen["cursor"]})
        missed = [(await client.next_data())["salesPlanStatusChanged"] for _ in range(3)]
        assert [m["action"] for m in missed] == ["REJECTED", "SUBMITTED", "WITHDRAWN"]
        assert [m["sequence"] for m in missed] == [
            seen["sequence"] + 1,
            seen["sequence"] + 2,
            seen["sequence"] + 3,
        ]
        assert await client.nothing_within(0.5)
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        live_one = (await client.next_data())["salesPlanStatusChanged"]
        assert (live_one["action"], live_one["sequence"]) == ("SUBMITTED", seen["sequence"] + 4)
        assert await client.nothing_within(0.5)


async def test_a_refused_transition_announces_nothing(live_demo, server, settings, client_for):
    gm, vp = await client_for("gm"), await client_for("vp")
    pid = await plan_id(live_demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.subscribe(PLAN_CHANGES, {"planId": pid})
        refused = await gm.execute(transition("Approve"), {"input": {"id": pid}})
        assert refused["salesPlanApprove"]["errors"]
        assert await client.nothing_within(1.5)
        await vp.execute(transition("Approve"), {"input": {"id": pid}})
        assert (await client.next_data())["salesPlanStatusChanged"]["toStatus"] == "APPROVED"


async def test_a_salesperson_only_hears_of_their_own_plans(live_demo, server, settings, client_for):
    planner = await client_for("planner")
    own = await plan_id(
        live_demo, "status = 'DRAFT' AND owner_kind = 'SALESPERSON' AND salesperson_id = 1"
    )
    other = await plan_id(
        live_demo, "status = 'DRAFT' AND owner_kind = 'SALESPERSON' AND salesperson_id = 2"
    )
    company = await plan_id(live_demo, "owner_kind = 'COMPANY'")
    async with live(server.ws_url, await token_of(live_demo, settings, "sales")) as client:
        await client.subscribe(PLAN_CHANGES, {})
        await planner.execute(transition("Submit"), {"input": {"id": other}})
        await planner.execute(transition("Submit"), {"input": {"id": own}})
        change = (await client.next_data())["salesPlanStatusChanged"]
        assert change["salesPlan"]["id"] == own
        assert await client.nothing_within(0.5)

        denied = await client.subscribe(PLAN_CHANGES, {"planId": company})
        missing = await client.subscribe(PLAN_CHANGES, {"planId": "U2FsZXNQbGFuOjk5OTk5"})
        refusals = {}
        while len(refusals) < 2:
            message = await client.message()
            if message["type"] == "next":
                refusals[message["id"]] = message["payload"]
        # Not yours looks exactly like not there.
        assert refusals[denied] == refusals[missing]
        assert refusals[denied]["data"] is None
        assert refusals[denied]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_general_manager_is_told_when_a_step_becomes_theirs(
    live_demo, server, settings, client_for
):
    vp = await client_for("vp")
    pid = await plan_id(live_demo, "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    async with live(server.ws_url, await token_of(live_demo, settings, "gm")) as client:
        await client.subscribe(TASKS)
        await vp.execute(transition("Approve"), {"input": {"id": pid}})
        task = (await client.next_data())["approvalTaskAssigned"]
    assert task["stepName"] == "General manager"
    assert task["document"] == {"id": pid, "status": "SUBMITTED"}


async def test_an_event_whose_resolution_fails_unexpectedly_says_so_without_details(
    live_demo, server, settings, client_for, monkeypatch
):
    async def broken(info, document_type, pk):
        raise RuntimeError("numeric field overflow [SQL: SELECT * FROM sales_plan]")

    monkeypatch.setattr(api.subscriptions, "load_document", broken)
    vp = await client_for("vp")
    pid = await plan_id(live_demo, "status = 'SUBMITTED' AND owner_kind = 'COMPANY'")
    async with live(server.ws_url, await token_of(live_demo, settings, "gm")) as client:
        await client.subscribe(TASKS)
        await vp.execute(transition("Approve"), {"input": {"id": pid}})
        message = await client.message()
    payload = message["payload"]
    assert payload["data"]["approvalTaskAssigned"]["document"] is None
    assert [(e["message"], e["path"]) for e in payload["errors"]] == [
        ("Internal error.", ["approvalTaskAssigned", "document"])
    ]


async def test_per_plan_order_survives_rapid_transitions(live_demo, server, settings, client_for):
    planner = await client_for("planner")
    pid = await plan_id(live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.subscribe(PLAN_CHANGES, {"planId": pid})
        for _ in range(25):
            await planner.execute(transition("Submit"), {"input": {"id": pid}})
            await planner.execute(transition("Withdraw"), {"input": {"id": pid}})
        changes = [(await client.next_data())["salesPlanStatusChanged"] for _ in range(50)]
    assert [c["action"] for c in changes] == ["SUBMITTED", "WITHDRAWN"] * 25
    sequences = [c["sequence"] for c in changes]
    assert sequences == list(range(sequences[0], sequences[0] + 50))
    cursors = [int(c["cursor"]) for c in changes]
    assert cursors == sorted(cursors)


async def test_subscribers_of_one_query_with_different_reach_get_their_own_answers(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    pid = await plan_id(
        live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT' AND department_id = 1"
    )
    query = """subscription($planId: ID) { salesPlanStatusChanged(planId: $planId) {
                 toStatus salesPlan { parent { owner { __typename } } } } }"""
    async with (
        live(server.ws_url, await token_of(live_demo, settings, "vp")) as vp,
        live(server.ws_url, await token_of(live_demo, settings, "gm")) as gm,
        live(server.ws_url, await token_of(live_demo, settings, "manager")) as manager,
    ):
        for client in (vp, gm, manager):
            await client.subscribe(query, {"planId": pid})
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        seen = {
            name: (await c.next_data())["salesPlanStatusChanged"]
            for name, c in (("vp", vp), ("gm", gm), ("manager", manager))
        }
    company_parent = {
        "toStatus": "SUBMITTED",
        "salesPlan": {"parent": {"owner": {"__typename": "Company"}}},
    }
    assert seen["vp"] == seen["gm"] == company_parent
    # The manager may not read the company plan: the shared result must not leak it.
    assert seen["manager"] == {"toStatus": "SUBMITTED", "salesPlan": {"parent": None}}


async def test_an_event_is_resolved_once_for_subscribers_who_would_see_the_same(
    live_demo, server, settings, client_for, count_statements
):
    planner = await client_for("planner")
    pid = await plan_id(live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    token = await token_of(live_demo, settings, "vp")
    query = "subscription($planId: ID) { salesPlanStatusChanged(planId: $planId) { salesPlan { title } } }"
    async with (
        live(server.ws_url, token) as a,
        live(server.ws_url, token) as b,
        live(server.ws_url, token) as c,
    ):
        for client in (a, b, c):
            await client.subscribe(query, {"planId": pid})
        await a.nothing_within(0.3)  # the three subscriptions have checked that the plan exists
        with count_statements() as counter:
            await planner.execute(transition("Submit"), {"input": {"id": pid}})
            titles = [
                (await client.next_data())["salesPlanStatusChanged"]["salesPlan"]["title"]
                for client in (a, b, c)
            ]
            await a.nothing_within(0.3)
    assert len(set(titles)) == 1
    # The plan loader's batched read (`id IN (...)`): once (not three times) for the three
    # subscribers; the mutation's own payload shows the plan as committed, without a read.
    loader_reads = [
        s for s in counter.statements if "FROM sales_plan" in s and "sales_plan.id IN" in s
    ]
    assert len(loader_reads) == 1


async def test_a_shared_answer_reaches_each_subscription_under_its_own_id(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    pid = await plan_id(live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    token = await token_of(live_demo, settings, "vp")
    query = "subscription($planId: ID) { salesPlanStatusChanged(planId: $planId) { toStatus } }"
    async with live(server.ws_url, token) as one, live(server.ws_url, token) as other:
        ids = [await one.subscribe(query, {"planId": pid}) for _ in range(2)]
        other_id = await other.subscribe(query, {"planId": pid})
        await one.nothing_within(0.3)
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        received = [await one.message(), await one.message(), await other.message()]
    expected_payload = {"data": {"salesPlanStatusChanged": {"toStatus": "SUBMITTED"}}}
    assert sorted(m["id"] for m in received[:2]) == ids
    assert received[2]["id"] == other_id
    assert [(m["type"], m["payload"]) for m in received] == [("next", expected_payload)] * 3

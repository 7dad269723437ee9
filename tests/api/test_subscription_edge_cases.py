"""Edge cases of the live subscriptions (graphql-transport-ws), probed through the real protocol:
cursors combined with filters, ids that must look not-found, several operations on one socket,
answers shared between subscribers of different reach, and ordering under concurrency."""

import asyncio
import base64
from contextlib import AsyncExitStack

import pytest
from sqlalchemy import text

from api.ids import to_global_id
from tests.api.live_client import live, token_of
from tests.api.orders_helpers import customer_id, new_order, scalar
from tests.api.plans_helpers import plan_id, transition

ORDER_CHANGES = """subscription($orderId: ID, $customerId: ID, $after: String) {
  orderStatusChanged(orderId: $orderId, customerId: $customerId, after: $after) {
    cursor sequence action fromStatus toStatus order { id } } }"""
PLAN_CHANGES = """subscription($planId: ID, $after: String) {
  salesPlanStatusChanged(planId: $planId, after: $after) { cursor sequence toStatus } }"""
SUBMIT = """mutation($id: ID!) { salesOrderSubmit(input: {id: $id}) { errors { code } } }"""
REJECT = """mutation($id: ID!) {
  salesOrderReject(input: {id: $id, reason: "again"}) { errors { code } } }"""
APPROVE_PLAN = """mutation($id: ID!) { salesPlanApprove(input: {id: $id}) { errors { code } } }"""
BAD_CURSOR = "`after` must be a cursor received from this subscription"
MISSING_ORDER = to_global_id("SalesOrder", 99_999)


async def act(client, mutation: str, order_id: str, **kw) -> list:
    data = await client.execute(mutation, {"id": order_id}, **kw)
    return next(iter(data.values()))["errors"]


async def first_answers(client, count: int, wait: float = 5.0) -> dict[str, dict]:
    """The first `next` (or `error`) of each of `count` operations, by operation id."""
    answers: dict[str, dict] = {}
    while len(answers) < count:
        message = await client.message(wait)
        if message["type"] in ("next", "error") and message["id"] not in answers:
            answers[message["id"]] = message
    return answers


async def refusal(client, query: str, variables: dict) -> dict:
    op = await client.subscribe(query, variables)
    message = (await first_answers(client, 1))[op]
    assert await client.message() == {"id": op, "type": "complete"}
    return message["payload"]


async def changes(client, count: int) -> list[dict]:
    return [(await client.next_data())["orderStatusChanged"] for _ in range(count)]


async def order_ids_of(engine, code: str) -> set[str]:
    sql = "SELECT o.id FROM sales_order o JOIN customer c ON c.id = o.customer_id WHERE c.code = :c"
    async with engine.connect() as conn:
        return {
            to_global_id("SalesOrder", pk) for (pk,) in await conn.execute(text(sql), {"c": code})
        }


async def sockets(stack: AsyncExitStack, server, engine, settings, *logins: str) -> list:
    """One live connection per login, closed with `stack`."""
    return [
        await stack.enter_async_context(live(server.ws_url, await token_of(engine, settings, who)))
        for who in logins
    ]


async def test_garbage_negative_and_empty_cursors_are_refused_and_the_socket_keeps_serving(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0001")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        for after in ("abc", "-1", "1.5", "", "0x10"):
            payload = await refusal(client, ORDER_CHANGES, {"after": after})
            assert payload["data"] is None
            assert [e["message"] for e in payload["errors"]] == [BAD_CURSOR]
        await client.subscribe(ORDER_CHANGES, {"orderId": order["id"]})
        await client.nothing_within(0.3)
        assert await act(planner, SUBMIT, order["id"]) == []
        change = (await client.next_data())["orderStatusChanged"]
    assert (change["action"], change["sequence"]) == ("SUBMITTED", 2)


async def test_a_bad_cursor_is_refused_with_a_machine_readable_code(live_demo, server, settings):
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        payload = await refusal(client, ORDER_CHANGES, {"after": "abc"})
    assert payload["errors"][0]["extensions"] == {"code": "BAD_CURSOR"}


@pytest.mark.parametrize(
    ("key", "oversized", "known_bad"),
    [
        ("after", "9" * 25, "abc"),
        ("orderId", base64.b64encode(b"SalesOrder:" + b"9" * 25).decode(), MISSING_ORDER),
    ],
    ids=["cursor", "order-id"],
)
async def test_an_oversized_number_is_refused_like_any_bad_cursor_or_unknown_id(
    live_demo, server, settings, key, oversized, known_bad
):
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        expected = await refusal(client, ORDER_CHANGES, {key: known_bad})
        assert await refusal(client, ORDER_CHANGES, {key: oversized}) == expected


async def test_a_cursor_beyond_the_end_of_the_stream_is_refused_rather_than_silencing_live_events(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0001")
    last = await scalar(live_demo, "SELECT max(position) FROM event")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        at_the_end = await client.subscribe(
            ORDER_CHANGES, {"orderId": order["id"], "after": str(last)}
        )
        beyond = await refusal(
            client, ORDER_CHANGES, {"orderId": order["id"], "after": str(last + 1000)}
        )
        assert await act(planner, SUBMIT, order["id"]) == []
        message = (await first_answers(client, 1))[at_the_end]
    assert beyond["data"] is None
    assert beyond["errors"][0]["extensions"] == {"code": "BAD_CURSOR"}
    assert "beyond the last event" in beyond["errors"][0]["message"]
    # The newest cursor is still good: the subscription resumes right there.
    assert message["payload"]["data"]["orderStatusChanged"]["action"] == "SUBMITTED"


async def test_a_cursor_from_a_plan_subscription_resumes_an_order_subscription_at_that_point(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    pid = await plan_id(live_demo, "status = 'DRAFT' AND owner_kind = 'DEPARTMENT'")
    mine = await new_order(live_demo, planner, "C0001")  # CREATED: before the cursor
    token = await token_of(live_demo, settings, "vp")
    async with live(server.ws_url, token) as client:
        await client.subscribe(PLAN_CHANGES, {"planId": pid})
        await client.nothing_within(0.3)
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        cursor = (await client.next_data())["salesPlanStatusChanged"]["cursor"]
    theirs = await new_order(live_demo, planner, "C0002")
    assert await act(planner, SUBMIT, theirs["id"]) == []
    assert await act(planner, SUBMIT, mine["id"]) == []
    variables = {"customerId": await customer_id(live_demo, "C0001"), "after": cursor}
    async with live(server.ws_url, token) as client:
        await client.subscribe(ORDER_CHANGES, variables)
        (replayed,) = await changes(client, 1)
        assert await client.nothing_within(0.3)
    assert (replayed["sequence"], replayed["toStatus"]) == (2, "IN_REVIEW")
    assert replayed["order"]["id"] == mine["id"]
    assert int(replayed["cursor"]) > int(cursor)


async def test_a_cursor_of_zero_replays_the_whole_history_of_only_the_order_asked_for(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0002")
    assert await act(planner, SUBMIT, order["id"]) == []
    assert await act(planner, REJECT, order["id"]) == []
    async with live(server.ws_url, await token_of(live_demo, settings, "manager")) as client:
        await client.subscribe(ORDER_CHANGES, {"orderId": order["id"], "after": "0"})
        history = await changes(client, 3)
        assert await client.nothing_within(0.3)
    assert [(c["sequence"], c["action"], c["fromStatus"], c["toStatus"]) for c in history] == [
        (1, "CREATED", None, "DRAFT"),
        (2, "SUBMITTED", "DRAFT", "IN_REVIEW"),
        (3, "REJECTED", "IN_REVIEW", "DRAFT"),
    ]
    assert {c["order"]["id"] for c in history} == {order["id"]}


async def test_a_partner_replaying_from_zero_hears_every_one_of_its_orders_and_no_other(
    live_demo, server, settings
):
    own = await order_ids_of(live_demo, "C0001")
    async with live(server.ws_url, await token_of(live_demo, settings, "partner")) as client:
        await client.subscribe(ORDER_CHANGES, {"after": "0"})
        history = []
        while True:
            try:
                history.append((await client.next_data(0.7))["orderStatusChanged"])
            except TimeoutError:
                break
    assert own and {c["order"]["id"] for c in history} == own
    for order in own:
        sequences = [c["sequence"] for c in history if c["order"]["id"] == order]
        assert sequences[0] == 1 and sequences == sorted(set(sequences))
    assert [int(c["cursor"]) for c in history] == sorted(int(c["cursor"]) for c in history)


async def test_ids_of_another_type_or_malformed_are_refused_exactly_like_unknown_ids(
    live_demo, server, settings
):
    plan = await plan_id(live_demo, "owner_kind = 'COMPANY'")
    order_pk = await scalar(live_demo, "SELECT min(id) FROM sales_order")
    order = to_global_id("SalesOrder", order_pk)
    customer = await customer_id(live_demo, "C0001")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        no_order = await refusal(client, ORDER_CHANGES, {"orderId": MISSING_ORDER})
        no_plan = await refusal(client, PLAN_CHANGES, {"planId": to_global_id("SalesPlan", 99_999)})
        no_customer = await refusal(
            client, ORDER_CHANGES, {"customerId": to_global_id("Customer", 99_999)}
        )
        for wrong in (plan, customer, "%%not-an-id%%", to_global_id("Order", order_pk)):
            assert await refusal(client, ORDER_CHANGES, {"orderId": wrong}) == no_order
        assert await refusal(client, PLAN_CHANGES, {"planId": order}) == no_plan
        assert await refusal(client, ORDER_CHANGES, {"customerId": order}) == no_customer
    assert no_order["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert no_plan["errors"][0]["message"] == "No such sales plan."
    assert no_customer["errors"][0]["message"] == "No such customer."


async def test_a_partner_pairing_its_order_with_another_customer_gets_not_found_yet_its_own_works(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    mine = await new_order(live_demo, planner, "C0001")
    theirs = await new_order(live_demo, planner, "C0002")
    other = await customer_id(live_demo, "C0002")
    own = await customer_id(live_demo, "C0001")
    missing_customer = {"customerId": to_global_id("Customer", 99_999)}
    async with live(server.ws_url, await token_of(live_demo, settings, "partner")) as client:
        unknown = await refusal(client, ORDER_CHANGES, missing_customer)
        mixed = await refusal(client, ORDER_CHANGES, {"orderId": mine["id"], "customerId": other})
        assert mixed == unknown
        await client.subscribe(ORDER_CHANGES, {"orderId": mine["id"], "customerId": own})
        await client.nothing_within(0.3)
        assert await act(planner, SUBMIT, theirs["id"]) == []
        assert await act(planner, SUBMIT, mine["id"]) == []
        (change,) = await changes(client, 1)
        assert await client.nothing_within(0.3)
    assert (change["order"]["id"], change["toStatus"]) == (mine["id"], "IN_REVIEW")


async def test_operations_on_one_socket_get_only_their_own_events_and_completing_one_spares_others(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    a = await new_order(live_demo, planner, "C0001")
    b = await new_order(live_demo, planner, "C0002")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        op_a = await client.subscribe(ORDER_CHANGES, {"orderId": a["id"]})
        op_b = await client.subscribe(ORDER_CHANGES, {"orderId": b["id"]})
        op_c = await client.subscribe(
            ORDER_CHANGES, {"customerId": await customer_id(live_demo, "C0002")}
        )
        await client.nothing_within(0.3)
        assert await act(planner, SUBMIT, a["id"]) == []
        assert await act(planner, SUBMIT, b["id"]) == []
        got = [await client.message() for _ in range(3)]
        assert await client.nothing_within(0.3)
        await client.complete(op_a)
        assert await act(planner, REJECT, a["id"]) == []
        assert await act(planner, REJECT, b["id"]) == []
        after_complete = [await client.message() for _ in range(2)]
        assert await client.nothing_within(0.3)

    def seen(messages):
        changed = [(m["id"], m["payload"]["data"]["orderStatusChanged"]) for m in messages]
        return sorted((op, c["order"]["id"], c["toStatus"]) for op, c in changed)

    assert seen(got) == sorted(
        [(op_a, a["id"], "IN_REVIEW"), (op_b, b["id"], "IN_REVIEW"), (op_c, b["id"], "IN_REVIEW")]
    )
    assert seen(after_complete) == sorted([(op_b, b["id"], "DRAFT"), (op_c, b["id"], "DRAFT")])


DEEP_ORDER = """subscription($orderId: ID) { orderStatusChanged(orderId: $orderId) { toStatus
  order { id customer { code creditLimit salesperson { code } } department { code }
          specialApprovalReasons history { action } historyConnection { nodes { action } } } } }"""


async def test_one_order_document_subscribed_by_partner_and_staff_answers_each_within_its_reach(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0001")
    logins = ("partner", "sales", "manager", "vp", "partner2")
    async with AsyncExitStack() as stack:
        clients = dict(
            zip(logins, await sockets(stack, server, live_demo, settings, *logins), strict=True)
        )
        vp, partner2 = clients["vp"], clients["partner2"]
        for client in clients.values():  # the partner first: it leads its group
            await client.subscribe(DEEP_ORDER, {"orderId": order["id"]})
        stranger = (await first_answers(partner2, 1))["1"]["payload"]
        assert await partner2.message() == {"id": "1", "type": "complete"}
        await vp.nothing_within(0.3)
        assert await act(planner, SUBMIT, order["id"]) == []
        seen = {
            name: (await clients[name].next_data())["orderStatusChanged"] for name in logins[:4]
        }
        assert await partner2.nothing_within(0.3)
    assert stranger["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert {c["toStatus"] for c in seen.values()} == {"IN_REVIEW"}
    customer = {"code": "C0001", "creditLimit": "500000.00", "salesperson": {"code": "S0001"}}
    history = [{"action": "CREATED"}, {"action": "SUBMITTED"}]  # the deprecated list and the page
    staff = {"id": order["id"], "customer": customer, "department": {"code": "D001"}}
    staff |= {"specialApprovalReasons": [], "history": history}
    staff |= {"historyConnection": {"nodes": history}}
    hidden = dict.fromkeys(("department", "specialApprovalReasons", "history", "historyConnection"))
    hidden |= {"customer": {"code": "C0001", "creditLimit": None, "salesperson": None}}
    assert {name: c["order"] for name, c in seen.items()} == {
        "partner": staff | hidden,
        "sales": staff,
        "manager": staff,
        "vp": staff,
    }


async def test_one_plan_document_shows_its_ancestors_only_as_far_as_each_subscriber_reaches(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    where = "status = 'DRAFT' AND owner_kind = 'SALESPERSON' AND salesperson_id = 1"
    pid = await plan_id(live_demo, where)
    dept_pk = await scalar(live_demo, f"SELECT parent_id FROM sales_plan WHERE {where}")
    company_pk = await scalar(
        live_demo, "SELECT parent_id FROM sales_plan WHERE id = :i", i=dept_pk
    )
    query = """subscription($planId: ID) { salesPlanStatusChanged(planId: $planId) {
                 salesPlan { id parent { id parent { id } } } } }"""
    async with AsyncExitStack() as stack:
        clients = await sockets(stack, server, live_demo, settings, "sales", "manager", "vp")
        for client in clients:
            await client.subscribe(query, {"planId": pid})
        await clients[0].nothing_within(0.3)
        await planner.execute(transition("Submit"), {"input": {"id": pid}})
        seen = [(await c.next_data())["salesPlanStatusChanged"]["salesPlan"] for c in clients]
    dept, company = to_global_id("SalesPlan", dept_pk), to_global_id("SalesPlan", company_pk)
    assert seen == [
        {"id": pid, "parent": None},
        {"id": pid, "parent": {"id": dept, "parent": None}},
        {"id": pid, "parent": {"id": dept, "parent": {"id": company}}},
    ]


async def test_two_simultaneous_approvals_of_one_plan_announce_exactly_one_approval(
    live_demo, server, settings, client_for
):
    vp = await client_for("vp")
    pid = await plan_id(live_demo, "status = 'SUBMITTED' AND owner_kind = 'DEPARTMENT'")
    async with live(server.ws_url, await token_of(live_demo, settings, "gm")) as client:
        await client.subscribe(PLAN_CHANGES, {"planId": pid})
        await client.nothing_within(0.3)
        keys = ({"Idempotency-Key": key} for key in ("first", "second"))
        results = await asyncio.gather(
            *(vp.execute(APPROVE_PLAN, {"id": pid}, headers=k) for k in keys)
        )
        (approved,) = [(await client.next_data())["salesPlanStatusChanged"]]
        assert await client.nothing_within(0.5)
    errors = sorted(len(r["salesPlanApprove"]["errors"]) for r in results)
    assert errors[0] == 0 and errors[1] > 0
    assert approved["toStatus"] == "APPROVED"


async def test_a_retried_transition_with_the_same_idempotency_key_is_announced_once(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0001")
    async with live(server.ws_url, await token_of(live_demo, settings, "partner")) as client:
        await client.subscribe(ORDER_CHANGES, {"orderId": order["id"]})
        await client.nothing_within(0.3)
        once = {"Idempotency-Key": "once"}
        for _ in range(3):
            assert await act(planner, SUBMIT, order["id"], headers=once) == []
        (change,) = await changes(client, 1)
        assert await client.nothing_within(0.5)
    assert (change["sequence"], change["toStatus"]) == (2, "IN_REVIEW")


async def test_concurrent_transitions_of_many_orders_arrive_in_each_orders_sequence(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    orders = [(await new_order(live_demo, planner, c))["id"] for c in ("C0001", "C0002") * 3]
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.subscribe(ORDER_CHANGES)
        await client.nothing_within(0.3)
        for mutation in (SUBMIT, REJECT, SUBMIT):
            results = await asyncio.gather(*(act(planner, mutation, o) for o in orders))
            assert results == [[]] * len(orders)
        got = await changes(client, 3 * len(orders))
        assert await client.nothing_within(0.3)
    for order in orders:
        mine = [(c["sequence"], c["toStatus"]) for c in got if c["order"]["id"] == order]
        assert mine == [(2, "IN_REVIEW"), (3, "DRAFT"), (4, "IN_REVIEW")]
    cursors = [int(c["cursor"]) for c in got]
    assert cursors == sorted(set(cursors))


async def test_a_replay_with_commits_landing_during_it_continues_live_without_gap_or_duplicate(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = (await new_order(live_demo, planner, "C0002"))["id"]
    token = await token_of(live_demo, settings, "manager")
    async with live(server.ws_url, token) as client:
        await client.subscribe(ORDER_CHANGES, {"orderId": order})
        await client.nothing_within(0.3)
        assert await act(planner, SUBMIT, order) == []
        seen = (await client.next_data())["orderStatusChanged"]
    for mutation in (REJECT, SUBMIT) * 10:  # twenty missed while offline
        assert await act(planner, mutation, order) == []

    async def more() -> None:  # ten more, committed while the client replays
        for mutation in (REJECT, SUBMIT) * 5:
            assert await act(planner, mutation, order) == []

    async with live(server.ws_url, token) as client:
        writer = asyncio.create_task(more())
        await client.subscribe(ORDER_CHANGES, {"orderId": order, "after": seen["cursor"]})
        got = await changes(client, 30)
        await writer
        assert await client.nothing_within(0.3)
    assert [c["sequence"] for c in got] == list(range(seen["sequence"] + 1, seen["sequence"] + 31))
    assert [c["toStatus"] for c in got] == ["DRAFT", "IN_REVIEW"] * 15

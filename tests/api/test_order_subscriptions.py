"""orderStatusChanged: partners hear only of their own orders; reconnecting with a cursor
delivers exactly what was missed; per-order order holds under rapid transitions."""

from tests.api.live_client import live, token_of
from tests.api.orders_helpers import CONFIRM, REJECT, SUBMIT, customer_id, new_order

CHANGES = """
subscription($orderId: ID, $customerId: ID, $after: String) {
  orderStatusChanged(orderId: $orderId, customerId: $customerId, after: $after) {
    cursor sequence action fromStatus toStatus actorKind order { id status }
  }
}
"""


async def submit(planner, order_id: str) -> None:
    result = await planner.execute(SUBMIT, {"input": {"id": order_id}})
    assert result["salesOrderSubmit"]["errors"] == []


async def reject(planner, order_id: str) -> None:
    result = await planner.execute(REJECT, {"input": {"id": order_id, "reason": "check prices"}})
    assert result["salesOrderReject"]["errors"] == []


async def test_each_partner_hears_only_of_its_own_customers_orders(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    async with (
        live(server.ws_url, await token_of(live_demo, settings, "partner")) as first,
        live(server.ws_url, await token_of(live_demo, settings, "partner2")) as second,
    ):
        await first.subscribe(CHANGES)
        await second.subscribe(CHANGES)
        mine = await new_order(live_demo, planner, "C0001")
        theirs = await new_order(live_demo, planner, "C0002")
        await submit(planner, theirs["id"])
        await submit(planner, mine["id"])

        got_first = [(await first.next_data())["orderStatusChanged"] for _ in range(2)]
        got_second = [(await second.next_data())["orderStatusChanged"] for _ in range(2)]
        assert await first.nothing_within(0.5)
        assert await second.nothing_within(0.1)
    assert {c["order"]["id"] for c in got_first} == {mine["id"]}
    assert {c["order"]["id"] for c in got_second} == {theirs["id"]}
    assert [(c["fromStatus"], c["toStatus"]) for c in got_first] == [
        (None, "DRAFT"),
        ("DRAFT", "IN_REVIEW"),
    ]
    assert {c["actorKind"] for c in got_first} == {"STAFF"}


async def test_another_customers_order_or_customer_is_not_found_for_a_partner(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    theirs = await new_order(live_demo, planner, "C0002")
    async with live(server.ws_url, await token_of(live_demo, settings, "partner")) as client:
        by_order = await client.subscribe(CHANGES, {"orderId": theirs["id"]})
        by_customer = await client.subscribe(
            CHANGES, {"customerId": await customer_id(live_demo, "C0002")}
        )
        missing = await client.subscribe(CHANGES, {"orderId": "U2FsZXNPcmRlcjo5OTk5OQ=="})
        answers = {}
        while len(answers) < 3:
            message = await client.message()
            if message["type"] == "next":
                answers[message["id"]] = message["payload"]
    assert answers[by_order] == answers[missing]
    assert answers[by_order]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert answers[by_customer]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_reconnecting_with_the_last_cursor_delivers_the_three_missed_changes_then_live(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0001")
    token = await token_of(live_demo, settings, "partner")
    async with live(server.ws_url, token) as client:
        await client.subscribe(CHANGES, {"orderId": order["id"]})
        await submit(planner, order["id"])
        seen = (await client.next_data())["orderStatusChanged"]
    await reject(planner, order["id"])
    await submit(planner, order["id"])
    await reject(planner, order["id"])
    async with live(server.ws_url, token) as client:
        await client.subscribe(CHANGES, {"orderId": order["id"], "after": seen["cursor"]})
        missed = [(await client.next_data())["orderStatusChanged"] for _ in range(3)]
        assert [(m["fromStatus"], m["toStatus"]) for m in missed] == [
            ("IN_REVIEW", "DRAFT"),
            ("DRAFT", "IN_REVIEW"),
            ("IN_REVIEW", "DRAFT"),
        ]
        assert [m["sequence"] for m in missed] == [seen["sequence"] + i for i in (1, 2, 3)]
        assert await client.nothing_within(0.5)
        await submit(planner, order["id"])
        live_change = (await client.next_data())["orderStatusChanged"]
        assert (live_change["toStatus"], live_change["sequence"]) == (
            "IN_REVIEW",
            seen["sequence"] + 4,
        )


async def test_fifty_rapid_transitions_arrive_in_order_and_refusals_announce_nothing(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0001")
    async with live(server.ws_url, await token_of(live_demo, settings, "vp")) as client:
        await client.subscribe(CHANGES, {"orderId": order["id"]})
        for _ in range(25):
            await submit(planner, order["id"])
            await reject(planner, order["id"])
            # Refused (a DRAFT cannot be confirmed): rolled back, nothing announced.
            refused = await planner.execute(CONFIRM, {"input": {"id": order["id"]}})
            assert refused["salesOrderConfirm"]["errors"]
        changes = [(await client.next_data())["orderStatusChanged"] for _ in range(50)]
        assert await client.nothing_within(0.5)
    assert [c["toStatus"] for c in changes] == ["IN_REVIEW", "DRAFT"] * 25
    sequences = [c["sequence"] for c in changes]
    assert sequences == list(range(sequences[0], sequences[0] + 50))
    assert [int(c["cursor"]) for c in changes] == sorted(int(c["cursor"]) for c in changes)


async def test_finance_is_told_when_an_order_under_the_price_floor_needs_its_review(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    tasks = """subscription { approvalTaskAssigned { stepName document { __typename id } } }"""
    async with live(server.ws_url, await token_of(live_demo, settings, "finance")) as client:
        await client.subscribe(tasks)
        order = await new_order(live_demo, planner, "C0001", [("P0002", "5", 30, "700.00")])
        await submit(planner, order["id"])
        task = (await client.next_data())["approvalTaskAssigned"]
    assert task["stepName"] == "Finance review"
    assert task["document"] == {"__typename": "SalesOrder", "id": order["id"]}

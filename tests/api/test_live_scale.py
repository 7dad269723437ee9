"""Live events at scale, through the real protocol: an event does work only for the subscribers
it concerns, and a client that stops reading is cut off while the others keep receiving."""

import asyncio
import json
import socket
from contextlib import AsyncExitStack
from dataclasses import asdict

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

import api.live.outbox
from api.ids import to_global_id
from api.live.outbox import SLOW_CONSUMER, SLOW_CONSUMER_REASON
from tests.api.live_client import PROTOCOL, live, token_of
from tests.api.orders_helpers import new_order
from tests.api.test_subscription_hygiene import subscribers_settle

ORDER_CHANGES = """subscription($orderId: ID) { orderStatusChanged(orderId: $orderId) {
  cursor sequence toStatus } }"""
SUBMIT = """mutation($id: ID!) { salesOrderSubmit(input: {id: $id}) { errors { code } } }"""
REJECT = """mutation($id: ID!) {
  salesOrderReject(input: {id: $id, reason: "again"}) { errors { code } } }"""
PER_CONNECTION = 50  # the most subscriptions one connection may hold


async def all_live(server, count: int, seconds: float = 60) -> None:
    """Wait until `count` subscriptions are served by the fan-out (they have been set up)."""
    for _ in range(int(seconds / 0.05)):
        if sum(group.members for group in server.hub.fanout.groups.values()) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the subscriptions did not go live")


async def test_an_event_of_one_order_does_no_work_for_a_thousand_subscribers_of_other_orders(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = await new_order(live_demo, planner, "C0001")
    async with live_demo.connect() as conn:
        others = [
            to_global_id("SalesOrder", pk)
            for (pk,) in await conn.exec_driver_sql("SELECT id FROM sales_order ORDER BY id")
            if to_global_id("SalesOrder", pk) != order["id"]
        ]
    token = await token_of(live_demo, settings, "vp")
    before = server.hub.subscriber_count
    async with AsyncExitStack() as stack:
        crowd = [
            await stack.enter_async_context(live(server.ws_url, token))
            for _ in range(1000 // PER_CONNECTION)
        ]
        watcher = await stack.enter_async_context(live(server.ws_url, token))
        for n, client in enumerate(crowd):
            for i in range(PER_CONNECTION):
                other = others[(n * PER_CONNECTION + i) % len(others)]
                await client.subscribe(ORDER_CHANGES, {"orderId": other})
        await watcher.subscribe(ORDER_CHANGES, {"orderId": order["id"]})
        await all_live(server, 1001)
        assert server.hub.subscriber_count == before + 1001
        work_before = asdict(server.hub.stats)
        submitted = await planner.execute(SUBMIT, {"id": order["id"]})
        assert submitted["salesOrderSubmit"]["errors"] == []
        change = (await watcher.next_data())["orderStatusChanged"]
        for client in crowd[:3]:
            assert await client.nothing_within(0.2)
        work = {k: v - work_before[k] for k, v in asdict(server.hub.stats).items()}
    assert (change["sequence"], change["toStatus"]) == (2, "IN_REVIEW")
    # One subscriber was offered the event, checked and answered; the thousand others cost
    # nothing at all (not even a look at their filter).
    assert work["candidates"] == 1
    assert work["checks"] == 1
    assert work["resolutions"] == 1
    assert work["deliveries"] == 1


FAT_ORDER = (
    "subscription($orderId: ID) { orderStatusChanged(orderId: $orderId) { cursor sequence "
    + " ".join(
        f"o{i}: order {{ id number status orderDate customer {{ code name }} "
        "lines { nodes { id position quantity unitPrice amount product { code name } } } "
        "historyConnection(first: 20) { nodes { action fromStatus toStatus comment } } }"
        for i in range(8)
    )
    + " } }"
)


async def unread_client(url: str, token: str) -> tuple:
    """A websocket whose reader takes in almost nothing until asked: a small receive buffer,
    and the client library stops reading once a few frames wait unread."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    host, port = url.removeprefix("ws://").split("/")[0].split(":")
    sock.connect((host, int(port)))
    sock.setblocking(False)
    # Uncompressed, so what the server writes is what fills the buffers.
    ws = await connect(url, sock=sock, subprotocols=[PROTOCOL], max_queue=4, compression=None)
    await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    return ws


async def test_a_client_that_stops_reading_is_closed_as_too_slow_while_others_receive_in_order(
    live_demo, server, settings, client_for, monkeypatch
):
    monkeypatch.setattr(api.live.outbox, "SEND_QUEUE_LIMIT", 20)
    planner = await client_for("planner")
    ten_lines = [(f"P{n:04}", "1", 30) for n in range(1, 11)]
    order = (await new_order(live_demo, planner, "C0001", ten_lines))["id"]
    token = await token_of(live_demo, settings, "vp")
    before = server.hub.subscriber_count
    slow_before = server.hub.stats.slow_consumers
    slow = await unread_client(server.ws_url, token)
    try:
        for i in range(PER_CONNECTION):
            await slow.send(
                json.dumps(
                    {
                        "id": str(i),
                        "type": "subscribe",
                        "payload": {"query": FAT_ORDER, "variables": {"orderId": order}},
                    }
                )
            )
        async with live(server.ws_url, token) as steady:
            await steady.subscribe(ORDER_CHANGES, {"orderId": order})
            await all_live(server, 51)
            assert server.hub.subscriber_count == before + 51
            changes = 0
            for _ in range(20):  # some 800 KB for the slow client per change
                for mutation in (SUBMIT, REJECT):
                    assert (
                        next(iter((await planner.execute(mutation, {"id": order})).values()))[
                            "errors"
                        ]
                        == []
                    )
                    changes += 1
                if server.hub.stats.slow_consumers > slow_before:
                    break
            # Cut off without reading a byte more: its subscriptions are gone, the other stays.
            assert server.hub.stats.slow_consumers == slow_before + 1
            assert await subscribers_settle(server.hub, before + 1) == before + 1
            seen = [(await steady.next_data())["orderStatusChanged"] for _ in range(changes)]
            assert [c["sequence"] for c in seen] == list(range(2, 2 + changes))
            assert [c["toStatus"] for c in seen] == ["IN_REVIEW", "DRAFT"] * (changes // 2)
            # Another change still reaches the steady subscriber.
            await planner.execute(SUBMIT, {"id": order})
            last = (await steady.next_data())["orderStatusChanged"]
            assert last["sequence"] == 2 + changes
        # Reading again, the slow client finds the frames sent before it was cut off, each
        # subscription's in order, then the close code that says why.
        got: dict[str, list[int]] = {}
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                message = json.loads(await asyncio.wait_for(slow.recv(), 10))
                if message["type"] == "next":
                    data = message["payload"]["data"]["orderStatusChanged"]
                    got.setdefault(message["id"], []).append(data["sequence"])
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (
            SLOW_CONSUMER,
            SLOW_CONSUMER_REASON,
        )
        assert got and all(seq == sorted(seq) and seq[0] == 2 for seq in got.values())
        assert max(len(seq) for seq in got.values()) < changes
    finally:
        await slow.close()


async def test_subscribers_of_one_document_share_an_answer_whatever_their_cursors_and_orders(
    live_demo, server, settings, client_for
):
    planner = await client_for("planner")
    order = (await new_order(live_demo, planner, "C0001"))["id"]
    other = (await new_order(live_demo, planner, "C0001"))["id"]
    token = await token_of(live_demo, settings, "vp")
    document = """subscription($orderId: ID, $after: String) {
      orderStatusChanged(orderId: $orderId, after: $after) { cursor sequence toStatus } }"""
    async with live(server.ws_url, token) as first, live(server.ws_url, token) as second:
        await first.subscribe(document, {"orderId": order})
        await all_live(server, 1)
        await planner.execute(SUBMIT, {"id": order})
        cursor = (await first.next_data())["orderStatusChanged"]["cursor"]
        # Another cursor, or another order: the variables of the subscription field choose
        # which events arrive, not what their answers hold.
        await second.subscribe(document, {"orderId": order, "after": cursor})
        await first.subscribe(document, {"orderId": other})
        await all_live(server, 3)
        before = asdict(server.hub.stats)
        await planner.execute(REJECT, {"id": order})
        seen = [(await c.next_data())["orderStatusChanged"] for c in (first, second)]
        work = {k: v - before[k] for k, v in asdict(server.hub.stats).items()}
        assert await first.nothing_within(0.3)
    assert seen[0] == seen[1]
    assert (seen[0]["sequence"], seen[0]["toStatus"]) == (3, "DRAFT")
    assert (work["candidates"], work["resolutions"], work["deliveries"]) == (2, 1, 2)

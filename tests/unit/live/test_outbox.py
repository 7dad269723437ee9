"""A connection's outbox: frames go out in dispatch order, at once while the socket takes
them, through one writer task while it does not; a client that stops reading is cut off."""

import asyncio
import json

import pytest

import api.live.outbox
from api.live.fanout import Delivery, LiveStats, Member
from api.live.outbox import Outbox
from tests.unit.live.test_dispatch import order_event


class Socket:
    """Stands in for the websocket's send: keeps the frames; waits while not `readable`."""

    def __init__(self) -> None:
        self.frames: list[dict] = []
        self.readable = asyncio.Event()
        self.readable.set()

    async def send(self, message: dict) -> None:
        await self.readable.wait()
        self.frames.append(json.loads(message["text"]))


def delivery(position: int, payload: dict | None = None) -> Delivery:
    made = Delivery(order_event(order_id=position))
    if payload is not None:
        made.resolved(json.dumps(payload))
    return made


def outbox_with_members(socket: Socket, *ids: str, final=None):
    ended: list[str] = []
    slow: list[bool] = []
    box = Outbox(socket.send, lambda: slow.append(True), LiveStats())
    members = [Member(op, box, None, final, lambda m: ended.append(m.operation_id)) for op in ids]
    return box, members, ended, slow


async def test_frames_go_out_in_dispatch_order_even_when_answers_are_ready_out_of_order():
    socket = Socket()
    box, (one, two), _, _ = outbox_with_members(socket, "1", "2")
    first, second = delivery(1), delivery(2, {"n": 2})
    box.post(one, first)
    box.post(two, first)
    box.post(one, second)
    box.flush()
    assert socket.frames == []  # the first answer is not ready: nothing may overtake it
    first.resolved(json.dumps({"n": 1}))
    box.flush()
    assert [(f["id"], f["payload"]) for f in socket.frames] == [
        ("1", {"n": 1}),
        ("2", {"n": 1}),
        ("1", {"n": 2}),
    ]
    assert all(f["type"] == "next" for f in socket.frames)
    assert box.writer is None  # every send went out without waiting: no task was needed


async def test_a_socket_that_stops_taking_data_gets_a_writer_that_finishes_in_order():
    socket = Socket()
    box, (member,), _, slow = outbox_with_members(socket, "1")
    socket.readable.clear()
    for n in range(1, 4):
        box.post(member, delivery(n, {"n": n}))
    box.flush()
    assert box.writer is not None and len(box.pending) == 2
    socket.readable.set()
    await asyncio.sleep(0.05)
    assert [f["payload"]["n"] for f in socket.frames] == [1, 2, 3]
    assert box.writer is None and not box.pending and slow == []


async def test_a_client_that_lets_frames_pile_up_is_cut_off_and_nothing_is_kept(monkeypatch):
    monkeypatch.setattr(api.live.outbox, "SEND_QUEUE_LIMIT", 3)
    socket = Socket()
    box, (member,), _, slow = outbox_with_members(socket, "1")
    socket.readable.clear()
    accepted = [box.post(member, delivery(n, {"n": n})) for n in range(1, 4)]
    box.flush()  # the first frame waits for the socket, two more wait behind it
    accepted += [box.post(member, delivery(n, {"n": n})) for n in range(4, 7)]
    assert accepted == [True, True, True, True, False, False]  # 3 waited: the 5th is refused
    assert slow == [True]
    assert box.closed and not box.pending and box.writer is None
    assert not box.post(member, delivery(7, {"n": 7}))
    socket.readable.set()
    await asyncio.sleep(0.05)
    assert socket.frames == []  # the cancelled send never went out


async def test_answers_waiting_to_be_resolved_do_not_count_against_a_reading_client(monkeypatch):
    monkeypatch.setattr(api.live.outbox, "SEND_QUEUE_LIMIT", 3)
    socket = Socket()
    box, (member,), _, slow = outbox_with_members(socket, "1")
    waiting = [delivery(n) for n in range(1, 11)]
    assert all(box.post(member, d) for d in waiting)
    for n, d in enumerate(waiting, 1):
        d.resolved(json.dumps({"n": n}))
    box.flush()
    assert [f["payload"]["n"] for f in socket.frames] == list(range(1, 11)) and slow == []


async def test_a_subscription_ends_with_complete_after_its_final_event():
    socket = Socket()
    box, (member,), ended, _ = outbox_with_members(
        socket, "7", final=lambda record: record.event.order_id == 2
    )
    for n in (1, 2, 3):
        box.post(member, delivery(n, {"n": n}))
    box.flush()
    assert socket.frames == [
        {"id": "7", "type": "next", "payload": {"n": 1}},
        {"id": "7", "type": "next", "payload": {"n": 2}},
        {"id": "7", "type": "complete"},
    ]
    assert ended == ["7"]


async def test_frames_of_an_ended_subscription_are_dropped_and_others_still_go_out():
    socket = Socket()
    box, (gone, stays), _, _ = outbox_with_members(socket, "1", "2")
    answer = delivery(1, {"n": 1})
    box.post(gone, answer)
    box.post(stays, answer)
    gone.end()
    box.flush()
    assert [f["id"] for f in socket.frames] == ["2"]


async def test_a_send_to_a_vanished_client_closes_the_outbox():
    async def gone(_message):
        raise OSError("connection reset")

    box = Outbox(gone, lambda: None, LiveStats())
    member = Member("1", box, None, None, lambda m: None)
    box.post(member, delivery(1, {"n": 1}))
    box.post(member, delivery(2, {"n": 2}))
    box.flush()
    assert box.closed and not box.pending


@pytest.mark.parametrize("operation_id", ["1", 'a"b', "ünï"])
def test_frames_carry_the_operation_id_as_json(operation_id):
    answer = Delivery(order_event())
    answer.resolved('{"data":{"x":1}}')
    frame = json.loads(answer.frame(operation_id))
    assert frame == {"id": operation_id, "type": "next", "payload": {"data": {"x": 1}}}
    assert answer.frame(operation_id) is answer.frame(operation_id)  # made once

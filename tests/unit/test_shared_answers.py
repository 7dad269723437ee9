"""api.live.shared_answers: one subscriber of a group resolves an event, the others send its answer;
when the one resolving it gives up, the others resolve it themselves."""

import asyncio
from datetime import UTC, datetime

import orjson

from api.live.shared_answers import SharingOperation
from domain.plans.events import SalesPlanEvent
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.store.events.reader import EventRecord


class RecordingHandler:
    """Stands in for the websocket handler: keeps what would be written to each socket."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes]] = []

    async def send_next_payload(self, operation_id: str, payload: bytes) -> None:
        self.sent.append((operation_id, payload))


def event() -> EventRecord:
    submitted = SalesPlanEvent(
        document_id=3,
        action="SUBMITTED",
        from_status=PlanStatus.DRAFT,
        to_status=PlanStatus.SUBMITTED,
        owner_kind=OwnerKind.COMPANY,
        company_id=1,
    )
    return EventRecord(7, 2, 1, datetime.now(UTC), submitted)


GROUP = ("subscription { x }", None, "{}", ("VP",))
ANSWER = orjson.dumps({"data": {"x": 1}})


async def test_the_first_subscriber_of_a_group_resolves_and_the_others_send_its_answer():
    handler = RecordingHandler()
    leader, other, third = (SharingOperation(handler, op_id, GROUP) for op_id in "123")
    record = event()
    assert await leader.send_shared(record) is False  # nobody has answered: it resolves
    waiting = [asyncio.create_task(op.send_shared(record)) for op in (other, third)]
    await asyncio.sleep(0)
    assert handler.sent == []  # they wait for the leader's answer
    leader.led(ANSWER)
    assert await asyncio.gather(*waiting) == [True, True]
    assert handler.sent == [("2", ANSWER), ("3", ANSWER)]
    late = SharingOperation(handler, "4", GROUP)
    assert await late.send_shared(record) is True  # answered already: sent without waiting
    assert handler.sent[-1] == ("4", ANSWER)


async def test_subscribers_of_other_groups_resolve_for_themselves():
    handler = RecordingHandler()
    record = event()
    vp = SharingOperation(handler, "1", GROUP)
    manager = SharingOperation(handler, "2", (*GROUP[:3], ("MANAGER", 1)))
    other_variables = SharingOperation(handler, "3", (GROUP[0], None, '{"a": 1}', GROUP[3]))
    assert [await op.send_shared(record) for op in (vp, manager, other_variables)] == [
        False,
        False,
        False,
    ]
    assert await SharingOperation(handler, "4", GROUP).send_shared(event()) is False  # new event


async def test_when_the_leader_sends_nothing_the_waiters_resolve_the_event_themselves():
    handler = RecordingHandler()
    leader, other = SharingOperation(handler, "1", GROUP), SharingOperation(handler, "2", GROUP)
    record = event()
    assert await leader.send_shared(record) is False
    waiting = asyncio.create_task(other.send_shared(record))
    await asyncio.sleep(0)
    leader.led(None)  # e.g. its client left while the event was being resolved
    assert await waiting is False
    assert handler.sent == []
    leader.led(ANSWER)  # too late to matter, and harmless
    assert handler.sent == []


async def test_a_waiter_that_is_cancelled_does_not_cancel_the_others():
    handler = RecordingHandler()
    leader, gone, stays = (SharingOperation(handler, op_id, GROUP) for op_id in "123")
    record = event()
    await leader.send_shared(record)
    gone_task = asyncio.create_task(gone.send_shared(record))
    stays_task = asyncio.create_task(stays.send_shared(record))
    await asyncio.sleep(0)
    gone_task.cancel()
    await asyncio.sleep(0)
    leader.led(ANSWER)
    assert await stays_task is True
    assert gone_task.cancelled()
    assert handler.sent == [("3", ANSWER)]

"""The hub's dispatch: an event reaches the subscribers it concerns through the index of what
they filter by, each interest's `accepts` is asked once per verdict, and subscribers of other
documents cost nothing."""

import json
from datetime import UTC, datetime

from api.live.fanout import Member
from api.live.hub import EventHub, Interest
from api.live.index import SubscriberIndex
from api.live.outbox import Outbox
from domain.orders.events import SalesOrderEvent
from domain.orders.lifecycle import OrderStatus
from domain.plans.events import SalesPlanEvent
from domain.plans.hierarchy import OwnerKind
from domain.plans.lifecycle import PlanStatus
from domain.store.events.reader import EventRecord


class Counting:
    """An `accepts` that counts its calls."""

    def __init__(self, answer: bool = True) -> None:
        self.answer = answer
        self.calls = 0

    def __call__(self, _record) -> bool:
        self.calls += 1
        return self.answer


def order_event(
    order_id: int = 1,
    customer_id: int = 7,
    assignees: tuple[int, ...] | None = None,
    role: str | None = None,
    position: int | None = None,
) -> EventRecord:
    event = SalesOrderEvent(
        document_id=order_id,
        action="SUBMITTED",
        from_status=OrderStatus.DRAFT,
        to_status=OrderStatus.IN_REVIEW,
        order_id=order_id,
        customer_id=customer_id,
        salesperson_id=1,
        department_id=1,
        company_id=1,
        current_step="Manager" if assignees or role else None,
        assignees=assignees,
        assignee_role=role,
    )
    return EventRecord(position or 100 + order_id, 2, None, datetime.now(UTC), event)


def plan_event(plan_id: int = 1) -> EventRecord:
    event = SalesPlanEvent(
        document_id=plan_id,
        action="SUBMITTED",
        from_status=PlanStatus.DRAFT,
        to_status=PlanStatus.SUBMITTED,
        owner_kind=OwnerKind.COMPANY,
        company_id=1,
    )
    return EventRecord(500 + plan_id, 2, None, datetime.now(UTC), event)


class NoEngine:
    """The hub is not started here: dispatch needs no database."""

    def execution_options(self, **_):
        return self


def offline_hub() -> EventHub:
    return EventHub(NoEngine(), broker=None)


def queued(subscriber) -> list[int]:
    positions = []
    while (record := subscriber.pending()) is not None:
        positions.append(record.position)
    return positions


async def test_an_event_of_one_order_is_offered_only_to_the_subscribers_of_that_order():
    events = offline_hub()
    others = [Counting() for _ in range(1000)]
    crowd = [
        events.subscribe(Interest(check, frozenset({"SalesOrder"}), f"SalesOrder:{n + 2}"))
        for n, check in enumerate(others)
    ]
    mine = Counting()
    watcher = events.subscribe(Interest(mine, frozenset({"SalesOrder"}), "SalesOrder:1"))
    events._dispatch(order_event(order_id=1))
    assert mine.calls == 1
    assert sum(check.calls for check in others) == 0
    assert queued(watcher) == [101]
    assert all(queued(s) == [] for s in crowd)
    assert (events.stats.candidates, events.stats.checks) == (1, 1)


async def test_customer_approver_and_role_keys_find_their_events_and_only_theirs():
    events = offline_hub()
    by_customer = events.subscribe(
        Interest(Counting(), frozenset({"SalesOrder"}), keys=frozenset({("customer_id", 7)}))
    )
    by_user = events.subscribe(
        Interest(Counting(), None, keys=frozenset({("assignees", 12), ("assignee_role", "VP")}))
    )
    events._dispatch(order_event(order_id=1, customer_id=7))
    events._dispatch(order_event(order_id=2, customer_id=8, assignees=(11, 12)))
    events._dispatch(order_event(order_id=3, customer_id=8, role="VP"))
    events._dispatch(
        order_event(order_id=4, customer_id=8, assignees=(13,), role="GENERAL_MANAGER")
    )
    assert queued(by_customer) == [101]
    assert queued(by_user) == [102, 103]
    assert events.stats.candidates == 3  # order 4 concerned nobody: not even a look


async def test_unfiltered_subscribers_of_one_scope_cost_one_check_per_event():
    events = offline_hub()
    dashboards = Counting()
    other_scope = Counting(answer=False)
    seeing = [
        events.subscribe(Interest(dashboards, frozenset({"SalesOrder"}), verdict=("scope", "VP")))
        for _ in range(500)
    ]
    blind = events.subscribe(
        Interest(other_scope, frozenset({"SalesOrder"}), verdict=("scope", "PARTNER", 9))
    )
    plans_only = events.subscribe(Interest(Counting(), frozenset({"SalesPlan"})))
    events._dispatch(order_event())
    assert (dashboards.calls, other_scope.calls) == (1, 1)
    assert all(queued(s) == [101] for s in seeing)
    assert queued(blind) == [] and queued(plans_only) == []


async def test_an_unsubscribed_subscriber_leaves_no_trace_in_the_index():
    events = offline_hub()
    subscribers = [
        events.subscribe(Interest(Counting(), frozenset({"SalesOrder"}), "SalesOrder:1")),
        events.subscribe(
            Interest(Counting(), frozenset({"SalesOrder"}), keys=frozenset({("customer_id", 7)}))
        ),
        events.subscribe(Interest(Counting(), frozenset({"SalesPlan"}))),
        events.subscribe(Interest(Counting())),
    ]
    assert events.subscriber_count == 4
    for subscriber in subscribers:
        events.unsubscribe(subscriber)
        events.unsubscribe(subscriber)  # twice is harmless
    assert events.subscriber_count == 0
    index: SubscriberIndex = events._index
    assert (index._filed, index._fields, index._unfiltered) == ({}, {}, {})
    events._dispatch(order_event())
    events._dispatch(plan_event())
    assert events.stats.candidates == 0


async def test_a_failing_check_costs_only_its_own_subscriber_the_event():
    events = offline_hub()

    def broken(_record):
        raise RuntimeError("a bug in one subscription")

    events.subscribe(Interest(broken, frozenset({"SalesOrder"})))
    fine = events.subscribe(Interest(Counting(), frozenset({"SalesOrder"})))
    events._dispatch(order_event())
    assert queued(fine) == [101]


def test_replays_filter_as_the_index_does():
    customer = Interest(Counting(), frozenset({"SalesOrder"}), keys=frozenset({("customer_id", 7)}))
    approver = Interest(Counting(), None, keys=frozenset({("assignees", 12)}))
    one = Interest(Counting(), frozenset({"SalesOrder"}), "SalesOrder:2")
    assert customer.concerns(order_event(customer_id=7))
    assert not customer.concerns(order_event(customer_id=8))
    assert not customer.concerns(plan_event())
    assert approver.concerns(order_event(assignees=(11, 12)))
    assert not approver.concerns(order_event(assignees=(11,)))
    assert one.concerns(order_event(order_id=2)) and not one.concerns(order_event(order_id=1))


async def test_a_document_and_keys_together_need_both():
    events = offline_hub()
    both = events.subscribe(
        Interest(
            Counting(),
            frozenset({"SalesOrder"}),
            "SalesOrder:1",
            keys=frozenset({("customer_id", 7)}),
        )
    )
    events._dispatch(order_event(order_id=1, customer_id=8))
    events._dispatch(order_event(order_id=2, customer_id=7))
    events._dispatch(order_event(order_id=1, customer_id=7))
    assert queued(both) == [101]
    assert events.stats.checks == 1


class AnsweringGroup:
    """Stands in for a GraphQL group (api.live.fanout.Group): answers each event with its
    position, at once."""

    key = "group"
    members = 1

    def resolve(self, record, delivery) -> None:
        delivery.resolved(json.dumps({"position": record.position}))


async def test_a_live_subscriber_gets_nothing_up_to_what_it_was_sent_or_knew_as_history():
    events = offline_hub()
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(json.loads(message["text"]))

    subscriber = events.subscribe(Interest(Counting(), frozenset({"SalesOrder"}), "SalesOrder:1"))
    outbox = Outbox(send, lambda: None, events.stats)
    member = Member("1", outbox, AnsweringGroup(), None, lambda m: None, after=102)
    events.go_live(subscriber, member)
    for position in (101, 102, 103, 104):
        for ready in events._dispatch(order_event(position=position)):
            ready.flush()
    assert [frame["payload"]["position"] for frame in sent] == [103, 104]

"""Each live event resolved once per group of subscribers who would receive the same answer,
encoded once, and written to each of their sockets.

A group is made of subscriptions with the same document, operation name, values of the
variables the selection uses, and viewer's reading scope (domain.access.Actor.reading_scope:
equal scopes read exactly the same rows and fields), so a shared answer never shows anyone
what they could not read themselves. Variables that only the subscription field's own
arguments use (planId, orderId, after...) choose which events arrive, not what their answers
hold, so subscribers of different plans or cursors with one document still share answers.

The group keeps a graphql-core executor for its operation (built once, from the first
member's parsed document) and runs it for each event with the event's root object, fresh
loaders and no per-subscriber pass through strawberry's pipeline (extension hooks, result
formatting, JSON). Answers that need no database come out synchronously and are written at
once; the others finish in a task and are written when ready. Each connection's outbox
(api.live.outbox) writes its frames in the order the hub dispatched the events, so a
subscriber's events never change order.
"""

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from inspect import isawaitable
from typing import TYPE_CHECKING, Any

import orjson
from graphql import DocumentNode, GraphQLError, Node, VariableNode
from graphql.execution import ExecutionResult

from api.context import event_loaders
from api.loaders import Loaders, ReadDB
from domain.store.events.reader import EventRecord

if TYPE_CHECKING:
    from api.live.outbox import Outbox

log = logging.getLogger(__name__)
# What subscribers get when their answer could not even be encoded (a bug, logged).
UNANSWERED = orjson.dumps(
    {
        "data": None,
        "errors": [{"message": "Internal error.", "extensions": {"code": "INTERNAL_ERROR"}}],
    }
).decode()


@dataclass
class LiveStats:
    """Work done for live events, counted (tests assert on it; the benchmark prints it)."""

    events: int = 0  # events dispatched
    candidates: int = 0  # subscribers the index offered them to
    checks: int = 0  # calls of an interest's `accepts`
    resolutions: int = 0  # answers computed by groups
    deliveries: int = 0  # frames handed to sockets
    slow_consumers: int = 0  # connections closed for not reading


class Group:
    """Subscriptions that receive the same answer to every event (see the module docstring)."""

    __slots__ = ("context", "executor", "key", "make", "members", "operation_name", "schema")

    def __init__(
        self, key: Hashable, info, make: Callable[[EventRecord], Any], raw_variables: dict | None
    ) -> None:
        raw = info._raw_info  # graphql-core's resolve info: the parsed operation and fragments
        schema = info.schema
        document = DocumentNode(definitions=(raw.operation, *raw.fragments.values()))
        operation_name = raw.operation.name.value if raw.operation.name else None
        executor = schema.execution_context_class.build(
            schema._schema,
            document,
            context_value=info.context,
            raw_variable_values=raw_variables,
            operation_name=operation_name,
            operation_extensions=None,
        )
        if isinstance(executor, list):  # cannot happen for an operation strawberry has run
            raise GraphQLError(executor[0].message)
        self.key = key
        self.schema = schema
        self.executor = executor
        # Any member's context: their viewers read alike (equal reading scopes).
        self.context = info.context
        self.make = make
        self.operation_name = operation_name
        self.members = 0

    def resolve(self, record: EventRecord, delivery: "Delivery") -> asyncio.Task | None:
        """Compute the answer to `record` into `delivery`: at once when no resolver waits for
        anything, else in the task returned."""
        reads = ReadDB(self.context.engine)
        scope = contextvars.copy_context()  # the event's loaders, for its resolvers only
        scope.run(event_loaders.set, Loaders(reads, self.context.viewer))
        try:
            root = self.make(record)
            executor = self.executor.build_per_event_executor(root)
            outcome = scope.run(executor.execute_operation, False)
        except Exception as error:  # a bug; answered like strawberry answers one
            outcome = ExecutionResult(None, [GraphQLError(str(error), original_error=error)])
        if isawaitable(outcome):
            loop = asyncio.get_running_loop()
            return loop.create_task(self._finish(outcome, reads, delivery), context=scope)
        delivery.resolved(self.encode(outcome))
        return None

    async def _finish(self, outcome, reads: ReadDB, delivery: "Delivery") -> None:
        try:
            result = await outcome
        except Exception as error:
            result = ExecutionResult(None, [GraphQLError(str(error), original_error=error)])
        finally:
            with contextlib.suppress(Exception):  # the answer goes out whatever the connection did
                await reads.close()
        delivery.resolved(self.encode(result))
        for outbox in delivery.waiting:
            outbox.flush()
        delivery.waiting = ()

    def encode(self, result: ExecutionResult) -> str:
        """The `next` payload, as strawberry's transport would send it, errors coded and masked
        by the schema (api.schema.Schema.process_errors). Always a payload: a delivery left
        without one would hold back every later frame of its subscribers."""
        try:
            payload: dict[str, Any] = {"data": result.data}
            if result.errors:
                self.schema.process_errors(result.errors, self)
                payload["errors"] = [error.formatted for error in result.errors]
            return orjson.dumps(payload).decode()
        except Exception:
            log.exception("encoding a live event's answer failed")
            return UNANSWERED


class Delivery:
    """One group's answer to one event; its frames, one per operation id, made once."""

    __slots__ = ("frames", "payload", "record", "recorded", "waiting")

    def __init__(self, record: EventRecord) -> None:
        self.record = record
        self.recorded = record.occurred_at.timestamp()  # for the delivery lag
        self.payload: str | None = None
        self.frames: dict[str, str] = {}
        self.waiting: list[Outbox] | tuple = []  # outboxes to flush once resolved

    def resolved(self, payload: str) -> None:
        self.payload = payload

    def frame(self, operation_id: str) -> str:
        text = self.frames.get(operation_id)
        if text is None:
            text = self.frames[operation_id] = (
                f'{{"id":{orjson.dumps(operation_id).decode()},"type":"next",'
                f'"payload":{self.payload}}}'
            )
        return text


class Member:
    """One live subscription: where its frames go and the group that answers for it."""

    __slots__ = (
        "after",
        "ended",
        "final",
        "group",
        "on_end",
        "operation_id",
        "outbox",
        "subscriber",
    )

    def __init__(
        self,
        operation_id: str,
        outbox: "Outbox",
        group: Group,
        final: Callable[[EventRecord], bool] | None,
        on_end: Callable[["Member"], None],
        after: int = 0,
    ) -> None:
        self.operation_id = operation_id
        self.outbox = outbox
        self.group = group
        self.final = final  # the subscription completes after the event this accepts
        self.on_end = on_end
        self.after = after  # events up to this position were delivered, or are history
        self.ended = False
        self.subscriber = None  # api.live.hub.Subscriber, set by the hub

    def end(self) -> None:
        if not self.ended:
            self.ended = True
            self.on_end(self)


class Fanout:
    def __init__(self, stats: LiveStats) -> None:
        self.stats = stats
        self.groups: dict[Hashable, Group] = {}
        self._tasks: set[asyncio.Task] = set()

    def group(self, key: Hashable, make_group: Callable[[], Group]) -> Group:
        """The group of `key`, made when it has no member yet."""
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = make_group()
        group.members += 1
        return group

    def leave(self, member: Member) -> None:
        group = member.group
        group.members -= 1
        if group.members == 0 and self.groups.get(group.key) is group:
            del self.groups[group.key]

    def deliver(self, record: EventRecord, members: list[Member]) -> set["Outbox"]:
        """Resolve `record` once per group of `members` and queue it on their outboxes, in
        dispatch order. Returns the outboxes whose answer is ready: flush them."""
        by_group: dict[Group, list[Member]] = {}
        for member in members:
            by_group.setdefault(member.group, []).append(member)
        ready: set[Outbox] = set()
        for group, grouped in by_group.items():
            delivery = Delivery(record)
            outboxes = {member.outbox for member in grouped if member.outbox.post(member, delivery)}
            if not outboxes:
                continue
            self.stats.resolutions += 1
            task = group.resolve(record, delivery)
            if task is None:
                ready |= outboxes
            else:
                delivery.waiting = list(outboxes)
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        return ready


def group_key(info, raw_variables: dict | None, query: str, operation_name: str | None) -> tuple:
    """Who receives the same answers (see the module docstring)."""
    raw = info._raw_info
    used: set[str] = set()
    for field in raw.field_nodes:  # the subscription field's own arguments are left out
        variables_in(field.selection_set, used)
        variables_in(field.directives, used)
    variables_in(raw.operation.directives, used)
    variables_in(tuple(raw.fragments.values()), used)
    values = {name: (raw_variables or {}).get(name) for name in sorted(used)}
    variables = orjson.dumps(values, option=orjson.OPT_SORT_KEYS, default=str)
    return (query, operation_name, variables, info.context.viewer.reading_scope)


def variables_in(node: Any, found: set[str]) -> None:
    """The names of the variables `node` (an AST node, or a tuple of them) refers to. A plain
    walk: graphql-core's visitors would leave reference cycles for the collector on every
    subscription."""
    if node is None:
        return
    if isinstance(node, tuple | list):
        for item in node:
            variables_in(item, found)
        return
    if isinstance(node, VariableNode):
        found.add(node.name.value)
        return
    for key in node.keys:
        if key != "loc":
            value = getattr(node, key, None)
            if isinstance(value, Node | tuple | list):
                variables_in(value, found)

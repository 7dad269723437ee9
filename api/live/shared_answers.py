"""Each event's answer computed and encoded once per group of subscribers who would receive the
same one.

A thousand subscribers of one query would otherwise each run the event through strawberry's and
graphql-core's per-subscriber pipeline (execution, extension hooks, result formatting, JSON) to
produce identical bytes. Subscriptions are grouped by their document, variables and operation
name and by the viewer's reading scope (domain.access.Actor.reading_scope: equal scopes read
exactly the same rows and fields), so a shared answer never shows anyone what they could not
read themselves.

For each event, the first subscriber of a group (the leader) resolves it through the normal
pipeline; the `next` payload it sends (api.live.transport) is kept on the event
(EventRecord.shared_payloads) as a future. The others (api.live.follow) wait on that future and
send the same payload under their own operation id, straight to their socket. If the leader
sends nothing (its client left, its operation ended), the future resolves to None and each
waiter resolves the event itself.
"""

import asyncio
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol

from domain.store.events.reader import EventRecord


class PayloadSender(Protocol):
    async def send_next_payload(self, operation_id: str, payload: bytes) -> None: ...


@dataclass(eq=False)
class SharingOperation:
    """One subscription operation of one connection, as api.live.follow sees it."""

    sender: PayloadSender
    id: str
    group: tuple  # who receives the same answer: see the module docstring
    # The event this operation leads, while its answer is on the way through the pipeline.
    leading: asyncio.Future | None = None

    async def send_shared(self, record: EventRecord) -> bool:
        """Send the group's answer to `record` if another subscriber has made it; otherwise lead
        (return False: the caller resolves the event, and its `next` is kept for the others)."""
        pending = record.shared_payloads.get(self.group)
        if pending is None:
            self.leading = asyncio.get_running_loop().create_future()
            record.shared_payloads[self.group] = self.leading
            return False
        # Shielded: cancelling a waiter (its client left) must not cancel the others' future.
        payload = pending.result() if pending.done() else await asyncio.shield(pending)
        if payload is None:
            return False  # the leader sent nothing: resolve it ourselves
        await self.sender.send_next_payload(self.id, payload)
        return True

    def led(self, payload: bytes | None) -> None:
        """The event this operation led is sent (payload) or abandoned (None)."""
        if self.leading is not None and not self.leading.done():
            self.leading.set_result(payload)
        self.leading = None


# The operation whose task is running: strawberry runs each operation in a task of its own.
current_operation: ContextVar[SharingOperation | None] = ContextVar(
    "current_operation", default=None
)

"""The live frames waiting to be written to one websocket, in the order the hub dispatched
their events, and a bound on how many may wait.

Frames are written as soon as their answer is ready and nothing older waits. A websocket send
completes without waiting while the socket takes data; only when the client stops reading
(the transport's buffer is full) does it wait, and only then does the connection get a task
of its own, which writes the rest once the client reads again. So a broadcast to thousands of
sockets costs one send each, and an idle connection costs no task.

A client that stops reading while SEND_QUEUE_LIMIT frames wait for it is disconnected with
close code SLOW_CONSUMER (its frames dropped, its subscriptions ended), rather than holding
memory for ever; it reconnects and resumes with `after`, like after any disconnection. (Frames
waiting for their answers to be resolved do not count against a client that reads.)
"""

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import orjson

from api.live.fanout import Delivery, LiveStats, Member
from api.observability.metrics import EVENT_LAG

SEND_QUEUE_LIMIT = 1_000  # frames waiting for a connection whose socket takes nothing
SLOW_CONSUMER = 4008
SLOW_CONSUMER_REASON = "Too slow: live events piled up unread; reconnect and resume with `after`"


class Outbox:
    __slots__ = ("_on_slow", "_send", "_stats", "closed", "pending", "writer")

    def __init__(
        self,
        send: Callable[[dict], Awaitable[None]],
        on_slow: Callable[[], None],
        stats: LiveStats,
    ) -> None:
        self._send = send  # the websocket's ASGI send (Starlette's WebSocket.send)
        self._on_slow = on_slow
        self._stats = stats
        # (member, delivery); a None delivery is the member's `complete`.
        self.pending: deque[tuple[Member, Delivery | None]] = deque()
        self.writer: asyncio.Task | None = None
        self.closed = False

    def post(self, member: Member, delivery: Delivery) -> bool:
        """Queue `delivery` for `member`; False when this connection takes no more."""
        if self.closed:
            return False
        if self.writer is not None and len(self.pending) >= SEND_QUEUE_LIMIT:
            # The socket takes nothing and this much waits: the client does not read.
            self._stats.slow_consumers += 1
            self.close()
            self._on_slow()
            return False
        self.pending.append((member, delivery))
        return True

    def flush(self) -> None:
        """Write the frames whose answers are ready, oldest first, until one is not ready or
        the socket stops taking data (then the writer task goes on)."""
        if self.writer is not None:
            return
        pending = self.pending
        while pending and not self.closed:
            member, delivery = pending[0]
            if delivery is None:  # the subscription's final event was written: complete it
                pending.popleft()
                self._write({"type": "websocket.send", "text": complete_frame(member)})
                continue
            if delivery.payload is None:
                return  # its resolution flushes again when done
            pending.popleft()
            if member.ended:
                continue
            record = delivery.record
            if member.final is not None and member.final(record):
                pending.appendleft((member, None))
                member.end()
            self._stats.deliveries += 1
            EVENT_LAG.observe(time.time() - delivery.recorded)
            if not self._write(
                {"type": "websocket.send", "text": delivery.frame(member.operation_id)}
            ):
                return

    def close(self) -> None:
        """The connection ends (or is cut off): nothing more is written or kept."""
        self.closed = True
        self.pending.clear()
        if self.writer is not None:
            self.writer.cancel()
            self.writer = None

    def _write(self, message: dict) -> bool:
        """Send `message`; True when it went out without waiting. A send that has to wait
        for the client is finished by the writer task, which then writes the rest."""
        sending = self._send(message)
        try:
            waiting = sending.send(None)
        except StopIteration:
            return True
        except Exception:  # the client is gone; the handler's shutdown ends its subscriptions
            self.close()
            return False
        self.writer = asyncio.get_running_loop().create_task(self._write_rest(sending, waiting))
        return False

    async def _write_rest(self, sending: Coroutine, waiting: Any) -> None:
        try:
            await resume(sending, waiting)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.close()
            return
        finally:
            self.writer = None
        self.flush()


def complete_frame(member: Member) -> str:
    return f'{{"id":{orjson.dumps(member.operation_id).decode()},"type":"complete"}}'


async def resume(coroutine: Coroutine, waiting: Any) -> None:
    """Run to its end a coroutine that, stepped by hand, suspended on `waiting` (what it
    yielded: an asyncio future, or None for a bare yield), as the task running it would."""
    while True:
        if waiting is None:
            await asyncio.sleep(0)
        else:
            waiting._asyncio_future_blocking = False
            try:
                # Wait for the future without taking its outcome: the coroutine reads it.
                await asyncio.wait((waiting,))
            except asyncio.CancelledError:
                coroutine.close()
                raise
        try:
            waiting = coroutine.send(None)
        except StopIteration:
            return

"""The use-case pipeline: every business action goes through `UseCases.handle`.

An action is a command (a small frozen dataclass named like its mutation: `SalesPlanSubmit`) with
one handler, `async def handler(cmd, actor, uow) -> T`, registered with `@handles(Command)` next
to the command's definition. The pipeline opens the unit of work, runs the handler, writes the
events it recorded and commits; a DomainRefusal anywhere rolls everything back and becomes the
result's errors. So a handler only says what the action checks and changes: loading with the
actor's reach (NOT_FOUND when out of it), the life-cycle table (INVALID_TRANSITION), the actor's
right (FORBIDDEN), `uow.change(row, expected_version, ...)` (CONFLICT), `uow.record(event)`.

Retries of the same request (mobile clients) are answered once by api.idempotency, before a
command is built.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from domain.access import Actor
from domain.errors import DomainError, DomainRefusal, ErrorCode
from domain.events import DocumentEvent
from domain.store.uow import UnitOfWork

T = TypeVar("T")
C = TypeVar("C")

Handler = Callable[[Any, Actor, UnitOfWork], Awaitable[Any]]
HANDLERS: dict[type, Handler] = {}


def handles(command_type: type[C]) -> Callable[[Handler], Handler]:
    """Register the decorated function as the one handler of `command_type`."""

    def register(handler: Handler) -> Handler:
        if command_type in HANDLERS:
            raise RuntimeError(f"{command_type.__name__} already has a handler")
        HANDLERS[command_type] = handler
        return handler

    return register


READ_ONLY_ACTOR = DomainError(ErrorCode.FORBIDDEN, "your role may read but not change anything")


@dataclass(frozen=True)
class Result(Generic[T]):
    """What a command did: its value (the document as committed), or why it was refused."""

    value: T | None = None
    errors: tuple[DomainError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


class UseCases:
    """Runs commands for one process; made once when the app is built."""

    def __init__(
        self,
        engine: AsyncEngine,
        on_commit: Callable[[list[DocumentEvent]], None] | None = None,
        jobs: Any = None,
    ) -> None:
        self.engine = engine
        self._on_commit = on_commit
        # The process's job queue (domain.jobs.JobQueue): handlers ask for jobs by uow.defer.
        self.jobs = jobs

    async def handle(self, cmd: Any, actor: Actor) -> Result:
        handler = HANDLERS[type(cmd)]
        # The reporting role reads everything and changes nothing, but its own sign-in (commands
        # marked ACTS_ON_OWN_ACCOUNT: signing in and out, its password). Signing in has no actor.
        if (
            actor is not None
            and actor.writes_nothing
            and not getattr(cmd, "ACTS_ON_OWN_ACCOUNT", False)
        ):
            return Result(errors=(READ_ONLY_ACTOR,))
        try:
            async with UnitOfWork(self.engine, self._on_commit, self.jobs) as uow:
                value = await handler(cmd, actor, uow)
                await uow.commit()
        except DomainRefusal as refusal:
            return Result(errors=tuple(refusal.errors))
        return Result(value=value)

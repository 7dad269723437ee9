"""Life cycles as transition tables.

Each document's life cycle is one table: for every action, the statuses it may start from and the
status it leads to (or "keeps", when the action changes something else: editing a DRAFT, approving
a step that is not the last). So every (status, action) pair is either allowed, with its target,
or refused, with a code and a reason a person can read; tests walk the tables pair by pair.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from domain.errors import DomainError, DomainRefusal, ErrorCode

S = TypeVar("S", bound=Enum)
A = TypeVar("A", bound=Enum)

ID_FIELD = ("input", "id")


@dataclass(frozen=True)
class Move(Generic[S]):
    """One row of a table: the statuses an action may start from, and where it leads.

    `target` None means the action keeps the status. `refusal` is the reason given when the action
    is tried from another status: a template with {status}, {sources} and {action}, or a function
    of the status. `code` is the refusal's error code (READ_ONLY for edits of a decided document).
    """

    sources: frozenset[S]
    target: S | None = None
    refusal: str | Callable[[S], str] = "{action} is allowed from {sources}, not from {status}"
    code: ErrorCode = ErrorCode.INVALID_TRANSITION


def move(
    sources: Iterable[S],
    target: S | None = None,
    refusal: str | Callable[[S], str] | None = None,
    code: ErrorCode = ErrorCode.INVALID_TRANSITION,
) -> Move[S]:
    """A Move from any iterable of sources (tables read better with plain sets)."""
    if refusal is None:
        return Move(frozenset(sources), target, code=code)
    return Move(frozenset(sources), target, refusal, code)


class Lifecycle(Generic[S, A]):
    """The transition table of one kind of document."""

    def __init__(self, statuses: type[S], moves: Mapping[A, Move[S]]) -> None:
        self.statuses = statuses
        self.moves = dict(moves)

    def allows(self, action: A, status: S) -> bool:
        return status in self.moves[action].sources

    def target(self, action: A, status: S) -> S | None:
        """The status after `action` from `status` (the same status when the action keeps it);
        None when the action is not allowed from there."""
        row = self.moves[action]
        if status not in row.sources:
            return None
        return row.target if row.target is not None else status

    def refusal(
        self, action: A, status: S, field: tuple[str, ...] | None = ID_FIELD
    ) -> DomainError:
        """The error that refuses `action` from `status`."""
        row = self.moves[action]
        if callable(row.refusal):
            message = row.refusal(status)
        else:
            message = row.refusal.format(
                action=action.value,
                status=status.value,
                sources=", ".join(sorted(s.value for s in row.sources)),
            )
        return DomainError(row.code, message, field)

    def check(self, action: A, status: S, field: tuple[str, ...] | None = ID_FIELD) -> S:
        """The status `action` leads to from `status`; raises DomainRefusal when not allowed."""
        target = self.target(action, status)
        if target is None:
            raise DomainRefusal(self.refusal(action, status, field))
        return target

"""The events of users, on their stream "User:<id>".

Every process's viewer watch follows these: an event that can change what a user may reach
(deactivated, roles or links changed, sessions revoked) makes it re-read the viewers of open
websockets at once (api.live.viewers).
"""

from dataclasses import dataclass

from domain.accounts.lifecycle import UserStatus
from domain.events import DocumentEvent, key


@dataclass(frozen=True, kw_only=True)
class UserEvent(DocumentEvent):
    """CREATED, UPDATED, DEACTIVATED, REACTIVATED, PASSWORD_CHANGED, PASSWORD_RESET,
    SIGNED_OUT or SESSIONS_REVOKED."""

    STREAM = "User"

    from_status: UserStatus | None = key("from", always=True)
    to_status: UserStatus | None = key("to", always=True)
    login: str
    # UPDATED: the input fields that changed
    changes: tuple[str, ...] = ()
    # Sessions this event ended, and why (domain.accounts.sessions.RevokedBecause)
    ended_sessions: tuple[int, ...] = ()
    revoked_because: str | None = None

"""A user's life cycle: ACTIVE ⇄ INACTIVE. An inactive user cannot sign in, their sessions are
revoked and their open websockets closed; reactivating them lets them sign in again."""

from enum import Enum

from domain.lifecycle import Lifecycle, move


class UserStatus(Enum):
    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"


class UserAction(Enum):
    EDIT = "EDIT"
    DEACTIVATE = "DEACTIVATE"
    REACTIVATE = "REACTIVATE"


U = UserStatus

USER_LIFECYCLE: Lifecycle[UserStatus, UserAction] = Lifecycle(
    UserStatus,
    {
        # Inactive users can be edited too: an admin fixes roles before reactivating.
        UserAction.EDIT: move({U.ACTIVE, U.INACTIVE}),
        UserAction.DEACTIVATE: move({U.ACTIVE}, U.INACTIVE, "the user is already inactive"),
        UserAction.REACTIVATE: move({U.INACTIVE}, U.ACTIVE, "the user is already active"),
    },
)


def status_of(active: bool) -> UserStatus:
    return UserStatus.ACTIVE if active else UserStatus.INACTIVE

"""Who is acting: roles from PRODUCT.md and the organisation links that scope what a user may see."""

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property


class Role(Enum):
    """A user's roles; a user may hold several."""

    ADMIN = "ADMIN"
    VP = "VP"
    GENERAL_MANAGER = "GENERAL_MANAGER"
    FINANCE = "FINANCE"
    PLANNER = "PLANNER"
    MANAGER = "MANAGER"
    SALESPERSON = "SALESPERSON"
    PARTNER = "PARTNER"
    REPORTING = "REPORTING"  # reads the whole company for reports and exports; writes nothing


# Roles that read every plan of the company (they approve, compile or report on them).
COMPANY_WIDE_READERS = frozenset(
    {Role.ADMIN, Role.VP, Role.GENERAL_MANAGER, Role.FINANCE, Role.PLANNER, Role.REPORTING}
)
# Roles that allow no action at all: a user holding only these is refused every mutation.
READ_ONLY_ROLES = frozenset({Role.REPORTING})


@dataclass(frozen=True)
class Actor:
    """The authenticated user behind a request, with the ids that scope their reach."""

    user_id: int
    login: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    company_id: int | None = None
    department_id: int | None = None  # the department a manager runs or a salesperson belongs to
    salesperson_id: int | None = None
    customer_id: int | None = None  # set for partner (portal) users

    def has(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_internal(self) -> bool:
        """Staff of the manufacturer, as opposed to a partner's portal user."""
        return bool(self.roles - {Role.PARTNER})

    @property
    def reads_all_plans(self) -> bool:
        return bool(self.roles & COMPANY_WIDE_READERS)

    @property
    def writes_nothing(self) -> bool:
        """Holds only read-only roles (reporting): every business action is refused."""
        return bool(self.roles) and self.roles <= READ_ONLY_ROLES

    @cached_property
    def reading_scope(self) -> tuple:
        """Actors with equal reading scopes read exactly the same rows and fields (what they may
        do can still differ). Partners also read their own user record, so theirs is personal."""
        if Role.PARTNER in self.roles:
            return ("user", self.user_id)
        return (
            tuple(sorted(r.value for r in self.roles)),
            self.company_id,
            self.department_id if Role.MANAGER in self.roles else None,
            self.salesperson_id if Role.SALESPERSON in self.roles else None,
        )

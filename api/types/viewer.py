"""The viewer: who is asking, what they may do, and where they sit in the organisation."""

import strawberry
from strawberry.types import Info

from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.approval import ApprovalTask
from api.types.organisation import Department, RoleEnum, Salesperson, User
from domain.access import Actor

TASK_PAGES = PageLimits(default=50, maximum=100)


@strawberry.type(description="The authenticated user and their place in the organisation.")
class Viewer:
    actor: strawberry.Private[Actor]

    @strawberry.field(description="The user's roles, each at most once.")
    def roles(self) -> list[RoleEnum]:
        return sorted(self.actor.roles, key=lambda r: r.value)

    @strawberry.field(description="The user record.")
    async def user(self, info: Info) -> User | None:
        return await info.context.loaders.organisation.user.load(self.actor.user_id)

    @strawberry.field(description="The salesperson this user is, if any.")
    async def salesperson(self, info: Info) -> Salesperson | None:
        if self.actor.salesperson_id is None:
            return None
        return await info.context.loaders.organisation.salesperson.load(self.actor.salesperson_id)

    @strawberry.field(
        description="Documents waiting for your decision, oldest first: steps whose approver "
        "is you, or ROLE steps of a role you hold. " + TASK_PAGES.describe("Tasks:")
    )
    async def approval_tasks(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[ApprovalTask]:
        page = PageRequest.of(TASK_PAGES, first, after, last, before)
        return await info.context.loaders.approval.tasks.load(page)

    @strawberry.field(description="The department the user manages or belongs to, if any.")
    async def department(self, info: Info) -> Department | None:
        if self.actor.department_id is None:
            return None
        return await info.context.loaders.organisation.department.load(self.actor.department_id)

"""The organisation: company → departments → salespeople, and users."""

from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from api.ids import to_global_id
from api.pagination import After, Before, Connection, First, Last, PageLimits, PageRequest
from api.types.enums import described_enum
from api.types.node import Node
from api.types.plans import (
    PLANS_DESCRIPTION,
    SalesPlan,
    SalesPlanSortingInput,
    SalesPlanWhereInput,
    plans_of,
)
from domain.access import Role
from domain.plans.hierarchy import OwnerKind

if TYPE_CHECKING:
    from api.types.customers import Customer

RoleEnum = described_enum(
    Role,
    name="Role",
    description="What a user may do; a user may hold several roles. Every field and mutation "
    "checks them on the server.",
    values={
        Role.ADMIN: "Configures the organisation, users, customers and approval policies; reads "
        "every plan and order of the company.",
        Role.VP: "Reads every plan and order of the company; approves the steps that name them "
        "as VP in charge (plans, stock-ins, special approvals).",
        Role.GENERAL_MANAGER: "Reads every plan and order of the company; approves the general "
        "manager's steps (e.g. company plans over the amount limit).",
        Role.FINANCE: "Reads every plan and order of the company; the finance review step of "
        "special approvals; customers, price floors and credit limits.",
        Role.PLANNER: "Market department: compiles plans at every level, reviews contracts, and "
        "runs production status, stock-ins, shipments, returns and customers.",
        Role.MANAGER: "A department manager: the plans and orders of the department and its "
        "salespeople, decomposing department plans, contract review of its orders.",
        Role.SALESPERSON: "Drafts and submits their own plans; reads and drafts their own orders.",
        Role.PARTNER: "A customer's portal user: reads only its own company's orders, shipments "
        "and tracking, and confirms receipt; nothing else.",
        Role.REPORTING: "Reads every plan and order of the company for reports and exports; "
        "may change nothing (every mutation is refused with FORBIDDEN).",
    },
)

ORG_PAGES = PageLimits(default=50, maximum=100)

Where = Annotated[
    SalesPlanWhereInput | None,
    strawberry.argument(description="Only plans meeting every given condition; null: all."),
]
SortBy = Annotated[
    SalesPlanSortingInput | None,
    strawberry.argument(description="Sort order; null: PERIOD_START ascending (id breaks ties)."),
]


@strawberry.type(description="A login of the system, staff or partner.")
class User(Node):
    pk: strawberry.Private[int]
    customer_pk: strawberry.Private[int | None]
    active: bool = strawberry.field(
        description="False once deactivated: the user cannot sign in and their sign-ins ended."
    )
    version: int = strawberry.field(
        description="Raised by every change; send it as expectedVersion to userUpdate."
    )
    login: str = strawberry.field(description="The sign-in name, unique.")
    display_name: str = strawberry.field(description="The person's name as shown to others.")
    roles: list[RoleEnum] = strawberry.field(description="What the user may do.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("User", self.pk))

    @classmethod
    def from_row(cls, row) -> "User":
        return cls(
            pk=row.id,
            login=row.login,
            display_name=row.display_name,
            roles=[Role(r) for r in row.roles.split()],
            customer_pk=row.customer_id,
            active=row.active,
            version=row.version,
        )

    @strawberry.field(description="The customer a PARTNER user belongs to; null for staff.")
    async def customer(
        self, info: Info
    ) -> Annotated["Customer", strawberry.lazy("api.types.customers")] | None:
        if self.customer_pk is None:
            return None
        return await info.context.loaders.orders.customer.load(self.customer_pk)

    @strawberry.field(
        description="The salesperson record a SALESPERSON user signs in as; null otherwise."
    )
    async def salesperson(self, info: Info) -> "Salesperson | None":
        return await info.context.loaders.organisation.salesperson_of_user.load(self.pk)

    @strawberry.field(description="The department a MANAGER user runs; null otherwise.")
    async def managed_department(self, info: Info) -> "Department | None":
        return await info.context.loaders.organisation.managed_department.load(self.pk)


@strawberry.type(description="The company: top of the plan hierarchy.")
class Company(Node):
    pk: strawberry.Private[int]
    code: str = strawberry.field(description="Short code, unique.")
    name: str = strawberry.field(description="The company's name.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Company", self.pk))

    @classmethod
    def from_row(cls, row) -> "Company":
        return cls(pk=row.id, code=row.code, name=row.name)

    @strawberry.field(description="Departments, by code. " + ORG_PAGES.describe("Departments:"))
    async def departments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Department"]:
        page = PageRequest.of(ORG_PAGES, first, after, last, before)
        return await info.context.loaders.organisation.departments_by_company.load(self.pk, page)

    @strawberry.field(description="The company's own plans. " + PLANS_DESCRIPTION)
    async def sales_plans(
        self,
        info: Info,
        where: Where = None,
        sort_by: SortBy = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesPlan]:
        return await plans_of(
            info, OwnerKind.COMPANY, self.pk, where, sort_by, first, after, last, before
        )


@strawberry.type(description="A sales department of the company.")
class Department(Node):
    pk: strawberry.Private[int]
    company_pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int | None]
    vp_pk: strawberry.Private[int | None]
    version: int = strawberry.field(
        description="Raised by every change; send it as expectedVersion to departmentUpdate."
    )
    code: str = strawberry.field(description="Department code, unique, e.g. D001.")
    name: str = strawberry.field(description="The department's name.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Department", self.pk))

    @classmethod
    def from_row(cls, row) -> "Department":
        return cls(
            pk=row.id,
            company_pk=row.company_id,
            manager_pk=row.manager_user_id,
            vp_pk=row.vp_user_id,
            version=row.version,
            code=row.code,
            name=row.name,
        )

    @strawberry.field(description="The company the department belongs to.")
    async def company(self, info: Info) -> Company | None:
        return await info.context.loaders.organisation.company.load(self.company_pk)

    @strawberry.field(description="The department manager.")
    async def manager(self, info: Info) -> User | None:
        if self.manager_pk is None:
            return None
        return await info.context.loaders.organisation.user.load(self.manager_pk)

    @strawberry.field(description="The VP in charge (分管副总), who approves its plans.")
    async def vp_in_charge(self, info: Info) -> User | None:
        if self.vp_pk is None:
            return None
        return await info.context.loaders.organisation.user.load(self.vp_pk)

    @strawberry.field(description="Salespeople, by code. " + ORG_PAGES.describe("Salespeople:"))
    async def salespeople(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection["Salesperson"]:
        page = PageRequest.of(ORG_PAGES, first, after, last, before)
        loader = info.context.loaders.organisation.salespeople_by_department
        return await loader.load(self.pk, page)

    @strawberry.field(description="The department's own plans. " + PLANS_DESCRIPTION)
    async def sales_plans(
        self,
        info: Info,
        where: Where = None,
        sort_by: SortBy = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesPlan]:
        return await plans_of(
            info, OwnerKind.DEPARTMENT, self.pk, where, sort_by, first, after, last, before
        )


@strawberry.type(description="A salesperson (业务员): the lowest node of the plan hierarchy.")
class Salesperson(Node):
    pk: strawberry.Private[int]
    department_pk: strawberry.Private[int]
    version: int = strawberry.field(
        description="Raised by every change; send it as expectedVersion to salespersonUpdate."
    )
    code: str = strawberry.field(description="Salesperson code, unique, e.g. S0001.")
    name: str = strawberry.field(description="The salesperson's name.")
    email: str | None = strawberry.field(description="Work e-mail address; null when not recorded.")

    @strawberry.field(description="Opaque global id.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id("Salesperson", self.pk))

    @classmethod
    def from_row(cls, row) -> "Salesperson":
        return cls(
            pk=row.id,
            department_pk=row.department_id,
            version=row.version,
            code=row.code,
            name=row.name,
            email=row.email,
        )

    @strawberry.field(description="The department the salesperson belongs to.")
    async def department(self, info: Info) -> Department | None:
        return await info.context.loaders.organisation.department.load(self.department_pk)

    @strawberry.field(description="The salesperson's own plans. " + PLANS_DESCRIPTION)
    async def sales_plans(
        self,
        info: Info,
        where: Where = None,
        sort_by: SortBy = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SalesPlan]:
        return await plans_of(
            info, OwnerKind.SALESPERSON, self.pk, where, sort_by, first, after, last, before
        )


PlanOwnerNode = Annotated[
    Company | Department | Salesperson,
    strawberry.union("PlanOwner", description="A node of the plan hierarchy."),
]

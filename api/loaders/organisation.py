"""Loaders for companies, departments, salespeople and users. Partners see none of them."""

from sqlalchemy import false, or_, select

from api.loaders.reading import ChildPages, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.organisation import Company, Department, Salesperson, User
from domain.access import Actor
from domain.store.tables import AppUser
from domain.store.tables import Company as CompanyRow
from domain.store.tables import Department as DepartmentRow
from domain.store.tables import Salesperson as SalespersonRow


class OrganisationLoaders:
    def __init__(self, db: ReadDB, actor: Actor) -> None:
        companies, departments = CompanyRow.__table__, DepartmentRow.__table__
        salespeople, users = SalespersonRow.__table__, AppUser.__table__

        def scoped(table):
            # Staff read their company's organisation; a partner's portal shows none of it.
            if not actor.is_internal:
                return lambda: select(table).where(false())
            return lambda: select(table)

        self.company = by_id_loader(db, scoped(companies), companies.c.id, Company.from_row)
        self.department = by_id_loader(
            db, scoped(departments), departments.c.id, Department.from_row
        )
        self.salesperson = by_id_loader(
            db, scoped(salespeople), salespeople.c.id, Salesperson.from_row
        )
        # A partner sees only their own user record.
        own_user = lambda: select(users).where(users.c.id == actor.user_id)  # noqa: E731
        visible_users = (lambda: select(users)) if actor.is_internal else own_user
        self.user = by_id_loader(db, visible_users, users.c.id, User.from_row)
        self.users = TopLevelPages(
            db,
            visible_users,
            SortOrder(users.c.login, users.c.id),
            User.from_row,
            conditions=user_conditions,
        )
        # Keyed by user id: the salesperson record a user signs in as, the department they run.
        self.salesperson_of_user = by_id_loader(
            db, scoped(salespeople), salespeople.c.user_id, Salesperson.from_row
        )
        self.managed_department = by_id_loader(
            db,
            lambda: scoped(departments)().order_by(departments.c.id.desc()),
            departments.c.manager_user_id,
            Department.from_row,
        )
        self.companies = TopLevelPages(
            db, scoped(companies), SortOrder(companies.c.code, companies.c.id), Company.from_row
        )
        self.departments_by_company = ChildPages(
            db,
            scoped(departments),
            departments.c.company_id,
            SortOrder(departments.c.code, departments.c.id),
            Department.from_row,
        )
        self.salespeople_by_department = ChildPages(
            db,
            scoped(salespeople),
            salespeople.c.department_id,
            SortOrder(salespeople.c.code, salespeople.c.id),
            Salesperson.from_row,
        )


def user_conditions(key: tuple) -> list:
    """A `users(where:)` filter key: (active or None, role name or None, search text or None)."""
    active, role, search = key or (None, None, None)
    users = AppUser.__table__
    conditions = []
    if active is not None:
        conditions.append(users.c.active == active)
    if role is not None:
        # Roles are space-separated names; pad so "VP" does not match inside another name.
        conditions.append((" " + users.c.roles + " ").contains(f" {role} ", autoescape=True))
    if search:
        conditions.append(
            or_(
                users.c.login.icontains(search, autoescape=True),
                users.c.display_name.icontains(search, autoescape=True),
            )
        )
    return conditions

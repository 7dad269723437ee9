"""domain.plans.access: who may read and author which plan, for every role of PRODUCT.md."""

import pytest

from domain.access import Actor, Role
from domain.plans.access import PlanOwner, may_author_plan, may_read_plan
from domain.plans.hierarchy import OwnerKind

# Company 1 has departments 10 (salespeople 100, 101) and 20 (salesperson 200); company 2 exists too.
COMPANY = PlanOwner(OwnerKind.COMPANY, 1)
DEPT_10 = PlanOwner(OwnerKind.DEPARTMENT, 1, 10)
DEPT_20 = PlanOwner(OwnerKind.DEPARTMENT, 1, 20)
SP_100 = PlanOwner(OwnerKind.SALESPERSON, 1, 10, 100)
SP_101 = PlanOwner(OwnerKind.SALESPERSON, 1, 10, 101)
SP_200 = PlanOwner(OwnerKind.SALESPERSON, 1, 20, 200)
OTHER_COMPANY = PlanOwner(OwnerKind.COMPANY, 2)
OTHER_DEPT = PlanOwner(OwnerKind.DEPARTMENT, 2, 10)  # same department id, other company
OTHER_SP = PlanOwner(OwnerKind.SALESPERSON, 2, 10, 100)
ALL = {
    "company": COMPANY,
    "dept10": DEPT_10,
    "dept20": DEPT_20,
    "sp100": SP_100,
    "sp101": SP_101,
    "sp200": SP_200,
    "other_company": OTHER_COMPANY,
    "other_dept": OTHER_DEPT,
    "other_sp": OTHER_SP,
}


def actor(*roles: Role, **links) -> Actor:
    return Actor(user_id=1, login="u", roles=frozenset(roles), **links)


def readable(a: Actor) -> set[str]:
    return {name for name, owner in ALL.items() if may_read_plan(a, owner)}


def authorable(a: Actor) -> set[str]:
    return {name for name, owner in ALL.items() if may_author_plan(a, owner)}


OWN_COMPANY = {"company", "dept10", "dept20", "sp100", "sp101", "sp200"}
MANAGER = actor(Role.MANAGER, company_id=1, department_id=10)
SALESPERSON = actor(Role.SALESPERSON, company_id=1, department_id=10, salesperson_id=100)
PARTNER = actor(Role.PARTNER, customer_id=5)


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.VP, Role.GENERAL_MANAGER, Role.FINANCE, Role.PLANNER]
)
def test_approvers_planners_and_admins_read_every_plan_of_their_own_company_only(role):
    assert readable(actor(role, company_id=1)) == OWN_COMPANY


def test_a_manager_reads_the_department_plan_and_its_salespeople_plans_only():
    assert readable(MANAGER) == {"dept10", "sp100", "sp101"}


def test_a_salesperson_reads_only_their_own_plans():
    assert readable(SALESPERSON) == {"sp100"}


def test_a_partner_reads_no_plan():
    assert readable(PARTNER) == set()


def test_staff_without_a_company_read_nothing():
    assert readable(actor(Role.VP)) == set()


def test_a_manager_without_a_department_reads_nothing():
    assert readable(actor(Role.MANAGER, company_id=1)) == set()


def test_a_planner_authors_plans_at_every_level_of_their_own_company():
    assert authorable(actor(Role.PLANNER, company_id=1)) == OWN_COMPANY


def test_a_manager_authors_the_department_plan_and_its_salespeople_plans_but_not_the_company_plan():
    assert authorable(MANAGER) == {"dept10", "sp100", "sp101"}


def test_a_salesperson_authors_only_their_own_plans():
    assert authorable(SALESPERSON) == {"sp100"}


@pytest.mark.parametrize(
    "role", [Role.ADMIN, Role.VP, Role.GENERAL_MANAGER, Role.FINANCE, Role.PARTNER]
)
def test_readers_that_approve_or_administer_author_no_plan(role):
    assert authorable(actor(role, company_id=1)) == set()


def test_a_user_holding_two_roles_gets_the_reach_of_both():
    both = actor(Role.MANAGER, Role.SALESPERSON, company_id=1, department_id=10, salesperson_id=100)
    assert readable(both) == {"dept10", "sp100", "sp101"}
    assert authorable(both) == {"dept10", "sp100", "sp101"}


def test_partner_users_are_not_staff_and_staff_are():
    assert not PARTNER.is_internal
    assert MANAGER.is_internal
    assert actor().is_internal is False

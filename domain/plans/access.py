"""Who may read and author which plans (PRODUCT.md roles). Pure: works on ids, not on rows."""

from dataclasses import dataclass

from domain.access import Actor, Role
from domain.plans.hierarchy import OwnerKind


@dataclass(frozen=True)
class PlanOwner:
    """The node a plan belongs to, with the ids of the nodes above it."""

    kind: OwnerKind
    company_id: int
    department_id: int | None = None
    salesperson_id: int | None = None


def may_read_plan(actor: Actor, owner: PlanOwner) -> bool:
    """Approvers and planners read every plan; managers their department's; salespeople their own."""
    if actor.company_id != owner.company_id:
        return False
    if actor.reads_all_plans:
        return True
    if (
        actor.has(Role.MANAGER)
        and actor.department_id is not None
        and owner.department_id == actor.department_id
    ):
        return True
    return (
        actor.has(Role.SALESPERSON)
        and owner.kind is OwnerKind.SALESPERSON
        and owner.salesperson_id == actor.salesperson_id
    )


def may_author_plan(actor: Actor, owner: PlanOwner) -> bool:
    """Planners compile plans at every level; a manager for the department and its salespeople;
    a salesperson only their own."""
    if actor.company_id != owner.company_id:
        return False
    if actor.has(Role.PLANNER):
        return True
    if (
        actor.has(Role.MANAGER)
        and actor.department_id is not None
        and owner.kind is not OwnerKind.COMPANY
        and owner.department_id == actor.department_id
    ):
        return True
    return (
        actor.has(Role.SALESPERSON)
        and owner.kind is OwnerKind.SALESPERSON
        and owner.salesperson_id == actor.salesperson_id
    )

"""Who may read and prepare which forecasts (PRODUCT.md roles). Pure: works on ids, not rows.

A forecast's scope is the company, or one department. Reading: the company-wide readers
(admin, VP, general manager, finance, planner) read every forecast of their company; a
department manager those of the department; salespeople and partners none. Preparing
(generate, adjust, submit, withdraw) follows who may plan for the scope: planners for any scope,
a manager for the department. Approving goes through the approval chain (VP in charge).
"""

from dataclasses import dataclass

from domain.access import Actor, Role
from domain.plans.access import PlanOwner, may_author_plan
from domain.plans.hierarchy import OwnerKind


@dataclass(frozen=True)
class ForecastScope:
    """The company, or one department of it."""

    company_id: int
    department_id: int | None = None

    @property
    def owner(self) -> PlanOwner:
        """The plan node the scope is, for the planning rules."""
        if self.department_id is None:
            return PlanOwner(OwnerKind.COMPANY, self.company_id)
        return PlanOwner(OwnerKind.DEPARTMENT, self.company_id, self.department_id)

    def overlaps(self, other: "ForecastScope") -> bool:
        """One scope holds the other: the same, or the company and one of its departments."""
        if self.company_id != other.company_id:
            return False
        return (
            self.department_id is None
            or other.department_id is None
            or self.department_id == other.department_id
        )


def may_read_forecast(actor: Actor, scope: ForecastScope) -> bool:
    if actor.company_id != scope.company_id:
        return False
    if actor.reads_all_plans:
        return True
    return (
        actor.has(Role.MANAGER)
        and actor.department_id is not None
        and scope.department_id == actor.department_id
    )


def may_prepare_forecast(actor: Actor, scope: ForecastScope) -> bool:
    """Generate, adjust, submit and withdraw: whoever may plan for the scope's node."""
    return may_author_plan(actor, scope.owner)

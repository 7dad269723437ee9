"""Who may read reports and compile delivery reports (PRODUCT.md roles). Pure: works on ids.

Plan vs actual shows a node to whoever may read that node's plans (domain.plans.access): the
company-wide readers (approvers, finance, planners, reporting) every node of their company, a
manager the department and its salespeople, a salesperson their own figures.

Delivery reports are the company's or one department's: the company-wide readers read all of
their company's; a manager their department's. Planners compile them for any scope of their
company, a manager for the department; the approval policy decides who approves.
"""

from dataclasses import dataclass

from domain.access import Actor, Role
from domain.plans.access import PlanOwner, may_read_plan
from domain.plans.hierarchy import OwnerKind


def may_read_node(actor: Actor, node: PlanOwner) -> bool:
    """The node's plan-vs-actual figures: the same reach as its plans."""
    return actor.is_internal and may_read_plan(actor, node)


@dataclass(frozen=True)
class ReportScope:
    """What a delivery report covers: a company, or one of its departments."""

    company_id: int
    department_id: int | None = None

    @property
    def kind(self) -> OwnerKind:
        return OwnerKind.COMPANY if self.department_id is None else OwnerKind.DEPARTMENT

    @property
    def key(self) -> str:
        """One string per scope, for the revision numbering's unique key."""
        if self.department_id is None:
            return f"Company:{self.company_id}"
        return f"Department:{self.department_id}"


def may_read_delivery_report(actor: Actor, scope: ReportScope) -> bool:
    if not actor.is_internal or actor.company_id != scope.company_id:
        return False
    if actor.reads_all_plans:
        return True
    return (
        actor.has(Role.MANAGER)
        and scope.department_id is not None
        and actor.department_id == scope.department_id
    )


def may_compile_delivery_report(actor: Actor, scope: ReportScope) -> bool:
    """Generate and submit: planners for any scope of their company, a manager for theirs."""
    if not actor.is_internal or actor.company_id != scope.company_id:
        return False
    if actor.has(Role.PLANNER):
        return True
    return (
        actor.has(Role.MANAGER)
        and scope.department_id is not None
        and actor.department_id == scope.department_id
    )

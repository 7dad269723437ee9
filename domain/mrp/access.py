"""Who may keep MRP master data, run MRP and read its results (PRODUCT.md roles). Pure."""

from domain.access import Actor, Role


def may_edit_master_data(actor: Actor) -> bool:
    """Items, suppliers, prices and BOM lines: admins and planners."""
    return actor.is_internal and actor.has(Role.ADMIN, Role.PLANNER)


def may_read_master_data(actor: Actor) -> bool:
    """Every member of staff reads items, BOMs and suppliers; partners do not."""
    return actor.is_internal


def may_run_mrp(actor: Actor) -> bool:
    """Start and retry MRP runs: planners."""
    return actor.is_internal and actor.has(Role.PLANNER)


def may_read_mrp(actor: Actor) -> bool:
    """Runs and their results: the company-wide readers (admin, VP, general manager, finance,
    planner); not salespeople, managers or partners."""
    return actor.is_internal and actor.reads_all_plans

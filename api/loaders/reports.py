"""Reports: plan vs actual computed for one request (four grouped statements), and the loaders of
delivery reports (by id, lists, worst late orders, approval steps, history), scoped to what the
viewer may read (domain.reports.access)."""

from collections import defaultdict
from datetime import date

from graphql import GraphQLError
from sqlalchemy import and_, false, select
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.ids import BadId, from_global_id, pk_of
from api.loaders.approval import history_loader, steps_loader
from api.loaders.reading import MAX_BATCH, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.achievement import PlanVsActualReport
from api.types.delivery_reports import DeliveryReport, LateOrderEntry
from domain.access import Actor, Role
from domain.approvals.chains import DocumentType
from domain.plans.access import PlanOwner
from domain.plans.hierarchy import OwnerKind
from domain.reports.access import may_read_node
from domain.reports.achievement import MAX_MONTHS, Scope, build_tree, months_between
from domain.reports.lifecycle import DeliveryReportStatus
from domain.store.reports import achievement as reads
from domain.store.tables import DeliveryReport as ReportRow
from domain.store.tables import DeliveryReportLateOrder as LateOrderRow

reports = ReportRow.__table__
late_orders = LateOrderRow.__table__

BAD_INPUT = {"code": "BAD_USER_INPUT"}


def reports_visible_to(actor: Actor):
    """Mirror of domain.reports.access.may_read_delivery_report for a query on delivery_report."""
    if not actor.is_internal or actor.company_id is None:
        return false()
    same_company = reports.c.company_id == actor.company_id
    if actor.reads_all_plans:
        return same_company
    if actor.has(Role.MANAGER) and actor.department_id is not None:
        return and_(same_company, reports.c.department_id == actor.department_id)
    return false()


def report_conditions(filter_key: tuple) -> list:
    """SQL for a DeliveryReportWhereInput turned into (period, scope key, statuses)."""
    period, scope, statuses = filter_key
    conditions = []
    if period is not None:
        conditions.append(reports.c.period == period)
    if scope is not None:
        conditions.append(reports.c.scope == scope)
    if statuses:
        conditions.append(reports.c.status.in_([DeliveryReportStatus(s) for s in statuses]))
    return conditions


class ReportLoaders:
    def __init__(self, db: ReadDB, actor: Actor) -> None:
        visible = reports_visible_to(actor)
        base = lambda: select(reports).where(visible)  # noqa: E731
        self.report = by_id_loader(db, base, reports.c.id, DeliveryReport.from_row)
        self.reports = TopLevelPages(
            db,
            base,
            SortOrder(reports.c.id, reports.c.id, descending=True),
            DeliveryReport.from_row,
            report_conditions,
        )

        async def load_late_orders(ids: list[int]) -> list[list[LateOrderEntry]]:
            # Reached only through a report the viewer may read.
            rows = await db.rows(
                select(late_orders)
                .where(late_orders.c.report_id.in_(set(ids)))
                .order_by(late_orders.c.report_id, late_orders.c.rank)
            )
            found: dict[int, list[LateOrderEntry]] = defaultdict(list)
            for row in rows:
                found[row.report_id].append(LateOrderEntry.from_row(row))
            return [found.get(pk, []) for pk in ids]

        self.late_orders = DataLoader(load_fn=load_late_orders, max_batch_size=MAX_BATCH)
        self.steps = steps_loader(db, DocumentType.DELIVERY_REPORT)
        self.history = history_loader(db, "DeliveryReport")


# ---- plan vs actual ----


def _month(value: date, name: str) -> date:
    if value.day != 1:
        raise GraphQLError(f"`{name}` must be the first day of a month", extensions=BAD_INPUT)
    return value


async def _node_of(info: Info, scope_id: str | None) -> PlanOwner | None:
    """The hierarchy node a report starts from: the one named, or the viewer's widest."""
    actor: Actor = info.context.viewer
    if actor.company_id is None or not actor.is_internal:
        return None
    organisation = info.context.loaders.organisation
    if scope_id is None:
        if actor.reads_all_plans:
            return PlanOwner(OwnerKind.COMPANY, actor.company_id)
        if actor.has(Role.MANAGER) and actor.department_id is not None:
            return PlanOwner(OwnerKind.DEPARTMENT, actor.company_id, actor.department_id)
        if actor.salesperson_id is not None:
            return PlanOwner(
                OwnerKind.SALESPERSON, actor.company_id, actor.department_id, actor.salesperson_id
            )
        return None
    try:
        type_name, pk = from_global_id(scope_id)
    except BadId:
        return None
    if type_name == "Company":
        company = await organisation.company.load(pk)
        return PlanOwner(OwnerKind.COMPANY, company.pk) if company else None
    if type_name == "Department":
        department = await organisation.department.load(pk)
        if department is None:
            return None
        return PlanOwner(OwnerKind.DEPARTMENT, department.company_pk, department.pk)
    if type_name == "Salesperson":
        person = await organisation.salesperson.load(pk)
        department = person and await organisation.department.load(person.department_pk)
        if department is None:
            return None
        return PlanOwner(OwnerKind.SALESPERSON, department.company_pk, department.pk, person.pk)
    return None


async def plan_vs_actual(
    info: Info,
    period_from: date,
    period_to: date,
    scope_id: str | None,
    product_id: str | None,
) -> PlanVsActualReport | None:
    """The report under the node asked for; None when it does not exist or is out of reach."""
    first, last = _month(period_from, "periodFrom"), _month(period_to, "periodTo")
    months = months_between(first, last)
    if not months or len(months) > MAX_MONTHS:
        raise GraphQLError(
            f"periodFrom must not be after periodTo, and a report spans at most {MAX_MONTHS} "
            "months",
            extensions=BAD_INPUT,
        )
    node = await _node_of(info, scope_id)
    if node is None or not may_read_node(info.context.viewer, node):
        return None
    product = None
    if product_id is not None:
        product = pk_of(product_id, "Product")
        product = -1 if product is None else product  # an unknown product matches nothing
    rows = info.context.db.rows
    org = await reads.organisation(rows, node.company_id)
    scope = Scope(
        node.kind,
        {
            OwnerKind.COMPANY: node.company_id,
            OwnerKind.DEPARTMENT: node.department_id,
            OwnerKind.SALESPERSON: node.salesperson_id,
        }[node.kind],
    )
    actuals = await reads.actual_rows(
        rows, node.company_id, scope, node.department_id, first, last, product
    )
    targets = await reads.targets(
        rows, node.company_id, scope, node.department_id, first, last, product
    )
    tree = build_tree(node.company_id, org, actuals, targets, months, scope)
    return PlanVsActualReport(tree=tree, period_from=first, period_to=last)

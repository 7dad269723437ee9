"""Loaders for approval work, shared by every document type: the viewer's tasks, a document's
approval steps and its history (its committed events)."""

from collections import defaultdict

from sqlalchemy import and_, or_, select
from strawberry.dataloader import DataLoader

from api.loaders.reading import MAX_BATCH, ReadDB, TopLevelPages, by_id_loader
from api.pagination import SortOrder
from api.types.approval import ApprovalStep, ApprovalTask, HistoryEntry
from domain.access import Actor
from domain.approvals.chains import DocumentType, StepState
from domain.events import stream_of
from domain.store.tables import ApprovalStep as StepRow
from domain.store.tables import Event as EventRow

steps = StepRow.__table__
events = EventRow.__table__


class ApprovalLoaders:
    def __init__(self, db: ReadDB, actor: Actor) -> None:
        # Resolved from the policy at submit: tasks go to the named person, and only ROLE
        # steps reach every holder of the role.
        mine = or_(
            steps.c.approver_id == actor.user_id,
            and_(steps.c.approver_id.is_(None), steps.c.role.in_([r.value for r in actor.roles])),
        )
        # Unscoped: callers check that the step's document is visible (see api.queries.load_node).
        self.step = by_id_loader(db, lambda: select(steps), steps.c.id, ApprovalStep.from_row)
        self.tasks = TopLevelPages(
            db,
            lambda: select(steps).where(steps.c.state == StepState.PENDING, mine),
            SortOrder(steps.c.id, steps.c.id),
            lambda row: ApprovalTask(step=ApprovalStep.from_row(row)),
        )


def steps_loader(db: ReadDB, document_type: DocumentType) -> DataLoader:
    """(document id, round) → that round's steps, in chain order. The caller has checked that
    the viewer may read the document."""

    async def load(keys: list[tuple[int, int]]) -> list[list[ApprovalStep]]:
        rows = await db.rows(
            select(steps)
            .where(
                steps.c.document_type == document_type,
                steps.c.document_id.in_({pk for pk, _ in keys}),
            )
            .order_by(steps.c.document_id, steps.c.round, steps.c.position)
        )
        found: dict[tuple[int, int], list[ApprovalStep]] = defaultdict(list)
        for row in rows:
            found[(row.document_id, row.round)].append(ApprovalStep.from_row(row))
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load, max_batch_size=MAX_BATCH)


def history_loader(db: ReadDB, stream_type: str) -> DataLoader:
    """document id → its events (history), oldest first. `stream_type` is the document's GraphQL
    type name, as in the event streams ("SalesPlan", "SalesOrder", ...)."""

    async def load(ids: list[int]) -> list[list[HistoryEntry]]:
        streams = {stream_of(stream_type, pk): pk for pk in ids}
        rows = await db.rows(
            select(events)
            .where(events.c.stream.in_(streams))
            .order_by(events.c.stream, events.c.sequence)
        )
        found: dict[int, list[HistoryEntry]] = defaultdict(list)
        for row in rows:
            found[streams[row.stream]].append(HistoryEntry.from_row(row))
        return [found.get(pk, []) for pk in ids]

    return DataLoader(load_fn=load, max_batch_size=MAX_BATCH)

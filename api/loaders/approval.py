"""Loaders for approval work: the viewer's tasks."""

from sqlalchemy import and_, or_, select

from api.loaders.reading import ReadDB, TopLevelPages
from api.pagination import SortOrder
from api.types.approval import ApprovalStep, ApprovalTask
from domain.access import Actor
from domain.approval import StepState
from domain.store.tables import ApprovalStep as StepRow

steps = StepRow.__table__


class ApprovalLoaders:
    def __init__(self, db: ReadDB, actor: Actor) -> None:
        # Resolved from the policy at submit: tasks go to the named person, and only ROLE
        # steps reach every holder of the role.
        mine = or_(
            steps.c.approver_id == actor.user_id,
            and_(steps.c.approver_id.is_(None), steps.c.role.in_([r.value for r in actor.roles])),
        )
        self.tasks = TopLevelPages(
            db,
            lambda: select(steps).where(steps.c.state == StepState.PENDING, mine),
            SortOrder(steps.c.id, steps.c.id),
            lambda row: ApprovalTask(step=ApprovalStep.from_row(row)),
        )

"""Approval policies (configured per document type) and the steps of each submitted document."""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

from domain.approvals.chains import ApproverKind, DocumentType, StepState
from domain.store.tables.base import enum_column
from domain.store.types import Fixed, UtcDateTime, utcnow


class ApprovalPolicy(SQLModel, table=True):
    """The configured chain of one document type; without a row the built-in default applies."""

    __tablename__ = "approval_policy"

    id: int | None = Field(default=None, primary_key=True)
    document_type: DocumentType = Field(sa_type=enum_column(DocumentType), unique=True)
    skip_repeated_approver: bool = True
    version: int = 1
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)


class ApprovalPolicyStep(SQLModel, table=True):
    __tablename__ = "approval_policy_step"
    __table_args__ = (UniqueConstraint("policy_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    policy_id: int = Field(foreign_key="approval_policy.id", ondelete="CASCADE")
    position: int
    name: str = Field(sa_type=String(100))
    approver_kind: ApproverKind = Field(sa_type=enum_column(ApproverKind))
    role: str | None = Field(default=None, sa_type=String(24))
    min_amount: Decimal | None = Field(default=None, sa_type=Fixed(2))
    # Space-separated document levels the step is limited to (e.g. "COMPANY"); empty: all.
    levels: str = Field(default="", sa_type=String(100))


class ApprovalStep(SQLModel, table=True):
    """A step of one submission round of one document, with its approver resolved at submit."""

    __tablename__ = "approval_step"
    __table_args__ = (
        UniqueConstraint("document_type", "document_id", "round", "position"),
        sa.Index("ix_approval_step_task", "state", "approver_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    document_type: DocumentType = Field(sa_type=enum_column(DocumentType))
    document_id: int
    round: int
    position: int
    name: str = Field(sa_type=String(100))
    approver_kind: ApproverKind = Field(sa_type=enum_column(ApproverKind))
    role: str | None = Field(default=None, sa_type=String(24))
    approver_id: int | None = Field(default=None, foreign_key="app_user.id")
    min_amount: Decimal | None = Field(default=None, sa_type=Fixed(2))
    state: StepState = Field(sa_type=enum_column(StepState))
    acted_by: int | None = Field(default=None, foreign_key="app_user.id")
    acted_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    comment: str | None = Field(default=None, sa_type=String(2000))
    # When the step became PENDING: the time a task was assigned.
    pending_since: datetime | None = Field(default=None, sa_type=UtcDateTime)

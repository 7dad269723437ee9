"""The event table (transactional outbox) and stored idempotent responses."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import JSON, BigInteger, String, UniqueConstraint
from sqlmodel import Field, SQLModel

import domain.store.tables.base  # noqa: F401  (constraint naming first)
from domain.store.types import UtcDateTime, utcnow


class Event(SQLModel, table=True):
    """A committed state change, written in the same transaction as the change itself.

        `stream` names the document ("SalesPlan:42"); `sequence` numbers its events 1, 2, 3... with
        no gaps. The table is the source of truth for history and for subscriptions; `position`
    orders all streams together for subscribers.
    """

    __tablename__ = "event"
    __table_args__ = (UniqueConstraint("stream", "sequence"), UniqueConstraint("position"))

    id: int | None = Field(
        default=None,
        sa_column=sa.Column(
            BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    stream: str = Field(sa_type=String(100))
    sequence: int
    type: str = Field(sa_type=String(50))
    actor_id: int | None = Field(default=None, foreign_key="app_user.id")
    payload: dict = Field(default_factory=dict, sa_type=JSON)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)
    # Order of publication, given after commit by the sequencer (domain.store.sequencer): ids
    # are handed out at insert, so on PostgreSQL a lower id can become visible after a higher
    # one; positions are only ever given to committed rows, in one serialized step.
    position: int | None = Field(default=None, sa_type=BigInteger)


class IdempotentRequest(SQLModel, table=True):
    """A mutation request sent with an Idempotency-Key, and the response it got."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id")
    key: str = Field(sa_type=String(200))
    request_hash: str = Field(sa_type=String(64))
    status_code: int | None = None  # None while the first request is still running
    response_body: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UtcDateTime)

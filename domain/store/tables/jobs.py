"""The job state columns a document row carries when a background job works on it (domain.jobs)."""

from datetime import datetime
from enum import Enum

from sqlalchemy import String
from sqlmodel import Field, SQLModel

from domain.store.tables.base import enum_column
from domain.store.types import UtcDateTime

REASON_LENGTH = 2000


class JobState(Enum):
    """Where a document's background job is: QUEUED → RUNNING → DONE | FAILED."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    DONE = "DONE"
    FAILED = "FAILED"


class JobTracked(SQLModel):
    """The columns a document worked on by a job carries (a mixin for SQLModel tables)."""

    job_state: JobState = Field(default=JobState.QUEUED, sa_type=enum_column(JobState), index=True)
    # FAILED: why, for a person (never a stack trace); QUEUED again: why the last attempt failed.
    job_error: str | None = Field(default=None, sa_type=String(REASON_LENGTH))
    # "host:pid" of the process running (or that ran) the job.
    job_worker: str | None = Field(default=None, sa_type=String(200))
    job_started_at: datetime | None = Field(default=None, sa_type=UtcDateTime)
    job_finished_at: datetime | None = Field(default=None, sa_type=UtcDateTime)

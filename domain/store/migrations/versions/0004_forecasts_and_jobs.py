"""forecasts, their lines, sources and adjustments; background job state

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

import domain.store.types  # noqa: F401

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass  # the tables arrive with their issue's work in this wave


def downgrade() -> None:
    pass

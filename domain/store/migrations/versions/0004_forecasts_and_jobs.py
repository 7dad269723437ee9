"""forecasts, their lines, sources and adjustments; background job state

Also the forecast plausibility policy, the imported demand history, and, on PostgreSQL,
procrastinate's job queue in a schema of its own ("procrastinate").

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.util import await_only

import domain.store.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Fixed = domain.store.types.Fixed
UtcDateTime = domain.store.types.UtcDateTime


def upgrade() -> None:
    op.create_table('forecast_policy',
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('threshold_percent', Fixed(1), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_forecast_policy_company_id_company')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_forecast_policy_updated_by_app_user')),
    sa.PrimaryKeyConstraint('company_id', name=op.f('pk_forecast_policy'))
    )
    op.create_table('demand_history',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('quantity', Fixed(3), nullable=False),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_demand_history_quantity')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_demand_history_department_id_department')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_demand_history_product_id_product')),
    sa.PrimaryKeyConstraint('product_id', 'department_id', 'month', name=op.f('pk_demand_history'))
    )
    op.create_table('forecast',
    sa.Column('job_state', sa.Enum('QUEUED', 'RUNNING', 'DONE', 'FAILED', name='jobstate', native_enum=False, length=24), nullable=False),
    sa.Column('job_error', sa.String(length=2000), nullable=True),
    sa.Column('job_worker', sa.String(length=200), nullable=True),
    sa.Column('job_started_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('job_finished_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('granularity', sa.Enum('MONTH', 'WEEK', name='forecastgranularity', native_enum=False, length=24), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('GENERATING', 'FAILED', 'DRAFT', 'SUBMITTED', 'APPROVED', 'SUPERSEDED', name='forecaststatus', native_enum=False, length=24), nullable=False),
    sa.Column('threshold_percent', Fixed(1), nullable=False),
    sa.Column('history_end', sa.Date(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('approval_round', sa.Integer(), nullable=False),
    sa.Column('approved_at', UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_forecast_period')),
    sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_forecast_author_id_app_user')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_forecast_company_id_company')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_forecast_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast'))
    )
    with op.batch_alter_table('forecast', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_job_state'), ['job_state'], unique=False)
        batch_op.create_index('ix_forecast_scope', ['company_id', 'department_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_status'), ['status'], unique=False)

    op.create_table('forecast_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('forecast_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('planned_quantity', Fixed(3), nullable=False),
    sa.Column('planned_amount', Fixed(2), nullable=False),
    sa.Column('quantity', Fixed(3), nullable=False),
    sa.Column('amount', Fixed(2), nullable=False),
    sa.Column('baseline', Fixed(3), nullable=True),
    sa.Column('baseline_lower', Fixed(3), nullable=True),
    sa.Column('baseline_upper', Fixed(3), nullable=True),
    sa.Column('model', sa.String(length=300), nullable=False),
    sa.Column('history_periods', sa.Integer(), nullable=False),
    sa.Column('deviation_percent', Fixed(1), nullable=True),
    sa.Column('implausible', sa.Boolean(), nullable=False),
    sa.Column('plausibility_reason', sa.String(length=500), nullable=False),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('quantity >= 0', name=op.f('ck_forecast_line_quantity')),
    sa.ForeignKeyConstraint(['forecast_id'], ['forecast.id'], name=op.f('fk_forecast_line_forecast_id_forecast'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_forecast_line_product_id_product')),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['forecast.id'], name=op.f('fk_forecast_line_superseded_by_id_forecast')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_line')),
    sa.UniqueConstraint('forecast_id', 'product_id', 'period', name=op.f('uq_forecast_line_forecast_id_product_id_period'))
    )
    with op.batch_alter_table('forecast_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_line_forecast_id'), ['forecast_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_line_product_id'), ['product_id'], unique=False)

    op.create_table('forecast_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('at', UtcDateTime(timezone=True), nullable=False),
    sa.Column('from_quantity', Fixed(3), nullable=False),
    sa.Column('to_quantity', Fixed(3), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_forecast_adjustment_actor_id_app_user')),
    sa.ForeignKeyConstraint(['line_id'], ['forecast_line.id'], name=op.f('fk_forecast_adjustment_line_id_forecast_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_adjustment'))
    )
    with op.batch_alter_table('forecast_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_adjustment_line_id'), ['line_id'], unique=False)

    op.create_table('forecast_line_source',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('plan_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', Fixed(3), nullable=False),
    sa.Column('amount', Fixed(2), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['forecast_line.id'], name=op.f('fk_forecast_line_source_line_id_forecast_line'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['sales_plan.id'], name=op.f('fk_forecast_line_source_plan_id_sales_plan')),
    sa.ForeignKeyConstraint(['plan_line_id'], ['sales_plan_line.id'], name=op.f('fk_forecast_line_source_plan_line_id_sales_plan_line')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_line_source'))
    )
    with op.batch_alter_table('forecast_line_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forecast_line_source_line_id'), ['line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_forecast_line_source_plan_id'), ['plan_id'], unique=False)

    if op.get_bind().dialect.name == 'postgresql':
        from domain.jobs.postgres import schema_sql

        # procrastinate's SQL holds functions and several statements: run it as one script on
        # the driver's connection, inside this migration's transaction.
        await_only(_driver_connection().execute(schema_sql()))


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP SCHEMA IF EXISTS procrastinate CASCADE')

    with op.batch_alter_table('forecast_line_source', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_line_source_plan_id'))
        batch_op.drop_index(batch_op.f('ix_forecast_line_source_line_id'))

    op.drop_table('forecast_line_source')
    with op.batch_alter_table('forecast_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_adjustment_line_id'))

    op.drop_table('forecast_adjustment')
    with op.batch_alter_table('forecast_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_line_product_id'))
        batch_op.drop_index(batch_op.f('ix_forecast_line_forecast_id'))

    op.drop_table('forecast_line')
    with op.batch_alter_table('forecast', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forecast_status'))
        batch_op.drop_index('ix_forecast_scope')
        batch_op.drop_index(batch_op.f('ix_forecast_job_state'))

    op.drop_table('forecast')
    op.drop_table('demand_history')
    op.drop_table('forecast_policy')


def _driver_connection():
    """asyncpg's own connection under SQLAlchemy's (it runs multi-statement scripts)."""
    return op.get_bind().connection.dbapi_connection.driver_connection

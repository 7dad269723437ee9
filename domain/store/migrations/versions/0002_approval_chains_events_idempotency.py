"""approval chains, events, idempotent requests

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 16:47:17.962179
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.store.types

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('approval_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_type', sa.Enum('SALES_PLAN', 'FORECAST', 'SALES_ORDER', 'STOCK_IN', 'DELIVERY_REPORT', 'PURCHASE_RELEASE', name='documenttype', native_enum=False, length=24), nullable=False),
    sa.Column('skip_repeated_approver', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_approval_policy_updated_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_policy')),
    sa.UniqueConstraint('document_type', name=op.f('uq_approval_policy_document_type'))
    )
    op.create_table('approval_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_type', sa.Enum('SALES_PLAN', 'FORECAST', 'SALES_ORDER', 'STOCK_IN', 'DELIVERY_REPORT', 'PURCHASE_RELEASE', name='documenttype', native_enum=False, length=24), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('approver_kind', sa.Enum('ROLE', 'DEPARTMENT_MANAGER', 'VP_IN_CHARGE', 'GENERAL_MANAGER', name='approverkind', native_enum=False, length=24), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('min_amount', domain.store.types.Fixed(2), nullable=True),
    sa.Column('state', sa.Enum('WAITING', 'PENDING', 'APPROVED', 'REJECTED', 'SKIPPED', 'NOT_APPLICABLE', 'CANCELLED', name='stepstate', native_enum=False, length=24), nullable=False),
    sa.Column('acted_by', sa.Integer(), nullable=True),
    sa.Column('acted_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.Column('pending_since', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['acted_by'], ['app_user.id'], name=op.f('fk_approval_step_acted_by_app_user')),
    sa.ForeignKeyConstraint(['approver_id'], ['app_user.id'], name=op.f('fk_approval_step_approver_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_step')),
    sa.UniqueConstraint('document_type', 'document_id', 'round', 'position', name=op.f('uq_approval_step_document_type_document_id_round_position'))
    )
    with op.batch_alter_table('approval_step', schema=None) as batch_op:
        batch_op.create_index('ix_approval_step_task', ['state', 'approver_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('stream', sa.String(length=100), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=50), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('occurred_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('position', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_event_actor_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event')),
    sa.UniqueConstraint('stream', 'sequence', name=op.f('uq_event_stream_sequence')),
    sa.UniqueConstraint('position', name=op.f('uq_event_position'))
    )
    op.create_table('idempotent_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_idempotent_request_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotent_request')),
    sa.UniqueConstraint('user_id', 'key', name=op.f('uq_idempotent_request_user_id_key'))
    )
    op.create_table('approval_policy_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('approver_kind', sa.Enum('ROLE', 'DEPARTMENT_MANAGER', 'VP_IN_CHARGE', 'GENERAL_MANAGER', name='approverkind', native_enum=False, length=24), nullable=False),
    sa.Column('role', sa.String(length=24), nullable=True),
    sa.Column('min_amount', domain.store.types.Fixed(2), nullable=True),
    sa.Column('levels', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['approval_policy.id'], name=op.f('fk_approval_policy_step_policy_id_approval_policy'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_policy_step')),
    sa.UniqueConstraint('policy_id', 'position', name=op.f('uq_approval_policy_step_policy_id_position'))
    )
    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vp_user_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_company_vp_user_id_app_user'), 'app_user', ['vp_user_id'], ['id'])

    with op.batch_alter_table('sales_plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approval_round', sa.Integer(), nullable=False, server_default='0'))



def downgrade() -> None:
    with op.batch_alter_table('sales_plan', schema=None) as batch_op:
        batch_op.drop_column('approval_round')

    with op.batch_alter_table('company', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_company_vp_user_id_app_user'), type_='foreignkey')
        batch_op.drop_column('vp_user_id')

    op.drop_table('approval_policy_step')
    op.drop_table('idempotent_request')
    op.drop_table('event')
    with op.batch_alter_table('approval_step', schema=None) as batch_op:
        batch_op.drop_index('ix_approval_step_task')

    op.drop_table('approval_step')
    op.drop_table('approval_policy')

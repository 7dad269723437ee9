"""sign-in: password hashes, refresh tokens, administration

Passwords (user_credential), sign-in sessions and their rotating refresh tokens, failed sign-in
counters, and a version on users, departments, salespeople and products so that administration
can refuse stale edits.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.store.types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERSIONED = ('app_user', 'department', 'salesperson', 'product')


def upgrade() -> None:
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_failure_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    op.create_table('sign_in_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('refreshed_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('revoked_because', sa.String(length=24), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_sign_in_session_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_session'))
    )
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_session_user_id'), ['user_id'], unique=False)

    op.create_table('user_credential',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('changed_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_user_credential_user_id_app_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_credential'))
    )
    op.create_table('refresh_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('token_digest', sa.String(length=64), nullable=False),
    sa.Column('issued_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('used_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['sign_in_session.id'], name=op.f('fk_refresh_token_session_id_sign_in_session')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresh_token')),
    sa.UniqueConstraint('token_digest', name=op.f('uq_refresh_token_token_digest'))
    )
    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresh_token_session_id'), ['session_id'], unique=False)

    # Existing rows start at version 1, changed "now".
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
            batch_op.add_column(sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False, server_default=sa.func.current_timestamp()))


def downgrade() -> None:
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('updated_at')
            batch_op.drop_column('version')

    with op.batch_alter_table('refresh_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresh_token_session_id'))

    op.drop_table('refresh_token')
    op.drop_table('user_credential')
    with op.batch_alter_table('sign_in_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_session_user_id'))

    op.drop_table('sign_in_session')
    op.drop_table('sign_in_throttle')

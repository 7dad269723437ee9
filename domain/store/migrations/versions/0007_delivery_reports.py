"""delivery reports and their approval

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.store.types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_STATUS = sa.Enum(
    'DRAFT', 'SUBMITTED', 'APPROVED', 'REJECTED', 'SUPERSEDED',
    name='deliveryreportstatus', native_enum=False, length=24,
)
ORDER_STATUS = sa.Enum(
    'DRAFT', 'IN_REVIEW', 'CONFIRMED', 'IN_PRODUCTION', 'READY', 'PARTIALLY_SHIPPED', 'SHIPPED',
    'DELIVERED', 'CLOSED', 'CANCELLED', name='orderstatus', native_enum=False, length=24,
)
LATE_REASON = sa.Enum(
    'NOT_YET_PRODUCED', 'AWAITING_SHIPMENT', 'CLOSED_SHORT', 'IN_TRANSIT', 'DELIVERED_LATE',
    name='latereason', native_enum=False, length=24,
)


def upgrade() -> None:
    quantity = lambda name: sa.Column(name, domain.store.types.Fixed(3), nullable=False)  # noqa: E731
    money = lambda name: sa.Column(name, domain.store.types.Fixed(2), nullable=False)  # noqa: E731
    count = lambda name: sa.Column(name, sa.Integer(), nullable=False)  # noqa: E731
    op.create_table('delivery_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    count('revision'),
    sa.Column('status', REPORT_STATUS, nullable=False),
    count('approval_round'),
    sa.Column('comment', sa.String(length=2000), nullable=True),
    sa.Column('generated_by', sa.Integer(), nullable=False),
    count('lines'),
    count('lines_due'),
    count('lines_on_time_in_full'),
    count('deliveries'),
    count('late_deliveries'),
    count('days_late_total'),
    quantity('ordered_quantity'),
    money('ordered_amount'),
    quantity('shipped_quantity'),
    money('shipped_amount'),
    quantity('delivered_quantity'),
    money('delivered_amount'),
    quantity('returned_quantity'),
    money('returned_amount'),
    quantity('outstanding_quantity'),
    money('outstanding_amount'),
    count('orders'),
    count('orders_due'),
    count('orders_on_time_in_full'),
    count('orders_late'),
    count('orders_outstanding'),
    count('version'),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_delivery_report_revision')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_delivery_report_company_id_company')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_delivery_report_department_id_department')),
    sa.ForeignKeyConstraint(['generated_by'], ['app_user.id'], name=op.f('fk_delivery_report_generated_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_report')),
    sa.UniqueConstraint('scope', 'period', 'revision', name=op.f('uq_delivery_report_scope_period_revision'))
    )
    with op.batch_alter_table('delivery_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_report_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_report_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_report_status'), ['status'], unique=False)

    op.create_table('delivery_report_late_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    count('rank'),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('order_status', ORDER_STATUS, nullable=False),
    count('days_late'),
    count('lines_late'),
    quantity('undelivered_quantity'),
    quantity('in_transit_quantity'),
    quantity('outstanding_quantity'),
    money('outstanding_amount'),
    sa.Column('reason', LATE_REASON, nullable=False),
    sa.Column('detail', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_delivery_report_late_order_customer_id_customer')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_delivery_report_late_order_order_id_sales_order')),
    sa.ForeignKeyConstraint(['report_id'], ['delivery_report.id'], name=op.f('fk_delivery_report_late_order_report_id_delivery_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_report_late_order')),
    sa.UniqueConstraint('report_id', 'rank', name=op.f('uq_delivery_report_late_order_report_id_rank'))
    )
    with op.batch_alter_table('delivery_report_late_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_report_late_order_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_report_late_order_report_id'), ['report_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('delivery_report_late_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_report_late_order_report_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_report_late_order_order_id'))

    op.drop_table('delivery_report_late_order')
    with op.batch_alter_table('delivery_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_report_status'))
        batch_op.drop_index(batch_op.f('ix_delivery_report_department_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_report_company_id'))

    op.drop_table('delivery_report')

"""sales orders, customer accounts, price floors, stock and its ledger, stock-ins, shipments, returns

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 17:06:23.883227
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.store.types

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('stock_balance',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('on_hand', domain.store.types.Fixed(3), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('on_hand >= 0', name=op.f('ck_stock_balance_on_hand')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_stock_balance_product_id_product')),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_stock_balance'))
    )
    op.create_table('price_floor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('min_unit_price', domain.store.types.Fixed(2), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('min_unit_price >= 0', name=op.f('ck_price_floor_min_unit_price')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_price_floor_customer_id_customer')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_price_floor_product_id_product')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_price_floor_updated_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_floor')),
    sa.UniqueConstraint('product_id', 'customer_id', name=op.f('uq_price_floor_product_id_customer_id'))
    )
    with op.batch_alter_table('price_floor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_floor_product_id'), ['product_id'], unique=False)
        batch_op.create_index('uq_price_floor_general', ['product_id'], unique=True, sqlite_where=sa.text('customer_id IS NULL'), postgresql_where=sa.text('customer_id IS NULL'))

    op.create_table('customer_account',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('salesperson_id', sa.Integer(), nullable=True),
    sa.Column('credit_limit', domain.store.types.Fixed(2), nullable=True),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_account_customer_id_customer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['salesperson_id'], ['salesperson.id'], name=op.f('fk_customer_account_salesperson_id_salesperson')),
    sa.ForeignKeyConstraint(['updated_by'], ['app_user.id'], name=op.f('fk_customer_account_updated_by_app_user')),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_account'))
    )
    with op.batch_alter_table('customer_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_customer_account_salesperson_id'), ['salesperson_id'], unique=False)

    op.create_table('sales_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('salesperson_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('DRAFT', 'IN_REVIEW', 'CONFIRMED', 'IN_PRODUCTION', 'READY', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CLOSED', 'CANCELLED', name='orderstatus', native_enum=False, length=24), nullable=False),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('customer_reference', sa.String(length=100), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('special_reasons', sa.String(length=100), nullable=False),
    sa.Column('approval_round', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_sales_order_company_id_company')),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_sales_order_created_by_app_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_sales_order_customer_id_customer')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_sales_order_department_id_department')),
    sa.ForeignKeyConstraint(['salesperson_id'], ['salesperson.id'], name=op.f('fk_sales_order_salesperson_id_salesperson')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order'))
    )
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_salesperson_id'), ['salesperson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_status'), ['status'], unique=False)

    op.create_table('sales_order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', domain.store.types.Fixed(3), nullable=False),
    sa.Column('unit_price', domain.store.types.Fixed(2), nullable=False),
    sa.Column('amount', domain.store.types.Fixed(2), nullable=False),
    sa.Column('promised_date', sa.Date(), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_sales_order_line_quantity')),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_sales_order_line_unit_price')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_order_line_order_id_sales_order'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_sales_order_line_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_order_line')),
    sa.UniqueConstraint('order_id', 'position', name=op.f('uq_sales_order_line_order_id_position'))
    )
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_order_line_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_line_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_order_line_promised_date'), ['promised_date'], unique=False)

    op.create_table('sales_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('REQUESTED', 'RECEIVED', name='returnstatus', native_enum=False, length=24), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('received_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_sales_return_created_by_app_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_sales_return_customer_id_customer')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_sales_return_order_id_sales_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return'))
    )
    with op.batch_alter_table('sales_return', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_return_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_status'), ['status'], unique=False)

    op.create_table('shipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('PLANNED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', name='shipmentstatus', native_enum=False, length=24), nullable=False),
    sa.Column('carrier', sa.String(length=100), nullable=True),
    sa.Column('tracking_number', sa.String(length=100), nullable=True),
    sa.Column('planned_date', sa.Date(), nullable=True),
    sa.Column('dispatched_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('receipt_confirmed_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('receipt_confirmed_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], name=op.f('fk_shipment_created_by_app_user')),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_shipment_customer_id_customer')),
    sa.ForeignKeyConstraint(['order_id'], ['sales_order.id'], name=op.f('fk_shipment_order_id_sales_order')),
    sa.ForeignKeyConstraint(['receipt_confirmed_by'], ['app_user.id'], name=op.f('fk_shipment_receipt_confirmed_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment'))
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_status'), ['status'], unique=False)

    op.create_table('stock_in',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('quantity', domain.store.types.Fixed(3), nullable=False),
    sa.Column('qc_reference', sa.String(length=100), nullable=False),
    sa.Column('sales_order_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('REQUESTED', 'APPROVED', 'REJECTED', 'POSTED', name='stockinstatus', native_enum=False, length=24), nullable=False),
    sa.Column('approval_round', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('requested_by', sa.Integer(), nullable=False),
    sa.Column('posted_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_stock_in_quantity')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_stock_in_company_id_company')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_stock_in_product_id_product')),
    sa.ForeignKeyConstraint(['requested_by'], ['app_user.id'], name=op.f('fk_stock_in_requested_by_app_user')),
    sa.ForeignKeyConstraint(['sales_order_id'], ['sales_order.id'], name=op.f('fk_stock_in_sales_order_id_sales_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_in'))
    )
    with op.batch_alter_table('stock_in', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_in_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_in_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_in_sales_order_id'), ['sales_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_in_status'), ['status'], unique=False)

    op.create_table('sales_return_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', domain.store.types.Fixed(3), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_sales_return_line_quantity')),
    sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_sales_return_line_order_line_id_sales_order_line')),
    sa.ForeignKeyConstraint(['return_id'], ['sales_return.id'], name=op.f('fk_sales_return_line_return_id_sales_return'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_return_line')),
    sa.UniqueConstraint('return_id', 'order_line_id', name=op.f('uq_sales_return_line_return_id_order_line_id'))
    )
    with op.batch_alter_table('sales_return_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sales_return_line_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sales_return_line_return_id'), ['return_id'], unique=False)

    op.create_table('shipment_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('quantity', domain.store.types.Fixed(3), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_shipment_line_quantity')),
    sa.ForeignKeyConstraint(['order_line_id'], ['sales_order_line.id'], name=op.f('fk_shipment_line_order_line_id_sales_order_line')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_shipment_line_shipment_id_shipment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_line')),
    sa.UniqueConstraint('shipment_id', 'order_line_id', name=op.f('uq_shipment_line_shipment_id_order_line_id'))
    )
    with op.batch_alter_table('shipment_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_line_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_shipment_line_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('shipment_tracking_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('recorded_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by'], ['app_user.id'], name=op.f('fk_shipment_tracking_event_recorded_by_app_user')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_shipment_tracking_event_shipment_id_shipment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_tracking_event'))
    )
    with op.batch_alter_table('shipment_tracking_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_tracking_event_shipment_id'), ['shipment_id'], unique=False)

    op.create_table('stock_movement',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('RECEIPT', 'SHIPMENT', 'RETURN', name='movementkind', native_enum=False, length=24), nullable=False),
    sa.Column('quantity', domain.store.types.Fixed(3), nullable=False),
    sa.Column('balance_after', domain.store.types.Fixed(3), nullable=False),
    sa.Column('stock_in_id', sa.Integer(), nullable=True),
    sa.Column('shipment_id', sa.Integer(), nullable=True),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('balance_after >= 0', name=op.f('ck_stock_movement_balance_after')),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_stock_movement_quantity')),
    sa.ForeignKeyConstraint(['actor_id'], ['app_user.id'], name=op.f('fk_stock_movement_actor_id_app_user')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_stock_movement_product_id_product')),
    sa.ForeignKeyConstraint(['return_id'], ['sales_return.id'], name=op.f('fk_stock_movement_return_id_sales_return')),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipment.id'], name=op.f('fk_stock_movement_shipment_id_shipment')),
    sa.ForeignKeyConstraint(['stock_in_id'], ['stock_in.id'], name=op.f('fk_stock_movement_stock_in_id_stock_in')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stock_movement'))
    )
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stock_movement_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_return_id'), ['return_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_shipment_id'), ['shipment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stock_movement_stock_in_id'), ['stock_in_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('stock_movement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_movement_stock_in_id'))
        batch_op.drop_index(batch_op.f('ix_stock_movement_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_stock_movement_return_id'))
        batch_op.drop_index(batch_op.f('ix_stock_movement_product_id'))

    op.drop_table('stock_movement')
    with op.batch_alter_table('shipment_tracking_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_tracking_event_shipment_id'))

    op.drop_table('shipment_tracking_event')
    with op.batch_alter_table('shipment_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_line_shipment_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_line_order_line_id'))

    op.drop_table('shipment_line')
    with op.batch_alter_table('sales_return_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_return_line_return_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_line_order_line_id'))

    op.drop_table('sales_return_line')
    with op.batch_alter_table('stock_in', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stock_in_status'))
        batch_op.drop_index(batch_op.f('ix_stock_in_sales_order_id'))
        batch_op.drop_index(batch_op.f('ix_stock_in_product_id'))
        batch_op.drop_index(batch_op.f('ix_stock_in_company_id'))

    op.drop_table('stock_in')
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_status'))
        batch_op.drop_index(batch_op.f('ix_shipment_order_id'))
        batch_op.drop_index(batch_op.f('ix_shipment_customer_id'))

    op.drop_table('shipment')
    with op.batch_alter_table('sales_return', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_return_status'))
        batch_op.drop_index(batch_op.f('ix_sales_return_order_id'))
        batch_op.drop_index(batch_op.f('ix_sales_return_customer_id'))

    op.drop_table('sales_return')
    with op.batch_alter_table('sales_order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_line_promised_date'))
        batch_op.drop_index(batch_op.f('ix_sales_order_line_product_id'))
        batch_op.drop_index(batch_op.f('ix_sales_order_line_order_id'))

    op.drop_table('sales_order_line')
    with op.batch_alter_table('sales_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sales_order_status'))
        batch_op.drop_index(batch_op.f('ix_sales_order_salesperson_id'))
        batch_op.drop_index(batch_op.f('ix_sales_order_department_id'))
        batch_op.drop_index(batch_op.f('ix_sales_order_customer_id'))
        batch_op.drop_index(batch_op.f('ix_sales_order_company_id'))

    op.drop_table('sales_order')
    with op.batch_alter_table('customer_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_customer_account_salesperson_id'))

    op.drop_table('customer_account')
    with op.batch_alter_table('price_floor', schema=None) as batch_op:
        batch_op.drop_index('uq_price_floor_general', sqlite_where=sa.text('customer_id IS NULL'), postgresql_where=sa.text('customer_id IS NULL'))
        batch_op.drop_index(batch_op.f('ix_price_floor_product_id'))

    op.drop_table('price_floor')
    op.drop_table('stock_balance')

"""MRP master data (items, suppliers, BOM) and MRP runs with their results

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.store.types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('supplier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('lead_days', sa.Integer(), nullable=True),
    sa.Column('minimum_order', domain.store.types.Fixed(2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('lead_days >= 0', name=op.f('ck_supplier_lead_days')),
    sa.CheckConstraint('minimum_order >= 0', name=op.f('ck_supplier_minimum_order')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplier')),
    sa.UniqueConstraint('code', name=op.f('uq_supplier_code'))
    )
    op.create_table('item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('item_type', sa.Enum('FINISHED', 'SEMI_FINISHED', 'RAW', name='itemtype', native_enum=False, length=24), nullable=False),
    sa.Column('procurement', sa.Enum('MAKE', 'BUY', name='procurement', native_enum=False, length=24), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('lead_days', sa.Integer(), nullable=True),
    sa.Column('lot_rule', sa.Enum('LOT_FOR_LOT', 'FIXED', 'MINIMUM', 'MULTIPLE', 'PERIODS_OF_SUPPLY', name='lotrule', native_enum=False, length=24), nullable=False),
    sa.Column('lot_param', domain.store.types.Fixed(3), nullable=False),
    sa.Column('safety_stock', domain.store.types.Fixed(3), nullable=False),
    sa.Column('scrap_rate', domain.store.types.Fixed(6), nullable=False),
    sa.Column('strategy', sa.Enum('MTS', 'MTO', name='strategy', native_enum=False, length=24), nullable=False),
    sa.Column('preferred_supplier_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('lead_days >= 0', name=op.f('ck_item_lead_days')),
    sa.CheckConstraint('lot_param >= 0', name=op.f('ck_item_lot_param')),
    sa.CheckConstraint('safety_stock >= 0', name=op.f('ck_item_safety_stock')),
    sa.CheckConstraint('scrap_rate >= 0', name=op.f('ck_item_scrap_rate')),
    sa.ForeignKeyConstraint(['preferred_supplier_id'], ['supplier.id'], name=op.f('fk_item_preferred_supplier_id_supplier')),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], name=op.f('fk_item_product_id_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_item')),
    sa.UniqueConstraint('code', name=op.f('uq_item_code')),
    sa.UniqueConstraint('product_id', name=op.f('uq_item_product_id'))
    )
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_item_item_type'), ['item_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_item_preferred_supplier_id'), ['preferred_supplier_id'], unique=False)

    op.create_table('bom_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_item_id', sa.Integer(), nullable=False),
    sa.Column('component_item_id', sa.Integer(), nullable=False),
    sa.Column('quantity_per', domain.store.types.Fixed(6), nullable=False),
    sa.Column('scrap_rate', domain.store.types.Fixed(6), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('parent_item_id <> component_item_id', name=op.f('ck_bom_line_not_itself')),
    sa.CheckConstraint('quantity_per >= 0', name=op.f('ck_bom_line_quantity_per')),
    sa.CheckConstraint('scrap_rate >= 0', name=op.f('ck_bom_line_scrap_rate')),
    sa.ForeignKeyConstraint(['component_item_id'], ['item.id'], name=op.f('fk_bom_line_component_item_id_item')),
    sa.ForeignKeyConstraint(['parent_item_id'], ['item.id'], name=op.f('fk_bom_line_parent_item_id_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bom_line'))
    )
    with op.batch_alter_table('bom_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bom_line_component_item_id'), ['component_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bom_line_parent_item_id'), ['parent_item_id'], unique=False)

    op.create_table('supplier_price',
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_price', domain.store.types.Fixed(4), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('unit_price >= 0', name=op.f('ck_supplier_price_unit_price')),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_supplier_price_item_id_item')),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_supplier_price_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('supplier_id', 'item_id', name=op.f('pk_supplier_price'))
    )
    with op.batch_alter_table('supplier_price', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supplier_price_item_id'), ['item_id'], unique=False)

    op.create_table('mrp_run',
    sa.Column('job_state', sa.Enum('QUEUED', 'RUNNING', 'DONE', 'FAILED', name='jobstate', native_enum=False, length=24), nullable=False),
    sa.Column('job_error', sa.String(length=2000), nullable=True),
    sa.Column('job_worker', sa.String(length=200), nullable=True),
    sa.Column('job_started_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('job_finished_at', domain.store.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('forecast_id', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.Enum('WEEK', 'MONTH', name='bucketkind', native_enum=False, length=24), nullable=False),
    sa.Column('horizon', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('what_if', sa.Boolean(), nullable=False),
    sa.Column('plan_revision_ids', sa.String(length=2000), nullable=False),
    sa.Column('base_run_id', sa.Integer(), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_by', sa.Integer(), nullable=False),
    sa.Column('load_seconds', sa.Float(), nullable=True),
    sa.Column('compute_seconds', sa.Float(), nullable=True),
    sa.Column('store_seconds', sa.Float(), nullable=True),
    sa.Column('inputs_digest', sa.String(length=64), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('bom_line_count', sa.Integer(), nullable=False),
    sa.Column('planned_order_count', sa.Integer(), nullable=False),
    sa.Column('exception_count', sa.Integer(), nullable=False),
    sa.Column('shortage_count', sa.Integer(), nullable=False),
    sa.Column('purchase_value', domain.store.types.Fixed(2), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', domain.store.types.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('horizon > 0', name=op.f('ck_mrp_run_horizon')),
    sa.ForeignKeyConstraint(['base_run_id'], ['mrp_run.id'], name=op.f('fk_mrp_run_base_run_id_mrp_run')),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_mrp_run_company_id_company')),
    sa.ForeignKeyConstraint(['forecast_id'], ['forecast.id'], name=op.f('fk_mrp_run_forecast_id_forecast')),
    sa.ForeignKeyConstraint(['started_by'], ['app_user.id'], name=op.f('fk_mrp_run_started_by_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mrp_run'))
    )
    with op.batch_alter_table('mrp_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mrp_run_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mrp_run_forecast_id'), ['forecast_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mrp_run_job_state'), ['job_state'], unique=False)
        batch_op.create_index('uq_mrp_run_active_forecast', ['forecast_id'], unique=True, sqlite_where=sa.text("job_state IN ('QUEUED', 'RUNNING')"), postgresql_where=sa.text("job_state IN ('QUEUED', 'RUNNING')"))

    op.create_table('mrp_run_item',
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('low_level_code', sa.Integer(), nullable=False),
    sa.Column('procurement', sa.Enum('MAKE', 'BUY', name='procurement', native_enum=False, length=24), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=True),
    sa.Column('lead_days', sa.Integer(), nullable=False),
    sa.Column('on_hand', domain.store.types.Fixed(3), nullable=False),
    sa.Column('safety_stock', domain.store.types.Fixed(3), nullable=False),
    sa.Column('shortage', sa.Boolean(), nullable=False),
    sa.Column('exception_mask', sa.Integer(), nullable=False),
    sa.Column('order_count', sa.Integer(), nullable=False),
    sa.Column('first_order', sa.Integer(), nullable=False),
    sa.Column('first_due', sa.Date(), nullable=True),
    sa.Column('purchase_quantity', domain.store.types.Fixed(3), nullable=False),
    sa.Column('purchase_value', domain.store.types.Fixed(2), nullable=False),
    sa.Column('buckets', sa.LargeBinary(), nullable=False),
    sa.Column('orders', sa.LargeBinary(), nullable=False),
    sa.Column('pegging', sa.LargeBinary(), nullable=False),
    sa.Column('materials', sa.LargeBinary(), nullable=False),
    sa.Column('exceptions', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_mrp_run_item_item_id_item')),
    sa.ForeignKeyConstraint(['run_id'], ['mrp_run.id'], name=op.f('fk_mrp_run_item_run_id_mrp_run'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['supplier.id'], name=op.f('fk_mrp_run_item_supplier_id_supplier')),
    sa.PrimaryKeyConstraint('run_id', 'item_id', name=op.f('pk_mrp_run_item'))
    )


def downgrade() -> None:
    with op.batch_alter_table('mrp_run', schema=None) as batch_op:
        batch_op.drop_index('uq_mrp_run_active_forecast', sqlite_where=sa.text("job_state IN ('QUEUED', 'RUNNING')"), postgresql_where=sa.text("job_state IN ('QUEUED', 'RUNNING')"))
        batch_op.drop_index(batch_op.f('ix_mrp_run_job_state'))
        batch_op.drop_index(batch_op.f('ix_mrp_run_forecast_id'))
        batch_op.drop_index(batch_op.f('ix_mrp_run_company_id'))
    op.drop_table('mrp_run_item')
    op.drop_table('mrp_run')
    with op.batch_alter_table('supplier_price', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supplier_price_item_id'))
    op.drop_table('supplier_price')
    with op.batch_alter_table('bom_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bom_line_parent_item_id'))
        batch_op.drop_index(batch_op.f('ix_bom_line_component_item_id'))
    op.drop_table('bom_line')
    with op.batch_alter_table('item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_item_preferred_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_item_item_type'))
    op.drop_table('item')
    op.drop_table('supplier')

"""organisation, products and sales plans

Revision ID: 0001
Revises:
Create Date: 2026-11-27 16:38:10.392680
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import domain.store.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "customer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer")),
        sa.UniqueConstraint("code", name=op.f("uq_customer_code")),
    )
    op.create_table(
        "product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("list_price", domain.store.types.Fixed(2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product")),
        sa.UniqueConstraint("code", name=op.f("uq_product_code")),
    )
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", domain.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customer.id"], name=op.f("fk_app_user_customer_id_customer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("login", name=op.f("uq_app_user_login")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_app_user_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "company",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("general_manager_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["general_manager_user_id"],
            ["app_user.id"],
            name=op.f("fk_company_general_manager_user_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company")),
        sa.UniqueConstraint("code", name=op.f("uq_company_code")),
    )
    op.create_table(
        "department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("manager_user_id", sa.Integer(), nullable=True),
        sa.Column("vp_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_department_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["manager_user_id"],
            ["app_user.id"],
            name=op.f("fk_department_manager_user_id_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["vp_user_id"], ["app_user.id"], name=op.f("fk_department_vp_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department")),
        sa.UniqueConstraint("code", name=op.f("uq_department_code")),
    )
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_department_manager_user_id"), ["manager_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_department_vp_user_id"), ["vp_user_id"], unique=False)

    op.create_table(
        "salesperson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_salesperson_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_salesperson_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salesperson")),
        sa.UniqueConstraint("code", name=op.f("uq_salesperson_code")),
        sa.UniqueConstraint("user_id", name=op.f("uq_salesperson_user_id")),
    )
    with op.batch_alter_table("salesperson", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_salesperson_department_id"), ["department_id"], unique=False
        )

    op.create_table(
        "sales_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "owner_kind",
            sa.Enum(
                "COMPANY",
                "DEPARTMENT",
                "SALESPERSON",
                name="ownerkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("salesperson_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "granularity",
            sa.Enum("YEAR", "QUARTER", "MONTH", name="granularity", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "DRAFT",
                "SUBMITTED",
                "APPROVED",
                "REJECTED",
                "WITHDRAWN",
                "SUPERSEDED",
                name="planstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("revision_of_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", domain.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", domain.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(owner_kind = 'COMPANY' AND department_id IS NULL AND salesperson_id IS NULL) OR (owner_kind = 'DEPARTMENT' AND department_id IS NOT NULL AND salesperson_id IS NULL) OR (owner_kind = 'SALESPERSON' AND department_id IS NOT NULL AND salesperson_id IS NOT NULL)",
            name=op.f("ck_sales_plan_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_sales_plan_author_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["company.id"], name=op.f("fk_sales_plan_company_id_company")
        ),
        sa.ForeignKeyConstraint(
            ["department_id"],
            ["department.id"],
            name=op.f("fk_sales_plan_department_id_department"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["sales_plan.id"], name=op.f("fk_sales_plan_parent_id_sales_plan")
        ),
        sa.ForeignKeyConstraint(
            ["revision_of_id"],
            ["sales_plan.id"],
            name=op.f("fk_sales_plan_revision_of_id_sales_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["salesperson_id"],
            ["salesperson.id"],
            name=op.f("fk_sales_plan_salesperson_id_salesperson"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_plan")),
    )
    with op.batch_alter_table("sales_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_plan_company_id"), ["company_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_plan_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(
            "ix_sales_plan_owner", ["owner_kind", "company_id", "department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_plan_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sales_plan_salesperson_id"), ["salesperson_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_sales_plan_status"), ["status"], unique=False)

    op.create_table(
        "sales_plan_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.Date(), nullable=False),
        sa.Column("quantity", domain.store.types.Fixed(3), nullable=False),
        sa.Column("amount", domain.store.types.Fixed(2), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["sales_plan.id"],
            name=op.f("fk_sales_plan_line_plan_id_sales_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_sales_plan_line_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_plan_line")),
        sa.UniqueConstraint(
            "plan_id",
            "product_id",
            "period",
            name=op.f("uq_sales_plan_line_plan_id_product_id_period"),
        ),
    )
    with op.batch_alter_table("sales_plan_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sales_plan_line_product_id"), ["product_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sales_plan_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plan_line_product_id"))

    op.drop_table("sales_plan_line")
    with op.batch_alter_table("sales_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_plan_status"))
        batch_op.drop_index(batch_op.f("ix_sales_plan_salesperson_id"))
        batch_op.drop_index(batch_op.f("ix_sales_plan_parent_id"))
        batch_op.drop_index("ix_sales_plan_owner")
        batch_op.drop_index(batch_op.f("ix_sales_plan_department_id"))
        batch_op.drop_index(batch_op.f("ix_sales_plan_company_id"))

    op.drop_table("sales_plan")
    with op.batch_alter_table("salesperson", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_salesperson_department_id"))

    op.drop_table("salesperson")
    with op.batch_alter_table("department", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_vp_user_id"))
        batch_op.drop_index(batch_op.f("ix_department_manager_user_id"))
        batch_op.drop_index(batch_op.f("ix_department_company_id"))

    op.drop_table("department")
    op.drop_table("company")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_app_user_customer_id"))

    op.drop_table("app_user")
    op.drop_table("product")
    op.drop_table("customer")

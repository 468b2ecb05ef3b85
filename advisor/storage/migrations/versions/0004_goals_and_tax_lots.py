"""Goals, each account's tax status, and tax lots (the planning issue).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

Written by hand to mirror the planning section of `advisor.storage.models`, with constraint names
spelled out by `op.f`. Only new tables: existing rows are untouched, and an account without an
`account_tax` row is taxable.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("target_amount", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("current_value", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("monthly_deposit", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("risk_level", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goals")),
        sa.ForeignKeyConstraint(
            ["investor_id"], ["investors.id"], name=op.f("fk_goals_investor_id_investors")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_goals_account_id_accounts")
        ),
        sa.CheckConstraint("risk_level BETWEEN 1 AND 5", name=op.f("ck_goals_risk_level_range")),
        sa.CheckConstraint("priority >= 1", name=op.f("ck_goals_priority_positive")),
        sa.CheckConstraint("target_amount > 0", name=op.f("ck_goals_target_amount_positive")),
        sa.CheckConstraint(
            "current_value >= 0 AND monthly_deposit >= 0",
            name=op.f("ck_goals_amounts_non_negative"),
        ),
    )
    op.create_table(
        "account_tax",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column(
            "tax_status", sa.Enum("taxable", "tax_advantaged", native_enum=False), nullable=False
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_tax")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_tax_account_id_accounts")
        ),
        sa.CheckConstraint(
            "tax_status IN ('taxable', 'tax_advantaged')",
            name=op.f("ck_account_tax_tax_status_valid"),
        ),
    )
    op.create_table(
        "tax_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("bought_on", sa.Date(), nullable=False),
        sa.Column("units", sa.Numeric(precision=24, scale=8), nullable=False),
        sa.Column("cost_basis", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tax_lots")),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_tax_lots_account_id_accounts")
        ),
        sa.CheckConstraint("units > 0", name=op.f("ck_tax_lots_units_positive")),
        sa.CheckConstraint("cost_basis >= 0", name=op.f("ck_tax_lots_cost_basis_non_negative")),
    )
    op.create_index(
        op.f("ix_tax_lots_account_id_product_id"),
        "tax_lots",
        ["account_id", "product_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_tax_lots_account_id_product_id"), table_name="tax_lots")
    op.drop_table("tax_lots")
    op.drop_table("account_tax")
    op.drop_table("goals")

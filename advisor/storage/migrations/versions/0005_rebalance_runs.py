"""Batch rebalancing runs and the accounts each run has done (the scale issue).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Written by hand to mirror the batch rebalancing section of `advisor.storage.models`, with
constraint names spelled out by `op.f`. Only new tables: existing rows are untouched.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rebalance_runs",
        sa.Column("run_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("mode", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name=op.f("pk_rebalance_runs")),
        sa.CheckConstraint(
            "status IN ('running', 'finished', 'failed')",
            name=op.f("ck_rebalance_runs_status_valid"),
        ),
    )
    op.create_table(
        "rebalance_run_accounts",
        sa.Column("run_id", sa.String(length=100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=False),
        sa.Column("trades", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "account_id", name=op.f("pk_rebalance_run_accounts")),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["rebalance_runs.run_id"],
            name=op.f("fk_rebalance_run_accounts_run_id_rebalance_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_rebalance_run_accounts_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_rebalance_run_accounts_proposal_id_proposals"),
        ),
        sa.CheckConstraint(
            "outcome IN ('executed', 'proposed', 'in_band', 'skipped')",
            name=op.f("ck_rebalance_run_accounts_outcome_valid"),
        ),
    )


def downgrade() -> None:
    op.drop_table("rebalance_run_accounts")
    op.drop_table("rebalance_runs")

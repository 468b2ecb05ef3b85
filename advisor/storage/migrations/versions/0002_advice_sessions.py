"""Advice sessions: proposals get a kind and a cooling-off period.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01

`proposals.kind` says what a proposal changes: 'allocation' (every proposal before this revision),
'conservative_tilt' or 'risk_increase'. `proposals.cooling_off_until` is the moment before which a
proposal may not be executed.

The CHECK constraint is declared on the column, so that the column and its constraint are added
by one `ALTER TABLE ... ADD COLUMN` on every backend. SQLite cannot add a constraint to an existing
table, and the alternative, rebuilding `proposals` in batch mode, would drop a table that
`advisor_reviews` refers to, which enforced foreign keys forbid once a review exists.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "proposals",
        sa.Column(
            "kind",
            sa.Enum("allocation", "conservative_tilt", "risk_increase", native_enum=False),
            sa.CheckConstraint(
                "kind IN ('allocation', 'conservative_tilt', 'risk_increase')",
                name=op.f("ck_proposals_kind_valid"),
            ),
            nullable=False,
            server_default="allocation",
        ),
    )
    op.add_column(
        "proposals", sa.Column("cooling_off_until", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    # Dropping a column drops the constraint declared on it, on SQLite and PostgreSQL alike.
    op.drop_column("proposals", "cooling_off_until")
    op.drop_column("proposals", "kind")

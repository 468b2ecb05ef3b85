"""Sign-in, roles and delegation: users, sessions, advisor assignments, alerts, trading holds,
co-approvals, and the audit log's hash chain.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

Written by hand to mirror `advisor.storage.models`, with constraint names spelled out by `op.f`.
`audit_events` gains `prev_hash` and `hash`; the events already there are chained in id order
here, so that `advisor audit verify` passes on an upgraded database. Both columns are added
without constraints, which SQLite's `ALTER TABLE ... ADD COLUMN` allows without a table rebuild.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from advisor.storage.audit_chain import GENESIS, event_hash

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("investor", "advisor", "delegate", "admin")
ALERT_KINDS = ("large_trade", "panic", "possible_exploitation", "hold")
CO_APPROVAL_DECISIONS = ("approved", "rejected")


def _one_of(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.Enum(*ROLES, native_enum=False), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=True),
        sa.Column("delegate_id", sa.Integer(), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.ForeignKeyConstraint(
            ["investor_id"], ["investors.id"], name=op.f("fk_users_investor_id_investors")
        ),
        sa.ForeignKeyConstraint(
            ["delegate_id"], ["delegates.id"], name=op.f("fk_users_delegate_id_delegates")
        ),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
        sa.CheckConstraint(_one_of("role", ROLES), name=op.f("ck_users_role_valid")),
    )
    op.create_table(
        "advisor_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisor_user_id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_advisor_assignments")),
        sa.ForeignKeyConstraint(
            ["advisor_user_id"],
            ["users.id"],
            name=op.f("fk_advisor_assignments_advisor_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["investor_id"],
            ["investors.id"],
            name=op.f("fk_advisor_assignments_investor_id_investors"),
        ),
        sa.UniqueConstraint(
            "advisor_user_id",
            "investor_id",
            name=op.f("uq_advisor_assignments_advisor_user_id_investor_id"),
        ),
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_sessions_user_id_users")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_auth_sessions_token_hash")),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*ALERT_KINDS, native_enum=False), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("recipient_user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.ForeignKeyConstraint(
            ["investor_id"], ["investors.id"], name=op.f("fk_alerts_investor_id_investors")
        ),
        sa.ForeignKeyConstraint(
            ["recipient_user_id"], ["users.id"], name=op.f("fk_alerts_recipient_user_id_users")
        ),
        sa.CheckConstraint(_one_of("kind", ALERT_KINDS), name=op.f("ck_alerts_kind_valid")),
    )
    op.create_index(op.f("ix_alerts_recipient_user_id"), "alerts", ["recipient_user_id"])
    op.create_table(
        "trading_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investor_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=200), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trading_holds")),
        sa.ForeignKeyConstraint(
            ["investor_id"], ["investors.id"], name=op.f("fk_trading_holds_investor_id_investors")
        ),
    )
    op.create_table(
        "co_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=20, scale=2), nullable=False),
        sa.Column("decision", sa.Enum(*CO_APPROVAL_DECISIONS, native_enum=False), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_co_approvals")),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_co_approvals_proposal_id_proposals")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["users.id"],
            name=op.f("fk_co_approvals_decided_by_user_id_users"),
        ),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_co_approvals_proposal_id")),
        sa.CheckConstraint(
            _one_of("decision", CO_APPROVAL_DECISIONS), name=op.f("ck_co_approvals_decision_valid")
        ),
    )
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_events()


def downgrade() -> None:
    op.drop_column("audit_events", "hash")
    op.drop_column("audit_events", "prev_hash")
    op.drop_table("co_approvals")
    op.drop_table("trading_holds")
    op.drop_index(op.f("ix_alerts_recipient_user_id"), table_name="alerts")
    op.drop_table("alerts")
    op.drop_table("auth_sessions")
    op.drop_table("advisor_assignments")
    op.drop_table("users")


def _chain_existing_events() -> None:
    """Give the events written before this revision their hashes, oldest first."""
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("subject_type", sa.String()),
        sa.column("subject_id", sa.String()),
        sa.column("payload", sa.JSON()),
        sa.column("run_id", sa.String()),
        sa.column("prev_hash", sa.String()),
        sa.column("hash", sa.String()),
    )
    connection = op.get_bind()
    prev = GENESIS
    rows = connection.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        digest = event_hash(
            prev_hash=prev,
            at=row["at"],
            actor=row["actor"],
            action=row["action"],
            subject_type=row["subject_type"],
            subject_id=row["subject_id"],
            payload=row["payload"],
            run_id=row["run_id"],
        )
        connection.execute(
            sa.update(events).where(events.c.id == row["id"]).values(prev_hash=prev, hash=digest)
        )
        prev = digest

"""The database schema as typed SQLAlchemy ORM classes, one class per table.

Only portable column types are used so that the same schema runs on SQLite and PostgreSQL.
Every constraint gets its name from the naming convention below, so that Alembic migrations can
refer to constraints by stable names on every backend.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    """The current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that is stored in UTC and always read back as a timezone-aware UTC datetime.

    SQLite keeps no offset, so values are normalised to UTC on the way in and tagged as UTC on the
    way out; PostgreSQL's `timestamptz` round-trips the same values unchanged.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} given; timestamps must be aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class ProposalStatus(StrEnum):
    """Where a proposal is in its life cycle; see `Store.transition_proposal` for the moves."""

    DRAFT = "draft"
    PENDING_REVIEW = "pending_review"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTED = "executed"


class ProposalKind(StrEnum):
    """What a proposal changes. Anything but a plain allocation changes the investor's risk, so it
    waits for an advisor's review and a cooling-off period (`Proposal.cooling_off_until`)."""

    ALLOCATION = "allocation"
    CONSERVATIVE_TILT = "conservative_tilt"
    RISK_INCREASE = "risk_increase"


class MessageRole(StrEnum):
    """Who wrote a conversation message."""

    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"


class ReviewDecision(StrEnum):
    """What a human advisor decided about a proposal."""

    APPROVED = "approved"
    REJECTED = "rejected"
    MODIFIED = "modified"


class DelegatePermission(StrEnum):
    """What a delegate may do; `delegates.permissions` is a JSON list of these values."""

    VIEW = "view"
    ALERTS = "alerts"
    CO_APPROVE = "co_approve"


def _string_enum(values: type[StrEnum]) -> Enum:
    """A VARCHAR column holding the enum's values (not its member names) on every backend."""
    return Enum(
        values,
        native_enum=False,
        values_callable=lambda members: [member.value for member in members],
    )


def _one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    """A CHECK constraint named `<column>_valid` that admits only the enum's values."""
    allowed = ", ".join(f"'{member.value}'" for member in values)
    return CheckConstraint(f"{column} IN ({allowed})", name=f"{column}_valid")


class Base(DeclarativeBase):
    """Declarative base whose metadata names every constraint by convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UtcDateTime, dict[str, Any]: JSON}


class Investor(Base):
    """A person who receives advice."""

    __tablename__ = "investors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    birth_year: Mapped[int | None]
    jurisdiction: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Account(Base):
    """An investment account of one investor, managed at one risk level."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("risk_level BETWEEN 1 AND 5", name="risk_level_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    name: Mapped[str] = mapped_column(String(200))
    risk_level: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    last_rebalanced_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Holding(Base):
    """The current value of one product in one account.

    `product_id` refers to the product catalogue file, which is not in the database, hence no
    foreign key.
    """

    __tablename__ = "holdings"
    __table_args__ = (
        UniqueConstraint("account_id", "product_id"),
        CheckConstraint("value >= 0", name="value_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    product_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Conversation(Base):
    """A chat session between an investor and the assistant."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    language: Mapped[str | None] = mapped_column(String(35))  # longest practical BCP 47 tag
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Message(Base):
    """One message of a conversation, at its position `index` (0, 1, 2, ...)."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("conversation_id", "index"), _one_of("role", MessageRole))

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id"))
    index: Mapped[int]
    role: Mapped[MessageRole] = mapped_column(_string_enum(MessageRole))
    content: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Profile(Base):
    """One version of an investor's profile (the answers behind their suitability)."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("investor_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    version: Mapped[int]
    data: Mapped[dict[str, Any]]
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Proposal(Base):
    """Target weights proposed for an account, and where they are in review and execution.

    A proposal cannot be executed before `cooling_off_until` (if set): a risk change asked for in
    a moment of panic or euphoria gets time to be reconsidered.
    """

    __tablename__ = "proposals"
    __table_args__ = (_one_of("status", ProposalStatus), _one_of("kind", ProposalKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    status: Mapped[ProposalStatus] = mapped_column(_string_enum(ProposalStatus))
    weights: Mapped[dict[str, float]] = mapped_column(JSON)
    rationale: Mapped[str] = mapped_column(Text)
    requires_review: Mapped[bool]
    # The server default fills the rows that existed before migration 0002 added the column.
    kind: Mapped[ProposalKind] = mapped_column(
        _string_enum(ProposalKind),
        default=ProposalKind.ALLOCATION,
        server_default=ProposalKind.ALLOCATION.value,
    )
    cooling_off_until: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AdvisorReview(Base):
    """A human advisor's decision on a proposal."""

    __tablename__ = "advisor_reviews"
    __table_args__ = (_one_of("decision", ReviewDecision),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    reviewer: Mapped[str] = mapped_column(String(200))
    decision: Mapped[ReviewDecision] = mapped_column(_string_enum(ReviewDecision))
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuditEvent(Base):
    """An append-only record of who did what to which subject.

    `run_id` identifies the batch run that wrote the event, so a re-run can tell what it has done.
    """

    __tablename__ = "audit_events"
    __table_args__ = (Index(None, "subject_type", "subject_id"),)  # for `Store.audit_events`

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]]
    run_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The hash chain (`advisor.storage.audit_chain`): each event's hash covers its fields and the
    # previous event's hash, so an edited or deleted event breaks every hash after it.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))


class Consent(Base):
    """An investor granting or withdrawing one kind of consent, against a version of its text."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    kind: Mapped[str] = mapped_column(String(50))
    text_version: Mapped[str] = mapped_column(String(50))
    granted: Mapped[bool]
    at: Mapped[datetime] = mapped_column(default=utc_now)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Delegate(Base):
    """Someone an investor lets see their accounts, receive alerts or co-approve proposals."""

    __tablename__ = "delegates"

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    name: Mapped[str] = mapped_column(String(200))
    relationship: Mapped[str] = mapped_column(String(100))
    contact: Mapped[str] = mapped_column(String(200))
    permissions: Mapped[list[str]] = mapped_column(JSON)  # values of DelegatePermission
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# Accounts, roles and delegation (migration 0003) -------------------------------------------------


class Role(StrEnum):
    """What a signed-in user is: an investor, an advisor, a delegate or an administrator."""

    INVESTOR = "investor"
    ADVISOR = "advisor"
    DELEGATE = "delegate"
    ADMIN = "admin"


class AlertKind(StrEnum):
    """Why a delegate or an advisor is alerted about an investor."""

    LARGE_TRADE = "large_trade"
    PANIC = "panic"
    POSSIBLE_EXPLOITATION = "possible_exploitation"
    HOLD = "hold"


class CoApprovalDecision(StrEnum):
    """What the co-approving delegate decided about a large trade."""

    APPROVED = "approved"
    REJECTED = "rejected"


class User(Base):
    """Someone who signs in. An investor's and a delegate's `investor_id` is the investor they are
    or act for; a delegate's `delegate_id` holds the permissions that investor granted."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("username"), _one_of("role", Role))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id, never the password
    role: Mapped[Role] = mapped_column(_string_enum(Role))
    investor_id: Mapped[int | None] = mapped_column(ForeignKey("investors.id"))
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("delegates.id"))
    disabled: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AdvisorAssignment(Base):
    """An advisor looking after an investor."""

    __tablename__ = "advisor_assignments"
    __table_args__ = (UniqueConstraint("advisor_user_id", "investor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuthSession(Base):
    """A sign-in. Only its token's SHA-256 is kept: a copy of the database signs no one in."""

    __tablename__ = "auth_sessions"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Alert(Base):
    """Something a user (a delegate, an advisor) must know about an investor."""

    __tablename__ = "alerts"
    __table_args__ = (Index(None, "recipient_user_id"), _one_of("kind", AlertKind))

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    kind: Mapped[AlertKind] = mapped_column(_string_enum(AlertKind))
    message: Mapped[str] = mapped_column(Text)
    recipient_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    read_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class TradingHold(Base):
    """A temporary stop on an investor's trades, e.g. while a suspected exploitation is checked."""

    __tablename__ = "trading_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(200))
    until: Mapped[datetime]
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class CoApproval(Base):
    """A large trade waiting for (or decided by) the investor's co-approving delegate."""

    __tablename__ = "co_approvals"
    __table_args__ = (
        UniqueConstraint("proposal_id"),
        _one_of("decision", CoApprovalDecision),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    decision: Mapped[CoApprovalDecision | None] = mapped_column(_string_enum(CoApprovalDecision))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# --------------------------------------------------------------------------------------------------
# Planning (migration 0004): goals, each account's tax status, and tax lots.


class AccountTaxStatus(StrEnum):
    """Whether gains realized in an account are taxed now (taxable) or not (an IRA, a 401(k))."""

    TAXABLE = "taxable"
    TAX_ADVANTAGED = "tax_advantaged"


class InvestorGoal(Base):
    """One goal of an investor (retirement, a home, ...), with its own account if it has one."""

    __tablename__ = "goals"
    __table_args__ = (
        CheckConstraint("risk_level BETWEEN 1 AND 5", name="risk_level_range"),
        CheckConstraint("priority >= 1", name="priority_positive"),
        CheckConstraint("target_amount > 0", name="target_amount_positive"),
        CheckConstraint("current_value >= 0 AND monthly_deposit >= 0", name="amounts_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("investors.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    target_amount: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    target_date: Mapped[date] = mapped_column(Date)
    priority: Mapped[int]
    current_value: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    monthly_deposit: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    risk_level: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AccountTax(Base):
    """An account's tax status; an account without a row is taxable."""

    __tablename__ = "account_tax"
    __table_args__ = (_one_of("tax_status", AccountTaxStatus),)

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    tax_status: Mapped[AccountTaxStatus] = mapped_column(_string_enum(AccountTaxStatus))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class TaxLot(Base):
    """Units of one product bought in one account on one day, at a cost basis; selling part of a
    lot lowers its units and cost basis pro rata, selling all of it deletes it."""

    __tablename__ = "tax_lots"
    __table_args__ = (
        CheckConstraint("units > 0", name="units_positive"),
        CheckConstraint("cost_basis >= 0", name="cost_basis_non_negative"),
        Index(None, "account_id", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    product_id: Mapped[str] = mapped_column(String(64))
    bought_on: Mapped[date] = mapped_column(Date)
    units: Mapped[Decimal] = mapped_column(Numeric(24, 8))
    cost_basis: Mapped[Decimal] = mapped_column(Numeric(20, 2))
    source: Mapped[str] = mapped_column(String(50))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


# --------------------------------------------------------------------------------------------------
# Batch rebalancing runs (migration 0005, the scale issue): what a run has done, so that a rerun of
# the same run id skips finished accounts and never trades an account twice.


class RebalanceRunStatus(StrEnum):
    """Where a batch rebalancing run is; a killed run stays `running` until it is rerun."""

    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


class RebalanceOutcome(StrEnum):
    """What a run did to one account."""

    EXECUTED = "executed"  # trades applied to the holdings (advice mode, no review needed)
    PROPOSED = "proposed"  # a draft proposal only: education mode, or a trading hold in force
    IN_BAND = "in_band"  # nothing to trade
    SKIPPED = "skipped"  # the holdings cannot be used (e.g. a product not in the catalogue)


class RebalanceRun(Base):
    """One batch rebalancing run. `as_of` and `mode` are fixed when it starts, so a resumed run
    decides as the first attempt would have."""

    __tablename__ = "rebalance_runs"
    __table_args__ = (_one_of("status", RebalanceRunStatus),)

    run_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    status: Mapped[RebalanceRunStatus] = mapped_column(_string_enum(RebalanceRunStatus))
    as_of: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(default=utc_now)
    finished_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class RebalanceRunAccount(Base):
    """One account done by one run, written in the same transaction as the account's trades and
    audit event; the primary key makes a second completion (and so a second trade) impossible."""

    __tablename__ = "rebalance_run_accounts"
    __table_args__ = (_one_of("outcome", RebalanceOutcome),)

    run_id: Mapped[str] = mapped_column(ForeignKey("rebalance_runs.run_id"), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    outcome: Mapped[RebalanceOutcome] = mapped_column(_string_enum(RebalanceOutcome))
    trades: Mapped[int]  # holdings rows changed, cash included
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    completed_at: Mapped[datetime] = mapped_column(default=utc_now)

"""The database schema as typed SQLAlchemy ORM classes, one class per table.

Only portable column types are used so that the same schema runs on SQLite and PostgreSQL.
Every constraint gets its name from the naming convention below, so that Alembic migrations can
refer to constraints by stable names on every backend.
"""

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
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

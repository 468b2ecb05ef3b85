"""Reading and writing the advisor's records.

Every public `Store` method runs in exactly one transaction: it either does all of its writes,
including the audit event that describes them, or none of them.
"""

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from advisor.errors import AdvisorError
from advisor.storage.models import (
    Account,
    AdvisorReview,
    AuditEvent,
    Base,
    Holding,
    Investor,
    Profile,
    Proposal,
    ProposalStatus,
    ReviewDecision,
)

CENT: Final = Decimal("0.01")

# The proposal life cycle. draft -> executed is further restricted to proposals that do not
# require an advisor's review.
ALLOWED_TRANSITIONS: Final = frozenset(
    {
        (ProposalStatus.DRAFT, ProposalStatus.PENDING_REVIEW),
        (ProposalStatus.DRAFT, ProposalStatus.EXECUTED),
        (ProposalStatus.PENDING_REVIEW, ProposalStatus.APPROVED),
        (ProposalStatus.PENDING_REVIEW, ProposalStatus.REJECTED),
        (ProposalStatus.APPROVED, ProposalStatus.EXECUTED),
    }
)

_Row = TypeVar("_Row", bound=Base)


class AuditEventRecord(BaseModel):
    """One entry of the audit log, as handed out of the storage layer."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    at: datetime
    actor: str
    action: str
    subject_type: str
    subject_id: str | None
    payload: dict[str, Any]
    run_id: str | None


class Store:
    """The advisor's records in one database; build it on `create_database_engine(url)`."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed if the block succeeds, else rolled back."""
        with self._sessions.begin() as session:
            yield session

    def create_investor(
        self, name: str, birth_year: int | None = None, jurisdiction: str = "US"
    ) -> int:
        """Add an investor and return their id."""
        with self.transaction() as session:
            investor = Investor(name=name, birth_year=birth_year, jurisdiction=jurisdiction)
            session.add(investor)
            session.flush()  # assigns the id
            return investor.id

    def open_account(
        self, investor_id: int, name: str, risk_level: int, currency: str = "USD"
    ) -> int:
        """Open an account for an existing investor at risk level 1 (lowest) to 5; return its id."""
        if not 1 <= risk_level <= 5:
            raise AdvisorError(
                f"Account {name!r}: risk_level must be between 1 and 5, got {risk_level}"
            )
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            account = Account(
                investor_id=investor_id, name=name, risk_level=risk_level, currency=currency
            )
            session.add(account)
            session.flush()
            return account.id

    def replace_holdings(self, account_id: int, holdings: Mapping[str, float], actor: str) -> None:
        """Make `holdings` (product id -> value) the account's only holdings, and audit the change.

        Values are rounded to cents. Raises `AdvisorError` naming the product if a value is
        negative or not finite; then neither the holdings nor the audit log change.
        """
        with self.transaction() as session:
            _require(session, Account, account_id, lock=True)
            before = _holdings_of(session, account_id)
            session.execute(delete(Holding).where(Holding.account_id == account_id))
            for product_id, value in holdings.items():
                holding_value = _holding_value(product_id, value)
                session.add(
                    Holding(account_id=account_id, product_id=product_id, value=holding_value)
                )
            after = _holdings_of(session, account_id)
            session.add(
                _audit_event(
                    actor,
                    "holdings.replaced",
                    "account",
                    account_id,
                    {"before": before, "after": after},
                )
            )

    def holdings(self, account_id: int) -> dict[str, float]:
        """The account's holdings as product id -> value, ordered by product id."""
        with self.transaction() as session:
            _require(session, Account, account_id)
            return _holdings_of(session, account_id)

    def record_proposal(
        self,
        account_id: int,
        weights: Mapping[str, float],
        rationale: str,
        requires_review: bool,
        actor: str,
    ) -> int:
        """Record a draft proposal of target weights (product id -> weight); return its id."""
        checked_weights = {product: _finite_weight(product, w) for product, w in weights.items()}
        with self.transaction() as session:
            _require(session, Account, account_id)
            proposal = Proposal(
                account_id=account_id,
                status=ProposalStatus.DRAFT,
                weights=checked_weights,
                rationale=rationale,
                requires_review=requires_review,
                created_by=actor,
            )
            session.add(proposal)
            session.flush()
            payload = {
                "account_id": account_id,
                "weights": checked_weights,
                "requires_review": requires_review,
            }
            session.add(_audit_event(actor, "proposal.recorded", "proposal", proposal.id, payload))
            return proposal.id

    def transition_proposal(
        self,
        proposal_id: int,
        new_status: ProposalStatus | str,
        actor: str,
        comment: str | None = None,
    ) -> None:
        """Move a proposal to `new_status`, recording an audit event and, for a decision, a review.

        Allowed: draft -> pending_review, draft -> executed (only if no review is required),
        pending_review -> approved or rejected, approved -> executed. Anything else raises
        `AdvisorError` naming both statuses and writes nothing.
        """
        target = _proposal_status(new_status)
        with self.transaction() as session:
            proposal = _require(session, Proposal, proposal_id, lock=True)
            current = proposal.status
            _check_transition(proposal, target)
            proposal.status = target
            if target in (ProposalStatus.APPROVED, ProposalStatus.REJECTED):
                session.add(
                    AdvisorReview(
                        proposal_id=proposal_id,
                        reviewer=actor,
                        decision=ReviewDecision(target.value),
                        comment=comment,
                    )
                )
            payload = {"from": current.value, "to": target.value, "comment": comment}
            session.add(_audit_event(actor, f"proposal.{target}", "proposal", proposal_id, payload))

    def save_profile(self, investor_id: int, data: dict[str, Any], actor: str) -> int:
        """Append a new version of the investor's profile and return its number (1, 2, ...)."""
        with self.transaction() as session:
            # Locking the investor serialises concurrent saves, which would pick the same version.
            _require(session, Investor, investor_id, lock=True)
            latest = session.scalar(
                select(func.max(Profile.version)).where(Profile.investor_id == investor_id)
            )
            version = (latest or 0) + 1
            session.add(
                Profile(investor_id=investor_id, version=version, data=dict(data), created_by=actor)
            )
            return version

    def audit_events(
        self, subject_type: str | None = None, subject_id: str | int | None = None
    ) -> list[AuditEventRecord]:
        """The audit log, oldest first, optionally only the events about one subject."""
        query = select(AuditEvent).order_by(AuditEvent.id)
        if subject_type is not None:
            query = query.where(AuditEvent.subject_type == subject_type)
        if subject_id is not None:
            query = query.where(AuditEvent.subject_id == str(subject_id))
        with self.transaction() as session:
            return [AuditEventRecord.model_validate(event) for event in session.scalars(query)]


def _require(session: Session, model: type[_Row], row_id: int, *, lock: bool = False) -> _Row:
    """The row with this id, locked for update if asked; `AdvisorError` if there is none."""
    row = session.get(model, row_id, with_for_update=lock)
    if row is None:
        raise AdvisorError(f"There is no {model.__name__.lower()} with id {row_id}")
    return row


def _holdings_of(session: Session, account_id: int) -> dict[str, float]:
    rows = session.execute(
        select(Holding.product_id, Holding.value)
        .where(Holding.account_id == account_id)
        .order_by(Holding.product_id)
    )
    return {product_id: float(value) for product_id, value in rows}


def _holding_value(product_id: str, value: float) -> Decimal:
    if not math.isfinite(value) or value < 0:
        raise AdvisorError(
            f"Holding {product_id!r}: value must be a finite number >= 0, got {value!r}"
        )
    # Round here rather than in the database, so that SQLite and PostgreSQL store the same cents.
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _finite_weight(product_id: str, weight: float) -> float:
    # JSON has no NaN or infinity; PostgreSQL rejects them and SQLite would store invalid JSON.
    if not math.isfinite(weight):
        raise AdvisorError(f"Proposal weight of {product_id!r} must be finite, got {weight!r}")
    return float(weight)


def _proposal_status(status: ProposalStatus | str) -> ProposalStatus:
    try:
        return ProposalStatus(status)
    except ValueError:
        expected = ", ".join(ProposalStatus)
        raise AdvisorError(
            f"Unknown proposal status {status!r}; expected one of {expected}"
        ) from None


def _check_transition(proposal: Proposal, target: ProposalStatus) -> None:
    current = proposal.status
    if (current, target) not in ALLOWED_TRANSITIONS:
        allowed = [after for before, after in sorted(ALLOWED_TRANSITIONS) if before == current]
        options = ", ".join(allowed) or f"none, {current} is final"
        raise AdvisorError(
            f"Proposal {proposal.id} cannot go from {current} to {target} "
            f"(allowed from {current}: {options})"
        )
    skips_review = (current, target) == (ProposalStatus.DRAFT, ProposalStatus.EXECUTED)
    if skips_review and proposal.requires_review:
        raise AdvisorError(
            f"Proposal {proposal.id} requires advisor review, so it cannot go from "
            f"{current} to {target}; move it to {ProposalStatus.PENDING_REVIEW} first"
        )


def _audit_event(
    actor: str, action: str, subject_type: str, subject_id: int, payload: dict[str, Any]
) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        payload=payload,
    )

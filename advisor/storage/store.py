"""Reading and writing the advisor's records.

Every public `Store` method runs in exactly one transaction: it either does all of its writes,
including the audit event that describes them, or none of them. Several operations that must stand
or fall together (an advice turn's messages, profile, proposal and audit events) run on the view
`Store.atomic()` hands out: there each operation is a savepoint of one shared transaction.
"""

import copy
import math
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Self, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, func, select
from sqlalchemy import event as orm_events
from sqlalchemy.orm import Session, sessionmaker

from advisor.errors import AdvisorError
from advisor.storage import models as orm
from advisor.storage.audit_chain import ChainBreak, chain_new_events, verify_session
from advisor.storage.models import (
    Account,
    AdvisorReview,
    AuditEvent,
    Base,
    Conversation,
    Delegate,
    DelegatePermission,
    Holding,
    Investor,
    Message,
    MessageRole,
    Profile,
    Proposal,
    ProposalKind,
    ProposalStatus,
    ReviewDecision,
    utc_now,
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


class MessageRecord(BaseModel):
    """One message of a stored conversation."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    index: int
    role: MessageRole
    content: str
    created_at: datetime


class ConversationRecord(BaseModel):
    """A stored conversation: whose it is, and its messages in order."""

    model_config = ConfigDict(frozen=True)

    id: int
    investor_id: int
    language: str | None
    started_at: datetime
    messages: tuple[MessageRecord, ...]


class AccountRecord(BaseModel):
    """An investment account, as handed out of the storage layer."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    investor_id: int
    name: str
    risk_level: int
    currency: str


class ProposalRecord(BaseModel):
    """A stored proposal and where it is in its life cycle."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    account_id: int
    kind: ProposalKind
    status: ProposalStatus
    weights: dict[str, float]
    rationale: str
    requires_review: bool
    cooling_off_until: datetime | None
    created_by: str
    created_at: datetime


class PendingReview(BaseModel):
    """A proposal waiting for an advisor's review, with whose it is and its cooling-off period."""

    model_config = ConfigDict(frozen=True)

    proposal_id: int
    investor_id: int
    investor_name: str
    account_id: int
    kind: ProposalKind
    weights: dict[str, float]
    rationale: str
    cooling_off_until: datetime | None
    created_at: datetime


class Store:
    """The advisor's records in one database; build it on `create_database_engine(url)`.

    `clock` tells the time for rules that depend on it (a cooling-off period); tests pass their own.
    """

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = utc_now) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Every audit event, however written, joins the hash chain as it is flushed.
        orm_events.listen(self._sessions, "before_flush", chain_new_events)
        self._clock = clock
        self._joined: Session | None = None  # set only on the views `atomic` hands out

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed if the block succeeds, else rolled back.

        On a view from `atomic`, a savepoint of the shared transaction instead: a failed operation
        undoes its own writes, and the whole is committed or rolled back by `atomic`.
        """
        if self._joined is not None:
            with self._joined.begin_nested():
                yield self._joined
            return
        with self._sessions.begin() as session:
            yield session

    @contextmanager
    def atomic(self) -> Iterator[Self]:
        """A view of this store on which every operation joins one transaction, committed when the
        block succeeds and rolled back, with every write the view made, if it raises.

        The view is a shallow copy, so a subclass keeps its behaviour; use it only in the block.
        """
        if self._joined is not None:
            with self.transaction():
                yield self
            return
        with self._sessions.begin() as session:
            view = copy.copy(self)
            view._joined = session
            yield view

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

    def accounts(self, investor_id: int) -> list[AccountRecord]:
        """The investor's accounts, oldest first."""
        query = select(Account).where(Account.investor_id == investor_id).order_by(Account.id)
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            return [AccountRecord.model_validate(account) for account in session.scalars(query)]

    def record_proposal(
        self,
        account_id: int,
        weights: Mapping[str, float],
        rationale: str,
        requires_review: bool,
        actor: str,
        *,
        kind: ProposalKind | str = ProposalKind.ALLOCATION,
        cooling_off_until: datetime | None = None,
    ) -> int:
        """Record a draft proposal of target weights (product id -> weight); return its id.

        `kind` says what it changes; anything but an allocation changes the investor's risk, so
        it must require review. It cannot be executed before `cooling_off_until` (aware, if given).
        """
        checked_weights = {product: _finite_weight(product, w) for product, w in weights.items()}
        checked_kind = _proposal_kind(kind)
        if checked_kind != ProposalKind.ALLOCATION and not requires_review:
            raise AdvisorError(
                f"A {checked_kind} proposal changes the risk taken: it must require review"
            )
        if cooling_off_until is not None and cooling_off_until.tzinfo is None:
            raise AdvisorError("cooling_off_until must be a timezone-aware datetime")
        with self.transaction() as session:
            _require(session, Account, account_id)
            proposal = Proposal(
                account_id=account_id,
                status=ProposalStatus.DRAFT,
                kind=checked_kind,
                weights=checked_weights,
                rationale=rationale,
                requires_review=requires_review,
                cooling_off_until=cooling_off_until,
                created_by=actor,
            )
            session.add(proposal)
            session.flush()
            payload = {
                "account_id": account_id,
                "kind": checked_kind.value,
                "weights": checked_weights,
                "requires_review": requires_review,
                "cooling_off_until": _isoformat(cooling_off_until),
            }
            session.add(_audit_event(actor, "proposal.recorded", "proposal", proposal.id, payload))
            return proposal.id

    def proposals(self, account_id: int) -> list[ProposalRecord]:
        """The account's proposals, oldest first."""
        query = select(Proposal).where(Proposal.account_id == account_id).order_by(Proposal.id)
        with self.transaction() as session:
            _require(session, Account, account_id)
            return [ProposalRecord.model_validate(proposal) for proposal in session.scalars(query)]

    def pending_reviews(self) -> list[PendingReview]:
        """Every proposal waiting for an advisor's review, oldest first, with its investor."""
        query = (
            select(Proposal, Investor)
            .join(Account, Proposal.account_id == Account.id)
            .join(Investor, Account.investor_id == Investor.id)
            .where(Proposal.status == ProposalStatus.PENDING_REVIEW)
            .order_by(Proposal.created_at, Proposal.id)
        )
        with self.transaction() as session:
            return [
                _pending_review(proposal, investor) for proposal, investor in session.execute(query)
            ]

    def transition_proposal(
        self,
        proposal_id: int,
        new_status: ProposalStatus | str,
        actor: str,
        comment: str | None = None,
    ) -> None:
        """Move a proposal to `new_status`, recording an audit event and, for a decision, a review.

        Allowed: draft -> pending_review, draft -> executed (only if no review is required),
        pending_review -> approved or rejected, approved -> executed. Anything else, or executing
        a proposal before its `cooling_off_until`, raises `AdvisorError` naming both statuses and
        writes nothing.
        """
        target = _proposal_status(new_status)
        with self.transaction() as session:
            proposal = _require(session, Proposal, proposal_id, lock=True)
            current = proposal.status
            _check_transition(proposal, target, self._clock())
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

    def latest_profile(self, investor_id: int) -> tuple[int, dict[str, Any]] | None:
        """The investor's newest profile as (version, data), or None if none was saved yet."""
        query = (
            select(Profile)
            .where(Profile.investor_id == investor_id)
            .order_by(Profile.version.desc())
            .limit(1)
        )
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            profile = session.scalars(query).first()
            return None if profile is None else (profile.version, dict(profile.data))

    def start_conversation(self, investor_id: int, language: str | None = None) -> int:
        """Start a conversation of an existing investor (language: a BCP 47 tag); return its id."""
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            conversation = Conversation(investor_id=investor_id, language=language)
            session.add(conversation)
            session.flush()
            return conversation.id

    def append_message(
        self,
        conversation_id: int,
        role: MessageRole | str,
        content: str,
        *,
        expected_index: int | None = None,
    ) -> int:
        """Append a message to the conversation and return its index (0, 1, 2, ...).

        With `expected_index`, raises `AdvisorError` if the message would land elsewhere: the
        conversation changed since the caller read it (e.g. the same chat open twice).
        """
        checked_role = _message_role(role)
        with self.transaction() as session:
            # Locking the conversation serialises concurrent appends, which would pick one index.
            _require(session, Conversation, conversation_id, lock=True)
            latest = session.scalar(
                select(func.max(Message.index)).where(Message.conversation_id == conversation_id)
            )
            index = 0 if latest is None else latest + 1
            if expected_index is not None and index != expected_index:
                raise AdvisorError(
                    f"Conversation {conversation_id} changed since it was read: its next message "
                    f"is number {index}, not {expected_index}; resume it to see the new messages"
                )
            session.add(
                Message(
                    conversation_id=conversation_id, index=index, role=checked_role, content=content
                )
            )
            return index

    def conversation(self, conversation_id: int) -> ConversationRecord:
        """The conversation with its messages in order; `AdvisorError` if there is none."""
        query = (
            select(Message)
            .where(Message.conversation_id == conversation_id)
            .order_by(Message.index)
        )
        with self.transaction() as session:
            conversation = _require(session, Conversation, conversation_id)
            return ConversationRecord(
                id=conversation.id,
                investor_id=conversation.investor_id,
                language=conversation.language,
                started_at=conversation.started_at,
                messages=tuple(MessageRecord.model_validate(m) for m in session.scalars(query)),
            )

    def has_trusted_contact(self, investor_id: int) -> bool:
        """Whether the investor has a delegate, not revoked, who may receive alerts."""
        query = select(Delegate).where(Delegate.investor_id == investor_id)
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            now = self._clock()
            return any(
                DelegatePermission.ALERTS.value in delegate.permissions
                and (delegate.revoked_at is None or delegate.revoked_at > now)
                for delegate in session.scalars(query)
            )

    def record_event(
        self,
        actor: str,
        action: str,
        subject_type: str,
        subject_id: str | int | None,
        payload: dict[str, Any],
        run_id: str | None = None,
    ) -> int:
        """Append an event to the audit log and return its id; `payload` must be JSON-ready."""
        with self.transaction() as session:
            event = _audit_event(actor, action, subject_type, subject_id, payload, run_id)
            session.add(event)
            session.flush()
            return event.id

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

    # Accounts, review and the audit chain (the app issue) -----------------------------------------

    def proposal(self, proposal_id: int) -> ProposalRecord:
        """One proposal; `AdvisorError` if there is none."""
        with self.transaction() as session:
            return ProposalRecord.model_validate(_require(session, Proposal, proposal_id))

    def modify_proposal(
        self, proposal_id: int, weights: Mapping[str, float], actor: str, comment: str | None
    ) -> None:
        """An advisor's modification: the pending proposal gets new weights and is approved, with
        a `modified` review and one audit event holding the weights before and after. The caller
        has checked the new weights' suitability; the life-cycle rules are checked here."""
        checked_weights = {product: _finite_weight(product, w) for product, w in weights.items()}
        with self.transaction() as session:
            proposal = _require(session, Proposal, proposal_id, lock=True)
            current = proposal.status
            _check_transition(proposal, ProposalStatus.APPROVED, self._clock())
            before = dict(proposal.weights)
            proposal.weights = checked_weights
            proposal.status = ProposalStatus.APPROVED
            session.add(
                AdvisorReview(
                    proposal_id=proposal_id,
                    reviewer=actor,
                    decision=ReviewDecision.MODIFIED,
                    comment=comment,
                )
            )
            payload = {
                "from": current.value,
                "to": ProposalStatus.APPROVED.value,
                "comment": comment,
                "weights_before": before,
                "weights_after": checked_weights,
            }
            session.add(_audit_event(actor, "proposal.modified", "proposal", proposal_id, payload))

    def verify_audit_chain(self) -> ChainBreak | None:
        """The first event whose hashes do not match (an edit or a deletion), or None if intact."""
        with self.transaction() as session:
            return verify_session(session)

    # Planning: goals, tax status, tax lots and trades (the planning issue) ------------------------

    def add_goal(
        self,
        investor_id: int,
        *,
        name: str,
        kind: str,
        target_amount: float,
        target_date: date,
        risk_level: int,
        actor: str,
        priority: int = 1,
        current_value: float = 0.0,
        monthly_deposit: float = 0.0,
        account_id: int | None = None,
    ) -> int:
        """Add a goal of an existing investor (and account, if given) and return its id."""
        fields = _goal_fields(
            {
                "name": name,
                "kind": kind,
                "target_amount": target_amount,
                "target_date": target_date,
                "risk_level": risk_level,
                "priority": priority,
                "current_value": current_value,
                "monthly_deposit": monthly_deposit,
            }
        )
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            if account_id is not None:
                _require(session, Account, account_id)
            goal = orm.InvestorGoal(investor_id=investor_id, account_id=account_id, **fields)
            session.add(goal)
            session.flush()
            payload = {"investor_id": investor_id, "account_id": account_id} | _jsonable(fields)
            session.add(_audit_event(actor, "goal.added", "goal", goal.id, payload))
            return goal.id

    def update_goal(self, goal_id: int, changes: Mapping[str, Any], actor: str) -> None:
        """Change some of a goal's fields (name, kind, target_amount, target_date, risk_level,
        priority, current_value, monthly_deposit), auditing the values before and after."""
        fields = _goal_fields(changes)
        with self.transaction() as session:
            goal = _require(session, orm.InvestorGoal, goal_id, lock=True)
            before = _jsonable({name: getattr(goal, name) for name in fields})
            for name, value in fields.items():
                setattr(goal, name, value)
            payload = {"before": before, "after": _jsonable(fields)}
            session.add(_audit_event(actor, "goal.updated", "goal", goal_id, payload))

    def goals(self, investor_id: int) -> "list[GoalRecord]":
        """The investor's goals, most important first, then soonest."""
        query = (
            select(orm.InvestorGoal)
            .where(orm.InvestorGoal.investor_id == investor_id)
            .order_by(orm.InvestorGoal.priority, orm.InvestorGoal.target_date, orm.InvestorGoal.id)
        )
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            return [GoalRecord.model_validate(goal) for goal in session.scalars(query)]

    def set_tax_status(
        self, account_id: int, status: orm.AccountTaxStatus | str, actor: str
    ) -> None:
        """Mark an account taxable or tax-advantaged."""
        checked = _tax_status(status)
        with self.transaction() as session:
            _require(session, Account, account_id)
            row = session.get(orm.AccountTax, account_id, with_for_update=True)
            before = None if row is None else row.tax_status.value
            if row is None:
                session.add(orm.AccountTax(account_id=account_id, tax_status=checked))
            else:
                row.tax_status = checked
            payload = {"before": before, "after": checked.value}
            session.add(_audit_event(actor, "account.tax_status", "account", account_id, payload))

    def tax_status(self, account_id: int) -> orm.AccountTaxStatus:
        """The account's tax status (taxable unless marked otherwise)."""
        with self.transaction() as session:
            _require(session, Account, account_id)
            return _tax_status_of(session, account_id)

    def buy_lot(
        self,
        account_id: int,
        product_id: str,
        bought_on: date,
        units: float,
        cost_basis: float,
        source: str,
        actor: str,
        *,
        extra: Mapping[str, Any] | None = None,
        run_id: str | None = None,
    ) -> int:
        """Record a purchase as a new tax lot and a `trade.executed` audit event (which the
        wash-sale guard and `verify-methodology` read); return the lot id."""
        if not (math.isfinite(units) and units > 0 and math.isfinite(cost_basis)):
            raise AdvisorError(f"Lot of {product_id!r}: units must be > 0, got {units!r}")
        with self.transaction() as session:
            account = _require(session, Account, account_id)
            lot = orm.TaxLot(
                account_id=account_id,
                product_id=product_id,
                bought_on=bought_on,
                units=_units(units),
                cost_basis=_holding_value(product_id, cost_basis),
                source=source,
            )
            session.add(lot)
            session.flush()
            payload = {
                "investor_id": account.investor_id,
                "on": bought_on.isoformat(),
                "side": "buy",
                "product_id": product_id,
                "units": units,
                "amount": cost_basis,
                "source": source,
                "lot_id": str(lot.id),
                "taxable": _tax_status_of(session, account_id) == orm.AccountTaxStatus.TAXABLE,
            } | dict(extra or {})
            session.add(
                _audit_event(actor, "trade.executed", "account", account_id, payload, run_id)
            )
            return lot.id

    def sell_from_lot(
        self,
        lot_id: int,
        units: float,
        price: float,
        on: date,
        source: str,
        actor: str,
        *,
        estimated_tax: float,
        benefit: float | None = None,
        run_id: str | None = None,
    ) -> float:
        """Sell `units` of a lot at `price`: the lot shrinks pro rata (or goes), and a
        `trade.executed` event records the realized gain, estimated tax and, for rebalancing, the
        estimated benefit. Returns the realized gain (negative: a loss)."""
        with self.transaction() as session:
            lot = _require(session, orm.TaxLot, lot_id, lock=True)
            held = float(lot.units)
            if not 0 < units <= held + 1e-9:
                raise AdvisorError(f"Lot {lot_id}: cannot sell {units!r} of {held!r} units")
            account = _require(session, Account, lot.account_id)
            basis = float(lot.cost_basis) * min(units / held, 1.0)
            gain = units * price - basis
            if units >= held - 1e-9:
                session.delete(lot)
            else:
                lot.units = _units(held - units)
                lot.cost_basis = _holding_value(lot.product_id, float(lot.cost_basis) - basis)
            payload = {
                "investor_id": account.investor_id,
                "on": on.isoformat(),
                "side": "sell",
                "product_id": lot.product_id,
                "units": units,
                "amount": units * price,
                "source": source,
                "lot_id": str(lot_id),
                "taxable": _tax_status_of(session, account.id) == orm.AccountTaxStatus.TAXABLE,
                "realized_gain": round(gain, 2),
                "estimated_tax": round(estimated_tax, 2),
                "benefit": None if benefit is None else round(benefit, 2),
            }
            session.add(
                _audit_event(actor, "trade.executed", "account", account.id, payload, run_id)
            )
            return gain

    def tax_lots(self, investor_id: int) -> "list[TaxLotRecord]":
        """The open lots in all of the investor's accounts, by account, product and date."""
        query = (
            select(orm.TaxLot)
            .join(Account, orm.TaxLot.account_id == Account.id)
            .where(Account.investor_id == investor_id)
            .order_by(orm.TaxLot.account_id, orm.TaxLot.product_id, orm.TaxLot.bought_on)
        )
        with self.transaction() as session:
            _require(session, Investor, investor_id)
            return [TaxLotRecord.model_validate(lot) for lot in session.scalars(query)]


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


def _proposal_kind(kind: ProposalKind | str) -> ProposalKind:
    try:
        return ProposalKind(kind)
    except ValueError:
        expected = ", ".join(ProposalKind)
        raise AdvisorError(f"Unknown proposal kind {kind!r}; expected one of {expected}") from None


def _message_role(role: MessageRole | str) -> MessageRole:
    try:
        return MessageRole(role)
    except ValueError:
        expected = ", ".join(MessageRole)
        raise AdvisorError(f"Unknown message role {role!r}; expected one of {expected}") from None


def _pending_review(proposal: Proposal, investor: Investor) -> PendingReview:
    return PendingReview(
        proposal_id=proposal.id,
        investor_id=investor.id,
        investor_name=investor.name,
        account_id=proposal.account_id,
        kind=proposal.kind,
        weights=proposal.weights,
        rationale=proposal.rationale,
        cooling_off_until=proposal.cooling_off_until,
        created_at=proposal.created_at,
    )


def _isoformat(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _check_transition(proposal: Proposal, target: ProposalStatus, now: datetime) -> None:
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
    until = proposal.cooling_off_until
    if target == ProposalStatus.EXECUTED and until is not None and now < until:
        raise AdvisorError(
            f"Proposal {proposal.id} cannot go from {current} to {target} before its cooling-off "
            f"period ends at {until.isoformat(timespec='minutes')}"
        )


def _audit_event(
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int | None,
    payload: dict[str, Any],
    run_id: str | None = None,
) -> AuditEvent:
    return AuditEvent(
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        payload=payload,
        run_id=run_id,
    )


# Planning records and helpers (the planning issue) ------------------------------------------------

GOAL_FIELDS: Final = frozenset(
    {
        "name",
        "kind",
        "target_amount",
        "target_date",
        "risk_level",
        "priority",
        "current_value",
        "monthly_deposit",
    }
)
UNIT: Final = Decimal("0.00000001")


class GoalRecord(BaseModel):
    """A stored goal."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    investor_id: int
    account_id: int | None
    name: str
    kind: str
    target_amount: float
    target_date: date
    priority: int
    current_value: float
    monthly_deposit: float
    risk_level: int


class TaxLotRecord(BaseModel):
    """A stored open tax lot."""

    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    account_id: int
    product_id: str
    bought_on: date
    units: float
    cost_basis: float
    source: str


def _goal_fields(changes: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - GOAL_FIELDS)
    if unknown:
        raise AdvisorError(f"Unknown goal field(s) {', '.join(unknown)}")
    fields = dict(changes)
    for name in ("target_amount", "current_value", "monthly_deposit"):
        if name in fields:
            fields[name] = _holding_value(name, float(fields[name]))
    if "risk_level" in fields and not 1 <= int(fields["risk_level"]) <= 5:
        raise AdvisorError(f"Goal risk_level must be between 1 and 5, got {fields['risk_level']}")
    return fields


def _jsonable(fields: Mapping[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    return {name: convert(value) for name, value in fields.items()}


def _tax_status(status: orm.AccountTaxStatus | str) -> orm.AccountTaxStatus:
    try:
        return orm.AccountTaxStatus(status)
    except ValueError:
        expected = ", ".join(orm.AccountTaxStatus)
        raise AdvisorError(f"Unknown tax status {status!r}; expected one of {expected}") from None


def _tax_status_of(session: Session, account_id: int) -> orm.AccountTaxStatus:
    row = session.get(orm.AccountTax, account_id)
    return orm.AccountTaxStatus.TAXABLE if row is None else row.tax_status


def _units(units: float) -> Decimal:
    return Decimal(repr(units)).quantize(UNIT, rounding=ROUND_HALF_UP)

"""From an accepted proposal to a trade: advisor review, co-approval by a trusted contact, trading
holds, and execution in the simulated account. Every step is an audit event.

A proposal the investor accepts goes to advisor review when it `requires_review`. A trade moving
more than `co_approval_amount` waits for the investor's co-approving delegate, if one was granted
`co_approve`. When nothing is left to wait for (review, co-approval, cooling-off, a hold), the
proposal is executed: the account's holdings become its weights of the account's current value.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.accounts.alerts import alert_recipients, send_alert
from advisor.accounts.audit import audit
from advisor.accounts.errors import TradingOnHold
from advisor.accounts.holds import HoldRecord, HoldService, active_hold
from advisor.accounts.roles import Action, Principal
from advisor.accounts.service import AccountService
from advisor.accounts.suitability_check import Violation, decision_for, weight_violations
from advisor.errors import AdvisorError
from advisor.runtime import Runtime
from advisor.settings import Settings
from advisor.storage.models import (
    Account,
    AlertKind,
    CoApproval,
    CoApprovalDecision,
    Delegate,
    DelegatePermission,
    Holding,
    Investor,
    Proposal,
    ProposalStatus,
    Role,
    User,
    utc_now,
)
from advisor.storage.store import PendingReview, ProposalRecord, Store

CENT: Final = Decimal("0.01")


class Outcome(StrEnum):
    """Where an accepted proposal stands after a step."""

    PENDING_REVIEW = "pending_review"  # waiting for the advisor
    AWAITING_CO_APPROVAL = "awaiting_co_approval"  # waiting for the trusted contact
    COOLING_OFF = "cooling_off"  # approved, executable once the cooling-off period ends
    ON_HOLD = "on_hold"  # approved, stopped by a trading hold
    EXECUTED = "executed"
    REJECTED = "rejected"  # by the advisor or the co-approving delegate


class Review(StrEnum):
    """An advisor's decision on a pending proposal."""

    APPROVE = "approve"
    MODIFY = "modify"
    REJECT = "reject"


@dataclass(frozen=True)
class StepResult:
    """What a step did, in words the UI can show as they are."""

    proposal_id: int
    status: ProposalStatus
    outcome: Outcome
    message: str
    trade_amount: float = 0.0


@dataclass(frozen=True)
class ReviewResult:
    """A review: saved with its step result, or refused with the suitability violations."""

    saved: bool
    violations: list[Violation] = field(default_factory=list)
    step: StepResult | None = None


@dataclass(frozen=True)
class _Context:
    proposal: ProposalRecord
    investor_id: int


class ApprovalService:
    """Accepting, reviewing and co-approving proposals, and the trading holds that stop them."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        accounts: AccountService,
        runtime: Runtime,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._settings = settings
        self._accounts = accounts
        self._runtime = runtime
        self._clock = clock
        self.holds = HoldService(store, settings, accounts, clock)

    # The investor --------------------------------------------------------------------------------

    def accept_proposal(self, principal: Principal, proposal_id: int) -> StepResult:
        """The investor accepts a proposal: to review if it requires one, else on to co-approval
        (a large trade with a co-approving delegate) and execution. Accepting an approved
        proposal again executes it once its cooling-off period is over."""
        context = self._context(proposal_id)
        self._accounts.authorize(principal, Action.ACCEPT_PROPOSAL, context.investor_id)
        hold = self.holds.active_hold(context.investor_id)
        if hold is not None:
            raise TradingOnHold(_hold_message(hold))
        actor = principal.actor
        status = context.proposal.status
        if status in (ProposalStatus.EXECUTED, ProposalStatus.REJECTED):
            raise AdvisorError(f"Proposal {proposal_id} is {status}; it cannot be accepted")
        with self._store.atomic() as store:
            with store.transaction() as session:
                amount = _trade_amount(session, context.proposal)
                audit(
                    session,
                    actor,
                    "proposal.accepted",
                    "proposal",
                    proposal_id,
                    {"status": status.value, "trade_amount": float(amount)},
                )
                self._request_co_approval(session, proposal_id, context.investor_id, amount, actor)
            if status == ProposalStatus.DRAFT and context.proposal.requires_review:
                store.transition_proposal(proposal_id, ProposalStatus.PENDING_REVIEW, actor)
                return self._result(store, proposal_id, Outcome.PENDING_REVIEW, amount)
            if status == ProposalStatus.PENDING_REVIEW:
                return self._result(store, proposal_id, Outcome.PENDING_REVIEW, amount)
            return self._advance(store, proposal_id, actor)

    # The advisor ---------------------------------------------------------------------------------

    def pending_reviews(self, principal: Principal) -> list[PendingReview]:
        """The proposals waiting for review of the investors the principal may review."""
        visible = set(self._accounts.visible_investors(principal))
        if principal.role not in (Role.ADVISOR, Role.ADMIN):
            return []
        return [item for item in self._store.pending_reviews() if item.investor_id in visible]

    def check_weights(self, proposal_id: int, weights: Mapping[str, float]) -> list[Violation]:
        """The suitability violations of `weights` for the proposal's investor; empty if none."""
        with self._store.transaction() as session:
            account = session.get(Account, _proposal(session, proposal_id).account_id)
            assert account is not None  # a foreign key
            investor = session.get(Investor, account.investor_id)
            assert investor is not None
            risk_level, jurisdiction = account.risk_level, investor.jurisdiction
        profile = self._store.latest_profile(investor.id)
        profile_data = None if profile is None else profile[1]
        decision = decision_for(self._runtime, profile_data, risk_level, jurisdiction)
        return weight_violations(weights, decision, self._runtime)

    def review(
        self,
        principal: Principal,
        proposal_id: int,
        decision: Review | str,
        comment: str | None,
        weights: Mapping[str, float] | None = None,
    ) -> ReviewResult:
        """Approve, modify (with `weights`, checked by the suitability engine first: violations
        are returned and nothing is saved) or reject (with a comment) a pending proposal."""
        choice = Review(decision)
        context = self._context(proposal_id)
        self._accounts.authorize(principal, Action.REVIEW_PROPOSAL, context.investor_id)
        actor = principal.actor
        if choice == Review.REJECT:
            if not comment or not comment.strip():
                raise AdvisorError("A rejection needs a comment saying why")
            self._store.transition_proposal(proposal_id, ProposalStatus.REJECTED, actor, comment)
            return ReviewResult(True, [], self._result(self._store, proposal_id, Outcome.REJECTED))
        if choice == Review.MODIFY:
            self._accounts.authorize(principal, Action.MODIFY_PROPOSAL, context.investor_id)
            if weights is None:
                raise AdvisorError("A modification needs the new weights")
            violations = self.check_weights(proposal_id, weights)
            if violations:
                payload = {"weights": dict(weights), "violations": [v.message for v in violations]}
                self._store.record_event(
                    actor, "proposal.modification_refused", "proposal", proposal_id, payload
                )
                return ReviewResult(False, violations, None)
            with self._store.atomic() as store:
                store.modify_proposal(proposal_id, weights, actor, comment)
                return ReviewResult(True, [], self._advance(store, proposal_id, actor))
        with self._store.atomic() as store:
            store.transition_proposal(proposal_id, ProposalStatus.APPROVED, actor, comment)
            return ReviewResult(True, [], self._advance(store, proposal_id, actor))

    # The trusted contact -------------------------------------------------------------------------

    def pending_co_approvals(self, principal: Principal) -> list[ProposalRecord]:
        """The large trades waiting for this delegate's co-approval."""
        if principal.role != Role.DELEGATE or principal.investor_id is None:
            return []
        if DelegatePermission.CO_APPROVE not in principal.permissions:
            return []
        query = (
            select(Proposal)
            .join(CoApproval, CoApproval.proposal_id == Proposal.id)
            .join(Account, Account.id == Proposal.account_id)
            .where(Account.investor_id == principal.investor_id, CoApproval.decision.is_(None))
            .order_by(Proposal.id)
        )
        with self._store.transaction() as session:
            return [ProposalRecord.model_validate(p) for p in session.scalars(query)]

    def co_approve(self, principal: Principal, proposal_id: int) -> StepResult:
        """The co-approving delegate approves a large trade; it executes if nothing else waits."""
        return self._co_decide(principal, proposal_id, CoApprovalDecision.APPROVED, None)

    def co_reject(self, principal: Principal, proposal_id: int, comment: str) -> StepResult:
        """The co-approving delegate stops a large trade; the proposal will not be executed."""
        return self._co_decide(principal, proposal_id, CoApprovalDecision.REJECTED, comment)

    # Holds ---------------------------------------------------------------------------------------

    def raise_exploitation_hold(self, investor_id: int, reason: str) -> HoldRecord | None:
        """See `HoldService.raise_exploitation_hold`."""
        return self.holds.raise_exploitation_hold(investor_id, reason)

    # Steps ---------------------------------------------------------------------------------------

    def _co_decide(
        self,
        principal: Principal,
        proposal_id: int,
        decision: CoApprovalDecision,
        comment: str | None,
    ) -> StepResult:
        context = self._context(proposal_id)
        self._accounts.authorize(principal, Action.CO_APPROVE, context.investor_id)
        actor = principal.actor
        with self._store.atomic() as store:
            with store.transaction() as session:
                request = session.scalars(
                    select(CoApproval).where(CoApproval.proposal_id == proposal_id)
                ).first()
                if request is None:
                    raise AdvisorError(f"Proposal {proposal_id} is not waiting for co-approval")
                if request.decision is not None:
                    raise AdvisorError(f"Proposal {proposal_id} was already {request.decision}")
                request.decision = decision
                request.decided_by_user_id = principal.user_id
                request.decided_at = self._clock()
                payload = {"amount": float(request.amount), "comment": comment}
                audit(session, actor, f"co_approval.{decision}", "proposal", proposal_id, payload)
                amount = request.amount
            if decision == CoApprovalDecision.REJECTED:
                if context.proposal.status == ProposalStatus.PENDING_REVIEW:
                    note = f"declined by the trusted contact: {comment}"
                    store.transition_proposal(proposal_id, ProposalStatus.REJECTED, actor, note)
                return self._result(store, proposal_id, Outcome.REJECTED, amount)
            return self._advance(store, proposal_id, actor)

    def _advance(self, store: Store, proposal_id: int, actor: str) -> StepResult:
        """Execute the proposal if nothing is left to wait for; else say what it waits for."""
        proposal = store.proposal(proposal_id)
        with store.transaction() as session:
            amount = _trade_amount(session, proposal)
            investor_id = _investor_of(session, proposal)
            # Asked here too: an advisor's modification can make a small trade a large one.
            co_approval = self._request_co_approval(
                session, proposal_id, investor_id, amount, actor
            )
            held = active_hold(session, investor_id, self._clock()) is not None
        if proposal.status == ProposalStatus.PENDING_REVIEW:
            return self._result(store, proposal_id, Outcome.PENDING_REVIEW, amount)
        if proposal.status == ProposalStatus.DRAFT and proposal.requires_review:
            return self._result(store, proposal_id, Outcome.PENDING_REVIEW, amount)
        if co_approval is not None and co_approval.decision == CoApprovalDecision.REJECTED:
            return self._result(store, proposal_id, Outcome.REJECTED, amount)
        if co_approval is not None and co_approval.decision is None:
            return self._result(store, proposal_id, Outcome.AWAITING_CO_APPROVAL, amount)
        if held:
            return self._result(store, proposal_id, Outcome.ON_HOLD, amount)
        until = proposal.cooling_off_until
        if until is not None and self._clock() < until:
            return self._result(store, proposal_id, Outcome.COOLING_OFF, amount)
        self._execute(store, proposal, actor, amount)
        return self._result(store, proposal_id, Outcome.EXECUTED, amount)

    def _execute(self, store: Store, proposal: ProposalRecord, actor: str, amount: Decimal) -> None:
        """Trade the account to the proposal's weights at its current value, then record it."""
        holdings = store.holdings(proposal.account_id)
        total = sum(holdings.values())
        target = {p: total * w for p, w in proposal.weights.items() if w > 0}
        store.replace_holdings(proposal.account_id, target, actor)
        store.transition_proposal(proposal.id, ProposalStatus.EXECUTED, actor)
        with store.transaction() as session:
            account = session.get(Account, proposal.account_id)
            assert account is not None
            account.last_rebalanced_at = self._clock()
            if amount > Decimal(str(self._settings.co_approval_amount)):
                investor_id = account.investor_id
                recipients = alert_recipients(session, investor_id, self._clock(), advisors=False)
                message = f"A trade of {amount:,.2f} {account.currency} was made in {account.name}"
                send_alert(session, investor_id, AlertKind.LARGE_TRADE, message, recipients, actor)

    def _request_co_approval(
        self, session: Session, proposal_id: int, investor_id: int, amount: Decimal, actor: str
    ) -> CoApproval | None:
        """The proposal's co-approval request; made (once) when the trade is above the set
        amount and the investor has a co-approving delegate, else None."""
        existing = session.scalars(
            select(CoApproval).where(CoApproval.proposal_id == proposal_id)
        ).first()
        if existing is not None or amount <= Decimal(str(self._settings.co_approval_amount)):
            return existing
        approvers = _co_approvers(session, investor_id, self._clock())
        if not approvers:
            return None
        request = CoApproval(proposal_id=proposal_id, amount=amount)
        session.add(request)
        session.flush()
        payload = {"amount": float(amount), "approvers": approvers}
        audit(session, actor, "co_approval.requested", "proposal", proposal_id, payload)
        message = (
            f"A trade of {amount:,.2f} needs your approval before it is made "
            f"(proposal {proposal_id})"
        )
        send_alert(session, investor_id, AlertKind.LARGE_TRADE, message, approvers, actor)
        return request

    def _context(self, proposal_id: int) -> _Context:
        with self._store.transaction() as session:
            proposal = _proposal(session, proposal_id)
            return _Context(
                ProposalRecord.model_validate(proposal), _investor_of(session, proposal)
            )

    def _result(
        self, store: Store, proposal_id: int, outcome: Outcome, amount: Decimal = Decimal(0)
    ) -> StepResult:
        status = store.proposal(proposal_id).status
        return StepResult(proposal_id, status, outcome, _MESSAGES[outcome], float(amount))


_MESSAGES: Final = {
    Outcome.PENDING_REVIEW: "Sent to your advisor for review.",
    Outcome.AWAITING_CO_APPROVAL: "Waiting for your trusted contact to approve this trade.",
    Outcome.COOLING_OFF: "Approved; it can be made once the cooling-off period ends.",
    Outcome.ON_HOLD: "Approved, but trading is on hold for now.",
    Outcome.EXECUTED: "Done: the account now holds the new portfolio.",
    Outcome.REJECTED: "Not made: the proposal was declined.",
}


def _proposal(session: Session, proposal_id: int) -> Proposal:
    proposal = session.get(Proposal, proposal_id)
    if proposal is None:
        raise AdvisorError(f"There is no proposal with id {proposal_id}")
    return proposal


def _investor_of(session: Session, proposal: Proposal | ProposalRecord) -> int:
    account = session.get(Account, proposal.account_id)
    if account is None:
        raise AdvisorError(f"There is no account with id {proposal.account_id}")
    return account.investor_id


def _trade_amount(session: Session, proposal: Proposal | ProposalRecord) -> Decimal:
    """The money the trade moves: half the absolute changes of value, i.e. what is sold (and
    bought) to go from the current holdings to the proposal's weights of the same total."""
    rows = session.execute(
        select(Holding.product_id, Holding.value).where(Holding.account_id == proposal.account_id)
    )
    current = {product_id: Decimal(value) for product_id, value in rows}
    total = sum(current.values(), Decimal(0))
    products = set(current) | set(proposal.weights)
    moved = sum(
        (
            abs(total * Decimal(str(proposal.weights.get(p, 0.0))) - current.get(p, Decimal(0)))
            for p in products
        ),
        Decimal(0),
    )
    return (moved / 2).quantize(CENT)


def _co_approvers(session: Session, investor_id: int, now: datetime) -> list[int]:
    query = (
        select(User.id, Delegate)
        .join(Delegate, Delegate.id == User.delegate_id)
        .where(Delegate.investor_id == investor_id, User.disabled.is_(False))
        .order_by(User.id)
    )
    return [
        user_id
        for user_id, delegate in session.execute(query)
        if DelegatePermission.CO_APPROVE.value in delegate.permissions
        and (delegate.revoked_at is None or delegate.revoked_at > now)
    ]


def _hold_message(hold: HoldRecord) -> str:
    return (
        f"Trading for investor {hold.investor_id} is on hold until "
        f"{hold.until:%Y-%m-%d %H:%M} UTC: {hold.reason}"
    )

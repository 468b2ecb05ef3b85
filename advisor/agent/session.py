"""A persistent advice session: an `Advisor` conversation kept in a `Store`, so that an investor
can leave and resume.

The advisor is stateless (the conversation is the state), so a turn is: read the stored
conversation, add the new user message, let the advisor respond to the whole of it, then record
everything the turn produced in ONE transaction: both messages, a new profile version if the
profile changed, any proposal, and the audit events. Either the reply is on record together with
its profile, proposal and audit trail, or nothing of the turn is (and the user may simply send
the message again).

Nothing here executes anything: a proposal is recorded as a draft, or as pending review when it
needs an advisor. A change of risk (the conservative tilt offered to a panicking investor, a risk
increase) always waits for review and cannot be executed before its cooling-off period ends;
`Store.transition_proposal` enforces that.
"""

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Self

from advisor.agent.orchestrator import Advisor, DraftTurn, PendingChange, Turn
from advisor.agent.tools import Proposal
from advisor.errors import AdvisorError
from advisor.planning.goals import GoalAssessment
from advisor.profile.text import Message
from advisor.profile.transcript import MAX_MESSAGE_CHARS
from advisor.storage.models import MessageRole, ProposalKind, ProposalStatus, utc_now
from advisor.storage.store import ConversationRecord, ProposalRecord, Store

ACTOR: Final = "robo-advisor"  # who the audit log names for what the session records
ACCOUNT_NAME: Final = "Advised portfolio"
CURRENCIES: Final = {"US": "USD", "CN": "CNY"}
PENDING_KINDS: Final = {
    "conservative_tilt": ProposalKind.CONSERVATIVE_TILT,
    "risk_increase": ProposalKind.RISK_INCREASE,
}
OPEN_STATUSES: Final = frozenset({ProposalStatus.DRAFT, ProposalStatus.PENDING_REVIEW})
SAME_WEIGHT: Final = 1e-9  # weights closer than this are the same proposal again


@dataclass(frozen=True)
class _PlannedProposal:
    """A proposal a turn made, as it is to be recorded."""

    proposal: Proposal
    kind: ProposalKind
    requires_review: bool
    rationale: str
    cooling_off_until: datetime | None = None
    change: PendingChange | None = None

    @property
    def weights(self) -> dict[str, float]:
        """Product id -> weight."""
        return {holding.product_id: holding.weight for holding in self.proposal.holdings}


@dataclass(frozen=True)
class _Recorded:
    """A proposal of the turn and its id; `new` is False when an identical open one was reused."""

    plan: _PlannedProposal
    proposal_id: int
    new: bool


@dataclass(frozen=True)
class _Ids:
    """Where the turn's records went."""

    investor_id: int
    conversation_id: int
    user_index: int
    reply_index: int


@dataclass(frozen=True)
class PendingTurn:
    """A turn decided by the engine, not yet recorded (`AdviceSession.draft`)."""

    draft: DraftTurn
    text: str
    next_index: int


class AdviceSession:
    """One investor's conversation with the advisor, persisted turn by turn.

    Begin with `start` (a new conversation) or `resume` (an existing one), then `send`. Sessions
    are cheap: build one per conversation and share the `Advisor` and the `Store` between them.
    """

    def __init__(
        self, advisor: Advisor, store: Store, *, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._advisor = advisor
        self._store = store
        self._clock = clock
        self._investor_name: str | None = None
        self._investor_id: int | None = None
        self._conversation_id: int | None = None
        self._begun = False

    @property
    def conversation_id(self) -> int | None:
        """The stored conversation; None until the first turn of a new one is recorded."""
        return self._conversation_id

    @property
    def investor_id(self) -> int | None:
        """The investor; None until the first turn of a new investor is recorded."""
        return self._investor_id

    def start(self, investor_name: str | None = None, *, investor_id: int | None = None) -> Self:
        """Begin a new conversation, of a new investor called `investor_name` or of an existing
        investor. Nothing is written until the first `send`, so no empty conversation is left."""
        if (investor_name is None) == (investor_id is None):
            raise AdvisorError("Start a session with either an investor name or an investor id")
        self._investor_name = investor_name
        self._investor_id = investor_id
        self._conversation_id = None
        self._begun = True
        return self

    def resume(self, conversation_id: int) -> Self:
        """Continue a stored conversation; `AdvisorError` if there is none with this id."""
        record = self._store.conversation(conversation_id)
        self._investor_name = None
        self._investor_id = record.investor_id
        self._conversation_id = record.id
        self._begun = True
        return self

    def messages(self) -> list[Message]:
        """The conversation so far, as the advisor reads it (user and assistant messages)."""
        return _advisor_messages(self._stored())

    def send(self, text: str) -> Turn:
        """The advisor's turn in reply to `text`, recorded with everything it produced.

        Raises `AdvisorError` if the session was neither started nor resumed, or if the
        conversation changed since it was read (the same conversation open twice); then nothing
        of the turn is recorded.
        """
        return self.complete(self.draft(text))

    def draft(self, text: str) -> PendingTurn:
        """`send` in two steps: the engine's half of the turn now (nothing recorded yet), the
        model's opening and the recording in `complete`. For pages that
        show the engine's answer while the shared model is busy with someone else."""
        if not self._begun:
            raise AdvisorError("Start or resume the session before sending a message")
        if len(text) > MAX_MESSAGE_CHARS:
            raise AdvisorError(
                f"The message is too long ({len(text):,} characters; at most "
                f"{MAX_MESSAGE_CHARS:,}): please split it"
            )
        # NUL carries nothing a person typed, and PostgreSQL cannot store it in text.
        text = text.replace("\x00", "")
        stored = self._stored()
        conversation = [*_advisor_messages(stored), Message("user", text)]
        draft = self._advisor.draft(
            conversation,
            trusted_contact_registered=self._trusted_contact(),
            current_risk_level=self._current_risk_level(),
        )
        next_index = len(stored.messages) if stored is not None else 0
        return PendingTurn(draft, text, next_index)

    def complete(self, pending: PendingTurn) -> Turn:
        """The model's opening for a drafted turn, then every write of the turn in one
        transaction (`send`'s errors apply)."""
        turn = self._advisor.finish(pending.draft)
        ids = self._record(turn, pending.text, pending.next_index)
        # Only now that the turn is committed: a failed turn leaves the session as it was.
        self._investor_id, self._conversation_id = ids.investor_id, ids.conversation_id
        return turn

    # Reading ------------------------------------------------------------------------------------

    def _stored(self) -> ConversationRecord | None:
        if self._conversation_id is None:
            return None
        return self._store.conversation(self._conversation_id)

    def _current_risk_level(self) -> int | None:
        """The risk level of the investor's current plan: their account's, if they have one."""
        if self._investor_id is None:
            return None
        accounts = self._store.accounts(self._investor_id)
        return accounts[0].risk_level if accounts else None

    def _trusted_contact(self) -> bool:
        if self._investor_id is None:
            return False
        return self._store.has_trusted_contact(self._investor_id)

    # Recording ----------------------------------------------------------------------------------

    def _record(self, turn: Turn, text: str, next_index: int) -> _Ids:
        """Every write of the turn, in one transaction."""
        now = self._clock()
        with self._store.atomic() as store:
            ids = self._record_messages(store, turn, text, next_index)
            profile_version = _save_profile(store, ids.investor_id, turn)
            recorded = self._record_proposals(store, ids.investor_id, turn, now)
            if turn.goal is not None and recorded:
                account_id = store.accounts(ids.investor_id)[0].id  # opened for the proposal
                _save_goal(store, ids.investor_id, account_id, turn.goal)
            _audit_turn(store, ids, turn, profile_version, recorded)
        return ids

    def _record_messages(self, store: Store, turn: Turn, text: str, next_index: int) -> _Ids:
        """Both messages, after the investor and the conversation if this is the first turn."""
        investor_id = self._investor_id
        if investor_id is None:
            jurisdiction = self._advisor.tools.runtime.settings.jurisdiction
            name = self._investor_name or "Investor"
            investor_id = store.create_investor(name, jurisdiction=jurisdiction)
        conversation_id = self._conversation_id
        if conversation_id is None:
            conversation_id = store.start_conversation(investor_id, language=turn.language)
        user_index = store.append_message(
            conversation_id, MessageRole.USER, text, expected_index=next_index
        )
        reply_index = store.append_message(conversation_id, MessageRole.ASSISTANT, turn.reply)
        return _Ids(investor_id, conversation_id, user_index, reply_index)

    def _record_proposals(
        self, store: Store, investor_id: int, turn: Turn, now: datetime
    ) -> list[_Recorded]:
        """The turn's proposals, in the investor's account (opened if there is none yet)."""
        plans = _planned_proposals(turn, now)
        if not plans:
            return []
        account_id = self._account(store, investor_id, turn, plans[0].proposal)
        return [_record_proposal(store, account_id, plan) for plan in plans]

    def _account(self, store: Store, investor_id: int, turn: Turn, proposal: Proposal) -> int:
        """The investor's first account; opened at the suitable risk level if there is none."""
        accounts = store.accounts(investor_id)
        if accounts:
            return accounts[0].id
        jurisdiction = self._advisor.tools.runtime.settings.jurisdiction
        risk_level = turn.decision.risk_level if turn.decision else proposal.risk_level
        return store.open_account(
            investor_id,
            ACCOUNT_NAME,
            risk_level=risk_level,
            currency=CURRENCIES.get(jurisdiction, "USD"),
        )


def _save_goal(store: Store, investor_id: int, account_id: int, assessed: GoalAssessment) -> None:
    """Store the goal the investor stated, or update their goal of the same kind: stating new
    figures in the chat is how a goal is edited. Unchanged figures write nothing."""
    goal = assessed.goal
    existing = next((g for g in store.goals(investor_id) if g.kind == goal.kind), None)
    if existing is None:
        store.add_goal(
            investor_id,
            name=goal.kind.replace("_", " ").capitalize(),
            kind=goal.kind,
            target_amount=goal.target_amount,
            target_date=goal.target_date,
            current_value=goal.current_value,
            monthly_deposit=goal.monthly_deposit,
            risk_level=assessed.risk_level,
            actor=ACTOR,
            account_id=account_id,
        )
        return
    amounts = {
        "target_amount": (existing.target_amount, goal.target_amount),
        "current_value": (existing.current_value, goal.current_value),
        "monthly_deposit": (existing.monthly_deposit, goal.monthly_deposit),
    }
    changed: dict[str, Any] = {
        name: new for name, (old, new) in amounts.items() if abs(float(old) - new) > 0.005
    }  # amounts are stored to the cent
    if existing.target_date != goal.target_date:
        changed["target_date"] = goal.target_date
    if existing.risk_level != assessed.risk_level:
        changed["risk_level"] = assessed.risk_level
    if changed:
        store.update_goal(existing.id, changed, ACTOR)


def _advisor_messages(stored: ConversationRecord | None) -> list[Message]:
    """The stored messages the advisor reads: the user's and its own (not system or tool)."""
    if stored is None:
        return []
    return [
        Message("user" if m.role == MessageRole.USER else "assistant", m.content)
        for m in stored.messages
        if m.role in (MessageRole.USER, MessageRole.ASSISTANT)
    ]


def _save_profile(store: Store, investor_id: int, turn: Turn) -> int | None:
    """A new profile version if the profile's contract changed; its number, or None."""
    data = _json_ready(turn.profile.contract())
    latest = store.latest_profile(investor_id)
    if latest is not None and latest[1] == data:
        return None
    return store.save_profile(investor_id, data, actor=ACTOR)


def _planned_proposals(turn: Turn, now: datetime) -> list[_PlannedProposal]:
    """The pending change, if any, then the turn's proposal if it is not that change's."""
    plans: list[_PlannedProposal] = []
    change = turn.pending_change
    if change is not None:
        plans.append(
            _PlannedProposal(
                proposal=change.proposal,
                kind=PENDING_KINDS[change.kind],
                requires_review=True,
                rationale=_change_rationale(change),
                cooling_off_until=now + timedelta(hours=change.cooling_off_hours),
                change=change,
            )
        )
    proposal = turn.proposal
    if proposal is not None and (change is None or proposal != change.proposal):
        kind = ProposalKind(proposal.kind)
        plans.append(
            _PlannedProposal(
                proposal=proposal,
                kind=kind,
                # A change of risk always waits for a person, whatever the proposal says.
                requires_review=proposal.requires_review or kind != ProposalKind.ALLOCATION,
                rationale=_allocation_rationale(proposal),
            )
        )
    return plans


def _record_proposal(store: Store, account_id: int, plan: _PlannedProposal) -> _Recorded:
    """Record the proposal (a raised change pending review at once), unless an identical one of the
    same kind is still open: asking twice must not queue the same item twice for a reviewer."""
    duplicate = _open_duplicate(store.proposals(account_id), plan)
    if duplicate is not None:
        return _Recorded(plan, duplicate.id, new=False)
    proposal_id = store.record_proposal(
        account_id,
        plan.weights,
        plan.rationale,
        plan.requires_review,
        ACTOR,
        kind=plan.kind,
        cooling_off_until=plan.cooling_off_until,
    )
    # A change the advisor itself raises (a tilt for a panicking investor, a risk increase) goes
    # to a person at once; a portfolio waits as a draft for the investor to accept it, and only
    # then, if it needs one, for review.
    if plan.change is not None:
        store.transition_proposal(proposal_id, ProposalStatus.PENDING_REVIEW, actor=ACTOR)
    return _Recorded(plan, proposal_id, new=True)


def _open_duplicate(
    existing: list[ProposalRecord], plan: _PlannedProposal
) -> ProposalRecord | None:
    """The newest open proposal of the plan's kind, if its weights are the plan's."""
    same_kind = [p for p in existing if p.kind == plan.kind and p.status in OPEN_STATUSES]
    if not same_kind:
        return None
    latest = same_kind[-1]
    return latest if _same_weights(latest.weights, plan.weights) else None


def _same_weights(a: Mapping[str, float], b: Mapping[str, float]) -> bool:
    return a.keys() == b.keys() and all(
        math.isclose(a[product], b[product], rel_tol=0.0, abs_tol=SAME_WEIGHT) for product in a
    )


def _audit_turn(
    store: Store,
    ids: _Ids,
    turn: Turn,
    profile_version: int | None,
    recorded: list[_Recorded],
) -> None:
    """The turn's audit events: guard rejections, a handover, cooling-off periods, the turn."""
    conversation = ("conversation", ids.conversation_id)
    where = {"conversation_id": ids.conversation_id, "message_index": ids.reply_index}
    if turn.guard_rejections:
        payload = {**where, "problems": list(turn.guard_rejections)}
        store.record_event(ACTOR, "guard_rejection", *conversation, payload)
    proposal_ids = [item.proposal_id for item in recorded]
    if turn.handover_reason is not None:
        payload = {**where, "reason": turn.handover_reason, "proposal_ids": proposal_ids}
        store.record_event(ACTOR, "handover", *conversation, payload)
    for item in recorded:
        change, until = item.plan.change, item.plan.cooling_off_until
        if item.new and change is not None and until is not None:
            payload = {**where, **_cooling_off(item.plan.kind, change, until)}
            store.record_event(ACTOR, "cooling_off", "proposal", item.proposal_id, payload)
    store.record_event(
        ACTOR,
        "advice_turn",
        *conversation,
        {
            **where,
            "user_message_index": ids.user_index,
            "action": turn.action,
            "language": turn.language,
            "templates_version": turn.templates_version,
            "degraded": turn.degraded,
            "profile_version": profile_version,
            "proposals": [
                {"id": item.proposal_id, "kind": item.plan.kind.value, "new": item.new}
                for item in recorded
            ],
        },
    )


def _cooling_off(kind: ProposalKind, change: PendingChange, until: datetime) -> dict[str, Any]:
    return {
        "kind": kind.value,
        "from_level": change.from_level,
        "to_level": change.to_level,
        "equity_before": change.equity_before,
        "equity_after": change.equity_after,
        "hours": change.cooling_off_hours,
        "until": until.isoformat(),
    }


def _change_rationale(change: PendingChange) -> str:
    before = "?" if change.equity_before is None else f"{change.equity_before:.1%}"
    return (
        f"{change.kind.replace('_', ' ').capitalize()} from risk level C{change.from_level} "
        f"towards C{change.to_level} (equity {before} -> {change.equity_after:.1%}), offered in "
        f"the conversation; it waits for an adviser's review and a "
        f"{change.cooling_off_hours:g}-hour cooling-off period."
    )


def _allocation_rationale(proposal: Proposal) -> str:
    rules = ", ".join(proposal.rules) or "none"
    text = (
        f"Optimal portfolio for risk level C{proposal.risk_level} (expected return "
        f"{proposal.expected_return:.2%}, volatility {proposal.volatility:.2%}); rules: {rules}."
    )
    if proposal.warnings:
        text += " Warnings: " + "; ".join(proposal.warnings)
    return text


def _json_ready(data: dict[str, Any]) -> dict[str, Any]:
    """`data` as it reads back from a JSON column, so that a stored profile compares equal."""
    loaded: dict[str, Any] = json.loads(json.dumps(data))
    return loaded

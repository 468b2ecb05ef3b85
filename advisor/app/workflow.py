"""The app's side of the accounts services: consent, profile corrections, the questionnaire-only
path, accepting, reviewing and co-approving proposals, and undoing a trade. Each function takes an
already signed-in principal; the services check permissions again and audit what they do."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy import select

from advisor.accounts.approvals import Review, StepResult
from advisor.accounts.consent import CONSENT_TEXT as ACCOUNTS_CONSENT_TEXT
from advisor.accounts.consent import CONSENT_VERSION
from advisor.accounts.errors import TradingOnHold
from advisor.accounts.roles import Action, Principal
from advisor.accounts.suitability_check import Violation
from advisor.accounts.suitability_check import decision_for as suitability_decision
from advisor.app.records import conversation_ids
from advisor.app.services import Services
from advisor.app.views import CORRECTABLE_FIELDS
from advisor.errors import AdvisorError
from advisor.planning.mode import disclosure
from advisor.profile.model import Inferred, InvestorProfile
from advisor.storage.audit_chain import verify_session
from advisor.storage.models import (
    Account,
    CoApproval,
    Delegate,
    DelegatePermission,
    Proposal,
    ProposalKind,
    ProposalStatus,
    utc_now,
)
from advisor.storage.store import AuditEventRecord, ProposalRecord
from advisor.suitability.decision import SuitabilityDecision

CONSENT_TEXT: Final = (
    "### Before we start\n"
    f"{ACCOUNTS_CONSENT_TEXT}\n\n"
    f"<small>Consent text version {CONSENT_VERSION}. You are talking to an AI; a human advisor "
    "reviews what it proposes when the rules require it.</small>"
)
UNDO_MINUTES: Final = 10
ACCOUNT_NAME: Final = "Advised portfolio"


# ------------------------------------------------------------------ consent


def consent_state(services: Services, principal: Principal, investor_id: int) -> bool | None:
    """True if the investor agreed to the analysis of the current text, False if they declined
    (the questionnaire-only path), None if they have not answered yet."""
    state = services.consent.current(principal, investor_id)
    if not state.answered:
        return None
    return state.analysis_allowed


def consented(services: Services, principal: Principal, investor_id: int) -> bool:
    """Whether the conversation may be analysed."""
    return consent_state(services, principal, investor_id) is True


def record_consent(
    services: Services, principal: Principal, investor_id: int, granted: bool
) -> None:
    """The investor's answer, recorded with the text version and the time."""
    if granted:
        services.consent.grant(principal, investor_id)
    else:
        services.consent.decline(principal, investor_id)


# ------------------------------------------------------------------ the profile


def record_correction(
    services: Services, principal: Principal, investor_id: int, field: str, value: str
) -> int:
    """A new profile version with the field as the investor says it is, marked as their
    correction, and an audit event; returns the version. `AdvisorError` for a bad value."""
    if field not in CORRECTABLE_FIELDS:
        raise AdvisorError(f"The field {field!r} cannot be corrected here")
    typed = _typed(field, value)
    latest = services.store.latest_profile(investor_id)
    data: dict[str, Any] = dict(latest[1]) if latest else {}
    previous = data.get(field)
    data[field] = [typed] if field == "goals" else typed
    corrections = dict(data.get("corrections", {}))
    corrections[field] = {
        "value": typed,
        "previous": previous,
        "by": principal.actor,
        "at": utc_now().isoformat(),
    }
    data["corrections"] = corrections
    with services.store.atomic() as store:
        version = store.save_profile(investor_id, data, actor=principal.actor)
        store.record_event(
            principal.actor,
            "profile.corrected",
            "investor",
            investor_id,
            {"field": field, "previous": previous, "value": typed, "version": version},
        )
    return version


def with_corrections(
    services: Services, investor_id: int, contract: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The stored profile with the investor's corrections on top (the latest per field), so that
    a correction stays shown, marked as theirs, after later turns re-read the conversation."""
    corrections: dict[str, Any] = {}
    for event in services.store.audit_events("investor", investor_id):
        if event.action == "profile.corrected":
            corrections[str(event.payload["field"])] = event.payload["value"]
    if not corrections:
        return contract
    shown = dict(contract or {})
    for field, value in corrections.items():
        shown[field] = [value] if field == "goals" and not isinstance(value, list) else value
    shown["corrections"] = {**shown.get("corrections", {}), **corrections}
    return shown


def _typed(field: str, value: str) -> Any:
    text = value.strip()
    try:
        if field == "age":
            age = int(float(text))
            if not 18 <= age <= 120:
                raise AdvisorError("Age must be between 18 and 120")
            return age
        if field == "risk_level":
            level = int(text.upper().removeprefix("C"))
            if not 1 <= level <= 5:
                raise AdvisorError("The risk level must be between 1 and 5")
            return level
        if field in ("horizon_years", "emergency_fund_months"):
            number = float(text)
            if number < 0:
                raise AdvisorError(f"{CORRECTABLE_FIELDS[field]} cannot be negative")
            return number
    except ValueError:
        raise AdvisorError(f"{CORRECTABLE_FIELDS[field]}: {text!r} is not a number") from None
    return text


# ------------------------------------------------------------------ the questionnaire


def questionnaire_profile(
    age: int, horizon_years: float, risk_level: int, emergency_months: float
) -> InvestorProfile:
    """A profile from the questionnaire's answers alone: nothing inferred, nothing analysed."""
    sure = 1.0
    return InvestorProfile(
        age=Inferred[int](value=age, confidence=sure),
        risk_level=Inferred[int](value=risk_level, confidence=sure),
        horizon_years=Inferred[float](value=horizon_years, confidence=sure),
        emergency_fund_months=Inferred[float](value=emergency_months, confidence=sure),
        lowest_category=risk_level == 1,
    )


def questionnaire_proposal(
    services: Services,
    principal: Principal,
    investor_id: int,
    age: int,
    horizon_years: float,
    risk_level: int,
    emergency_months: float,
) -> int:
    """The engine's suitable portfolio for the questionnaire's answers, recorded as a proposal
    (pending review if the rules require one) with the answers as a profile version."""
    if not 18 <= age <= 120 or horizon_years <= 0 or emergency_months < 0:
        raise AdvisorError("Please give an age of 18 or more, a horizon above 0 and savings of 0+")
    profile = questionnaire_profile(age, horizon_years, risk_level, emergency_months)
    tools = services.advisor.tools
    decision = tools.check_suitability(profile)
    proposal = tools.build_proposal(decision, horizon_years)
    weights = {h.product_id: h.weight for h in proposal.holdings}
    rules = ", ".join(proposal.rules) or "none"
    rationale = (
        f"Optimal portfolio for risk level C{proposal.risk_level} from the questionnaire "
        f"(expected return {proposal.expected_return:.2%}, volatility "
        f"{proposal.volatility:.2%}); rules: {rules}."
    )
    with services.store.atomic() as store:
        data = {**profile.contract(), "source": "questionnaire"}
        version = store.save_profile(investor_id, data, actor=principal.actor)
        accounts = store.accounts(investor_id)
        account_id = (
            accounts[0].id
            if accounts
            else store.open_account(investor_id, ACCOUNT_NAME, risk_level=decision.risk_level)
        )
        proposal_id = store.record_proposal(
            account_id, weights, rationale, proposal.requires_review, principal.actor
        )
        if proposal.requires_review:
            store.transition_proposal(
                proposal_id, ProposalStatus.PENDING_REVIEW, actor=principal.actor
            )
        store.record_event(
            principal.actor,
            "questionnaire.answered",
            "investor",
            investor_id,
            {"profile_version": version, "proposal_id": proposal_id, "risk_level": risk_level},
        )
    return proposal_id


# ------------------------------------------------------------------ proposals


def proposal_note(services: Services, proposal: ProposalRecord) -> str:
    """What else the investor should know about a proposal's state: a cooling-off period, a
    change of risk, a reviewer's comment."""
    notes = []
    if proposal.cooling_off_until and proposal.cooling_off_until > utc_now():
        notes.append(
            f"It cannot take effect before {proposal.cooling_off_until:%Y-%m-%d %H:%M} UTC "
            "(a cooling-off period)."
        )
    if proposal.kind != ProposalKind.ALLOCATION:
        notes.append(f"It changes your risk ({proposal.kind.replace('_', ' ')}).")
    comment = review_comment(services, proposal.id)
    if comment:
        notes.append(f"Your advisor wrote: “{comment}”")
    return "" if not notes else " " + " ".join(notes)


def mode_note(services: Services) -> str:
    """What accepting means in the configured mode (every account here is simulated; in
    education mode a proposal is an illustration): the mode's own disclosure."""
    return f"<small>{disclosure(services.settings.mode)}</small>"


def review_comment(services: Services, proposal_id: int) -> str | None:
    """The latest reviewer's comment on a proposal, if any."""
    comments = [
        str(event.payload["comment"])
        for event in services.store.audit_events("proposal", proposal_id)
        if event.payload.get("comment")
    ]
    return comments[-1] if comments else None


def accept(services: Services, principal: Principal, proposal_id: int) -> StepResult:
    """The investor accepts: to review, to the trusted contact, or executed; refused (with the
    reason) while trading is on hold."""
    try:
        return services.approvals.accept_proposal(principal, proposal_id)
    except TradingOnHold as error:
        raise AdvisorError(str(error)) from error


def review(
    services: Services,
    principal: Principal,
    proposal_id: int,
    decision: str,
    comment: str | None,
    weights: dict[str, float] | None = None,
) -> str:
    """An advisor's review, as a sentence; for a modification, the engine's violations (and
    nothing saved) when the weights are not suitable."""
    result = services.approvals.review(
        principal, proposal_id, Review(decision), (comment or "").strip() or None, weights
    )
    if not result.saved:
        return "**Not saved.** " + violations_text(result.violations)
    step = result.step
    done = {"approve": "Approved", "modify": "Modified and approved", "reject": "Rejected"}
    return f"**{done[decision]}** proposal {proposal_id}. {step.message if step else ''}"


def check_weights(
    services: Services, proposal_id: int, weights: dict[str, float]
) -> list[Violation]:
    """The engine's suitability check of weights an advisor typed; nothing is saved."""
    return services.approvals.check_weights(proposal_id, weights)


def violations_text(violations: list[Violation]) -> str:
    """The violations, each with its rule id, or that the weights are suitable."""
    if not violations:
        return "**Suitable:** the engine finds no violation; you can save these weights."
    lines = [f"- {v.message}" + (f" (rule `{v.rule_id}`)" if v.rule_id else "") for v in violations]
    return "**Violations — these weights cannot be saved:**\n" + "\n".join(lines)


def decision_for(services: Services, investor_id: int) -> SuitabilityDecision:
    """The suitability decision for the investor now, from their latest profile."""
    accounts = services.store.accounts(investor_id)
    latest = services.store.latest_profile(investor_id)
    level = accounts[0].risk_level if accounts else 3
    jurisdiction = services.settings.jurisdiction
    return suitability_decision(
        services.runtime, latest[1] if latest else None, level, jurisdiction
    )


def co_decide(
    services: Services, principal: Principal, proposal_id: int, approve: bool, comment: str
) -> StepResult:
    """The trusted contact approves or stops a large trade."""
    if approve:
        return services.approvals.co_approve(principal, proposal_id)
    return services.approvals.co_reject(principal, proposal_id, comment or "declined")


# ------------------------------------------------------------------ the family


PERMISSION_WORDS: Final = {
    DelegatePermission.VIEW: "see your account",
    DelegatePermission.ALERTS: "get a message when something important happens",
    DelegatePermission.CO_APPROVE: "approve large changes with you",
}


def permission_words(permissions: Iterable[DelegatePermission | str]) -> str:
    """What a delegate was granted, in plain words."""
    granted = {DelegatePermission(p) for p in permissions}
    words = [text for permission, text in PERMISSION_WORDS.items() if permission in granted]
    if not words:
        return "do nothing yet"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def waiting_co_approvals(services: Services, investor_id: int) -> list[int]:
    """The investor's proposals waiting for a trusted contact's co-approval."""
    query = (
        select(CoApproval.proposal_id)
        .join(Proposal, Proposal.id == CoApproval.proposal_id)
        .join(Account, Account.id == Proposal.account_id)
        .where(Account.investor_id == investor_id, CoApproval.decision.is_(None))
        .order_by(CoApproval.proposal_id)
    )
    with services.store.transaction() as session:
        return list(session.scalars(query))


def waiting_for_family(services: Services, investor_id: int) -> str | None:
    """Whom a change waits for ("Ann"), or None if no change waits for co-approval."""
    if not waiting_co_approvals(services, investor_id):
        return None
    query = select(Delegate.name, Delegate.permissions).where(
        Delegate.investor_id == investor_id, Delegate.revoked_at.is_(None)
    )
    with services.store.transaction() as session:
        names = [
            name
            for name, permissions in session.execute(query)
            if DelegatePermission.CO_APPROVE.value in permissions
        ]
    return " or ".join(names) or "your trusted contact"


# ------------------------------------------------------------------ undo


def executed_at(services: Services, proposal_id: int) -> datetime | None:
    """When the proposal was executed, from its audit events."""
    times = [
        event.at
        for event in services.store.audit_events("proposal", proposal_id)
        if event.action == "proposal.executed"
    ]
    return times[-1] if times else None


def undone(services: Services, proposal_id: int) -> bool:
    """Whether the proposal's trade was undone."""
    return any(
        event.action == "trade.undone"
        for event in services.store.audit_events("proposal", proposal_id)
    )


def undo_deadline(services: Services, proposal: ProposalRecord) -> datetime | None:
    """Until when an executed trade can still be undone; None if it cannot (any more)."""
    if proposal.status != ProposalStatus.EXECUTED or undone(services, proposal.id):
        return None
    at = executed_at(services, proposal.id)
    if at is None:
        return None
    deadline = at + timedelta(minutes=UNDO_MINUTES)
    return deadline if utc_now() < deadline else None


def undo(services: Services, principal: Principal, proposal_id: int) -> str:
    """Put the account back as it was before the trade, within 10 minutes of it; audited."""
    proposal = services.store.proposal(proposal_id)
    account = next(
        (
            a
            for a in services.store.accounts(principal.investor_id or -1)
            if a.id == proposal.account_id
        ),
        None,
    )
    if account is None:
        raise AdvisorError("This trade is not in your account")
    services.accounts.authorize(principal, Action.TRADE, account.investor_id)
    if undo_deadline(services, proposal) is None:
        raise AdvisorError(f"This trade can no longer be undone ({UNDO_MINUTES} minutes passed)")
    replaced = [
        event
        for event in services.store.audit_events("account", account.id)
        if event.action == "holdings.replaced"
    ]
    if not replaced:
        raise AdvisorError("There is no earlier state of the account to go back to")
    before = {str(k): float(v) for k, v in replaced[-1].payload["before"].items()}
    with services.store.atomic() as store:
        store.replace_holdings(account.id, before, principal.actor)
        store.record_event(
            principal.actor, "trade.undone", "proposal", proposal_id, {"account_id": account.id}
        )
    return "Undone: your money is back as it was before."


# ------------------------------------------------------------------ audit


def investor_events(services: Services, investor_id: int) -> list[AuditEventRecord]:
    """Every audit event about the investor, their accounts, proposals and conversations."""
    store = services.store
    accounts = store.accounts(investor_id)
    subjects = {("investor", str(investor_id))}
    subjects |= {("account", str(a.id)) for a in accounts}
    subjects |= {("proposal", str(p.id)) for a in accounts for p in store.proposals(a.id)}
    subjects |= {("conversation", str(c)) for c in conversation_ids(store, investor_id)}
    return [e for e in store.audit_events() if (e.subject_type, e.subject_id) in subjects]


def chain_status(services: Services) -> str:
    """Whether the audit log's hash chain is intact, or where it breaks."""
    with services.store.transaction() as session:
        broken = verify_session(session)
    if broken is None:
        return "**Hash chain intact:** no event was changed or removed."
    return f"**Hash chain broken** at event {broken.event_id}: {broken.reason}."

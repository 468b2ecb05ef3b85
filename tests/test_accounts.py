"""Accounts, roles and delegation against a real SQLite database: sign-in, access rules per role,
consent, co-approval, exploitation holds, the review path and the audit log's hash chain."""

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from manual_clock import START, Clock
from sqlalchemy import Engine, select, text

from advisor.accounts import (
    AccountService,
    Action,
    AlertKind,
    AlertService,
    ApprovalService,
    AuthenticationError,
    ConsentService,
    DelegatePermission,
    DelegationService,
    Outcome,
    PermissionDenied,
    Principal,
    Review,
    Role,
    SessionExpired,
    TradingOnHold,
)
from advisor.accounts.suitability_check import decision_for
from advisor.errors import AdvisorError
from advisor.runtime import Runtime
from advisor.settings import Settings
from advisor.storage import Store, alembic_config, create_database_engine, upgrade_database
from advisor.storage.models import (
    AdvisorReview,
    AuthSession,
    Consent,
    ProposalStatus,
    ReviewDecision,
    User,
)

PASSWORD = "correct horse battery"
ADVISOR = [sys.executable, "-m", "advisor"]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings() -> Settings:
    return Settings(session_hours=2, co_approval_amount=10_000, exploitation_hold_hours=48)


@pytest.fixture
def store(engine: Engine, clock: Clock) -> Store:
    return Store(engine, clock)


@pytest.fixture
def accounts(store: Store, settings: Settings, clock: Clock) -> AccountService:
    return AccountService(store, settings, clock)


@pytest.fixture
def approvals(
    store: Store, settings: Settings, accounts: AccountService, runtime: Runtime, clock: Clock
) -> ApprovalService:
    return ApprovalService(store, settings, accounts, runtime, clock)


class Cast:
    """Two investors, each with an account of 100,000 in cash; the first has an advisor and a
    delegate granted view, alerts and co-approval; plus an unassigned advisor and an admin."""

    def __init__(self, store: Store, accounts: AccountService, birth_year: int = 1950) -> None:
        self.investor_id = store.create_investor("Grace", birth_year=birth_year)
        self.other_investor_id = store.create_investor("Alan", birth_year=1980)
        self.account_id = store.open_account(self.investor_id, "Savings", risk_level=3)
        self.other_account_id = store.open_account(self.other_investor_id, "Savings", 3)
        store.replace_holdings(self.account_id, {"us_money_market": 100_000}, actor="test")
        store.replace_holdings(self.other_account_id, {"us_money_market": 100_000}, actor="test")
        accounts.create_user("grace", PASSWORD, Role.INVESTOR, investor_id=self.investor_id)
        accounts.create_user("alan", PASSWORD, Role.INVESTOR, investor_id=self.other_investor_id)
        accounts.create_user(
            "grace-daughter",
            PASSWORD,
            Role.DELEGATE,
            investor_id=self.investor_id,
            permissions=list(DelegatePermission),
        )
        advisor_id = accounts.create_user("ada-advisor", PASSWORD, Role.ADVISOR)
        accounts.assign_advisor(advisor_id, self.investor_id)
        accounts.create_user("other-advisor", PASSWORD, Role.ADVISOR)
        accounts.create_user("root", PASSWORD, Role.ADMIN)
        self._accounts = accounts

    def principal(self, username: str) -> Principal:
        return self._accounts.principal(self._accounts.sign_in(username, PASSWORD))


@pytest.fixture
def cast(store: Store, accounts: AccountService) -> Cast:
    return Cast(store, accounts)


def denied(accounts: AccountService, who: Principal, action: Action, investor_id: int) -> str:
    with pytest.raises(PermissionDenied) as error:
        accounts.authorize(who, action, investor_id)
    return str(error.value)


# Passwords and sessions


def test_passwords_are_stored_only_as_argon2id_hashes(
    store: Store, accounts: AccountService
) -> None:
    investor_id = store.create_investor("Grace")
    user_id = accounts.create_user("Grace", PASSWORD, Role.INVESTOR, investor_id=investor_id)
    with store.transaction() as session:
        user = session.get(User, user_id)
        assert user is not None
        stored = user.password_hash
        assert user.username == "grace"  # usernames are case-insensitive
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert accounts.principal(accounts.sign_in("GRACE", PASSWORD)).user_id == user_id
    with pytest.raises(AdvisorError, match="at least 10 characters"):
        accounts.create_user("short", "tiny", Role.ADMIN)
    with pytest.raises(AdvisorError, match="already taken"):
        accounts.create_user("grace", PASSWORD, Role.ADMIN)


def test_a_wrong_password_and_an_unknown_user_fail_with_the_same_message(
    store: Store, cast: Cast, accounts: AccountService
) -> None:
    with pytest.raises(AuthenticationError) as wrong_password:
        accounts.sign_in("grace", "not the password")
    with pytest.raises(AuthenticationError) as unknown_user:
        accounts.sign_in("nobody", PASSWORD)
    assert str(wrong_password.value) == str(unknown_user.value)
    assert str(wrong_password.value) == "Unknown username or wrong password"
    failures = [e for e in store.audit_events("user") if e.action == "auth.sign_in_failed"]
    assert len(failures) == 1  # the failed attempt stays on record despite the error


def test_sessions_expire_after_session_hours_and_end_at_sign_out(
    store: Store, cast: Cast, accounts: AccountService, clock: Clock
) -> None:
    token = accounts.sign_in("grace", PASSWORD)
    with store.transaction() as session:
        stored = session.scalars(select(AuthSession.token_hash)).all()
    assert token not in stored and len(stored) == 1 and len(stored[0]) == 64
    clock.advance(hours=1, minutes=59)
    assert accounts.principal(token).username == "grace"
    clock.advance(minutes=1)  # session_hours is 2
    with pytest.raises(SessionExpired, match="expired"):
        accounts.principal(token)

    second = accounts.sign_in("grace", PASSWORD)
    accounts.sign_out(second)
    with pytest.raises(SessionExpired, match="signed out"):
        accounts.principal(second)
    with pytest.raises(AuthenticationError, match="Unknown session"):
        accounts.principal("made-up-token")


def test_a_disabled_user_cannot_sign_in_or_use_a_session(
    cast: Cast, accounts: AccountService
) -> None:
    token = accounts.sign_in("alan", PASSWORD)
    alan = accounts.principal(token)
    accounts.set_disabled(alan.user_id, True)
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.principal(token)
    with pytest.raises(AuthenticationError, match="disabled"):
        accounts.sign_in("alan", PASSWORD)


# What each role may do


def test_an_investor_may_act_on_their_own_data_and_nobody_elses(
    store: Store, cast: Cast, accounts: AccountService
) -> None:
    grace = cast.principal("grace")
    for action in (Action.VIEW_PROFILE, Action.CHAT, Action.ACCEPT_PROPOSAL, Action.TRADE):
        accounts.authorize(grace, action, cast.investor_id)
    message = denied(accounts, grace, Action.VIEW_PROFILE, cast.other_investor_id)
    assert "view_profile" in message and "only on their own data" in message
    assert "review_proposal" in denied(accounts, grace, Action.REVIEW_PROPOSAL, cast.investor_id)
    assert accounts.visible_investors(grace) == [cast.investor_id]
    refusals = [e for e in store.audit_events("investor") if e.action == "access.denied"]
    assert refusals[0].actor == "investor:grace"
    assert refusals[0].payload["investor_id"] == cast.other_investor_id


def test_a_delegate_sees_only_what_was_granted_and_can_never_trade(
    cast: Cast, accounts: AccountService, store: Store, clock: Clock
) -> None:
    daughter = cast.principal("grace-daughter")
    assert daughter.permissions == frozenset(DelegatePermission)
    accounts.authorize(daughter, Action.VIEW_PROFILE, cast.investor_id)
    accounts.authorize(daughter, Action.CO_APPROVE, cast.investor_id)
    assert "can never" in denied(accounts, daughter, Action.TRADE, cast.investor_id)
    assert "can never" in denied(accounts, daughter, Action.ACCEPT_PROPOSAL, cast.investor_id)
    assert "can never" in denied(accounts, daughter, Action.CHAT, cast.investor_id)
    assert "linked them" in denied(accounts, daughter, Action.VIEW_PROFILE, cast.other_investor_id)

    grace = cast.principal("grace")
    delegation = DelegationService(store, accounts, clock)
    [info] = delegation.delegates(grace, cast.investor_id)
    delegation.set_permissions(grace, info.delegate_id, [DelegatePermission.ALERTS])
    daughter = cast.principal("grace-daughter")
    assert "not granted the view" in denied(
        accounts, daughter, Action.VIEW_PROFILE, cast.investor_id
    )
    assert "co_approve" in denied(accounts, daughter, Action.CO_APPROVE, cast.investor_id)

    delegation.revoke(grace, info.delegate_id)
    daughter = cast.principal("grace-daughter")
    assert daughter.permissions == frozenset()
    assert accounts.visible_investors(daughter) == []
    assert not store.has_trusted_contact(cast.investor_id)
    actions = [e.action for e in store.audit_events("investor", cast.investor_id)]
    assert "delegate.permissions_changed" in actions and "delegate.revoked" in actions


def test_an_investor_invites_a_delegate_who_signs_in_with_the_returned_password(
    cast: Cast, accounts: AccountService, store: Store, clock: Clock
) -> None:
    alan = cast.principal("alan")
    delegation = DelegationService(store, accounts, clock)
    credentials = delegation.invite(
        alan,
        cast.other_investor_id,
        username="alans-son",
        name="Tom",
        relationship="son",
        contact="tom@example.org",
        permissions=[DelegatePermission.VIEW],
    )
    assert "password=***" in repr(credentials)
    son = accounts.principal(accounts.sign_in("alans-son", credentials.password))
    assert son.role == Role.DELEGATE and son.investor_id == cast.other_investor_id
    assert accounts.visible_investors(son) == [cast.other_investor_id]
    with pytest.raises(PermissionDenied):  # someone else's delegate cannot invite more
        delegation.invite(
            son,
            cast.other_investor_id,
            username="intruder",
            name="X",
            relationship="friend",
            contact="",
            permissions=[DelegatePermission.VIEW],
        )


def test_an_advisor_sees_and_reviews_only_assigned_investors(
    cast: Cast, accounts: AccountService
) -> None:
    ada, other = cast.principal("ada-advisor"), cast.principal("other-advisor")
    accounts.authorize(ada, Action.REVIEW_PROPOSAL, cast.investor_id)
    accounts.authorize(ada, Action.VIEW_CONVERSATION, cast.investor_id)
    assert "not assigned" in denied(accounts, other, Action.REVIEW_PROPOSAL, cast.investor_id)
    assert "not assigned" in denied(accounts, ada, Action.VIEW_PROFILE, cast.other_investor_id)
    assert "only the investor" in denied(accounts, ada, Action.TRADE, cast.investor_id)
    assert accounts.visible_investors(ada) == [cast.investor_id]
    assert accounts.visible_investors(other) == []


def test_an_admin_may_see_everything_but_never_trade_as_the_investor(
    cast: Cast, accounts: AccountService
) -> None:
    root = cast.principal("root")
    accounts.authorize(root, Action.VIEW_AUDIT, cast.other_investor_id)
    accounts.authorize(root, Action.MANAGE_DELEGATES, cast.investor_id)
    for action in (Action.TRADE, Action.ACCEPT_PROPOSAL, Action.CO_APPROVE):
        assert "in the investor's or delegate's place" in denied(
            accounts, root, action, cast.investor_id
        )
    assert accounts.visible_investors(root) == [cast.investor_id, cast.other_investor_id]


def test_first_run_creates_the_demo_cast_once_with_random_passwords(
    store: Store, accounts: AccountService
) -> None:
    credentials = accounts.first_run({"us_money_market": 50_000})
    assert [c.role for c in credentials] == [Role.ADMIN, Role.INVESTOR, Role.ADVISOR, Role.DELEGATE]
    assert len({c.password for c in credentials}) == 4
    by_role = {c.role: c for c in credentials}
    principals = {
        role: accounts.principal(accounts.sign_in(c.username, c.password))
        for role, c in by_role.items()
    }
    investor_id = by_role[Role.INVESTOR].investor_id
    assert investor_id is not None
    assert accounts.visible_investors(principals[Role.ADVISOR]) == [investor_id]
    assert principals[Role.DELEGATE].permissions == frozenset(DelegatePermission)
    [account] = store.accounts(investor_id)
    assert store.holdings(account.id) == {"us_money_market": 50_000.0}
    with pytest.raises(AdvisorError, match="Users exist already"):
        accounts.first_run()


# Consent


def test_consent_is_recorded_with_time_and_text_version(
    store: Store, cast: Cast, accounts: AccountService, clock: Clock
) -> None:
    consent = ConsentService(store, accounts, clock)
    grace = cast.principal("grace")
    assert not consent.current(grace, cast.investor_id).answered
    declined = consent.decline(grace, cast.investor_id)
    assert declined.answered and not declined.analysis_allowed  # questionnaire-only path
    clock.advance(days=1)
    granted = consent.grant(grace, cast.investor_id)
    assert granted.analysis_allowed and granted.at == clock.now
    with store.transaction() as session:
        rows = session.scalars(select(Consent).order_by(Consent.id)).all()
        assert [(r.kind, r.granted) for r in rows] == [
            ("profiling", False),
            ("sentiment_analysis", False),
            ("profiling", True),
            ("sentiment_analysis", True),
        ]
        assert {r.text_version for r in rows} == {granted.text_version}
    with pytest.raises(PermissionDenied):
        consent.grant(cast.principal("grace-daughter"), cast.investor_id)


# From acceptance to trade


def test_a_large_trade_waits_for_the_co_approving_delegate_then_executes(
    store: Store, cast: Cast, approvals: ApprovalService, accounts: AccountService
) -> None:
    weights = {"us_money_market": 0.5, "us_aggregate_bond": 0.5}  # moves 50,000
    proposal_id = store.record_proposal(cast.account_id, weights, "rebalance", False, "test")
    daughter = cast.principal("grace-daughter")
    with pytest.raises(PermissionDenied, match="can never"):
        approvals.accept_proposal(daughter, proposal_id)

    step = approvals.accept_proposal(cast.principal("grace"), proposal_id)
    assert step.outcome == Outcome.AWAITING_CO_APPROVAL and step.trade_amount == 50_000
    assert store.holdings(cast.account_id) == {"us_money_market": 100_000.0}
    assert [p.id for p in approvals.pending_co_approvals(daughter)] == [proposal_id]
    [alert] = AlertService(store).alerts(daughter, unread_only=True)
    assert alert.kind == AlertKind.LARGE_TRADE and "needs your approval" in alert.message

    with pytest.raises(PermissionDenied, match="only on their own data"):
        approvals.co_approve(cast.principal("alan"), proposal_id)
    with pytest.raises(PermissionDenied, match="only the investor's advisor or delegate"):
        approvals.co_approve(cast.principal("grace"), proposal_id)  # not her own co-approver
    step = approvals.co_approve(daughter, proposal_id)
    assert step.outcome == Outcome.EXECUTED and step.status == ProposalStatus.EXECUTED
    assert store.holdings(cast.account_id) == {
        "us_aggregate_bond": 50_000.0,
        "us_money_market": 50_000.0,
    }
    actions = [e.action for e in store.audit_events("proposal", proposal_id)]
    assert actions == [
        "proposal.recorded",
        "proposal.accepted",
        "co_approval.requested",
        "co_approval.approved",
        "proposal.executed",
    ]
    assert store.verify_audit_chain() is None


def test_a_small_trade_executes_at_once_and_a_co_rejected_one_never(
    store: Store, cast: Cast, approvals: ApprovalService
) -> None:
    grace, daughter = cast.principal("grace"), cast.principal("grace-daughter")
    small = {"us_money_market": 0.95, "us_aggregate_bond": 0.05}  # moves 5,000
    proposal_id = store.record_proposal(cast.account_id, small, "top up bonds", False, "test")
    assert approvals.accept_proposal(grace, proposal_id).outcome == Outcome.EXECUTED

    large = {"us_money_market": 0.2, "us_aggregate_bond": 0.8}
    proposal_id = store.record_proposal(cast.account_id, large, "more bonds", False, "test")
    approvals.accept_proposal(grace, proposal_id)
    step = approvals.co_reject(daughter, proposal_id, "Mum did not mean this")
    assert step.outcome == Outcome.REJECTED
    assert approvals.accept_proposal(grace, proposal_id).outcome == Outcome.REJECTED
    assert store.holdings(cast.account_id)["us_aggregate_bond"] == 5_000.0


def test_advisor_review_approves_refuses_unsuitable_modifications_and_saves_suitable_ones(
    store: Store, cast: Cast, approvals: ApprovalService, runtime: Runtime
) -> None:
    weights = {"us_money_market": 0.9, "us_aggregate_bond": 0.1}
    proposal_id = store.record_proposal(cast.account_id, weights, "tilt", True, "test")
    grace, ada = cast.principal("grace"), cast.principal("ada-advisor")
    assert approvals.accept_proposal(grace, proposal_id).outcome == Outcome.PENDING_REVIEW
    assert [p.proposal_id for p in approvals.pending_reviews(ada)] == [proposal_id]
    assert approvals.pending_reviews(cast.principal("other-advisor")) == []
    with pytest.raises(PermissionDenied, match="not assigned"):
        approvals.review(cast.principal("other-advisor"), proposal_id, Review.APPROVE, "ok")

    riskiest = max(
        (p for p in runtime.catalogue.products if p.jurisdiction == "US"),
        key=lambda p: p.risk_level,
    )
    refused = approvals.review(ada, proposal_id, "modify", "all in", {riskiest.id: 1.0})
    assert not refused.saved and refused.violations
    assert any(v.rule_id for v in refused.violations)
    assert store.proposal(proposal_id).weights == weights  # nothing saved
    assert store.proposal(proposal_id).status == ProposalStatus.PENDING_REVIEW

    decision = decision_for(runtime, None, 3, "US")
    allocation = runtime.allocate_for(decision)
    suitable = {
        product_id: float(w)
        for product_id, w in zip(runtime.catalogue.ids, allocation.weights, strict=True)
        if w > 1e-9
    }
    total = sum(suitable.values())
    suitable = {p: w / total for p, w in suitable.items()}
    assert approvals.check_weights(proposal_id, suitable) == []
    saved = approvals.review(ada, proposal_id, Review.MODIFY, "engine's portfolio", suitable)
    assert saved.saved and saved.step is not None
    # Moves more than 10,000 and Grace has a co-approving delegate.
    assert saved.step.outcome == Outcome.AWAITING_CO_APPROVAL
    assert store.proposal(proposal_id).weights == pytest.approx(suitable)
    approvals.co_approve(cast.principal("grace-daughter"), proposal_id)
    assert store.proposal(proposal_id).status == ProposalStatus.EXECUTED
    with store.transaction() as session:
        decisions = session.scalars(select(AdvisorReview.decision)).all()
    assert decisions == [ReviewDecision.MODIFIED]
    with pytest.raises(AdvisorError, match="needs a comment"):
        approvals.review(ada, proposal_id, Review.REJECT, " ")


def test_an_approved_risk_change_waits_for_its_cooling_off_period(
    store: Store, cast: Cast, approvals: ApprovalService, clock: Clock
) -> None:
    weights = {"us_money_market": 0.95, "us_aggregate_bond": 0.05}
    proposal_id = store.record_proposal(
        cast.account_id,
        weights,
        "calmer",
        True,
        "test",
        kind="conservative_tilt",
        cooling_off_until=START + timedelta(hours=24),
    )
    grace, ada = cast.principal("grace"), cast.principal("ada-advisor")
    approvals.accept_proposal(grace, proposal_id)
    step = approvals.review(ada, proposal_id, Review.APPROVE, "fine").step
    assert step is not None and step.outcome == Outcome.COOLING_OFF
    clock.advance(hours=24)
    grace = cast.principal("grace")
    assert approvals.accept_proposal(grace, proposal_id).outcome == Outcome.EXECUTED


def test_suspected_exploitation_of_an_older_investor_holds_trades_and_alerts(
    store: Store, cast: Cast, approvals: ApprovalService, clock: Clock
) -> None:
    hold = approvals.raise_exploitation_hold(
        cast.investor_id, "asked to move everything after a call from a stranger"
    )
    assert hold is not None and hold.until == START + timedelta(hours=48)
    alerts = AlertService(store)
    for who in ("grace-daughter", "ada-advisor"):
        kinds = {a.kind for a in alerts.alerts(cast.principal(who))}
        assert kinds == {AlertKind.POSSIBLE_EXPLOITATION, AlertKind.HOLD}
    assert alerts.alerts(cast.principal("other-advisor")) == []

    weights = {"us_money_market": 0.95, "us_aggregate_bond": 0.05}
    proposal_id = store.record_proposal(cast.account_id, weights, "bonds", False, "test")
    with pytest.raises(TradingOnHold, match="on hold until"):
        approvals.accept_proposal(cast.principal("grace"), proposal_id)
    with pytest.raises(PermissionDenied):
        approvals.holds.release(cast.principal("grace"), cast.investor_id, "I am fine")
    approvals.holds.release(cast.principal("ada-advisor"), cast.investor_id, "spoke with her")
    assert approvals.accept_proposal(cast.principal("grace"), proposal_id).outcome == (
        Outcome.EXECUTED
    )
    actions = [e.action for e in store.audit_events("investor", cast.investor_id)]
    assert "hold.placed" in actions and "hold.released" in actions


def test_suspected_exploitation_of_a_younger_investor_alerts_without_a_hold(
    store: Store, cast: Cast, approvals: ApprovalService
) -> None:
    assert approvals.raise_exploitation_hold(cast.other_investor_id, "odd request") is None
    assert approvals.holds.active_hold(cast.other_investor_id) is None


# The tamper-evident audit log


def test_the_audit_chain_verifies_and_names_the_first_tampered_event(
    store: Store, engine: Engine, cast: Cast
) -> None:
    events = store.audit_events()
    assert len(events) > 5
    assert store.verify_audit_chain() is None
    target = events[3].id
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET payload = :payload WHERE id = :id"),
            {"payload": json.dumps({"forged": True}), "id": target},
        )
    broken = store.verify_audit_chain()
    assert broken is not None and broken.event_id == target
    assert "contents" in broken.reason


def test_deleting_an_audit_event_breaks_the_chain_at_the_next_one(
    store: Store, engine: Engine, cast: Cast
) -> None:
    events = store.audit_events()
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": events[2].id})
    broken = store.verify_audit_chain()
    assert broken is not None and broken.event_id == events[3].id


def test_cli_init_prints_credentials_once_and_audit_verify_reports_a_break(
    tmp_path: Path, database_url: str
) -> None:
    env = {**os.environ, "ADVISOR_DATA_DIR": str(tmp_path), "ADVISOR_DATABASE_URL": database_url}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*ADVISOR, *args], capture_output=True, text=True, env=env, timeout=120, check=False
        )

    first = run("init")
    assert first.returncode == 0, first.stderr
    assert "demo-investor" in first.stdout and "demo-delegate" in first.stdout
    again = run("init")
    assert again.returncode == 2 and "Users exist already" in again.stderr
    quiet = run("init", "--if-empty")  # what `make run` does on every start
    assert (quiet.returncode, quiet.stdout) == (0, "")
    ok = run("audit", "verify")
    assert ok.returncode == 0 and "OK" in ok.stdout

    engine = create_database_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE audit_events SET actor = 'someone else' WHERE id = 2"))
    engine.dispose()
    broken = run("audit", "verify")
    assert broken.returncode == 1 and "event 2" in broken.stdout


def test_upgrading_a_0002_database_keeps_its_data_and_chains_its_events(
    database_url: str, clock: Clock
) -> None:
    command.upgrade(alembic_config(database_url), "0002")
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    # No explicit id: on PostgreSQL that would leave the sequence behind.
                    "INSERT INTO investors (name, birth_year, jurisdiction, created_at) "
                    "VALUES ('Ada', 1950, 'US', '2026-01-01 00:00:00.000000')"
                )
            )
            for number in (1, 2):
                connection.execute(
                    text(
                        "INSERT INTO audit_events (actor, action, subject_type, subject_id, "
                        "payload, run_id, at, created_at) VALUES ('batch', 'old.event', "
                        "'investor', '1', :payload, NULL, :at, :at)"
                    ),
                    {"payload": json.dumps({"n": number}), "at": f"2026-01-0{number} 10:00:00"},
                )
        upgrade_database(database_url)
        store = Store(engine, clock)
        assert store.create_investor("Bob") == 2
        with store.transaction() as session:
            assert (
                session.execute(text("SELECT name FROM investors WHERE id = 1")).scalar() == "Ada"
            )
        store.record_event("test", "new.event", "investor", 2, {})
        events = store.audit_events()
        assert [e.action for e in events] == ["old.event", "old.event", "new.event"]
        assert store.verify_audit_chain() is None
    finally:
        engine.dispose()

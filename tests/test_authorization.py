"""Authorization at the service level, against a real SQLite database: every `Action` by every
kind of principal, the services that act on another person's data (accepting, reviewing and
co-approving proposals, delegation, consent, holds, alerts, conversations read by id), sessions
that expired, were signed out or belong to a disabled user, and login rate limiting.

The expected access is written out here as a table, independently of `advisor.accounts.policy`,
so a change of the rules shows up as a failing case rather than passing silently.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Final

import pytest
from manual_clock import Clock
from sqlalchemy import Engine
from testdb import drop_database, new_database_url

from advisor.accounts import (
    AccountLocked,
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
)
from advisor.runtime import Runtime
from advisor.settings import Settings
from advisor.storage import Store, create_database_engine, upgrade_database
from advisor.storage.models import ProposalStatus

PASSWORD = "correct horse battery"
WRONG = "not the password at all"


def open_database(path: Path) -> Engine:
    """A fresh migrated database: SQLite, or PostgreSQL when the suite runs against a server."""
    url = new_database_url(path)
    upgrade_database(url)
    return create_database_engine(url)


def close_database(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    drop_database(url)


SETTINGS = Settings(
    session_hours=2,
    co_approval_amount=10_000,
    login_max_failures=3,
    login_max_failures_per_client=5,
    login_window_minutes=10,
    login_lockout_minutes=30,
)


@dataclass
class World:
    """Grace (the investor acted on) and Alan (another investor), each with an account of
    100,000 in cash, and a principal of every kind, signed in through the service."""

    store: Store
    accounts: AccountService
    clock: Clock
    grace: int
    alan: int
    grace_account: int
    alan_account: int
    principals: dict[str, Principal] = field(default_factory=dict)

    def sign_in(self, username: str) -> Principal:
        return self.accounts.principal(self.accounts.sign_in(username, PASSWORD))

    def signed_in(self, username: str) -> Principal:
        """The principal of one sign-in per user, kept (for the read-only matrix below)."""
        if username not in self.principals:
            self.principals[username] = self.sign_in(username)
        return self.principals[username]


def build_world(path: Path) -> tuple[World, Engine]:
    engine = open_database(path)
    clock = Clock()
    store = Store(engine, clock)
    accounts = AccountService(store, SETTINGS, clock)
    grace = store.create_investor("Grace Hopper", birth_year=1950)
    alan = store.create_investor("Alan Turing", birth_year=1980)
    grace_account = store.open_account(grace, "Savings", risk_level=3)
    alan_account = store.open_account(alan, "Savings", risk_level=3)
    for account in (grace_account, alan_account):
        store.replace_holdings(account, {"us_money_market": 100_000}, actor="test")
    accounts.create_user("grace", PASSWORD, Role.INVESTOR, investor_id=grace)
    accounts.create_user("alan", PASSWORD, Role.INVESTOR, investor_id=alan)
    every = list(DelegatePermission)
    accounts.create_user(
        "grace-daughter", PASSWORD, Role.DELEGATE, investor_id=grace, permissions=every
    )
    accounts.create_user(
        "grace-son", PASSWORD, Role.DELEGATE, investor_id=grace, permissions=["view"]
    )
    accounts.create_user(
        "grace-neighbour", PASSWORD, Role.DELEGATE, investor_id=grace, permissions=["alerts"]
    )
    accounts.create_user("grace-ex", PASSWORD, Role.DELEGATE, investor_id=grace, permissions=every)
    accounts.create_user("alan-son", PASSWORD, Role.DELEGATE, investor_id=alan, permissions=every)
    ada = accounts.create_user("ada-advisor", PASSWORD, Role.ADVISOR)
    accounts.assign_advisor(ada, grace)
    bob = accounts.create_user("bob-advisor", PASSWORD, Role.ADVISOR)
    accounts.assign_advisor(bob, alan)
    accounts.create_user("root", PASSWORD, Role.ADMIN)
    world = World(store, accounts, clock, grace, alan, grace_account, alan_account)
    # Grace revokes one of her delegates: his sign-in still works, his rights are gone.
    delegation = DelegationService(store, accounts, clock)
    ex = next(
        d for d in delegation.delegates(world.sign_in("grace"), grace) if d.username == "grace-ex"
    )
    delegation.revoke(world.sign_in("grace"), ex.delegate_id)
    return world, engine


# --- the matrix: every action by every kind of principal, on Grace's data ------------------------

VIEWS: Final = {Action.VIEW_PROFILE, Action.VIEW_CONVERSATION, Action.VIEW_AUDIT}
# Who may do what to Grace's data. Everything not listed is refused.
EXPECTED: Final[dict[str, set[Action]]] = {
    "grace": VIEWS
    | {
        Action.CHAT,
        Action.ACCEPT_PROPOSAL,
        Action.MANAGE_DELEGATES,
        Action.MANAGE_CONSENT,
        Action.TRADE,
    },
    "alan": set(),  # another investor
    "grace-daughter": VIEWS | {Action.CO_APPROVE},  # granted view, alerts and co-approve
    "grace-son": set(VIEWS),  # granted view only
    "grace-neighbour": set(),  # granted alerts only: sees nothing
    "grace-ex": set(),  # revoked
    "alan-son": set(),  # another investor's delegate
    "ada-advisor": VIEWS | {Action.REVIEW_PROPOSAL, Action.MODIFY_PROPOSAL},  # Grace's advisor
    "bob-advisor": set(),  # not Grace's advisor
    # An administrator never acts in the investor's or the trusted contact's place.
    "root": VIEWS | {Action.REVIEW_PROPOSAL, Action.MODIFY_PROPOSAL, Action.MANAGE_DELEGATES},
}
CASES: Final = [(who, action) for who in EXPECTED for action in Action]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    built, engine = build_world(tmp_path_factory.mktemp("authorization"))
    yield built
    close_database(engine)


def test_the_table_covers_every_action_and_role() -> None:
    assert len(Action) == 11  # a new action needs its row in EXPECTED and a case below
    roles = {"grace": Role.INVESTOR, "ada-advisor": Role.ADVISOR, "root": Role.ADMIN}
    roles["grace-daughter"] = Role.DELEGATE
    assert set(roles.values()) == set(Role)
    assert set(roles) <= set(EXPECTED)


@pytest.mark.parametrize(("who", "action"), CASES, ids=[f"{w}-{a}" for w, a in CASES])
def test_every_action_by_every_principal(world: World, who: str, action: Action) -> None:
    principal = world.signed_in(who)
    if action in EXPECTED[who]:
        world.accounts.authorize(principal, action, world.grace)
        return
    before = len(world.store.audit_events("investor", world.grace))
    with pytest.raises(PermissionDenied) as refused:
        world.accounts.authorize(principal, action, world.grace)
    assert str(action) in str(refused.value) and who in str(refused.value)
    [event] = world.store.audit_events("investor", world.grace)[before:]
    assert event.action == "access.denied" and event.actor == principal.actor
    assert event.payload["action"] == action.value


# Whom each principal is listed as acting for. A delegate granted only alerts is listed for Grace
# (her alerts reach them) although every view of her data is refused (the matrix above).
LISTED: Final = {
    "grace": {"grace"},
    "alan": {"alan"},
    "grace-daughter": {"grace"},
    "grace-son": {"grace"},
    "grace-neighbour": {"grace"},
    "grace-ex": set(),
    "alan-son": {"alan"},
    "ada-advisor": {"grace"},
    "bob-advisor": {"alan"},
    "root": {"grace", "alan"},
}


@pytest.mark.parametrize("who", list(LISTED))
def test_visible_investors_are_only_those_acted_for(world: World, who: str) -> None:
    ids = {"grace": world.grace, "alan": world.alan}
    visible = world.accounts.visible_investors(world.signed_in(who))
    assert visible == sorted(ids[name] for name in LISTED[who])


# --- the services refuse, and change nothing ---------------------------------------------------


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[World]:
    built, engine = build_world(tmp_path)
    yield built
    close_database(engine)


@pytest.fixture
def approvals(fresh: World, runtime: Runtime) -> ApprovalService:
    return ApprovalService(fresh.store, SETTINGS, fresh.accounts, runtime, fresh.clock)


LARGE: Final = {"us_money_market": 0.5, "us_aggregate_bond": 0.5}  # moves 50,000
SMALL: Final = {"us_money_market": 0.95, "us_aggregate_bond": 0.05}  # moves 5,000
CASH: Final = {"us_money_market": 100_000.0}


def test_a_delegate_trying_to_trade_is_refused_and_nothing_moves(
    fresh: World, approvals: ApprovalService
) -> None:
    proposal_id = fresh.store.record_proposal(fresh.grace_account, SMALL, "bonds", False, "test")
    for who in ("grace-daughter", "grace-son", "grace-ex", "alan-son"):
        delegate = fresh.sign_in(who)
        with pytest.raises(PermissionDenied):
            approvals.accept_proposal(delegate, proposal_id)
        with pytest.raises(PermissionDenied):
            fresh.accounts.authorize(delegate, Action.TRADE, fresh.grace)
        with pytest.raises(PermissionDenied):  # nor approve it in the advisor's place
            approvals.review(delegate, proposal_id, Review.APPROVE, "fine")
        with pytest.raises(PermissionDenied):  # nor change what it buys
            approvals.review(delegate, proposal_id, Review.MODIFY, "more", {"us_equity_3x": 1.0})
    assert fresh.store.holdings(fresh.grace_account) == CASH
    proposal = fresh.store.proposal(proposal_id)
    assert proposal.status == ProposalStatus.DRAFT and proposal.weights == SMALL
    denied = [e for e in fresh.store.audit_events("investor") if e.action == "access.denied"]
    assert {e.actor for e in denied} >= {"delegate:grace-daughter", "delegate:alan-son"}
    assert fresh.store.verify_audit_chain() is None


def test_nobody_but_the_investor_accepts_and_only_her_advisor_reviews(
    fresh: World, approvals: ApprovalService
) -> None:
    proposal_id = fresh.store.record_proposal(fresh.grace_account, SMALL, "tilt", True, "test")
    for who in ("alan", "ada-advisor", "bob-advisor", "root"):
        with pytest.raises(PermissionDenied):
            approvals.accept_proposal(fresh.sign_in(who), proposal_id)
    step = approvals.accept_proposal(fresh.sign_in("grace"), proposal_id)
    assert step.outcome == Outcome.PENDING_REVIEW
    for who in ("grace", "alan", "bob-advisor", "grace-daughter"):
        principal = fresh.sign_in(who)
        with pytest.raises(PermissionDenied):
            approvals.review(principal, proposal_id, Review.APPROVE, "looks fine")
        assert approvals.pending_reviews(principal) == []
    assert fresh.store.proposal(proposal_id).status == ProposalStatus.PENDING_REVIEW
    assert fresh.store.holdings(fresh.grace_account) == CASH
    # Alan's own proposal is out of Ada's reach too.
    alans = fresh.store.record_proposal(fresh.alan_account, SMALL, "bonds", True, "test")
    approvals.accept_proposal(fresh.sign_in("alan"), alans)
    with pytest.raises(PermissionDenied, match="not assigned"):
        approvals.review(fresh.sign_in("ada-advisor"), alans, Review.APPROVE, "ok")
    assert [p.proposal_id for p in approvals.pending_reviews(fresh.sign_in("ada-advisor"))] == [
        proposal_id
    ]


def test_only_the_investors_own_trusted_contact_co_approves(
    fresh: World, approvals: ApprovalService
) -> None:
    proposal_id = fresh.store.record_proposal(fresh.grace_account, LARGE, "bonds", False, "test")
    step = approvals.accept_proposal(fresh.sign_in("grace"), proposal_id)
    assert step.outcome == Outcome.AWAITING_CO_APPROVAL
    for who in ("grace", "alan", "alan-son", "grace-son", "grace-ex", "ada-advisor", "root"):
        principal = fresh.sign_in(who)
        with pytest.raises(PermissionDenied):
            approvals.co_approve(principal, proposal_id)
        with pytest.raises(PermissionDenied):
            approvals.co_reject(principal, proposal_id, "no")
        assert approvals.pending_co_approvals(principal) == []
    assert fresh.store.holdings(fresh.grace_account) == CASH

    # Revoked between two requests: the next request's principal has no right left.
    daughter = fresh.sign_in("grace-daughter")
    assert [p.id for p in approvals.pending_co_approvals(daughter)] == [proposal_id]
    delegation = DelegationService(fresh.store, fresh.accounts, fresh.clock)
    grace = fresh.sign_in("grace")
    [info] = [d for d in delegation.delegates(grace, fresh.grace) if d.username == "grace-daughter"]
    delegation.revoke(grace, info.delegate_id)
    with pytest.raises(PermissionDenied, match="not granted"):
        approvals.co_approve(fresh.sign_in("grace-daughter"), proposal_id)
    assert fresh.store.holdings(fresh.grace_account) == CASH


def test_delegates_cannot_grant_themselves_more_or_manage_anyone(fresh: World) -> None:
    delegation = DelegationService(fresh.store, fresh.accounts, fresh.clock)
    grace = fresh.sign_in("grace")
    by_name = {d.username: d for d in delegation.delegates(grace, fresh.grace)}
    son = fresh.sign_in("grace-son")
    for who in ("grace-son", "grace-daughter", "alan", "ada-advisor", "alan-son"):
        principal = fresh.sign_in(who)
        with pytest.raises(PermissionDenied):
            delegation.set_permissions(principal, by_name["grace-son"].delegate_id, ["co_approve"])
        with pytest.raises(PermissionDenied):
            delegation.revoke(principal, by_name["grace-daughter"].delegate_id)
        with pytest.raises(PermissionDenied):
            delegation.invite(
                principal,
                fresh.grace,
                username=f"{who}-friend",
                name="Friend",
                relationship="friend",
                contact="",
                permissions=[DelegatePermission.CO_APPROVE],
            )
    assert fresh.sign_in("grace-son").permissions == son.permissions == {DelegatePermission.VIEW}
    assert fresh.sign_in("grace-daughter").permissions == frozenset(DelegatePermission)
    with pytest.raises(PermissionDenied):  # a delegate without view cannot list the others
        delegation.delegates(fresh.sign_in("grace-neighbour"), fresh.grace)


def test_consent_is_the_investors_own_decision(fresh: World) -> None:
    consent = ConsentService(fresh.store, fresh.accounts, fresh.clock)
    for who in ("root", "ada-advisor", "grace-daughter", "alan"):
        principal = fresh.sign_in(who)
        with pytest.raises(PermissionDenied):
            consent.grant(principal, fresh.grace)
        with pytest.raises(PermissionDenied):
            consent.decline(principal, fresh.grace)
    assert not consent.current(fresh.sign_in("ada-advisor"), fresh.grace).answered
    assert consent.grant(fresh.sign_in("grace"), fresh.grace).analysis_allowed
    with pytest.raises(PermissionDenied):  # reading it needs the right to view her profile
        consent.current(fresh.sign_in("alan"), fresh.grace)


def test_holds_are_released_only_by_the_investors_advisor_or_an_admin(
    fresh: World, approvals: ApprovalService
) -> None:
    hold = approvals.raise_exploitation_hold(fresh.grace, "asked to move everything at once")
    assert hold is not None
    for who in ("grace", "grace-daughter", "bob-advisor", "alan"):
        with pytest.raises(PermissionDenied):
            approvals.holds.release(fresh.sign_in(who), fresh.grace, "she is fine")
        assert approvals.holds.active_hold(fresh.grace) is not None
    approvals.holds.release(fresh.sign_in("ada-advisor"), fresh.grace, "spoke with her")
    assert approvals.holds.active_hold(fresh.grace) is None


def test_alerts_are_read_only_by_their_recipient(fresh: World) -> None:
    alerts = AlertService(fresh.store, fresh.clock)
    sent = alerts.notify(fresh.grace, AlertKind.PANIC, "Grace seems very worried")
    assert len(sent) == 3  # the daughter, the neighbour (both granted alerts) and Ada
    daughter = fresh.sign_in("grace-daughter")
    [first] = [a.id for a in alerts.alerts(daughter)]
    assert first in sent
    for who in ("alan", "alan-son", "grace-son", "bob-advisor", "root"):
        principal = fresh.sign_in(who)
        assert first not in [a.id for a in alerts.alerts(principal)]
        with pytest.raises(PermissionDenied, match="not addressed"):
            alerts.mark_read(principal, first)
    assert alerts.alerts(daughter, unread_only=True)[0].id == first


def test_an_investor_reading_another_investors_conversation_by_id_is_refused(
    fresh: World,
) -> None:
    """What every handler does with a conversation id: find whose it is, then ask."""
    alans = fresh.store.start_conversation(fresh.alan, "en")
    fresh.store.append_message(alans, "user", "My phone is 13812345678, I'm 44")
    owner = fresh.store.conversation(alans).investor_id
    assert owner == fresh.alan
    for who in ("grace", "grace-daughter", "ada-advisor"):
        with pytest.raises(PermissionDenied):
            fresh.accounts.authorize(fresh.sign_in(who), Action.VIEW_CONVERSATION, owner)
    for who in ("alan", "alan-son", "bob-advisor", "root"):
        fresh.accounts.authorize(fresh.sign_in(who), Action.VIEW_CONVERSATION, owner)
    refused = [e for e in fresh.store.audit_events("investor", fresh.alan)]
    assert {e.actor for e in refused if e.action == "access.denied"} == {
        "investor:grace",
        "delegate:grace-daughter",
        "advisor:ada-advisor",
    }


# --- sessions ------------------------------------------------------------------------------------


def test_an_expired_session_is_refused_at_the_next_request(fresh: World) -> None:
    tokens = {who: fresh.accounts.sign_in(who, PASSWORD) for who in EXPECTED}
    fresh.clock.advance(hours=1, minutes=59)
    for token in tokens.values():
        fresh.accounts.principal(token)
    fresh.clock.advance(minutes=1)  # session_hours is 2
    for token in tokens.values():
        with pytest.raises(SessionExpired, match="expired"):
            fresh.accounts.principal(token)
    again = fresh.accounts.sign_in("grace", PASSWORD)
    assert fresh.accounts.principal(again).investor_id == fresh.grace


def test_a_signed_out_forged_or_disabled_session_is_refused(fresh: World) -> None:
    token = fresh.accounts.sign_in("grace", PASSWORD)
    fresh.accounts.sign_out(token)
    with pytest.raises(SessionExpired, match="signed out"):
        fresh.accounts.principal(token)
    for forged in ("", "x" * 10_000, token[:-1], token + "A", "' OR 1=1 --"):
        with pytest.raises(AuthenticationError, match="Unknown session"):
            fresh.accounts.principal(forged)
    token = fresh.accounts.sign_in("ada-advisor", PASSWORD)
    advisor = fresh.accounts.principal(token)
    fresh.accounts.set_disabled(advisor.user_id, True, actor="admin:root")
    with pytest.raises(AuthenticationError, match="disabled"):
        fresh.accounts.principal(token)


# --- login rate limiting -------------------------------------------------------------------------


def failures(world: World, username: str, count: int, client: str | None = None) -> None:
    for _ in range(count):
        with pytest.raises(AuthenticationError):
            world.accounts.sign_in(username, WRONG, client=client)


def login_events(world: World, subject_type: str) -> list[tuple[str, str | None]]:
    return [(e.action, e.subject_id) for e in world.store.audit_events(subject_type)]


def test_too_many_failures_lock_the_username_even_with_the_right_password(fresh: World) -> None:
    failures(fresh, "grace", 2)
    with pytest.raises(AccountLocked, match="Too many failed sign-ins") as locked:
        fresh.accounts.sign_in("GRACE ", WRONG)  # the third, under the same username
    assert "2026-11-30 09:30 UTC" in str(locked.value)  # locked for login_lockout_minutes
    fresh.clock.advance(minutes=29)
    with pytest.raises(AccountLocked):
        fresh.accounts.sign_in("grace", PASSWORD)
    assert login_events(fresh, "login.username") == [
        ("login.failed", "grace"),
        ("login.failed", "grace"),
        ("login.failed", "grace"),
        ("login.locked", "grace"),
        ("login.refused", "grace"),
    ]
    fresh.accounts.sign_in("alan", PASSWORD)  # other users are not affected
    fresh.clock.advance(minutes=1)
    token = fresh.accounts.sign_in("grace", PASSWORD)
    assert fresh.accounts.principal(token).username == "grace"
    assert fresh.store.verify_audit_chain() is None


def test_an_unknown_username_locks_the_same_way_so_locks_reveal_nothing(fresh: World) -> None:
    failures(fresh, "grace", 2)
    failures(fresh, "nobody-here", 2)
    with pytest.raises(AccountLocked) as known:
        fresh.accounts.sign_in("grace", WRONG)
    with pytest.raises(AccountLocked) as unknown:
        fresh.accounts.sign_in("nobody-here", WRONG)
    assert str(known.value) == str(unknown.value)


def test_failures_outside_the_window_do_not_add_up(fresh: World) -> None:
    for _ in range(4):
        failures(fresh, "grace", 1)
        fresh.clock.advance(minutes=6)  # window is 10 minutes: at most two in any window
    fresh.accounts.sign_in("grace", PASSWORD)
    assert ("login.locked", "grace") not in login_events(fresh, "login.username")


def test_a_successful_sign_in_clears_the_usernames_count(fresh: World) -> None:
    failures(fresh, "grace", 2)
    fresh.accounts.sign_in("grace", PASSWORD)
    failures(fresh, "grace", 2)
    fresh.accounts.sign_in("grace", PASSWORD)
    assert ("login.reset", "grace") in login_events(fresh, "login.username")


def test_one_client_guessing_many_usernames_is_locked_out(fresh: World) -> None:
    names = ["grace", "alan", "root", "ada-advisor"]
    for name in names:  # one failure each: no username reaches its limit of 3 ...
        failures(fresh, name, 1, client="203.0.113.9")
    with pytest.raises(AccountLocked, match="this device"):  # ... but the client does (5)
        fresh.accounts.sign_in("bob-advisor", WRONG, client="203.0.113.9")
    with pytest.raises(AccountLocked, match="this device"):
        fresh.accounts.sign_in("alan", PASSWORD, client="203.0.113.9")
    # The same people from elsewhere are fine.
    fresh.accounts.sign_in("alan", PASSWORD, client="198.51.100.7")
    locks = [e for e in fresh.store.audit_events("login.client") if e.action == "login.locked"]
    assert [e.subject_id for e in locks] == ["203.0.113.9"]
    assert locks[0].payload["failures"] == 5


def test_the_app_sign_in_counts_failures_under_the_callers_address(fresh: World) -> None:
    """Gradio hands the app's sign-in handler the request (found by its annotation), and the
    handler passes the caller's address to the limiter."""
    import gradio as gr
    from gradio.helpers import special_args
    from starlette.requests import Request

    from advisor.app.sign_in import sign_in_handler

    def request_from(address: str) -> gr.Request:
        scope = {"type": "http", "method": "POST", "headers": [], "client": (address, 50_000)}
        return gr.Request(request=Request(scope))

    handler = sign_in_handler(SimpleNamespace(accounts=fresh.accounts))  # type: ignore[arg-type]
    wired, *_ = special_args(handler, ["alan", WRONG, False, {}], request_from("203.0.113.9"))
    assert isinstance(wired[-1], gr.Request)  # Gradio injects it
    for name in ["grace", "alan", "root", "ada-advisor"]:  # under each username's limit of 3
        token, message, *_ = handler(name, WRONG, False, {}, request_from("203.0.113.9"))
        assert token == "" and "wrong" in message
    for name, password in [("bob-advisor", WRONG), ("alan", PASSWORD)]:  # the client's limit, 5
        token, message, *_ = handler(name, password, False, {}, request_from("203.0.113.9"))
        assert token == "" and "this device" in message
    token, *_ = handler("alan", PASSWORD, False, {}, request_from("198.51.100.7"))
    assert fresh.accounts.principal(token).username == "alan"


def test_the_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADVISOR_LOGIN_MAX_FAILURES", "7")
    monkeypatch.setenv("ADVISOR_LOGIN_MAX_FAILURES_PER_CLIENT", "70")
    monkeypatch.setenv("ADVISOR_LOGIN_WINDOW_MINUTES", "5")
    monkeypatch.setenv("ADVISOR_LOGIN_LOCKOUT_MINUTES", "60")
    settings = Settings()
    assert settings.login_max_failures == 7 and settings.login_max_failures_per_client == 70
    assert settings.login_window_minutes == 5 and settings.login_lockout_minutes == 60
    defaults = Settings.model_fields
    assert defaults["login_max_failures"].default == 5
    assert defaults["login_lockout_minutes"].default == 15

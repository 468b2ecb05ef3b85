"""Persistent advice sessions against a real database and a real advisor: a fresh SQLite file per
test, or the database named by ADVISOR_TEST_DATABASE_URL (a fresh database on it per test)."""

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage
from sqlalchemy import Engine, func, literal_column, select, update
from sqlalchemy.exc import IntegrityError

from advisor.agent.orchestrator import Advisor, DraftTurn, Turn
from advisor.agent.prompts import load_templates
from advisor.agent.session import AdviceSession
from advisor.agent.tools import AdvisorTools
from advisor.errors import AdvisorError
from advisor.knowledge.service import open_retriever
from advisor.profile.extractor import ProfileExtractor
from advisor.profile.text import Message
from advisor.runtime import Runtime
from advisor.settings import PROJECT_ROOT, Settings
from advisor.storage import alembic_config, create_database_engine, upgrade_database
from advisor.storage.models import (
    AdvisorReview,
    Base,
    Delegate,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from advisor.storage.store import AuditEventRecord, ProposalRecord, Store

ONBOARDING = (
    "I'm 45, saving for retirement in 20 years. I could accept a 20% drop. "
    "I have 6 months of emergency savings."
)
ANXIOUS = (
    "The market fell again this week and I'm worried.",
    "Another fall today. I'm nervous about my savings.",
    "Prices keep dropping and I feel anxious.",
)
SELL_EVERYTHING = "Sell everything now."
HOLDINGS = {"us_total_market": 6_000.0, "us_aggregate_bond": 4_000.0}


# Fixtures


@pytest.fixture(scope="module")
def advisor(tmp_path_factory: pytest.TempPathFactory) -> Advisor:
    """The real advisor, templated replies only; loaded once (it loads models)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("advisor-data"))
    runtime = Runtime.load(settings)
    retriever = open_retriever(settings.knowledge_dir, settings.data_dir)
    tools = AdvisorTools(runtime, retriever, ProfileExtractor())
    return Advisor(
        tools, load_templates(PROJECT_ROOT / "prompts"), model=None, cooling_off_hours=24
    )


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


class FlakyStore(Store):
    """A store whose operation named `failing` raises, as a crash between two writes would."""

    failing: str | None = None

    def save_profile(self, investor_id: int, data: dict[str, Any], actor: str) -> int:
        self._maybe_fail("save_profile")
        return super().save_profile(investor_id, data, actor)

    def record_proposal(self, *args: Any, **kwargs: Any) -> int:
        self._maybe_fail("record_proposal")
        return super().record_proposal(*args, **kwargs)

    def record_event(self, *args: Any, **kwargs: Any) -> int:
        self._maybe_fail("record_event")
        return super().record_event(*args, **kwargs)

    def _maybe_fail(self, operation: str) -> None:
        if self.failing == operation:
            raise RuntimeError(f"injected failure in {operation}")


class ReviewEverything(Advisor):
    """The real advisor, except that every proposal it makes requires an adviser's review."""

    def finish(self, draft: DraftTurn) -> Turn:
        turn = super().finish(draft)
        if turn.proposal is None:
            return turn
        reviewed = turn.proposal.model_copy(
            update={"requires_review": True, "status": "pending_review"}
        )
        return replace(turn, proposal=reviewed)


def _chat(session: AdviceSession, *texts: str) -> list[Turn]:
    return [session.send(text) for text in texts]


def _conversation_id(session: AdviceSession) -> int:
    assert session.conversation_id is not None
    return session.conversation_id


def _account_id(store: Store, session: AdviceSession) -> int:
    assert session.investor_id is not None
    [account] = store.accounts(session.investor_id)
    return account.id


def _events(store: Store, action: str) -> list[AuditEventRecord]:
    return [event for event in store.audit_events() if event.action == action]


def _row_counts(store: Store) -> dict[str, int]:
    with store.transaction() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


def _panic_session(advisor: Advisor, store: Store) -> tuple[AdviceSession, int]:
    """An onboarded investor holding a portfolio, then three anxious messages about falls."""
    session = AdviceSession(advisor, store).start("Ada")
    session.send(ONBOARDING)
    account_id = _account_id(store, session)
    store.replace_holdings(account_id, HOLDINGS, actor="custodian")
    assert [turn.action for turn in _chat(session, *ANXIOUS)] == ["anxious"] * 3
    return session, account_id


def _only_tilt(store: Store, account_id: int) -> ProposalRecord:
    [tilt] = [p for p in store.proposals(account_id) if p.kind == ProposalKind.CONSERVATIVE_TILT]
    return tilt


# Leaving and resuming


def test_a_conversation_persists_and_resumes_with_its_full_history_and_profile(
    advisor: Advisor, store: Store
) -> None:
    first = AdviceSession(advisor, store).start("Ada")
    _chat(first, ONBOARDING, "Thanks.")
    assert first.conversation_id is not None

    resumed = AdviceSession(advisor, store).resume(first.conversation_id)
    history = resumed.messages()
    assert history == first.messages()
    turn = resumed.send("Why so much in bonds?")

    assert [m.role for m in history] == ["user", "assistant"] * 2
    assert history[0].content == ONBOARDING
    # Facts given only in the first session's first message still shape the profile.
    assert (turn.profile.age.value, turn.profile.horizon_years.value) == (45, 20)
    full_history = [*history, Message("user", "Why so much in bonds?")]
    assert turn.profile.contract() == advisor.respond(full_history).profile.contract()
    stored = store.conversation(first.conversation_id)
    assert [m.index for m in stored.messages] == list(range(6))
    assert stored.messages[-1].content == turn.reply
    assert (stored.investor_id, stored.language) == (first.investor_id, "en")
    assert resumed.investor_id == first.investor_id


def test_resuming_an_unknown_conversation_or_sending_before_starting_is_an_advisor_error(
    advisor: Advisor, store: Store
) -> None:
    with pytest.raises(AdvisorError, match="no conversation with id 404"):
        AdviceSession(advisor, store).resume(404)
    with pytest.raises(AdvisorError, match="Start or resume"):
        AdviceSession(advisor, store).send("Hello")
    assert sum(_row_counts(store).values()) == 0


def test_nothing_is_written_before_the_first_message(advisor: Advisor, store: Store) -> None:
    session = AdviceSession(advisor, store).start("Ada")
    assert session.conversation_id is None
    assert session.messages() == []
    assert sum(_row_counts(store).values()) == 0


def test_a_conversation_changed_by_another_session_mid_turn_is_refused_and_writes_nothing(
    advisor: Advisor, store: Store
) -> None:
    first = AdviceSession(advisor, store).start("Ada")
    first.send(ONBOARDING)
    conversation_id = _conversation_id(first)

    class Overtaken(Advisor):
        """While the opening is written, the same conversation moves on in another tab."""

        def finish(self, draft: DraftTurn) -> Turn:
            AdviceSession(advisor, store).resume(conversation_id).send("Thanks.")
            return super().finish(draft)

    overtaken = Overtaken(advisor.tools, advisor.templates, model=None)
    session = AdviceSession(overtaken, store).resume(conversation_id)

    with pytest.raises(AdvisorError, match="changed since it was read"):
        session.send("ok")

    # Only the other tab's turn is on record; resending reads it and continues after it.
    contents = [m.content for m in session.messages()]
    assert len(contents) == 4 and contents[2] == "Thanks."
    AdviceSession(advisor, store).resume(conversation_id).send("ok")
    assert [m.index for m in store.conversation(conversation_id).messages] == list(range(6))


def test_a_drafted_turn_shows_the_engine_reply_first_and_records_only_when_completed(
    advisor: Advisor, store: Store
) -> None:
    session = AdviceSession(advisor, store).start("Ada")
    session.send(ONBOARDING)
    conversation_id = _conversation_id(session)
    before = len(store.conversation(conversation_id).messages)

    pending = session.draft("What portfolio would you suggest for me?")

    # The preview is the engine's reply with a placeholder where the opening goes.
    assert "…" in pending.draft.preview.split("\n\n")
    assert pending.draft.facts and pending.draft.facts in pending.draft.preview
    assert len(store.conversation(conversation_id).messages) == before  # nothing recorded yet
    turn = session.complete(pending)
    assert turn.reply == pending.draft.reply(turn.opening, degraded=turn.degraded)
    assert turn.opening and "…" not in turn.reply.split("\n\n")
    stored = store.conversation(conversation_id).messages
    assert [m.content for m in stored[before:]] == [
        "What portfolio would you suggest for me?",
        turn.reply,
    ]


# Profiles and proposals


def test_profile_versions_increase_only_when_the_profile_changes(
    advisor: Advisor, store: Store
) -> None:
    session = AdviceSession(advisor, store).start("Ada")
    contracts: list[dict[str, Any]] = []
    latest: list[tuple[int, dict[str, Any]] | None] = []
    for text in (ONBOARDING, "Thanks.", ANXIOUS[0]):
        turn = session.send(text)
        assert session.investor_id is not None
        contracts.append(turn.profile.contract())
        latest.append(store.latest_profile(session.investor_id))

    # What the extractor reads: "Thanks." tells nothing new, worry changes the emotion.
    assert contracts[1] == contracts[0] != contracts[2]
    assert [version for version, _ in filter(None, latest)] == [1, 1, 2]
    assert latest[-1] == (2, turn.profile.contract())
    assert latest[-1][1]["emotion"] == "anxious"
    turn_events = _events(store, "advice_turn")
    assert [event.payload["profile_version"] for event in turn_events] == [1, None, 2]


def test_an_allocation_is_recorded_as_a_draft_once_however_often_it_is_shown(
    advisor: Advisor, store: Store
) -> None:
    session = AdviceSession(advisor, store).start("Ada")
    first, again = _chat(session, ONBOARDING, "Can you show me the plan again?")

    assert first.proposal is not None and again.proposal == first.proposal
    assert not first.proposal.requires_review
    account_id = _account_id(store, session)
    [proposal] = store.proposals(account_id)
    assert (proposal.kind, proposal.status) == (ProposalKind.ALLOCATION, ProposalStatus.DRAFT)
    assert proposal.weights == pytest.approx(
        {h.product_id: h.weight for h in first.proposal.holdings}
    )
    assert proposal.cooling_off_until is None
    assert first.decision is not None and session.investor_id is not None
    [account] = store.accounts(session.investor_id)
    assert account.risk_level == first.decision.risk_level
    assert store.pending_reviews() == []
    assert [e.payload["proposals"] for e in _events(store, "advice_turn")] == [
        [{"id": proposal.id, "kind": "allocation", "new": True}],
        [{"id": proposal.id, "kind": "allocation", "new": False}],
    ]


def test_an_allocation_that_requires_review_waits_for_the_investor_to_accept_it(
    advisor: Advisor, store: Store
) -> None:
    reviewing = ReviewEverything(advisor.tools, advisor.templates, model=None)
    session = AdviceSession(reviewing, store).start("Ada")
    session.send(ONBOARDING)

    [proposal] = store.proposals(_account_id(store, session))
    # No reviewer sees a portfolio the investor has not accepted (the app's accept moves it on).
    assert (proposal.status, proposal.requires_review) == (ProposalStatus.DRAFT, True)
    assert store.pending_reviews() == []
    actions = [e.action for e in store.audit_events("proposal", proposal.id)]
    assert actions == ["proposal.recorded"]


# Panic: never a trade, always a review item with a cooling-off period


def test_selling_everything_in_a_panic_becomes_a_review_item_not_a_trade(
    advisor: Advisor, store: Store
) -> None:
    session, account_id = _panic_session(advisor, store)
    before = datetime.now(UTC)
    turn = session.send(SELL_EVERYTHING)
    after = datetime.now(UTC)

    assert turn.action == "panic" and turn.pending_change is not None
    assert store.holdings(account_id) == HOLDINGS
    assert len(_events(store, "holdings.replaced")) == 1  # the custodian's, before the panic
    assert _events(store, "proposal.executed") == []
    assert all(p.status != ProposalStatus.EXECUTED for p in store.proposals(account_id))

    tilt = _only_tilt(store, account_id)
    assert tilt.status == ProposalStatus.PENDING_REVIEW and tilt.requires_review
    assert tilt.cooling_off_until is not None
    assert before + timedelta(hours=24) <= tilt.cooling_off_until <= after + timedelta(hours=24)
    [review] = store.pending_reviews()
    assert (review.proposal_id, review.kind) == (tilt.id, ProposalKind.CONSERVATIVE_TILT)
    assert review.cooling_off_until == tilt.cooling_off_until

    [cooling_off] = _events(store, "cooling_off")
    assert (cooling_off.subject_type, cooling_off.subject_id) == ("proposal", str(tilt.id))
    change = turn.pending_change
    assert cooling_off.payload["from_level"] == change.from_level
    assert cooling_off.payload["to_level"] == change.to_level == change.from_level - 1
    assert cooling_off.payload["until"] == tilt.cooling_off_until.isoformat()
    [handover] = _events(store, "handover")
    assert handover.payload["reason"] == turn.handover_reason
    assert handover.payload["proposal_ids"] == [tilt.id]
    assert (handover.subject_type, handover.subject_id) == (
        "conversation",
        str(session.conversation_id),
    )


def test_panicking_again_does_not_queue_the_same_review_item_twice(
    advisor: Advisor, store: Store
) -> None:
    session, account_id = _panic_session(advisor, store)
    _chat(session, SELL_EVERYTHING, "Please, sell everything now!")

    tilt = _only_tilt(store, account_id)
    assert [review.proposal_id for review in store.pending_reviews()] == [tilt.id]
    assert len(_events(store, "cooling_off")) == 1
    assert len(_events(store, "handover")) == 2  # every handover is on record


def test_executing_the_tilt_before_its_cooling_off_ends_is_refused(
    advisor: Advisor, store: Store, engine: Engine
) -> None:
    session, account_id = _panic_session(advisor, store)
    session.send(SELL_EVERYTHING)
    tilt = _only_tilt(store, account_id)
    store.transition_proposal(tilt.id, ProposalStatus.APPROVED, actor="grace")
    audit_before = store.audit_events()

    with pytest.raises(AdvisorError, match="cooling-off period ends at") as raised:
        store.transition_proposal(tilt.id, ProposalStatus.EXECUTED, actor="scheduler")

    assert "from approved to executed" in str(raised.value)
    assert _only_tilt(store, account_id).status == ProposalStatus.APPROVED
    assert store.audit_events() == audit_before
    assert store.holdings(account_id) == HOLDINGS
    until = tilt.cooling_off_until
    assert until is not None
    later = Store(engine, clock=lambda: until + timedelta(seconds=1))
    later.transition_proposal(tilt.id, ProposalStatus.EXECUTED, actor="scheduler")
    assert _only_tilt(store, account_id).status == ProposalStatus.EXECUTED


@pytest.mark.parametrize(
    ("permissions", "revoked", "offered"),
    [
        (["alerts"], False, True),
        (["view", "alerts"], False, True),
        (["view", "co_approve"], False, False),
        (["alerts"], True, False),
    ],
)
def test_a_trusted_contact_is_one_delegate_who_receives_alerts(
    advisor: Advisor, store: Store, permissions: list[str], revoked: bool, offered: bool
) -> None:
    session, _ = _panic_session(advisor, store)
    assert session.investor_id is not None
    with store.transaction() as db:
        db.add(
            Delegate(
                investor_id=session.investor_id,
                name="Ben",
                relationship="son",
                contact="ben@example.com",
                permissions=permissions,
                revoked_at=datetime.now(UTC) - timedelta(days=1) if revoked else None,
            )
        )

    turn = session.send(SELL_EVERYTHING)

    contact_sentence = advisor.templates["en"].render("panic_contact")
    assert (contact_sentence in turn.reply) is offered
    assert store.has_trusted_contact(session.investor_id) is offered


# Guard rejections


def test_guard_rejections_are_audited_with_their_problems(advisor: Advisor, store: Store) -> None:
    boasting = GenericFakeChatModel(messages=itertools.repeat(AIMessage("Guaranteed 50% returns!")))
    chatty = Advisor(advisor.tools, advisor.templates, model=boasting, cooling_off_hours=24)
    session = AdviceSession(chatty, store).start("Ada")

    turn = session.send(ONBOARDING)

    assert turn.guard_rejections and "50%" not in turn.reply
    [event] = _events(store, "guard_rejection")
    assert event.payload["problems"] == list(turn.guard_rejections)
    assert any("numbers written by the model" in p for p in event.payload["problems"])
    assert (event.subject_type, event.subject_id) == ("conversation", str(session.conversation_id))
    [turn_event] = _events(store, "advice_turn")
    assert turn_event.payload["templates_version"] == turn.templates_version
    assert turn_event.payload["degraded"] is False


def test_a_turn_without_rejections_writes_no_guard_event(advisor: Advisor, store: Store) -> None:
    AdviceSession(advisor, store).start("Ada").send(ONBOARDING)
    assert _events(store, "guard_rejection") == []
    assert [e.payload["action"] for e in _events(store, "advice_turn")] == ["propose"]


# All or nothing


@pytest.mark.parametrize("failing", ["save_profile", "record_proposal", "record_event"])
def test_a_failure_on_the_first_turn_writes_nothing(
    advisor: Advisor, engine: Engine, failing: str
) -> None:
    store = FlakyStore(engine)
    store.failing = failing
    session = AdviceSession(advisor, store).start("Ada")

    with pytest.raises(RuntimeError, match="injected failure"):
        session.send(ONBOARDING)

    assert sum(_row_counts(store).values()) == 0
    assert (session.conversation_id, session.investor_id) == (None, None)


@pytest.mark.parametrize("failing", ["save_profile", "record_proposal", "record_event"])
def test_a_failure_between_the_writes_of_a_turn_leaves_nothing_half_written(
    advisor: Advisor, engine: Engine, failing: str
) -> None:
    store = FlakyStore(engine)
    session, account_id = _panic_session(advisor, store)
    assert session.conversation_id is not None
    counts_before = _row_counts(store)
    audit_before = store.audit_events()
    proposals_before = store.proposals(account_id)
    store.failing = failing

    with pytest.raises(RuntimeError, match="injected failure"):
        session.send(SELL_EVERYTHING)

    assert _row_counts(store) == counts_before
    assert store.audit_events() == audit_before
    assert store.proposals(account_id) == proposals_before
    store.failing = None
    session.send(SELL_EVERYTHING)  # the same message again, now recorded in full
    messages = store.conversation(session.conversation_id).messages
    assert [m.index for m in messages] == list(range(10))
    assert _only_tilt(store, account_id).status == ProposalStatus.PENDING_REVIEW
    assert len(_events(store, "cooling_off")) == 1


# Schema: proposals' kind and cooling-off period


def test_upgrading_keeps_existing_proposals_and_reviews_as_allocations(
    database_url: str,
) -> None:
    config = alembic_config(database_url)
    command.upgrade(config, "0001")
    engine = create_database_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO investors (id, name, jurisdiction, created_at) "
                "VALUES (1, 'Ada', 'US', '2025-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO accounts (id, investor_id, name, risk_level, currency, created_at) "
                "VALUES (1, 1, 'Retirement', 3, 'USD', '2025-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO proposals (id, account_id, status, weights, rationale, "
                "requires_review, created_by, updated_at, created_at) VALUES (1, 1, 'approved', "
                "'{}', 'Old.', TRUE, 'engine', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
            )
            connection.exec_driver_sql(
                "INSERT INTO advisor_reviews (id, proposal_id, reviewer, decision, created_at) "
                "VALUES (1, 1, 'grace', 'approved', '2025-01-01 00:00:00')"
            )

        upgrade_database(database_url)

        store = Store(engine)
        [proposal] = store.proposals(1)
        assert (proposal.kind, proposal.cooling_off_until) == (ProposalKind.ALLOCATION, None)
        store.transition_proposal(1, ProposalStatus.EXECUTED, actor="scheduler")
        with store.transaction() as session:
            assert session.scalar(select(func.count()).select_from(AdvisorReview)) == 1
        command.downgrade(config, "0001")
        command.upgrade(config, "head")
    finally:
        engine.dispose()


def test_the_database_rejects_an_unknown_proposal_kind(store: Store) -> None:
    account_id = store.open_account(store.create_investor("Ada"), "Retirement", risk_level=3)
    store.record_proposal(account_id, {"us_aggregate_bond": 1.0}, "r", True, "engine")
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.execute(update(Proposal).values(kind=literal_column("'yolo'")))
    [proposal] = store.proposals(account_id)
    assert proposal.kind == ProposalKind.ALLOCATION


def test_record_proposal_checks_kind_review_and_cooling_off(store: Store) -> None:
    account_id = store.open_account(store.create_investor("Ada"), "Retirement", risk_level=3)
    weights = {"us_aggregate_bond": 1.0}
    with pytest.raises(AdvisorError, match="'yolo'"):
        store.record_proposal(account_id, weights, "r", True, "engine", kind="yolo")
    with pytest.raises(AdvisorError, match="must require review"):
        store.record_proposal(account_id, weights, "r", False, "engine", kind="risk_increase")
    with pytest.raises(AdvisorError, match="timezone-aware"):
        store.record_proposal(
            account_id, weights, "r", True, "engine", cooling_off_until=datetime(2030, 1, 1)
        )
    assert store.proposals(account_id) == []
    until = datetime(2030, 1, 1, tzinfo=UTC)
    proposal_id = store.record_proposal(
        account_id, weights, "r", True, "engine", kind="risk_increase", cooling_off_until=until
    )
    [recorded] = store.proposals(account_id)
    assert (recorded.id, recorded.kind, recorded.cooling_off_until) == (
        proposal_id,
        ProposalKind.RISK_INCREASE,
        until,
    )
    [event] = store.audit_events("proposal", proposal_id)
    assert event.payload["kind"] == "risk_increase"
    assert event.payload["cooling_off_until"] == until.isoformat()


def test_an_atomic_block_commits_all_or_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.atomic() as view:
        investor_id = view.create_investor("Ghost")
        view.record_event("test", "ghost.created", "investor", investor_id, {})
        raise RuntimeError("boom")
    assert sum(_row_counts(store).values()) == 0

    with store.atomic() as view:
        investor_id = view.create_investor("Ada")
        event_id = view.record_event("test", "ada.created", "investor", investor_id, {}, "run-1")
    [event] = store.audit_events("investor", investor_id)
    assert (event.id, event.run_id, event.action) == (event_id, "run-1", "ada.created")


# Goals stated in the chat are stored, and edited by stating new figures


def test_a_goal_stated_in_the_chat_is_stored_and_edited_by_new_figures(
    advisor: Advisor, store: Store
) -> None:
    session = AdviceSession(advisor, store).start("Ada")
    first = session.send(
        "I'm 41 and saving for a flat deposit. I need 60k in 3 years. I have 20k saved. "
        "I could accept a 5% fall at most. I have 6 months of emergency savings."
    )
    assert first.goal is not None and session.investor_id is not None
    [goal] = store.goals(session.investor_id)
    assert (goal.kind, float(goal.target_amount), float(goal.current_value)) == (
        "home",
        60_000.0,
        20_000.0,
    )
    assert goal.account_id == _account_id(store, session)
    assert goal.risk_level == first.goal.risk_level

    session.send("Actually I need 80k, and I can put 500 a month in.")
    [edited] = store.goals(session.investor_id)
    assert edited.id == goal.id
    assert (float(edited.target_amount), float(edited.monthly_deposit)) == (80_000.0, 500.0)
    [change] = [e for e in store.audit_events("goal", edited.id) if e.action == "goal.updated"]
    assert change.payload["after"]["target_amount"] == 80_000.0

    session.send("Can you show me the plan again?")  # the same figures: nothing new to write
    assert [e.action for e in store.audit_events("goal", edited.id)].count("goal.updated") == 1

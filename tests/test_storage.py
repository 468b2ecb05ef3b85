"""The storage layer against a real database: a fresh SQLite file per test, or the database named by
ADVISOR_TEST_DATABASE_URL (e.g. PostgreSQL in CI), a fresh database on it per test."""

from datetime import UTC
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import IntegrityError

from advisor.errors import AdvisorError
from advisor.storage import (
    ProposalStatus,
    Store,
    alembic_config,
    create_database_engine,
    upgrade_database,
)
from advisor.storage.models import (
    Account,
    AdvisorReview,
    Base,
    Holding,
    Investor,
    Profile,
    Proposal,
    ReviewDecision,
)

EXPECTED_TABLES = {
    "investors",
    "accounts",
    "holdings",
    "conversations",
    "messages",
    "profiles",
    "proposals",
    "advisor_reviews",
    "audit_events",
    "consents",
    "delegates",
    # accounts, roles and delegation (0003)
    "users",
    "advisor_assignments",
    "auth_sessions",
    "alerts",
    "trading_holds",
    "co_approvals",
    # goals and tax lots (0004)
    "goals",
    "account_tax",
    "tax_lots",
    # batch rebalancing runs (0005)
    "rebalance_runs",
    "rebalance_run_accounts",
}


@pytest.fixture
def store(engine: Engine) -> Store:
    return Store(engine)


@pytest.fixture
def account_id(store: Store) -> int:
    investor_id = store.create_investor("Ada", birth_year=1980)
    return store.open_account(investor_id, "Retirement", risk_level=3)


# Schema and migrations


def test_upgrade_creates_every_table(engine: Engine) -> None:
    assert set(Base.metadata.tables) == EXPECTED_TABLES
    assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES | {"alembic_version"}


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrated_constraints_and_indexes_have_the_models_names(engine: Engine) -> None:
    # compare_metadata ignores CHECK constraints and most names; stable names matter to migrations.
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        expected = {constraint.name for constraint in table.constraints}
        expected |= {index.name for index in table.indexes}
        reflected = {inspector.get_pk_constraint(table.name)["name"]}
        reflected |= {fk["name"] for fk in inspector.get_foreign_keys(table.name)}
        reflected |= {uq["name"] for uq in inspector.get_unique_constraints(table.name)}
        reflected |= {ck["name"] for ck in inspector.get_check_constraints(table.name)}
        reflected |= {
            index["name"]
            for index in inspector.get_indexes(table.name)
            if "duplicates_constraint" not in index  # PostgreSQL lists UNIQUE's index too
        }
        assert reflected == expected, table.name


def test_upgrade_database_is_idempotent_and_keeps_data(database_url: str) -> None:
    upgrade_database(database_url)
    store_engine = create_database_engine(database_url)
    try:
        investor_id = Store(store_engine).create_investor("Ada")
        upgrade_database(database_url)

        with store_engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
        head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
        with Store(store_engine).transaction() as session:
            investor = session.get(Investor, investor_id)
        assert current == head == "0005"
        assert investor is not None and investor.name == "Ada"
    finally:
        store_engine.dispose()


def test_downgrade_to_base_removes_every_table(engine: Engine, database_url: str) -> None:
    command.downgrade(alembic_config(database_url), "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}


# SQLite engine set-up (always SQLite: this is the zero-configuration default)


def test_sqlite_engine_creates_its_directory_and_uses_wal_foreign_keys_and_busy_timeout(
    tmp_path: Path,
) -> None:
    database = tmp_path / "not" / "yet" / "there" / "advisor.db"
    engine = create_database_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            journal_mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
            foreign_keys = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
            busy_timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    finally:
        engine.dispose()
    assert database.parent.is_dir()
    assert journal_mode == "wal"
    assert foreign_keys == 1
    assert busy_timeout is not None and busy_timeout > 0


def test_unusable_database_urls_are_advisor_errors_that_hide_the_password() -> None:
    with pytest.raises(AdvisorError, match="not a valid SQLAlchemy URL"):
        create_database_engine("not-a-url")
    with pytest.raises(AdvisorError, match="'nosuchdb'") as raised:
        create_database_engine("nosuchdb://ada:s3cret@localhost/advisor")
    assert "s3cret" not in str(raised.value)


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(Account(investor_id=999_999, name="Orphan", risk_level=3, currency="USD"))


def test_database_rejects_negative_holdings_and_out_of_range_risk_levels(
    store: Store, account_id: int
) -> None:
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(Holding(account_id=account_id, product_id="VTI", value=Decimal("-1")))
    with pytest.raises(IntegrityError), store.transaction() as session:
        investor_id = session.get_one(Account, account_id).investor_id
        session.add(Account(investor_id=investor_id, name="Wild", risk_level=6, currency="USD"))


# Transactions and holdings


def test_transaction_rolls_back_everything_when_the_block_raises(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as session:
        session.add(Investor(name="Ghost", jurisdiction="US"))
        session.flush()  # the row really reaches the database before the failure
        raise RuntimeError("boom")
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Investor)) == 0


def test_replace_holdings_replaces_all_holdings_and_audits_once(
    store: Store, account_id: int
) -> None:
    store.replace_holdings(account_id, {"VTI": 100.0, "BND": 50.0}, actor="ada")
    store.replace_holdings(account_id, {"VXUS": 25.004, "BND": 60.0}, actor="ada")

    assert store.holdings(account_id) == {"BND": 60.0, "VXUS": 25.0}
    events = store.audit_events("account", account_id)
    assert [event.action for event in events] == ["holdings.replaced"] * 2
    assert events[1].actor == "ada"
    assert events[1].payload == {
        "before": {"BND": 50.0, "VTI": 100.0},
        "after": {"BND": 60.0, "VXUS": 25.0},
    }


def test_replace_holdings_failing_on_its_third_row_changes_nothing(
    store: Store, account_id: int
) -> None:
    store.replace_holdings(account_id, {"VTI": 100.0, "BND": 50.0}, actor="ada")
    audit_log_before = store.audit_events()

    with pytest.raises(AdvisorError, match=r"'IEF'.*value"):
        store.replace_holdings(account_id, {"VXUS": 10.0, "BND": 20.0, "IEF": -5.0}, actor="ada")

    assert store.holdings(account_id) == {"BND": 50.0, "VTI": 100.0}
    assert store.audit_events() == audit_log_before


@pytest.mark.parametrize("bad_value", [float("nan"), float("inf"), -0.01])
def test_replace_holdings_rejects_values_that_are_not_finite_and_non_negative(
    store: Store, account_id: int, bad_value: float
) -> None:
    with pytest.raises(AdvisorError, match=r"'VTI'.*value"):
        store.replace_holdings(account_id, {"VTI": bad_value}, actor="ada")
    assert store.holdings(account_id) == {}


def test_unknown_account_is_an_advisor_error(store: Store) -> None:
    with pytest.raises(AdvisorError, match="account with id 424242"):
        store.replace_holdings(424_242, {"VTI": 1.0}, actor="ada")


def test_open_account_rejects_a_risk_level_outside_1_to_5(store: Store) -> None:
    investor_id = store.create_investor("Ada")
    with pytest.raises(AdvisorError, match="risk_level"):
        store.open_account(investor_id, "Wild", risk_level=0)


# Proposals


def _record_proposal(store: Store, account_id: int, *, requires_review: bool = True) -> int:
    return store.record_proposal(
        account_id,
        {"VTI": 0.6, "BND": 0.4},
        rationale="Matches risk level 3.",
        requires_review=requires_review,
        actor="engine",
    )


def _status(store: Store, proposal_id: int) -> ProposalStatus:
    with store.transaction() as session:
        return session.get_one(Proposal, proposal_id).status


def _reviews(store: Store, proposal_id: int) -> list[tuple[str, ReviewDecision, str | None]]:
    with store.transaction() as session:
        reviews = session.scalars(
            select(AdvisorReview)
            .where(AdvisorReview.proposal_id == proposal_id)
            .order_by(AdvisorReview.id)
        )
        return [(review.reviewer, review.decision, review.comment) for review in reviews]


def test_record_proposal_starts_as_a_draft_with_an_audit_event(
    store: Store, account_id: int
) -> None:
    proposal_id = _record_proposal(store, account_id)

    assert _status(store, proposal_id) == ProposalStatus.DRAFT
    [event] = store.audit_events("proposal", proposal_id)
    assert event.action == "proposal.recorded"
    assert event.payload["weights"] == {"VTI": 0.6, "BND": 0.4}


def test_review_path_writes_the_review_and_one_audit_event_per_step(
    store: Store, account_id: int
) -> None:
    proposal_id = _record_proposal(store, account_id)

    store.transition_proposal(proposal_id, ProposalStatus.PENDING_REVIEW, actor="ada")
    store.transition_proposal(proposal_id, "approved", actor="grace", comment="Looks right.")
    store.transition_proposal(proposal_id, ProposalStatus.EXECUTED, actor="scheduler")

    assert _status(store, proposal_id) == ProposalStatus.EXECUTED
    assert _reviews(store, proposal_id) == [("grace", ReviewDecision.APPROVED, "Looks right.")]
    events = store.audit_events("proposal", proposal_id)
    assert [(event.action, event.actor) for event in events] == [
        ("proposal.recorded", "engine"),
        ("proposal.pending_review", "ada"),
        ("proposal.approved", "grace"),
        ("proposal.executed", "scheduler"),
    ]
    assert events[2].payload == {
        "from": "pending_review",
        "to": "approved",
        "comment": "Looks right.",
    }


def test_rejection_writes_a_review(store: Store, account_id: int) -> None:
    proposal_id = _record_proposal(store, account_id)
    store.transition_proposal(proposal_id, ProposalStatus.PENDING_REVIEW, actor="ada")

    store.transition_proposal(
        proposal_id, ProposalStatus.REJECTED, actor="grace", comment="Too risky."
    )

    assert _status(store, proposal_id) == ProposalStatus.REJECTED
    assert _reviews(store, proposal_id) == [("grace", ReviewDecision.REJECTED, "Too risky.")]


def test_a_proposal_that_needs_no_review_can_be_executed_from_draft(
    store: Store, account_id: int
) -> None:
    proposal_id = _record_proposal(store, account_id, requires_review=False)

    store.transition_proposal(proposal_id, ProposalStatus.EXECUTED, actor="scheduler")

    assert _status(store, proposal_id) == ProposalStatus.EXECUTED
    assert _reviews(store, proposal_id) == []
    assert len(store.audit_events("proposal", proposal_id)) == 2


@pytest.mark.parametrize(
    ("path", "requested"),
    [
        ([], ProposalStatus.APPROVED),
        ([], ProposalStatus.REJECTED),
        ([], ProposalStatus.EXECUTED),  # requires review
        ([ProposalStatus.PENDING_REVIEW], ProposalStatus.EXECUTED),
        ([ProposalStatus.PENDING_REVIEW, ProposalStatus.APPROVED], ProposalStatus.DRAFT),
        ([ProposalStatus.PENDING_REVIEW, ProposalStatus.APPROVED], ProposalStatus.APPROVED),
        ([ProposalStatus.PENDING_REVIEW, ProposalStatus.REJECTED], ProposalStatus.EXECUTED),
    ],
)
def test_a_forbidden_transition_names_both_statuses_and_writes_nothing(
    store: Store, account_id: int, path: list[ProposalStatus], requested: ProposalStatus
) -> None:
    proposal_id = _record_proposal(store, account_id)
    for status in path:
        store.transition_proposal(proposal_id, status, actor="ada")
    current = _status(store, proposal_id)
    reviews_before = _reviews(store, proposal_id)
    audit_log_before = store.audit_events()

    with pytest.raises(AdvisorError) as raised:
        store.transition_proposal(proposal_id, requested, actor="mallory", comment="Sneaky.")

    assert f"from {current} to {requested}" in str(raised.value)
    assert _status(store, proposal_id) == current
    assert _reviews(store, proposal_id) == reviews_before
    assert store.audit_events() == audit_log_before


def test_an_unknown_status_is_an_advisor_error(store: Store, account_id: int) -> None:
    proposal_id = _record_proposal(store, account_id)
    with pytest.raises(AdvisorError, match="'shipped'"):
        store.transition_proposal(proposal_id, "shipped", actor="ada")
    assert _status(store, proposal_id) == ProposalStatus.DRAFT


# Profiles and the audit log


def test_profile_versions_count_from_one_per_investor(store: Store) -> None:
    ada = store.create_investor("Ada")
    grace = store.create_investor("Grace")

    versions = [
        store.save_profile(ada, {"horizon_years": 20}, actor="ada"),
        store.save_profile(grace, {"horizon_years": 5}, actor="grace"),
        store.save_profile(ada, {"horizon_years": 25}, actor="ada"),
        store.save_profile(ada, {"horizon_years": 30}, actor="advisor"),
        store.save_profile(grace, {"horizon_years": 6}, actor="grace"),
    ]

    assert versions == [1, 1, 2, 3, 2]
    with store.transaction() as session:
        latest = session.scalars(
            select(Profile).where(Profile.investor_id == ada).order_by(Profile.version.desc())
        ).first()
    assert latest is not None
    assert (latest.data, latest.created_by) == ({"horizon_years": 30}, "advisor")


def test_database_enforces_one_profile_per_investor_and_version(store: Store) -> None:
    investor_id = store.create_investor("Ada")
    store.save_profile(investor_id, {"horizon_years": 20}, actor="ada")
    with pytest.raises(IntegrityError), store.transaction() as session:
        session.add(Profile(investor_id=investor_id, version=1, data={}, created_by="mallory"))


def test_audit_events_are_filtered_by_subject_and_timestamped_in_utc(
    store: Store, account_id: int
) -> None:
    store.replace_holdings(account_id, {"VTI": 1.0}, actor="ada")
    proposal_id = _record_proposal(store, account_id)

    all_events = store.audit_events()
    proposal_events = store.audit_events("proposal", str(proposal_id))

    assert [event.subject_type for event in all_events] == ["account", "proposal"]
    assert [event.subject_id for event in proposal_events] == [str(proposal_id)]
    assert store.audit_events("proposal", proposal_id + 1) == []
    assert all(event.at.tzinfo == UTC for event in all_events)

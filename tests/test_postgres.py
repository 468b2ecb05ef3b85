"""What running on PostgreSQL (or any server database) adds to the storage tests, checked on the
database every other storage test uses (SQLite, or PostgreSQL on `make unit-postgres`): concurrent
writers appending to one audit hash chain, and timestamps that do not depend on the server's time
zone. And the throwaway server itself: tests/with_postgres.sh starts one, hands its URL to the
command, passes the command's exit status on and always stops it.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, make_url, select, text

from advisor.errors import AdvisorError
from advisor.storage import Store, create_database_engine
from advisor.storage.models import AdvisorReview, AuditEvent, ProposalStatus

SCRIPT = Path(__file__).with_name("with_postgres.sh")
WRITERS = 6
EVENTS_PER_WRITER = 15


def test_concurrent_writers_keep_one_unbroken_audit_chain(
    database_url: str, engine: Engine
) -> None:
    """Each writer has its own engine (as separate processes would), all start together."""
    investor_id = Store(engine).create_investor("Ada")
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        own = create_database_engine(database_url)
        try:
            store = Store(own)
            start.wait()
            for number in range(EVENTS_PER_WRITER):
                store.record_event(
                    f"writer-{writer}", "test.event", "investor", investor_id, {"n": number}
                )
        except BaseException as error:
            failures.append(error)
        finally:
            own.dispose()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert failures == []
    store = Store(engine)
    events = [e for e in store.audit_events() if e.action == "test.event"]
    assert len(events) == WRITERS * EVENTS_PER_WRITER
    assert store.verify_audit_chain() is None
    with store.transaction() as session:
        hashes = session.scalars(select(AuditEvent.prev_hash)).all()
    assert len(hashes) == len(set(hashes)), "two events chained onto the same predecessor"


def _together(database_url: str, work: Callable[[Store, int], object]) -> list[object]:
    """Run `work(store, writer)` in WRITERS threads, each on its own engine, started together;
    returns what each returned or raised."""
    start = threading.Barrier(WRITERS)
    outcomes: list[object] = [None] * WRITERS

    def run(writer: int) -> None:
        own = create_database_engine(database_url)
        try:
            store = Store(own)
            start.wait()
            outcomes[writer] = work(store, writer)
        except BaseException as error:
            outcomes[writer] = error
        finally:
            own.dispose()

    threads = [threading.Thread(target=run, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return outcomes


def test_concurrent_profile_saves_get_consecutive_versions(
    database_url: str, engine: Engine
) -> None:
    investor_id = Store(engine).create_investor("Ada")

    def save(store: Store, writer: int) -> list[int]:
        return [store.save_profile(investor_id, {"w": writer, "n": n}, "test") for n in range(5)]

    outcomes = _together(database_url, save)
    versions = sorted(v for outcome in outcomes for v in outcome)  # type: ignore[attr-defined]
    assert versions == list(range(1, WRITERS * 5 + 1))


def test_a_proposal_is_decided_once_by_concurrent_reviewers(
    database_url: str, engine: Engine
) -> None:
    store = Store(engine)
    account_id = store.open_account(store.create_investor("Ada"), "Retirement", risk_level=3)
    proposal_id = store.record_proposal(account_id, {"us_aggregate_bond": 1.0}, "r", True, "test")
    store.transition_proposal(proposal_id, ProposalStatus.PENDING_REVIEW, "test")

    def decide(store: Store, writer: int) -> str:
        decision = ProposalStatus.APPROVED if writer % 2 else ProposalStatus.REJECTED
        store.transition_proposal(proposal_id, decision, f"reviewer-{writer}")
        return decision.value

    outcomes = _together(database_url, decide)
    decided = [outcome for outcome in outcomes if isinstance(outcome, str)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, AdvisorError)]
    assert len(decided) == 1 and len(refused) == WRITERS - 1, outcomes
    [proposal] = store.proposals(account_id)
    assert proposal.status == decided[0]
    with store.transaction() as session:
        assert session.scalar(select(func.count()).select_from(AdvisorReview)) == 1
    assert store.verify_audit_chain() is None


def test_timestamps_read_back_as_the_same_utc_instant_whatever_the_session_time_zone(
    engine: Engine,
) -> None:
    store = Store(engine)
    investor_id = store.create_investor("Ada")
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=shanghai)  # 2026-03-28 17:30 UTC
    with store.transaction() as session:
        session.add(
            AuditEvent(
                at=moment,
                actor="test",
                action="timed",
                subject_type="investor",
                subject_id=str(investor_id),
                payload={},
            )
        )

    [event] = [e for e in store.audit_events() if e.action == "timed"]
    assert event.at == moment and event.at.tzinfo == UTC
    assert store.verify_audit_chain() is None
    if engine.dialect.name == "postgresql":
        # The suite's server runs in Asia/Shanghai on purpose; a client in New York gets the same.
        with engine.connect() as connection:
            assert connection.scalar(text("SHOW TimeZone")) == "Asia/Shanghai"
            connection.execute(text("SET TIME ZONE 'America/New_York'"))
            stored = connection.scalar(text("SELECT at FROM audit_events WHERE action = 'timed'"))
        assert stored == moment


# --------------------------------------------------------------------------------------------------
# The throwaway server


def _initdb_installed() -> bool:
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


@pytest.fixture
def script_env() -> dict[str, str]:
    if not _initdb_installed():
        pytest.fail("PostgreSQL is not installed: run `make postgres` (or `make test`)")
    return {**os.environ, "PYTHON": sys.executable}


# Run under the script: print the server's URL and data directory, then `then`.
PROBE = (
    "import os, sqlalchemy as sa; url = os.environ['ADVISOR_TEST_DATABASE_URL']; "
    "c = sa.create_engine(url).connect(); "
    "print(url, c.scalar(sa.text('SHOW data_directory')), flush=True); c.close(); {then}"
)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def test_the_throwaway_server_runs_the_command_passes_its_status_and_is_gone_after(
    script_env: dict[str, str],
) -> None:
    finished = subprocess.run(
        [str(SCRIPT), sys.executable, "-c", PROBE.format(then="raise SystemExit(3)")],
        env=script_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 3, finished.stderr
    url, data_directory = finished.stdout.split()
    parsed = make_url(url)
    assert parsed.drivername == "postgresql+psycopg" and parsed.host == "127.0.0.1"
    assert parsed.port is not None and not _port_open(parsed.port)
    assert not Path(data_directory).parent.exists()  # its directory is deleted


def test_the_throwaway_server_is_stopped_when_the_run_is_interrupted(
    script_env: dict[str, str],
) -> None:
    run = subprocess.Popen(
        [str(SCRIPT), sys.executable, "-c", PROBE.format(then="import time; time.sleep(300)")],
        env=script_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert run.stdout is not None
        url, data_directory = run.stdout.readline().split()
        port = make_url(url).port
        assert port is not None and _port_open(port)
        run.send_signal(signal.SIGTERM)  # the script only: it stops its command and the server
        run.wait(timeout=60)
        assert run.returncode == 143
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    deadline = time.monotonic() + 10
    while _port_open(port) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _port_open(port)
    assert not Path(data_directory).parent.exists()

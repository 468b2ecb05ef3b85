"""Retrying a whole database transaction when the database says "not now".

A transient error (SQLite's "database is locked" after its busy timeout, a PostgreSQL
serialization failure or deadlock, a dropped connection) leaves nothing written: the transaction
was rolled back. So the one safe thing to retry is the whole transaction, from its first read, and
that is what `with_retries` does: the operation it is given must open and commit its own
transaction. Anything else (a constraint violation, a bug) is raised at once, unretried.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import ConnectionPoolEntry

from advisor.errors import AdvisorError

T = TypeVar("T")

# SQLite reports contention in these words (sqlite3 gives no error codes before Python 3.11's
# `sqlite_errorname`, and the words are stable across versions).
SQLITE_TRANSIENT: Final = ("database is locked", "database table is locked", "database is busy")
# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, connection failures, the
# server shutting down or starting up, too many connections.
POSTGRES_TRANSIENT: Final = frozenset(
    {"40001", "40P01", "08000", "08001", "08003", "08004", "08006", "57P01", "57P02", "57P03"}
    | {"53300"}
)


class DatabaseUnavailable(AdvisorError):
    """The database stayed locked or unreachable through every retry; nothing was written."""


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry: delays double from `first_delay` up to `max_delay`,
    each with up to 25 % random jitter so that competing writers do not retry in step."""

    attempts: int = 5
    first_delay: float = 0.2
    max_delay: float = 5.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number `retry` (1 for the first retry)."""
        base = min(self.max_delay, self.first_delay * 2 ** (retry - 1))
        return float(base * (1 + 0.25 * random.random()))  # jitter, not security


def is_transient(error: BaseException) -> bool:
    """Whether a database error is worth retrying the whole transaction for."""
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    original = error.orig
    state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if state in POSTGRES_TRANSIENT:
        return True
    message = str(original).lower()
    return any(words in message for words in SQLITE_TRANSIENT)


def with_retries(
    operation: Callable[[], T],
    *,
    database: str,
    what: str,
    policy: RetryPolicy = RetryPolicy(),
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `operation` (one whole transaction); on a transient error wait and run it again, up to
    `policy.attempts` times in all. After the last attempt, `DatabaseUnavailable` names the
    database (`database`, shown without its password) and what was being done (`what`)."""
    started = time.monotonic()
    for attempt in range(1, policy.attempts + 1):
        try:
            return operation()
        except DBAPIError as error:
            if not is_transient(error):
                raise
            if attempt == policy.attempts:
                waited = time.monotonic() - started
                reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
                raise DatabaseUnavailable(
                    f"The database {database} is locked or unavailable: {what} failed "
                    f"{policy.attempts} times over {waited:.1f} s ({reason}); nothing of it "
                    "was written, and rerunning finishes the job"
                ) from error
            sleep(policy.delay(attempt))
    raise AssertionError("unreachable: the loop returns or raises")


def shown_url(engine: Engine) -> str:
    """The engine's URL as it may be printed: without its password."""
    return engine.url.render_as_string(hide_password=True)


def set_sqlite_busy_timeout(engine: Engine, milliseconds: int) -> None:
    """How long each SQLite statement waits for a lock before "database is locked" (the default
    engine waits 10 s); a job that retries with backoff itself may want to wait less per try."""
    if engine.dialect.name != "sqlite":
        return

    def configure(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(milliseconds)}")
        finally:
            cursor.close()

    event.listen(engine, "connect", configure)

"""Opening the database and migrating it to the current schema.

Any SQLAlchemy URL works. SQLite, the zero-configuration default, gets the settings a small
multi-process application needs: write-ahead logging (fast commits, and outside readers such as a
backup are not blocked by a writer), enforced foreign keys, real transactions around every
statement, and a busy timeout so that a second writer waits its turn instead of failing.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import ConnectionPoolEntry

from advisor.errors import AdvisorError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000


def create_database_engine(url: str) -> Engine:
    """An engine for `url`; for a SQLite file, also creates its directory and configures SQLite.

    Raises `AdvisorError` if the URL is malformed, names an unknown database or a driver that is
    not installed, or points at a SQLite file whose directory cannot be created.
    """
    parsed = _parse_url(url)
    is_sqlite = parsed.get_backend_name() == "sqlite"
    if is_sqlite:
        _create_parent_directory(parsed)
    engine = _create_engine(parsed)
    if is_sqlite:
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_sqlite_transaction)
    return engine


def alembic_config(url: str) -> Config:
    """An Alembic configuration for this package's migrations, without any alembic.ini.

    Useful beyond `upgrade_database`, e.g. to autogenerate the next migration from the models:
    `alembic.command.revision(alembic_config(url), autogenerate=True, rev_id="0002", message=...)`.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # The options are a ConfigParser, which would read a "%" in the URL (e.g. an escaped
    # character in a password) as the start of an interpolation.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str) -> None:
    """Create or migrate the database at `url` to the newest schema; a no-op if already there."""
    command.upgrade(alembic_config(url), "head")


def _parse_url(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        # Not echoed back: the string may hold a password.
        raise AdvisorError(
            "The database URL is not a valid SQLAlchemy URL; expected e.g. "
            "sqlite:///path/to/advisor.db or postgresql+psycopg://user:password@host/database"
        ) from None


def _create_engine(url: URL) -> Engine:
    shown = url.render_as_string(hide_password=True)
    try:
        return create_engine(url)
    except NoSuchModuleError:
        raise AdvisorError(
            f"The database URL {shown} names an unknown database or driver {url.drivername!r}"
        ) from None
    except ImportError as error:
        raise AdvisorError(
            f"The database URL {shown} needs the Python package {error.name!r}, "
            "which is not installed"
        ) from error


def _create_parent_directory(url: URL) -> None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return  # in-memory, or a sqlite3 URI filename that the driver resolves itself
    directory = Path(database).expanduser().parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AdvisorError(f"Cannot create the database directory {directory}: {error}") from error


def _configure_sqlite_connection(
    dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    # Stop the sqlite3 driver from issuing its own BEGIN, which it skips before SELECT and DDL;
    # `_begin_sqlite_transaction` issues it instead, so every transaction covers every statement.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _begin_sqlite_transaction(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front: a read-then-write transaction (the next profile
    # version, a proposal's current status) then cannot be overtaken by another writer, and a
    # second writer waits for the busy timeout rather than failing on lock upgrade.
    connection.exec_driver_sql("BEGIN IMMEDIATE")

"""The database a test runs on: a fresh SQLite file, or, when ADVISOR_TEST_DATABASE_URL names a
PostgreSQL server (`make test` runs the suite a second time against a throwaway one, started by
tests/with_postgres.sh), a fresh database on that server. The `database_url` fixture in conftest.py
gives one per test; code that starts the app on its own database (test_app_harness) calls
`new_database_url` directly.
"""

import os
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url, text

TEST_DATABASE_SERVER = os.environ.get("ADVISOR_TEST_DATABASE_URL")
_server_admin: dict[str, Engine] = {}


def new_database_url(directory: Path) -> str:
    """The URL of a new, empty database: `directory`/advisor.db, or a new database on the test
    server. A caller on the server should `drop_database` it when done (the server is thrown away
    at the end of the run anyway)."""
    if not TEST_DATABASE_SERVER:
        return f"sqlite:///{directory / 'advisor.db'}"
    name = f"advisor_test_{uuid.uuid4().hex[:16]}"
    with _admin().connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(TEST_DATABASE_SERVER).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database made by `new_database_url` on the test server (SQLite files go with their
    temporary directory), closing any connection a test left open."""
    database = make_url(url).database
    if not TEST_DATABASE_SERVER or not database:
        return
    with _admin().connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def _admin() -> Engine:
    assert TEST_DATABASE_SERVER
    if "engine" not in _server_admin:
        _server_admin["engine"] = create_engine(
            TEST_DATABASE_SERVER, isolation_level="AUTOCOMMIT", pool_pre_ping=True
        )
    return _server_admin["engine"]

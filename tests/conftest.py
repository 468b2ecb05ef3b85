"""Shared fixtures: the real data files, loaded once per test session."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from testdb import drop_database, new_database_url

from advisor.runtime import Runtime
from advisor.settings import PROJECT_ROOT, Settings
from advisor.storage import create_database_engine, upgrade_database

# The suite is offline by design: no model hub, no telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

PORTFOLIOS = PROJECT_ROOT / "portfolios"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database for one test (not migrated: tests of migrations start from it):
    a SQLite file, or a database on the PostgreSQL server named by ADVISOR_TEST_DATABASE_URL."""
    url = new_database_url(tmp_path)
    yield url
    drop_database(url)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The database of `database_url`, migrated to the newest schema."""
    upgrade_database(database_url)
    engine = create_database_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def runtime() -> Runtime:
    """The engine on the shipped catalogue, assumptions, history and policy."""
    return Runtime.load(Settings())

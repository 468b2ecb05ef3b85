"""Shared fixtures: the real data files, loaded once per test session."""

import os
from pathlib import Path

import pytest

from advisor.runtime import Runtime
from advisor.settings import PROJECT_ROOT, Settings

# The suite is offline by design: no model hub, no telemetry.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

PORTFOLIOS = PROJECT_ROOT / "portfolios"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def runtime() -> Runtime:
    """The engine on the shipped catalogue, assumptions, history and policy."""
    return Runtime.load(Settings())

"""One settings object, configured by ADVISOR_ environment variables, working with none."""

from advisor.settings import PROJECT_ROOT, Settings


def test_defaults_work_offline(monkeypatch):
    for name in ("ADVISOR_DATA_DIR", "ADVISOR_DATABASE_URL", "ADVISOR_MARKET_DATA", "ADVISOR_PORT"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.market_data == "embedded"
    assert settings.port == 7860 and settings.host == "127.0.0.1"
    assert settings.resolved_database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'advisor.db'}"
    assert settings.portfolios_dir == PROJECT_ROOT / "portfolios"


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ADVISOR_PORT", "8123")
    monkeypatch.setenv("ADVISOR_MARKET_DATA", "yfinance")
    monkeypatch.setenv("ADVISOR_LLM_BACKEND", "openai")
    settings = Settings()
    assert settings.port == 8123
    assert settings.market_data == "yfinance"
    assert settings.llm_backend == "openai"
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'advisor.db'}"
    monkeypatch.setenv("ADVISOR_DATABASE_URL", "postgresql+psycopg://u@db/advisor")
    assert Settings().resolved_database_url == "postgresql+psycopg://u@db/advisor"

"""The one settings object. Every field can be set by an environment variable `ADVISOR_<FIELD>`.

Defaults make everything work offline with zero configuration: embedded market data, a SQLite
file under the data dir, the embedded language model, the app on 127.0.0.1:7860.
"""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from advisor.errors import AdvisorError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Configuration for the CLI, the app and the batch jobs."""

    model_config = SettingsConfigDict(env_prefix="ADVISOR_", frozen=True)

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Where the database, market-data cache and vector store live.",
    )
    database_url: str | None = Field(
        default=None,
        description="Any SQLAlchemy URL; defaults to a SQLite file in the data dir.",
    )
    portfolios_dir: Path = Field(
        default=PROJECT_ROOT / "portfolios",
        description="Product catalogue, capital-market assumptions, history and engine policy.",
    )
    knowledge_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge",
        description="Rule, product and education documents: retrieved, cited and enforced.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="A chromadb server (http://host:port); default: a local store in the data dir.",
    )
    market_data: Literal["embedded", "yfinance"] = Field(
        default="embedded",
        description="`embedded`: the shipped assumptions; `yfinance`: estimated from live prices.",
    )
    jurisdiction: Literal["US", "CN"] = Field(
        default="US", description="Which products an investor may buy, and which rules apply."
    )
    covariance_estimator: Literal["sample", "ledoit_wolf", "ewma"] = "ledoit_wolf"
    ewma_halflife_months: float = Field(default=36.0, gt=0)
    expected_returns: Literal["cma", "history", "blend"] = "cma"
    history_weight: float = Field(
        default=0.5, ge=0, le=1, description="Weight of history in the `blend` expected returns."
    )
    llm_backend: Literal["embedded", "transformers", "openai", "ollama", "none"] = Field(
        default="embedded",
        description="embedded: SmolLM2-135M shipped in a package; transformers: a local Hugging "
        "Face model; openai: any OpenAI-compatible server; ollama; none: templated replies only.",
    )
    llm_model: str | None = Field(
        default=None,
        description="A local model directory or id (transformers), a model name (openai, ollama).",
    )
    llm_url: str | None = Field(
        default=None, description="Base URL of an OpenAI-compatible (incl. /v1) or Ollama server."
    )
    llm_api_key: SecretStr | None = None
    llm_timeout_seconds: float = Field(default=60.0, gt=0)
    llm_max_new_tokens: int = Field(
        default=64,
        ge=1,
        description="The model writes only the one- or two-sentence opening of a reply.",
    )
    cooling_off_hours: float = Field(
        default=24.0, ge=0, description="How long a risk change waits before it can take effect."
    )
    max_equity_cut: float = Field(
        default=0.20, gt=0, le=1, description="Largest equity cut an anxious investor is offered."
    )
    session_hours: float = Field(
        default=12.0, gt=0, description="How long a sign-in lasts before it must be repeated."
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="Failed sign-ins for one username within the window that lock it out.",
    )
    login_max_failures_per_client: int = Field(
        default=20,
        ge=1,
        description="Failed sign-ins from one client (address) within the window that lock it out.",
    )
    login_window_minutes: float = Field(
        default=15.0, gt=0, description="The window in which failed sign-ins are counted."
    )
    login_lockout_minutes: float = Field(
        default=15.0, gt=0, description="How long a username or client stays locked out."
    )
    co_approval_amount: float = Field(
        default=10_000.0,
        ge=0,
        description="Trades moving more than this wait for a co-approving delegate, if granted.",
    )
    exploitation_hold_hours: float = Field(
        default=72.0, gt=0, description="How long a suspected-exploitation hold stops trading."
    )
    mode: Literal["education", "advice"] = Field(
        default="education",
        description="education: explain, project and simulate; every portfolio an illustration, "
        "no trade executed. advice: proposals follow the review workflow (a supervising firm).",
    )
    tax_short_term_rate: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        description="The investor's rate on short-term fund gains; default: the jurisdiction's "
        "in portfolios/methodology.toml.",
    )
    tax_long_term_rate: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        description="The investor's rate on long-term fund gains; default: the jurisdiction's.",
    )
    ray_address: str | None = Field(
        default=None,
        description="A Ray cluster for `advisor rebalance --all --backend ray` (e.g. "
        "ray://head:10001 or auto); default: a private local Ray on this machine.",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=1, le=65535)

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to `sqlite:///<data_dir>/advisor.db`."""
        return self.database_url or f"sqlite:///{self.data_dir / 'advisor.db'}"

    @property
    def market_cache_dir(self) -> Path:
        """Where the yfinance provider keeps its parquet cache."""
        return self.data_dir / "market_cache"


def load_settings() -> Settings:
    """The settings from the environment; a bad value is an `AdvisorError` naming the variable."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = "ADVISOR_" + "_".join(map(str, first["loc"])).upper()
        raise AdvisorError(f"{variable}: {first['msg']} (got {first['input']!r})") from None

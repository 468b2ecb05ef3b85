"""The engine policy (`portfolios/policy.toml`): risk aversion by class and horizon, rebalancing."""

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.data.toml_file import read_toml, validate

Fraction = float


class OptimizerPolicy(BaseModel):
    """Objective settings that apply to every investor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trading_cost_multiplier: float = Field(ge=0)


class RiskLevelPolicy(BaseModel):
    """How much risk one investor class C1-C5 takes (its constraints are rules in knowledge/)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level: int = Field(ge=1, le=5)
    name: str
    name_zh: str
    risk_aversion: float = Field(gt=0)


class HorizonPolicy(BaseModel):
    """Extra risk aversion for money needed within `max_years`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    max_years: float = Field(gt=0)
    risk_aversion_multiplier: float = Field(ge=1)


class RebalancingPolicy(BaseModel):
    """When an account is traded back towards its target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    drift_trigger: Fraction = Field(gt=0, lt=1)
    absolute_band: Fraction = Field(gt=0, lt=1)
    relative_band: Fraction = Field(gt=0)
    calendar_months: int = Field(ge=1)
    min_trade_value: float = Field(ge=0)


class EnginePolicy(BaseModel):
    """The whole policy file, versioned so every decision can say which policy it used."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    optimizer: OptimizerPolicy
    risk_levels: tuple[RiskLevelPolicy, ...] = Field(alias="risk_level")
    horizons: tuple[HorizonPolicy, ...] = Field(alias="horizon", default=())
    rebalancing: RebalancingPolicy

    @model_validator(mode="after")
    def _every_level_once(self) -> "EnginePolicy":
        levels = [policy.level for policy in self.risk_levels]
        if sorted(levels) != [1, 2, 3, 4, 5]:
            raise ValueError(f"risk_level entries must cover 1-5 once each, got {levels}")
        return self

    def for_level(self, level: int) -> RiskLevelPolicy:
        """The policy of investor class `level` (1-5)."""
        return next(policy for policy in self.risk_levels if policy.level == level)

    def for_horizon(self, years: float | None) -> HorizonPolicy | None:
        """The first horizon rule covering `years`, or None when no rule applies."""
        if years is None:
            return None
        rules = sorted(self.horizons, key=lambda rule: rule.max_years)
        return next((rule for rule in rules if years <= rule.max_years), None)


def load_policy(path: Path) -> EnginePolicy:
    """Load and validate `policy.toml`; errors name the file and the field."""
    return validate(path, EnginePolicy, read_toml(path))

"""Capital-market assumptions and published correlations, as shipped in `portfolios/`."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.data.toml_file import line_of, read_toml, validate

Sleeve = Literal["cash", "fixed_income", "equity", "real_assets"]


class Source(BaseModel):
    """Where figures come from: provider, edition and date, as a reader would cite them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str
    title: str
    edition: str
    date: str
    url: str
    method: str


class ClassModel(BaseModel):
    """A class without real history or published correlations, modelled as exposures to classes
    that have them plus an independent residual (a documented assumption)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exposures: dict[str, float]
    assumption: str = Field(pattern=r"^A\d+$")


class AssetClassAssumption(BaseModel):
    """Expected return and volatility of one asset class, and how its correlations are found."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    sleeve: Sleeve
    source: str
    expected_return: float | None = Field(default=None, gt=-0.5, lt=0.5)
    volatility: float | None = Field(default=None, gt=0, lt=2)
    history_series: str | None = None
    history_note: str | None = None  # what the history series really is, for readers
    derived_from: str | None = None
    model: ClassModel | None = None
    backtest_proxy: dict[str, float] | None = None

    @model_validator(mode="after")
    def _one_way_to_correlate(self) -> "AssetClassAssumption":
        if self.derived_from is not None:
            # A derived class gets its return and volatility from a regression on its history.
            if self.history_series is None or self.model is not None:
                raise ValueError("derived_from needs history_series and no model")
            if self.expected_return is not None or self.volatility is not None:
                raise ValueError("a derived class takes no expected_return or volatility")
        elif self.expected_return is None or self.volatility is None:
            raise ValueError("expected_return and volatility are required")
        if self.history_series is not None and self.model is not None:
            raise ValueError("a class has either a history_series or a model, not both")
        return self


class CapitalMarketAssumptions(BaseModel):
    """The whole `capital_market_assumptions.toml`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    currency: str
    horizon_years: int
    sources: dict[str, Source]
    classes: dict[str, AssetClassAssumption]

    @model_validator(mode="after")
    def _references_resolve(self) -> "CapitalMarketAssumptions":
        for name, asset_class in self.classes.items():
            if asset_class.source not in self.sources:
                raise ValueError(f"class {name!r}: unknown source {asset_class.source!r}")
            referenced = [
                *(asset_class.model.exposures if asset_class.model else {}),
                *(asset_class.backtest_proxy or {}),
                *([asset_class.derived_from] if asset_class.derived_from else []),
            ]
            for other in referenced:
                if other not in self.classes:
                    raise ValueError(f"class {name!r}: refers to unknown class {other!r}")
        return self


class PublishedCorrelation(BaseModel):
    """One published correlation between two classes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    classes: tuple[str, str]
    correlation: float = Field(ge=-1, le=1)


class PublishedCorrelations(BaseModel):
    """The whole `correlations.toml`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    source: str
    pairs: tuple[PublishedCorrelation, ...] = Field(alias="pair")


def load_assumptions(path: Path) -> CapitalMarketAssumptions:
    """Load `capital_market_assumptions.toml`; errors name the file, line, class and field."""
    data = read_toml(path)

    def locate(loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 2 and loc[0] == "classes":
            line = line_of(path, f"[classes.{loc[1]}]")
            field = ".".join(map(str, loc[2:])) or "record"
            return f"line {line}: class {loc[1]!r}: field {field!r}"
        return ".".join(map(str, loc))

    return validate(path, CapitalMarketAssumptions, data, locate)


def load_correlations(path: Path) -> PublishedCorrelations:
    """Load `correlations.toml`; errors name the file and the pair."""
    return validate(path, PublishedCorrelations, read_toml(path))

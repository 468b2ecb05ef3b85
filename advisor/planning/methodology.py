"""The methodology configuration (`portfolios/methodology.toml`): every disclosed parameter of goal
planning, rebalancing, cash, tax-aware trading and harvesting, validated on load, and rendered to
the human-readable methodology page."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from advisor.catalogue import Catalogue, Product
from advisor.data.toml_file import read_toml, validate
from advisor.errors import DataFileError
from advisor.knowledge.rules import GoalGlidePath
from advisor.planning.goals import SimulationSettings, StatusThresholds
from advisor.tax.harvest import HarvestRules
from advisor.tax.lots import TaxRates
from advisor.tax.wash_sale import WashSaleRules

Fraction = float


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DriftConfig(_Section):
    """How drift is measured and when an account is traded back to target."""

    definition: str
    drift_trigger: Fraction = Field(gt=0, lt=1)
    absolute_band: Fraction = Field(gt=0, lt=1)
    relative_band: Fraction = Field(gt=0)
    calendar_months: int = Field(ge=1)
    min_trade_value: float = Field(ge=0)


class CashConfig(_Section):
    """The uninvested cash the algorithm keeps, and the tolerance above it after a trade run."""

    floor: Fraction = Field(ge=0, lt=1)
    tolerance: Fraction = Field(ge=0, lt=1)

    @property
    def ceiling(self) -> float:
        """The most uninvested cash an account may show after a trade run."""
        return self.floor + self.tolerance


class GoalsConfig(_Section):
    """Goal status thresholds and the projection's settings."""

    on_target_probability: Fraction = Field(gt=0, le=1)
    at_risk_probability: Fraction = Field(ge=0, lt=1)
    simulation_paths: int = Field(ge=100)
    seed: int = 0
    max_extra_years: int = Field(ge=1, le=50)
    glide_path_rule: str

    def simulation(self) -> SimulationSettings:
        """The engine's simulation settings."""
        return SimulationSettings(
            thresholds=StatusThresholds(
                on_target_probability=self.on_target_probability,
                at_risk_probability=self.at_risk_probability,
            ),
            paths=self.simulation_paths,
            seed=self.seed,
            max_extra_years=self.max_extra_years,
        )


class JurisdictionTax(_Section):
    """Default tax on fund gains in one jurisdiction."""

    taxes_fund_gains: bool
    short_term_rate: Fraction = Field(ge=0, lt=1)
    long_term_rate: Fraction = Field(ge=0, lt=1)


class TaxConfig(_Section):
    """Holding period, wash-sale window, the benefit horizon and rates by jurisdiction."""

    long_term_after_days: int = Field(ge=0)
    wash_sale_window_days: int = Field(ge=0)
    benefit_horizon_years: float = Field(gt=0)
    jurisdiction: dict[str, JurisdictionTax]

    def rates(
        self,
        jurisdiction: str,
        short_term_rate: float | None = None,
        long_term_rate: float | None = None,
    ) -> TaxRates:
        """The investor's rates: the jurisdiction's defaults, overridden by settings if given;
        a jurisdiction without an entry is treated as not taxing fund gains."""
        base = self.jurisdiction.get(jurisdiction)
        if base is None:
            return TaxRates(taxes_fund_gains=False, short_term_rate=0, long_term_rate=0)
        return TaxRates(
            taxes_fund_gains=base.taxes_fund_gains,
            short_term_rate=base.short_term_rate if short_term_rate is None else short_term_rate,
            long_term_rate=base.long_term_rate if long_term_rate is None else long_term_rate,
            long_term_after_days=self.long_term_after_days,
        )


class SubstitutePair(_Section):
    """Two products a harvest may swap, both ways."""

    product: str
    substitute: str


class HarvestingConfig(_Section):
    """Thresholds, scan frequency and substitute pairs of tax-loss harvesting."""

    min_loss_fraction: Fraction = Field(ge=0, lt=1)
    min_loss_amount: float = Field(ge=0)
    scan_interval_days: int = Field(ge=1)
    business_days_only: bool
    substitute: tuple[SubstitutePair, ...] = ()

    def rules(self) -> HarvestRules:
        """The engine's harvesting thresholds."""
        return HarvestRules(self.min_loss_fraction, self.min_loss_amount)

    def substitutes(self) -> dict[str, str]:
        """Product -> substitute, both ways."""
        pairs = {pair.product: pair.substitute for pair in self.substitute}
        return pairs | {substitute: product for product, substitute in pairs.items()}


class WashSaleConfig(_Section):
    """Groups of products the wash-sale guard treats as substantially identical."""

    identical_groups: tuple[tuple[str, ...], ...] = ()


class CoolingOffConfig(_Section):
    """How long a risk change waits before it can take effect."""

    hours: float = Field(ge=0)


class Methodology(_Section):
    """The whole methodology file."""

    version: str = Field(min_length=1)
    drift: DriftConfig
    cash: CashConfig
    goals: GoalsConfig
    tax: TaxConfig
    harvesting: HarvestingConfig
    wash_sale: WashSaleConfig
    cooling_off: CoolingOffConfig

    @model_validator(mode="after")
    def _status_thresholds_ordered(self) -> "Methodology":
        if self.goals.at_risk_probability >= self.goals.on_target_probability:
            raise ValueError("goals.at_risk_probability must be below on_target_probability")
        return self

    def wash_sale_rules(self) -> WashSaleRules:
        """The engine's wash-sale rules."""
        return WashSaleRules(
            window_days=self.tax.wash_sale_window_days,
            identical_groups=tuple(frozenset(g) for g in self.wash_sale.identical_groups),
        )


class _SubstituteFile(BaseModel):
    model_config = ConfigDict(frozen=True)

    products: tuple[Product, ...] = Field(alias="harvest_substitute", default=())


def load_substitute_products(catalogue_path: Path) -> tuple[Product, ...]:
    """The `[[harvest_substitute]]` products of the catalogue file (the same schema as products)."""
    return validate(catalogue_path, _SubstituteFile, read_toml(catalogue_path)).products


def planning_products(catalogue: Catalogue, substitutes: tuple[Product, ...]) -> dict[str, Product]:
    """Every product a plan may hold: the optimizer's catalogue and the harvest substitutes."""
    products = {product.id: product for product in catalogue.products}
    for product in substitutes:
        if product.id in products:
            raise DataFileError(f"harvest substitute {product.id!r} is also a catalogue product")
        products[product.id] = product
    return products


def load_methodology(path: Path, products: Mapping[str, Product]) -> Methodology:
    """Load and validate the methodology file; every substitute pair must name known products of
    the same asset class and risk level, and no product may be in two pairs."""
    data: dict[str, Any] = read_toml(path)
    methodology = validate(path, Methodology, data)
    seen: set[str] = set()
    for number, pair in enumerate(methodology.harvesting.substitute, start=1):
        where = f"{path}: harvesting.substitute #{number}"
        for product_id in (pair.product, pair.substitute):
            if product_id not in products:
                raise DataFileError(f"{where}: {product_id!r} is not in the catalogue")
            if product_id in seen:
                raise DataFileError(f"{where}: {product_id!r} is already in another pair")
            seen.add(product_id)
        first, second = products[pair.product], products[pair.substitute]
        if (first.asset_class, first.risk_level) != (second.asset_class, second.risk_level):
            raise DataFileError(
                f"{where}: {first.id} ({first.asset_class}, R{first.risk_level}) and "
                f"{second.id} ({second.asset_class}, R{second.risk_level}) must share asset class "
                "and risk level"
            )
    for group in methodology.wash_sale.identical_groups:
        unknown = [product_id for product_id in group if product_id not in products]
        if unknown:
            raise DataFileError(f"{path}: wash_sale.identical_groups: unknown {unknown}")
    return methodology


def render_methodology(
    config: Methodology,
    products: Mapping[str, Product] | None = None,
    glide: GoalGlidePath | None = None,
) -> str:
    """The methodology page in Markdown: every parameter, in words, from the configuration."""
    names = products or {}

    def label(product_id: str) -> str:
        product = names.get(product_id)
        return f"{product.name} ({product.ticker})" if product else product_id

    drift, cash, goals, tax, harvest = (
        config.drift,
        config.cash,
        config.goals,
        config.tax,
        config.harvesting,
    )
    lines = [
        "# Methodology",
        "",
        f"Version {config.version}, generated from `portfolios/methodology.toml` by "
        "`advisor methodology`; `advisor verify-methodology` checks what actually ran against it.",
        "",
        "## Drift and rebalancing",
        "",
        f"- Drift is {drift.definition}.",
        f"- An account is traded back to target when drift reaches {_pct(drift.drift_trigger)}, "
        f"or when a position is more than {_pct(drift.absolute_band)} off target and more than "
        f"{_pct(drift.relative_band)} of its target off, and at least every "
        f"{drift.calendar_months} months.",
        f"- Trades smaller than {drift.min_trade_value:,.0f} are not made.",
        "- Deposits, dividends and withdrawals rebalance first (cash-flow rebalancing); only then "
        "are positions sold.",
        "",
        "## Cash",
        "",
        f"- Each account keeps {_pct(cash.floor)} of its value in uninvested cash; after a trade "
        f"run, uninvested cash above {_pct(cash.ceiling)} is a deviation. Cash-like products "
        "are positions the optimizer chooses under the suitability rules, not a floor set here.",
        "",
        "## Goals",
        "",
        f"- A goal is **on target** when the Monte Carlo projection ({goals.simulation_paths:,} "
        f"paths, seed {goals.seed}) reaches its target by its date with probability of at least "
        f"{_pct(goals.on_target_probability)}, **at risk** from "
        f"{_pct(goals.at_risk_probability)} up to that, and **off target** below "
        f"{_pct(goals.at_risk_probability)}.",
        "- A goal that is not on target gets fixes, each computed by the engine and ranked by "
        "effect: the monthly deposit needed, a later date (up to "
        f"{goals.max_extra_years} years), a lower target, and more risk within the investor's "
        "suitability class and the glide path.",
        f"- Glide path: rule {goals.glide_path_rule} (knowledge/rules/goal-glide-path.md) caps "
        "each goal's risk level by the years left to its date.",
    ]
    if glide is not None:
        lines += ["", "| Path | From years before the date | Highest risk level |", "|---|---|---|"]
        for name, steps in glide.paths.items():
            lines += [f"| {name} | {step.min_years:g} | {step.max_risk_level} |" for step in steps]
        kinds = ", ".join(f"{kind}: {path}" for kind, path in glide.kinds.items())
        lines += ["", f"Goal kinds follow: {kinds}."]
    lines += [
        "",
        "## Tax-aware rebalancing (taxable accounts)",
        "",
        "- Order: cash flows first, then lots at a loss, then long-term gains, then short-term "
        "gains.",
        f"- A lot is long-term when held more than {tax.long_term_after_days} days.",
        "- A gain is realized only when the estimated benefit of the drift it removes exceeds the "
        "estimated tax now; both are reported. Benefit = account value x risk aversion (gamma) x "
        "(d0' Sigma d0 - d1' Sigma d1) x "
        f"{tax.benefit_horizon_years:g} year(s), where d0 and d1 are the weights' deviations "
        "from target before and after the sale and Sigma the covariance: the certainty-equivalent "
        "return the mean-variance investor loses by holding the drifted portfolio. The tax "
        "estimate is the whole tax due now, which overstates the true cost of realizing early.",
        "",
        "| Jurisdiction | Fund gains taxed | Short-term rate | Long-term rate |",
        "|---|---|---|---|",
    ]
    for code, rates in tax.jurisdiction.items():
        taxed = "yes" if rates.taxes_fund_gains else "no (tax-aware trading is off)"
        lines.append(
            f"| {code} | {taxed} | {_pct(rates.short_term_rate)} | {_pct(rates.long_term_rate)} |"
        )
    every = (
        "business day" if harvest.scan_interval_days == 1 else f"{harvest.scan_interval_days} days"
    )
    if harvest.business_days_only and harvest.scan_interval_days != 1:
        every += " (business days)"
    elif not harvest.business_days_only and harvest.scan_interval_days == 1:
        every = "day"
    lines += [
        "",
        "## Tax-loss harvesting",
        "",
        f"- A scan runs every {every}; the audit log records every scan actually run.",
        f"- It sells lots in taxable accounts whose loss is at least "
        f"{_pct(harvest.min_loss_fraction)} of their cost and at least "
        f"{harvest.min_loss_amount:,.0f}, and buys the paired substitute with the proceeds.",
        "- Substitutes have the same asset class and risk level as the product they replace, so a "
        "harvest never raises an account's or a goal's risk.",
        f"- Wash-sale guard: no loss is harvested, and no purchase is made, when the same or a "
        f"substantially identical product is bought within {tax.wash_sale_window_days} days "
        "before or after the loss sale in any of the investor's accounts, including purchases "
        "from deposits and dividend reinvestment; such a purchase buys the substitute instead, "
        "or waits in cash.",
        "",
        "| Product | Substitute |",
        "|---|---|",
    ]
    lines += [f"| {label(p.product)} | {label(p.substitute)} |" for p in harvest.substitute]
    groups = config.wash_sale.identical_groups
    lines += [
        "",
        "Substantially identical groups beyond each product itself: "
        + ("; ".join(", ".join(group) for group in groups) if groups else "none")
        + ".",
        "",
        "## Cooling-off",
        "",
        f"- A change of risk asked for in a conversation waits {config.cooling_off.hours:g} "
        "hours before it can take effect.",
        "",
    ]
    return "\n".join(lines)


def _pct(value: float) -> str:
    return f"{value * 100:g}%"

"""Everything the engine needs, loaded once from the settings: the edge where files become objects.

The CLI and the app build one `Runtime` and pass it around; nothing else reads the data files.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pandas as pd

from advisor.catalogue import Catalogue, load_catalogue
from advisor.data.assumptions import CapitalMarketAssumptions, load_assumptions, load_correlations
from advisor.data.history import load_history
from advisor.data.policy import EnginePolicy, load_policy
from advisor.data.yfinance_source import YFinanceSource, monthly_returns
from advisor.engine.account_rebalance import Rebalancer
from advisor.engine.estimators import covariance_estimator
from advisor.engine.mandate import allocation_request, build_universe
from advisor.engine.market import (
    MarketModel,
    ProductHistory,
    build_class_market,
    build_market_model,
    build_product_history,
    market_model_from_returns,
)
from advisor.engine.optimizer import Allocation, AllocationRequest, MeanVarianceOptimizer
from advisor.errors import MarketDataUnavailable
from advisor.knowledge.documents import KnowledgeDocument, load_knowledge
from advisor.knowledge.integrity import check_against_catalogue
from advisor.knowledge.rulebook import RuleBook
from advisor.settings import Settings
from advisor.suitability.decision import SuitabilityDecision
from advisor.suitability.engine import decide
from advisor.suitability.profile import SuitabilityProfile, SuitabilityRequest


@dataclass(frozen=True)
class Runtime:
    """The loaded data and the engine objects built from it."""

    settings: Settings
    catalogue: Catalogue
    assumptions: CapitalMarketAssumptions
    policy: EnginePolicy
    history: pd.DataFrame
    market: MarketModel
    documents: tuple[KnowledgeDocument, ...]  # the knowledge base, for citations
    rulebooks: Mapping[str, RuleBook]  # by jurisdiction: CN, US, EU
    notes: tuple[str, ...] = ()  # what a user should know about the data, e.g. a fallback

    @classmethod
    def load(cls, settings: Settings, live_prices: YFinanceSource | None = None) -> "Runtime":
        """Read the files under `settings.portfolios_dir` and build the market model; with
        `market_data = "yfinance"`, estimate it from live prices (`live_prices`, by default
        Yahoo through the cache in the data dir), falling back to the embedded data if that fails.
        """
        folder = settings.portfolios_dir
        catalogue = load_catalogue(folder / "catalogue.toml")
        documents = load_knowledge(settings.knowledge_dir)
        check_against_catalogue(documents, catalogue)
        assumptions = load_assumptions(folder / "capital_market_assumptions.toml")
        history = load_history(folder / "history_monthly.csv")
        estimator = covariance_estimator(
            settings.covariance_estimator, settings.ewma_halflife_months
        )
        classes = build_class_market(
            assumptions,
            load_correlations(folder / "correlations.toml"),
            history,
            estimator,
            settings.expected_returns,
            settings.history_weight,
        )
        market = build_market_model(classes, catalogue)
        notes: list[str] = []
        if settings.market_data == "yfinance":
            source = live_prices or YFinanceSource(settings.market_cache_dir)
            try:
                market, live_notes = _live_market(market, catalogue, source, settings)
                notes += live_notes
            except MarketDataUnavailable as unavailable:
                notes.append(str(unavailable))
        return cls(
            settings=settings,
            catalogue=catalogue,
            assumptions=assumptions,
            policy=load_policy(folder / "policy.toml"),
            history=history,
            market=market,
            documents=documents,
            rulebooks={j: RuleBook.for_jurisdiction(documents, j) for j in JURISDICTIONS},
            notes=tuple(notes),
        )

    @cached_property
    def optimizer(self) -> MeanVarianceOptimizer:
        """The optimizer for the whole catalogue, compiled once."""
        return MeanVarianceOptimizer(build_universe(self.market, self.catalogue, self.policy))

    @cached_property
    def rebalancer(self) -> Rebalancer:
        """Batch rebalancing for accounts in the configured jurisdiction."""
        requests = {level: self.request(level) for level in range(1, 6)}
        return Rebalancer(self.optimizer, self.policy, requests)

    @cached_property
    def product_history(self) -> ProductHistory:
        """Real monthly product returns for backtests."""
        return build_product_history(self.assumptions, self.history, self.catalogue)

    def decide(
        self, profile: SuitabilityProfile, request: SuitabilityRequest | None = None
    ) -> SuitabilityDecision:
        """The suitability decision for an investor under their jurisdiction's rules."""
        return decide(profile, self.catalogue, self.rulebooks[profile.jurisdiction], request)

    def class_profile(
        self, risk_level: int, horizon_years: float | None = None
    ) -> SuitabilityProfile:
        """An investor known only by class and horizon, in the configured jurisdiction: what the
        Portfolio lab and batch rebalancing optimize for."""
        return SuitabilityProfile(
            risk_level=risk_level,
            horizon_years=horizon_years,
            jurisdiction=self.settings.jurisdiction,
        )

    def class_decision(
        self, risk_level: int, horizon_years: float | None = None
    ) -> SuitabilityDecision:
        """The suitability decision for an investor known only by class and horizon."""
        return self.decide(self.class_profile(risk_level, horizon_years))

    def request(self, risk_level: int, horizon_years: float | None = None) -> AllocationRequest:
        """The optimizer request for an investor class and horizon, from its decision."""
        return self.request_for(self.class_decision(risk_level, horizon_years), horizon_years)

    def request_for(
        self, decision: SuitabilityDecision, horizon_years: float | None = None
    ) -> AllocationRequest:
        """The optimizer request a suitability decision allows."""
        return allocation_request(decision, self.catalogue, self.policy, horizon_years)

    def allocate(self, risk_level: int, horizon_years: float | None = None) -> Allocation:
        """The optimal new portfolio for an investor class and horizon."""
        return self.optimizer.solve(self.request(risk_level, horizon_years))

    def allocate_for(
        self, decision: SuitabilityDecision, horizon_years: float | None = None
    ) -> Allocation:
        """The optimal new portfolio a suitability decision allows."""
        return self.optimizer.solve(self.request_for(decision, horizon_years))


LIVE_HISTORY_YEARS = 10
JURISDICTIONS = ("CN", "US", "EU")


def _live_market(
    embedded: MarketModel, catalogue: Catalogue, source: YFinanceSource, settings: Settings
) -> tuple[MarketModel, list[str]]:
    """Product covariance (and optionally returns) from ten years of live monthly prices."""
    today = date.today()
    tickers = [product.ticker for product in catalogue.products]
    prices = source.fetch(tickers, today.replace(year=today.year - LIVE_HISTORY_YEARS), today)
    returns = monthly_returns(prices.prices)[tickers].set_axis(list(catalogue.ids), axis=1)
    estimator = covariance_estimator(settings.covariance_estimator, settings.ewma_halflife_months)
    market = market_model_from_returns(
        embedded, returns, estimator, settings.expected_returns, settings.history_weight
    )
    first, last = returns.index[0], returns.index[-1]
    notes = [f"risk model estimated from live monthly prices, {first:%Y-%m} to {last:%Y-%m}"]
    return market, notes + [str(problem) for problem in prices.problems]

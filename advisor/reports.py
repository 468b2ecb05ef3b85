"""Engine results as boundary models: what the CLI prints, the app shows and JSON carries."""

from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from advisor.engine.backtest import BacktestResult, backtest
from advisor.engine.optimizer import Allocation
from advisor.engine.rebalancing import (
    CalendarRebalance,
    NeverRebalance,
    RebalanceTrigger,
    ThresholdRebalance,
)
from advisor.engine.types import FloatArray
from advisor.runtime import Runtime
from advisor.suitability.decision import Exclusion, SuitabilityDecision

SHOWN_WEIGHT = 1e-4  # weights below one basis point are solver dust, not holdings


class Holding(BaseModel):
    """One product in a proposed portfolio."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    ticker: str
    risk_level: int
    weight: float
    amount: float


class AllocationReport(BaseModel):
    """An optimized portfolio with everything needed to audit it."""

    model_config = ConfigDict(frozen=True)

    risk_level: int
    horizon_years: float | None
    jurisdiction: str
    amount: float
    expected_return: float
    volatility: float
    relaxations: list[str]
    policy_version: str
    assumptions_version: str
    holdings: list[Holding]
    rules_applied: list[str]  # every rule the suitability decision fired, to cite
    exclusions: list[Exclusion]  # why each product not held may not be held

    def as_text(self) -> str:
        """A plain table for the terminal."""
        horizon = f"{self.horizon_years:g} years" if self.horizon_years is not None else "not given"
        lines = [
            f"Risk level C{self.risk_level}, horizon {horizon}, {self.jurisdiction} products",
            f"Expected return {self.expected_return:.2%} a year, volatility {self.volatility:.2%}",
            "",
            f"{'product':<22}{'ticker':<11}{'risk':<6}{'weight':>8}{'amount':>13}",
        ]
        lines += [
            f"{h.product_id:<22}{h.ticker:<11}R{h.risk_level:<5}{h.weight:>8.1%}{h.amount:>13,.2f}"
            for h in self.holdings
        ]
        if self.relaxations:
            lines += ["", "Relaxed to find a solution: " + "; ".join(self.relaxations)]
        first_reason: dict[str, str] = {}
        for exclusion in self.exclusions:
            first_reason.setdefault(exclusion.product_id, exclusion.rule_id)
        if first_reason:
            excluded = ", ".join(f"{product} ({rule})" for product, rule in first_reason.items())
            lines += ["", f"Excluded: {excluded}"]
        lines += ["", "Rules applied: " + ", ".join(self.rules_applied)]
        lines += [
            "",
            f"policy {self.policy_version}, capital-market assumptions {self.assumptions_version}",
        ]
        return "\n".join(lines)


def allocation_report(
    runtime: Runtime, risk_level: int, horizon_years: float | None, amount: float
) -> AllocationReport:
    """Optimize for an investor class and horizon and describe the result."""
    decision = runtime.class_decision(risk_level, horizon_years)
    allocation = runtime.allocate_for(decision, horizon_years)
    return describe_allocation(runtime, allocation, decision, horizon_years, amount)


def describe_allocation(
    runtime: Runtime,
    allocation: Allocation,
    decision: SuitabilityDecision,
    horizon_years: float | None,
    amount: float,
) -> AllocationReport:
    """The report of an allocation the engine already made under a suitability decision."""
    return AllocationReport(
        risk_level=decision.risk_level,
        horizon_years=horizon_years,
        jurisdiction=runtime.settings.jurisdiction,
        amount=amount,
        expected_return=allocation.expected_return,
        volatility=allocation.volatility,
        relaxations=list(allocation.relaxations),
        policy_version=runtime.policy.version,
        assumptions_version=runtime.assumptions.version,
        holdings=holdings(runtime, allocation.weights, amount),
        rules_applied=decision.rules_fired,
        exclusions=decision.exclusions,
    )


def holdings(runtime: Runtime, weights: FloatArray, amount: float) -> list[Holding]:
    """The products with a meaningful weight, largest first."""
    shown = [
        Holding(
            product_id=product.id,
            name=product.name,
            ticker=product.ticker,
            risk_level=product.risk_level,
            weight=float(weight),
            amount=round(float(weight) * amount, 2),
        )
        for product, weight in zip(runtime.catalogue.products, weights, strict=True)
        if weight >= SHOWN_WEIGHT
    ]
    return sorted(shown, key=lambda holding: -holding.weight)


class BacktestRow(BaseModel):
    """Summary of one policy's replay."""

    model_config = ConfigDict(frozen=True)

    policy: str
    annual_return: float
    annual_volatility: float
    max_drawdown: float
    annual_turnover: float
    total_costs: float
    rebalances: int


class BacktestReport(BaseModel):
    """Rebalancing policies compared on the real monthly history."""

    model_config = ConfigDict(frozen=True)

    risk_level: int
    first_month: str
    last_month: str
    history_sources: dict[str, str]  # asset class held -> where its history comes from
    rows: list[BacktestRow]

    def as_text(self) -> str:
        """A plain table for the terminal."""
        lines = [
            f"Model portfolio C{self.risk_level}, monthly history {self.first_month} to "
            f"{self.last_month}, after trading costs",
            "",
            f"{'policy':<12}{'return':>9}{'volatility':>12}{'max drawdown':>14}"
            f"{'turnover/yr':>13}{'costs':>9}{'trades':>8}",
        ]
        lines += [
            f"{r.policy:<12}{r.annual_return:>9.2%}{r.annual_volatility:>12.2%}"
            f"{r.max_drawdown:>14.2%}{r.annual_turnover:>13.2%}{r.total_costs:>9.3%}"
            f"{r.rebalances:>8}"
            for r in self.rows
        ]
        lines += ["", "Where the history comes from:"]
        lines += [f"  {name}: {source}" for name, source in self.history_sources.items()]
        return "\n".join(lines)


def trigger_for(runtime: Runtime, policy: str, calendar_months: int) -> RebalanceTrigger:
    """The rebalancing trigger a policy name stands for."""
    if policy == "none":
        return NeverRebalance()
    if policy == "calendar":
        return CalendarRebalance(calendar_months)
    if policy == "threshold":
        return ThresholdRebalance(runtime.policy.rebalancing.drift_trigger)
    raise ValueError(f"unknown rebalancing policy {policy!r}")


def run_backtests(
    runtime: Runtime,
    weights: FloatArray,
    policies: Sequence[str],
    calendar_months: int | None = None,
) -> dict[str, BacktestResult]:
    """Replay `weights` on the product history under each policy; the calendar period defaults
    to the policy's."""
    months = calendar_months or runtime.policy.rebalancing.calendar_months
    history = runtime.product_history.returns
    costs = np.array([p.trading_cost_bps / 1e4 for p in runtime.catalogue.products])
    return {
        policy: backtest(
            history,
            weights,
            trigger_for(runtime, policy, months),
            costs,
            runtime.policy.rebalancing,
        )
        for policy in policies
    }


def backtest_report(
    runtime: Runtime,
    risk_level: int,
    horizon_years: float | None,
    policies: Sequence[str],
    calendar_months: int | None = None,
) -> BacktestReport:
    """Backtest the model portfolio of an investor class under each policy."""
    weights = runtime.allocate(risk_level, horizon_years).weights
    results = run_backtests(runtime, weights, policies, calendar_months)
    return describe_backtests(runtime, risk_level, weights, results)


def describe_backtests(
    runtime: Runtime, risk_level: int, weights: FloatArray, results: dict[str, BacktestResult]
) -> BacktestReport:
    """The summary of backtests already run on `weights`."""
    history = runtime.product_history
    return BacktestReport(
        risk_level=risk_level,
        first_month=str(history.returns.index[0]),
        last_month=str(history.returns.index[-1]),
        history_sources=_history_sources_held(runtime, weights),
        rows=[
            BacktestRow(
                policy=policy,
                annual_return=result.annual_return,
                annual_volatility=result.annual_volatility,
                max_drawdown=result.max_drawdown,
                annual_turnover=result.annual_turnover,
                total_costs=result.total_costs,
                rebalances=result.rebalances,
            )
            for policy, result in results.items()
        ],
    )


def _history_sources_held(runtime: Runtime, weights: FloatArray) -> dict[str, str]:
    """Where the history of each asset class this portfolio actually holds comes from."""
    held_classes = {
        name
        for product, weight in zip(runtime.catalogue.products, weights, strict=True)
        if weight >= SHOWN_WEIGHT
        for name in product.exposures
    }
    sources = runtime.product_history.sources
    return {name: source for name, source in sources.items() if name in held_classes}

"""The "Portfolio lab" page: pick an investor class and a goal, see what the engine proposes.

The page only formats. `lab_view` asks the engine and report functions for every number and turns
them into tables, sentences and charts; the Gradio handler is a thin wrapper around it.
"""

import re
from dataclasses import dataclass, fields
from functools import partial
from typing import Any, Final

import gradio as gr
import pandas as pd
import plotly.graph_objects as go

from advisor.app import charts
from advisor.engine.frontier import efficient_frontier
from advisor.engine.projection import GoalProjection, project_goal
from advisor.errors import AdvisorError
from advisor.reports import (
    AllocationReport,
    BacktestReport,
    describe_allocation,
    describe_backtests,
    run_backtests,
)
from advisor.runtime import Runtime

BACKTEST_POLICIES: Final = ("none", "calendar", "threshold")
ALLOCATION_COLUMNS: Final = ["Product", "Ticker", "Risk", "Weight", "Amount"]
BACKTEST_COLUMNS: Final = [
    "Rebalancing",
    "Return / yr",
    "Volatility",
    "Max drawdown",
    "Turnover / yr",
    "Costs",
    "Rebalances",
]

DEFAULT_RISK_LEVEL: Final = 3
DEFAULT_HORIZON_YEARS: Final = 10
DEFAULT_AMOUNT: Final = 10_000.0


@dataclass(frozen=True)
class LabView:
    """Everything the page shows for one set of inputs, in the order of the output components."""

    allocation_chart: go.Figure
    allocation_table: pd.DataFrame
    allocation_summary: str
    frontier_chart: go.Figure
    projection_chart: go.Figure
    projection_summary: str
    backtest_chart: go.Figure
    backtest_table: pd.DataFrame
    backtest_note: str
    versions: str

    def as_outputs(self) -> tuple[Any, ...]:
        """The values in field order, for Gradio's list of outputs."""
        return tuple(getattr(self, field.name) for field in fields(self))


def lab_view(
    runtime: Runtime,
    risk_level: int,
    horizon_years: int,
    amount: float,
    monthly_contribution: float = 0.0,
    target_amount: float | None = None,
    calendar_months: int = 12,
) -> LabView:
    """Run the engine for one investor class and goal and format the results for the page."""
    decision = runtime.class_decision(risk_level, horizon_years)
    allocation = runtime.allocate_for(decision, horizon_years)
    report = describe_allocation(runtime, allocation, decision, horizon_years, amount)
    frontier = efficient_frontier(runtime.optimizer, runtime.request(risk_level, horizon_years))
    projection = project_goal(
        amount,
        horizon_years,
        report.expected_return,
        report.volatility,
        monthly_contribution=monthly_contribution,
        target_value=target_amount,
    )
    paths = run_backtests(runtime, allocation.weights, BACKTEST_POLICIES, calendar_months)
    backtests = describe_backtests(runtime, risk_level, allocation.weights, paths)
    labels = policy_labels(runtime, calendar_months)
    return LabView(
        allocation_chart=charts.allocation_chart(report.holdings),
        allocation_table=allocation_table(report),
        allocation_summary=allocation_summary(report),
        frontier_chart=charts.frontier_chart(frontier, report.volatility, report.expected_return),
        projection_chart=charts.projection_chart(projection, target_amount),
        projection_summary=projection_summary(projection, horizon_years, target_amount),
        backtest_chart=charts.backtest_chart(
            {labels[policy]: result for policy, result in paths.items()}
        ),
        backtest_table=backtest_table(backtests, labels),
        backtest_note=backtest_note(backtests),
        versions=versions_line(report),
    )


def allocation_table(report: AllocationReport) -> pd.DataFrame:
    """One row per holding: product, ticker, risk level, weight and amount, largest first."""
    rows = [
        [
            holding.name,
            holding.ticker,
            f"R{holding.risk_level}",
            f"{holding.weight:.1%}",
            f"{holding.amount:,.2f}",
        ]
        for holding in report.holdings
    ]
    return pd.DataFrame(rows, columns=ALLOCATION_COLUMNS)


def allocation_summary(report: AllocationReport) -> str:
    """Expected return and volatility in one line, any constraint the optimizer relaxed, the
    products this class may not hold (each with its rule) and the rules applied."""
    lines = [
        f"**Expected return {report.expected_return:.1%} a year** · "
        f"volatility {report.volatility:.1%} · {report.jurisdiction} products"
    ]
    if report.relaxations:
        lines.append(
            "⚠️ No portfolio met every constraint, so the optimizer relaxed: "
            + "; ".join(report.relaxations)
            + "."
        )
    above_class = [e for e in report.exclusions if e.kind == "above_class"]
    if above_class:
        lines.append(
            "Not for this risk level: "
            + ", ".join(f"{e.product_id} (rule {e.rule_id})" for e in above_class)
            + "."
        )
    lines.append("Rules applied: " + ", ".join(report.rules_applied) + ".")
    return "\n\n".join(lines)


def projection_summary(
    projection: GoalProjection, horizon_years: int, target_amount: float | None
) -> str:
    """The median outcome at the horizon and, with a target, the chance of reaching it."""
    lines = [
        f"Median value after {horizon_years} years: **{projection.median_final_value:,.0f}** "
        f"({projection.paths:,} simulated paths)."
    ]
    if target_amount is not None and projection.probability_of_target is not None:
        lines.append(
            f"Chance of reaching {target_amount:,.0f}: **{projection.probability_of_target:.1%}**."
        )
    else:
        lines.append("Enter a target amount to see the chance of reaching it.")
    return "\n\n".join(lines)


def policy_labels(runtime: Runtime, calendar_months: int) -> dict[str, str]:
    """Readable names of the rebalancing policies, with their parameters."""
    months = "month" if calendar_months == 1 else f"{calendar_months} months"
    return {
        "none": "Never (buy and hold)",
        "calendar": f"Every {months}",
        "threshold": f"At {runtime.policy.rebalancing.drift_trigger:.1%} drift",
    }


def backtest_table(report: BacktestReport, labels: dict[str, str]) -> pd.DataFrame:
    """One row per rebalancing policy with its annualised results after costs."""
    rows = [
        [
            labels[row.policy],
            f"{row.annual_return:.1%}",
            f"{row.annual_volatility:.1%}",
            f"{row.max_drawdown:.1%}",
            f"{row.annual_turnover:.1%}",
            # Costs are a few hundredths of a percent: one decimal would show 0.0% or 0.1%.
            f"{row.total_costs:.2%}",
            str(row.rebalances),
        ]
        for row in report.rows
    ]
    return pd.DataFrame(rows, columns=BACKTEST_COLUMNS)


def backtest_note(report: BacktestReport) -> str:
    """The period replayed, and which asset classes borrow another class's history."""
    lines = [
        f"Monthly history {report.first_month} to {report.last_month}, after trading costs; "
        "past returns do not predict future ones."
    ]
    if report.history_sources:
        sources = "; ".join(
            f"{_readable(name)}: {_readable(source)}"
            for name, source in report.history_sources.items()
        )
        lines.append(f"Where the history comes from: {sources}.")
    return "\n\n".join(lines)


def versions_line(report: AllocationReport) -> str:
    """Which policy and assumptions produced these numbers, so they can be audited."""
    return (
        f"Engine policy {report.policy_version} · "
        f"capital-market assumptions {report.assumptions_version}"
    )


def _readable(text: str) -> str:
    """Class names made readable: `developed_ex_us_equity` as "developed ex US equity"."""
    return re.sub(r"\bus\b", "US", text.replace("_", " "))


def update_page(
    runtime: Runtime,
    risk_level: int,
    horizon_years: float,
    amount: float | None,
    monthly_contribution: float | None,
    target_amount: float | None,
    calendar_months: float,
) -> tuple[Any, ...]:
    """The event handler: check the inputs as the browser sends them, then show `lab_view`."""
    if amount is None or amount < 0:
        raise gr.Error("Enter an amount of zero or more.")
    if (monthly_contribution or 0) < 0 or (target_amount or 0) < 0:
        raise gr.Error("The contribution and the target cannot be negative.")
    try:
        view = lab_view(
            runtime,
            int(risk_level),
            int(horizon_years),
            float(amount),
            float(monthly_contribution or 0.0),
            # An empty number box arrives as 0 (or None): both mean "no target".
            float(target_amount) if target_amount else None,
            int(calendar_months),
        )
    except AdvisorError as error:
        raise gr.Error(str(error)) from error
    return view.as_outputs()


def add_portfolio_lab(blocks: gr.Blocks, runtime: Runtime) -> None:
    """Add the "Portfolio lab" tab to `blocks` (call inside `with blocks:` and `gr.Tabs()`)."""
    with (
        gr.Tab("Portfolio lab", id="portfolio-lab", elem_id="portfolio-lab"),
        gr.Row(equal_height=False),
    ):
        with gr.Column(scale=1, min_width=280, elem_id="lab-inputs"):
            inputs = _input_components(runtime)
            update = gr.Button("Update", variant="primary", elem_id="update-button")
        with gr.Column(scale=3, elem_id="lab-results"):
            outputs = _output_components()

    gr.on(
        triggers=[update.click, blocks.load],
        fn=partial(update_page, runtime),
        inputs=inputs,
        outputs=outputs,
        api_name="portfolio_lab",
    )


def _input_components(runtime: Runtime) -> list[gr.components.Component]:
    """The investor's choices, in the order of `update_page`'s parameters."""
    gr.Markdown("### Investor")
    risk_level = gr.Radio(
        [(f"C{level.level} {level.name}", level.level) for level in runtime.policy.risk_levels],
        value=DEFAULT_RISK_LEVEL,
        label="Risk level",
        elem_id="risk-level",
    )
    horizon = gr.Slider(
        1, 40, value=DEFAULT_HORIZON_YEARS, step=1, label="Horizon (years)", elem_id="horizon"
    )
    amount = gr.Number(DEFAULT_AMOUNT, label="Amount", minimum=0, step=1000, elem_id="amount")
    gr.Markdown("### Goal")
    contribution = gr.Number(
        0, label="Monthly contribution", minimum=0, step=100, elem_id="monthly-contribution"
    )
    target = gr.Number(
        None,
        label="Target amount",
        info="Optional; leave at 0 for none.",
        minimum=0,
        step=1000,
        elem_id="target-amount",
    )
    gr.Markdown("### Backtest")
    calendar_months = gr.Slider(
        1,
        36,
        value=runtime.policy.rebalancing.calendar_months,
        step=1,
        label="Calendar rebalancing every (months)",
        elem_id="calendar-months",
    )
    return [risk_level, horizon, amount, contribution, target, calendar_months]


def _output_components() -> list[gr.components.Component]:
    """The results, in the order of `LabView`'s fields."""
    gr.Markdown("## Allocation")
    allocation_summary = gr.Markdown(elem_id="allocation-summary")
    with gr.Row():
        allocation_plot = gr.Plot(show_label=False, scale=2, elem_id="allocation-chart")
        allocation_table = gr.Dataframe(
            headers=ALLOCATION_COLUMNS,
            interactive=False,
            wrap=True,
            column_widths=["46%", "13%", "10%", "13%", "18%"],
            show_label=False,
            scale=3,
            elem_id="allocation-table",
        )
    with gr.Row():
        with gr.Column():
            gr.Markdown("## Efficient frontier")
            frontier_plot = gr.Plot(show_label=False, elem_id="frontier-chart")
        with gr.Column():
            gr.Markdown("## Goal projection")
            projection_plot = gr.Plot(show_label=False, elem_id="projection-chart")
            projection_summary = gr.Markdown(elem_id="projection-summary")
    gr.Markdown("## Backtest")
    backtest_plot = gr.Plot(show_label=False, elem_id="backtest-chart")
    backtest_table = gr.Dataframe(
        headers=BACKTEST_COLUMNS, interactive=False, show_label=False, elem_id="backtest-table"
    )
    backtest_note = gr.Markdown(elem_id="backtest-note")
    versions = gr.Markdown(elem_id="versions", elem_classes=["versions"])
    return [
        allocation_plot,
        allocation_table,
        allocation_summary,
        frontier_plot,
        projection_plot,
        projection_summary,
        backtest_plot,
        backtest_table,
        backtest_note,
        versions,
    ]

"""The Portfolio lab page: its handler in process with the real engine, and the real app driven in
a real headless Chromium (`pytest -m browser`)."""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import gradio as gr
import pytest
from playwright.sync_api import Locator, Page, expect, sync_playwright
from test_app_harness import free_port, wait_until_serving

from advisor.app.portfolio_lab import (
    DEFAULT_AMOUNT,
    DEFAULT_HORIZON_YEARS,
    LabView,
    lab_view,
    update_page,
)
from advisor.engine.projection import project_goal
from advisor.reports import SHOWN_WEIGHT, allocation_report
from advisor.runtime import Runtime

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
UPDATE_MS = 30_000  # generous: the first solve compiles the optimizer
# The app serves at once and builds the knowledge index in the background on its first start in
# a fresh data dir (about 20 s on an idle 2-core machine, more under load).
INDEX_MS = 180_000


def percent(text: str) -> float:
    """'37.6%' as 37.6."""
    return float(text.removesuffix("%"))


def money(text: str) -> float:
    """'3,764.04' as 3764.04."""
    return float(text.replace(",", ""))


# ---------------------------------------------------------------- the handler, in process


@pytest.mark.parametrize("risk_level", [1, 2, 3, 4, 5])
def test_allocation_table_shows_the_engine_weights(runtime: Runtime, risk_level: int) -> None:
    view = lab_view(runtime, risk_level, horizon_years=10, amount=25_000)
    table = view.allocation_table
    allocation = runtime.allocate(risk_level, 10)
    expected = {
        product.ticker: 100 * weight
        for product, weight in zip(runtime.catalogue.products, allocation.weights, strict=True)
        if weight >= SHOWN_WEIGHT
    }
    shown = dict(zip(table["Ticker"], map(percent, table["Weight"]), strict=True))

    assert shown.keys() == expected.keys()
    for ticker, weight in expected.items():
        assert shown[ticker] == pytest.approx(weight, abs=0.051), ticker  # rounded to 0.1
    rounding = 0.05 * len(shown)
    assert sum(shown.values()) == pytest.approx(100.0, abs=rounding)
    assert sum(map(money, table["Amount"])) == pytest.approx(25_000, abs=0.01 * len(shown))
    assert all(int(risk.removeprefix("R")) <= risk_level for risk in table["Risk"])


def test_conservative_class_holds_only_r1_products(runtime: Runtime) -> None:
    view = lab_view(runtime, 1, horizon_years=10, amount=10_000)
    assert set(view.allocation_table["Risk"]) == {"R1"}


def test_summaries_quote_the_engine(runtime: Runtime) -> None:
    view = lab_view(
        runtime, 4, horizon_years=15, amount=50_000, monthly_contribution=500, target_amount=250_000
    )
    report = allocation_report(runtime, 4, 15, 50_000)
    projection = project_goal(
        50_000, 15, report.expected_return, report.volatility, 500, target_value=250_000
    )
    assert projection.probability_of_target is not None

    assert f"{report.expected_return:.1%}" in view.allocation_summary
    assert f"{report.volatility:.1%}" in view.allocation_summary
    assert f"{projection.median_final_value:,.0f}" in view.projection_summary
    assert f"{projection.probability_of_target:.1%}" in view.projection_summary
    assert report.policy_version in view.versions
    assert report.assumptions_version in view.versions


def test_charts_plot_the_engine_results(runtime: Runtime) -> None:
    view = lab_view(runtime, 3, horizon_years=10, amount=10_000, target_amount=20_000)
    report = allocation_report(runtime, 3, 10, 10_000)

    chosen = next(trace for trace in view.frontier_chart.data if trace.name == "This portfolio")
    assert (chosen.x[0], chosen.y[0]) == (report.volatility, report.expected_return)
    plotted = {
        ticker: weight
        for trace in view.allocation_chart.data
        for ticker, weight in zip(trace.y, trace.x, strict=True)
    }
    assert plotted == {holding.ticker: holding.weight for holding in report.holdings}
    assert [trace.name for trace in view.backtest_chart.data] == list(
        view.backtest_table.iloc[:, 0]
    )
    assert len(view.backtest_table) == 3


def test_backtest_note_says_where_each_history_comes_from(runtime: Runtime) -> None:
    # The balanced portfolio holds developed-markets equity, whose history is borrowed, and gold,
    # whose history is crude oil: a reader must be told both.
    view = lab_view(runtime, 3, horizon_years=10, amount=10_000)
    assert "developed ex US equity: stand-in: 100% US equity" in view.backtest_note
    assert "commodities: WTI crude oil" in view.backtest_note


def test_handler_fills_every_output_and_reads_an_empty_target_as_none(runtime: Runtime) -> None:
    outputs = update_page(runtime, 2, 8.0, 20_000.0, None, 0.0, 12.0)
    assert len(outputs) == len(fields(LabView))
    projection_summary = outputs[[f.name for f in fields(LabView)].index("projection_summary")]
    assert "Enter a target amount" in projection_summary


@pytest.mark.parametrize(
    ("amount", "contribution", "target"),
    [(None, 0.0, 0.0), (-1.0, 0.0, 0.0), (1_000.0, -50.0, 0.0), (1_000.0, 0.0, -1.0)],
)
def test_handler_rejects_impossible_inputs(
    runtime: Runtime, amount: float | None, contribution: float, target: float
) -> None:
    with pytest.raises(gr.Error):
        update_page(runtime, 3, 10.0, amount, contribution, target, 12.0)


# ---------------------------------------------------------------- the real app, in a browser


@pytest.fixture
def chromium() -> Path:
    """Debian's Chromium; Playwright's own browser download would need the network."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `apt-get install -y chromium` "
            "(or `make browser`)"
        )
    return CHROMIUM


@pytest.fixture
def served_app(tmp_path: Path) -> Iterator[str]:
    """`advisor serve` on a free port, offline; yields its URL and always stops it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    env = {
        **os.environ,
        "GRADIO_ANALYTICS_ENABLED": "False",
        "HF_HUB_OFFLINE": "1",
        "ADVISOR_DATA_DIR": str(tmp_path / "data"),  # the app indexes the knowledge base here
    }
    advisor_command = Path(sys.executable).with_name("advisor")
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(advisor_command), "serve", "--port", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            wait_until_serving(url, server, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def tickers_for(runtime: Runtime, risk_level: int) -> list[str]:
    """The tickers the engine holds for a class at the page's default horizon, largest first."""
    report = allocation_report(runtime, risk_level, DEFAULT_HORIZON_YEARS, DEFAULT_AMOUNT)
    return [holding.ticker for holding in report.holdings]


def column(page: Page, table: str, index: int) -> Locator:
    """The body cells of one column of a Gradio dataframe."""
    return page.locator(f"#{table} [role=gridcell][data-col='{index}']")


def choose_risk_level(page: Page, label: str) -> None:
    page.locator("#risk-level").get_by_text(label, exact=True).click()
    page.locator("#update-button").click()


@pytest.mark.browser
def test_portfolio_lab_in_a_browser(
    chromium: Path, served_app: str, runtime: Runtime, tmp_path: Path
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            outside: list[str] = []
            page.on(
                "request",
                lambda request: (
                    None
                    if request.url.startswith((served_app, "data:", "blob:"))
                    else outside.append(request.url)
                ),
            )
            page.goto(served_app)

            expect(page.get_by_role("tab", name="Portfolio lab")).to_be_visible()
            # First load shows the balanced class: exactly the products the engine holds.
            tickers = column(page, "allocation-table", 1)
            expect(tickers).to_have_text(tickers_for(runtime, 3), timeout=UPDATE_MS)
            for chart in ("allocation", "frontier", "projection", "backtest"):
                expect(page.locator(f"#{chart}-chart .main-svg").first).to_be_visible()
            expect(page.locator("#backtest-note")).to_contain_text("stand-in")
            expect(page.locator("#versions")).to_contain_text(runtime.policy.version)

            choose_risk_level(page, "C1 Conservative")
            conservative = tickers_for(runtime, 1)
            expect(tickers).to_have_text(conservative, timeout=UPDATE_MS)
            expect(column(page, "allocation-table", 2)).to_have_text(["R1"] * len(conservative))

            choose_risk_level(page, "C5 Aggressive")
            expect(tickers).to_have_text(tickers_for(runtime, 5), timeout=UPDATE_MS)
            risks = column(page, "allocation-table", 2).all_inner_texts()
            weights = column(page, "allocation-table", 3).all_inner_texts()
            shown_in_r3_and_up = sum(
                percent(weight)
                for risk, weight in zip(risks, weights, strict=True)
                if int(risk.removeprefix("R")) >= 3
            )
            balanced = allocation_report(runtime, 3, DEFAULT_HORIZON_YEARS, DEFAULT_AMOUNT)
            balanced_in_r3_and_up = sum(h.weight for h in balanced.holdings if h.risk_level >= 3)
            assert shown_in_r3_and_up > 100 * balanced_in_r3_and_up

            page.screenshot(path=tmp_path / "portfolio_lab.png", full_page=True)

            # The knowledge page answers a Chinese question with the right rule, and its source.
            page.get_by_role("tab", name="Rules and products").click()
            page.locator("#knowledge-question textarea").fill("我妈妈75岁了，能买高风险产品吗？")
            page.locator("#knowledge-ask").click()
            passages = page.locator("#knowledge-passages")
            expect(passages).to_contain_text("cn-elderly-investors", timeout=INDEX_MS)
            page.screenshot(path=tmp_path / "knowledge.png", full_page=True)
            assert outside == [], f"the page fetched from outside the app: {outside}"
        finally:
            browser.close()

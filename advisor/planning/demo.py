"""The tax demo: a taxable account with lots at a loss and a tax-advantaged account of the same
investor, two weeks of daily harvest scans, a deposit and a dividend reinvestment inside the
wash-sale window (both redirected to the substitute), the preview of a sale, and verification.

Prices are illustrative, fixed in this file so the demo is reproducible; they are not market
data."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from advisor.planning.goals import Goal, GoalAssessment
from advisor.planning.service import (
    Planning,
    assess_investor_goals,
    goal_from_record,
    invest,
    preview_user_sale,
    record_cash_weight,
    run_harvest_scan,
    verify,
)
from advisor.planning.verification import Deviation
from advisor.storage.store import Store
from advisor.tax.harvest import HarvestScan
from advisor.tax.preview import SalePreview
from advisor.tax.wash_sale import PurchaseDecision

START = date(2026, 11, 2)  # a Monday
DAYS = 10  # business days scanned: two weeks
BASE_PRICES: Mapping[str, float] = {
    "us_total_market": 300.0,
    "us_broad_market_schb": 25.0,
    "us_aggregate_bond": 72.0,
    "us_aggregate_bond_agg": 98.0,
}


def prices_on(day: date) -> dict[str, float]:
    """The demo's prices: US equity falls 10% on the third business day and stays there."""
    fallen = day >= START + timedelta(days=2)
    prices = dict(BASE_PRICES)
    if fallen:
        prices["us_total_market"] = 270.0
        prices["us_broad_market_schb"] = 22.5
    prices["us_aggregate_bond"] = 76.0
    return prices


@dataclass(frozen=True)
class DemoResult:
    """What the demo did and found."""

    investor_id: int
    taxable_account: int
    retirement_account: int
    scans: tuple[HarvestScan, ...]
    deposit: PurchaseDecision
    dividend: PurchaseDecision
    preview: SalePreview
    goals: tuple[GoalAssessment, ...]
    deviations: tuple[Deviation, ...]
    until: date


def business_days(start: date, count: int) -> list[date]:
    """`count` business days from `start`, inclusive."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def run_demo(store: Store, planning: Planning, skip_scan_on: date | None = None) -> DemoResult:
    """Build the demo book in `store`, run it, and verify it (`skip_scan_on` plants a missed
    scan, for the test that verification catches it)."""
    investor = store.create_investor("Demo investor", birth_year=1985, jurisdiction="US")
    taxable = store.open_account(investor, "Taxable brokerage", risk_level=4)
    ira = store.open_account(investor, "Retirement (IRA)", risk_level=4)
    store.set_tax_status(taxable, "taxable", "demo")
    store.set_tax_status(ira, "tax_advantaged", "demo")
    store.add_goal(
        investor,
        name="Retirement",
        kind="retirement",
        target_amount=1_500_000,
        target_date=date(2052, 6, 30),
        risk_level=4,
        current_value=100_000,
        monthly_deposit=1_500,
        account_id=taxable,
        actor="demo",
    )
    store.buy_lot(taxable, "us_total_market", date(2026, 1, 15), 100, 30_000, "trade", "demo")
    store.buy_lot(taxable, "us_total_market", date(2026, 6, 1), 50, 16_000, "trade", "demo")
    store.buy_lot(taxable, "us_aggregate_bond", date(2024, 3, 1), 300, 21_000, "trade", "demo")
    store.buy_lot(ira, "us_total_market", date(2025, 5, 1), 40, 10_400, "trade", "demo")
    days = business_days(START, DAYS)
    scans: list[HarvestScan] = []
    deposit = dividend = None
    for day in days:
        prices = prices_on(day)
        if day != skip_scan_on:
            scans.append(run_harvest_scan(store, planning, investor, day, prices))
        if day == days[4]:  # a deposit meant for US equity, two days after the harvest
            deposit = invest(
                store, planning, taxable, "us_total_market", 2_000, prices, day, "deposit"
            )
        if day == days[6]:  # the IRA's dividend, reinvested, inside the window
            dividend = invest(
                store, planning, ira, "us_total_market", 300, prices, day, "dividend_reinvestment"
            )
        for account in (taxable, ira):
            record_cash_weight(store, account, day, 0.0)  # every dollar invested
    assert deposit is not None and dividend is not None
    goal: Goal = goal_from_record(store.goals(investor)[0])
    preview = preview_user_sale(
        store,
        planning,
        taxable,
        "us_aggregate_bond",
        10_000,
        prices_on(days[-1])["us_aggregate_bond"],
        days[-1],
        goal=goal,
        suitability_cap=4,
    )
    goals = assess_investor_goals(store, planning, investor, 4, days[-1])
    return DemoResult(
        investor_id=investor,
        taxable_account=taxable,
        retirement_account=ira,
        scans=tuple(scans),
        deposit=deposit,
        dividend=dividend,
        preview=preview,
        goals=goals,
        deviations=verify(store, planning, days[-1]),
        until=days[-1],
    )

"""Tax lots, the wash-sale guard, tax-loss harvesting, tax-aware rebalancing and the sale preview:
hand-checked cases on the engine, and the demo on a real SQLite database."""

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from advisor.catalogue import load_catalogue
from advisor.errors import DataFileError
from advisor.planning.demo import run_demo
from advisor.planning.methodology import (
    load_methodology,
    load_substitute_products,
    planning_products,
)
from advisor.planning.service import Planning, engine_lot, trade_history
from advisor.storage import Store, create_database_engine, upgrade_database
from advisor.tax.harvest import HarvestContext, HarvestRules, scan_for_harvest
from advisor.tax.lots import TaxLot, TaxRates, sale_order, sell_lot, term_of
from advisor.tax.preview import preview_sale
from advisor.tax.rebalance import (
    AccountTaxState,
    TargetModel,
    TradeRules,
    drift_benefit,
    plan_tax_aware,
)
from advisor.tax.wash_sale import (
    LossSale,
    Purchase,
    WashSaleRules,
    find_wash_sales,
    guard_purchase,
)
from tests.conftest import PORTFOLIOS

US = TaxRates(taxes_fund_gains=True, short_term_rate=0.24, long_term_rate=0.15)
CN = TaxRates(taxes_fund_gains=False, short_term_rate=0.0, long_term_rate=0.0)
WASH = WashSaleRules(window_days=30)
SUBSTITUTES = {"us_total_market": "us_broad_market_schb", "us_broad_market_schb": "us_total_market"}
RISK = {"us_total_market": 3, "us_broad_market_schb": 3, "us_tech_sector": 4}
HARVEST_DAY = date(2026, 11, 4)
TAXABLE, IRA = "taxable", "ira"


def lot(lot_id: str, account: str, product: str, bought: date, units: float, cost: float) -> TaxLot:
    return TaxLot(
        lot_id=lot_id,
        account_id=account,
        product_id=product,
        bought=bought,
        units=units,
        cost_basis=cost,
    )


def context(
    purchases: tuple[Purchase, ...] = (),
    loss_sales: tuple[LossSale, ...] = (),
    max_risk: int = 3,
    rates: TaxRates = US,
) -> HarvestContext:
    return HarvestContext(
        prices={"us_total_market": 270.0, "us_broad_market_schb": 22.5},
        tax_status={TAXABLE: "taxable", IRA: "tax_advantaged"},
        max_risk_level={TAXABLE: max_risk, IRA: max_risk},
        product_risk=RISK,
        substitutes=SUBSTITUTES,
        purchases=purchases,
        loss_sales=loss_sales,
        rates=rates,
        rules=HarvestRules(min_loss_fraction=0.05, min_loss_amount=100.0),
        wash_sale=WASH,
    )


LOSS_LOT = lot("1", TAXABLE, "us_total_market", date(2026, 1, 15), 100, 30_000)  # 3,000 loss


# Lots and rates


def test_a_lot_is_long_term_only_after_more_than_a_year():
    assert term_of(LOSS_LOT, date(2027, 1, 15), US) == "short"  # 365 days: not more than a year
    assert term_of(LOSS_LOT, date(2027, 1, 16), US) == "long"


def test_sale_tax_uses_the_terms_rate_and_is_zero_where_untaxed_or_tax_advantaged():
    gain_lot = lot("g", TAXABLE, "us_total_market", date(2024, 1, 2), 10, 2_000)  # 200 a unit
    long = sell_lot(gain_lot, 4, 250.0, HARVEST_DAY, US, taxable=True)
    assert long.gain == pytest.approx(4 * 50)  # 1,000 proceeds - 800 basis
    assert long.estimated_tax == pytest.approx(200 * 0.15)
    short = sell_lot(gain_lot, 4, 250.0, date(2024, 6, 1), US, taxable=True)
    assert short.estimated_tax == pytest.approx(200 * 0.24)
    assert sell_lot(gain_lot, 4, 250.0, HARVEST_DAY, US, taxable=False).estimated_tax == 0
    assert sell_lot(gain_lot, 4, 250.0, HARVEST_DAY, CN, taxable=True).estimated_tax == 0


def test_lots_are_sold_losses_first_then_long_term_then_short_term_gains():
    on = date(2026, 11, 4)
    lots = [
        lot("short-gain", TAXABLE, "x", date(2026, 6, 1), 1, 90),
        lot("long-big-gain", TAXABLE, "x", date(2020, 1, 1), 1, 50),
        lot("loss", TAXABLE, "x", date(2026, 6, 1), 1, 120),
        lot("long-small-gain", TAXABLE, "x", date(2023, 1, 1), 1, 95),
    ]
    order = [item.lot_id for item in sale_order(lots, 100.0, on, US)]
    assert order == ["loss", "long-small-gain", "long-big-gain", "short-gain"]


# The wash-sale guard across accounts


def test_a_dividend_reinvested_in_another_account_before_the_scan_blocks_the_harvest():
    drip = Purchase(
        account_id=IRA,
        product_id="us_total_market",
        on=HARVEST_DAY - timedelta(days=12),
        units=1.2,
        source="dividend_reinvestment",
    )
    scan = scan_for_harvest(HARVEST_DAY, [LOSS_LOT], context(purchases=(drip,)))
    assert scan.sales == ()
    [skipped] = scan.skipped
    assert skipped.lot_id == "1"
    assert "dividend_reinvestment" in skipped.reason and "account ira" in skipped.reason


def test_a_purchase_31_days_before_does_not_block_the_harvest():
    old = Purchase(
        account_id=IRA,
        product_id="us_total_market",
        on=HARVEST_DAY - timedelta(days=31),
        units=1.0,
        source="dividend_reinvestment",
    )
    scan = scan_for_harvest(HARVEST_DAY, [LOSS_LOT], context(purchases=(old,)))
    assert [sale.sale.lot.lot_id for sale in scan.sales] == ["1"]


def test_after_a_harvest_dividends_and_deposits_in_any_account_buy_the_substitute():
    scan = scan_for_harvest(HARVEST_DAY, [LOSS_LOT], context())
    [harvest] = scan.sales
    assert harvest.loss == pytest.approx(3_000)
    assert harvest.sale.estimated_tax == pytest.approx(-3_000 * 0.24)  # short-term: 293 days
    assert harvest.substitute_lot.product_id == "us_broad_market_schb"
    assert harvest.substitute_lot.cost_basis == pytest.approx(27_000)
    assert harvest.substitute_lot.units == pytest.approx(27_000 / 22.5)
    sales = scan.loss_sales()
    for day in (1, 10, 30):  # the IRA's dividend, a deposit in the taxable account: blocked
        decision = guard_purchase(
            "us_total_market", HARVEST_DAY + timedelta(days=day), sales, WASH, SUBSTITUTES
        )
        assert decision.buy == "us_broad_market_schb" and decision.blocked_by == sales
    later = guard_purchase(
        "us_total_market", HARVEST_DAY + timedelta(days=31), sales, WASH, SUBSTITUTES
    )
    assert later.buy == "us_total_market" and not later.redirected


def test_when_product_and_substitute_both_carry_recent_losses_the_money_waits_in_cash():
    sales = (
        LossSale(account_id=TAXABLE, product_id="us_total_market", on=HARVEST_DAY, loss=500),
        LossSale(account_id=IRA, product_id="us_broad_market_schb", on=HARVEST_DAY, loss=100),
    )
    decision = guard_purchase("us_total_market", HARVEST_DAY, sales, WASH, SUBSTITUTES)
    assert decision.buy is None


def test_find_wash_sales_reports_a_dividend_reinvestment_in_another_account_inside_the_window():
    sale = LossSale(
        account_id=TAXABLE, product_id="us_total_market", on=HARVEST_DAY, loss=3_000, lot_id="1"
    )
    own = Purchase(  # the sold lot's own purchase is not a replacement
        account_id=TAXABLE,
        product_id="us_total_market",
        on=HARVEST_DAY - timedelta(days=20),
        units=100,
        source="trade",
        lot_id="1",
    )
    drip = Purchase(
        account_id=IRA,
        product_id="us_total_market",
        on=HARVEST_DAY + timedelta(days=9),
        units=1.1,
        source="dividend_reinvestment",
    )
    outside = drip.model_copy(update={"on": HARVEST_DAY + timedelta(days=31)})
    other = drip.model_copy(update={"product_id": "us_broad_market_schb"})
    found = find_wash_sales([sale], [own, drip, outside, other], WASH)
    assert [(wash.sale, wash.purchase) for wash in found] == [(sale, drip)]


def test_substantially_identical_groups_extend_the_guard():
    rules = WashSaleRules(30, (frozenset({"us_total_market", "vti_mutual_fund"}),))
    sale = LossSale(account_id=TAXABLE, product_id="us_total_market", on=HARVEST_DAY, loss=10)
    decision = guard_purchase("vti_mutual_fund", HARVEST_DAY, [sale], rules, {})
    assert decision.buy is None


def test_harvesting_in_the_same_scan_never_buys_back_what_another_account_sold():
    # Account A harvests the product into its substitute; account B holds the substitute at a
    # loss, but harvesting it would buy the product A just sold at a loss: it is skipped.
    second = lot("2", "b", "us_broad_market_schb", date(2026, 8, 3), 1_000, 25_000)
    ctx = context()
    ctx = HarvestContext(
        **{
            **ctx.__dict__,
            "tax_status": {TAXABLE: "taxable", "b": "taxable"},
            "max_risk_level": {TAXABLE: 3, "b": 3},
        }
    )
    scan = scan_for_harvest(HARVEST_DAY, [LOSS_LOT, second], ctx)
    assert [s.sale.lot.lot_id for s in scan.sales] == ["1"]
    [skipped] = scan.skipped
    assert skipped.lot_id == "2" and "wash sale" in skipped.reason


# Harvesting and risk


def test_harvesting_never_raises_risk_above_the_accounts_cap():
    tech = lot("t", TAXABLE, "us_tech_sector", date(2026, 1, 2), 10, 3_000)
    ctx = context(max_risk=3)
    ctx = HarvestContext(
        **{
            **ctx.__dict__,
            "prices": {**ctx.prices, "us_tech_sector": 200.0},
            "substitutes": {**SUBSTITUTES, "us_tech_sector": "us_total_market"},
        }
    )
    # A substitute of a different risk level is refused even when the account could hold it.
    scan = scan_for_harvest(HARVEST_DAY, [tech, LOSS_LOT], ctx)
    assert [s.sale.lot.product_id for s in scan.sales] == ["us_total_market"]
    assert "not allowed" in scan.skipped[0].reason
    bought = [s.substitute_lot.product_id for s in scan.sales]
    assert max(RISK[product] for product in bought) <= 3
    # An account whose cap (suitability or the goal's glide path) is below the substitute's level
    # harvests nothing.
    capped = scan_for_harvest(HARVEST_DAY, [LOSS_LOT], context(max_risk=2))
    assert capped.sales == () and "not allowed" in capped.skipped[0].reason


def test_every_shipped_substitute_pair_shares_asset_class_and_risk_level():
    catalogue = load_catalogue(PORTFOLIOS / "catalogue.toml")
    products = planning_products(catalogue, load_substitute_products(PORTFOLIOS / "catalogue.toml"))
    methodology = load_methodology(PORTFOLIOS / "methodology.toml", products)
    pairs = methodology.harvesting.substitutes()
    assert len(pairs) >= 8
    for product, substitute in pairs.items():
        first, second = products[product], products[substitute]
        assert (first.asset_class, first.risk_level) == (second.asset_class, second.risk_level)
        assert first.ticker != second.ticker


def test_a_substitute_pair_of_different_risk_levels_is_rejected(tmp_path: Path):
    catalogue = load_catalogue(PORTFOLIOS / "catalogue.toml")
    products = planning_products(catalogue, load_substitute_products(PORTFOLIOS / "catalogue.toml"))
    text = (PORTFOLIOS / "methodology.toml").read_text()
    bad = tmp_path / "methodology.toml"
    bad.write_text(
        text.replace('substitute = "us_broad_market_schb"', 'substitute = "us_tech_sector"')
    )
    with pytest.raises(DataFileError, match="must share asset class and risk level"):
        load_methodology(bad, products)


def test_no_harvesting_where_fund_gains_are_untaxed():
    scan = scan_for_harvest(HARVEST_DAY, [LOSS_LOT], context(rates=CN))
    assert scan.sales == () and scan.lots_scanned == 1


# Tax-aware rebalancing: gains only when the benefit exceeds the tax (hand-checked)

# Two products, uncorrelated, volatilities 20% and 5%; gamma 1.5; 100,000 at 70/30 against a
# 60/40 target. Selling 10,000 of A into B removes the whole deviation d = (0.1, -0.1):
# benefit = 100,000 x 1.5 x (0.1^2 x 0.04 + 0.1^2 x 0.0025) x 1 year = 63.75.
COVARIANCE = np.diag([0.2**2, 0.05**2])
TARGET = TargetModel(("a", "b"), np.array([0.6, 0.4]), COVARIANCE, 1.5, {})
ON = date(2026, 11, 4)
BENEFIT = 63.75


def rules(rates: TaxRates = US) -> TradeRules:
    return TradeRules(ON, rates, 1.0, 50.0, WASH, (), {})


def account(a_cost: float, bought: date, taxable: bool = True) -> AccountTaxState:
    return AccountTaxState(
        lots=(
            lot("a1", TAXABLE, "a", bought, 700, a_cost),  # 700 units at 100 = 70,000
            lot("b1", TAXABLE, "b", date(2020, 1, 1), 300, 30_000),  # 300 at 100 = 30,000
        ),
        cash=0.0,
        taxable=taxable,
    )


PRICES = {"a": 100.0, "b": 100.0}
LONG_AGO, RECENT = date(2024, 1, 2), date(2026, 6, 1)


def test_drift_benefit_matches_the_hand_computation():
    d0 = np.array([0.1, -0.1])
    assert drift_benefit(d0, np.zeros(2), COVARIANCE, 1.5, 100_000, 1.0) == pytest.approx(BENEFIT)


@pytest.mark.parametrize(
    ("cost", "bought", "tax", "realized"),
    [
        # 10% long-term gain: 10,000 sold realizes 1,000, tax 150 > 63.75: deferred.
        (63_000, LONG_AGO, 150.0, False),
        # 2% long-term gain: 200 realized, tax 30 < 63.75: realized.
        (68_600, LONG_AGO, 30.0, True),
        # 2% short-term gain: 200 at 24% = 48 < 63.75: realized.
        (68_600, RECENT, 48.0, True),
        # 3% short-term gain: 300 at 24% = 72 > 63.75: deferred.
        (67_900, RECENT, 72.0, False),
    ],
)
def test_a_gain_is_realized_only_when_the_benefit_exceeds_the_tax(cost, bought, tax, realized):
    plan = plan_tax_aware(account(cost, bought), PRICES, TARGET, rules())
    [decision] = plan.decisions
    assert decision.sale.proceeds == pytest.approx(10_000)
    assert decision.benefit == pytest.approx(BENEFIT)
    assert decision.sale.estimated_tax == pytest.approx(tax)
    assert decision.realized is realized
    if realized:
        assert plan.drift_after == pytest.approx(0.0, abs=1e-9)
        assert [(p.product_id, round(p.amount, 2)) for p in plan.purchases] == [("b", 10_000.0)]
        assert plan.estimated_tax == pytest.approx(tax) and plan.benefit == pytest.approx(BENEFIT)
    else:
        assert plan.purchases == () and plan.drift_after == pytest.approx(0.1)
        assert plan.gains_deferred == (decision,)


def test_losses_are_sold_whatever_the_benefit_and_tax_advantaged_gains_freely():
    loss = plan_tax_aware(account(75_000, RECENT), PRICES, TARGET, rules())
    assert loss.decisions[0].realized and loss.estimated_tax == pytest.approx(-5_000 / 7 * 0.24)
    free = plan_tax_aware(account(10_000, RECENT, taxable=False), PRICES, TARGET, rules())
    assert free.decisions[0].realized and free.estimated_tax == 0
    untaxed = plan_tax_aware(account(10_000, RECENT), PRICES, TARGET, rules(CN))
    assert untaxed.decisions[0].realized and untaxed.estimated_tax == 0


def test_cash_flows_come_first_and_nothing_is_sold_when_a_deposit_closes_the_gap():
    state = AccountTaxState(
        lots=(
            lot("a1", TAXABLE, "a", RECENT, 600, 50_000),
            lot("b1", TAXABLE, "b", RECENT, 300, 30_000),
        ),
        cash=10_000.0,  # 60,000 / 30,000 / 10,000 cash against 60/40: the cash fills B's gap
        taxable=True,
    )
    plan = plan_tax_aware(state, PRICES, TARGET, rules())
    assert plan.decisions == ()
    assert [(p.product_id, round(p.amount, 2)) for p in plan.purchases] == [("b", 10_000.0)]
    assert plan.drift_before == pytest.approx(0.1) and plan.drift_after == pytest.approx(0.0)


def test_loss_lots_go_before_long_term_and_short_term_gains():
    state = AccountTaxState(
        lots=(
            lot("short", TAXABLE, "a", RECENT, 350, 33_800),  # gain 3.4%
            lot("long", TAXABLE, "a", LONG_AGO, 300, 29_500),  # gain 1.7%
            lot("loss", TAXABLE, "a", RECENT, 50, 5_500),  # loss 500
            lot("b1", TAXABLE, "b", LONG_AGO, 300, 30_000),
        ),
        cash=0.0,
        taxable=True,
    )
    plan = plan_tax_aware(state, PRICES, TARGET, rules())
    # The loss lot (5,000) first; the remaining 5,000 from the long-term lot: 50 units with a
    # gain of 50 x (100 - 29,500 / 300) = 83.33, tax 12.50, benefit
    # 100,000 x 1.5 x (0.05^2 x 0.04 + 0.05^2 x 0.0025) = 15.94: realized; short-term untouched.
    assert [d.sale.lot.lot_id for d in plan.decisions] == ["loss", "long"]
    assert all(d.realized for d in plan.decisions)
    assert plan.decisions[1].sale.estimated_tax == pytest.approx(50 * (100 - 29_500 / 300) * 0.15)
    assert plan.decisions[1].benefit == pytest.approx(100_000 * 1.5 * 0.0025 * 0.0425)


# The decision preview


def test_the_preview_shows_gain_tax_terms_and_a_wash_sale_conflict():
    lots = [
        lot("old", TAXABLE, "a", LONG_AGO, 50, 4_000),  # 80 a unit: gain
        lot("new", TAXABLE, "a", RECENT, 50, 5_500),  # 110 a unit: loss
    ]
    preview = preview_sale(lots, 7_500, 100.0, ON, US, taxable=True)
    # The loss lot first (50 units, -500 short-term), then 25 long-term units (+500).
    assert [sale.lot.lot_id for sale in preview.sales] == ["new", "old"]
    assert preview.short_term_gain == pytest.approx(-500)
    assert preview.long_term_gain == pytest.approx(500)
    assert preview.estimated_tax == pytest.approx(-500 * 0.24 + 500 * 0.15)
    drip = Purchase(
        account_id=IRA,
        product_id="a",
        on=ON - timedelta(days=3),
        units=1,
        source="dividend_reinvestment",
    )
    at_loss = preview_sale(lots, 5_000, 100.0, ON, US, True, [drip], WASH)
    assert at_loss.realized_gain == pytest.approx(-500)
    assert at_loss.wash_sale_conflicts == (drip,)
    with pytest.raises(ValueError, match="can sell between"):
        preview_sale(lots, 20_000, 100.0, ON, US, True)


# The demo on a real database


@pytest.fixture(scope="module")
def planning(runtime) -> Planning:
    return Planning.load(runtime)


@pytest.fixture
def store(database_url: str) -> Store:
    upgrade_database(database_url)
    return Store(create_database_engine(database_url))


def test_the_demo_harvests_losses_without_any_wash_sale_and_previews_the_tax(store, planning):
    result = run_demo(store, planning)
    harvested = [sale for scan in result.scans for sale in scan.sales]
    assert harvested and all(
        s.substitute_lot.product_id == "us_broad_market_schb" for s in harvested
    )
    assert sum(s.loss for s in harvested) == pytest.approx(4_000)  # lots at 320 and 300, now 270
    assert result.deposit.buy == result.dividend.buy == "us_broad_market_schb"
    purchases, loss_sales = trade_history(store, result.investor_id)
    assert loss_sales and find_wash_sales(loss_sales, purchases, WASH) == ()
    assert {p.source for p in purchases} >= {
        "deposit",
        "dividend_reinvestment",
        "harvest_substitute",
    }
    # The preview of selling 10,000 of bonds bought at 70 a unit, now 76: a long-term gain.
    units = 10_000 / 76
    assert result.preview.realized_gain == pytest.approx(units * 6)
    assert result.preview.estimated_tax == pytest.approx(units * 6 * 0.15)
    assert result.preview.if_held is not None and result.preview.if_sold is not None
    assert result.preview.if_sold.probability <= result.preview.if_held.probability
    assert result.deviations == ()
    # Every lot left is consistent with the store's view.
    lots = [engine_lot(record) for record in store.tax_lots(result.investor_id)]
    assert all(item.units > 0 for item in lots)


def test_a_recorded_tax_aware_rebalance_defers_costly_gains_and_verifies_clean(
    store, planning, runtime
):
    from advisor.planning.service import run_tax_aware_rebalance, target_model, verify

    investor = store.create_investor("Rebalanced", jurisdiction="US")
    account = store.open_account(investor, "Taxable", risk_level=4)
    store.buy_lot(account, "us_total_market", date(2019, 3, 1), 200, 40_000, "trade", "t")
    store.buy_lot(account, "us_total_market", date(2026, 9, 1), 20, 6_200, "trade", "t")
    store.buy_lot(account, "us_aggregate_bond", date(2026, 2, 2), 100, 8_000, "trade", "t")
    prices = {product: 100.0 for product in planning.products}
    prices |= {"us_total_market": 300.0, "us_aggregate_bond": 72.0}
    target = target_model(runtime, planning, 4)
    plan = run_tax_aware_rebalance(store, planning, target, account, 5_000.0, prices, ON)
    assert plan.decisions, "the account is far from its model: something is sold"
    for decision in plan.decisions:
        sale = decision.sale
        if sale.gain > 0 and sale.estimated_tax > 0:
            assert decision.realized == (decision.benefit > sale.estimated_tax)
        else:
            assert decision.realized
    # The short-term loss lot of US equity goes before the old long-term gain lot.
    assert plan.decisions[0].sale.lot.bought == date(2026, 9, 1)
    trades = [e for e in store.audit_events("account", account) if e.action == "trade.executed"]
    assert {e.payload["source"] for e in trades} >= {"rebalance"}
    assert verify(store, planning, ON) == ()

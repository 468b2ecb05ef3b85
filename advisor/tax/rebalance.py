"""Tax-aware rebalancing of one account: cash flows first, then lots at a loss, then long-term
gains, then short-term gains; a gain is realized only when the estimated benefit of the drift it
removes exceeds the estimated tax, and both are reported.

The benefit estimate. The optimizer maximizes mu'w - gamma w'Sigma w; at its optimum w* the
certainty-equivalent return lost by holding w* + d instead (with the weights still summing to one)
is exactly gamma d'Sigma d a year. Moving from deviation d0 to d1 is therefore worth
value * gamma * (d0'Sigma d0 - d1'Sigma d1) * horizon in money, where the horizon is how long the
drift would otherwise persist (methodology: `tax.benefit_horizon_years`). The tax estimate is the
whole tax due now on the gain, which overstates the true cost (the tax would be due at a later sale
anyway), so gains are realized conservatively.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from advisor.engine.types import FloatArray
from advisor.tax.lots import LotSale, TaxLot, TaxRates, sale_key, sell_lot
from advisor.tax.wash_sale import LossSale, WashSaleRules, guard_purchase


def drift_benefit(
    deviation_before: FloatArray,
    deviation_after: FloatArray,
    covariance: FloatArray,
    risk_aversion: float,
    account_value: float,
    horizon_years: float,
) -> float:
    """Money value of moving the weights' deviation from target from `deviation_before` to
    `deviation_after` (see the module docstring)."""
    before = float(deviation_before @ covariance @ deviation_before)
    after = float(deviation_after @ covariance @ deviation_after)
    return account_value * risk_aversion * (before - after) * horizon_years


@dataclass(frozen=True)
class SaleDecision:
    """One lot considered for sale: the sale, its estimated tax (negative: a saving), the drift
    benefit of the sale, and whether it was made."""

    sale: LotSale
    benefit: float
    realized: bool
    reason: str


@dataclass(frozen=True)
class PlannedBuy:
    """Money put into a product; `wanted` differs from `product_id` when the wash-sale guard
    redirected it to a substitute."""

    product_id: str
    wanted: str
    amount: float


@dataclass(frozen=True)
class TaxAwarePlan:
    """The account's trades and what they cost and gain."""

    decisions: tuple[SaleDecision, ...]
    purchases: tuple[PlannedBuy, ...]
    cash_left: float
    drift_before: float
    drift_after: float

    @property
    def sales(self) -> tuple[LotSale, ...]:
        """The sales made."""
        return tuple(d.sale for d in self.decisions if d.realized)

    @property
    def estimated_tax(self) -> float:
        """Tax of the sales made (negative: a saving)."""
        return sum(sale.estimated_tax for sale in self.sales)

    @property
    def benefit(self) -> float:
        """Estimated benefit of the sales made."""
        return sum(d.benefit for d in self.decisions if d.realized)

    @property
    def gains_deferred(self) -> tuple[SaleDecision, ...]:
        """Sales not made because their tax exceeded their benefit."""
        return tuple(d for d in self.decisions if not d.realized)


@dataclass(frozen=True)
class AccountTaxState:
    """One account: its lots, uninvested cash (including a deposit), and tax status."""

    lots: tuple[TaxLot, ...]
    cash: float
    taxable: bool


@dataclass(frozen=True)
class TargetModel:
    """The account's target: weights over `products` (substitutes count as their `primary`), the
    covariance of those products, and the class's risk aversion (gamma)."""

    products: tuple[str, ...]
    weights: FloatArray
    covariance: FloatArray
    risk_aversion: float
    primary: Mapping[str, str]  # substitute -> the product it stands in for


@dataclass(frozen=True)
class TradeRules:
    """Dates, rates and guards that apply to the trades."""

    on: date
    rates: TaxRates
    benefit_horizon_years: float
    min_trade_value: float
    wash_sale: WashSaleRules
    loss_sales: tuple[LossSale, ...]
    substitutes: Mapping[str, str]


def plan_tax_aware(
    account: AccountTaxState, prices: Mapping[str, float], target: TargetModel, rules: TradeRules
) -> TaxAwarePlan:
    """Plan the account's rebalance: invest cash into underweight products, sell overweight
    lots in tax order (losses, long-term gains, short-term gains) realizing a gain only when its
    benefit exceeds its tax, and buy underweight products with the proceeds through the
    wash-sale guard."""
    index = {product: i for i, product in enumerate(target.products)}
    start = _values(account.lots, prices, index, target.primary)
    total = float(start.sum() + account.cash)
    if total <= 0:
        return TaxAwarePlan((), (), account.cash, 0.0, 0.0)
    goal = target.weights * total
    # 1. Cash flows: fill underweight gaps with the cash first.
    buys = _fill_gaps(np.maximum(goal - start, 0), account.cash)
    sells = np.zeros(len(start))
    # 2. Sell overweight positions lot by lot, in tax order.
    decisions: list[SaleDecision] = []
    for lot in _overweight_lots(account.lots, prices, start + buys, goal, index, target, rules):
        key = index[target.primary.get(lot.product_id, lot.product_id)]
        values = start + buys - sells
        price = prices[lot.product_id]
        units = min(lot.units, float(values[key] - goal[key]) / price)
        if units * price < rules.min_trade_value:
            continue
        sale = sell_lot(lot, units, price, rules.on, rules.rates, account.taxable)
        moved = _fill_gaps(np.maximum(goal - values, 0), sale.proceeds)
        after = values + moved
        after[key] -= sale.proceeds
        benefit = drift_benefit(
            (values - goal) / total,
            (after - goal) / total,
            target.covariance,
            target.risk_aversion,
            total,
            rules.benefit_horizon_years,
        )
        realize, reason = _decide(sale, benefit)
        decisions.append(SaleDecision(sale, benefit, realize, reason))
        if realize:
            buys = buys + moved
            sells[key] += sale.proceeds
    # 3. Buy through the wash-sale guard; what it blocks, or what is too small, stays in cash.
    purchases = _guarded_buys(buys, target.products, rules)
    invested = np.zeros(len(start))
    for purchase in purchases:
        invested[index[purchase.wanted]] += purchase.amount
    cash_left = account.cash + float(sells.sum()) - float(invested.sum())
    return TaxAwarePlan(
        decisions=tuple(decisions),
        purchases=tuple(purchases),
        cash_left=cash_left,
        drift_before=_drift(start, account.cash, goal, total),
        drift_after=_drift(start - sells + invested, cash_left, goal, total),
    )


def _decide(sale: LotSale, benefit: float) -> tuple[bool, str]:
    if sale.gain <= 0:
        return True, "a loss or no gain: no tax to pay"
    if sale.estimated_tax <= 0:
        return True, "no tax on this gain (tax-advantaged account or untaxed jurisdiction)"
    if benefit > sale.estimated_tax:
        return True, f"benefit {benefit:.2f} exceeds estimated tax {sale.estimated_tax:.2f}"
    return False, f"benefit {benefit:.2f} does not exceed estimated tax {sale.estimated_tax:.2f}"


def _values(
    lots: Sequence[TaxLot],
    prices: Mapping[str, float],
    index: Mapping[str, int],
    primary: Mapping[str, str],
) -> FloatArray:
    values = np.zeros(len(index))
    for lot in lots:
        values[index[primary.get(lot.product_id, lot.product_id)]] += lot.value(
            prices[lot.product_id]
        )
    return values


def _drift(values: FloatArray, cash: float, goal: FloatArray, total: float) -> float:
    """Half the sum of absolute deviations, uninvested cash (target zero) included."""
    return float((np.abs(values - goal).sum() + abs(cash)) / (2 * total))


def _fill_gaps(gaps: FloatArray, amount: float) -> FloatArray:
    """Spread `amount` over the gaps in proportion to their size, never beyond them."""
    gap_total = float(gaps.sum())
    if gap_total <= 0 or amount <= 0:
        return np.zeros_like(gaps)
    return gaps * min(amount / gap_total, 1.0)


def _overweight_lots(
    lots: Sequence[TaxLot],
    prices: Mapping[str, float],
    values: FloatArray,
    goal: FloatArray,
    index: Mapping[str, int],
    target: TargetModel,
    rules: TradeRules,
) -> list[TaxLot]:
    """Lots of overweight positions in tax order across the account: all losses first, then
    long-term gains, then short-term gains."""

    def position(lot: TaxLot) -> int:
        return index[target.primary.get(lot.product_id, lot.product_id)]

    over = [lot for lot in lots if values[position(lot)] > goal[position(lot)]]
    return sorted(
        over, key=lambda lot: sale_key(lot, prices[lot.product_id], rules.on, rules.rates)
    )


def _guarded_buys(
    amounts: FloatArray, products: tuple[str, ...], rules: TradeRules
) -> list[PlannedBuy]:
    """Each buy as the wash-sale guard decides it; blocked or too small buys are left out."""
    buys: list[PlannedBuy] = []
    for product, amount in zip(products, amounts, strict=True):
        if amount < rules.min_trade_value:
            continue
        decision = guard_purchase(
            product, rules.on, rules.loss_sales, rules.wash_sale, rules.substitutes
        )
        if decision.buy is not None:
            buys.append(PlannedBuy(decision.buy, product, float(amount)))
    return buys

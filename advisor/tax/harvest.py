"""Tax-loss harvesting: sell lots whose loss passes a threshold and buy a substitute with the same
asset class and risk level, never washing the loss and never raising an account's risk."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from advisor.tax.lots import LotSale, TaxLot, TaxRates, TaxStatus, sell_lot
from advisor.tax.wash_sale import (
    LossSale,
    Purchase,
    WashSaleRules,
    blocking_loss_sales,
    conflicting_purchases,
)


@dataclass(frozen=True)
class HarvestRules:
    """A lot is harvested when its loss is at least `min_loss_fraction` of its cost basis and at
    least `min_loss_amount`."""

    min_loss_fraction: float
    min_loss_amount: float

    def worth_harvesting(self, lot: TaxLot, price: float) -> bool:
        """Whether the lot's loss at `price` passes both thresholds."""
        loss = -lot.gain(price)
        return loss >= self.min_loss_amount and loss >= self.min_loss_fraction * lot.cost_basis


@dataclass(frozen=True)
class HarvestSale:
    """One lot sold at a loss, and the substitute lot bought with the proceeds."""

    sale: LotSale
    substitute_lot: TaxLot

    @property
    def loss(self) -> float:
        """The loss realized (positive)."""
        return -self.sale.gain


@dataclass(frozen=True)
class SkippedLot:
    """A lot at a loss beyond the threshold that was not harvested, and why."""

    lot_id: str
    account_id: str
    product_id: str
    reason: str


@dataclass(frozen=True)
class HarvestScan:
    """What one scan found and did."""

    on: date
    sales: tuple[HarvestSale, ...]
    skipped: tuple[SkippedLot, ...]
    lots_scanned: int

    @property
    def harvested_loss(self) -> float:
        """Total loss realized."""
        return sum(sale.loss for sale in self.sales)

    @property
    def estimated_tax_saving(self) -> float:
        """Tax the realized losses are estimated to save (positive)."""
        return -sum(sale.sale.estimated_tax for sale in self.sales)

    def loss_sales(self) -> tuple[LossSale, ...]:
        """The loss sales, for the wash-sale guard of later purchases."""
        return tuple(
            LossSale(
                account_id=s.sale.lot.account_id,
                product_id=s.sale.lot.product_id,
                on=self.on,
                loss=s.loss,
                lot_id=s.sale.lot.lot_id,
            )
            for s in self.sales
        )

    def purchases(self) -> tuple[Purchase, ...]:
        """The substitute purchases."""
        return tuple(
            Purchase(
                account_id=s.substitute_lot.account_id,
                product_id=s.substitute_lot.product_id,
                on=self.on,
                units=s.substitute_lot.units,
                source="harvest_substitute",
                lot_id=s.substitute_lot.lot_id,
            )
            for s in self.sales
        )


@dataclass(frozen=True)
class HarvestContext:
    """Everything a scan needs besides the lots: prices, each account's tax status and highest
    allowed product risk level (the lower of its suitability class and its goal's glide-path
    level), each product's risk level, the substitute pairs (both ways), past purchases and loss
    sales across all of the investor's accounts, and the rules."""

    prices: Mapping[str, float]
    tax_status: Mapping[str, TaxStatus]
    max_risk_level: Mapping[str, int]
    product_risk: Mapping[str, int]
    substitutes: Mapping[str, str]
    purchases: tuple[Purchase, ...]
    loss_sales: tuple[LossSale, ...]
    rates: TaxRates
    rules: HarvestRules
    wash_sale: WashSaleRules


def scan_for_harvest(on: date, lots: Sequence[TaxLot], context: HarvestContext) -> HarvestScan:
    """Harvest every (account, product) whose lots at a loss pass the threshold, unless the
    substitute is missing, riskier than the account allows, or the sale or the substitute's
    purchase would be a wash sale. Lots of one product in one account are sold together."""
    if not context.rates.taxes_fund_gains:
        return HarvestScan(on, (), (), len(lots))
    purchases = list(context.purchases)
    loss_sales = list(context.loss_sales)
    sales: list[HarvestSale] = []
    skipped: list[SkippedLot] = []
    for (account_id, product_id), group in _candidates(lots, context).items():
        reason = _obstacle(account_id, product_id, group, on, purchases, loss_sales, context)
        if reason is not None:
            skipped += [SkippedLot(lot.lot_id, account_id, product_id, reason) for lot in group]
            continue
        done = [_harvest(lot, on, context) for lot in group]
        sales += done
        scan = HarvestScan(on, tuple(done), (), 0)
        purchases += scan.purchases()
        loss_sales += scan.loss_sales()
    return HarvestScan(on, tuple(sales), tuple(skipped), len(lots))


def _candidates(
    lots: Iterable[TaxLot], context: HarvestContext
) -> dict[tuple[str, str], list[TaxLot]]:
    groups: dict[tuple[str, str], list[TaxLot]] = {}
    for lot in lots:
        price = context.prices.get(lot.product_id)
        if context.tax_status.get(lot.account_id) != "taxable" or price is None:
            continue
        if context.rules.worth_harvesting(lot, price):
            groups.setdefault((lot.account_id, lot.product_id), []).append(lot)
    return groups


def _obstacle(
    account_id: str,
    product_id: str,
    group: list[TaxLot],
    on: date,
    purchases: list[Purchase],
    loss_sales: list[LossSale],
    context: HarvestContext,
) -> str | None:
    """Why this group cannot be harvested today, or None."""
    substitute = context.substitutes.get(product_id)
    if substitute is None:
        return "no substitute is configured for this product"
    if substitute not in context.prices:
        return f"no price for the substitute {substitute}"
    risk = context.product_risk[substitute]
    if risk != context.product_risk[product_id] or risk > context.max_risk_level[account_id]:
        return f"the substitute {substitute} (risk level {risk}) is not allowed in this account"
    sold = frozenset(lot.lot_id for lot in group)
    earlier = [p for p in purchases if p.on <= on]
    conflicts = conflicting_purchases(product_id, on, earlier, context.wash_sale, sold)
    if conflicts:
        first = conflicts[0]
        return (
            f"wash sale: {first.product_id} was bought in account {first.account_id} on "
            f"{first.on.isoformat()} ({first.source}), within {context.wash_sale.window_days} days"
        )
    blocked = blocking_loss_sales(substitute, on, loss_sales, context.wash_sale)
    if blocked:
        return (
            f"wash sale: buying {substitute} would wash its loss sale of "
            f"{blocked[0].on.isoformat()} in account {blocked[0].account_id}"
        )
    return None


def _harvest(lot: TaxLot, on: date, context: HarvestContext) -> HarvestSale:
    price = context.prices[lot.product_id]
    sale = sell_lot(lot, lot.units, price, on, context.rates, taxable=True)
    substitute = context.substitutes[lot.product_id]
    substitute_price = context.prices[substitute]
    bought = TaxLot(
        lot_id=f"{lot.lot_id}>{substitute}@{on.isoformat()}",
        account_id=lot.account_id,
        product_id=substitute,
        bought=on,
        units=sale.proceeds / substitute_price,
        cost_basis=sale.proceeds,
    )
    return HarvestSale(sale=sale, substitute_lot=bought)

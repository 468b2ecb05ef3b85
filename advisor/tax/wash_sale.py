"""The wash-sale guard (US IRC 1091): a loss is disallowed when the same or a substantially
identical security is bought within the window (30 days) before or after the loss sale.

The guard looks across *all* of an investor's accounts, taxable or not, and at every purchase
whatever caused it: a trade, a deposit being invested, a dividend reinvestment, a harvest's
substitute. Wealthfront was fined in 2018 because wash sales occurred in at least 31% of its
harvesting accounts although its white paper said accounts were monitored for them.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

PurchaseSource = Literal[
    "trade", "deposit", "dividend_reinvestment", "harvest_substitute", "rebalance"
]


class Purchase(BaseModel):
    """A purchase of a product in an account; `lot_id` is the lot it created, if known."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account_id: str
    product_id: str
    on: date
    units: float = Field(gt=0, allow_inf_nan=False)
    source: PurchaseSource
    lot_id: str | None = None


class LossSale(BaseModel):
    """A sale that realized a loss (`loss` > 0), in an account, of units of one lot."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account_id: str
    product_id: str
    on: date
    loss: float = Field(gt=0, allow_inf_nan=False)
    lot_id: str | None = None


@dataclass(frozen=True)
class WashSaleRules:
    """The window in days, and groups of products treated as substantially identical to each
    other (every product is identical to itself)."""

    window_days: int = 30
    identical_groups: tuple[frozenset[str], ...] = ()

    def identical(self, first: str, second: str) -> bool:
        """Whether buying `second` could wash a loss on `first`."""
        if first == second:
            return True
        return any(first in group and second in group for group in self.identical_groups)

    def in_window(self, sale_day: date, purchase_day: date) -> bool:
        """Whether a purchase on `purchase_day` is within the window around a sale on `sale_day`."""
        return abs((purchase_day - sale_day).days) <= self.window_days


def conflicting_purchases(
    product_id: str,
    on: date,
    purchases: Iterable[Purchase],
    rules: WashSaleRules,
    sold_lots: frozenset[str] = frozenset(),
) -> tuple[Purchase, ...]:
    """Purchases in any account, of a product identical to `product_id`, within the window around
    a loss sale on `on`; the purchases that created the lots being sold are not replacements."""
    return tuple(
        purchase
        for purchase in purchases
        if rules.identical(product_id, purchase.product_id)
        and rules.in_window(on, purchase.on)
        and (purchase.lot_id is None or purchase.lot_id not in sold_lots)
    )


def blocking_loss_sales(
    product_id: str, on: date, loss_sales: Iterable[LossSale], rules: WashSaleRules
) -> tuple[LossSale, ...]:
    """Loss sales, in any account, of a product identical to `product_id` within the window
    before a purchase on `on` (or on the same day): buying now would wash them."""
    return tuple(
        sale
        for sale in loss_sales
        if rules.identical(product_id, sale.product_id)
        and timedelta(0) <= on - sale.on <= timedelta(days=rules.window_days)
    )


@dataclass(frozen=True)
class PurchaseDecision:
    """What a wanted purchase becomes under the guard: the product actually bought (the wanted
    one, its substitute, or None: the money stays in cash until the window has passed)."""

    wanted: str
    buy: str | None
    blocked_by: tuple[LossSale, ...]

    @property
    def redirected(self) -> bool:
        """Whether the guard changed what is bought."""
        return self.buy != self.wanted


def guard_purchase(
    product_id: str,
    on: date,
    loss_sales: Iterable[LossSale],
    rules: WashSaleRules,
    substitutes: Mapping[str, str],
) -> PurchaseDecision:
    """Decide a purchase from any source (trade, deposit, dividend reinvestment): the product
    itself if no loss sale of an identical product lies within the window before; else its
    substitute if that is clear; else nothing (cash)."""
    sales = tuple(loss_sales)
    blocked = blocking_loss_sales(product_id, on, sales, rules)
    if not blocked:
        return PurchaseDecision(product_id, product_id, ())
    substitute = substitutes.get(product_id)
    if substitute is not None and not blocking_loss_sales(substitute, on, sales, rules):
        return PurchaseDecision(product_id, substitute, blocked)
    return PurchaseDecision(product_id, None, blocked)


@dataclass(frozen=True)
class WashSale:
    """A loss sale and a purchase that washed it."""

    sale: LossSale
    purchase: Purchase


def find_wash_sales(
    loss_sales: Iterable[LossSale], purchases: Iterable[Purchase], rules: WashSaleRules
) -> tuple[WashSale, ...]:
    """Every (loss sale, purchase) pair that breaks the rule, across all accounts. Purchases
    that created lots sold at a loss the same day are not replacements for those sales."""
    bought = tuple(purchases)
    sales = tuple(loss_sales)
    found: list[WashSale] = []
    for sale in sales:
        sold = frozenset(
            other.lot_id
            for other in sales
            if other.lot_id is not None
            and other.on == sale.on
            and rules.identical(sale.product_id, other.product_id)
        )
        for purchase in conflicting_purchases(sale.product_id, sale.on, bought, rules, sold):
            found.append(WashSale(sale, purchase))
    return tuple(found)

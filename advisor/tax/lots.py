"""Tax lots, tax rates and the tax on a sale of part of a lot."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TaxStatus = Literal["taxable", "tax_advantaged"]
Term = Literal["short", "long"]


class TaxRates(BaseModel):
    """An investor's tax on realized fund gains: one rate for gains on lots held at most
    `long_term_after_days` days, one for longer holdings. `taxes_fund_gains = False` (e.g. CN, where
    individuals' gains on fund shares are untaxed) makes every estimate zero."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    taxes_fund_gains: bool
    short_term_rate: float = Field(ge=0, lt=1)
    long_term_rate: float = Field(ge=0, lt=1)
    long_term_after_days: int = Field(default=365, ge=0)

    def rate(self, term: Term) -> float:
        """The rate for a gain of this term (zero where fund gains are untaxed)."""
        if not self.taxes_fund_gains:
            return 0.0
        return self.short_term_rate if term == "short" else self.long_term_rate


class TaxLot(BaseModel):
    """Units of one product bought in one account on one day, at a total cost basis."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lot_id: str = Field(min_length=1)
    account_id: str = Field(min_length=1)
    product_id: str = Field(min_length=1)
    bought: date
    units: float = Field(gt=0, allow_inf_nan=False)
    cost_basis: float = Field(ge=0, allow_inf_nan=False)

    @property
    def unit_cost(self) -> float:
        """Cost basis per unit."""
        return self.cost_basis / self.units

    def value(self, price: float) -> float:
        """Market value at `price` per unit."""
        return self.units * price

    def gain(self, price: float) -> float:
        """Unrealized gain (negative: a loss) at `price`."""
        return self.units * price - self.cost_basis


def term_of(lot: TaxLot, on: date, rates: TaxRates) -> Term:
    """Long-term when the lot has been held more than `long_term_after_days` days on `on`."""
    return "long" if (on - lot.bought).days > rates.long_term_after_days else "short"


@dataclass(frozen=True)
class LotSale:
    """A sale of `units` units of one lot on one day, and its estimated tax (negative: a saving
    against other gains)."""

    lot: TaxLot
    units: float
    price: float
    on: date
    term: Term
    estimated_tax: float

    @property
    def proceeds(self) -> float:
        """Cash raised."""
        return self.units * self.price

    @property
    def cost_basis(self) -> float:
        """The cost basis of the units sold."""
        return self.lot.unit_cost * self.units

    @property
    def gain(self) -> float:
        """Realized gain (negative: a loss)."""
        return self.proceeds - self.cost_basis


def sell_lot(
    lot: TaxLot, units: float, price: float, on: date, rates: TaxRates, taxable: bool
) -> LotSale:
    """The sale of `units` of `lot` at `price`; tax is estimated at the term's rate, zero in a
    tax-advantaged account. A loss is valued at the same rate, as if it offset gains of its term
    (a simplification: US netting across terms and the yearly limit on losses against ordinary
    income are not modelled)."""
    term = term_of(lot, on, rates)
    gain = units * price - lot.unit_cost * units
    tax = gain * rates.rate(term) if taxable else 0.0
    return LotSale(lot=lot, units=units, price=price, on=on, term=term, estimated_tax=tax)


def remaining(lot: TaxLot, units_sold: float) -> TaxLot | None:
    """What is left of a lot after selling `units_sold` of it (None if nothing)."""
    left = lot.units - units_sold
    if left <= 1e-9:
        return None
    return replace_units(lot, left)


def replace_units(lot: TaxLot, units: float) -> TaxLot:
    """The lot with `units` units and the matching share of its cost basis."""
    return lot.model_copy(update={"units": units, "cost_basis": lot.unit_cost * units})


def sale_key(lot: TaxLot, price: float, on: date, rates: TaxRates) -> tuple[int, float]:
    """Where a lot comes in the sale order: (0, loss ratio) for a loss, (1, gain ratio) for a
    long-term gain, (2, gain ratio) for a short-term gain; smaller comes first."""
    ratio = lot.gain(price) / max(lot.value(price), 1e-12)
    if ratio < 0:
        return (0, ratio)
    return (1 if term_of(lot, on, rates) == "long" else 2, ratio)


def sale_order(
    lots: list[TaxLot] | tuple[TaxLot, ...], price: float, on: date, rates: TaxRates
) -> list[TaxLot]:
    """The order in which lots of one product are sold: lots at a loss first (largest loss per
    unit of value first), then long-term gains, then short-term gains (each smallest gain per
    unit of value first), so that each unit sold costs as little tax as possible."""
    return sorted(lots, key=lambda lot: sale_key(lot, price, on, rates))

"""The product catalogue: the real-world funds the optimizer may hold, validated on load."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from advisor.data.toml_file import line_of, read_toml, validate


class AssetClass(StrEnum):
    """What kind of fund a product is (for display and filtering; the maths uses `exposures`)."""

    cash = "cash"
    us_short_treasury = "us_short_treasury"
    us_aggregate_bonds = "us_aggregate_bonds"
    us_tips = "us_tips"
    us_corporate_bonds = "us_corporate_bonds"
    multi_asset = "multi_asset"
    us_equity = "us_equity"
    us_tech = "us_tech"
    developed_ex_us_equity = "developed_ex_us_equity"
    emerging_markets_equity = "emerging_markets_equity"
    us_reits = "us_reits"
    commodities = "commodities"
    leveraged_equity = "leveraged_equity"
    china_equity = "china_equity"
    china_government_bonds = "china_government_bonds"
    china_cash = "china_cash"


RiskLevel = Annotated[int, Field(ge=1, le=5)]


class Product(BaseModel):
    """One fund or ETF, with the terms the engine needs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    ticker: str = Field(min_length=1)
    asset_class: AssetClass
    risk_level: RiskLevel
    expense_ratio: float = Field(ge=0, lt=0.05)
    liquidity_days: int = Field(ge=0, le=30)
    min_holding: float = Field(ge=0)
    trading_cost_bps: float = Field(ge=0, le=500)
    jurisdiction: str = Field(pattern=r"^[A-Z]{2}$")
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    exposures: dict[str, float] = Field(min_length=1)
    aliases: tuple[str, ...] = Field(
        default=(), description="Other names people use for it, to recognise it in a chat."
    )

    @field_validator("exposures")
    @classmethod
    def _exposures_are_fully_invested(cls, exposures: dict[str, float]) -> dict[str, float]:
        # A fund's exposures sum to one; leverage shows as a negative cash exposure (3x = 3 - 2).
        if abs(sum(exposures.values()) - 1.0) > 1e-9:
            raise ValueError(f"exposures must sum to 1, got {sum(exposures.values()):g}")
        return exposures

    @property
    def is_cash_like(self) -> bool:
        """Cash the same day: counts towards the liquid floor."""
        return self.liquidity_days == 0


class Catalogue(BaseModel):
    """The ordered set of products; product order is the order of every weight vector."""

    model_config = ConfigDict(frozen=True)

    version: str
    products: tuple[Product, ...] = Field(alias="product", min_length=1)

    @model_validator(mode="after")
    def _ids_are_unique(self) -> "Catalogue":
        seen: set[str] = set()
        for product in self.products:
            if product.id in seen:
                raise ValueError(f"duplicate product id {product.id!r}")
            seen.add(product.id)
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        """Product ids in catalogue order."""
        return tuple(product.id for product in self.products)

    def index(self, product_id: str) -> int:
        """Position of a product in every weight vector; KeyError if unknown."""
        return self.ids.index(product_id)

    def product(self, product_id: str) -> Product:
        """The product with this id; KeyError if unknown."""
        for product in self.products:
            if product.id == product_id:
                return product
        raise KeyError(product_id)

    def __contains__(self, product_id: object) -> bool:
        return product_id in self.ids


def load_catalogue(path: Path) -> Catalogue:
    """Load and validate `catalogue.toml`; an error names the file, line, product and field."""
    data = read_toml(path)

    def locate(loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 2 and loc[0] == "product" and isinstance(loc[1], int):
            records: list[dict[str, Any]] = data.get("product", [])
            product_id = records[loc[1]].get("id", f"#{loc[1] + 1}")
            line = line_of(path, f'id = "{product_id}"')
            field = ".".join(map(str, loc[2:])) or "record"
            return f"line {line}: product {product_id!r}: field {field!r}"
        return ".".join(map(str, loc))

    return validate(path, Catalogue, data, locate)

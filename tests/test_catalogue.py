"""The product catalogue: what ships, and how a bad file is reported."""

import re
from pathlib import Path

import pytest

from advisor.catalogue import load_catalogue
from advisor.errors import DataFileError
from tests.conftest import PORTFOLIOS

CATALOGUE = PORTFOLIOS / "catalogue.toml"


def test_shipped_catalogue_spans_every_risk_level_and_required_product():
    catalogue = load_catalogue(CATALOGUE)
    assert len(catalogue.products) >= 16
    assert {p.risk_level for p in catalogue.products} == {1, 2, 3, 4, 5}
    kinds = {p.asset_class.value for p in catalogue.products}
    for required in (
        "cash",
        "us_short_treasury",
        "us_aggregate_bonds",
        "us_tips",
        "us_corporate_bonds",
        "multi_asset",
        "us_equity",
        "developed_ex_us_equity",
        "emerging_markets_equity",
        "us_reits",
        "commodities",
        "us_tech",
        "leveraged_equity",
        "china_equity",
        "china_government_bonds",
        "china_cash",
    ):
        assert required in kinds, required
    assert catalogue.product("us_tech_sector").risk_level == 4
    assert catalogue.product("us_equity_3x").risk_level == 5
    assert {p.jurisdiction for p in catalogue.products} == {"US", "CN"}


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = CATALOGUE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "product", "field"),
    [
        ("risk_level = 4", "risk_level = 6", "us_tech_sector", "risk_level"),
        ("expense_ratio = 0.0091", "expense_ratio = -0.01", "us_equity_3x", "expense_ratio"),
        ('ticker = "VTI"', 'ticker = ""', "us_total_market", "ticker"),
        (
            "exposures = { us_equity = 3.0, cash = -2.0 }",
            "exposures = { us_equity = 3.0 }",
            "us_equity_3x",
            "exposures",
        ),
        ('asset_class = "us_reits"', 'asset_class = "crypto"', "us_reit", "asset_class"),
    ],
)
def test_bad_product_names_the_file_line_product_and_field(tmp_path, old, new, product, field):
    path = _broken_copy(tmp_path, old, new)
    with pytest.raises(DataFileError) as error:
        load_catalogue(path)
    message = str(error.value)
    assert str(path) in message
    assert f"product {product!r}" in message
    assert f"field {field!r}" in message
    line = int(re.search(r"line (\d+)", message).group(1))
    assert f'id = "{product}"' in path.read_text().splitlines()[line - 1]


def test_duplicate_ids_and_syntax_errors_are_reported(tmp_path):
    duplicate = _broken_copy(tmp_path, 'id = "us_tips"', 'id = "us_money_market"')
    with pytest.raises(DataFileError, match="duplicate product id 'us_money_market'"):
        load_catalogue(duplicate)
    broken = _broken_copy(tmp_path, "risk_level = 1", "risk_level = = 1")
    with pytest.raises(DataFileError, match=r"catalogue\.toml.*line \d+"):
        load_catalogue(broken)
    with pytest.raises(DataFileError, match="file not found"):
        load_catalogue(tmp_path / "missing.toml")

"""Build portfolios/history_monthly.csv: real monthly asset-class returns from the arch wheel.

Usage: python portfolios/build_market_data.py [--out PATH]

Everything is read offline, through importlib.resources, from the data files inside the `arch`
package (NCSA licence, by Kevin Sheppard). The sources behind those files are cited in
portfolios/NOTICE.md, which also explains each transformation below. The output is deterministic:
the same arch version always gives the same bytes.

Columns (decimal monthly returns; empty where a source has no data, gaps are never filled):

    us_equity             Kenneth R. French Data Library Mkt-RF + RF: CRSP value-weighted US market,
                          total return.
    cash                  French RF: the 1-month US Treasury bill.
    us_high_grade_bonds   A 10-year par bond priced from Moody's seasoned AAA yield. A PROXY for
                          high-grade (aggregate-like) bonds, not the return of any index.
    us_corporate_bonds    A 20-year par bond priced from Moody's seasoned BAA yield. A proxy for
                          investment-grade corporate bonds.
    us_tech               NASDAQ Composite month-end price return. A PRICE index: dividends are
                          not included.
    commodities           WTI crude oil, change in the monthly average spot price. A commodity
                          proxy: no futures roll yield, no collateral income.
    core_inflation        Change in US core CPI (all items less food and energy, seasonally
                          adjusted).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

from advisor.data.history import HISTORY_SERIES

DEFAULT_OUT = Path(__file__).resolve().parent / "history_monthly.csv"

COLUMNS = HISTORY_SERIES  # the loader's column list is the one source of truth

# Maturities of the constant-maturity bonds priced from Moody's yields. Moody's seasoned series
# are built from long bonds (20 years and more); BAA keeps that maturity, while AAA uses 10 years
# so that its duration is nearer to that of a broad high-grade (aggregate-like) bond market.
HIGH_GRADE_MATURITY_YEARS = 10.0
CORPORATE_MATURITY_YEARS = 20.0

DECIMALS = 8


# --- bond pricing (pure) ------------------------------------------------------------------------


def par_bond_price(
    coupon: pd.Series | float, yld: pd.Series | float, years: float
) -> pd.Series | float:
    """Price, per 1 of face value, of a bond paying `coupon` semi-annually, at yield `yld`.

    Coupon and yield are annual decimals (0.05 = 5%); `years` is the remaining maturity and may be
    fractional. With semi-annual compounding, v = (1 + yld / 2) ** (-2 * years):

        price = coupon / yld * (1 - v) + v

    so a bond whose coupon equals the yield is priced at exactly 1 (par). Requires yld > 0.
    """
    discount = (1 + yld / 2) ** (-2 * years)
    return coupon / yld * (1 - discount) + discount


def par_bond_monthly_return(
    previous_yield: pd.Series | float, current_yield: pd.Series | float, maturity_years: float
) -> pd.Series | float:
    """Total return over one month of a constant-maturity par bond.

    Buy at par a bond with `maturity_years` to run, when the yield is `previous_yield` (so its
    coupon c equals that yield). A month later, reprice it at `current_yield` with
    `maturity_years - 1/12` to run, and add the month's coupon income:

        return = c / 12 + par_bond_price(c, current_yield, maturity_years - 1/12) - 1

    The first term is the income component, the rest the price component, which is negative
    exactly when the yield rose. Yields are annual decimals. This is the usual way to turn a
    constant-maturity yield series into returns (Damodaran prices his 10-year Treasury series
    the same way, annually).
    """
    income = previous_yield / 12
    price = par_bond_price(previous_yield, current_yield, maturity_years - 1 / 12)
    return income + price - 1


# --- reading arch's shipped files ----------------------------------------------------------------


def read_arch_csv(package: str, filename: str) -> pd.DataFrame:
    """Read a data file shipped in the `arch` wheel, e.g. ("frenchdata", "frenchdata.csv.gz")."""
    resource = resources.files(f"arch.data.{package}") / filename
    with resources.as_file(resource) as path:
        # utf-8-sig: crude.csv.gz starts with a byte-order mark.
        return pd.read_csv(path, encoding="utf-8-sig")


def to_months(dates: pd.Series, date_format: str) -> pd.PeriodIndex:
    """Parse source dates in an explicit format into a monthly PeriodIndex named `month`."""
    parsed = pd.to_datetime(dates.astype(str), format=date_format)
    return pd.PeriodIndex(parsed, freq="M", name="month")


def monthly_change(levels: pd.Series) -> pd.Series:
    """Month-on-month relative change of a series of levels; the first month is left empty."""
    return levels / levels.shift(1) - 1


# --- one function per source ---------------------------------------------------------------------


def french_returns() -> pd.DataFrame:
    """US total market (Mkt-RF + RF) and 1-month T-bill (RF), from percent to decimal."""
    french = read_arch_csv("frenchdata", "frenchdata.csv.gz")
    french.index = to_months(french["Date"], "%Y%m")
    return pd.DataFrame(
        {
            "us_equity": (french["Mkt-RF"] + french["RF"]) / 100,
            "cash": french["RF"] / 100,
        }
    )


def moodys_bond_returns() -> pd.DataFrame:
    """Constant-maturity par-bond returns priced from Moody's seasoned AAA and BAA yields.

    The yields are FRED's monthly series, i.e. monthly averages of daily yields, so each return
    runs from one month's average yield to the next one's.
    """
    yields = read_arch_csv("default", "default.csv.gz")
    yields.index = to_months(yields["Date"], "%m/%d/%Y")
    aaa = yields["AAA"] / 100
    baa = yields["BAA"] / 100
    return pd.DataFrame(
        {
            "us_high_grade_bonds": par_bond_monthly_return(
                aaa.shift(1), aaa, HIGH_GRADE_MATURITY_YEARS
            ),
            "us_corporate_bonds": par_bond_monthly_return(
                baa.shift(1), baa, CORPORATE_MATURITY_YEARS
            ),
        }
    )


def nasdaq_returns() -> pd.Series:
    """NASDAQ Composite price return from one month's last Adj Close to the next month's."""
    daily = read_arch_csv("nasdaq", "nasdaq.csv.gz")
    daily.index = pd.DatetimeIndex(pd.to_datetime(daily["Date"], format="%m/%d/%Y"))
    month_end = daily["Adj Close"].sort_index().groupby(daily.index.to_period("M")).last()
    month_end.index = month_end.index.rename("month")
    return monthly_change(month_end).rename("us_tech")


def wti_returns() -> pd.Series:
    """Change in the WTI monthly average spot price (arch's crude file is dated mid-month)."""
    crude = read_arch_csv("crude", "crude.csv.gz")
    crude.index = to_months(crude["Date"], "%Y-%m-%d")
    return monthly_change(crude["WTI"]).rename("commodities")


def core_inflation() -> pd.Series:
    """Month-on-month change of core CPI (FRED CPILFESL)."""
    cpi = read_arch_csv("core_cpi", "core-cpi.csv.gz")
    cpi.index = to_months(cpi["Date"], "%m/%d/%Y")
    return monthly_change(cpi["CPILFESL"]).rename("core_inflation")


# --- assembling and writing ----------------------------------------------------------------------


def build_history() -> pd.DataFrame:
    """All series on one unbroken monthly calendar, from the first to the last month with data."""
    sources = [french_returns(), moodys_bond_returns(), nasdaq_returns(), wti_returns()]
    combined = pd.concat([*sources, core_inflation()], axis=1).dropna(how="all")
    calendar = pd.period_range(combined.index.min(), combined.index.max(), freq="M", name="month")
    # Reindexing to the full calendar makes a missing month an empty row, never a silent jump.
    return combined.reindex(calendar)[list(COLUMNS)]


def to_csv_text(history: pd.DataFrame) -> str:
    """The CSV text: `month` as YYYY-MM, values rounded to a fixed number of decimals."""
    # Adding 0.0 turns a rounded -0.0 into 0.0, so tiny negatives do not print as "-0.00000000".
    rounded = history.round(DECIMALS) + 0.0
    rounded.index = pd.Index(pd.PeriodIndex(history.index).strftime("%Y-%m"), name="month")
    return rounded.to_csv(float_format=f"%.{DECIMALS}f", lineterminator="\n")


def summary(history: pd.DataFrame) -> str:
    """A few lines for the terminal: row count and the first and last month of each column."""
    lines = [
        f"{len(history)} months, {history.index.min()} to {history.index.max()}"
        f" (from arch {metadata.version('arch')})"
    ]
    for column in history.columns:
        present = history[column].dropna()
        lines.append(f"  {column:<20} {present.index.min()} to {present.index.max()}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Build the history and write it to --out (default portfolios/history_monthly.csv)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV file to write")
    args = parser.parse_args(argv)

    history = build_history()
    if np.isinf(history.to_numpy()).any():
        raise SystemExit("a source produced an infinite return; refusing to write the file")
    args.out.write_text(to_csv_text(history), encoding="utf-8", newline="\n")
    print(f"wrote {args.out}")
    print(summary(history))
    return 0


if __name__ == "__main__":
    sys.exit(main())

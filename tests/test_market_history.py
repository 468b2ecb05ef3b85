"""The real monthly history: built from arch's shipped data, statistically sane, strictly loaded."""

import importlib.util
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from advisor.data.history import HISTORY_SERIES, common_window, load_history
from advisor.errors import DataFileError

PORTFOLIOS = Path(__file__).resolve().parent.parent / "portfolios"
BUILD_SCRIPT = PORTFOLIOS / "build_market_data.py"
COMMITTED = PORTFOLIOS / "history_monthly.csv"


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    return load_history(COMMITTED)


@pytest.fixture(scope="module")
def builder() -> ModuleType:
    """The build script imported as a module, to test its pure bond-pricing functions."""
    spec = importlib.util.spec_from_file_location("build_market_data", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def months(history: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    return history.loc[pd.Period(first, "M") : pd.Period(last, "M")]


# --- the committed file is the build script's output ---------------------------------------------


def test_build_script_reproduces_the_committed_file(tmp_path: Path) -> None:
    out = tmp_path / "history.csv"
    run = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert out.read_bytes() == COMMITTED.read_bytes()
    assert "us_tech              1999-02 to 2018-12" in run.stdout


def test_committed_file_loads_as_monthly_floats(history: pd.DataFrame) -> None:
    assert tuple(history.columns) == HISTORY_SERIES
    assert isinstance(history.index, pd.PeriodIndex)
    assert history.index.freqstr == "M" and history.index.name == "month"
    assert (history.dtypes == np.float64).all()
    assert history.index.is_monotonic_increasing and history.index.is_unique


def test_each_series_covers_what_its_source_covers(history: pd.DataFrame) -> None:
    coverage = {
        column: (str(present.index[0]), str(present.index[-1]))
        for column, present in ((column, history[column].dropna()) for column in history)
    }
    assert coverage == {
        "us_equity": ("1926-07", "2018-11"),
        "cash": ("1926-07", "2018-11"),
        "us_high_grade_bonds": ("1919-02", "2018-12"),
        "us_corporate_bonds": ("1919-02", "2018-12"),
        "us_tech": ("1999-02", "2018-12"),
        "commodities": ("1987-06", "2020-01"),
        "core_inflation": ("1957-02", "2018-11"),
    }
    # Gaps are never filled: inside each span every month has a value, outside none does.
    for column, (first, last) in coverage.items():
        assert months(history, first, last)[column].notna().all(), column
        assert history[column].notna().sum() == len(months(history, first, last)), column


# --- statistics agree with independently computed figures (market-data.md §1c) -----------------


def test_us_market_and_t_bill_statistics_match_the_research_note(history: pd.DataFrame) -> None:
    french_era = months(history, "1926-07", "2018-11")
    equity = french_era["us_equity"]
    assert equity.mean() * 12 == pytest.approx(0.1121, abs=5e-4)
    assert equity.std() * math.sqrt(12) == pytest.approx(0.1842, abs=5e-4)
    assert french_era["cash"].mean() * 12 == pytest.approx(0.0329, abs=5e-4)


def test_other_series_have_plausible_annual_figures(history: pd.DataFrame) -> None:
    annual_mean = history.mean() * 12
    annual_volatility = history.std() * math.sqrt(12)
    assert 0.04 < annual_mean["us_high_grade_bonds"] < annual_mean["us_corporate_bonds"] < 0.09
    assert annual_volatility["cash"] < annual_volatility["us_high_grade_bonds"]
    assert annual_volatility["us_high_grade_bonds"] < annual_volatility["us_equity"]
    assert 0.02 < annual_mean["core_inflation"] < 0.05
    tech_era = common_window(history, ["us_equity", "us_tech"])
    assert tech_era.corr().loc["us_equity", "us_tech"] > 0.8


# --- bond returns ---------------------------------------------------------------------------------


def test_baa_bonds_earn_more_than_aaa_bonds_over_the_same_months(history: pd.DataFrame) -> None:
    both = common_window(history, ["us_high_grade_bonds", "us_corporate_bonds"])
    assert len(both) == 1199
    assert both["us_corporate_bonds"].mean() > both["us_high_grade_bonds"].mean()


def test_par_bond_price_matches_a_textbook_value(builder: ModuleType) -> None:
    # 5% semi-annual coupon, 10 years, 6% yield: 2.5 * a(20, 3%) + 100 * 1.03**-20 = 92.5613.
    assert builder.par_bond_price(0.05, 0.06, 10.0) == pytest.approx(0.925613, abs=1e-6)
    assert builder.par_bond_price(0.07, 0.07, 9.5) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("new_yield", "price_sign"),
    [(0.06, -1.0), (0.05, 0.0), (0.04, 1.0)],
    ids=["up", "flat", "down"],
)
def test_price_component_moves_against_the_yield(
    builder: ModuleType, new_yield: float, price_sign: float
) -> None:
    income = 0.05 / 12
    price_component = builder.par_bond_monthly_return(0.05, new_yield, 10.0) - income
    assert np.sign(round(price_component, 12)) == price_sign


def test_months_with_rising_aaa_yield_have_a_negative_price_component(
    history: pd.DataFrame,
) -> None:
    from arch.data import default  # arch's own loader, independent of the build script

    aaa = default.load()["AAA"] / 100
    aaa.index = aaa.index.to_period("M")
    previous = aaa.shift(1).reindex(history.index)
    aaa = aaa.reindex(history.index)
    rose = aaa > previous
    price_component = history["us_high_grade_bonds"] - previous / 12
    assert rose.sum() > 400
    assert (price_component[rose] < 0).all()
    assert (price_component[aaa < previous] > 0).all()


# --- common_window -------------------------------------------------------------------------------


def test_common_window_of_nasdaq_starts_with_its_first_full_month(history: pd.DataFrame) -> None:
    # The NASDAQ file starts on 1999-01-04, the first trading day of 1999, so January 1999 has a
    # month-end close and the first monthly return is February's.
    tech = common_window(history, "us_tech")
    assert (str(tech.index[0]), str(tech.index[-1]), len(tech)) == ("1999-02", "2018-12", 239)
    with_market = common_window(history, ["us_equity", "us_tech"])
    assert (str(with_market.index[0]), str(with_market.index[-1])) == ("1999-02", "2018-11")
    assert list(with_market.columns) == ["us_equity", "us_tech"]
    assert with_market.notna().all().all()


def test_common_window_of_every_series_is_the_nasdaq_era(history: pd.DataFrame) -> None:
    everything = common_window(history, HISTORY_SERIES)
    assert (str(everything.index[0]), str(everything.index[-1])) == ("1999-02", "2018-11")


def test_common_window_picks_the_longest_unbroken_run() -> None:
    index = pd.period_range("2000-01", periods=8, freq="M", name="month")
    frame = pd.DataFrame(
        {"a": [0.1, 0.1, None, 0.1, 0.1, 0.1, None, 0.1], "b": [0.2] * 8}, index=index
    )
    window = common_window(frame, ["a", "b"])
    assert [str(month) for month in window.index] == ["2000-04", "2000-05", "2000-06"]


def test_common_window_rejects_unknown_columns(history: pd.DataFrame) -> None:
    with pytest.raises(KeyError, match="gold"):
        common_window(history, ["us_equity", "gold"])


# --- the loader names the file, the line and the column -----------------------------------------

HEADER = ",".join(("month", *HISTORY_SERIES))


def good_rows() -> list[str]:
    values = ",".join(["0.01"] * len(HISTORY_SERIES))
    return [f"2000-0{month},{values}" for month in (1, 2, 3)]


ROWS = good_rows()


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "history.csv"
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def with_cell(position: int, column: str, text: str) -> list[str]:
    """The lines of the good file with one cell of data row `position` replaced."""
    rows = [row.split(",") for row in ROWS]
    rows[position][("month", *HISTORY_SERIES).index(column)] = text
    return [HEADER, *(",".join(row) for row in rows)]


def test_a_small_valid_file_loads_with_empty_cells_as_nan(tmp_path: Path) -> None:
    history = load_history(write(tmp_path, with_cell(1, "us_equity", "")))
    assert history.shape == (3, len(HISTORY_SERIES))
    assert math.isnan(history.loc[pd.Period("2000-02", "M"), "us_equity"])
    assert history.loc[pd.Period("2000-03", "M"), "us_equity"] == 0.01


BAD_FILES = [
    # (file lines, expected line, expected column, expected wording)
    pytest.param(
        [HEADER + ",gold", *(row + ",0.0" for row in ROWS)],
        1,
        "gold",
        "unknown",
        id="unknown column",
    ),
    pytest.param(
        [HEADER.removesuffix(",core_inflation"), *(row.rsplit(",", 1)[0] for row in ROWS)],
        1,
        "core_inflation",
        "missing",
        id="missing column",
    ),
    pytest.param(with_cell(1, "cash", "abc"), 3, "cash", "not a number", id="bad value"),
    pytest.param(with_cell(2, "us_tech", "inf"), 4, "us_tech", "not a number", id="infinite"),
    pytest.param(with_cell(1, "month", "2000/02"), 3, "month", "YYYY-MM", id="bad month"),
    pytest.param(with_cell(0, "month", "2000-13"), 2, "month", "YYYY-MM", id="impossible month"),
    pytest.param([HEADER, *ROWS[:2], ROWS[1]], 4, "month", "twice", id="duplicate month"),
    pytest.param([HEADER, *ROWS[:2], ROWS[0]], 4, "month", "must increase", id="backwards"),
    pytest.param([HEADER, ROWS[0], ROWS[2]], 3, "month", "missing", id="month skipped"),
    pytest.param(with_cell(2, "commodities", "-1.0"), 4, "commodities", "-100%", id="total loss"),
    pytest.param([HEADER, ROWS[0], "", *ROWS[1:]], 3, "month", "missing", id="blank line"),
    pytest.param(
        [HEADER + ",cash", *(row + ",0.0" for row in ROWS)],
        1,
        "cash",
        "twice",
        id="repeated column",
    ),
    pytest.param(
        [HEADER, ROWS[0], ROWS[1].rsplit(",", 1)[0], ROWS[2]],
        3,
        "core_inflation",
        "missing",
        id="short line",
    ),
]


@pytest.mark.parametrize(("lines", "line", "column", "wording"), BAD_FILES)
def test_bad_files_are_reported_by_file_line_and_column(
    tmp_path: Path, lines: list[str], line: int, column: str, wording: str
) -> None:
    path = write(tmp_path, lines)
    with pytest.raises(DataFileError) as caught:
        load_history(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"line {line}," in message
    assert f"column '{column}'" in message
    assert wording in message


@pytest.mark.parametrize(
    ("lines", "wording"),
    [
        pytest.param([HEADER, ROWS[0] + ",0.0", *ROWS[1:]], "line 2", id="long line"),
        pytest.param([HEADER], "no months", id="header only"),
        pytest.param([], "not a readable CSV", id="empty file"),
    ],
)
def test_unreadable_files_are_named(tmp_path: Path, lines: list[str], wording: str) -> None:
    path = write(tmp_path, lines)
    with pytest.raises(DataFileError, match=wording) as caught:
        load_history(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    with pytest.raises(DataFileError, match="not found") as caught:
        load_history(path)
    assert str(path) in str(caught.value)

"""The real monthly history of asset-class returns (portfolios/history_monthly.csv).

The file is built by portfolios/build_market_data.py from data shipped inside the `arch` wheel;
portfolios/NOTICE.md names the sources and the proxy assumptions. This module reads it, checks
every cell, and hands the engine a float DataFrame indexed by month. A bad file raises
`DataFileError` naming the file, the line (the header is line 1) and the column.
"""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from advisor.errors import DataFileError

MONTH_COLUMN = "month"

HISTORY_SERIES: tuple[str, ...] = (
    "us_equity",
    "cash",
    "us_high_grade_bonds",
    "us_corporate_bonds",
    "us_tech",
    "commodities",
    "core_inflation",
)

_HEADER_LINE = 1
_MONTH_PATTERN = r"\d{4}-\d{2}"


def load_history(path: Path) -> pd.DataFrame:
    """Read and validate a monthly history file.

    Returns decimal monthly returns as floats, one column per name in `HISTORY_SERIES` (in that
    order), indexed by a monthly `PeriodIndex` named `month`. An empty cell means the source has
    no data for that month and becomes NaN; nothing is filled in.

    Raises `DataFileError` if the file is missing or unreadable, a column is missing or unknown,
    a line has too many or too few fields, a month or value does not parse, months repeat, go
    backwards or skip a month, or a return is -100% or less.
    """
    cells = _read_cells(path)
    _check_header(path, list(cells.columns))
    if cells.empty:
        raise DataFileError(f"{path}: the file has a header but no months")
    months = _parse_months(path, cells[MONTH_COLUMN])
    _check_consecutive(path, months)
    returns = {name: _parse_returns(path, name, cells[name]) for name in HISTORY_SERIES}
    return pd.DataFrame(returns, index=months, dtype=float)


def common_window(history: pd.DataFrame, columns: str | Sequence[str]) -> pd.DataFrame:
    """The given columns over the longest unbroken run of months in which all of them have data.

    For example `common_window(history, ["us_equity", "us_tech"])` gives the months both series
    cover, with no gaps, ready for a covariance estimate. Ties go to the earliest run; if the
    columns never overlap, the result is empty. Raises `KeyError` for a column not in `history`
    and `ValueError` if no column is given.
    """
    names = [columns] if isinstance(columns, str) else list(columns)
    if not names:
        raise ValueError("common_window needs at least one column")
    unknown = [name for name in names if name not in history.columns]
    if unknown:
        raise KeyError(f"not in the history: {', '.join(unknown)}")

    selected = history[names]
    complete = selected[selected.notna().all(axis=1)]
    if complete.empty:
        return complete
    start, stop = _longest_run(_month_numbers(pd.PeriodIndex(complete.index)))
    return complete.iloc[start:stop]


# --- reading -------------------------------------------------------------------------------------


def _read_cells(path: Path) -> pd.DataFrame:
    """Every data cell as text: "" for an empty cell, NaN for a field the line does not have."""
    if not path.is_file():
        raise DataFileError(f"{path}: history file not found")
    try:
        # Reading the header as a row, with the python engine, keeps three promises: a line with
        # too many fields is an error naming its line, a short line gives NaN rather than "", and
        # blank lines are kept, so data row i is always line i + 2.
        rows = pd.read_csv(
            path,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            engine="python",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: not a readable CSV file ({error})") from error
    header = rows.iloc[0].fillna("").astype(str).tolist()
    return rows.iloc[1:].set_axis(header, axis=1).reset_index(drop=True)


def _check_header(path: Path, header: list[str]) -> None:
    expected = [MONTH_COLUMN, *HISTORY_SERIES]
    for position, name in enumerate(header):
        if name not in expected:
            raise _cell_error(path, _HEADER_LINE, name, "unknown column")
        if name in header[:position]:
            raise _cell_error(path, _HEADER_LINE, name, "column appears twice")
    for name in expected:
        if name not in header:
            raise _cell_error(path, _HEADER_LINE, name, "column is missing")


def _parse_months(path: Path, text: pd.Series) -> pd.PeriodIndex:
    absent = text.isna()
    malformed = ~text.fillna("").str.fullmatch(_MONTH_PATTERN)
    parsed = pd.to_datetime(text.where(~malformed), format="%Y-%m", errors="coerce")
    position = _first(absent | malformed | parsed.isna())
    if position is not None:
        if absent.iloc[position]:
            problem = "field is missing (blank or short line)"
        else:
            problem = _quoted(text, position, "is not a YYYY-MM month")
        raise _cell_error(path, _line(position), MONTH_COLUMN, problem)
    return pd.PeriodIndex(parsed, freq="M", name=MONTH_COLUMN)


def _check_consecutive(path: Path, months: pd.PeriodIndex) -> None:
    """Months must run forward one at a time, so that each row is the month after the last."""
    steps = np.diff(_month_numbers(months))
    bad_step = _first(steps != 1)
    if bad_step is not None:
        step, position = steps[bad_step], bad_step + 1
        month, previous = months[position], months[position - 1]
        if step == 0:
            problem = f"month {month} appears twice"
        elif step < 0:
            problem = f"month {month} comes after {previous}: months must increase"
        else:
            problem = f"month {month} follows {previous}: the months in between are missing"
        raise _cell_error(path, _line(position), MONTH_COLUMN, problem)


def _parse_returns(path: Path, column: str, text: pd.Series) -> npt.NDArray[np.float64]:
    """Decimal returns from text; an empty cell is missing data (NaN)."""
    absent = text.isna()
    empty = text.fillna("").str.strip() == ""
    values = pd.to_numeric(text.where(~empty), errors="coerce").astype(float)
    unparseable = ~empty & (values.isna() | np.isinf(values))
    position = _first(absent | unparseable | (values <= -1))
    if position is not None:
        if absent.iloc[position]:
            problem = "field is missing (the line has too few values)"
        elif unparseable.iloc[position]:
            problem = _quoted(text, position, "is not a number")
        else:
            problem = _quoted(text, position, "is a return of -100% or less")
        raise _cell_error(path, _line(position), column, problem)
    return np.asarray(values, dtype=np.float64)


# --- small helpers -------------------------------------------------------------------------------


def _first(mask: pd.Series | npt.NDArray[np.bool_]) -> int | None:
    """Position of the first True in `mask`, or None if there is none."""
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


def _line(position: int) -> int:
    """File line of a data row: the header is line 1, so row 0 is line 2."""
    return position + 2


def _cell_error(path: Path, line: int, column: str, problem: str) -> DataFileError:
    return DataFileError(f"{path}: line {line}, column '{column}': {problem}")


def _quoted(text: pd.Series, position: int, problem: str) -> str:
    return f"{text.iloc[position]!r} {problem}"


def _month_numbers(months: pd.PeriodIndex) -> npt.NDArray[np.int64]:
    """Months as consecutive integers (year * 12 + month), so that gaps show up as steps > 1."""
    return np.asarray(months.year * 12 + months.month, dtype=np.int64)


def _longest_run(numbers: npt.NDArray[np.int64]) -> tuple[int, int]:
    """Start and stop positions of the longest run of consecutive integers (earliest on ties)."""
    breaks = np.flatnonzero(np.diff(numbers) != 1) + 1
    starts = np.concatenate(([0], breaks))
    stops = np.concatenate((breaks, [len(numbers)]))
    longest = int(np.argmax(stops - starts))
    return int(starts[longest]), int(stops[longest])

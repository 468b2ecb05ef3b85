"""Holdings in, trades out: the CSV edge of batch rebalancing.

HOLDINGS.csv has one row per holding: `account_id,risk_level,product_id,value`, with uninvested
cash as product `CASH`, and optionally `last_rebalanced` (YYYY-MM-DD, may be empty) for the
calendar check. TRADES.csv has `account_id,product_id,trade_value,target_weight`, one row per
trade; each traded account also gets a `CASH` row with the net cash movement, so an account's
trade values sum to zero.

Trades are never computed from part of an account: an account with a bad row is skipped whole,
and every one of its rows is reported with its line number.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from advisor.catalogue import Catalogue
from advisor.engine.account_rebalance import AccountBook, TradePlan
from advisor.errors import DataFileError

CASH = "CASH"
HOLDINGS_COLUMNS = ("account_id", "risk_level", "product_id", "value")
OPTIONAL_COLUMNS = ("last_rebalanced",)
TRADES_COLUMNS = ("account_id", "product_id", "trade_value", "target_weight")


@dataclass(frozen=True)
class RowProblem:
    """A holdings row that was skipped, and why."""

    line: int
    field: str
    message: str

    def describe(self, path: Path) -> str:
        """`file:line: field 'x': problem; row skipped`."""
        return f"{path}:{self.line}: field {self.field!r}: {self.message}; row skipped"


def read_holdings(
    path: Path, catalogue: Catalogue, as_of: date | None = None
) -> tuple[AccountBook, list[RowProblem]]:
    """Parse and validate a holdings file as of a date (default today). Bad rows are returned as
    problems; the accounts they belong to are left out whole, each of their rows reported."""
    frame = _read_text_columns(path)
    today = pd.Timestamp(as_of or date.today())
    lines = pd.Series(np.arange(len(frame)) + 2, index=frame.index)  # header is line 1
    problems: list[RowProblem] = []

    def reject(mask: pd.Series, field: str, message: pd.Series | str) -> None:
        nonlocal frame
        for index in frame.index[mask]:
            text = message if isinstance(message, str) else message[index]
            problems.append(RowProblem(int(lines[index]), field, text))
        frame = frame[~mask]

    reject(frame["account_id"].str.strip() == "", "account_id", "empty account id")
    accounts_with_bad_rows: dict[str, int] = {}

    def reject_rows(mask: pd.Series, field: str, message: pd.Series) -> None:
        for index in frame.index[mask]:
            accounts_with_bad_rows.setdefault(str(frame.at[index, "account_id"]), int(lines[index]))
        reject(mask, field, message)

    risk = pd.to_numeric(frame["risk_level"], errors="coerce")
    reject_rows(
        ~risk.isin([1, 2, 3, 4, 5]),
        "risk_level",
        "risk level " + frame["risk_level"].map(repr) + " is not an integer from 1 to 5",
    )
    reject_rows(
        ~frame["product_id"].isin(set(catalogue.ids) | {CASH}),
        "product_id",
        "unknown product " + frame["product_id"].map(repr),
    )
    value = pd.to_numeric(frame["value"], errors="coerce")
    reject_rows(
        ~(np.isfinite(value) & (value >= 0)),
        "value",
        "value " + frame["value"].map(repr) + " is not a finite number >= 0",
    )
    rebalanced = pd.to_datetime(frame["last_rebalanced"], format="%Y-%m-%d", errors="coerce")
    reject_rows(
        (frame["last_rebalanced"] != "") & (rebalanced.isna() | (rebalanced > today)),
        "last_rebalanced",
        "date " + frame["last_rebalanced"].map(repr) + " is not a past YYYY-MM-DD date",
    )
    first_bad_line = frame["account_id"].map(accounts_with_bad_rows)
    reject(
        first_bad_line.notna(),
        "account_id",
        "account "
        + frame["account_id"].map(repr)
        + " has a bad row on line "
        + first_bad_line.fillna(0).astype(int).astype(str)
        + ", so none of its rows is used",
    )
    for field in ("risk_level", "last_rebalanced"):
        disagree = frame.groupby("account_id")[field].transform("nunique") > 1
        reject(
            disagree,
            field,
            "rows of account " + frame["account_id"].map(repr) + f" disagree on its {field}",
        )
    problems.sort(key=lambda problem: problem.line)
    return _book(frame, catalogue, today), problems


def write_trades(path: Path, book: AccountBook, plan: TradePlan, catalogue: Catalogue) -> int:
    """Write the trade list, accounts in input order and products in catalogue order with `CASH`
    last; atomically (temp file, then rename). Returns the number of rows written."""
    product_ids = np.array([*catalogue.ids, CASH])
    net_cash = -plan.trades.sum(axis=1)
    cash_weight = np.divide(
        book.cash + net_cash, book.totals, out=np.zeros_like(net_cash), where=book.totals > 0
    )
    trades = np.column_stack([plan.trades, np.where(plan.rebalanced, net_cash, 0.0)]).round(2)
    targets = np.column_stack([plan.target_weights, cash_weight]).round(6)
    rows, columns = np.nonzero(trades)  # row-major: accounts in order, then products in order
    output = pd.DataFrame(
        {
            "account_id": np.array(book.account_ids)[rows],
            "product_id": product_ids[columns],
            "trade_value": trades[rows, columns] + 0.0,  # + 0.0 turns -0.0 into 0.0
            "target_weight": targets[rows, columns] + 0.0,
        }
    )
    temporary = path.with_name(path.name + ".tmp")
    try:
        output.to_csv(temporary, index=False, columns=list(TRADES_COLUMNS))
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise DataFileError(f"{path}: cannot be written ({error.strerror or error})") from None
    return len(output)


def _read_text_columns(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except OSError as error:
        raise DataFileError(f"{path}: cannot be read ({error.strerror or error})") from None
    except pd.errors.EmptyDataError:
        raise DataFileError(f"{path}: the file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as error:
        raise DataFileError(f"{path}: not a readable CSV file ({error})") from None
    missing = [column for column in HOLDINGS_COLUMNS if column not in frame.columns]
    if missing:
        expected = ",".join(HOLDINGS_COLUMNS)
        raise DataFileError(
            f"{path}:1: missing column(s) {', '.join(missing)}; expected {expected}"
        )
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return frame[[*HOLDINGS_COLUMNS, *OPTIONAL_COLUMNS]]


def _book(frame: pd.DataFrame, catalogue: Catalogue, today: pd.Timestamp) -> AccountBook:
    account_ids, account_codes = np.unique(frame["account_id"].to_numpy(), return_inverse=True)
    # Keep accounts in order of first appearance, as a reader of the file would expect.
    first_seen = np.full(len(account_ids), len(frame))
    np.minimum.at(first_seen, account_codes, np.arange(len(frame)))
    order = np.argsort(first_seen)
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    rows = position[account_codes]

    values = np.zeros((len(account_ids), len(catalogue.ids)))
    cash = np.zeros(len(account_ids))
    risk_levels = np.zeros(len(account_ids), dtype=np.int64)
    amount = pd.to_numeric(frame["value"]).to_numpy(dtype=float)
    product_ids = frame["product_id"].to_numpy()
    is_cash = product_ids == CASH
    index_of = {product_id: i for i, product_id in enumerate(catalogue.ids)}
    columns = np.array([index_of.get(product_id, -1) for product_id in product_ids], dtype=int)
    # Several rows for one product (e.g. tax lots) add up.
    np.add.at(values, (rows[~is_cash], columns[~is_cash]), amount[~is_cash])
    np.add.at(cash, rows[is_cash], amount[is_cash])
    risk_levels[rows] = pd.to_numeric(frame["risk_level"]).to_numpy(dtype=np.int64)
    months_since = np.zeros(len(account_ids), dtype=np.int64)  # unknown: no calendar check
    rebalanced = pd.to_datetime(frame["last_rebalanced"], format="%Y-%m-%d", errors="coerce")
    known = rebalanced.notna().to_numpy()
    months_since[rows[known]] = [_whole_months(when, today) for when in rebalanced[known]]
    return AccountBook(
        account_ids=tuple(str(account) for account in account_ids[order]),
        risk_levels=risk_levels,
        values=values,
        cash=cash,
        months_since_rebalance=months_since,
    )


def _whole_months(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Completed months from `start` to `end` (2026-01-31 to 2026-02-28 is 0, to 03-31 is 2)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)

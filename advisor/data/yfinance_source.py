"""Live prices from Yahoo Finance, cached on disk and validated before the engine sees them.

Selected with `ADVISOR_MARKET_DATA=yfinance`; the default is the embedded data, which needs no
network. Three rules govern what reaches the caller.

Freshness
    A bar is the close at the end of a period (a calendar month for `1mo`, a Monday-to-Sunday week
    for `1wk`), labelled by the period's first day as yfinance labels it. A request from `start`
    to `end` covers the complete bars whose period ends inside `[start, min(end, today))`; the bar
    in progress is never used. A ticker's cache is fresh when it reaches back to the first of
    those bars (or Yahoo was already asked for that far back and had nothing older) and holds the
    last one. Fresh tickers are not downloaded, so for `1mo` each ticker is downloaded at most
    once a month.

Validation
    A download is rejected for a ticker, and that ticker's cache left exactly as it was, when,
    from its first bar to the last requested bar, it has a missing bar or NaN, a zero or negative
    price, a one-bar move below -90% or above +500% (no fund in the catalogue moves like that in
    a bar; a data error such as a 100x unit mix-up does), or when it now starts later than the
    cached history did.

Cache
    One parquet file per ticker and interval (`VTI.1mo.parquet`) with a `close` column. A good
    download replaces the ticker's file whole instead of appending to it, because adjusted closes
    are restated after every dividend and split: splicing old and new would fake a return at the
    seam. Files are written to a temporary file and moved into place with `os.replace`, so a
    crash never leaves a half-written cache.
"""

import logging
import os
import re
import tempfile
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Final, Literal, Protocol

import numpy as np
import pandas as pd

from advisor.errors import MarketDataUnavailable

Interval = Literal["1mo", "1wk"]

MAX_ONE_BAR_FALL: Final = -0.90
"""A one-bar return below this (-90%) is taken as a data error, not a market move."""

MAX_ONE_BAR_RISE: Final = 5.00
"""A one-bar return above this (+500%) is taken as a data error, not a market move."""

DOWNLOAD_TIMEOUT_SECONDS: Final = 10.0
REFRESH_HISTORY_YEARS: Final = 20
"""How far back `YFinanceSource.refresh` fills the cache when no start is given."""

_PERIOD_FREQUENCY: Final = MappingProxyType({"1mo": "M", "1wk": "W-SUN"})
_TICKER_SYMBOL: Final = re.compile(r"\^?[A-Z0-9][A-Z0-9.=-]*")  # also names the cache file
_HISTORY_FROM: Final = "history_from"  # parquet metadata: how far back Yahoo was asked
_MAX_REASON_CHARS: Final = 160
_DATES_SHOWN: Final = 3


class Download(Protocol):
    """Fetches bars shaped like `yfinance.download`: (field, ticker) columns, one row per bar."""

    def __call__(
        self, tickers: Sequence[str], *, start: date, end: date, interval: Interval
    ) -> pd.DataFrame: ...


WriteParquet = Callable[[pd.DataFrame, Path], None]


def download_from_yahoo(
    tickers: Sequence[str], *, start: date, end: date, interval: Interval
) -> pd.DataFrame:
    """Download adjusted bars for `tickers` from Yahoo Finance, `start` inclusive, `end` exclusive.

    yfinance catches network errors per ticker and leaves that ticker's columns empty, so a dead
    network comes back as an empty frame, which `YFinanceSource` reports as unavailable.
    """
    import yfinance as yf  # imported on first use: the offline default never loads it

    # yfinance logs every failed ticker and pandas deprecations to stderr; the outcome reaches the
    # user once, as a Problem or MarketDataUnavailable, so its own chatter is silenced here.
    yfinance_log = logging.getLogger("yfinance")
    level = yfinance_log.level
    yfinance_log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame: pd.DataFrame | None = yf.download(
                list(tickers),
                start=start.isoformat(),
                end=end.isoformat(),
                interval=interval,
                auto_adjust=True,  # "Close" is then adjusted for splits and dividends
                progress=False,
                threads=False,
                timeout=DOWNLOAD_TIMEOUT_SECONDS,
                multi_level_index=True,  # (field, ticker) columns even for a single ticker
            )
    finally:
        yfinance_log.setLevel(level)
    return pd.DataFrame() if frame is None else frame


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write `frame` to `path` and flush it to disk, so a rename after it publishes whole data."""
    frame.to_parquet(path)
    with path.open("rb") as written:
        os.fsync(written.fileno())


class Status(StrEnum):
    """What a refresh did for one ticker."""

    UPDATED = "updated"  # downloaded, validated and cached
    CACHED = "cached"  # the cache was fresh, nothing was downloaded
    REJECTED = "rejected"  # the download failed validation; the cache was kept
    UNAVAILABLE = "unavailable"  # nothing usable was downloaded; the cache was kept


@dataclass(frozen=True)
class Problem:
    """Something wrong with one ticker's data, in words a user can act on."""

    ticker: str
    message: str

    def __str__(self) -> str:
        return f"{self.ticker}: {self.message}"


@dataclass(frozen=True)
class PriceHistory:
    """Adjusted closes: one column per ticker, one row per complete bar, no NaN, all positive.

    The rows are the bars every ticker has. `problems` says what was wrong on the way (a rejected
    download, a stale cache served instead, a ticker whose history starts late) and is empty when
    the prices are exactly what was asked for.
    """

    prices: pd.DataFrame
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class TickerRefresh:
    """The outcome of a refresh for one ticker."""

    ticker: str
    status: Status
    cached_through: date | None  # the last bar in the cache afterwards
    reason: str | None = None  # why the data was rejected or unavailable

    def __str__(self) -> str:
        through = f"cached through {self.cached_through}" if self.cached_through else "no cache"
        because = f": {self.reason}" if self.reason else ""
        return f"{self.ticker}: {self.status}{because} ({through})"


@dataclass(frozen=True)
class RefreshReport:
    """What `advisor data refresh` did, one entry per ticker in the order asked."""

    tickers: tuple[TickerRefresh, ...]

    @property
    def any_updated(self) -> bool:
        """Whether any ticker got new data."""
        return any(ticker.status is Status.UPDATED for ticker in self.tickers)

    def as_text(self) -> str:
        """One line per ticker, for the terminal."""
        return "\n".join(str(ticker) for ticker in self.tickers)

    def __str__(self) -> str:
        return self.as_text()


@dataclass(frozen=True)
class _Window:
    """A run of complete bars, labelled `first` to `last` inclusive."""

    frequency: str
    first: pd.Timestamp
    last: pd.Timestamp

    @classmethod
    def between(cls, start: date, end: date, interval: Interval, today: date) -> "_Window":
        """The complete bars whose period ends inside `[start, min(end, today))`."""
        frequency = _PERIOD_FREQUENCY[interval]
        horizon = min(end, today)
        first = pd.Period(start, freq=frequency)
        last = pd.Period(horizon, freq=frequency) - 1  # the period holding the horizon is open
        if last < first:
            raise ValueError(f"No complete {interval} bar between {start} and {horizon}.")
        return cls(frequency, first.start_time, last.start_time)

    def widened_to(self, caches: Iterable["_Cached"]) -> "_Window":
        """This window stretched to everything the caches hold, so a download never shrinks one."""
        firsts = [self.first, *(cache.history_from for cache in caches)]
        lasts = [self.last, *(cache.last_bar for cache in caches)]
        return _Window(self.frequency, min(firsts), max(lasts))

    def labels(self, first: pd.Timestamp | None = None) -> pd.DatetimeIndex:
        """Every bar label from `first` (default: the window's first) to the window's last."""
        start = pd.Period(self.first if first is None else first, freq=self.frequency)
        end = pd.Period(self.last, freq=self.frequency)
        return pd.period_range(start, end).to_timestamp(how="start")

    @property
    def end(self) -> date:
        """The exclusive end to ask Yahoo for: the start of the period after the last bar."""
        return (pd.Period(self.last, freq=self.frequency) + 1).start_time.date()


@dataclass(frozen=True)
class _Cached:
    """A ticker's validated closes and how far back Yahoo was asked for them."""

    closes: pd.Series
    history_from: pd.Timestamp

    @property
    def last_bar(self) -> pd.Timestamp:
        return pd.Timestamp(self.closes.index[-1])

    def is_fresh_for(self, window: _Window) -> bool:
        """Holds every bar of the window that exists: no download needed."""
        return self.history_from <= window.first and self.last_bar >= window.last

    def can_stand_in_for(self, window: _Window) -> bool:
        """Reaches back to the window's start, possibly ending early: usable if live data fails."""
        return self.history_from <= window.first and self.last_bar >= window.first


@dataclass(frozen=True)
class _Outcome:
    """What syncing did for one ticker, and the cache it left behind."""

    ticker: str
    status: Status
    cache: _Cached | None
    reason: str | None = None


@dataclass(frozen=True)
class _ParquetCache:
    """One parquet file of closes per ticker and interval, replaced atomically."""

    directory: Path
    write: WriteParquet

    def path(self, ticker: str, interval: Interval) -> Path:
        return self.directory / f"{ticker}.{interval}.parquet"

    def read(self, ticker: str, interval: Interval) -> _Cached | None:
        """The cached closes, or None when there is no usable file."""
        try:
            frame = pd.read_parquet(self.path(ticker, interval))
            closes = frame["close"]
            history_from = pd.Timestamp(frame.attrs[_HISTORY_FROM])
        except (OSError, ValueError, KeyError):
            return None  # missing or damaged: treated as absent, so it is downloaded again
        frequency = _PERIOD_FREQUENCY[interval]
        closes = _label_by_period(closes, frequency).dropna()
        if closes.empty or not _clean(closes, frequency):
            # Only validated prices are written, so bad ones mean the file was damaged or edited:
            # treated as absent too, never served.
            return None
        return _Cached(closes, history_from)

    def store(self, ticker: str, interval: Interval, cache: _Cached) -> None:
        frame = cache.closes.rename("close").to_frame()
        frame.index.name = "date"
        frame.attrs[_HISTORY_FROM] = cache.history_from.isoformat()
        _replace_atomically(self.path(ticker, interval), frame, self.write)


class YFinanceSource:
    """Adjusted closes from Yahoo Finance through an on-disk parquet cache.

    `download` is the network edge (tests replace it with recorded responses), `write` writes
    one parquet file, and `today` is the clock that decides which bars are complete.
    """

    def __init__(
        self,
        cache_dir: Path,
        *,
        download: Download = download_from_yahoo,
        write: WriteParquet = write_parquet,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._cache = _ParquetCache(cache_dir, write)
        self._download = download
        self._today = today

    def fetch(
        self, tickers: Sequence[str], start: date, end: date, interval: Interval = "1mo"
    ) -> PriceHistory:
        """Adjusted closes of the complete bars from `start` to `end` (exclusive) for `tickers`.

        Serves the cache when fresh and downloads the rest. When live data for a ticker is
        rejected or unavailable, its cache stands in if it reaches back to `start`, with a
        problem noted. Raises `MarketDataUnavailable` when some ticker has no usable prices,
        so the caller can fall back to the embedded data.
        """
        window = _Window.between(start, end, interval, self._today())
        outcomes = self._sync(_symbols(tickers), window, interval)
        return _price_history(outcomes, window)

    def refresh(
        self, tickers: Sequence[str], *, start: date | None = None, interval: Interval = "1mo"
    ) -> RefreshReport:
        """Bring the cache up to date for `tickers` and report what happened to each.

        Network and data problems are reported per ticker, not raised. The history starts at
        `start`, by default `REFRESH_HISTORY_YEARS` years ago.
        """
        today = self._today()
        since = start or today.replace(year=today.year - REFRESH_HISTORY_YEARS, day=1)
        window = _Window.between(since, today, interval, today)
        outcomes = self._sync(_symbols(tickers), window, interval)
        return RefreshReport(tuple(_refresh_entry(outcome) for outcome in outcomes))

    def _sync(self, tickers: list[str], window: _Window, interval: Interval) -> list[_Outcome]:
        """Read each ticker's cache, download the ones that are not fresh, and cache what passes."""
        caches = {ticker: self._cache.read(ticker, interval) for ticker in tickers}
        outcomes = {
            ticker: _Outcome(ticker, Status.CACHED, cache)
            for ticker, cache in caches.items()
            if cache is not None and cache.is_fresh_for(window)
        }
        stale = {ticker: cache for ticker, cache in caches.items() if ticker not in outcomes}
        if stale:
            outcomes |= self._update(stale, window, interval)
        return [outcomes[ticker] for ticker in tickers]

    def _update(
        self, caches: dict[str, _Cached | None], window: _Window, interval: Interval
    ) -> dict[str, _Outcome]:
        """Download the stale tickers over the window and all their caches hold; accept each."""
        span = window.widened_to(cache for cache in caches.values() if cache is not None)
        tickers = list(caches)
        try:
            frame = self._download(
                tickers, start=span.first.date(), end=span.end, interval=interval
            )
            closes = _closes_by_ticker(frame, tickers, span)
        except Exception as error:  # whatever fails at the network edge, the cache stays usable
            reason = f"download failed: {_one_line(error)}"
            return {t: _Outcome(t, Status.UNAVAILABLE, caches[t], reason) for t in tickers}
        return {
            ticker: self._accept(ticker, closes[ticker], span, caches[ticker], interval)
            for ticker in tickers
        }

    def _accept(
        self,
        ticker: str,
        closes: pd.Series,
        span: _Window,
        cache: _Cached | None,
        interval: Interval,
    ) -> _Outcome:
        """Validate one ticker's download; cache it if it passes, keep the old cache if not."""
        priced = closes.dropna()
        if priced.empty:
            return _Outcome(ticker, Status.UNAVAILABLE, cache, "Yahoo Finance returned no prices")
        first = pd.Timestamp(priced.index[0])
        reasons = _rejections(closes, span, first, cache)
        if reasons:
            return _Outcome(ticker, Status.REJECTED, cache, "; ".join(reasons))
        updated = _Cached(closes.loc[first:], history_from=span.first)
        self._cache.store(ticker, interval, updated)
        return _Outcome(ticker, Status.UPDATED, updated)


def monthly_returns(prices: pd.DataFrame) -> pd.DataFrame:
    """Simple returns from one month-end price to the next, labelled by month end.

    Takes prices with a DatetimeIndex: daily closes, or the monthly bars of `fetch`, whose
    month-start labels stand for the month's last close. The first month has no return and is
    left out; a month without a price gives NaN rather than a return spread over two months.
    """
    month_ends = prices.resample("ME").last()
    return (month_ends / month_ends.shift(1) - 1).iloc[1:]


def _symbols(tickers: Sequence[str]) -> list[str]:
    """Upper-case, de-duplicated ticker symbols, checked because they also name cache files."""
    if isinstance(tickers, str):
        tickers = [tickers]  # a lone string is one ticker, not a sequence of letters
    symbols = list(dict.fromkeys(ticker.strip().upper() for ticker in tickers))
    if not symbols:
        raise ValueError("No tickers requested.")
    malformed = [symbol for symbol in symbols if not _TICKER_SYMBOL.fullmatch(symbol)]
    if malformed:
        raise ValueError(f"Not a ticker symbol: {', '.join(malformed)}.")
    return symbols


def _closes_by_ticker(
    frame: pd.DataFrame, tickers: Sequence[str], span: _Window
) -> dict[str, pd.Series]:
    """Each ticker's closes from a `yfinance.download` frame, labelled by bar, within the span."""
    closes = _close_columns(frame)
    by_ticker = {}
    for ticker in tickers:
        column = closes[ticker] if ticker in closes.columns else pd.Series(dtype=float)
        by_ticker[ticker] = _label_by_period(column, span.frequency).loc[span.first : span.last]
    return by_ticker


def _close_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The `Close` field of a `yfinance.download` frame, one column per ticker."""
    if frame.columns.empty:
        return pd.DataFrame()  # nothing at all came back
    if isinstance(frame.columns, pd.MultiIndex):
        closes = frame.xs("Close", axis=1, level=0)
        if isinstance(closes, pd.DataFrame):
            return closes
    raise ValueError("expected (field, ticker) columns as yfinance.download returns them")


def _label_by_period(closes: pd.Series, frequency: str) -> pd.Series:
    """Closes indexed by the first day of their period, keeping the latest close per period.

    Yahoo sends the bar in progress as an extra row dated today; relabelling folds it into its
    period, and the freshness rule keeps incomplete periods out.
    """
    dates = pd.DatetimeIndex(closes.index)
    if dates.tz is not None:
        dates = dates.tz_localize(None)
    labels = dates.to_period(frequency).to_timestamp(how="start")
    relabelled = pd.Series(closes.to_numpy(dtype=float), index=labels, name=closes.name)
    return relabelled.groupby(level=0).last()


def _rejections(
    closes: pd.Series, span: _Window, first: pd.Timestamp, cache: _Cached | None
) -> list[str]:
    """Why a freshly downloaded series must not be used; empty when it is clean."""
    expected = closes.reindex(span.labels(first))
    reasons = []
    missing = expected.index[expected.isna()]
    if len(missing):
        reasons.append(f"missing or NaN prices for {_dates(missing)}")
    not_positive = expected.index[expected <= 0]
    if len(not_positive):
        reasons.append(f"zero or negative prices on {_dates(not_positive)}")
    implausible = _implausible_moves(expected)
    if not implausible.empty:
        moves = ", ".join(f"{move:+.1%} on {day:%Y-%m-%d}" for day, move in implausible.items())
        reasons.append(f"implausible one-bar moves: {moves}")
    if cache is not None and first > cache.closes.index[0]:
        reasons.append(f"history now starts {first:%Y-%m-%d}, after the cached {_date(cache)}")
    return reasons


def _clean(closes: pd.Series, frequency: str) -> bool:
    """Finite, positive closes, one for every bar from the first to the last (no gap)."""
    values = closes.to_numpy(dtype=float)
    if not (np.isfinite(values).all() and (values > 0).all()):
        return False
    first, last = (pd.Period(closes.index[i], freq=frequency) for i in (0, -1))
    bars = pd.period_range(first, last).to_timestamp(how="start")
    return len(bars) == len(closes) and bool((bars == closes.index).all())


def _implausible_moves(closes: pd.Series) -> pd.Series:
    """One-bar returns beyond the thresholds, between consecutive positive prices."""
    priced = closes[closes > 0]
    moves = (priced / priced.shift(1) - 1).dropna()
    return moves[(moves < MAX_ONE_BAR_FALL) | (moves > MAX_ONE_BAR_RISE)]


def _price_history(outcomes: list[_Outcome], window: _Window) -> PriceHistory:
    """The bars every ticker has within the window; raises if some ticker has no usable prices."""
    unusable = [o for o in outcomes if o.cache is None or not o.cache.can_stand_in_for(window)]
    if unusable:
        raise _unavailable(unusable)
    closes = {o.ticker: o.cache.closes.loc[window.first : window.last] for o in outcomes if o.cache}
    prices = pd.DataFrame(closes).dropna()  # trims to the bars all tickers have
    prices.index.name = "date"
    if prices.empty:
        raise MarketDataUnavailable(_unavailable_message("the tickers share no bar in the range"))
    problems = [problem for outcome in outcomes for problem in _problems(outcome, window)]
    return PriceHistory(prices, tuple(problems))


def _problems(outcome: _Outcome, window: _Window) -> list[Problem]:
    """What the caller should know about a ticker whose prices are usable."""
    assert outcome.cache is not None  # checked by the caller
    problems = []
    if outcome.status in (Status.REJECTED, Status.UNAVAILABLE):
        failed = (
            "new data rejected" if outcome.status is Status.REJECTED else "live data unavailable"
        )
        served = f"using cached prices through {_date(outcome.cache, last=True)}"
        problems.append(Problem(outcome.ticker, f"{failed} ({outcome.reason}); {served}"))
    if outcome.cache.closes.index[0] > window.first:
        late = f"history starts {_date(outcome.cache)}, after the requested {window.first:%Y-%m-%d}"
        problems.append(Problem(outcome.ticker, late))
    return problems


def _unavailable(outcomes: list[_Outcome]) -> MarketDataUnavailable:
    """One error naming every ticker without usable prices, grouped by reason."""
    tickers_by_reason: dict[str, list[str]] = {}
    for outcome in outcomes:
        reason = outcome.reason or "the cache does not reach back to the requested start"
        if outcome.status is Status.REJECTED:
            reason = f"rejected, {reason}"
        tickers_by_reason.setdefault(reason, []).append(outcome.ticker)
    details = "; ".join(f"{', '.join(ts)}: {reason}" for reason, ts in tickers_by_reason.items())
    return MarketDataUnavailable(_unavailable_message(details))


def _unavailable_message(details: str) -> str:
    return f"Live market data is unavailable ({details}); using the embedded market assumptions."


def _refresh_entry(outcome: _Outcome) -> TickerRefresh:
    through = outcome.cache.last_bar.date() if outcome.cache else None
    return TickerRefresh(outcome.ticker, outcome.status, through, outcome.reason)


def _replace_atomically(path: Path, frame: pd.DataFrame, write: WriteParquet) -> None:
    """Write beside `path`, then rename over it: readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(frame, Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _one_line(error: BaseException) -> str:
    """`Type: message` on one line, short enough for a CLI error."""
    text = " ".join(str(error).split())
    if len(text) > _MAX_REASON_CHARS:
        text = text[: _MAX_REASON_CHARS - 1] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _dates(labels: pd.Index) -> str:
    shown = ", ".join(f"{label:%Y-%m-%d}" for label in labels[:_DATES_SHOWN])
    hidden = len(labels) - _DATES_SHOWN
    return f"{shown} and {hidden} more" if hidden > 0 else shown


def _date(cache: _Cached, *, last: bool = False) -> str:
    return f"{cache.closes.index[-1 if last else 0]:%Y-%m-%d}"

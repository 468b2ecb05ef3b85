"""The yfinance provider, replayed from recorded responses. Nothing here may touch the network."""

import errno
import re
import socket
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import curl_cffi.curl
import pandas as pd
import pytest

from advisor.data.yfinance_source import (
    Interval,
    Status,
    YFinanceSource,
    monthly_returns,
    write_parquet,
)
from advisor.errors import MarketDataUnavailable

FIXTURES = Path(__file__).parent / "fixtures" / "yfinance"
GOOD = "monthly_2021_2023.parquet"
GARBAGE = "monthly_2021_2023_garbage.parquet"
TICKERS = ["VTI", "BND", "GLD"]
START = date(2021, 1, 1)
JULY = date(2023, 7, 10)  # the complete bars run to June 2023
AUGUST = date(2023, 8, 5)  # July's bar is complete now, so a June cache is stale
CACHE_FILES = ["BND.1mo.parquet", "GLD.1mo.parquet", "VTI.1mo.parquet"]


# --- the network edge -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def network_attempts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse, and record, every attempt to reach the network.

    yfinance talks through curl_cffi, whose libcurl never calls Python's `socket`, so libcurl's
    `perform` is refused as well as socket connections and name lookups.
    """
    attempts: list[str] = []

    def refuse(kind: str, error: Callable[[str], Exception]) -> Callable[..., Any]:
        def refused(*args: Any, **kwargs: Any) -> Any:
            attempts.append(kind)
            raise error(f"network disabled in tests ({kind})")

        return refused

    def curl_error(message: str) -> Exception:
        return curl_cffi.curl.CurlError(message, code=7)  # 7: CURLE_COULDNT_CONNECT

    monkeypatch.setattr(socket.socket, "connect", refuse("connect", ConnectionRefusedError))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex", ConnectionRefusedError))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo", socket.gaierror))
    monkeypatch.setattr(curl_cffi.curl.Curl, "perform", refuse("libcurl", curl_error))
    return attempts


@pytest.fixture
def yfinance_caches(tmp_path: Path) -> Iterator[None]:
    """Keep yfinance's own sqlite caches (timezones, cookies) out of the user's home directory."""
    import yfinance.cache

    previous = yfinance.cache._TzDBManager.get_location()  # yfinance has no public getter
    yfinance.cache.set_cache_location(str(tmp_path / "yfinance"))
    yield
    yfinance.cache.set_cache_location(previous)


class Replay:
    """A download callable answering from a recorded `yf.download` frame, counting its calls."""

    def __init__(self, recorded: str | pd.DataFrame) -> None:
        self.recorded = (
            pd.read_parquet(FIXTURES / recorded) if isinstance(recorded, str) else recorded
        )
        self.calls: list[tuple[tuple[str, ...], date, date]] = []

    def __call__(
        self, tickers: Sequence[str], *, start: date, end: date, interval: Interval
    ) -> pd.DataFrame:
        self.calls.append((tuple(tickers), start, end))
        tickers_asked = self.recorded.columns.get_level_values("Ticker").isin(list(tickers))
        dates = self.recorded.index
        in_range = (dates >= pd.Timestamp(start)) & (dates < pd.Timestamp(end))
        # As yfinance does, a row stays only if some requested ticker has a bar on it.
        return self.recorded.loc[in_range, tickers_asked].dropna(how="all")


def connection_lost(
    tickers: Sequence[str], *, start: date, end: date, interval: Interval
) -> pd.DataFrame:
    raise ConnectionError("[Errno 101] Network is unreachable")


def source(cache_dir: Path, download: Any, today: date, **options: Any) -> YFinanceSource:
    return YFinanceSource(cache_dir, download=download, today=lambda: today, **options)


def cached_bytes(cache_dir: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(cache_dir.iterdir())}


def recorded_closes(name: str = GOOD) -> pd.DataFrame:
    return pd.read_parquet(FIXTURES / name).xs("Close", axis=1, level="Price")


def test_guard_refuses_network_connections(network_attempts: list[str]) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)
    assert network_attempts


def test_default_download_without_network_is_unavailable(
    tmp_path: Path, network_attempts: list[str], yfinance_caches: None
) -> None:
    live = YFinanceSource(tmp_path / "cache", today=lambda: JULY)  # the real yfinance wrapper

    with pytest.raises(MarketDataUnavailable) as raised:
        live.fetch(["VTI"], START, JULY)

    assert network_attempts, "yfinance should have tried, and the guard refused"
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("Live market data is unavailable (VTI: ")
    assert message.endswith("using the embedded market assumptions.")
    assert not (tmp_path / "cache").exists()


# --- freshness ---------------------------------------------------------------------------------


def test_first_fetch_writes_the_cache_and_a_fresh_cache_is_not_downloaded(tmp_path: Path) -> None:
    replay = Replay(GOOD)

    first = source(tmp_path, replay, JULY).fetch(TICKERS, START, JULY)

    assert len(replay.calls) == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == CACHE_FILES
    assert first.problems == ()
    assert list(first.prices.columns) == TICKERS
    expected = recorded_closes().loc[:"2023-06-01", TICKERS]
    pd.testing.assert_frame_equal(first.prices, expected, check_names=False, check_freq=False)

    again = source(tmp_path, replay, JULY).fetch(TICKERS, START, JULY)
    shorter = source(tmp_path, replay, JULY).fetch(["vti"], date(2022, 1, 1), date(2023, 1, 1))

    assert len(replay.calls) == 1
    pd.testing.assert_frame_equal(again.prices, first.prices)
    assert shorter.prices.index[[0, -1]].tolist() == [
        pd.Timestamp(2022, 1, 1),
        pd.Timestamp(2022, 12, 1),
    ]


def test_a_stale_cache_is_downloaded_again_whole(tmp_path: Path) -> None:
    replay = Replay(GOOD)
    source(tmp_path, replay, JULY).fetch(TICKERS, START, JULY)

    august = source(tmp_path, replay, AUGUST).fetch(TICKERS, date(2022, 1, 1), AUGUST)

    assert len(replay.calls) == 2
    assert replay.calls[-1] == (tuple(TICKERS), START, date(2023, 8, 1)), "all the cache holds"
    assert august.prices.index[[0, -1]].tolist() == [
        pd.Timestamp(2022, 1, 1),
        pd.Timestamp(2023, 7, 1),
    ]
    assert august.prices.loc["2023-07-01", "VTI"] == pytest.approx(231.9)
    whole = source(tmp_path, replay, AUGUST).fetch(TICKERS, START, AUGUST)
    assert len(replay.calls) == 2, "the July bar is cached now, and the cache still starts in 2021"
    assert len(whole.prices) == 31


def test_refresh_reports_each_ticker(tmp_path: Path) -> None:
    good, garbage = Replay(GOOD), Replay(GARBAGE)

    first = source(tmp_path, good, JULY).refresh(["VTI", "BND"])
    again = source(tmp_path, good, JULY).refresh(["VTI", "BND"])
    mixed = source(tmp_path, garbage, JULY).refresh(["VTI", "GLD"])
    offline = source(tmp_path, connection_lost, AUGUST).refresh(["VTI", "GLD"])

    assert [(t.ticker, t.status) for t in first.tickers] == [
        ("VTI", Status.UPDATED),
        ("BND", Status.UPDATED),
    ]
    assert {t.cached_through for t in first.tickers} == {date(2023, 6, 1)}
    assert [t.status for t in again.tickers] == [Status.CACHED, Status.CACHED]
    assert len(good.calls) == 1
    assert garbage.calls[0][0] == ("GLD",), "only the missing ticker is downloaded"
    vti, gld = mixed.tickers
    assert (vti.status, gld.status) == (Status.CACHED, Status.REJECTED)
    assert gld.reason is not None and "implausible one-bar moves" in gld.reason
    assert gld.cached_through is None
    assert [t.status for t in offline.tickers] == [Status.UNAVAILABLE, Status.UNAVAILABLE]
    assert [t.cached_through for t in offline.tickers] == [date(2023, 6, 1), None]
    assert (first.any_updated, again.any_updated, offline.any_updated) == (True, False, False)
    assert offline.as_text().splitlines() == [
        "VTI: unavailable: download failed: ConnectionError: [Errno 101] Network is unreachable"
        " (cached through 2023-06-01)",
        "GLD: unavailable: download failed: ConnectionError: [Errno 101] Network is unreachable"
        " (no cache)",
    ]


def test_a_long_refresh_serves_later_fetches_and_notes_a_late_start(tmp_path: Path) -> None:
    recorded = pd.read_parquet(FIXTURES / GOOD)
    gld_columns = recorded.columns.get_level_values("Ticker") == "GLD"
    recorded.loc[:"2021-12-01", gld_columns] = float("nan")  # as if GLD had listed in 2022
    replay = Replay(recorded)
    source(tmp_path, replay, JULY).refresh(TICKERS)  # asks 20 years back

    history = source(tmp_path, replay, JULY).fetch(TICKERS, date(2020, 1, 1), JULY)

    assert len(replay.calls) == 1
    assert history.prices.index[0] == pd.Timestamp(2022, 1, 1), "the bars all tickers have"
    assert not history.prices.isna().any().any()
    assert [str(problem) for problem in history.problems] == [
        "VTI: history starts 2021-01-01, after the requested 2020-01-01",
        "BND: history starts 2021-01-01, after the requested 2020-01-01",
        "GLD: history starts 2022-01-01, after the requested 2020-01-01",
    ]


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticker", "reason"),
    [
        ("VTI", "missing or NaN prices for 2022-03-01"),
        ("BND", "zero or negative prices on 2022-09-01"),
        ("GLD", "implausible one-bar moves: +94874.9% on 2023-02-01, -99.9% on 2023-03-01"),
    ],
)
def test_garbage_without_a_cache_is_rejected_and_not_cached(
    tmp_path: Path, ticker: str, reason: str
) -> None:
    with pytest.raises(MarketDataUnavailable, match=re.escape(f"{ticker}: rejected, {reason});")):
        source(tmp_path, Replay(GARBAGE), JULY).fetch([ticker], START, JULY)

    assert list(tmp_path.iterdir()) == []


def test_garbage_is_rejected_and_the_cached_prices_survive(tmp_path: Path) -> None:
    cached = source(tmp_path, Replay(GOOD), JULY).fetch(TICKERS, START, JULY)
    before = cached_bytes(tmp_path)

    december = date(2023, 12, 15)
    history = source(tmp_path, Replay(GARBAGE), december).fetch(TICKERS, START, december)

    assert cached_bytes(tmp_path) == before
    pd.testing.assert_frame_equal(history.prices, cached.prices)
    assert [problem.ticker for problem in history.problems] == TICKERS
    for problem, fault in zip(
        history.problems, ["NaN prices for 2022-03-01", "zero", "implausible"], strict=True
    ):
        assert problem.message.startswith("new data rejected (")
        assert fault in problem.message
        assert problem.message.endswith("; using cached prices through 2023-06-01")


def test_a_download_that_starts_later_than_the_cache_is_rejected(tmp_path: Path) -> None:
    source(tmp_path, Replay(GOOD), JULY).fetch(["VTI"], START, JULY)
    truncated = Replay(pd.read_parquet(FIXTURES / GOOD).loc["2022-01-01":])

    history = source(tmp_path, truncated, AUGUST).fetch(["VTI"], START, AUGUST)

    assert len(truncated.calls) == 1
    assert history.prices.index[[0, -1]].tolist() == [
        pd.Timestamp(2021, 1, 1),
        pd.Timestamp(2023, 6, 1),
    ]
    assert "history now starts 2022-01-01, after the cached 2021-01-01" in str(history.problems[0])


def test_weekly_bars_are_labelled_by_monday_and_todays_live_row_is_folded_in(
    tmp_path: Path,
) -> None:
    mondays = pd.date_range("2024-01-01", periods=4, freq="W-MON")
    dates = mondays.append(pd.DatetimeIndex(["2024-01-24"]))  # Yahoo's live row, mid-week
    closes = pd.DataFrame({"VTI": [100.0, 101.0, 102.0, 103.0, 104.0]}, index=dates)
    frame = pd.concat({"Close": closes}, axis=1, names=["Price", "Ticker"])

    today = date(2024, 1, 29)  # the week of 22 January has just closed
    history = source(tmp_path, Replay(frame), today).fetch(["VTI"], date(2024, 1, 1), today, "1wk")

    assert history.prices["VTI"].tolist() == [100.0, 101.0, 102.0, 104.0]
    assert history.prices.index.tolist() == mondays[:4].tolist()
    assert (tmp_path / "VTI.1wk.parquet").exists()


# --- network failure ---------------------------------------------------------------------------


def test_a_lost_connection_without_a_cache_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(MarketDataUnavailable) as raised:
        source(tmp_path, connection_lost, JULY).fetch(TICKERS, START, JULY)

    assert str(raised.value) == (
        "Live market data is unavailable (VTI, BND, GLD: download failed: ConnectionError:"
        " [Errno 101] Network is unreachable); using the embedded market assumptions."
    )


def test_an_empty_answer_for_every_ticker_is_unavailable(tmp_path: Path) -> None:
    nothing = Replay(pd.read_parquet(FIXTURES / GOOD).iloc[0:0])

    with pytest.raises(MarketDataUnavailable, match="VTI, BND, GLD: Yahoo Finance returned no"):
        source(tmp_path, nothing, JULY).fetch(TICKERS, START, JULY)


def test_a_lost_connection_serves_a_cache_that_covers_the_request(tmp_path: Path) -> None:
    cached = source(tmp_path, Replay(GOOD), JULY).fetch(TICKERS, START, JULY)

    history = source(tmp_path, connection_lost, AUGUST).fetch(TICKERS, START, AUGUST)

    pd.testing.assert_frame_equal(history.prices, cached.prices)
    assert [str(problem) for problem in history.problems] == [
        f"{ticker}: live data unavailable (download failed: ConnectionError: [Errno 101] Network"
        " is unreachable); using cached prices through 2023-06-01"
        for ticker in TICKERS
    ]


def test_a_lost_connection_raises_when_the_cache_does_not_reach_back(tmp_path: Path) -> None:
    source(tmp_path, Replay(GOOD), JULY).fetch(TICKERS, date(2022, 1, 1), JULY)

    with pytest.raises(MarketDataUnavailable, match="ConnectionError"):
        source(tmp_path, connection_lost, JULY).fetch(TICKERS, START, JULY)


# --- the cache on disk -------------------------------------------------------------------------


def test_a_crash_while_writing_leaves_the_old_cache_intact(tmp_path: Path) -> None:
    cached = source(tmp_path, Replay(GOOD), JULY).fetch(TICKERS, START, JULY)
    before = cached_bytes(tmp_path)
    written_to: list[Path] = []

    def crash_half_way(frame: pd.DataFrame, path: Path) -> None:
        written_to.append(path)
        write_parquet(frame, path)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        source(tmp_path, Replay(GOOD), AUGUST, write=crash_half_way).fetch(TICKERS, START, AUGUST)

    assert written_to and all(path.parent == tmp_path for path in written_to)
    assert cached_bytes(tmp_path) == before, "no half-written file, no leftover temporary file"
    history = source(tmp_path, connection_lost, JULY).fetch(TICKERS, START, JULY)
    pd.testing.assert_frame_equal(history.prices, cached.prices)


def test_a_damaged_cache_file_is_downloaded_again(tmp_path: Path) -> None:
    replay = Replay(GOOD)
    source(tmp_path, replay, JULY).fetch(["VTI"], START, JULY)
    (tmp_path / "VTI.1mo.parquet").write_bytes(b"PAR1 not really")

    history = source(tmp_path, replay, JULY).fetch(["VTI"], START, JULY)

    assert len(replay.calls) == 2
    assert len(history.prices) == 30


# --- returns -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dates", "a", "b"),
    [
        (  # daily closes: the last close of each month counts
            ["2024-01-10", "2024-01-31", "2024-02-15", "2024-02-29", "2024-03-28"],
            [90.0, 100.0, 130.0, 110.0, 99.0],
            [45.0, 50.0, 40.0, 55.0, 66.0],
        ),
        (  # monthly bars labelled by month start, as `fetch` returns them
            ["2024-01-01", "2024-02-01", "2024-03-01"],
            [100.0, 110.0, 99.0],
            [50.0, 55.0, 66.0],
        ),
    ],
)
def test_monthly_returns_by_hand(dates: list[str], a: list[float], b: list[float]) -> None:
    prices = pd.DataFrame({"A": a, "B": b}, index=pd.DatetimeIndex(dates))

    returns = monthly_returns(prices)

    assert returns.index.tolist() == [pd.Timestamp("2024-02-29"), pd.Timestamp("2024-03-31")]
    assert returns["A"].tolist() == pytest.approx([0.10, -0.10])  # 100 → 110 → 99
    assert returns["B"].tolist() == pytest.approx([0.10, 0.20])  # 50 → 55 → 66


def test_monthly_returns_leave_a_missing_month_unknown() -> None:
    prices = pd.DataFrame(
        {"A": [100.0, 121.0]}, index=pd.DatetimeIndex(["2024-01-31", "2024-03-29"])
    )

    returns = monthly_returns(prices)

    assert returns["A"].isna().all()
    assert len(returns) == 2

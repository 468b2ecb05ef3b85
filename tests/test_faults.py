"""Faults at the edges, with real components: a language-model server that is down or hangs (a real
OpenAI-compatible client against a closed port and against a local server that accepts and never
answers), and a market-data feed that fails or returns garbage (yfinance replaced at the network
edge by recorded-shape responses, as in test_yfinance_source.py).

The advisor keeps answering from its templates and says it is degraded, every turn is stored as a
normal one would be, bad prices are reported by ticker and never reach the cache or a trade.
"""

import hashlib
import http.server
import shutil
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from advisor.agent.orchestrator import Advisor
from advisor.agent.prompts import load_templates
from advisor.agent.session import AdviceSession
from advisor.agent.tools import AdvisorTools, Proposal
from advisor.data.yfinance_source import YFinanceSource
from advisor.holdings_csv import read_holdings
from advisor.knowledge.service import open_retriever
from advisor.llm import LanguageModelUnavailable
from advisor.llm.backends import ModelRegistry, chat_model
from advisor.llm.config import LanguageModelConfig
from advisor.profile.extractor import ProfileExtractor
from advisor.profile.text import Message
from advisor.runtime import Runtime
from advisor.settings import PROJECT_ROOT, Settings
from advisor.storage import Store, create_database_engine, upgrade_database

ONBOARDING = (
    "I'm 45, saving for retirement in 20 years. I could accept a 20% drop. "
    "I have 6 months of emergency savings."
)
TIMEOUT_SECONDS = 1.0

# --------------------------------------------------------------------------------------------------
# The language model is down or hangs


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def closed_port() -> int:
    """A localhost port nothing listens on: connections are refused at once."""
    return _free_port()


@pytest.fixture
def hanging_port() -> Iterator[int]:
    """A server that accepts connections, reads the request and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            held.append(connection)  # kept open, never answered

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()


def _remote_model(port: int, tmp_path: Any) -> Any:
    """The openai backend exactly as the app builds it from the settings, at this port."""
    settings = Settings(
        data_dir=tmp_path,
        llm_backend="openai",
        llm_url=f"http://127.0.0.1:{port}/v1",
        llm_model="any-model",
        llm_timeout_seconds=TIMEOUT_SECONDS,
    )
    model = chat_model(LanguageModelConfig.from_settings(settings), ModelRegistry())
    assert model is not None
    return model


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> AdvisorTools:
    settings = Settings(data_dir=tmp_path_factory.mktemp("faults-data"))
    runtime = Runtime.load(settings)
    retriever = open_retriever(settings.knowledge_dir, settings.data_dir)
    return AdvisorTools(runtime, retriever, ProfileExtractor())


def _advisor(tools: AdvisorTools, model: Any) -> Advisor:
    return Advisor(
        tools, load_templates(PROJECT_ROOT / "prompts"), model=model, cooling_off_hours=24
    )


DEGRADED_EN = load_templates(PROJECT_ROOT / "prompts")["en"].degraded


def test_a_refused_connection_is_unavailable_at_once_and_names_the_endpoint(
    closed_port: int, tmp_path: Any
) -> None:
    model = _remote_model(closed_port, tmp_path)
    started = time.monotonic()
    with pytest.raises(LanguageModelUnavailable) as raised:
        model.invoke("Hello")
    assert time.monotonic() - started < TIMEOUT_SECONDS + 0.5  # retries fit in the timeout
    assert f"127.0.0.1:{closed_port}" in str(raised.value)
    assert "any-model" in str(raised.value)


def test_a_hung_server_times_out_within_the_setting_retries_included(
    hanging_port: int, tmp_path: Any
) -> None:
    model = _remote_model(hanging_port, tmp_path)
    started = time.monotonic()
    with pytest.raises(LanguageModelUnavailable, match="timed out"):
        model.invoke("Hello")
    elapsed = time.monotonic() - started
    # The client's own retries would wait three timeouts plus back-off.
    assert TIMEOUT_SECONDS * 0.9 <= elapsed < TIMEOUT_SECONDS + 0.5


class _Overloaded(http.server.BaseHTTPRequestHandler):
    """Answers every request at once with 503, as a server that is up but overloaded does."""

    requests: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.requests.append(self.path)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b'{"error": {"message": "overloaded"}}'
        self.send_response(503)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:  # keep the test output clean
        pass


@pytest.fixture
def overloaded_port() -> Iterator[int]:
    _Overloaded.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Overloaded)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_an_overloaded_server_is_retried_within_the_timeout_then_unavailable(
    overloaded_port: int, tmp_path: Any
) -> None:
    model = _remote_model(overloaded_port, tmp_path)
    started = time.monotonic()
    with pytest.raises(LanguageModelUnavailable, match="503"):
        model.invoke("Hello")
    assert time.monotonic() - started < TIMEOUT_SECONDS + 0.5
    # The first attempt and the configured two retries, all within the one timeout.
    assert _Overloaded.requests == ["/v1/chat/completions"] * 3


@pytest.mark.parametrize("server", ["closed_port", "hanging_port", "overloaded_port"])
def test_with_the_model_down_or_hung_the_reply_is_the_templated_one_and_says_so(
    server: str, request: pytest.FixtureRequest, tools: AdvisorTools, tmp_path: Any
) -> None:
    port: int = request.getfixturevalue(server)
    degraded = _advisor(tools, _remote_model(port, tmp_path))
    templated = _advisor(tools, None)
    conversation = [Message("user", ONBOARDING)]

    turn = degraded.respond(conversation)
    reference = templated.respond(conversation)

    assert turn.degraded and not reference.degraded
    assert turn.reply == f"{reference.reply}\n\n{DEGRADED_EN}"
    assert "language model is unavailable" in turn.reply
    # Everything the engine decided is there, unchanged.
    assert turn.proposal is not None and reference.proposal is not None
    assert turn.proposal.holdings == reference.proposal.holdings
    assert turn.profile.contract() == reference.profile.contract()
    assert turn.action == reference.action


def test_a_chinese_conversation_gets_the_chinese_degraded_notice(
    closed_port: int, tools: AdvisorTools, tmp_path: Any
) -> None:
    turn = _advisor(tools, _remote_model(closed_port, tmp_path)).respond(
        [Message("user", "我今年45岁，为20年后退休存钱，能接受20%的下跌。")]
    )
    assert turn.degraded and turn.language == "zh"
    assert turn.reply.endswith(load_templates(PROJECT_ROOT / "prompts")["zh"].degraded)


def _weights(proposal: Proposal) -> dict[str, float]:
    return {holding.product_id: holding.weight for holding in proposal.holdings}


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    upgrade_database(database_url)
    engine: Engine = create_database_engine(database_url)
    yield Store(engine)
    engine.dispose()


def test_a_degraded_turn_is_stored_in_full_like_any_other(
    closed_port: int, tools: AdvisorTools, store: Store, tmp_path: Any
) -> None:
    session = AdviceSession(_advisor(tools, _remote_model(closed_port, tmp_path)), store)
    session.start("Ada")
    turn = session.send(ONBOARDING)
    follow_up = session.send("Why so much in bonds?")

    assert turn.degraded and follow_up.degraded
    assert session.conversation_id is not None and session.investor_id is not None
    stored = store.conversation(session.conversation_id)
    assert [(m.role, m.content) for m in stored.messages] == [
        ("user", ONBOARDING),
        ("assistant", turn.reply),
        ("user", "Why so much in bonds?"),
        ("assistant", follow_up.reply),
    ]
    latest = store.latest_profile(session.investor_id)
    assert latest is not None
    assert latest[1]["age"] == 45
    [account] = store.accounts(session.investor_id)
    proposals = store.proposals(account.id)
    assert turn.proposal is not None
    assert [p.weights for p in proposals][:1] == [_weights(turn.proposal)]
    turns = [e for e in store.audit_events() if e.action == "advice_turn"]
    assert [e.payload["degraded"] for e in turns] == [True, True]
    assert store.verify_audit_chain() is None

    # The same conversation without any model records the same profile and proposals.
    reference = AdviceSession(_advisor(tools, None), store).start("Bob")
    reference.send(ONBOARDING)
    assert reference.investor_id is not None
    [reference_account] = store.accounts(reference.investor_id)
    assert [p.weights for p in store.proposals(reference_account.id)][:1] == [
        _weights(turn.proposal)
    ]


# --------------------------------------------------------------------------------------------------
# Market data fails or is garbage
#
# `YFinanceSource`'s `download` is the network edge; everything behind it (validation, the parquet
# cache, the runtime's risk model, the rebalancer) is the real code. Prices are a closed-form
# function of the ticker and the month, so any two downloads agree wherever they overlap.

FAULTY = "BND"  # the ticker whose new bar is bad
EPOCH = pd.Timestamp("2000-01-01")


def recorded_prices(
    tickers: Sequence[str], *, start: date, end: date, interval: str
) -> pd.DataFrame:
    """Monthly bars for `tickers` over [start, end), shaped as `yfinance.download` returns them."""
    assert interval == "1mo"
    months = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), end, freq="MS")
    months = months[months < pd.Timestamp(end)]
    columns = {}
    for ticker in tickers:
        seed = sum(map(ord, ticker))
        steps = np.arange((months[-1].year - EPOCH.year) * 12 + months[-1].month)
        monthly = 0.004 + 0.03 * np.sin(0.7 * steps + seed) + 0.01 * np.cos(0.13 * steps * seed)
        level = 100 * np.cumprod(1 + monthly)
        offsets = (months.year - EPOCH.year) * 12 + months.month - 1
        columns[("Close", ticker)] = level[offsets]
    frame = pd.DataFrame(columns, index=months)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["Price", "Ticker"])
    frame.index.name = "Date"
    return frame


def _with_last_bar(value: float) -> Any:
    def download(tickers: Sequence[str], **request: Any) -> pd.DataFrame:
        frame = recorded_prices(tickers, **request)
        frame.loc[frame.index[-1], ("Close", FAULTY)] = value
        return frame

    return download


def _with_a_gap(tickers: Sequence[str], **request: Any) -> pd.DataFrame:
    frame = recorded_prices(tickers, **request)
    return frame.drop(index=frame.index[-2])  # a month missing in the middle of the new data


def _failing(tickers: Sequence[str], **request: Any) -> pd.DataFrame:
    raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")


def _not_prices(tickers: Sequence[str], **request: Any) -> pd.DataFrame:
    return pd.DataFrame({"Error": ["Too Many Requests"]})  # an error page parsed as a table


TODAY = date.today()
LAST_MONTH = (pd.Timestamp(TODAY).to_period("M") - 1).to_timestamp().date()
NEW_BAR = (pd.Timestamp(TODAY).to_period("M") - 1).to_timestamp()  # the bar the refresh adds
# (download, which tickers are rejected, what each report must say)
FAULTS = {
    "nan": (_with_last_bar(float("nan")), {FAULTY}, "missing or NaN prices for"),
    "zero": (_with_last_bar(0.0), {FAULTY}, "zero or negative prices on"),
    "negative": (_with_last_bar(-12.5), {FAULTY}, "zero or negative prices on"),
    "spike": (_with_last_bar(1e6), {FAULTY}, "implausible one-bar moves"),
    "gap": (_with_a_gap, None, "missing or NaN prices for"),
    "failure": (_failing, None, "download failed: ConnectionError: Could not resolve host"),
    "not prices": (
        _not_prices,
        None,
        "download failed: ValueError: expected (field, ticker) columns",
    ),
}


def _source(cache: Path, download: Any, today: date = TODAY) -> YFinanceSource:
    return YFinanceSource(cache, download=download, today=lambda: today)


def _live_runtime(data_dir: Path, source: YFinanceSource) -> Runtime:
    return Runtime.load(Settings(market_data="yfinance", data_dir=data_dir), live_prices=source)


def _digests(cache: Path) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in cache.glob("*.parquet")}


@pytest.fixture(scope="module")
def book_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Accounts far enough from their targets that the rebalancer trades."""
    path = tmp_path_factory.mktemp("book") / "holdings.csv"
    rows = ["account_id,risk_level,product_id,value"]
    for level in range(1, 6):
        rows += [
            f"a{level},{level},us_total_market,70000",
            f"a{level},{level},us_money_market,30000",
        ]
    path.write_text("\n".join(rows) + "\n")
    return path


def _trades(runtime: Runtime, book_csv: Path) -> np.ndarray:
    book, problems = read_holdings(book_csv, runtime.catalogue, TODAY)
    assert problems == []
    plan = runtime.rebalancer.plan(book)
    assert plan.rebalanced.any()
    return np.asarray(plan.trades)


@pytest.fixture(scope="module")
def cached(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Runtime]:
    """A cache filled by a clean download last month, and the runtime built on it."""
    root = tmp_path_factory.mktemp("market")
    runtime = _live_runtime(root, _source(root / "cache", recorded_prices, LAST_MONTH))
    assert not any("unavailable" in note for note in runtime.notes), runtime.notes
    return root / "cache", runtime


@pytest.mark.parametrize("fault", list(FAULTS))
def test_bad_market_data_is_reported_the_cache_kept_and_no_trade_uses_it(
    fault: str, cached: tuple[Path, Runtime], book_csv: Path, tmp_path: Path
) -> None:
    download, rejected, reason = FAULTS[fault]
    cache = tmp_path / "cache"
    shutil.copytree(cached[0], cache)
    before = _digests(cache)

    runtime = _live_runtime(tmp_path, _source(cache, download))

    tickers = [product.ticker for product in runtime.catalogue.products]
    rejected = set(tickers) if rejected is None else rejected
    # Reported: each rejected ticker, what was wrong, and that its cached prices are used.
    for ticker in rejected:
        [note] = [n for n in runtime.notes if n.startswith(f"{ticker}: ")]
        assert reason in note and "using cached prices through" in note, note
    assert not any(n.startswith(f"{t}: ") for t in set(tickers) - rejected for n in runtime.notes)
    # Kept: the rejected tickers' cache files are untouched.
    after = _digests(cache)
    assert {t: after[f"{t}.1mo.parquet"] for t in rejected} == {
        t: before[f"{t}.1mo.parquet"] for t in rejected
    }
    # No trade from bad prices: the risk model is last month's, from the cached (good) prices,
    # so every trade is the one the good data gives.
    np.testing.assert_array_equal(runtime.market.covariance, cached[1].market.covariance)
    np.testing.assert_array_equal(_trades(runtime, book_csv), _trades(cached[1], book_csv))
    assert np.isfinite(runtime.market.covariance).all()


def test_a_clean_refresh_moves_the_model_on_so_the_fault_tests_can_fail(
    cached: tuple[Path, Runtime], tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(cached[0], cache)
    runtime = _live_runtime(tmp_path, _source(cache, recorded_prices))
    assert not any(": " in note and "cached prices" in note for note in runtime.notes)
    assert not np.array_equal(runtime.market.covariance, cached[1].market.covariance)
    closes = pd.read_parquet(cache / f"{FAULTY}.1mo.parquet")["close"]
    assert pd.Timestamp(closes.index[-1]) == NEW_BAR


def test_bad_data_without_a_cache_falls_back_to_the_embedded_model_and_says_why(
    book_csv: Path, tmp_path: Path
) -> None:
    runtime = _live_runtime(tmp_path, _source(tmp_path / "cache", _with_last_bar(0.0)))
    embedded = Runtime.load(Settings(data_dir=tmp_path))
    [note] = runtime.notes
    assert f"{FAULTY}: rejected, zero or negative prices on {NEW_BAR:%Y-%m-%d}" in note
    assert "using the embedded market assumptions" in note
    assert not (tmp_path / "cache" / f"{FAULTY}.1mo.parquet").exists()  # garbage is not cached
    np.testing.assert_array_equal(runtime.market.covariance, embedded.market.covariance)
    np.testing.assert_array_equal(_trades(runtime, book_csv), _trades(embedded, book_csv))


@pytest.mark.parametrize("damage", [0.0, -1.0, float("inf"), "gap"])
def test_a_cache_file_with_bad_prices_is_never_served(
    damage: float | str, cached: tuple[Path, Runtime], book_csv: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    shutil.copytree(cached[0], cache)
    path = cache / f"{FAULTY}.1mo.parquet"
    frame = pd.read_parquet(path)
    if damage == "gap":
        frame = frame.drop(index=frame.index[len(frame) // 2])
    else:
        frame.iloc[len(frame) // 2, 0] = damage
    frame.to_parquet(path)

    # Offline: the damaged file cannot stand in, so the embedded model is used, and said.
    offline = _live_runtime(tmp_path, _source(cache, _failing, LAST_MONTH))
    embedded = Runtime.load(Settings(data_dir=tmp_path))
    [note] = offline.notes
    assert f"{FAULTY}: " in note and "using the embedded market assumptions" in note
    np.testing.assert_array_equal(offline.market.covariance, embedded.market.covariance)
    np.testing.assert_array_equal(_trades(offline, book_csv), _trades(embedded, book_csv))

    # Online: it is downloaded again and replaced by clean prices.
    online = _live_runtime(tmp_path, _source(cache, recorded_prices, LAST_MONTH))
    np.testing.assert_array_equal(online.market.covariance, cached[1].market.covariance)
    assert _digests(cache)[path.name] == _digests(cached[0])[path.name]

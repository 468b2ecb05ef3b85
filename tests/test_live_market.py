"""`ADVISOR_MARKET_DATA=yfinance`: the risk model from live prices, and the fall-back without them.

The network edge (the `download` callable of `YFinanceSource`) replays prices in the shape
`yfinance.download` returns; everything behind it is the real provider, cache and engine.
"""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from advisor.data.yfinance_source import YFinanceSource, monthly_returns
from advisor.engine.estimators import LedoitWolfCovariance
from advisor.runtime import Runtime
from advisor.settings import Settings


def replayed_prices(tickers, *, start: date, end: date, interval: str) -> pd.DataFrame:
    """Monthly bars for every ticker over the request, as yfinance shapes them."""
    months = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), end, freq="MS")
    rng = np.random.default_rng(11)
    common = rng.normal(0.005, 0.04, len(months))
    closes = {
        ticker: 100
        * np.cumprod(1 + 0.5 * common * (i % 4) / 3 + rng.normal(0.002, 0.01, len(months)))
        for i, ticker in enumerate(tickers)
    }
    columns = pd.MultiIndex.from_product([["Close"], list(tickers)], names=["Price", "Ticker"])
    frame = pd.DataFrame(np.column_stack(list(closes.values())), index=months, columns=columns)
    frame.index.name = "Date"
    return frame


def failing_download(tickers, *, start, end, interval):
    raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")


def test_live_prices_drive_the_covariance(tmp_path):
    settings = Settings(market_data="yfinance", data_dir=tmp_path)
    source = YFinanceSource(tmp_path / "cache", download=replayed_prices)
    runtime = Runtime.load(settings, live_prices=source)
    assert any("estimated from live monthly prices" in note for note in runtime.notes)

    tickers = [product.ticker for product in runtime.catalogue.products]
    today = date.today()
    prices = source.fetch(tickers, today.replace(year=today.year - 10), today).prices
    returns = monthly_returns(prices)[tickers].set_axis(list(runtime.catalogue.ids), axis=1)
    expected = LedoitWolfCovariance().fit(returns).covariance_.to_numpy()
    np.testing.assert_allclose(runtime.market.covariance, expected)

    embedded = Runtime.load(Settings(data_dir=tmp_path))
    # Expected returns stay the cited assumptions by default; only the risk model is live.
    np.testing.assert_allclose(runtime.market.expected_returns, embedded.market.expected_returns)
    assert runtime.allocate(3).weights.sum() == pytest.approx(1)


def test_without_the_network_the_embedded_data_is_used_and_said(tmp_path):
    settings = Settings(market_data="yfinance", data_dir=tmp_path)
    source = YFinanceSource(tmp_path / "cache", download=failing_download)
    runtime = Runtime.load(settings, live_prices=source)
    embedded = Runtime.load(Settings(data_dir=tmp_path))
    assert len(runtime.notes) == 1
    assert "Live market data is unavailable" in runtime.notes[0]
    assert "using the embedded market assumptions" in runtime.notes[0]
    np.testing.assert_array_equal(runtime.market.covariance, embedded.market.covariance)


def test_history_expected_returns_use_the_realised_means(tmp_path):
    settings = Settings(market_data="yfinance", data_dir=tmp_path, expected_returns="history")
    source = YFinanceSource(tmp_path / "cache", download=replayed_prices)
    runtime = Runtime.load(settings, live_prices=source)
    embedded = Runtime.load(Settings(data_dir=tmp_path))
    assert not np.allclose(runtime.market.expected_returns, embedded.market.expected_returns)

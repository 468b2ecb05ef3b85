"""Plotly figures for the app: pure functions from engine results to pictures.

Every number drawn comes from the objects passed in; these functions only choose how it looks.
"""

from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go

from advisor.engine.backtest import BacktestResult
from advisor.engine.frontier import FrontierPoint
from advisor.engine.projection import GoalProjection
from advisor.reports import Holding

# Product risk levels R1-R5, calm blue to hot red (after ColorBrewer RdYlBu, colour-blind safe).
RISK_LEVEL_COLOURS: Mapping[int, str] = {
    1: "#2c7bb6",
    2: "#7fb8d8",
    3: "#e3b23c",
    4: "#f07c4a",
    5: "#c0282d",
}
LINE_COLOURS = ("#2c7bb6", "#e3b23c", "#c0282d", "#4d9a5b", "#7a5195")
BAND_COLOUR = "44, 123, 182"  # the RGB of R1 blue, used with transparency for the fan
FONT_FAMILY = "'Source Sans Pro', ui-sans-serif, system-ui, sans-serif"  # the theme's font


def allocation_chart(holdings: Sequence[Holding]) -> go.Figure:
    """Horizontal bars of the portfolio weights, largest on top, coloured by product risk level."""
    figure = go.Figure()
    for level in sorted({holding.risk_level for holding in holdings}):
        shown = [holding for holding in holdings if holding.risk_level == level]
        figure.add_trace(
            go.Bar(
                name=f"R{level}",
                orientation="h",
                x=[holding.weight for holding in shown],
                y=[holding.ticker for holding in shown],
                text=[f"{holding.weight:.1%}" for holding in shown],
                textposition="outside",
                marker_color=RISK_LEVEL_COLOURS[level],
                customdata=[[holding.name, f"{holding.amount:,.2f}"] for holding in shown],
                hovertemplate="%{customdata[0]} (%{y})<br>%{x:.1%} · %{customdata[1]}"
                "<extra>%{fullData.name}</extra>",
                cliponaxis=False,
            )
        )
    # Categories keep the holdings' order (largest first); plotly draws the first one at the bottom.
    tickers = [holding.ticker for holding in holdings]
    figure.update_yaxes(categoryorder="array", categoryarray=tickers[::-1], automargin=True)
    figure.update_xaxes(tickformat=".0%", rangemode="tozero")
    figure.update_layout(
        barmode="stack",
        legend={"title_text": "Product risk", "traceorder": "normal"},
        height=max(240, 90 + 40 * len(holdings)),
    )
    _styled(figure)
    figure.update_layout(margin_r=56)  # room for the labels beside the longest bar
    return figure


def frontier_chart(
    frontier: Sequence[FrontierPoint], chosen_volatility: float, chosen_return: float
) -> go.Figure:
    """The efficient frontier (volatility against expected return) with the chosen portfolio."""
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            name="Efficient frontier",
            x=[point.volatility for point in frontier],
            y=[point.expected_return for point in frontier],
            mode="lines+markers",
            line={"color": LINE_COLOURS[0], "width": 2},
            marker={"size": 5},
            hovertemplate="volatility %{x:.1%}<br>return %{y:.1%}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            name="This portfolio",
            x=[chosen_volatility],
            y=[chosen_return],
            mode="markers",
            marker={"symbol": "star", "size": 16, "color": LINE_COLOURS[2]},
            hovertemplate="This portfolio<br>volatility %{x:.1%}<br>return %{y:.1%}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="Volatility (a year)", tickformat=".0%", rangemode="tozero")
    figure.update_yaxes(title_text="Expected return (a year)", tickformat=".1%")
    figure.update_layout(height=360)
    return _styled(figure)


def projection_chart(projection: GoalProjection, target_value: float | None) -> go.Figure:
    """A fan chart: the 5-95 and 25-75 percentile bands, the median, and the target if any."""
    bands = projection.bands
    years = list(bands.index)
    figure = go.Figure()
    for low, high, opacity in ((5, 95, 0.15), (25, 75, 0.3)):
        figure.add_traces(_band(years, bands, low, high, opacity))
    figure.add_trace(
        go.Scatter(
            name="Median",
            x=years,
            y=list(bands[50]),
            mode="lines",
            line={"color": LINE_COLOURS[0], "width": 3},
            hovertemplate="median: %{y:,.0f}<extra></extra>",
        )
    )
    if target_value is not None:
        figure.add_hline(
            y=target_value,
            line={"color": LINE_COLOURS[2], "dash": "dash", "width": 2},
            annotation_text=f"Target {target_value:,.0f}",
            annotation_position="top left",
        )
    figure.update_xaxes(title_text="Years from now", dtick=_year_step(len(years) - 1))
    figure.update_yaxes(title_text="Account value", tickformat=",.0f", rangemode="tozero")
    figure.update_layout(height=360, hovermode="x unified")
    return _styled(figure)


def backtest_chart(results: Mapping[str, BacktestResult]) -> go.Figure:
    """The value of one unit invested, month by month, under each named rebalancing policy."""
    figure = go.Figure()
    for (name, result), colour in zip(results.items(), LINE_COLOURS, strict=False):
        values = result.values
        figure.add_trace(
            go.Scatter(
                name=name,
                x=_dates(values.index),
                y=list(values),
                mode="lines",
                line={"color": colour, "width": 2},
                hovertemplate="%{x|%b %Y}: %{y:.2f}<extra>%{fullData.name}</extra>",
            )
        )
    figure.update_xaxes(title_text=None)
    figure.update_yaxes(title_text="Value of 1 invested", tickformat=".1f")
    figure.update_layout(height=360, hovermode="x unified")
    return _styled(figure)


def _band(
    years: list[int], bands: pd.DataFrame, low: int, high: int, opacity: float
) -> list[go.Scatter]:
    """A shaded percentile band: the lower edge, then the upper edge filling down to it."""
    return [
        go.Scatter(
            name=f"{low}th–{high}th percentile",
            x=years,
            y=list(bands[percentile]),
            mode="lines",
            line={"width": 0},
            fill=fill,
            fillcolor=f"rgba({BAND_COLOUR}, {opacity})",
            showlegend=fill is not None,
            hovertemplate=f"{percentile}th percentile: %{{y:,.0f}}<extra></extra>",
        )
        for percentile, fill in ((low, None), (high, "tonexty"))
    ]


def _year_step(years: int) -> int:
    """A tick every year for short horizons, thinning out so long ones stay readable."""
    return next((step for step in (1, 2, 5, 10) if years <= 10 * step), 20)


def _dates(index: pd.Index) -> pd.Index:
    """Monthly periods as timestamps, which plotly draws as a date axis."""
    return index.to_timestamp() if isinstance(index, pd.PeriodIndex) else index


def _styled(figure: go.Figure) -> go.Figure:
    """The house look: white background, the page's font, legend on top, snug margins."""
    figure.update_layout(
        template="plotly_white",
        font={"family": FONT_FAMILY, "size": 13},
        margin={"l": 10, "r": 20, "t": 40, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return figure

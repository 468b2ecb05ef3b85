"""Pure functions from stored records and engine results to what the pages show: tables, charts,
and the sentences that go with them. Every number shown comes from the engine or the store; these
functions only format it. Shared by the investor, advisor, elderly and delegate pages."""

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from advisor.app.charts import allocation_chart, projection_chart
from advisor.engine.projection import project_goal
from advisor.knowledge.documents import KnowledgeDocument
from advisor.reports import Holding
from advisor.runtime import Runtime
from advisor.storage.models import ProposalStatus
from advisor.storage.store import AuditEventRecord, ProposalRecord

HOLDING_COLUMNS: Final = ["Product", "Ticker", "Risk", "Weight"]
COMPARE_COLUMNS: Final = ["Product", "Risk", "Before", "After", "Change"]
PROFILE_FIELDS: Final = {
    "age": "Age",
    "life_stage": "Life stage",
    "risk_level": "Risk level",
    "horizon_years": "Horizon (years)",
    "emergency_fund_months": "Emergency savings (months)",
    "emotion": "Emotional state",
    "goals": "Goals",
    "flags": "Flags",
}
CORRECTABLE_FIELDS: Final = {
    "age": "Age",
    "horizon_years": "Horizon (years)",
    "risk_level": "Risk level (1-5)",
    "emergency_fund_months": "Emergency savings (months)",
    "goals": "Goal",
}
PROJECTION_AMOUNT: Final = 10_000.0  # projections are per 10,000, as the advisor's replies are
DEFAULT_YEARS: Final = 10
SHOWN: Final = 1e-4

STATUS_WORDS: Final = {
    ProposalStatus.DRAFT: "Proposed to you; not accepted yet.",
    ProposalStatus.PENDING_REVIEW: "Waiting for your advisor's review.",
    ProposalStatus.APPROVED: "Approved by your advisor.",
    ProposalStatus.REJECTED: "Not approved by your advisor.",
    ProposalStatus.EXECUTED: "In place in your account.",
}


# ------------------------------------------------------------------ portfolios


def holdings_of(
    runtime: Runtime, weights: Mapping[str, float], amount: float = PROJECTION_AMOUNT
) -> list[Holding]:
    """Stored weights (product id -> weight) as holdings with names and risk levels, largest
    first; products no longer in the catalogue are shown by id at unknown risk (R5, the worst)."""
    by_id = {product.id: product for product in runtime.catalogue.products}
    held = []
    for product_id, weight in weights.items():
        if weight < SHOWN:
            continue
        product = by_id.get(product_id)
        held.append(
            Holding(
                product_id=product_id,
                name=product.name if product else product_id,
                ticker=product.ticker if product else product_id,
                risk_level=product.risk_level if product else 5,
                weight=float(weight),
                amount=float(weight) * amount,
            )
        )
    return sorted(held, key=lambda holding: -holding.weight)


def holdings_table(holdings: Sequence[Holding]) -> pd.DataFrame:
    """Product, ticker, product risk level and weight, one row per holding."""
    rows = [[h.name, h.ticker, f"R{h.risk_level}", f"{h.weight:.1%}"] for h in holdings]
    return pd.DataFrame(rows, columns=HOLDING_COLUMNS)


def weights_vector(runtime: Runtime, weights: Mapping[str, float]) -> np.ndarray:
    """Stored weights in catalogue order, for the engine's statistics."""
    vector = np.zeros(len(runtime.catalogue.products))
    for product_id, weight in weights.items():
        vector[runtime.catalogue.index(product_id)] = weight
    return vector


def statistics(runtime: Runtime, weights: Mapping[str, float]) -> tuple[float, float]:
    """The engine's expected return and volatility (a year) of a portfolio."""
    expected, volatility = runtime.optimizer.portfolio_statistics(weights_vector(runtime, weights))
    return float(expected), float(volatility)


@dataclass(frozen=True)
class PortfolioView:
    """A proposal as the pages show it."""

    chart: go.Figure
    table: pd.DataFrame
    summary: str  # one sentence: the chart is never shown without one
    projection_chart: go.Figure
    projection_summary: str


def portfolio_view(
    runtime: Runtime, weights: Mapping[str, float], horizon_years: float | None
) -> PortfolioView:
    """The allocation chart and table, and the goal projection fan chart per 10,000 invested."""
    holdings = holdings_of(runtime, weights)
    expected, volatility = statistics(runtime, weights)
    years = max(1, round(horizon_years or DEFAULT_YEARS))
    projection = project_goal(PROJECTION_AMOUNT, years, expected, volatility)
    final = projection.bands.iloc[-1]
    largest = holdings[0] if holdings else None
    summary = (
        f"{len(holdings)} products; the largest is {largest.name} at {largest.weight:.0%}. "
        f"Expected return {expected:.1%} a year, with ups and downs (volatility) of "
        f"{volatility:.1%}."
        if largest
        else "This portfolio holds nothing."
    )
    projection_summary = (
        f"{PROJECTION_AMOUNT:,.0f} invested could be worth about {final[50]:,.0f} after "
        f"{years} years; in 9 cases out of 10 between {final[5]:,.0f} and {final[95]:,.0f}."
    )
    return PortfolioView(
        chart=allocation_chart(holdings),
        table=holdings_table(holdings),
        summary=summary,
        projection_chart=projection_chart(projection, None),
        projection_summary=projection_summary,
    )


def comparison_table(
    runtime: Runtime, before: Mapping[str, float], after: Mapping[str, float]
) -> pd.DataFrame:
    """Before and after weights of every product in either, largest change first."""
    by_id = {product.id: product for product in runtime.catalogue.products}
    rows: list[list[str]] = []
    changes: list[float] = []
    for product_id in sorted(set(before) | set(after)):
        old, new = before.get(product_id, 0.0), after.get(product_id, 0.0)
        if max(old, new) < SHOWN:
            continue
        product = by_id.get(product_id)
        rows.append(
            [
                product.name if product else product_id,
                f"R{product.risk_level}" if product else "?",
                f"{old:.1%}",
                f"{new:.1%}",
                f"{new - old:+.1%}",
            ]
        )
        changes.append(abs(new - old))
    order = sorted(range(len(rows)), key=lambda i: -changes[i])
    return pd.DataFrame([rows[i] for i in order], columns=COMPARE_COLUMNS)


def parse_weights(table: pd.DataFrame | Mapping[str, Any] | None) -> dict[str, float]:
    """Edited weights from the editable table (columns product id and weight in %)."""
    if table is None:
        return {}
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    weights: dict[str, float] = {}
    for product_id, percent in zip(frame.iloc[:, 0], frame.iloc[:, -1], strict=True):
        text = str(percent).strip().removesuffix("%")
        if not str(product_id).strip() or not text:
            continue
        weights[str(product_id).strip()] = float(text) / 100
    return weights


# ------------------------------------------------------------------ profile


def profile_markdown(contract: Mapping[str, Any] | None) -> str:
    """The profile's fields, each with how sure the advisor is and the words it came from."""
    if not contract:
        return "Nothing is known yet. Tell the advisor about yourself in the chat."
    evidence: Mapping[str, Any] = contract.get("evidence", {})
    confidence: Mapping[str, float] = contract.get("confidence", {})
    corrections: Mapping[str, Any] = contract.get("corrections", {})
    lines = ["| Field | Value | From your words |", "|---|---|---|"]
    for key, label in PROFILE_FIELDS.items():
        if key not in contract:
            continue  # e.g. emergency savings, kept in the profile only once corrected
        value = contract.get(key)
        quotes = _quotes(evidence.get(key))
        shown = _value_text(key, value)
        if key in corrections:
            shown += " *(corrected by you)*"
        elif key in confidence and value is not None:
            shown += f" ({confidence[key]:.0%} sure)"
        lines.append(f"| {label} | {shown} | {quotes} |")
    if contract.get("sustained_anxiety"):
        lines.append("\nThe advisor noticed worry over several messages.")
    return "\n".join(lines)


def _value_text(key: str, value: Any) -> str:
    if value == []:
        return "none"
    if value is None:
        return "unknown"
    if key == "risk_level":
        return f"C{value}"
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value).replace("_", " ")


def _quotes(evidence: Any) -> str:
    """The quoted words behind a field, whether a list or a mapping of lists (goals, flags)."""
    items: list[Any] = []
    if isinstance(evidence, Mapping):
        for found in evidence.values():
            items.extend(found)
    elif isinstance(evidence, list):
        items = evidence
    quotes = [f"“{_cell(item['quote'])}”" for item in items if isinstance(item, Mapping)]
    return "; ".join(dict.fromkeys(quotes)) or "—"


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return re.sub(r"\s+", " ", text.replace("|", "/")).strip()


def correction_message(field: str, value: str) -> str:
    """The correction as the investor would say it, so the advisor reads it in the conversation."""
    label = CORRECTABLE_FIELDS[field].split(" (")[0].lower()
    return f"Correction: my {label} is {value}."


# ------------------------------------------------------------------ documents


def document_markdown(document: KnowledgeDocument | None) -> str:
    """A cited document in full, with its source and date."""
    if document is None:
        return "This document is not in the knowledge base."
    meta = document.meta
    body = "\n\n".join(f"### {section.heading}\n{section.text}" for section in document.sections)
    return (
        f"## {meta.title}\n`{meta.id}` · {meta.kind} · {meta.jurisdiction} · "
        f"{meta.source} · effective {meta.effective}\n\n{body}"
    )


def rule_documents(runtime: Runtime, rule_ids: Iterable[str]) -> list[str]:
    """The documents that state the given rules, in order, without repeats."""
    wanted: list[str] = []
    for rule_id in rule_ids:
        for rulebook in runtime.rulebooks.values():
            try:
                document_id = rulebook.cited(rule_id).document_id
            except Exception:
                continue
            if document_id not in wanted:
                wanted.append(document_id)
            break
    return wanted


def product_documents(runtime: Runtime, product_ids: Iterable[str]) -> list[str]:
    """The product documents of the given products, in order."""
    by_product = {d.meta.product_id: d.meta.id for d in runtime.documents if d.meta.product_id}
    return [by_product[p] for p in product_ids if p in by_product]


def rules_in(rationale: str) -> list[str]:
    """The rule ids a stored rationale names ("...; rules: a, b.")."""
    match = re.search(r"rules: ([^.]*)\.", rationale)
    if not match or match.group(1) == "none":
        return []
    return [rule.strip() for rule in match.group(1).split(",") if rule.strip()]


# ------------------------------------------------------------------ accounts


@dataclass(frozen=True)
class RebalancingStatus:
    """How far an account is from its target, and what would trade it back."""

    value: float
    drift: float  # the largest absolute weight difference
    needs_trade: bool
    trades: pd.DataFrame
    last_rebalanced: datetime | None
    text: str


TRADE_COLUMNS: Final = ["Product", "Trade", "Amount"]


def rebalancing_status(
    runtime: Runtime,
    holdings: Mapping[str, float],
    target: Mapping[str, float] | None,
    last_rebalanced: datetime | None,
) -> RebalancingStatus:
    """Drift against the target and the trades back to it, against the policy's trigger."""
    policy = runtime.policy.rebalancing
    value = sum(holdings.values())
    empty = pd.DataFrame([], columns=TRADE_COLUMNS)
    if not target or value <= 0:
        text = "No money is invested yet." if value <= 0 else "No target portfolio yet."
        return RebalancingStatus(value, 0.0, False, empty, last_rebalanced, text)
    by_id = {product.id: product for product in runtime.catalogue.products}
    drift = 0.0
    rows = []
    for product_id in sorted(set(holdings) | set(target)):
        current = holdings.get(product_id, 0.0)
        wanted = target.get(product_id, 0.0) * value
        drift = max(drift, abs(current / value - target.get(product_id, 0.0)))
        difference = wanted - current
        if abs(difference) >= max(policy.min_trade_value, 0.01):
            name = by_id[product_id].name if product_id in by_id else product_id
            rows.append([name, "buy" if difference > 0 else "sell", f"{abs(difference):,.2f}"])
    needs_trade = drift >= policy.drift_trigger
    when = last_rebalanced.strftime("%Y-%m-%d %H:%M UTC") if last_rebalanced else "never"
    next_check = (
        f" Next calendar check: {next_calendar_check(last_rebalanced, policy.calendar_months)}."
        if last_rebalanced
        else ""
    )
    text = (
        f"Value {value:,.2f}. Largest drift from target {drift:.1%} "
        f"(rebalanced when it reaches {policy.drift_trigger:.0%}). Last rebalanced: {when}."
        f"{next_check} "
        + (
            "A rebalance is due: the trades below are pending."
            if needs_trade
            else "No trade is needed now."
        )
    )
    trades = pd.DataFrame(rows if needs_trade else [], columns=TRADE_COLUMNS)
    return RebalancingStatus(value, drift, needs_trade, trades, last_rebalanced, text)


def next_calendar_check(last: datetime, months: int) -> str:
    """The date `months` calendar months after `last` (the day clipped to the month's end)."""
    month_index = last.month - 1 + months
    year, month = last.year + month_index // 12, month_index % 12 + 1
    day = min(last.day, calendar.monthrange(year, month)[1])
    return f"{year:04d}-{month:02d}-{day:02d}"


def last_rebalanced(events: Sequence[AuditEventRecord]) -> datetime | None:
    """When the account's holdings last changed, from its audit events."""
    changes = [event.at for event in events if event.action == "holdings.replaced"]
    return changes[-1] if changes else None


def latest_proposal(proposals: Sequence[ProposalRecord]) -> ProposalRecord | None:
    """The proposal to show: the newest open one, else the newest."""
    open_ones = [
        p for p in proposals if p.status in (ProposalStatus.DRAFT, ProposalStatus.PENDING_REVIEW)
    ]
    if open_ones:
        return open_ones[-1]
    return proposals[-1] if proposals else None


def current_target(proposals: Sequence[ProposalRecord]) -> ProposalRecord | None:
    """The newest executed proposal: the account's target."""
    executed = [p for p in proposals if p.status == ProposalStatus.EXECUTED]
    return executed[-1] if executed else None


def audit_table(events: Sequence[AuditEventRecord]) -> pd.DataFrame:
    """The audit log, newest first: when, who, what, about what, and the details."""
    rows = [
        [
            event.at.strftime("%Y-%m-%d %H:%M:%S"),
            event.actor,
            event.action,
            f"{event.subject_type} {event.subject_id or ''}".strip(),
            _details(event.payload),
        ]
        for event in reversed(events)
    ]
    return pd.DataFrame(rows, columns=["When (UTC)", "Who", "What", "About", "Details"])


def _details(payload: Mapping[str, Any]) -> str:
    shown = []
    for key, value in payload.items():
        if key in ("weights", "before", "after", "evidence") or isinstance(value, dict | list):
            continue
        shown.append(f"{key}={value}")
    text = ", ".join(shown)
    return text if len(text) <= 160 else text[:159] + "…"


def trade_lines(
    runtime: Runtime, holdings: Mapping[str, float], weights: Mapping[str, float]
) -> list[tuple[str, bool, float]]:
    """(product name, is a sale, amount) to go from the holdings to the weights of the same total,
    sales first, largest first; amounts under a cent are left out."""
    total = sum(holdings.values())
    by_id = {product.id: product for product in runtime.catalogue.products}
    lines = []
    for product_id in set(holdings) | set(weights):
        difference = weights.get(product_id, 0.0) * total - holdings.get(product_id, 0.0)
        if abs(difference) < 0.01:
            continue
        name = by_id[product_id].name if product_id in by_id else product_id
        lines.append((name, difference < 0, abs(difference)))
    return sorted(lines, key=lambda line: (not line[1], -line[2]))

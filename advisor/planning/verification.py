"""Verifying the methodology: what actually ran, from the audit log and the running
configuration, against what `portfolios/methodology.toml` discloses. Every difference is a
`Deviation`. Pure computation over records handed in.

The audit events this reads (written by `advisor.planning.service`):

- `harvest.scan` (subject: investor): payload `on` (ISO date), `methodology_version`,
  `min_loss_fraction`, `min_loss_amount`, `lots_scanned`, `sales`, `skipped`.
- `trade.executed` (subject: account): payload `investor_id`, `on`, `side` (buy or sell),
  `product_id`, `units`, `amount`, `source` (trade, deposit, dividend_reinvestment,
  harvest_substitute, rebalance, user_sale), `lot_id`, `taxable`; sales add `realized_gain`,
  `estimated_tax` and, for rebalancing sales, `benefit`; harvest purchases add `replaces`.
- `account.cash_weight` (subject: account): payload `on`, `cash_weight` after a trade run.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from advisor.planning.methodology import Methodology
from advisor.tax.wash_sale import LossSale, Purchase, find_wash_sales

DeviationKind = Literal[
    "missed_scan",
    "scan_parameters",
    "cash_above_floor",
    "wash_sale",
    "gain_realized_above_benefit",
    "substitute_not_configured",
    "configuration",
]


class RecordedEvent(Protocol):
    """What verification reads of an audit event (e.g. a storage `AuditEventRecord`)."""

    @property
    def action(self) -> str: ...

    @property
    def subject_type(self) -> str: ...

    @property
    def subject_id(self) -> str | None: ...

    @property
    def payload(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Deviation:
    """One difference between what ran and what is disclosed."""

    kind: DeviationKind
    on: date | None
    subject: str
    detail: str


@dataclass(frozen=True)
class RunningConfiguration:
    """Parameters the running system reads from elsewhere than the methodology file."""

    drift_trigger: float
    absolute_band: float
    relative_band: float
    calendar_months: int
    min_trade_value: float
    cooling_off_hours: float


def verify_methodology(
    config: Methodology,
    events: Sequence[RecordedEvent],
    running: RunningConfiguration,
    until: date,
) -> tuple[Deviation, ...]:
    """Every deviation, configuration first, then by date."""
    found = list(check_configuration(config, running))
    found += check_scans(config, events, until)
    found += check_cash(config, events)
    found += check_trades(config, events)
    return tuple(found)


def check_configuration(config: Methodology, running: RunningConfiguration) -> list[Deviation]:
    """The running rebalancing policy and cooling-off period against the disclosed ones."""
    disclosed = {
        "drift_trigger": config.drift.drift_trigger,
        "absolute_band": config.drift.absolute_band,
        "relative_band": config.drift.relative_band,
        "calendar_months": config.drift.calendar_months,
        "min_trade_value": config.drift.min_trade_value,
        "cooling_off_hours": config.cooling_off.hours,
    }
    return [
        Deviation(
            "configuration",
            None,
            name,
            f"the system runs with {name} = {getattr(running, name)!r}, the methodology "
            f"discloses {value!r}",
        )
        for name, value in disclosed.items()
        if abs(float(getattr(running, name)) - float(value)) > 1e-12
    ]


def expected_scan_days(first: date, until: date, interval: int, business_only: bool) -> list[date]:
    """The days a scan must run from the first scan up to `until`, inclusive."""
    days: list[date] = []
    day = first
    while day <= until:
        if not business_only or day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    if interval == 1:
        return days
    return days[::interval]


def check_scans(
    config: Methodology, events: Sequence[RecordedEvent], until: date
) -> list[Deviation]:
    """Per investor: a scan on every disclosed day from their first scan up to `until`, run with
    the disclosed version and thresholds."""
    harvest = config.harvesting
    scans: dict[str, list[Mapping[str, Any]]] = {}
    for event in events:
        if event.action == "harvest.scan":
            scans.setdefault(event.subject_id or "", []).append(event.payload)
    found: list[Deviation] = []
    for investor, payloads in sorted(scans.items()):
        ran = {date.fromisoformat(payload["on"]) for payload in payloads}
        for day in expected_scan_days(
            min(ran), until, harvest.scan_interval_days, harvest.business_days_only
        ):
            if day not in ran:
                found.append(
                    Deviation("missed_scan", day, f"investor {investor}", "no harvest scan ran")
                )
        for payload in payloads:
            used = (
                payload.get("methodology_version"),
                payload.get("min_loss_fraction"),
                payload.get("min_loss_amount"),
            )
            disclosed = (config.version, harvest.min_loss_fraction, harvest.min_loss_amount)
            if used != disclosed:
                found.append(
                    Deviation(
                        "scan_parameters",
                        date.fromisoformat(payload["on"]),
                        f"investor {investor}",
                        f"scan ran with (version, min loss fraction, min loss amount) = {used}, "
                        f"disclosed {disclosed}",
                    )
                )
    return found


def check_cash(config: Methodology, events: Iterable[RecordedEvent]) -> list[Deviation]:
    """Uninvested cash after each trade run within the disclosed floor and tolerance."""
    return [
        Deviation(
            "cash_above_floor",
            date.fromisoformat(event.payload["on"]),
            f"account {event.subject_id}",
            f"uninvested cash {event.payload['cash_weight']:.2%} is above the disclosed "
            f"{config.cash.floor:.2%} floor plus {config.cash.tolerance:.2%} tolerance",
        )
        for event in events
        if event.action == "account.cash_weight"
        and float(event.payload["cash_weight"]) > config.cash.ceiling + 1e-9
    ]


def check_trades(config: Methodology, events: Iterable[RecordedEvent]) -> list[Deviation]:
    """Wash sales across each investor's accounts, gains realized although their tax exceeded
    their benefit, and harvest purchases of products that are not the configured substitute."""
    trades = [event for event in events if event.action == "trade.executed"]
    substitutes = config.harvesting.substitutes()
    found: list[Deviation] = []
    by_investor: dict[str, list[RecordedEvent]] = {}
    for event in trades:
        by_investor.setdefault(str(event.payload["investor_id"]), []).append(event)
    for investor, investor_trades in sorted(by_investor.items()):
        loss_sales, purchases = _loss_sales_and_purchases(investor_trades)
        for wash in find_wash_sales(loss_sales, purchases, config.wash_sale_rules()):
            found.append(
                Deviation(
                    "wash_sale",
                    wash.purchase.on,
                    f"investor {investor}",
                    f"{wash.purchase.product_id} bought in account {wash.purchase.account_id} on "
                    f"{wash.purchase.on.isoformat()} ({wash.purchase.source}) within "
                    f"{config.tax.wash_sale_window_days} days of the loss sale of "
                    f"{wash.sale.product_id} in account {wash.sale.account_id} on "
                    f"{wash.sale.on.isoformat()}",
                )
            )
    for event in trades:
        payload = event.payload
        on = date.fromisoformat(payload["on"])
        if (
            payload["side"] == "sell"
            and payload.get("source") == "rebalance"
            and payload.get("taxable")
            and float(payload.get("realized_gain", 0)) > 0
            and float(payload.get("estimated_tax", 0)) >= float(payload.get("benefit", 0))
            and float(payload.get("estimated_tax", 0)) > 0
        ):
            found.append(
                Deviation(
                    "gain_realized_above_benefit",
                    on,
                    f"account {event.subject_id}",
                    f"a gain of {payload['realized_gain']:.2f} on {payload['product_id']} was "
                    f"realized with estimated tax {payload['estimated_tax']:.2f} not below its "
                    f"estimated benefit {payload.get('benefit', 0):.2f}",
                )
            )
        replaces = payload.get("replaces")
        if payload.get("source") == "harvest_substitute" and (
            replaces is None or substitutes.get(str(replaces)) != payload["product_id"]
        ):
            found.append(
                Deviation(
                    "substitute_not_configured",
                    on,
                    f"account {event.subject_id}",
                    f"harvest bought {payload['product_id']} for {replaces}, which is not a "
                    "configured substitute pair",
                )
            )
    return found


def _loss_sales_and_purchases(
    trades: Iterable[RecordedEvent],
) -> tuple[list[LossSale], list[Purchase]]:
    loss_sales: list[LossSale] = []
    purchases: list[Purchase] = []
    for event in trades:
        payload = event.payload
        on = date.fromisoformat(payload["on"])
        account = str(event.subject_id)
        if payload["side"] == "sell":
            gain = float(payload.get("realized_gain", 0))
            if gain < 0 and payload.get("taxable"):
                loss_sales.append(
                    LossSale(
                        account_id=account,
                        product_id=payload["product_id"],
                        on=on,
                        loss=-gain,
                        lot_id=_text(payload.get("lot_id")),
                    )
                )
        else:
            source = payload.get("source", "trade")
            purchases.append(
                Purchase(
                    account_id=account,
                    product_id=payload["product_id"],
                    on=on,
                    units=float(payload["units"]),
                    source=source if source != "user_sale" else "trade",
                    lot_id=_text(payload.get("lot_id")),
                )
            )
    return loss_sales, purchases


def _text(value: object) -> str | None:
    return None if value is None else str(value)

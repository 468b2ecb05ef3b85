"""Temporary trading holds. A suspected exploitation of an investor aged 65 or more (a request to
move everything after a call from a stranger) stops their trades for a while and tells their
trusted contact and their advisor; for a younger investor (or one of unknown age) the advisor
and trusted contact are alerted without a hold."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.accounts.alerts import alert_recipients, send_alert
from advisor.accounts.audit import audit
from advisor.accounts.roles import Action, Principal
from advisor.accounts.service import AccountService
from advisor.errors import AdvisorError
from advisor.settings import Settings
from advisor.storage.models import AlertKind, Investor, Profile, TradingHold, utc_now
from advisor.storage.store import Store

HOLD_AGE: Final = 65


@dataclass(frozen=True)
class HoldRecord:
    """A trading hold in force."""

    id: int
    investor_id: int
    reason: str
    placed_by: str
    until: datetime


class HoldService:
    """Placing, reading and releasing trading holds."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        accounts: AccountService,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = store
        self._settings = settings
        self._accounts = accounts
        self._clock = clock

    def raise_exploitation_hold(
        self, investor_id: int, reason: str, *, actor: str = "robo-advisor"
    ) -> HoldRecord | None:
        """Flag a suspected exploitation: alert the trusted contacts and advisors, and for an
        investor of 65 or more also stop trading for `exploitation_hold_hours`. Returns the hold,
        or None when no hold was placed."""
        now = self._clock()
        with self._store.transaction() as session:
            age = investor_age(session, investor_id, now)
            recipients = alert_recipients(session, investor_id, now)
            hold = None
            if age is not None and age >= HOLD_AGE:
                until = now + timedelta(hours=self._settings.exploitation_hold_hours)
                hold = TradingHold(
                    investor_id=investor_id, reason=reason, placed_by=actor, until=until
                )
                session.add(hold)
                session.flush()
                payload = {"hold_id": hold.id, "reason": reason, "until": until.isoformat()}
                audit(session, actor, "hold.placed", "investor", investor_id, payload)
            send_alert(
                session,
                investor_id,
                AlertKind.POSSIBLE_EXPLOITATION,
                f"Possible exploitation: {reason}",
                recipients,
                actor,
            )
            if hold is None:
                return None
            message = (
                f"Trading is on hold until {hold.until:%Y-%m-%d %H:%M} UTC while this is checked"
            )
            send_alert(session, investor_id, AlertKind.HOLD, message, recipients, actor)
            return _record(hold)

    def active_hold(self, investor_id: int) -> HoldRecord | None:
        """The hold in force on the investor's trades, if any."""
        with self._store.transaction() as session:
            hold = active_hold(session, investor_id, self._clock())
            return None if hold is None else _record(hold)

    def release(self, principal: Principal, investor_id: int, comment: str) -> None:
        """End the holds on an investor early, e.g. once the advisor spoke with them; needs the
        right to review the investor's proposals (their advisor, or an admin)."""
        self._accounts.authorize(principal, Action.REVIEW_PROPOSAL, investor_id)
        now = self._clock()
        with self._store.transaction() as session:
            hold = active_hold(session, investor_id, now)
            if hold is None:
                raise AdvisorError(f"Investor {investor_id} has no trading hold in force")
            hold.released_at = now
            hold.released_by = principal.actor
            payload = {"hold_id": hold.id, "comment": comment}
            audit(session, principal.actor, "hold.released", "investor", investor_id, payload)


def active_hold(session: Session, investor_id: int, now: datetime) -> TradingHold | None:
    """The longest-running hold in force on the investor, if any."""
    query = (
        select(TradingHold)
        .where(
            TradingHold.investor_id == investor_id,
            TradingHold.released_at.is_(None),
            TradingHold.until > now,
        )
        .order_by(TradingHold.until.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def investor_age(session: Session, investor_id: int, now: datetime) -> int | None:
    """The investor's age: the older of what the birth year and the latest profile say (erring
    towards protection), or None if neither is known."""
    investor = session.get(Investor, investor_id)
    if investor is None:
        raise AdvisorError(f"There is no investor with id {investor_id}")
    ages = []
    if investor.birth_year is not None:
        ages.append(now.year - investor.birth_year)
    latest = session.scalars(
        select(Profile)
        .where(Profile.investor_id == investor_id)
        .order_by(Profile.version.desc())
        .limit(1)
    ).first()
    if latest is not None and isinstance(latest.data.get("age"), int):
        ages.append(int(latest.data["age"]))
    return max(ages, default=None)


def _record(hold: TradingHold) -> HoldRecord:
    return HoldRecord(
        id=hold.id,
        investor_id=hold.investor_id,
        reason=hold.reason,
        placed_by=hold.placed_by,
        until=hold.until,
    )

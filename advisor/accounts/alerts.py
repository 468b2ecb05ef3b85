"""Alerts to an investor's trusted contacts and advisors: large trades, panic, suspected
exploitation, trading holds. Sent inside the caller's transaction; read by their recipient."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.accounts import users
from advisor.accounts.audit import audit
from advisor.accounts.errors import PermissionDenied
from advisor.accounts.roles import Principal
from advisor.errors import AdvisorError
from advisor.storage.models import (
    Alert,
    AlertKind,
    Delegate,
    DelegatePermission,
    Investor,
    User,
    utc_now,
)
from advisor.storage.store import Store


@dataclass(frozen=True)
class AlertRecord:
    """One alert as its recipient sees it."""

    id: int
    investor_id: int
    kind: AlertKind
    message: str
    created_at: datetime
    read_at: datetime | None


def alert_recipients(
    session: Session, investor_id: int, now: datetime, *, advisors: bool = True
) -> list[int]:
    """The users to alert about an investor: delegates granted `alerts` (not revoked) and, if
    asked, the assigned advisors."""
    query = (
        select(User.id, Delegate)
        .join(Delegate, Delegate.id == User.delegate_id)
        .where(Delegate.investor_id == investor_id, User.disabled.is_(False))
        .order_by(User.id)
    )
    recipients = [
        user_id
        for user_id, delegate in session.execute(query)
        if DelegatePermission.ALERTS.value in delegate.permissions
        and (delegate.revoked_at is None or delegate.revoked_at > now)
    ]
    if advisors:
        recipients += users.advisors_of(session, investor_id)
    return recipients


def send_alert(
    session: Session,
    investor_id: int,
    kind: AlertKind,
    message: str,
    recipients: list[int],
    actor: str,
) -> list[int]:
    """Alert each recipient, audited once; return the alerts' ids."""
    if session.get(Investor, investor_id) is None:
        raise AdvisorError(f"There is no investor with id {investor_id}")
    alerts = [
        Alert(investor_id=investor_id, kind=kind, message=message, recipient_user_id=user_id)
        for user_id in recipients
    ]
    session.add_all(alerts)
    session.flush()
    payload = {"kind": kind.value, "message": message, "recipients": recipients}
    audit(session, actor, "alert.sent", "investor", investor_id, payload)
    return [alert.id for alert in alerts]


class AlertService:
    """Sending alerts about an investor, and reading and dismissing one's own alerts."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = store
        self._clock = clock

    def notify(
        self, investor_id: int, kind: AlertKind, message: str, *, actor: str = "robo-advisor"
    ) -> list[int]:
        """Alert the investor's trusted contacts (granted `alerts`) and advisors, e.g. of a panic
        state; return the alerts' ids (none if nobody is to be told)."""
        with self._store.transaction() as session:
            recipients = alert_recipients(session, investor_id, self._clock())
            return send_alert(session, investor_id, AlertKind(kind), message, recipients, actor)

    def alerts(self, principal: Principal, *, unread_only: bool = False) -> list[AlertRecord]:
        """The principal's own alerts, newest first."""
        query = (
            select(Alert)
            .where(Alert.recipient_user_id == principal.user_id)
            .order_by(Alert.id.desc())
        )
        if unread_only:
            query = query.where(Alert.read_at.is_(None))
        with self._store.transaction() as session:
            return [_record(alert) for alert in session.scalars(query)]

    def mark_read(self, principal: Principal, alert_id: int) -> None:
        """Mark one of the principal's alerts as read."""
        with self._store.transaction() as session:
            alert = session.get(Alert, alert_id)
            if alert is None or alert.recipient_user_id != principal.user_id:
                raise PermissionDenied(f"Alert {alert_id} is not addressed to {principal.username}")
            if alert.read_at is None:
                alert.read_at = self._clock()
                audit(session, principal.actor, "alert.read", "alert", alert_id, {})


def _record(alert: Alert) -> AlertRecord:
    return AlertRecord(
        id=alert.id,
        investor_id=alert.investor_id,
        kind=alert.kind,
        message=alert.message,
        created_at=alert.created_at,
        read_at=alert.read_at,
    )

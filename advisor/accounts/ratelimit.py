"""Login rate limiting: too many failed sign-ins for one username, or from one client, within a
window lock that username (or client) out for a while, even with the right password.

The counts live in the audit log, so they hold across restarts and across app processes sharing
the database, and every step is on record:

* `login.failed`: a failed sign-in, once under the username and once under the client (if known);
* `login.locked`: the attempt that reached the limit, with the time the lock ends;
* `login.refused`: an attempt made while locked (not counted again: a lock is not prolonged by
  knocking on it);
* `login.reset`: a successful sign-in clears the username's count (never the client's: one good
  account must not let a client keep guessing at others).

Unknown usernames count like known ones, so a lock reveals nothing about which usernames exist.
The events are stamped with the service's clock, so tests can move time.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.accounts.errors import AuthenticationError
from advisor.settings import Settings
from advisor.storage.models import AuditEvent

Scope = Literal["username", "client"]
ACTOR: Final = "system"
SUBJECT: Final[dict[Scope, str]] = {"username": "login.username", "client": "login.client"}
KEY_CHARS: Final = 100  # the audit log's subject id holds at most this many characters


class AccountLocked(AuthenticationError):
    """Too many failed sign-ins for this username or from this client: wait until the time given."""


@dataclass(frozen=True)
class Lock:
    """A lock in force: on what, and until when."""

    scope: Scope
    until: datetime

    def message(self) -> str:
        """What the user is told; the same words for known and unknown usernames."""
        who = "this username" if self.scope == "username" else "this device"
        return (
            f"Too many failed sign-ins for {who}; try again after {self.until:%Y-%m-%d %H:%M} UTC"
        )


class LoginRateLimiter:
    """Counts failed sign-ins per username and per client in the audit log, and locks them out.

    Each method works inside the caller's transaction (`session`), so a lock, a refusal or a
    failure is recorded together with the sign-in attempt it belongs to.
    """

    def __init__(self, settings: Settings, clock: Callable[[], datetime]) -> None:
        self._settings = settings
        self._clock = clock

    def lock(self, session: Session, username: str, client: str | None) -> Lock | None:
        """The lock in force on the username or the client, if any; a refusal is recorded."""
        now = self._clock()
        for scope, key in _keys(username, client):
            until = self._locked_until(session, scope, key, now)
            if until is not None:
                self._event(session, "login.refused", scope, key, {"until": until.isoformat()})
                return Lock(scope, until)
        return None

    def failed(self, session: Session, username: str, client: str | None) -> Lock | None:
        """Record a failed sign-in; returns the lock it triggered, if it reached a limit."""
        now = self._clock()
        keys = _keys(username, client)
        triggered: Lock | None = None
        for scope, key in keys:
            other: dict[str, object] = (
                {"client": client} if scope == "username" else {"username": _key(username)}
            )
            self._event(session, "login.failed", scope, key, other)
        for scope, key in keys:
            failures = self._failures(session, scope, key, now)
            if failures >= self._limit(scope):
                until = now + timedelta(minutes=self._settings.login_lockout_minutes)
                payload = {
                    "until": until.isoformat(),
                    "failures": failures,
                    "window_minutes": self._settings.login_window_minutes,
                }
                self._event(session, "login.locked", scope, key, payload)
                triggered = triggered or Lock(scope, until)
        return triggered

    def succeeded(self, session: Session, username: str) -> None:
        """A successful sign-in: the username's count starts again (if there was one)."""
        now = self._clock()
        if self._failures(session, "username", _key(username), now):
            self._event(session, "login.reset", "username", _key(username), {})

    # ---------------------------------------------------------------------------------------------

    def _limit(self, scope: Scope) -> int:
        if scope == "username":
            return self._settings.login_max_failures
        return self._settings.login_max_failures_per_client

    def _recent(self, session: Session, scope: Scope, key: str, now: datetime) -> list[AuditEvent]:
        """The scope's events recent enough to matter, oldest first."""
        horizon = max(self._settings.login_window_minutes, self._settings.login_lockout_minutes)
        query = (
            select(AuditEvent)
            .where(
                AuditEvent.subject_type == SUBJECT[scope],
                AuditEvent.subject_id == key,
                AuditEvent.at > now - timedelta(minutes=horizon),
            )
            .order_by(AuditEvent.id)
        )
        return list(session.scalars(query))

    def _locked_until(
        self, session: Session, scope: Scope, key: str, now: datetime
    ) -> datetime | None:
        ends = [
            datetime.fromisoformat(str(event.payload["until"]))
            for event in self._recent(session, scope, key, now)
            if event.action == "login.locked"
        ]
        return max((end for end in ends if end > now), default=None)

    def _failures(self, session: Session, scope: Scope, key: str, now: datetime) -> int:
        """Failures in the window since the last lock or reset: a lock, once over, starts the
        count again, and so does a successful sign-in."""
        since = now - timedelta(minutes=self._settings.login_window_minutes)
        count = 0
        for event in self._recent(session, scope, key, now):
            if event.action in ("login.locked", "login.reset"):
                count = 0
            elif event.action == "login.failed" and event.at > since:
                count += 1
        return count

    def _event(
        self, session: Session, action: str, scope: Scope, key: str, payload: dict[str, object]
    ) -> None:
        session.add(
            AuditEvent(
                at=self._clock(),
                actor=ACTOR,
                action=action,
                subject_type=SUBJECT[scope],
                subject_id=key,
                payload=payload,
            )
        )
        session.flush()  # the next query in this transaction must see it


def _key(value: str) -> str:
    """The form a username or a client is counted under: trimmed, lower-case, bounded."""
    return value.strip().lower()[:KEY_CHARS]


def _keys(username: str, client: str | None) -> list[tuple[Scope, str]]:
    keys: list[tuple[Scope, str]] = [("username", _key(username))]
    if client:
        keys.append(("client", _key(client)))
    return keys

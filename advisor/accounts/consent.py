"""Consent to profiling and sentiment analysis, asked before any analysis, recorded with its time
and the version of the text the investor saw. Declining leaves the questionnaire-only path open."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import select

from advisor.accounts.audit import audit
from advisor.accounts.roles import Action, Principal
from advisor.accounts.service import AccountService
from advisor.storage.models import Consent, utc_now
from advisor.storage.store import Store


class ConsentKind(StrEnum):
    """What the investor consents to."""

    PROFILING = "profiling"
    SENTIMENT_ANALYSIS = "sentiment_analysis"


CONSENT_VERSION: Final = "2026-11-1"
CONSENT_TEXT: Final = (
    "To suggest a suitable portfolio, the assistant builds a profile from what you write: your "
    "life stage, risk level, goals and time horizon (profiling). It also notices how you feel "
    "about your money, for example anxious or excited, so that it does not push you into a "
    "decision you may regret (sentiment analysis). Each conclusion shows the words it came from, "
    "and you can correct it. If you decline, you can still answer a short questionnaire instead."
)


@dataclass(frozen=True)
class ConsentState:
    """The investor's latest answer for each kind; None where they have not answered."""

    profiling: bool | None
    sentiment_analysis: bool | None
    text_version: str | None
    at: datetime | None

    @property
    def answered(self) -> bool:
        """Whether the investor answered the current text (else ask, before any analysis)."""
        return (
            self.profiling is not None
            and self.sentiment_analysis is not None
            and self.text_version == CONSENT_VERSION
        )

    @property
    def analysis_allowed(self) -> bool:
        """Whether the conversation may be analysed; False means the questionnaire-only path."""
        return self.answered and bool(self.profiling) and bool(self.sentiment_analysis)


class ConsentService:
    """Records and reads consent; only the investor answers for themselves."""

    def __init__(
        self, store: Store, accounts: AccountService, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._clock = clock

    def grant(
        self, principal: Principal, investor_id: int, text_version: str = CONSENT_VERSION
    ) -> ConsentState:
        """Record consent to profiling and sentiment analysis against `text_version`."""
        return self._record(principal, investor_id, True, text_version)

    def decline(
        self, principal: Principal, investor_id: int, text_version: str = CONSENT_VERSION
    ) -> ConsentState:
        """Record that the investor declined both; the questionnaire-only path stays open."""
        return self._record(principal, investor_id, False, text_version)

    def current(self, principal: Principal, investor_id: int) -> ConsentState:
        """The investor's latest answers, for anyone who may view their profile."""
        self._accounts.authorize(principal, Action.VIEW_PROFILE, investor_id)
        return current_consent(self._store, investor_id)

    def _record(
        self, principal: Principal, investor_id: int, granted: bool, text_version: str
    ) -> ConsentState:
        self._accounts.authorize(principal, Action.MANAGE_CONSENT, investor_id)
        now = self._clock()
        with self._store.transaction() as session:
            for kind in ConsentKind:
                session.add(
                    Consent(
                        investor_id=investor_id,
                        kind=kind.value,
                        text_version=text_version,
                        granted=granted,
                        at=now,
                    )
                )
            action = "consent.granted" if granted else "consent.declined"
            payload = {"kinds": [k.value for k in ConsentKind], "text_version": text_version}
            audit(session, principal.actor, action, "investor", investor_id, payload)
        return current_consent(self._store, investor_id)


def current_consent(store: Store, investor_id: int) -> ConsentState:
    """The latest answer per kind of consent (no access check: for server-side use)."""
    query = select(Consent).where(Consent.investor_id == investor_id).order_by(Consent.id)
    latest: dict[str, Consent] = {}
    with store.transaction() as session:
        for consent in session.scalars(query):
            latest[consent.kind] = consent
    profiling = latest.get(ConsentKind.PROFILING.value)
    sentiment = latest.get(ConsentKind.SENTIMENT_ANALYSIS.value)
    newest = max(
        (c for c in (profiling, sentiment) if c is not None), key=lambda c: c.id, default=None
    )
    return ConsentState(
        profiling=None if profiling is None else profiling.granted,
        sentiment_analysis=None if sentiment is None else sentiment.granted,
        text_version=None if newest is None else newest.text_version,
        at=None if newest is None else newest.at,
    )

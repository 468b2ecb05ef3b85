"""The audit log's hash chain: each event carries the hash of the one before it, so changing or
deleting any event breaks the chain from that event on, and `verify_chain` names where.

An event's hash is the SHA-256 of the canonical JSON (sorted keys, no whitespace, UTF-8) of its
fields and the previous hash. Timestamps are hashed in UTC ISO 8601 with microseconds, so the
value read back from any backend hashes the same as the value written.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from advisor.storage.models import AuditEvent

GENESIS: Final = "0" * 64  # the "previous hash" of the first event
CHAIN_LOCK_KEY: Final = 0x617564  # PostgreSQL advisory lock taken while appending


@dataclass(frozen=True)
class ChainBreak:
    """The first event whose stored hashes do not match its contents or its predecessor."""

    event_id: int
    reason: str


def event_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | None,
    payload: Any,
    run_id: str | None,
) -> str:
    """The hash of one event's fields chained to `prev_hash`."""
    fields = {
        "prev_hash": prev_hash,
        "at": _utc(at).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        # Through JSON first, so the payload hashes as the database will give it back.
        "payload": json.loads(json.dumps(payload)),
        "run_id": run_id,
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def hash_of(event: AuditEvent, prev_hash: str) -> str:
    """The hash `event` must carry after an event whose hash is `prev_hash`."""
    return event_hash(
        prev_hash=prev_hash,
        at=event.at,
        actor=event.actor,
        action=event.action,
        subject_type=event.subject_type,
        subject_id=event.subject_id,
        payload=event.payload,
        run_id=event.run_id,
    )


def chain_new_events(session: Session, _flush_context: object, _instances: object) -> None:
    """A `before_flush` hook: give each new audit event its timestamp, previous hash and hash.

    The newest stored hash is read in the flushing transaction; on SQLite every write transaction
    holds the write lock from its start (`BEGIN IMMEDIATE`), so no other writer can interleave.
    """
    new = sorted(
        (obj for obj in session.new if isinstance(obj, AuditEvent)),
        key=lambda obj: inspect(obj).insert_order or 0,
    )
    if not new:
        return
    with session.no_autoflush:
        if session.get_bind().dialect.name == "postgresql":
            # Serialise appenders, which would otherwise both chain onto the same last event.
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
        last = session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev = last or GENESIS
    for event in new:
        if event.at is None:
            event.at = datetime.now(UTC)
        event.prev_hash = prev
        event.hash = hash_of(event, prev)
        prev = event.hash


def verify_chain(events: Iterable[AuditEvent]) -> ChainBreak | None:
    """The first break in events given oldest first, or None if the chain is intact."""
    prev = GENESIS
    for event in events:
        if event.prev_hash != prev:
            return ChainBreak(event.id, "its previous-hash link does not match the event before it")
        if event.hash != hash_of(event, prev):
            return ChainBreak(event.id, "its contents do not match its hash")
        prev = event.hash
    return None


def verify_session(session: Session) -> ChainBreak | None:
    """The first break in the whole audit log of the session's database, or None."""
    events = session.scalars(
        select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500)
    )
    return verify_chain(events)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

"""Audit events written inside the caller's transaction, so an action and its record stand or fall
together. The hash chain is added by the storage layer when the event is flushed."""

from typing import Any

from sqlalchemy.orm import Session

from advisor.storage.models import AuditEvent


def audit(
    session: Session,
    actor: str,
    action: str,
    subject_type: str,
    subject_id: str | int | None,
    payload: dict[str, Any],
) -> None:
    """Add an audit event to the session's transaction; `payload` must be JSON-ready."""
    session.add(
        AuditEvent(
            actor=actor,
            action=action,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            payload=payload,
        )
    )

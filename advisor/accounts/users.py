"""Users, their sign-in sessions and advisor assignments, read and written inside a transaction."""

import hashlib
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.accounts.audit import audit
from advisor.accounts.passwords import hash_password
from advisor.errors import AdvisorError
from advisor.storage.models import (
    AdvisorAssignment,
    Delegate,
    DelegatePermission,
    Investor,
    Role,
    User,
)

USERNAME: Final = re.compile(r"^[a-z0-9][a-z0-9._@-]{2,99}$")


def normalise_username(username: str) -> str:
    """The stored form of a username: trimmed and lower-case, so `Ada` and `ada` are one user."""
    return username.strip().lower()


def token_hash(token: str) -> str:
    """The SHA-256 of a session token, the only form in which it is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_user(session: Session, username: str) -> User | None:
    """The user with this username, if any."""
    return session.scalars(
        select(User).where(User.username == normalise_username(username))
    ).first()


def add_user(
    session: Session,
    username: str,
    password: str,
    role: Role,
    *,
    investor_id: int | None,
    delegate_id: int | None,
    actor: str,
) -> User:
    """Add a user after checking the username, the password and the investor link; audited."""
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise AdvisorError(
            f"Username {username!r}: use 3 to 100 letters, digits or . _ @ -, "
            "starting with a letter or digit"
        )
    if find_user(session, name) is not None:
        raise AdvisorError(f"Username {name!r} is already taken")
    _check_investor_link(session, role, investor_id)
    user = User(
        username=name,
        password_hash=hash_password(password),
        role=role,
        investor_id=investor_id,
        delegate_id=delegate_id,
    )
    session.add(user)
    session.flush()
    payload = {"username": name, "role": role.value, "investor_id": investor_id}
    audit(session, actor, "user.created", "user", user.id, payload)
    return user


def add_delegate_link(
    session: Session,
    investor_id: int,
    permissions: Iterable[DelegatePermission],
    *,
    name: str,
    relationship: str,
    contact: str,
) -> Delegate:
    """A delegate record holding what the investor grants (its permissions)."""
    granted = sorted({DelegatePermission(p).value for p in permissions})
    delegate = Delegate(
        investor_id=investor_id,
        name=name,
        relationship=relationship,
        contact=contact,
        permissions=granted,
    )
    session.add(delegate)
    session.flush()
    return delegate


def delegate_permissions(
    session: Session, delegate_id: int | None, now: datetime
) -> frozenset[DelegatePermission]:
    """A delegate's current grants: none once revoked."""
    if delegate_id is None:
        return frozenset()
    delegate = session.get(Delegate, delegate_id)
    if delegate is None or (delegate.revoked_at is not None and delegate.revoked_at <= now):
        return frozenset()
    return frozenset(DelegatePermission(p) for p in delegate.permissions)


def is_assigned(session: Session, advisor_user_id: int, investor_id: int) -> bool:
    """Whether the advisor looks after the investor."""
    query = select(AdvisorAssignment.id).where(
        AdvisorAssignment.advisor_user_id == advisor_user_id,
        AdvisorAssignment.investor_id == investor_id,
    )
    return session.scalar(query) is not None


def assigned_investors(session: Session, advisor_user_id: int) -> list[int]:
    """The investors an advisor looks after, by id."""
    query = (
        select(AdvisorAssignment.investor_id)
        .where(AdvisorAssignment.advisor_user_id == advisor_user_id)
        .order_by(AdvisorAssignment.investor_id)
    )
    return list(session.scalars(query))


def advisors_of(session: Session, investor_id: int) -> list[int]:
    """The user ids of the advisors assigned to an investor."""
    query = (
        select(AdvisorAssignment.advisor_user_id)
        .join(User, User.id == AdvisorAssignment.advisor_user_id)
        .where(AdvisorAssignment.investor_id == investor_id, User.disabled.is_(False))
        .order_by(AdvisorAssignment.advisor_user_id)
    )
    return list(session.scalars(query))


def _check_investor_link(session: Session, role: Role, investor_id: int | None) -> None:
    if role in (Role.INVESTOR, Role.DELEGATE):
        if investor_id is None:
            raise AdvisorError(f"A {role} user needs the investor_id of the investor")
        if session.get(Investor, investor_id) is None:
            raise AdvisorError(f"There is no investor with id {investor_id}")
    elif investor_id is not None:
        raise AdvisorError(f"An {role} user is not linked to one investor; give no investor_id")

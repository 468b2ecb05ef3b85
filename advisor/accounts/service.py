"""Signing in and out, who the signed-in user is, and what they may do: `AccountService`."""

import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.accounts import users
from advisor.accounts.audit import audit
from advisor.accounts.errors import AuthenticationError, PermissionDenied, SessionExpired
from advisor.accounts.first_run import create_demo_users
from advisor.accounts.passwords import dummy_verify, hash_password, needs_rehash, verify_password
from advisor.accounts.policy import denial
from advisor.accounts.ratelimit import AccountLocked, LoginRateLimiter
from advisor.accounts.roles import Action, Credentials, Principal
from advisor.errors import AdvisorError
from advisor.settings import Settings
from advisor.storage.models import (
    AdvisorAssignment,
    AuthSession,
    DelegatePermission,
    Investor,
    Role,
    User,
    utc_now,
)
from advisor.storage.store import Store

BAD_CREDENTIALS: Final = "Unknown username or wrong password"
TOKEN_BYTES: Final = 32
SYSTEM_ACTOR: Final = "system"


class AccountService:
    """Users, sign-in sessions and the access check every server-side action goes through.

    `clock` tells the time for session expiry and delegate revocation; tests pass their own.
    """

    def __init__(
        self, store: Store, settings: Settings, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._limiter = LoginRateLimiter(settings, clock)

    # Users ---------------------------------------------------------------------------------------

    def create_user(
        self,
        username: str,
        password: str,
        role: Role,
        *,
        investor_id: int | None = None,
        permissions: Iterable[DelegatePermission] = (),
        actor: str = SYSTEM_ACTOR,
    ) -> int:
        """Add a user and return their id.

        An investor or a delegate needs `investor_id`; a delegate gets `permissions` (a delegate
        record is created for the investor); other roles take neither.
        """
        granted = list(permissions)
        if granted and role != Role.DELEGATE:
            raise AdvisorError(f"Only a delegate has permissions; a {role} user takes none")
        with self._store.transaction() as session:
            delegate_id = None
            if role == Role.DELEGATE and investor_id is not None:
                link = users.add_delegate_link(
                    session,
                    investor_id,
                    granted,
                    name=users.normalise_username(username),
                    relationship="delegate",
                    contact="",
                )
                delegate_id = link.id
            user = users.add_user(
                session,
                username,
                password,
                role,
                investor_id=investor_id,
                delegate_id=delegate_id,
                actor=actor,
            )
            return user.id

    def assign_advisor(
        self, advisor_user_id: int, investor_id: int, *, actor: str = SYSTEM_ACTOR
    ) -> None:
        """Make an advisor look after an investor (a no-op if they already do); audited."""
        with self._store.transaction() as session:
            advisor = session.get(User, advisor_user_id)
            if advisor is None or advisor.role != Role.ADVISOR:
                raise AdvisorError(f"User {advisor_user_id} is not an advisor")
            if session.get(Investor, investor_id) is None:
                raise AdvisorError(f"There is no investor with id {investor_id}")
            if users.is_assigned(session, advisor_user_id, investor_id):
                return
            session.add(AdvisorAssignment(advisor_user_id=advisor_user_id, investor_id=investor_id))
            payload = {"advisor_user_id": advisor_user_id, "advisor": advisor.username}
            audit(session, actor, "advisor.assigned", "investor", investor_id, payload)

    def set_disabled(self, user_id: int, disabled: bool, *, actor: str = SYSTEM_ACTOR) -> None:
        """Disable (or re-enable) a user: a disabled user cannot sign in or use a session."""
        with self._store.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                raise AdvisorError(f"There is no user with id {user_id}")
            user.disabled = disabled
            action = "user.disabled" if disabled else "user.enabled"
            audit(session, actor, action, "user", user_id, {"username": user.username})

    def has_users(self) -> bool:
        """Whether any user exists (first run has been done)."""
        with self._store.transaction() as session:
            return session.scalar(select(User.id).limit(1)) is not None

    def first_run(self, opening_holdings: Mapping[str, float] | None = None) -> list[Credentials]:
        """Create an admin, a demo investor with an account, a demo advisor assigned to them and
        a demo delegate (view, alerts, co-approve), each with a random password, returned once.

        `opening_holdings` (product id -> value) fund the demo account. Raises `AdvisorError` if
        any user exists already: first run is only for an empty database.
        """
        with self._store.atomic() as store:
            with store.transaction() as session:
                if session.scalar(select(User.id).limit(1)) is not None:
                    raise AdvisorError(
                        "Users exist already: first run only sets up an empty database"
                    )
            return create_demo_users(store, opening_holdings or {})

    # Sessions ------------------------------------------------------------------------------------

    def sign_in(self, username: str, password: str, *, client: str | None = None) -> str:
        """A new session token for valid credentials; `AuthenticationError` otherwise, with the
        same message whether the username is unknown or the password wrong.

        Too many failures for the username, or from `client` (the caller's address, if known),
        within `login_window_minutes` lock them out for `login_lockout_minutes`: `AccountLocked`,
        even with the right password (see `advisor.accounts.ratelimit`)."""
        token: str | None = None
        with self._store.transaction() as session:
            lock = self._limiter.lock(session, username, client)
            user = None if lock else users.find_user(session, username)
            if lock is not None:
                pass  # refused without checking the password; the refusal is recorded
            elif user is None:
                dummy_verify(password)  # the same work, so timing does not reveal the username
                lock = self._limiter.failed(session, username, client)
            elif verify_password(user.password_hash, password):
                if user.disabled:
                    raise AuthenticationError(
                        f"The account {user.username!r} is disabled; ask an administrator"
                    )
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                token = secrets.token_urlsafe(TOKEN_BYTES)
                expires_at = self._clock() + timedelta(hours=self._settings.session_hours)
                session.add(
                    AuthSession(
                        token_hash=users.token_hash(token), user_id=user.id, expires_at=expires_at
                    )
                )
                payload = {"expires_at": expires_at.isoformat()}
                audit(session, _actor(user), "auth.signed_in", "user", user.id, payload)
                self._limiter.succeeded(session, username)
            else:
                audit(session, SYSTEM_ACTOR, "auth.sign_in_failed", "user", user.id, {})
                lock = self._limiter.failed(session, username, client)
        if lock is not None:  # raised after the commit, like the failure below
            raise AccountLocked(lock.message())
        if token is None:  # raised after the commit, so the failed attempt stays on record
            raise AuthenticationError(BAD_CREDENTIALS)
        return token

    def principal(self, token: str) -> Principal:
        """Who holds this session token. `SessionExpired` if it expired or was signed out,
        `AuthenticationError` if it is unknown or its user is disabled."""
        now = self._clock()
        with self._store.transaction() as session:
            auth, user = self._session_of(session, token)
            if auth.revoked_at is not None:
                raise SessionExpired("You signed out of this session; sign in again")
            if auth.expires_at <= now:
                raise SessionExpired("Your session has expired; sign in again")
            if user.disabled:
                raise AuthenticationError(f"The account {user.username!r} is disabled")
            return Principal(
                user_id=user.id,
                username=user.username,
                role=user.role,
                investor_id=user.investor_id,
                permissions=users.delegate_permissions(session, user.delegate_id, now),
            )

    def sign_out(self, token: str) -> None:
        """End the session (a no-op if it already ended); an unknown token is an error."""
        with self._store.transaction() as session:
            auth, user = self._session_of(session, token)
            if auth.revoked_at is None:
                auth.revoked_at = self._clock()
                audit(session, _actor(user), "auth.signed_out", "user", user.id, {})

    # Access --------------------------------------------------------------------------------------

    def authorize(self, principal: Principal, action: Action, investor_id: int) -> None:
        """Return if `principal` may do `action` to investor `investor_id`; otherwise record the
        attempt in the audit log and raise `PermissionDenied` naming the action and why."""
        with self._store.transaction() as session:
            assigned = principal.role == Role.ADVISOR and users.is_assigned(
                session, principal.user_id, investor_id
            )
            reason = denial(principal, action, investor_id, assigned=assigned)
            if reason is None:
                return
            payload = {"action": action.value, "investor_id": investor_id, "reason": reason}
            audit(session, principal.actor, "access.denied", "investor", investor_id, payload)
        raise PermissionDenied(
            f"{principal.username} ({principal.role}) may not {action} for investor "
            f"{investor_id}: {reason}"
        )

    def visible_investors(self, principal: Principal) -> list[int]:
        """The investors whose data the principal may see, by id."""
        with self._store.transaction() as session:
            match principal.role:
                case Role.ADMIN:
                    return list(session.scalars(select(Investor.id).order_by(Investor.id)))
                case Role.ADVISOR:
                    return users.assigned_investors(session, principal.user_id)
                case Role.INVESTOR:
                    return [] if principal.investor_id is None else [principal.investor_id]
                case Role.DELEGATE:
                    # A revoked delegate (no permissions left) sees nobody.
                    if principal.investor_id is None or not principal.permissions:
                        return []
                    return [principal.investor_id]
            return []

    def _session_of(self, session: Session, token: str) -> tuple[AuthSession, User]:
        query = (
            select(AuthSession, User)
            .join(User, User.id == AuthSession.user_id)
            .where(AuthSession.token_hash == users.token_hash(token))
        )
        row = session.execute(query).first()
        if row is None:
            raise AuthenticationError("Unknown session; sign in")
        return row[0], row[1]


def _actor(user: User) -> str:
    return f"{user.role}:{user.username}"

"""Family delegation: an investor invites a delegate (a family member or trusted contact) with
chosen permissions, changes them, or revokes the delegate. Every change is audited."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.accounts import users
from advisor.accounts.audit import audit
from advisor.accounts.passwords import generate_password
from advisor.accounts.roles import Action, Credentials, Principal
from advisor.accounts.service import AccountService
from advisor.errors import AdvisorError
from advisor.storage.models import Delegate, DelegatePermission, Role, User, utc_now
from advisor.storage.store import Store


@dataclass(frozen=True)
class DelegateInfo:
    """A delegate of an investor, with their sign-in name and current grants."""

    delegate_id: int
    investor_id: int
    user_id: int | None
    username: str | None
    name: str
    relationship: str
    contact: str
    permissions: frozenset[DelegatePermission]
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        """Whether the delegate is not revoked."""
        return self.revoked_at is None


class DelegationService:
    """Inviting, changing and revoking an investor's delegates."""

    def __init__(
        self, store: Store, accounts: AccountService, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self._store = store
        self._accounts = accounts
        self._clock = clock

    def invite(
        self,
        principal: Principal,
        investor_id: int,
        *,
        username: str,
        name: str,
        relationship: str,
        contact: str,
        permissions: Iterable[DelegatePermission],
    ) -> Credentials:
        """Create a delegate of the investor with a sign-in of their own and a random password,
        returned once to pass on. Granting nothing is refused: it would be a delegate in name only.
        """
        self._accounts.authorize(principal, Action.MANAGE_DELEGATES, investor_id)
        granted = frozenset(DelegatePermission(p) for p in permissions)
        if not granted:
            raise AdvisorError(
                "Grant the delegate at least one permission: view, alerts or co_approve"
            )
        password = generate_password()
        with self._store.transaction() as session:
            delegate = users.add_delegate_link(
                session, investor_id, granted, name=name, relationship=relationship, contact=contact
            )
            user = users.add_user(
                session,
                username,
                password,
                Role.DELEGATE,
                investor_id=investor_id,
                delegate_id=delegate.id,
                actor=principal.actor,
            )
            payload = {
                "delegate_id": delegate.id,
                "username": user.username,
                "relationship": relationship,
                "permissions": sorted(granted),
            }
            audit(session, principal.actor, "delegate.invited", "investor", investor_id, payload)
            return Credentials(user.username, password, Role.DELEGATE, investor_id)

    def set_permissions(
        self, principal: Principal, delegate_id: int, permissions: Iterable[DelegatePermission]
    ) -> None:
        """Replace what an active delegate may do."""
        granted = sorted({DelegatePermission(p).value for p in permissions})
        self._authorize_for(principal, delegate_id)
        with self._store.transaction() as session:
            delegate = _delegate(session, delegate_id)
            if delegate.revoked_at is not None:
                raise AdvisorError(f"Delegate {delegate_id} is revoked; invite them again instead")
            before = list(delegate.permissions)
            delegate.permissions = granted
            payload = {"delegate_id": delegate_id, "before": before, "after": granted}
            audit(
                session,
                principal.actor,
                "delegate.permissions_changed",
                "investor",
                delegate.investor_id,
                payload,
            )

    def revoke(self, principal: Principal, delegate_id: int) -> None:
        """Revoke a delegate at once: their sessions see nothing from the next request on."""
        self._authorize_for(principal, delegate_id)
        with self._store.transaction() as session:
            delegate = _delegate(session, delegate_id)
            if delegate.revoked_at is not None:
                return
            delegate.revoked_at = self._clock()
            payload = {"delegate_id": delegate_id, "name": delegate.name}
            audit(
                session,
                principal.actor,
                "delegate.revoked",
                "investor",
                delegate.investor_id,
                payload,
            )

    def delegates(self, principal: Principal, investor_id: int) -> list[DelegateInfo]:
        """The investor's delegates, revoked ones included, oldest first."""
        self._accounts.authorize(principal, Action.VIEW_PROFILE, investor_id)
        query = (
            select(Delegate, User)
            .outerjoin(User, User.delegate_id == Delegate.id)
            .where(Delegate.investor_id == investor_id)
            .order_by(Delegate.id)
        )
        with self._store.transaction() as session:
            return [_info(delegate, user) for delegate, user in session.execute(query)]

    def _authorize_for(self, principal: Principal, delegate_id: int) -> None:
        # Checked before, not inside, the write: `authorize` runs its own transaction.
        with self._store.transaction() as session:
            investor_id = _delegate(session, delegate_id).investor_id
        self._accounts.authorize(principal, Action.MANAGE_DELEGATES, investor_id)


def _delegate(session: Session, delegate_id: int) -> Delegate:
    delegate = session.get(Delegate, delegate_id)
    if delegate is None:
        raise AdvisorError(f"There is no delegate with id {delegate_id}")
    return delegate


def _info(delegate: Delegate, user: User | None) -> DelegateInfo:
    return DelegateInfo(
        delegate_id=delegate.id,
        investor_id=delegate.investor_id,
        user_id=None if user is None else user.id,
        username=None if user is None else user.username,
        name=delegate.name,
        relationship=delegate.relationship,
        contact=delegate.contact,
        permissions=frozenset(DelegatePermission(p) for p in delegate.permissions),
        revoked_at=delegate.revoked_at,
    )

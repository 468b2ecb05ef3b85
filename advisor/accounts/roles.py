"""Who is signed in (`Principal`) and what they may try to do (`Action`)."""

from dataclasses import dataclass, field
from enum import StrEnum

from advisor.storage.models import DelegatePermission, Role

__all__ = ["Action", "Credentials", "Principal", "Role"]


class Action(StrEnum):
    """Something a user does to an investor's data; `authorize` decides who may."""

    VIEW_PROFILE = "view_profile"
    VIEW_CONVERSATION = "view_conversation"
    CHAT = "chat"
    ACCEPT_PROPOSAL = "accept_proposal"
    REVIEW_PROPOSAL = "review_proposal"
    MODIFY_PROPOSAL = "modify_proposal"
    CO_APPROVE = "co_approve"
    VIEW_AUDIT = "view_audit"
    MANAGE_DELEGATES = "manage_delegates"
    MANAGE_CONSENT = "manage_consent"
    TRADE = "trade"


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the server sees them on each request.

    `investor_id` is the investor an investor is, or a delegate acts for (None for advisors and
    admins). `permissions` are a delegate's current grants, read at every request, so a revocation
    takes effect at once; empty for every other role.
    """

    user_id: int
    username: str
    role: Role
    investor_id: int | None
    permissions: frozenset[DelegatePermission] = field(default_factory=frozenset)

    @property
    def actor(self) -> str:
        """How the audit log names this user, e.g. `advisor:alice`."""
        return f"{self.role}:{self.username}"


@dataclass(frozen=True)
class Credentials:
    """A user created by `first_run` or an invitation, with the password shown only this once."""

    username: str
    password: str
    role: Role
    investor_id: int | None = None

    def __repr__(self) -> str:  # keeps the password out of logs and tracebacks
        return f"Credentials(username={self.username!r}, role={self.role!r}, password=***)"

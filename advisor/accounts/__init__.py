"""Accounts, roles and delegation: who signs in, what each role may do, consent, family
delegates with alerts and co-approval, trading holds, and the review path from an accepted
proposal to a trade. Every check runs on the server, on every action.

Typical use::

    accounts = AccountService(store, settings)
    token = accounts.sign_in(username, password)
    principal = accounts.principal(token)  # on every request
    accounts.authorize(principal, Action.VIEW_PROFILE, investor_id)
    approvals = ApprovalService(store, settings, accounts, runtime)
    approvals.accept_proposal(principal, proposal_id)
"""

from advisor.accounts.alerts import AlertRecord, AlertService
from advisor.accounts.approvals import ApprovalService, Outcome, Review, ReviewResult, StepResult
from advisor.accounts.consent import (
    CONSENT_TEXT,
    CONSENT_VERSION,
    ConsentKind,
    ConsentService,
    ConsentState,
)
from advisor.accounts.delegation import DelegateInfo, DelegationService
from advisor.accounts.errors import (
    AuthenticationError,
    PermissionDenied,
    SessionExpired,
    TradingOnHold,
)
from advisor.accounts.holds import HoldRecord, HoldService
from advisor.accounts.ratelimit import AccountLocked
from advisor.accounts.roles import Action, Credentials, Principal
from advisor.accounts.service import AccountService
from advisor.accounts.suitability_check import Violation
from advisor.storage.models import AlertKind, DelegatePermission, Role

__all__ = [
    "CONSENT_TEXT",
    "CONSENT_VERSION",
    "AccountLocked",
    "AccountService",
    "Action",
    "AlertKind",
    "AlertRecord",
    "AlertService",
    "ApprovalService",
    "AuthenticationError",
    "ConsentKind",
    "ConsentService",
    "ConsentState",
    "Credentials",
    "DelegateInfo",
    "DelegatePermission",
    "DelegationService",
    "HoldRecord",
    "HoldService",
    "Outcome",
    "PermissionDenied",
    "Principal",
    "Review",
    "ReviewResult",
    "Role",
    "SessionExpired",
    "StepResult",
    "TradingOnHold",
    "Violation",
]

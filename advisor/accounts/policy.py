"""Who may do what to whose data: the access rules, as one pure function of the facts.

The rules, by role:
- investor: every action on their own data except reviewing and co-approving; nobody else's.
- delegate: only the investor who linked them, and only what that investor granted: `view` for
  the profile, conversations and audit log, `co_approve` for co-approval. A delegate can never
  chat, accept a proposal or trade as the investor.
- advisor: viewing, reviewing and modifying proposals of the investors assigned to them.
- admin: everything except acting as the investor (chat, accept a proposal, trade, consent to
  profiling) or as the trusted contact (co-approve): those must be the person's own decision.
"""

from typing import Final

from advisor.accounts.roles import Action, Principal
from advisor.storage.models import DelegatePermission, Role

INVESTOR_ACTIONS: Final = frozenset(
    {
        Action.VIEW_PROFILE,
        Action.VIEW_CONVERSATION,
        Action.CHAT,
        Action.ACCEPT_PROPOSAL,
        Action.VIEW_AUDIT,
        Action.MANAGE_DELEGATES,
        Action.MANAGE_CONSENT,
        Action.TRADE,
    }
)
ADVISOR_ACTIONS: Final = frozenset(
    {
        Action.VIEW_PROFILE,
        Action.VIEW_CONVERSATION,
        Action.VIEW_AUDIT,
        Action.REVIEW_PROPOSAL,
        Action.MODIFY_PROPOSAL,
    }
)
# What a delegate needs to have been granted for each action; absent actions are never theirs.
DELEGATE_GRANTS: Final = {
    Action.VIEW_PROFILE: DelegatePermission.VIEW,
    Action.VIEW_CONVERSATION: DelegatePermission.VIEW,
    Action.VIEW_AUDIT: DelegatePermission.VIEW,
    Action.CO_APPROVE: DelegatePermission.CO_APPROVE,
}
ADMIN_FORBIDDEN: Final = frozenset(
    {Action.CHAT, Action.ACCEPT_PROPOSAL, Action.TRADE, Action.CO_APPROVE, Action.MANAGE_CONSENT}
)


def denial(principal: Principal, action: Action, investor_id: int, *, assigned: bool) -> str | None:
    """Why `principal` may not do `action` to investor `investor_id`, or None if they may.

    `assigned` says whether the principal is an advisor assigned to that investor.
    """
    match principal.role:
        case Role.INVESTOR:
            if principal.investor_id != investor_id:
                return "an investor may act only on their own data"
            if action not in INVESTOR_ACTIONS:
                return "only the investor's advisor or delegate may do that"
        case Role.DELEGATE:
            if principal.investor_id != investor_id:
                return "a delegate may act only for the investor who linked them"
            needed = DELEGATE_GRANTS.get(action)
            if needed is None:
                return "a delegate can never do that in the investor's place"
            if needed not in principal.permissions:
                return f"the investor has not granted the {needed} permission"
        case Role.ADVISOR:
            if not assigned:
                return "the investor is not assigned to this advisor"
            if action not in ADVISOR_ACTIONS:
                return "only the investor may do that"
        case Role.ADMIN:
            if action in ADMIN_FORBIDDEN:
                return "an administrator cannot act in the investor's or delegate's place"
    return None

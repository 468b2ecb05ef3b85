"""Who is asking, and may they: every handler of a signed-in page starts here.

The browser holds only a session token. Each handler turns it back into a `Principal` on the
server and asks the accounts service whether that principal may take the action on that investor,
so hiding a button is never what protects data: a request crafted by hand (through the API, with
another investor's id) meets the same check and gets the same refusal.
"""

import gradio as gr

from advisor.accounts.errors import AuthenticationError, PermissionDenied, SessionExpired
from advisor.accounts.roles import Action, Principal
from advisor.app.services import Services
from advisor.storage.models import Role

__all__ = ["Action", "Principal", "Role", "authorized", "signed_in"]

SIGN_IN_AGAIN = "Your session has ended. Please sign in again."


def signed_in(services: Services, token: str | None) -> Principal:
    """The principal of a live session; `gr.Error` asking to sign in again otherwise."""
    if not token:
        raise gr.Error("Please sign in first.", title="Not signed in")
    try:
        return services.accounts.principal(token)
    except (SessionExpired, AuthenticationError):
        raise gr.Error(SIGN_IN_AGAIN, title="Signed out") from None


def authorized(
    services: Services, token: str | None, action: Action, investor_id: int | None
) -> Principal:
    """The principal, if it may take `action` on the investor; `gr.Error` saying no otherwise."""
    principal = signed_in(services, token)
    if investor_id is None:
        raise gr.Error("There is no investor to show.", title="Not allowed")
    try:
        services.accounts.authorize(principal, action, int(investor_id))
    except PermissionDenied:
        raise gr.Error(
            "You do not have access to this investor's information.", title="Not allowed"
        ) from None
    return principal


def own_investor(principal: Principal) -> int:
    """The investor an investor principal is; `gr.Error` for any other role."""
    if principal.investor_id is None:
        raise gr.Error("This page is for investors.", title="Not allowed")
    return principal.investor_id

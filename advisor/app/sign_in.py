"""Signing in and out, and sending each role to its page.

The password is checked by the accounts service (argon2); the browser keeps only the session token
it returns, in a hidden field that every handler sends back. The large-text choice is remembered
per user in the browser's local storage (`gr.BrowserState`), and can be changed after sign-in.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Final

import gradio as gr
from sqlalchemy import select

from advisor.accounts.errors import AuthenticationError
from advisor.app.access import signed_in
from advisor.app.services import Services
from advisor.storage.models import Role, User

__all__ = ["Route", "SignIn", "add_sign_in", "route_for"]

PREFERENCES_KEY: Final = "advisor-preferences"
# Runs in the browser: large text, big controls and high contrast everywhere when on.
ELDERLY_JS: Final = "(on) => { document.body.classList.toggle('elderly', !!on); return []; }"


@dataclass(frozen=True)
class Route:
    """Which pages a signed-in user sees."""

    investor: bool = False
    elderly: bool = False
    advisor: bool = False
    delegate: bool = False
    tools: bool = True  # the Portfolio lab and the rules: public calculators, no personal data


def route_for(role: Role | str | None, elderly: bool) -> Route:
    """The pages of a role; elderly mode replaces the investor page with the simple one."""
    match role:
        case Role.INVESTOR:
            return Route(investor=not elderly, elderly=elderly, tools=False)
        case Role.DELEGATE:
            return Route(delegate=True, tools=False)
        case Role.ADVISOR | Role.ADMIN:
            return Route(advisor=True)
    return Route()


@dataclass(frozen=True)
class SignIn:
    """The sign-in form, the header shown once signed in, and the shared hidden fields."""

    column: gr.Column
    header: gr.Row
    token: gr.Textbox
    elderly: gr.Checkbox
    elderly_setting: gr.Checkbox
    preferences: gr.BrowserState
    username: gr.Textbox
    password: gr.Textbox
    button: gr.Button
    sign_out: gr.Button
    message: gr.Markdown
    who: gr.Markdown


# (token, message, preferences, elderly, who, password box)
SignInResult = tuple[str, str, dict[str, Any], bool, str, str]


def sign_in(
    services: Services,
    username: str,
    password: str,
    elderly: bool,
    preferences: dict[str, Any] | None,
    request: gr.Request | None = None,
) -> SignInResult:
    """(token, message, preferences, elderly, who, password box): a wrong password says only
    that the username or password is wrong. Failures are counted per username and per client
    address (Gradio passes the `request`), so one address cannot try many usernames."""
    try:
        token = services.accounts.sign_in(
            username or "", password or "", client=_client_address(request)
        )
    except AuthenticationError as error:
        return "", f"**{error}.** Please try again.", preferences or {}, elderly, "", ""
    principal = services.accounts.principal(token)
    remembered = dict(preferences or {})
    remembered["last_user"] = principal.username
    remembered.setdefault("elderly", {})[principal.username] = bool(elderly)
    who = f"Signed in as **{principal.username}** ({principal.role})"
    return token, "", remembered, bool(elderly), who, ""


def sign_in_handler(
    services: Services,
) -> Callable[[str, str, bool, dict[str, Any] | None, gr.Request], SignInResult]:
    """`sign_in` for the page. Gradio passes the request to a parameter annotated `gr.Request`,
    and reads annotations from plain functions only (not through a `functools.partial`)."""

    def handle(
        username: str,
        password: str,
        elderly: bool,
        preferences: dict[str, Any] | None,
        request: gr.Request,
    ) -> SignInResult:
        return sign_in(services, username, password, elderly, preferences, request)

    return handle


def _client_address(request: gr.Request | None) -> str | None:
    """The caller's address, when the request carries one (behind a proxy, the proxy's: run
    uvicorn with --proxy-headers there)."""
    client = getattr(request, "client", None) if request is not None else None
    host = getattr(client, "host", None)
    return str(host) if host else None


def sign_out(services: Services, token: str) -> tuple[str, str]:
    """End the session on the server too: a copied token is useless afterwards."""
    if token:
        with suppress(AuthenticationError):  # already ended
            services.accounts.sign_out(token)
    return "", ""


def remembered(preferences: dict[str, Any] | None) -> tuple[Any, Any]:
    """The last user's name and large-text choice, to fill the form in (nothing for a browser
    that never signed in, so that nothing typed meanwhile is overwritten)."""
    prefs = preferences or {}
    user = str(prefs.get("last_user", ""))
    if not user:
        return gr.skip(), gr.skip()
    return user, bool(prefs.get("elderly", {}).get(user, False))


def elderly_for(preferences: dict[str, Any] | None, username: str) -> Any:
    """The large-text choice a user made on this browser before; unchanged for someone new."""
    choices = (preferences or {}).get("elderly", {})
    name = (username or "").strip().lower()
    return bool(choices[name]) if name in choices else gr.skip()


def setup_hint(services: Services) -> Any:
    """On an empty database, how to create the first users; nothing otherwise."""
    with services.store.transaction() as session:
        anyone = session.scalar(select(User.id).limit(1))
    if anyone is not None:
        return gr.skip()
    return (
        "No one can sign in yet. In a terminal, run `advisor init` once: it creates an "
        "administrator and demo users and prints their passwords."
    )


def change_elderly(
    services: Services, token: str, on: bool, preferences: dict[str, Any] | None
) -> dict[str, Any]:
    """The settings switch: remember the new choice for the signed-in user."""
    principal = signed_in(services, token)
    prefs = dict(preferences or {})
    prefs.setdefault("elderly", {})[principal.username] = bool(on)
    return prefs


def route(services: Services, token: str, elderly: bool) -> tuple[Any, ...]:
    """Visibility of the sign-in form, the header and each page for the session's role."""
    role = signed_in(services, token).role if token else None
    chosen = route_for(role, elderly)
    signed = role is not None
    return (
        gr.update(visible=not signed),
        gr.update(visible=signed),
        gr.update(visible=chosen.investor),
        gr.update(visible=chosen.elderly),
        gr.update(visible=chosen.advisor),
        gr.update(visible=chosen.delegate),
        gr.update(visible=chosen.tools),
    )


def add_sign_in() -> SignIn:
    """The sign-in form and the signed-in header (wire them with `wire_sign_in`)."""
    token = gr.Textbox(visible=False, elem_id="session-token")
    preferences = gr.BrowserState({}, storage_key=PREFERENCES_KEY)
    with gr.Row(visible=False, elem_id="signed-in-header", equal_height=True) as header:
        who = gr.Markdown(elem_id="signed-in-as")
        elderly_setting = gr.Checkbox(
            label="Large text and simple screens",
            elem_id="elderly-setting",
            scale=0,
            min_width=380,
        )
        sign_out_button = gr.Button("Sign out", elem_id="sign-out", scale=0, min_width=180)
    with gr.Column(elem_id="sign-in") as column, gr.Group(elem_id="sign-in-form"):
        gr.Markdown("## Sign in", elem_id="sign-in-title")
        with gr.Row(equal_height=True):
            username = gr.Textbox(label="Username", elem_id="sign-in-username")
            password = gr.Textbox(label="Password", type="password", elem_id="sign-in-password")
        elderly = gr.Checkbox(
            label="Large text and simple screens",
            info="Bigger letters and buttons, fewer choices. You can change this later.",
            elem_id="elderly-switch",
        )
        button = gr.Button("Sign in", variant="primary", elem_id="sign-in-button")
        message = gr.Markdown(elem_id="sign-in-message")
    return SignIn(
        column=column,
        header=header,
        token=token,
        elderly=elderly,
        elderly_setting=elderly_setting,
        preferences=preferences,
        username=username,
        password=password,
        button=button,
        sign_out=sign_out_button,
        message=message,
        who=who,
    )

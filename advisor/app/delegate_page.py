"""The trusted contact's page: what the investor granted, the alerts sent to them, and the large
trades waiting for their co-approval, each read back in plain words before a decision.

A delegate can never trade as the investor: the page offers only approving or stopping a trade
the investor asked for, and the server checks the `co_approve` grant on every request.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import gradio as gr

from advisor.app import workflow
from advisor.app.access import Action, authorized, signed_in
from advisor.app.records import account_state, investor_name
from advisor.app.services import Services
from advisor.app.views import trade_lines
from advisor.errors import AdvisorError
from advisor.storage.models import DelegatePermission, Role

__all__ = ["DelegatePage", "add_delegate_page"]

HELP_TEXT: Final = (
    "**Need help?** You can see only what the investor chose to share. You can approve or stop "
    "a large change they asked for, but you can never make a change for them."
)


def _delegate(services: Services, token: str) -> Any:
    principal = signed_in(services, token)
    if principal.role != Role.DELEGATE or principal.investor_id is None:
        raise gr.Error("This page is for trusted contacts.", title="Not allowed")
    return principal


def overview(services: Services, token: str) -> tuple[str, str, str]:
    """(what was granted, the investor's account if viewing was granted, the alerts)."""
    principal = _delegate(services, token)
    investor_id = principal.investor_id
    name = investor_name(services.store, investor_id)
    granted = workflow.permission_words(principal.permissions).replace("your", "their")
    heading = f"## You are a trusted contact of {name}\n{name} lets you {granted}."
    account = "You were not given access to the account."
    if DelegatePermission.VIEW in principal.permissions:
        authorized(services, token, Action.VIEW_PROFILE, investor_id)
        state = account_state(services.store, investor_id)
        total = sum(state.holdings.values())
        currency = state.account.currency if state.account else ""
        account = f"{name}'s account is worth {total:,.2f} {currency}."
    alerts = services.alerts.alerts(principal)
    alert_text = (
        "\n".join(
            f"- **{alert.created_at:%Y-%m-%d %H:%M}** · {str(alert.kind).replace('_', ' ')}: "
            f"{alert.message}"
            for alert in alerts
        )
        or "No alerts."
    )
    return heading, account, "### Alerts\n" + alert_text


def waiting_choices(services: Services, token: str) -> Any:
    """The trades waiting for this delegate's co-approval."""
    principal = _delegate(services, token)
    waiting = services.approvals.pending_co_approvals(principal)
    choices = [(f"Change #{p.id} ({p.created_at:%Y-%m-%d})", p.id) for p in waiting]
    return gr.update(
        choices=choices, value=choices[0][1] if choices else None, visible=bool(choices)
    )


def co_read_back(services: Services, token: str, proposal_id: int | None) -> tuple[str, Any]:
    """The waiting trade in plain words."""
    if proposal_id is None:
        return "Nothing is waiting for your approval.", gr.update(visible=False)
    principal = _delegate(services, token)
    investor_id = principal.investor_id
    authorized(services, token, Action.CO_APPROVE, investor_id)
    waiting = {p.id: p for p in services.approvals.pending_co_approvals(principal)}
    proposal = waiting.get(int(proposal_id))
    if proposal is None:
        raise gr.Error("This change is not waiting for your approval.")
    state = account_state(services.store, investor_id)
    currency = state.account.currency if state.account else ""
    lines = trade_lines(services.runtime, state.holdings, proposal.weights)
    moves = "\n".join(
        f"- {'Sell' if sell else 'Buy'} {amount:,.2f} {currency} of {name}"
        for name, sell, amount in lines
    )
    total = sum(amount for _, sell, amount in lines if sell)
    name = investor_name(services.store, investor_id)
    text = (
        f"### {name} asked for this change\nIt moves {total:,.2f} {currency}:\n{moves}\n\n"
        "The money stays in their own account. **Do you approve?**"
    )
    return text, gr.update(visible=True)


def co_decide(
    services: Services, token: str, proposal_id: int | None, comment: str, *, approve: bool
) -> tuple[str, Any]:
    """Approve or stop the trade."""
    if proposal_id is None:
        raise gr.Error("Nothing is waiting for your approval.")
    principal = _delegate(services, token)
    authorized(services, token, Action.CO_APPROVE, principal.investor_id)
    try:
        step = workflow.co_decide(services, principal, int(proposal_id), approve, comment)
    except AdvisorError as error:
        raise gr.Error(str(error)) from error
    return step.message, gr.update(visible=False)


@dataclass(frozen=True)
class DelegatePage:
    """The page's column and what the sign-in must load."""

    column: gr.Column
    load: Callable[[str], tuple[Any, ...]]
    outputs: list[Any]


def add_delegate_page(services: Services, token: gr.Textbox) -> DelegatePage:
    """Add the trusted contact's page (hidden until a delegate signs in)."""
    with gr.Column(visible=False, elem_id="delegate-page") as column:
        gr.Markdown(HELP_TEXT, elem_id="delegate-help", elem_classes=["help-bar"])
        heading = gr.Markdown(elem_id="delegate-heading")
        account = gr.Markdown(elem_id="delegate-account")
        gr.Markdown("### Changes waiting for your approval")
        waiting = gr.Radio(label="Waiting", visible=False, elem_id="co-approval-choice")
        readback = gr.Markdown(elem_id="co-approval-readback")
        with gr.Column(visible=False, elem_id="co-approval-decision") as decision:
            comment = gr.Textbox(label="Why you stop it (optional)", elem_id="co-comment")
            with gr.Row():
                approve = gr.Button("Yes, I approve", variant="primary", elem_id="co-approve")
                stop = gr.Button("No, stop this change", elem_id="co-reject")
        result = gr.Markdown(elem_id="co-approval-result")
        alerts = gr.Markdown(elem_id="delegate-alerts")
        reload = gr.Button("Refresh", elem_id="delegate-refresh")

    def load(token_value: str) -> tuple[Any, ...]:
        principal = signed_in(services, token_value) if token_value else None
        if principal is None or principal.role != Role.DELEGATE:
            return tuple(gr.skip() for _ in range(4))
        return (*overview(services, token_value), waiting_choices(services, token_value))

    outputs = [heading, account, alerts, waiting]
    waiting.change(partial(co_read_back, services), [token, waiting], [readback, decision])
    for button, verdict in ((approve, True), (stop, False)):
        button.click(
            partial(co_decide, services, approve=verdict),
            [token, waiting, comment],
            [result, decision],
            api_name=f"co_{'approve' if verdict else 'reject'}",
        ).then(load, [token], outputs)
    reload.click(load, [token], outputs)
    return DelegatePage(column, load, outputs)

"""The simple page for older investors: large text, three big choices ("My money", "Talk to my
advisor", "Call my family"), plain words, help always in the same place.

Every change to the money is read back in plain words and needs an explicit "Yes"; a change that
was made can be undone for 10 minutes. A large trade waits for the trusted contact when the
investor granted co-approval. Every handler checks the session on the server, as elsewhere.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import gradio as gr

from advisor.app import workflow
from advisor.app.access import Action, authorized, own_investor, signed_in
from advisor.app.investor_page import (
    CHAT_CONCURRENCY,
    CHAT_CONCURRENCY_ID,
    Chat,
    chat_history,
    decide_consent,
    send_message,
)
from advisor.app.records import account_state, investor_name
from advisor.app.services import Services
from advisor.app.views import holdings_of, trade_lines
from advisor.errors import AdvisorError
from advisor.storage.models import ProposalStatus, Role

__all__ = ["ElderlyPage", "add_elderly_page"]

HELP_TEXT: Final = (
    "**Need help?** Press **Call my family** to see who to call, or **Talk to my advisor** to "
    "ask a question. Nothing changes in your money unless you say **Yes**."
)
RISK_WORDS: Final = {
    1: "very carefully (level 1 of 5)",
    2: "carefully (level 2 of 5)",
    3: "in a balanced way (level 3 of 5)",
    4: "for growth (level 4 of 5)",
    5: "for high growth (level 5 of 5)",
}
SECTIONS: Final = ("money", "talk", "family")


@dataclass(frozen=True)
class MoneyView:
    """The "My money" screen."""

    summary: str
    holdings: str
    pending: str
    review_visible: bool
    undo_visible: bool

    def as_outputs(self) -> tuple[Any, ...]:
        return (
            self.summary,
            self.holdings,
            self.pending,
            gr.update(visible=self.review_visible),
            gr.update(visible=self.undo_visible),
        )


def money_view(services: Services, token: str) -> MoneyView:
    """What the investor has, in one sentence and a short list, and any change waiting."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.VIEW_PROFILE, investor_id)
    state = account_state(services.store, investor_id)
    total = sum(state.holdings.values())
    currency = state.account.currency if state.account else ""
    if state.account is None or total <= 0:
        summary = "You have no money invested with us yet."
    else:
        summary = (
            f"You have {total:,.2f} {currency} in your account, invested "
            f"{RISK_WORDS.get(state.account.risk_level, '')}."
        )
    weights = {p: v / total for p, v in state.holdings.items()} if total > 0 else {}
    holdings = "\n".join(
        f"- {h.name}: {h.amount:,.2f} {currency} ({h.weight:.0%})"
        for h in holdings_of(services.runtime, weights, total)
    )
    shown = state.shown
    pending, can_review, can_undo = "", False, False
    if shown is not None and shown.status == ProposalStatus.DRAFT:
        pending = "Your advisor suggests a change to your money. Press the button to read it."
        can_review = True
    elif shown is not None and shown.status == ProposalStatus.PENDING_REVIEW:
        pending = (
            "A change is waiting for your advisor to check it. You do not need to do anything."
        )
    elif shown is not None and shown.status == ProposalStatus.APPROVED:
        pending = "Your advisor approved a change. Press the button to read it and decide."
        can_review = True
    if state.target is not None and workflow.undo_deadline(services, state.target) is not None:
        deadline = workflow.undo_deadline(services, state.target)
        assert deadline is not None
        pending = (
            f"Your change was made. You can undo it until {deadline:%H:%M} UTC. " + pending
        ).strip()
        can_undo = True
    waiting = workflow.waiting_for_family(services, investor_id)
    if waiting:
        pending = f"A change is waiting for {waiting} to approve it."
        can_review = False
    return MoneyView(summary, holdings or "", pending, can_review, can_undo)


def read_back(services: Services, token: str) -> tuple[str, Any]:
    """The change in plain words, with the question that needs a clear yes."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.ACCEPT_PROPOSAL, investor_id)
    state = account_state(services.store, investor_id)
    shown = state.shown
    if shown is None or shown.status not in (ProposalStatus.DRAFT, ProposalStatus.APPROVED):
        raise gr.Error("There is no change waiting for you.")
    currency = state.account.currency if state.account else ""
    lines = trade_lines(services.runtime, state.holdings, shown.weights)
    if not lines:
        text = "This change does not move any money."
    else:
        moves = "\n".join(
            f"- {'Sell' if sell else 'Buy'} {amount:,.2f} {currency} of {name}"
            for name, sell, amount in lines
        )
        total = sum(amount for _, sell, amount in lines if sell)
        text = (
            f"### Please read carefully\nThis change moves {total:,.2f} {currency} "
            f"between your investments:\n{moves}\n\nYour money stays in your own account. "
            "**Do you want to make this change?**"
        )
    return text, gr.update(visible=True)


def confirm(services: Services, token: str) -> tuple[str, Any]:
    """The explicit yes: accept the change (it may still wait for the advisor or the family)."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.ACCEPT_PROPOSAL, investor_id)
    shown = account_state(services.store, investor_id).shown
    if shown is None or shown.status not in (ProposalStatus.DRAFT, ProposalStatus.APPROVED):
        raise gr.Error("There is no change waiting for you.")
    try:
        step = workflow.accept(services, principal, shown.id)
    except AdvisorError as error:
        raise gr.Error(str(error)) from error
    return step.message, gr.update(visible=False)


def cancel() -> tuple[str, Any]:
    """No: nothing changes."""
    return "Nothing was changed.", gr.update(visible=False)


def undo_change(services: Services, token: str) -> str:
    """Undo the last change, within 10 minutes of it."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.TRADE, investor_id)
    target = account_state(services.store, investor_id).target
    if target is None:
        raise gr.Error("There is no change to undo.")
    try:
        return workflow.undo(services, principal, target.id)
    except AdvisorError as error:
        raise gr.Error(str(error)) from error


def family_view(services: Services, token: str) -> str:
    """Who the trusted contacts are and what each may do, in plain words."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.MANAGE_DELEGATES, investor_id)
    delegates = [d for d in services.delegation.delegates(principal, investor_id) if d.active]
    if not delegates:
        return "You have not chosen a trusted contact yet. Ask your advisor to help you."
    lines = []
    for delegate in delegates:
        can = workflow.permission_words(delegate.permissions)
        contact = f" Call them on **{delegate.contact}**." if delegate.contact else ""
        lines.append(f"**{delegate.name}** ({delegate.relationship}) can {can}.{contact}")
    return "\n\n".join(lines)


def show(section: str) -> tuple[Any, ...]:
    """Show one screen, hide the other two."""
    return tuple(gr.update(visible=section == name) for name in SECTIONS)


@dataclass(frozen=True)
class ElderlyPage:
    """The page's column and what the sign-in must load."""

    column: gr.Column
    load: Callable[[str], tuple[Any, ...]]
    outputs: list[Any]


def add_elderly_page(services: Services, token: gr.Textbox) -> ElderlyPage:
    """Add the simple page (hidden until an investor in large-text mode signs in)."""
    with gr.Column(visible=False, elem_id="elderly-page", elem_classes=["elderly-page"]) as column:
        gr.Markdown(HELP_TEXT, elem_id="elderly-help", elem_classes=["help-bar"])
        greeting = gr.Markdown(elem_id="elderly-greeting")
        with gr.Row(elem_id="elderly-actions", equal_height=True):
            money_button = gr.Button("My money", variant="primary", elem_id="elderly-money")
            talk_button = gr.Button("Talk to my advisor", variant="primary", elem_id="elderly-talk")
            family_button = gr.Button("Call my family", variant="primary", elem_id="elderly-family")
        with gr.Column(elem_id="elderly-money-section") as money_section:
            summary = gr.Markdown(elem_id="elderly-summary")
            holdings = gr.Markdown(elem_id="elderly-holdings")
            pending = gr.Markdown(elem_id="elderly-pending")
            review = gr.Button("Read the suggested change", visible=False, elem_id="elderly-review")
            readback = gr.Markdown(elem_id="elderly-readback")
            with gr.Row(visible=False, elem_id="elderly-decision") as decision:
                yes = gr.Button("Yes, make this change", elem_id="elderly-confirm")
                no = gr.Button("No, keep things as they are", elem_id="elderly-cancel")
            result = gr.Markdown(elem_id="elderly-result")
            undo = gr.Button("Undo my last change", visible=False, elem_id="elderly-undo")
        with gr.Column(visible=False, elem_id="elderly-talk-section") as talk_section:
            with gr.Group(visible=False, elem_id="elderly-consent") as consent_panel:
                gr.Markdown(workflow.CONSENT_TEXT)
                with gr.Row():
                    agree = gr.Button("I agree", elem_id="elderly-consent-agree")
                    decline = gr.Button("No, thank you", elem_id="elderly-consent-decline")
            chat = gr.Chatbot(
                label="Your advisor (an AI)", height=460, elem_id="elderly-chat", buttons=[]
            )
            message = gr.Textbox(
                label="Your question",
                lines=2,
                elem_id="elderly-input",
                placeholder="Type your question here",
            )
            send = gr.Button("Send my question", elem_id="elderly-send")
        with gr.Column(visible=False, elem_id="elderly-family-section") as family_section:
            family = gr.Markdown(elem_id="elderly-family-text")
        conversation = gr.State(None)

    sections = [money_section, talk_section, family_section]
    money_outputs = [summary, holdings, pending, review, undo]
    load_money = partial(_money_outputs, services)
    money_button.click(partial(show, "money"), None, sections).then(
        load_money, [token], money_outputs
    )
    talk_button.click(partial(show, "talk"), None, sections).then(
        partial(_talk, services), [token], [consent_panel, chat, conversation]
    )
    family_button.click(partial(show, "family"), None, sections).then(
        partial(family_view, services), [token], family
    )
    review.click(partial(read_back, services), [token], [readback, decision])
    yes.click(partial(confirm, services), [token], [result, decision]).then(
        load_money, [token], money_outputs
    ).then(lambda: "", None, readback)
    no.click(cancel, None, [result, decision])
    undo.click(partial(undo_change, services), [token], result).then(
        load_money, [token], money_outputs
    )
    for trigger, answer in ((agree, True), (decline, False)):
        trigger.click(partial(decide_consent, services, granted=answer), [token], None).then(
            partial(_talk, services), [token], [consent_panel, chat, conversation]
        )
    gr.on(
        [send.click, message.submit],
        partial(send_message, services),
        [token, conversation, message, chat],
        [chat, conversation, message],
        concurrency_limit=CHAT_CONCURRENCY,
        concurrency_id=CHAT_CONCURRENCY_ID,
    )

    def load(token_value: str) -> tuple[Any, ...]:
        principal = signed_in(services, token_value) if token_value else None
        if principal is None or principal.role != Role.INVESTOR:
            return tuple(gr.skip() for _ in range(len(money_outputs) + 4))
        name = investor_name(services.store, own_investor(principal))
        return (
            f"## Hello, {name}",
            *show("money"),
            *_money_outputs(services, token_value),
        )

    return ElderlyPage(column, load, [greeting, *sections, *money_outputs])


def _money_outputs(services: Services, token: str) -> tuple[Any, ...]:
    return money_view(services, token).as_outputs()


def _talk(services: Services, token: str) -> tuple[Any, Chat, int | None]:
    """The consent question if unanswered (a decline leaves the chat closed), else the chat."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    state = workflow.consent_state(services, principal, investor_id)
    if state is not True:
        return gr.update(visible=state is None), [], None
    history, conversation_id = chat_history(services, token)
    return gr.update(visible=False), history, conversation_id

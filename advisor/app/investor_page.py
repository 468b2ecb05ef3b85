"""The investor's page: the chat with the advisor, and beside it what the advisor understood (the
profile, each field with the words it came from, correctable), the proposed portfolio, its goal
projection, the documents it cites and the state of the account.

Every handler takes the session token first and checks, on the server, that its holder may act on
the investor (`access.authorized`); the investor's id is never taken from the page.

The chat streams: the advisor's turn is computed first (the guard passes or replaces the reply
before anything is shown), then the reply is revealed a few words at a time.
"""

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import gradio as gr
import pandas as pd

from advisor.agent.session import AdviceSession
from advisor.app import workflow
from advisor.app.access import Action, Principal, authorized, own_investor, signed_in
from advisor.app.records import account_last_rebalanced, account_state, latest_conversation
from advisor.app.services import Services
from advisor.app.views import (
    CORRECTABLE_FIELDS,
    HOLDING_COLUMNS,
    STATUS_WORDS,
    TRADE_COLUMNS,
    correction_message,
    document_markdown,
    portfolio_view,
    product_documents,
    profile_markdown,
    rebalancing_status,
    rule_documents,
    rules_in,
)
from advisor.errors import AdvisorError
from advisor.storage.models import DelegatePermission, MessageRole, ProposalStatus

__all__ = ["InvestorPage", "add_investor_page"]

STREAM_WORDS: Final = 3  # words revealed per step
STREAM_PAUSE: Final = 0.02  # seconds between steps: fast, but visibly progressive
Chat = list[dict[str, str]]
# The chat turns (and the profile corrections, which run a chat turn) share one queue group that
# lets this many turns run at once, so that one investor's engine work (profile, retrieval,
# optimization) never waits behind another's. The language model is still one per process, and
# its lock (`advisor.llm.local.SharedModel`) lets one generation run at a time; a turn that would
# wait longer than `llm_timeout_seconds` for it gets the templated opening and says it is degraded.
CHAT_CONCURRENCY_ID: Final = "chat"
CHAT_CONCURRENCY: Final = 24


def stream_chunks(reply: str, words: int = STREAM_WORDS) -> Iterator[str]:
    """The reply growing a few words at a time, whitespace and line breaks kept."""
    pieces = re.findall(r"\S+\s*", reply)
    for end in range(words, len(pieces) + words, words):
        yield "".join(pieces[:end])


def chat_history(services: Services, token: str) -> tuple[Chat, int | None]:
    """The investor's latest conversation as chat messages, and its id."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.VIEW_CONVERSATION, investor_id)
    conversation_id = latest_conversation(services.store, investor_id)
    if conversation_id is None:
        return [], None
    record = services.store.conversation(conversation_id)
    chat = [
        {"role": "user" if m.role == MessageRole.USER else "assistant", "content": m.content}
        for m in record.messages
        if m.role in (MessageRole.USER, MessageRole.ASSISTANT)
    ]
    return chat, conversation_id


def send_message(
    services: Services, token: str, conversation_id: int | None, text: str, history: Chat | None
) -> Iterator[tuple[Chat, int | None, Any]]:
    """One chat turn, streamed: (chat, conversation id, the input box). The box is emptied and
    locked while the turn runs (the engine's reply shows before the model's opening, and a
    message sent in between would race the turn), and opened again when it ends."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.CHAT, investor_id)
    if not workflow.consented(services, principal, investor_id):
        raise gr.Error("Please agree to the analysis first, or use the questionnaire.")
    text = (text or "").strip()
    chat = list(history or [])
    if not text:
        yield chat, conversation_id, _input_box(open_=True)
        return
    asked = [*chat, {"role": "user", "content": text}]
    yield [*asked, {"role": "assistant", "content": "…"}], conversation_id, _input_box(open_=False)
    session = AdviceSession(services.advisor, services.store)
    try:
        if conversation_id is None:
            session.start(investor_id=investor_id)
        else:
            _check_conversation(services, investor_id, conversation_id)
            session.resume(conversation_id)
        # The engine's answer is shown as soon as it is decided; the opening, which may wait for
        # the shared model, is written into it afterwards.
        pending = session.draft(text)
        preview = {"role": "assistant", "content": pending.draft.preview}
        yield [*asked, preview], conversation_id, _input_box(open_=False)
        turn = session.complete(pending)
    except gr.Error:
        # Nothing was recorded: the message goes back into the box, to send again.
        yield chat, conversation_id, _input_box(text, open_=True)
        raise
    except AdvisorError as error:
        yield chat, conversation_id, _input_box(text, open_=True)
        raise gr.Error(str(error)) from error
    for opening in stream_chunks(turn.opening):
        shown = {"role": "assistant", "content": pending.draft.reply(opening)}
        yield [*asked, shown], session.conversation_id, _input_box(open_=False)
        time.sleep(STREAM_PAUSE)
    reply = {"role": "assistant", "content": turn.reply}
    yield [*asked, reply], session.conversation_id, _input_box(open_=True)


def _input_box(text: str = "", *, open_: bool) -> Any:
    return gr.update(value=text, interactive=open_)


def _check_conversation(services: Services, investor_id: int, conversation_id: int) -> None:
    """A conversation id from the page must be one of this investor's."""
    if services.store.conversation(int(conversation_id)).investor_id != investor_id:
        raise gr.Error("This conversation is not yours.", title="Not allowed")


@dataclass(frozen=True)
class InvestorPanels:
    """Everything beside the chat, in the order of the page's outputs."""

    consent_visible: bool
    questionnaire_visible: bool
    chat_visible: bool
    profile: str
    proposal_status: str
    proposal_summary: str
    proposal_chart: Any
    proposal_table: pd.DataFrame
    accept_visible: bool
    projection_chart: Any
    projection_summary: str
    citations: list[tuple[str, str]]
    account_status: str
    trades: pd.DataFrame

    def as_outputs(self) -> tuple[Any, ...]:
        return (
            gr.update(visible=self.consent_visible),
            gr.update(visible=self.questionnaire_visible),
            gr.update(visible=self.chat_visible),
            self.profile,
            self.proposal_status,
            self.proposal_summary,
            self.proposal_chart,
            self.proposal_table,
            gr.update(visible=self.accept_visible),
            self.projection_chart,
            self.projection_summary,
            gr.update(
                choices=self.citations,
                value=self.citations[0][1] if self.citations else None,
            ),
            self.account_status,
            self.trades,
        )


def investor_panels(services: Services, principal: Principal, investor_id: int) -> InvestorPanels:
    """The panels from the store: the latest profile, proposal and account state."""
    consent = workflow.consent_state(services, principal, investor_id)
    latest = services.store.latest_profile(investor_id)
    contract = workflow.with_corrections(services, investor_id, latest[1] if latest else None)
    state = account_state(services.store, investor_id)
    shown = state.shown
    horizon = (contract or {}).get("horizon_years")
    empty = pd.DataFrame([], columns=HOLDING_COLUMNS)
    if shown is None:
        status, summary, chart, table = "No proposal yet.", "", None, empty
        projection_chart, projection_summary, citations = None, "", []
    else:
        view = portfolio_view(services.runtime, shown.weights, horizon)
        status = f"**Proposal {shown.id}:** {STATUS_WORDS[shown.status]}"
        status += workflow.proposal_note(services, shown)
        status += "\n\n" + workflow.mode_note(services)
        summary, chart, table = view.summary, view.chart, view.table
        projection_chart, projection_summary = view.projection_chart, view.projection_summary
        citations = _citations(services, shown.rationale, shown.weights)
    target = state.target
    when = account_last_rebalanced(services.store, state.account.id) if state.account else None
    rebalance = rebalancing_status(
        services.runtime, state.holdings, target.weights if target else None, when
    )
    return InvestorPanels(
        consent_visible=consent is None,
        questionnaire_visible=consent is False,
        chat_visible=consent is True,
        profile=profile_markdown(contract),
        proposal_status=status,
        proposal_summary=summary,
        proposal_chart=chart,
        proposal_table=table,
        accept_visible=shown is not None and shown.status == ProposalStatus.DRAFT,
        projection_chart=projection_chart,
        projection_summary=projection_summary,
        citations=citations,
        account_status=rebalance.text,
        trades=rebalance.trades,
    )


def _citations(
    services: Services, rationale: str, weights: dict[str, float]
) -> list[tuple[str, str]]:
    """(title, document id) of the rules the proposal applied, then of the products it holds."""
    runtime = services.runtime
    ids = rule_documents(runtime, rules_in(rationale))
    ids += [d for d in product_documents(runtime, weights) if d not in ids]
    titles = {d.meta.id: d.meta.title for d in runtime.documents}
    return [(f"{titles.get(i, i)} ({i})", i) for i in ids]


def refresh(services: Services, token: str) -> tuple[Any, ...]:
    """The panels of the signed-in investor; nothing changes for any other role."""
    if not token:
        return tuple(gr.skip() for _ in range(PANEL_OUTPUTS))
    principal = signed_in(services, token)
    if principal.role != "investor" or principal.investor_id is None:
        return tuple(gr.skip() for _ in range(PANEL_OUTPUTS))
    authorized(services, token, Action.VIEW_PROFILE, principal.investor_id)
    return investor_panels(services, principal, principal.investor_id).as_outputs()


PANEL_OUTPUTS: Final = 14


def open_citation(services: Services, token: str, document_id: str | None) -> str:
    """The full text of a cited document (public knowledge, but only for a signed-in user)."""
    signed_in(services, token)
    if not document_id:
        return ""
    return document_markdown(services.document(document_id))


def accept(services: Services, token: str) -> str:
    """Accept the proposal shown: to the advisor if it needs a review, else executed."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.ACCEPT_PROPOSAL, investor_id)
    shown = account_state(services.store, investor_id).shown
    if shown is None or shown.status != ProposalStatus.DRAFT:
        raise gr.Error("There is no proposal waiting for your decision.")
    try:
        step = workflow.accept(services, principal, shown.id)
    except AdvisorError as error:
        raise gr.Error(str(error)) from error
    return step.message


def correct_field(
    services: Services, token: str, conversation_id: int | None, field: str, value: str
) -> tuple[str, Chat, int | None]:
    """Record the investor's correction of a profile field, and tell the advisor in the chat."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.CHAT, investor_id)
    if field not in CORRECTABLE_FIELDS or not (value or "").strip():
        raise gr.Error("Choose a field and type the right value.")
    workflow.record_correction(services, principal, investor_id, field, value.strip())
    message = correction_message(field, value.strip())
    if workflow.consented(services, principal, investor_id):
        for _ in send_message(services, token, conversation_id, message, None):
            pass  # the advisor reads the correction in the conversation; the chat is reloaded
    history, new_id = chat_history(services, token)
    return f"Recorded: {CORRECTABLE_FIELDS[field]} = {value.strip()}.", history, new_id


def decide_consent(services: Services, token: str, granted: bool) -> None:
    """Record the investor's answer to the analysis consent, with its text version and time."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.MANAGE_CONSENT, investor_id)
    workflow.record_consent(services, principal, investor_id, granted)


LOSS_CHOICES: Final = [
    ("I cannot accept any loss", 1),
    ("A small loss, up to 5% in a bad year", 2),
    ("Up to 10% in a bad year", 3),
    ("Up to 20% in a bad year", 4),
    ("More than 20%, for a higher return", 5),
]


def questionnaire(
    services: Services,
    token: str,
    age: float | None,
    horizon: float | None,
    loss: int | None,
    emergency_months: float | None,
) -> str:
    """The questionnaire-only path: a proposal from the answers, with no analysis of free text."""
    principal = signed_in(services, token)
    investor_id = own_investor(principal)
    authorized(services, token, Action.CHAT, investor_id)
    if age is None or horizon is None or loss is None or emergency_months is None:
        raise gr.Error("Please answer all four questions.")
    try:
        proposal_id = workflow.questionnaire_proposal(
            services,
            principal,
            investor_id,
            int(age),
            float(horizon),
            int(loss),
            float(emergency_months),
        )
    except AdvisorError as error:
        raise gr.Error(str(error)) from error
    return f"Thank you. Proposal {proposal_id} is ready: see **Portfolio**."


@dataclass(frozen=True)
class InvestorPage:
    """The page's column and what the sign-in must refresh."""

    column: gr.Column
    panels: list[Any]
    chat: gr.Chatbot
    conversation: gr.State
    load_chat: Callable[[str], tuple[Any, Any]]
    refresh: Callable[[str], tuple[Any, ...]]

    def on_sign_in(self, event: Any, token: gr.Textbox) -> Any:
        """Chain the page's loading after a sign-in `event`."""
        return event.then(self.load_chat, [token], [self.chat, self.conversation]).then(
            self.refresh, [token], self.panels
        )


INVITE_PERMISSIONS: Final = [
    ("See my accounts", "view"),
    ("Get alerts (large trades, worry, suspected scams)", "alerts"),
    ("Approve large trades with me", "co_approve"),
]


def invite_delegate(
    services: Services,
    token: str,
    name: str,
    relationship: str,
    contact: str,
    username: str,
    permissions: list[str],
) -> str:
    """Invite a trusted contact for the signed-in investor (never another investor: the id comes
    from the session); their password is shown this once, to pass on."""
    principal = signed_in(services, token)
    if principal.role != "investor" or principal.investor_id is None:
        raise gr.Error("Only an investor can invite a trusted contact.", title="Not allowed")
    missing = [label for label, text in (("name", name), ("username", username)) if not text]
    if missing:
        raise gr.Error(f"Please fill in their {' and '.join(missing)}.")
    try:
        credentials = services.delegation.invite(
            principal,
            principal.investor_id,
            username=username.strip(),
            name=name.strip(),
            relationship=relationship.strip() or "trusted contact",
            contact=contact.strip(),
            permissions=[DelegatePermission(p) for p in permissions],
        )
    except AdvisorError as error:
        raise gr.Error(str(error)) from error
    return (
        f"**{name.strip()}** is invited. Give them their username **{credentials.username}** "
        f"and this password, shown only now: `{credentials.password}`"
    )


def add_investor_page(services: Services, token: gr.Textbox) -> InvestorPage:
    """Add the investor page (hidden until an investor signs in)."""
    with gr.Column(visible=False, elem_id="investor-page") as column:
        conversation = gr.State(None)
        with gr.Row(equal_height=False):
            with gr.Column(scale=5, min_width=360):
                with gr.Group(visible=False, elem_id="consent-panel") as consent_panel:
                    gr.Markdown(workflow.CONSENT_TEXT, elem_id="consent-text")
                    with gr.Row():
                        agree = gr.Button("I agree", variant="primary", elem_id="consent-agree")
                        decline = gr.Button("No, thank you", elem_id="consent-decline")
                with gr.Group(visible=False, elem_id="questionnaire") as questionnaire_panel:
                    gr.Markdown(
                        "### A few questions instead\nYour answers alone decide the proposal; "
                        "nothing you write is analysed."
                    )
                    age = gr.Number(label="Your age", precision=0, elem_id="q-age")
                    horizon = gr.Number(
                        label="When will you need the money? (years)", elem_id="q-horizon"
                    )
                    loss = gr.Radio(
                        LOSS_CHOICES, label="How much loss could you bear?", elem_id="q-loss"
                    )
                    emergency = gr.Number(
                        label="Emergency savings (months of spending)", elem_id="q-emergency"
                    )
                    build = gr.Button("Build my portfolio", variant="primary", elem_id="q-build")
                    q_result = gr.Markdown(elem_id="q-result")
                with gr.Group(visible=False, elem_id="chat-panel") as chat_panel:
                    chat = gr.Chatbot(
                        label="Your advisor (an AI; your messages are analysed for your profile)",
                        height=520,
                        elem_id="investor-chat",
                        buttons=["copy"],
                    )
                    with gr.Row(equal_height=True):
                        message = gr.Textbox(
                            show_label=False,
                            placeholder="Tell the advisor about yourself and your goals…",
                            scale=5,
                            elem_id="chat-input",
                        )
                        send = gr.Button(
                            "Send", variant="primary", scale=1, min_width=90, elem_id="chat-send"
                        )
            with gr.Column(scale=4, min_width=360), gr.Tabs(elem_id="investor-tabs"):
                with gr.Tab("Profile", id="profile-tab"):
                    profile = gr.Markdown(elem_id="profile")
                    with gr.Row():
                        field = gr.Dropdown(
                            [(label, key) for key, label in CORRECTABLE_FIELDS.items()],
                            label="Correct a field",
                            elem_id="correct-field",
                        )
                        value = gr.Textbox(label="Right value", elem_id="correct-value")
                    correct = gr.Button("Record correction", elem_id="correct-button")
                    corrected = gr.Markdown(elem_id="correct-result")
                with gr.Tab("Portfolio", id="portfolio-tab"):
                    status = gr.Markdown(elem_id="proposal-status")
                    summary = gr.Markdown(elem_id="proposal-summary")
                    chart = gr.Plot(show_label=False, elem_id="proposal-chart")
                    table = gr.Dataframe(
                        headers=HOLDING_COLUMNS,
                        interactive=False,
                        wrap=True,
                        column_widths=["52%", "16%", "14%", "18%"],
                        show_label=False,
                        elem_id="proposal-table",
                    )
                    accept_button = gr.Button(
                        "Accept this portfolio",
                        variant="primary",
                        visible=False,
                        elem_id="accept-proposal",
                    )
                    accepted = gr.Markdown(elem_id="accept-result")
                with gr.Tab("Projection", id="projection-tab"):
                    projection_summary = gr.Markdown(elem_id="projection-summary-investor")
                    projection = gr.Plot(show_label=False, elem_id="investor-projection")
                with gr.Tab("Sources", id="sources-tab"):
                    citation = gr.Dropdown(label="Cited document", elem_id="citation-choice")
                    citation_text = gr.Markdown(elem_id="citation-text")
                with gr.Tab("Account", id="account-tab"):
                    account_status = gr.Markdown(elem_id="account-status")
                    trades = gr.Dataframe(
                        headers=TRADE_COLUMNS,
                        interactive=False,
                        label="Pending trades",
                        elem_id="pending-trades",
                    )
                with gr.Tab("Family", id="family-tab"):
                    gr.Markdown(
                        "Invite a family member or friend as your trusted contact. They get "
                        "their own sign-in and only what you grant; they can never trade for you."
                    )
                    contact_name = gr.Textbox(label="Their name", elem_id="invite-name")
                    relationship = gr.Textbox(
                        label="Who they are to you (e.g. daughter)", elem_id="invite-relationship"
                    )
                    contact = gr.Textbox(label="Phone or e-mail", elem_id="invite-contact")
                    username = gr.Textbox(label="Their username", elem_id="invite-username")
                    grants = gr.CheckboxGroup(
                        INVITE_PERMISSIONS,
                        value=["view", "alerts"],
                        label="What they may do",
                        elem_id="invite-permissions",
                    )
                    invite = gr.Button("Invite", elem_id="invite-button")
                    invited = gr.Markdown(elem_id="invite-result")

    panels = [
        consent_panel,
        questionnaire_panel,
        chat_panel,
        profile,
        status,
        summary,
        chart,
        table,
        accept_button,
        projection,
        projection_summary,
        citation,
        account_status,
        trades,
    ]
    assert len(panels) == PANEL_OUTPUTS
    do_refresh = partial(refresh, services)

    def load_chat(token_value: str) -> tuple[Any, Any]:
        principal = signed_in(services, token_value) if token_value else None
        if principal is None or principal.role != "investor":
            return gr.skip(), gr.skip()
        return chat_history(services, token_value)

    for trigger, answer in ((agree, True), (decline, False)):
        trigger.click(partial(decide_consent, services, granted=answer), [token], None).then(
            do_refresh, [token], panels
        )
    gr.on(
        [send.click, message.submit],
        partial(send_message, services),
        [token, conversation, message, chat],
        [chat, conversation, message],
        api_name="chat",
        concurrency_limit=CHAT_CONCURRENCY,
        concurrency_id=CHAT_CONCURRENCY_ID,
    ).then(do_refresh, [token], panels)
    invite.click(
        partial(invite_delegate, services),
        [token, contact_name, relationship, contact, username, grants],
        invited,
        api_name="invite_delegate",
    )
    build.click(
        partial(questionnaire, services), [token, age, horizon, loss, emergency], q_result
    ).then(do_refresh, [token], panels)
    correct.click(
        partial(correct_field, services),
        [token, conversation, field, value],
        [corrected, chat, conversation],
        api_name="correct_profile",
        concurrency_limit=CHAT_CONCURRENCY,
        concurrency_id=CHAT_CONCURRENCY_ID,
    ).then(do_refresh, [token], panels)
    accept_button.click(
        partial(accept, services), [token], accepted, api_name="accept_proposal"
    ).then(do_refresh, [token], panels)
    citation.change(partial(open_citation, services), [token, citation], citation_text)
    return InvestorPage(column, panels, chat, conversation, load_chat, do_refresh)

"""The advisor console: the queue of proposals waiting for review, the book of assigned accounts,
and each investor's audit log.

A review shows what the machine saw and decided: the profile with the words behind each field,
the emotional state and flags, the suitability decision with its rule ids, the weights before and
after, the rationale and the documents cited. The advisor approves, rejects with a comment, or
modifies the weights; modified weights are checked by the engine against the suitability decision,
and any violation is shown (and nothing saved) before they can be saved. Every handler checks on
the server that the signed-in advisor may act on that investor.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Final

import gradio as gr
import pandas as pd

from advisor.app import workflow
from advisor.app.access import Action, Principal, authorized, signed_in
from advisor.app.records import account_last_rebalanced, account_state, investor_name
from advisor.app.services import Services
from advisor.app.views import (
    COMPARE_COLUMNS,
    audit_table,
    comparison_table,
    document_markdown,
    product_documents,
    profile_markdown,
    rebalancing_status,
    rule_documents,
    rules_in,
)
from advisor.errors import AdvisorError
from advisor.planning.service import Planning, assess_investor_goals
from advisor.storage.models import Role
from advisor.storage.store import PendingReview, Store

__all__ = ["AdvisorConsole", "add_advisor_tabs"]

BOOK_COLUMNS: Final = [
    "Investor",
    "Id",
    "Risk",
    "Value",
    "Drift",
    "Last rebalance",
    "Alerts",
    "Pending reviews",
]
EDIT_COLUMNS: Final = ["Product id", "Product", "Weight %"]
SORTS: Final = {
    "Drift (largest first)": ("Drift", False),
    "Alerts (most first)": ("Alerts", False),
    "Value (largest first)": ("Value", False),
    "Investor (A-Z)": ("Investor", True),
}


def _console_principal(services: Services, token: str) -> Principal:
    principal = signed_in(services, token)
    if principal.role not in (Role.ADVISOR, Role.ADMIN):
        raise gr.Error("The console is for advisors.", title="Not allowed")
    return principal


def visible_reviews(services: Services, token: str) -> list[PendingReview]:
    """The pending reviews of the investors this advisor may review."""
    principal = _console_principal(services, token)
    allowed = set(services.accounts.visible_investors(principal))
    return [r for r in services.store.pending_reviews() if r.investor_id in allowed]


def queue_choices(services: Services, token: str) -> Any:
    """The review queue as dropdown choices, oldest first."""
    reviews = visible_reviews(services, token)
    choices = [
        (
            f"#{r.proposal_id} · {r.investor_name} · {r.kind.replace('_', ' ')} · "
            f"{r.created_at:%Y-%m-%d %H:%M}",
            r.proposal_id,
        )
        for r in reviews
    ]
    return gr.update(choices=choices, value=choices[0][1] if choices else None)


@dataclass(frozen=True)
class ReviewView:
    """One proposal under review, in the order of the console's outputs."""

    heading: str
    profile: str
    decision: str
    comparison: pd.DataFrame
    rationale: str
    citations: list[tuple[str, str]]
    edit: pd.DataFrame

    def as_outputs(self) -> tuple[Any, ...]:
        return (
            self.heading,
            self.profile,
            self.decision,
            self.comparison,
            self.rationale,
            gr.update(
                choices=self.citations, value=self.citations[0][1] if self.citations else None
            ),
            self.edit,
        )


EMPTY_REVIEW: Final = ReviewView(
    "No proposal is waiting for your review.",
    "",
    "",
    pd.DataFrame([], columns=COMPARE_COLUMNS),
    "",
    [],
    pd.DataFrame([], columns=EDIT_COLUMNS),
)


def review_view(services: Services, token: str, proposal_id: int | None) -> tuple[Any, ...]:
    """Everything about one pending proposal the advisor needs to decide."""
    if proposal_id is None:
        return EMPTY_REVIEW.as_outputs()
    review = _pending(services, token, int(proposal_id), Action.REVIEW_PROPOSAL)
    runtime = services.runtime
    latest = services.store.latest_profile(review.investor_id)
    contract = workflow.with_corrections(
        services, review.investor_id, latest[1] if latest else None
    )
    state = account_state(services.store, review.investor_id)
    before = state.target.weights if state.target else _holding_weights(state.holdings)
    decision = workflow.decision_for(services, review.investor_id)
    fired = ", ".join(f"`{rule}`" for rule in decision.rules_fired) or "none"
    decision_text = (
        f"**Suitability decision:** risk level C{decision.risk_level} "
        f"({decision.jurisdiction}); review required: "
        f"{'yes' if decision.requires_review else 'no'}; hold: "
        f"{'yes' if decision.hold else 'no'}.  \n**Rules fired:** {fired}"
    )
    if decision.warnings:
        decision_text += "\n\n" + "\n".join(f"- `{w.rule_id}`: {w.text}" for w in decision.warnings)
    if review.cooling_off_until is not None:
        decision_text += f"\n\n**Cooling-off** until {review.cooling_off_until:%Y-%m-%d %H:%M} UTC."
    decision_text += goals_markdown(
        services.store,
        services.planning,
        review.investor_id,
        decision.risk_level,
        datetime.now(UTC).date(),
    )
    ids = rule_documents(runtime, rules_in(review.rationale) or decision.rules_fired)
    ids += [d for d in product_documents(runtime, review.weights) if d not in ids]
    titles = {d.meta.id: d.meta.title for d in runtime.documents}
    edit = pd.DataFrame(
        [
            [p.id, p.name, round(100 * review.weights.get(p.id, 0.0), 2)]
            for p in runtime.catalogue.products
            if decision.caps.get(p.id, 0.0) > 0 or review.weights.get(p.id, 0.0) > 0
        ],
        columns=EDIT_COLUMNS,
    )
    return ReviewView(
        heading=(
            f"### Proposal {review.proposal_id} for {review.investor_name} "
            f"({review.kind.replace('_', ' ')})"
        ),
        profile=profile_markdown(contract),
        decision=decision_text,
        comparison=comparison_table(runtime, before, review.weights),
        rationale=f"**Rationale:** {review.rationale}",
        citations=[(f"{titles.get(i, i)} ({i})", i) for i in ids],
        edit=edit,
    ).as_outputs()


def goals_markdown(
    store: Store, planning: Planning, investor_id: int, suitability_cap: int, today: date
) -> str:
    """The investor's goals with the engine's status for each (probability of reaching the
    target at the goal's glide-path level) and the most effective fix; empty if there are none."""
    assessments = assess_investor_goals(store, planning, investor_id, suitability_cap, today)
    if not assessments:
        return ""
    lines = ["\n\n**Goals:**"]
    for assessed in assessments:
        goal = assessed.goal
        status = assessed.status.replace("_", " ")
        line = (
            f"- {goal.name} ({goal.kind.replace('_', ' ')}): {goal.target_amount:,.0f} by "
            f"{goal.target_date:%Y-%m-%d}, level C{assessed.risk_level}: **{status}** "
            f"({assessed.probability:.0%} chance)"
        )
        if assessed.fixes:
            line += f"; best fix: {assessed.fixes[0].description}"
        lines.append(line)
    return "\n".join(lines)


def _holding_weights(holdings: dict[str, float]) -> dict[str, float]:
    total = sum(holdings.values())
    return {p: v / total for p, v in holdings.items()} if total > 0 else {}


def _pending(services: Services, token: str, proposal_id: int, action: Action) -> PendingReview:
    """The pending review, if the signed-in advisor may take `action` on its investor."""
    review = next(
        (r for r in services.store.pending_reviews() if r.proposal_id == proposal_id), None
    )
    if review is None:
        raise gr.Error(f"Proposal {proposal_id} is not waiting for review.")
    authorized(services, token, action, review.investor_id)
    return review


def decide(
    services: Services, token: str, proposal_id: int | None, comment: str, approve: bool
) -> str:
    """Approve or reject the proposal; a rejection needs a comment."""
    if proposal_id is None:
        raise gr.Error("Choose a proposal from the queue.")
    principal = signed_in(services, token)
    _pending(services, token, int(proposal_id), Action.REVIEW_PROPOSAL)
    if not approve and not (comment or "").strip():
        raise gr.Error("Please say why you reject the proposal.")
    try:
        outcome = workflow.review(
            services, principal, int(proposal_id), "approve" if approve else "reject", comment
        )
    except AdvisorError as error:
        raise gr.Error(str(error)) from error
    return outcome


def check_modified(
    services: Services, token: str, proposal_id: int | None, table: pd.DataFrame | None
) -> str:
    """The engine's suitability check of the edited weights; nothing is saved."""
    if proposal_id is None:
        raise gr.Error("Choose a proposal from the queue.")
    review = _pending(services, token, int(proposal_id), Action.MODIFY_PROPOSAL)
    weights = _edited(table)
    violations = workflow.check_weights(services, review.investor_id, weights)
    return workflow.violations_text(violations)


def save_modified(
    services: Services,
    token: str,
    proposal_id: int | None,
    table: pd.DataFrame | None,
    comment: str,
) -> str:
    """Save the edited weights as the approved proposal, only if the engine finds them suitable."""
    if proposal_id is None:
        raise gr.Error("Choose a proposal from the queue.")
    principal = signed_in(services, token)
    _pending(services, token, int(proposal_id), Action.MODIFY_PROPOSAL)
    weights = _edited(table)
    try:
        return workflow.review(
            services, principal, int(proposal_id), "modify", comment, weights=weights
        )
    except AdvisorError as error:
        raise gr.Error(str(error)) from error


def _edited(table: pd.DataFrame | None) -> dict[str, float]:
    """Product id -> weight (a fraction) from the edit table; empty rows and zeros dropped."""
    if table is None:
        return {}
    frame = table if isinstance(table, pd.DataFrame) else pd.DataFrame(table)
    weights: dict[str, float] = {}
    for _, row in frame.iterrows():
        product_id = str(row.iloc[0]).strip()
        try:
            percent = float(str(row.iloc[-1]).strip().removesuffix("%") or 0)
        except ValueError:
            raise gr.Error(f"The weight of {product_id} is not a number.") from None
        if product_id and percent != 0:
            weights[product_id] = percent / 100
    return weights


def book(services: Services, token: str, sort: str) -> pd.DataFrame:
    """Every account of the advisor's investors: drift, last rebalance, alerts, sorted."""
    principal = _console_principal(services, token)
    alerts_by_investor: dict[int, list[str]] = {}
    for alert in services.alerts.alerts(principal, unread_only=True):
        alerts_by_investor.setdefault(alert.investor_id, []).append(str(alert.kind))
    pending: dict[int, int] = {}
    for review in services.store.pending_reviews():
        pending[review.investor_id] = pending.get(review.investor_id, 0) + 1
    rows = []
    for investor_id in services.accounts.visible_investors(principal):
        state = account_state(services.store, investor_id)
        target = state.target
        when = account_last_rebalanced(services.store, state.account.id) if state.account else None
        status = rebalancing_status(
            services.runtime, state.holdings, target.weights if target else None, when
        )
        kinds = alerts_by_investor.get(investor_id, [])
        rows.append(
            {
                "Investor": investor_name(services.store, investor_id),
                "Id": investor_id,
                "Risk": f"C{state.account.risk_level}" if state.account else "—",
                "Value": round(status.value, 2),
                "Drift": round(100 * status.drift, 1) if target else -1.0,
                "Last rebalance": when.strftime("%Y-%m-%d %H:%M") if when else "never",
                "Alerts": len(kinds),
                "Pending reviews": pending.get(investor_id, 0),
                "_kinds": ", ".join(sorted(set(kinds))),
            }
        )
    frame = pd.DataFrame(rows, columns=[*BOOK_COLUMNS, "_kinds"])
    column, ascending = SORTS.get(sort, SORTS["Drift (largest first)"])
    frame = frame.sort_values(column, ascending=ascending, kind="stable")
    frame["Alerts"] = [
        f"{count} ({kinds})" if count else "0"
        for count, kinds in zip(frame["Alerts"], frame["_kinds"], strict=True)
    ]
    frame["Drift"] = [f"{drift:.1f}%" if drift >= 0 else "no target" for drift in frame["Drift"]]
    frame["Value"] = [f"{value:,.2f}" for value in frame["Value"]]
    return frame.drop(columns="_kinds")


def audit_investors(services: Services, token: str) -> Any:
    """The investors whose audit log this user may read."""
    principal = _console_principal(services, token)
    ids = services.accounts.visible_investors(principal)
    choices = [(f"{investor_name(services.store, i)} (#{i})", i) for i in ids]
    return gr.update(choices=choices, value=choices[0][1] if choices else None)


def audit_log(services: Services, token: str, investor_id: int | None) -> tuple[pd.DataFrame, str]:
    """The investor's audit trail, newest first, and whether the hash chain is intact."""
    if investor_id is None:
        raise gr.Error("Choose an investor.")
    authorized(services, token, Action.VIEW_AUDIT, int(investor_id))
    events = workflow.investor_events(services, int(investor_id))
    return audit_table(events), workflow.chain_status(services)


@dataclass(frozen=True)
class AdvisorConsole:
    """The console's tabs and what the sign-in must load."""

    load: Callable[[str], tuple[Any, ...]]
    outputs: list[Any]


def add_advisor_tabs(services: Services, token: gr.Textbox) -> tuple[list[gr.Tab], AdvisorConsole]:
    """Add the "Review queue", "Book" and "Audit log" tabs (hidden until an advisor signs in);
    call inside the app's `gr.Tabs`."""
    with gr.Tab("Review queue", id="review-queue", visible=False) as queue_tab:
        with gr.Row():
            choice = gr.Dropdown(
                label="Waiting for review",
                elem_id="review-choice",
                scale=4,
                allow_custom_value=True,  # any id may be sent; the server checks it
            )
            reload = gr.Button("Refresh", elem_id="review-refresh", scale=0, min_width=120)
        heading = gr.Markdown(elem_id="review-heading")
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=360):
                gr.Markdown("#### Profile, emotion and flags")
                profile = gr.Markdown(elem_id="review-profile")
                decision = gr.Markdown(elem_id="review-decision")
            with gr.Column(scale=1, min_width=360):
                gr.Markdown("#### Weights before and after")
                comparison = gr.Dataframe(
                    headers=COMPARE_COLUMNS,
                    interactive=False,
                    wrap=True,
                    column_widths=["40%", "12%", "16%", "16%", "16%"],
                    show_label=False,
                    elem_id="review-weights",
                )
                rationale = gr.Markdown(elem_id="review-rationale")
                citation = gr.Dropdown(label="Cited document", elem_id="review-citation")
                citation_text = gr.Markdown(elem_id="review-citation-text")
        comment = gr.Textbox(label="Comment (required to reject)", elem_id="review-comment")
        with gr.Row():
            approve = gr.Button("Approve", variant="primary", elem_id="review-approve")
            reject = gr.Button("Reject", variant="stop", elem_id="review-reject")
        with gr.Accordion("Modify the weights", open=False, elem_id="modify-panel"):
            edit = gr.Dataframe(
                headers=EDIT_COLUMNS,
                interactive=True,
                show_label=False,
                elem_id="modify-weights",
            )
            with gr.Row():
                check = gr.Button("Check suitability", elem_id="modify-check")
                save = gr.Button("Save modified weights", variant="primary", elem_id="modify-save")
        outcome = gr.Markdown(elem_id="review-outcome")
    with gr.Tab("Book", id="book", visible=False) as book_tab:
        with gr.Row():
            sort = gr.Dropdown(
                list(SORTS),
                value="Drift (largest first)",
                label="Sort by",
                elem_id="book-sort",
                scale=3,
            )
            book_reload = gr.Button("Refresh", elem_id="book-refresh", scale=0, min_width=120)
        book_table = gr.Dataframe(
            headers=BOOK_COLUMNS,
            interactive=False,
            wrap=True,
            show_label=False,
            elem_id="book-table",
        )
    with gr.Tab("Audit log", id="audit", visible=False) as audit_tab:
        with gr.Row():
            investor = gr.Dropdown(
                label="Investor", elem_id="audit-investor", scale=3, allow_custom_value=True
            )
            show = gr.Button("Show", elem_id="audit-show", scale=0, min_width=120)
        chain = gr.Markdown(elem_id="audit-chain")
        events = gr.Dataframe(interactive=False, wrap=True, show_label=False, elem_id="audit-table")

    review_outputs = [heading, profile, decision, comparison, rationale, citation, edit]
    show_review = partial(review_view, services)
    reload.click(partial(queue_choices, services), [token], choice)
    choice.change(show_review, [token, choice], review_outputs, api_name="review")
    citation.change(
        lambda t, d: (
            document_markdown(services.document(d)) if (signed_in(services, t) and d) else ""
        ),
        [token, citation],
        citation_text,
    )
    for button, verdict in ((approve, True), (reject, False)):
        button.click(
            partial(decide, services, approve=verdict),
            [token, choice, comment],
            outcome,
            api_name=f"review_{'approve' if verdict else 'reject'}",
        ).success(partial(queue_choices, services), [token], choice).then(lambda: "", None, comment)
    check.click(partial(check_modified, services), [token, choice, edit], outcome)
    save.click(
        partial(save_modified, services),
        [token, choice, edit, comment],
        outcome,
        api_name="review_modify",
    ).success(partial(queue_choices, services), [token], choice).then(lambda: "", None, comment)
    gr.on([sort.change, book_reload.click], partial(book, services), [token, sort], book_table)
    show.click(
        partial(audit_log, services), [token, investor], [events, chain], api_name="audit_log"
    )

    def load(token_value: str) -> tuple[Any, ...]:
        principal = signed_in(services, token_value) if token_value else None
        if principal is None or principal.role not in (Role.ADVISOR, Role.ADMIN):
            return (gr.skip(), gr.skip(), gr.skip())
        return (
            queue_choices(services, token_value),
            book(services, token_value, "Drift (largest first)"),
            audit_investors(services, token_value),
        )

    return [queue_tab, book_tab, audit_tab], AdvisorConsole(load, [choice, book_table, investor])

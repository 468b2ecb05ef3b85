"""The advisor console in a real Chromium against the served app: the demo advisor reviews two
proposals waiting for the demo investor, approves one, tries an unsuitable modification of the
other (the engine's violations are shown and nothing is saved), then saves a suitable one; the
book lists the assigned accounts and the audit log shows every step with an intact hash chain."""

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from test_app_harness import (  # noqa: F401 - `browser` is a fixture
    STEP_MS,
    ServedApp,
    add_investor,
    browser,
    chromium_page,
    screenshot,
    serve_app,
    sign_in,
)

from advisor.accounts.service import AccountService
from advisor.accounts.suitability_check import decision_for, weight_violations
from advisor.runtime import Runtime
from advisor.storage.models import ProposalStatus

PROFILE: dict[str, Any] = {
    "age": 70,
    "life_stage": "retirement",
    "risk_level": 2,
    "horizon_years": 10.0,
    "emotion": "anxious",
    "goals": ["income"],
    "flags": [],
    "sustained_anxiety": False,
    "subject": "self",
    "relation": None,
    "confidence": {"age": 1.0, "life_stage": 0.9, "risk_level": 0.8, "horizon_years": 0.9},
    "evidence": {
        "age": [{"message_index": 0, "quote": "I'm 70"}],
        "life_stage": [{"message_index": 0, "quote": "retired"}],
        "risk_level": [{"message_index": 0, "quote": "I couldn't bear losing more than 5%"}],
        "horizon_years": [{"message_index": 0, "quote": "over the next 10 years"}],
        "emotion": [{"message_index": 0, "quote": "I'm worried"}],
        "goals": {"income": [{"message_index": 0, "quote": "an income"}]},
        "flags": {},
    },
    "schema_version": 1,
}


def engine_weights(runtime: Runtime, level: int) -> dict[str, float]:
    allocation = runtime.allocate(level, 10)
    weights = {
        product.id: float(weight)
        for product, weight in zip(runtime.catalogue.products, allocation.weights, strict=True)
        if weight > 1e-6
    }
    total = sum(weights.values())
    return {product: weight / total for product, weight in weights.items()}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, runtime: Runtime) -> Iterator[ServedApp]:
    def seed(app: ServedApp, accounts: AccountService) -> None:
        store = app.store
        # A retired investor without a trusted contact: an approved trade is made at once.
        investor_id = add_investor(
            app,
            accounts,
            "retired-investor",
            "Retired Investor",
            birth_year=1955,
            holdings={"us_aggregate_bond": 45_000.0, "us_total_market": 55_000.0},
        )
        store.save_profile(investor_id, PROFILE, actor="test:seed")
        account_id = store.accounts(investor_id)[0].id
        for level in (2, 1):
            proposal_id = store.record_proposal(
                account_id,
                engine_weights(runtime, level),
                f"Optimal portfolio for risk level C{level}; rules: US-PROFILE, US-MATCH-1.",
                requires_review=True,
                actor="test:seed",
            )
            store.transition_proposal(proposal_id, ProposalStatus.PENDING_REVIEW, "test:seed")
        add_investor(
            app,
            accounts,
            "young-investor",
            "Young Investor",
            birth_year=1992,
            holdings={"us_total_market": 20_000.0},
        )

    yield from serve_app(
        tmp_path_factory.mktemp("advisor"), seed, env={"ADVISOR_LLM_BACKEND": "none"}
    )


def edit_cell(page: Page, table: str, row: int, column: int, value: str) -> None:
    """Type a value into a cell of an editable Gradio dataframe."""
    cell = page.locator(f"#{table} [role=gridcell][data-row='{row}'][data-col='{column}']")
    cell.dblclick()
    editor = page.locator(f"#{table} [role=gridcell] input, #{table} [role=gridcell] textarea")
    editor.first.fill(value)
    editor.first.press("Enter")


def cells(page: Page, table: str, column: int) -> Locator:
    return page.locator(f"#{table} [role=gridcell][data-col='{column}']")


@pytest.mark.browser
def test_advisor_reviews_approves_and_modifies(
    browser: Browser,  # noqa: F811 - the fixture imported above
    served: ServedApp,
    runtime: Runtime,
) -> None:
    page, outside = chromium_page(browser, served)
    sign_in(page, served, "demo-advisor")
    expect(page.get_by_role("tab", name="Review queue")).to_be_visible()
    heading = page.locator("#review-heading")
    expect(heading).to_contain_text("Proposal 1 for Retired Investor", timeout=STEP_MS)
    # What the machine saw and decided: evidence, emotion, rule ids, weights, rationale, sources.
    expect(page.locator("#review-profile")).to_contain_text("I'm 70")
    expect(page.locator("#review-profile")).to_contain_text("anxious")
    expect(page.locator("#review-decision")).to_contain_text("Rules fired")
    expect(page.locator("#review-decision")).to_contain_text("C2")
    expect(cells(page, "review-weights", 0).first).not_to_be_empty()
    expect(page.locator("#review-rationale")).to_contain_text("US-PROFILE")
    expect(page.locator("#review-citation-text")).not_to_be_empty(timeout=STEP_MS)
    screenshot(page, "advisor_review")

    page.locator("#review-comment textarea").fill("Suits a careful retiree.")
    page.locator("#review-approve").click()
    expect(page.locator("#review-outcome")).to_contain_text("Approved", timeout=STEP_MS)
    investor_id = served.investor_ids["retired-investor"]
    first = served.store.proposal(1)
    assert first.status == ProposalStatus.EXECUTED

    # The second proposal: an unsuitable edit is refused with the engine's reasons.
    expect(heading).to_contain_text("Proposal 2", timeout=STEP_MS)
    page.locator("#modify-panel").get_by_text("Modify the weights").click()
    ids = cells(page, "modify-weights", 0).all_inner_texts()
    weights = [float(w) for w in cells(page, "modify-weights", 2).all_inner_texts()]
    edit_cell(page, "modify-weights", 0, 2, f"{weights[0] + 10:g}")
    page.locator("#modify-check").click()
    outcome = page.locator("#review-outcome")
    expect(outcome).to_contain_text("cannot be saved", timeout=STEP_MS)
    expect(outcome).to_contain_text("sum")
    page.locator("#modify-save").click()
    expect(outcome).to_contain_text("Not saved", timeout=STEP_MS)
    assert served.store.proposal(2).status == ProposalStatus.PENDING_REVIEW
    screenshot(page, "advisor_modify_violations")

    # A suitable edit, found with the engine's own check: move 2 points between two holdings.
    latest = served.store.latest_profile(investor_id)
    assert latest is not None
    decision = decision_for(runtime, latest[1], 3, "US")
    current = dict(zip(ids, (w / 100 for w in weights), strict=True))
    move = next(
        (a, b)
        for a in range(len(ids))
        for b in range(len(ids))
        if a != b
        and current[ids[a]] >= 0.02
        and not weight_violations(
            {**current, ids[a]: current[ids[a]] - 0.02, ids[b]: current[ids[b]] + 0.02},
            decision,
            runtime,
        )
    )
    source, target = move
    edit_cell(page, "modify-weights", 0, 2, f"{weights[0]:g}")
    edit_cell(page, "modify-weights", source, 2, f"{weights[source] - 2:.4f}")
    edit_cell(page, "modify-weights", target, 2, f"{weights[target] + 2:.4f}")
    page.locator("#modify-check").click()
    expect(outcome).to_contain_text("Suitable", timeout=STEP_MS)
    page.locator("#modify-save").click()
    expect(outcome).to_contain_text("Modified and approved", timeout=STEP_MS)
    second = served.store.proposal(2)
    assert second.status == ProposalStatus.EXECUTED
    assert second.weights[ids[target]] == pytest.approx(current[ids[target]] + 0.02, abs=1e-4)
    expect(heading).to_contain_text("No proposal is waiting", timeout=STEP_MS)

    # The book: every assigned account, sortable.
    page.get_by_role("tab", name="Book").click()
    page.locator("#book-sort input").click()
    page.get_by_role("option", name="Investor (A-Z)").click()
    expect(cells(page, "book-table", 0)).to_have_text(
        ["Demo Investor", "Retired Investor", "Young Investor"], timeout=STEP_MS
    )
    screenshot(page, "advisor_book")

    # The audit log of the investor: the reviews and the trades, and an intact chain.
    page.get_by_role("tab", name="Audit log").click()
    page.locator("#audit-investor input").click()
    page.get_by_role("option", name=f"Retired Investor (#{investor_id})").click()
    page.locator("#audit-show").click()
    expect(page.locator("#audit-chain")).to_contain_text("intact", timeout=STEP_MS)
    actions = cells(page, "audit-table", 2).all_inner_texts()
    for action in ("proposal.approved", "proposal.executed", "holdings.replaced"):
        assert action in actions
    screenshot(page, "advisor_audit")
    assert outside == [], f"the page fetched from outside the app: {outside}"
    page.context.close()

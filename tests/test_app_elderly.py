"""Elderly mode and family delegation, in a real Chromium against the served app: the demo investor
(born 1956) signs in with large text, reads a suggested change back in plain words, confirms it;
the trade is large, so it waits for the trusted contact, who co-approves it; back on the simple
page the investor undoes it within 10 minutes. Font sizes, contrast and control sizes are measured
from the page itself."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from test_app_harness import (  # noqa: F401 - `browser` is a fixture
    STEP_MS,
    ServedApp,
    browser,
    chromium_page,
    contrast_ratio,
    control_sizes,
    screenshot,
    serve_app,
    sign_in,
    sign_out,
    text_styles,
)

from advisor.accounts.service import AccountService
from advisor.runtime import Runtime

MIN_TEXT_PX = 24
MIN_CONTROL_PX = 60
MIN_CONTRAST = 7.0
SUGGESTED_LEVEL = 2  # a more careful mix than the demo account's: a large trade


def suggested_weights(runtime: Runtime) -> dict[str, float]:
    allocation = runtime.allocate(SUGGESTED_LEVEL, 10)
    return {
        product.id: float(weight)
        for product, weight in zip(runtime.catalogue.products, allocation.weights, strict=True)
        if weight > 1e-6
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, runtime: Runtime) -> Iterator[ServedApp]:
    def seed(app: ServedApp, accounts: AccountService) -> None:
        investor_id = app.investor_ids["demo-investor"]
        account_id = app.store.accounts(investor_id)[0].id
        weights = suggested_weights(runtime)
        total = sum(weights.values())
        app.store.record_proposal(
            account_id,
            {product: weight / total for product, weight in weights.items()},
            f"Optimal portfolio for risk level C{SUGGESTED_LEVEL}; rules: none.",
            requires_review=False,
            actor="test:seed",
        )

    yield from serve_app(
        tmp_path_factory.mktemp("elderly"), seed, env={"ADVISOR_LLM_BACKEND": "none"}
    )


def assert_readable(page: Page, selector: str) -> None:
    """Every visible text at 24 px or more and at 7:1 contrast or more; every control 60x60+."""
    styles = text_styles(page, selector)
    assert styles, f"no text under {selector}"
    small = [(s["text"], s["size"]) for s in styles if s["size"] < MIN_TEXT_PX - 0.01]
    assert not small, f"text below {MIN_TEXT_PX}px: {small[:5]}"
    faint = [
        (s["text"], round(contrast_ratio(tuple(s["color"]), tuple(s["background"])), 2))
        for s in styles
        if contrast_ratio(tuple(s["color"]), tuple(s["background"])) < MIN_CONTRAST
    ]
    assert not faint, f"contrast below {MIN_CONTRAST}:1: {faint[:5]}"
    controls = control_sizes(page, selector)
    tiny = [
        (c["what"], round(c["width"]), round(c["height"]))
        for c in controls
        if c["width"] < MIN_CONTROL_PX or c["height"] < MIN_CONTROL_PX
    ]
    assert not tiny, f"controls below {MIN_CONTROL_PX}x{MIN_CONTROL_PX}px: {tiny[:5]}"


def visible_primary_buttons(page: Page) -> list[str]:
    buttons = page.locator(".gradio-container button.primary")
    return [
        buttons.nth(i).inner_text() for i in range(buttons.count()) if buttons.nth(i).is_visible()
    ]


@pytest.mark.browser
def test_elderly_investor_and_delegate_co_approve_a_trade(
    browser: Browser,  # noqa: F811 - the fixture imported above
    served: ServedApp,
    runtime: Runtime,
) -> None:
    page, outside = chromium_page(browser, served, width=1280)
    sign_in(page, served, "demo-investor", elderly=True)
    elderly = page.locator("#elderly-page")
    expect(elderly).to_be_visible(timeout=STEP_MS)
    expect(page.locator("#investor-page")).to_be_hidden()
    expect(page.locator("#elderly-summary")).to_contain_text("100,000.00", timeout=STEP_MS)

    # Readable at arm's length, measured from the page: the whole screen, not just the page body.
    assert_readable(page, ".gradio-container")
    assert visible_primary_buttons(page) == ["My money", "Talk to my advisor", "Call my family"]
    help_box = page.locator("#elderly-help").bounding_box()
    screenshot(page, "elderly_money")

    # A change is read back in plain words and needs an explicit yes.
    page.locator("#elderly-review").click()
    readback = page.locator("#elderly-readback")
    expect(readback).to_contain_text("Do you want to make this change?", timeout=STEP_MS)
    expect(readback).to_contain_text("Sell")
    assert_readable(page, ".gradio-container")
    screenshot(page, "elderly_readback")
    page.locator("#elderly-confirm").click()
    expect(page.locator("#elderly-result")).to_contain_text("trusted contact", timeout=STEP_MS)
    expect(page.locator("#elderly-pending")).to_contain_text("Demo Delegate", timeout=STEP_MS)

    # Help stays in the same place on every screen.
    for button, section in (
        ("#elderly-talk", "#elderly-talk-section"),
        ("#elderly-family", "#elderly-family-section"),
    ):
        page.locator(button).click()
        expect(page.locator(section)).to_be_visible(timeout=STEP_MS)
        assert page.locator("#elderly-help").bounding_box() == help_box
        assert len(visible_primary_buttons(page)) <= 3
    expect(page.locator("#elderly-family-text")).to_contain_text("approve large changes")
    assert_readable(page, ".gradio-container")
    screenshot(page, "elderly_family")
    sign_out(page)

    # The trusted contact sees what was granted and the alert, and co-approves the trade.
    sign_in(page, served, "demo-delegate", elderly=False)
    expect(page.locator("#delegate-heading")).to_contain_text("Demo Investor", timeout=STEP_MS)
    expect(page.locator("#delegate-alerts")).to_contain_text("needs your approval")
    page.locator("#co-approval-choice label").first.click()
    expect(page.locator("#co-approval-readback")).to_contain_text("Do you approve?")
    screenshot(page, "delegate_co_approval")
    page.locator("#co-approve").click()
    expect(page.locator("#co-approval-result")).to_contain_text("Done", timeout=STEP_MS)
    investor_id = served.investor_ids["demo-investor"]
    account_id = served.store.accounts(investor_id)[0].id
    executed = [p for p in served.store.proposals(account_id) if p.status == "executed"]
    assert len(executed) == 1
    assert served.store.holdings(account_id).keys() == {
        product for product, weight in executed[0].weights.items() if weight > 0
    }
    sign_out(page)

    # Back on the same browser: typing the name brings back large text; the trade can be undone.
    page.locator("#sign-in-username").get_by_role("textbox").fill("demo-investor")
    expect(page.locator("#elderly-switch input[type=checkbox]")).to_be_checked(timeout=STEP_MS)
    sign_in(page, served, "demo-investor")
    expect(page.locator("#elderly-page")).to_be_visible(timeout=STEP_MS)
    expect(page.locator("#elderly-pending")).to_contain_text("undo it", timeout=STEP_MS)
    page.locator("#elderly-undo").click()
    expect(page.locator("#elderly-result")).to_contain_text("Undone", timeout=STEP_MS)
    assert served.store.holdings(account_id) == {
        "us_aggregate_bond": 45_000.0,
        "us_total_market": 55_000.0,
    }
    actions = [e.action for e in served.store.audit_events("proposal", executed[0].id)]
    assert "co_approval.approved" in actions and "trade.undone" in actions
    expect(page.locator("#elderly-undo")).to_be_hidden(timeout=STEP_MS)
    screenshot(page, "elderly_undone")
    assert outside == [], f"the page fetched from outside the app: {outside}"
    page.context.close()


@pytest.mark.browser
def test_elderly_mode_can_be_switched_off_after_sign_in(
    browser: Browser,  # noqa: F811
    served: ServedApp,
    tmp_path: Path,
) -> None:
    page, _ = chromium_page(browser, served)
    sign_in(page, served, "demo-investor", elderly=True)
    expect(page.locator("#elderly-page")).to_be_visible(timeout=STEP_MS)
    page.locator("#elderly-setting input[type=checkbox]").click()
    expect(page.locator("#investor-page")).to_be_visible(timeout=STEP_MS)
    expect(page.locator("#elderly-page")).to_be_hidden()
    size = page.locator("#signed-in-as").evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert size < MIN_TEXT_PX
    page.context.close()

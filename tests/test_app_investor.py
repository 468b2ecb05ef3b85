"""The investor's page in a real Chromium against the served app, with the embedded language model
(SmolLM2-135M, real weights): consent first, an onboarding conversation whose reply streams in,
the profile with the words behind each field and a recorded correction, the proposal with product
risk levels, its projection, the documents it cites, and acceptance into the simulated account.
Declining the analysis leaves the questionnaire-only path, which also ends in a proposal."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from test_app_harness import (  # noqa: F401 - `browser` is a fixture
    STEP_MS,
    TURN_MS,
    ServedApp,
    add_investor,
    browser,
    chromium_page,
    screenshot,
    serve_app,
    sign_in,
)

from advisor.accounts.consent import CONSENT_VERSION, current_consent
from advisor.accounts.service import AccountService
from advisor.storage.models import ProposalStatus

ONBOARDING = [
    "Hi, I'd like some help investing.",
    "I'm 34 and saving for retirement in 30 years. I could live with a 15% drop in a bad year. "
    "I have 6 months of expenses saved for emergencies.",
]
# Records, in the page, every length the newest advisor message goes through while it streams.
WATCH_STREAM_JS = """
() => {
  window.streamLengths = [];
  const chat = document.querySelector('#investor-chat');
  new MutationObserver(() => {
    const bots = chat.querySelectorAll('[data-testid=bot]');
    if (bots.length) window.streamLengths.push(bots[bots.length - 1].textContent.length);
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedApp]:
    def seed(app: ServedApp, accounts: AccountService) -> None:
        add_investor(
            app, accounts, "young-investor", "Young Investor", holdings={"us_money_market": 5e4}
        )
        add_investor(app, accounts, "careful-investor", "Careful Investor")

    # The default language model: the embedded SmolLM2-135M, from its package, offline.
    yield from serve_app(tmp_path_factory.mktemp("investor"), seed)


def send(page: Page, text: str) -> None:
    """Send a chat message and wait until the advisor's turn has ended: the placeholder "…" is
    replaced by the engine's reply, the opening is written in, and the input box, locked while
    the turn runs, opens again."""
    bots = page.locator("#investor-chat [data-testid=bot]")
    box = page.locator("#chat-input textarea")
    before = bots.count()
    box.fill(text)
    page.locator("#chat-send").click()
    expect(bots).to_have_count(before + 1, timeout=TURN_MS)
    expect(box).not_to_be_editable()  # the embedded model takes seconds: the turn is still on
    expect(bots.last).not_to_have_text("…", timeout=TURN_MS)
    expect(box).to_be_editable(timeout=TURN_MS)
    expect(bots.last.get_by_text("…", exact=True)).to_have_count(0)


@pytest.mark.browser
def test_onboarding_conversation_to_an_accepted_proposal(
    browser: Browser,  # noqa: F811 - the fixture imported above
    served: ServedApp,
) -> None:
    page, outside = chromium_page(browser, served)
    sign_in(page, served, "young-investor")
    investor_id = served.investor_ids["young-investor"]

    # Consent comes before any analysis, and is recorded with its text version.
    expect(page.locator("#consent-panel").first).to_be_visible(timeout=STEP_MS)
    expect(page.locator("#chat-panel").first).to_be_hidden()
    page.locator("#consent-agree").click()
    expect(page.locator("#chat-panel").first).to_be_visible(timeout=STEP_MS)
    consent = current_consent(served.store, investor_id)
    assert consent.analysis_allowed and consent.text_version == CONSENT_VERSION

    page.evaluate(WATCH_STREAM_JS)
    send(page, ONBOARDING[0])
    bots = page.locator("#investor-chat [data-testid=bot]")
    expect(bots.last).to_contain_text("AI", timeout=STEP_MS)  # the greeting discloses it
    lengths = page.evaluate("window.streamLengths")
    assert len(set(lengths)) >= 3, f"the reply did not stream: {lengths}"
    send(page, ONBOARDING[1])
    screenshot(page, "investor_chat")

    # The profile, each field with the investor's own words.
    profile = page.locator("#profile")
    expect(profile).to_contain_text("34", timeout=STEP_MS)
    expect(profile).to_contain_text("“I'm 34")
    expect(profile).to_contain_text("C3")

    # The proposal: chart and table with product risk levels, from the engine.
    page.get_by_role("tab", name="Portfolio").click()
    expect(page.locator("#proposal-status")).to_contain_text("Proposal", timeout=STEP_MS)
    risks = page.locator("#proposal-table [role=gridcell][data-col='2']")
    expect(risks.first).not_to_be_empty(timeout=STEP_MS)
    assert all(r.startswith("R") and int(r[1:]) <= 3 for r in risks.all_inner_texts())
    expect(page.locator("#proposal-chart .main-svg").first).to_be_visible()
    expect(page.locator("#proposal-summary")).to_contain_text("Expected return")
    screenshot(page, "investor_proposal")

    page.get_by_role("tab", name="Projection").click()
    expect(page.locator("#investor-projection .main-svg").first).to_be_visible(timeout=STEP_MS)
    expect(page.locator("#projection-summary-investor")).to_contain_text("could be worth")

    # Citations open the rule or product text itself.
    page.get_by_role("tab", name="Sources").click()
    expect(page.locator("#citation-text")).to_contain_text("effective", timeout=STEP_MS)
    screenshot(page, "investor_sources")

    # A correction is recorded (a new profile version and an audit event) and the advisor hears it.
    page.get_by_role("tab", name="Profile").click()
    page.locator("#correct-value input, #correct-value textarea").first.fill("35")
    page.locator("#correct-button").click()
    expect(page.locator("#correct-result")).to_contain_text("Recorded", timeout=TURN_MS)
    corrected = [
        e
        for e in served.store.audit_events("investor", investor_id)
        if e.action == "profile.corrected"
    ]
    assert corrected and corrected[-1].payload["value"] == 35
    expect(profile).to_contain_text("35", timeout=TURN_MS)

    # Accepting: straight into the simulated account when no review is needed, else to review.
    page.get_by_role("tab", name="Portfolio").click()
    account_id = served.store.accounts(investor_id)[0].id
    shown = [p for p in served.store.proposals(account_id) if p.status == "draft"]
    assert shown, "the conversation left a proposal to accept"
    page.locator("#accept-proposal").click()
    result = page.locator("#accept-result")
    expect(result).to_contain_text("Done", timeout=STEP_MS)
    accepted = served.store.proposal(shown[-1].id)
    assert accepted.status == ProposalStatus.EXECUTED
    holdings = served.store.holdings(account_id)
    assert sum(holdings.values()) == pytest.approx(50_000, abs=0.05)
    assert {p for p, w in accepted.weights.items() if w > 0} == set(holdings)
    page.get_by_role("tab", name="Account").click()
    value = sum(holdings.values())  # 50,000 to the cent, after rounding each holding
    expect(page.locator("#account-status")).to_contain_text(f"Value {value:,.2f}", timeout=STEP_MS)
    screenshot(page, "investor_account")
    assert outside == [], f"the page fetched from outside the app: {outside}"
    page.context.close()


@pytest.mark.browser
def test_declining_the_analysis_leaves_the_questionnaire(
    browser: Browser,  # noqa: F811
    served: ServedApp,
) -> None:
    page, _ = chromium_page(browser, served)
    sign_in(page, served, "careful-investor")
    investor_id = served.investor_ids["careful-investor"]
    page.locator("#consent-decline").click()
    expect(page.locator("#questionnaire").first).to_be_visible(timeout=STEP_MS)
    expect(page.locator("#chat-panel").first).to_be_hidden()
    assert current_consent(served.store, investor_id).analysis_allowed is False

    page.locator("#q-age input").fill("58")
    page.locator("#q-horizon input").fill("8")
    page.locator("#q-loss").get_by_text("Up to 10% in a bad year").click()
    page.locator("#q-emergency input").fill("6")
    page.locator("#q-build").click()
    expect(page.locator("#q-result")).to_contain_text("is ready", timeout=STEP_MS)
    page.get_by_role("tab", name="Portfolio").click()
    expect(page.locator("#proposal-table [role=gridcell]").first).not_to_be_empty(timeout=STEP_MS)
    screenshot(page, "investor_questionnaire")
    # No conversation was analysed: the profile came from the answers alone.
    latest = served.store.latest_profile(investor_id)
    assert latest is not None and latest[1]["source"] == "questionnaire"
    page.context.close()

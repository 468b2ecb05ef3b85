"""Access control of the served app, where it is enforced: on the server, for every request.

Requests are crafted by hand, as an attacker would, through the app's own API (the Gradio client,
over HTTP) and by calling the handlers in process with another investor's id: hiding a button is
never what protects data. Then, in a real Chromium, an investor sees only their own page.
"""

import re
from collections.abc import Iterator
from concurrent.futures import Future
from typing import Any

import gradio as gr
import pytest
from gradio_client import Client  # type: ignore[import-untyped]
from playwright.sync_api import Browser, expect
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

from advisor.accounts.alerts import AlertService
from advisor.accounts.approvals import ApprovalService
from advisor.accounts.consent import ConsentService
from advisor.accounts.delegation import DelegationService
from advisor.accounts.service import AccountService
from advisor.agent.orchestrator import Advisor
from advisor.app import advisor_console, elderly_page, investor_page
from advisor.app.services import Services
from advisor.knowledge.retrieval import Retriever
from advisor.knowledge.service import open_retriever
from advisor.planning.service import Planning
from advisor.runtime import Runtime
from advisor.storage.models import ProposalStatus


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, runtime: Runtime) -> Iterator[ServedApp]:
    def seed(app: ServedApp, accounts: AccountService) -> None:
        add_investor(
            app, accounts, "young-investor", "Young Investor", holdings={"us_money_market": 5e4}
        )
        other = add_investor(
            app,
            accounts,
            "other-investor",
            "Other Investor",
            holdings={"us_money_market": 2e4},
            assign_to_demo_advisor=False,
        )
        account_id = app.store.accounts(other)[0].id
        proposal_id = app.store.record_proposal(
            account_id, {"us_aggregate_bond": 1.0}, "A test proposal; rules: none.", True, "test"
        )
        app.store.transition_proposal(proposal_id, ProposalStatus.PENDING_REVIEW, "test")
        app.investor_ids["other-proposal"] = proposal_id

    yield from serve_app(
        tmp_path_factory.mktemp("access"), seed, env={"ADVISOR_LLM_BACKEND": "none"}
    )


@pytest.fixture(scope="module")
def accounts(served: ServedApp) -> AccountService:
    """The accounts service on the served app's database: its sessions are the app's sessions."""
    return AccountService(served.store, served.settings)


@pytest.fixture(scope="module")
def client(served: ServedApp) -> Client:
    return Client(served.url, verbose=False)


def token_of(served: ServedApp, accounts: AccountService, username: str) -> str:
    return accounts.sign_in(username, served.passwords[username])


def refused(client: Client, *args: Any, api_name: str) -> str:
    """The error message of an API call that must be refused."""
    with pytest.raises(Exception) as refusal:
        client.predict(*args, api_name=api_name)
    return str(refusal.value)


def test_an_investor_cannot_read_another_investors_data_through_the_api(
    served: ServedApp, accounts: AccountService, client: Client
) -> None:
    young = token_of(served, accounts, "young-investor")
    other_id = served.investor_ids["other-investor"]
    own_id = served.investor_ids["young-investor"]

    events, _ = client.predict(young, own_id, api_name="/audit_log")
    assert events["data"], "an investor reads their own audit log"
    message = refused(client, young, other_id, api_name="/audit_log")
    assert "do not have access" in message
    message = refused(client, young, served.investor_ids["other-proposal"], api_name="/review")
    assert "access" in message or "advisors" in message


def test_the_advisor_sees_only_assigned_investors_and_a_delegate_cannot_act(
    served: ServedApp, accounts: AccountService, client: Client
) -> None:
    advisor = token_of(served, accounts, "demo-advisor")
    other_id = served.investor_ids["other-investor"]
    assert "do not have access" in refused(client, advisor, other_id, api_name="/audit_log")
    proposal_id = served.investor_ids["other-proposal"]
    refused(client, advisor, proposal_id, "looks fine", api_name="/review_approve")
    assert served.store.proposal(proposal_id).status == ProposalStatus.PENDING_REVIEW

    delegate = token_of(served, accounts, "demo-delegate")
    # A delegate can never chat or accept a proposal in the investor's place.
    assert "do not have access" in refused(
        client, delegate, "sell everything", [], api_name="/chat"
    )
    assert "do not have access" in refused(client, delegate, api_name="/accept_proposal")


def test_an_investor_invites_a_trusted_contact_who_can_sign_in_with_what_was_granted(
    served: ServedApp, accounts: AccountService, client: Client
) -> None:
    young = token_of(served, accounts, "young-investor")
    shown = client.predict(
        young,
        "Mei",
        "daughter",
        "mei@example.org",
        "mei-young",
        ["view", "alerts"],
        api_name="/invite_delegate",
    )
    password = re.search(r"`([^`]+)`", shown)
    assert password is not None and "mei-young" in shown
    mei = accounts.principal(accounts.sign_in("mei-young", password.group(1)))
    assert mei.role == "delegate" and mei.investor_id == served.investor_ids["young-investor"]
    assert {p.value for p in mei.permissions} == {"view", "alerts"}
    # A delegate cannot invite others, and nobody can invite for someone else's account.
    assert "Only an investor" in refused(
        client,
        accounts.sign_in("mei-young", password.group(1)),
        "X",
        "friend",
        "",
        "mei-friend",
        ["view"],
        api_name="/invite_delegate",
    )
    assert "Only an investor" in refused(
        client,
        token_of(served, accounts, "demo-advisor"),
        "X",
        "friend",
        "",
        "adv-friend",
        ["view"],
        api_name="/invite_delegate",
    )


def test_a_signed_out_or_forged_session_is_refused(
    served: ServedApp, accounts: AccountService, client: Client
) -> None:
    token = token_of(served, accounts, "young-investor")
    accounts.sign_out(token)
    assert "sign in again" in refused(client, token, 1, api_name="/audit_log")
    assert "sign in again" in refused(client, "forged-token", 1, api_name="/audit_log")
    assert "sign in" in refused(client, "", 1, api_name="/audit_log")


def test_the_handlers_refuse_another_investors_id_in_process(
    served: ServedApp, accounts: AccountService, runtime: Runtime
) -> None:
    settings = served.settings
    never_loaded: Future[Advisor] = Future()  # these handlers never reach the language model
    retriever: Future[Retriever] = Future()
    retriever.set_result(open_retriever(settings.knowledge_dir, settings.data_dir, None))
    services = Services(
        settings=settings,
        runtime=runtime,
        retriever_loading=retriever,
        store=served.store,
        advisor_loading=never_loaded,
        accounts=accounts,
        consent=ConsentService(served.store, accounts),
        alerts=AlertService(served.store),
        delegation=DelegationService(served.store, accounts),
        approvals=ApprovalService(served.store, settings, accounts, runtime),
        planning=Planning.load(runtime),
    )
    young = token_of(served, accounts, "young-investor")
    other_id = served.investor_ids["other-investor"]
    with pytest.raises(gr.Error, match="do not have access"):
        advisor_console.audit_log(services, young, other_id)
    with pytest.raises(gr.Error, match="for advisors"):
        advisor_console.book(services, young, "Investor (A-Z)")
    with pytest.raises(gr.Error):
        advisor_console.review_view(services, young, served.investor_ids["other-proposal"])
    # An investor's own pages take the investor from the session, never from the request.
    panels = investor_page.refresh(services, young)
    assert "Other Investor" not in str(panels)
    delegate = token_of(served, accounts, "demo-delegate")
    with pytest.raises(gr.Error, match="do not have access"):
        next(investor_page.send_message(services, delegate, None, "hello", []))
    with pytest.raises(gr.Error, match=r"for investors|do not have access"):
        elderly_page.money_view(services, token_of(served, accounts, "demo-advisor"))


@pytest.mark.browser
def test_an_investor_sees_only_their_own_page(
    browser: Browser,  # noqa: F811 - the fixture imported above
    served: ServedApp,
) -> None:
    page, outside = chromium_page(browser, served)
    sign_in(page, served, "young-investor")
    expect(page.locator("#investor-page")).to_be_visible(timeout=STEP_MS)
    for hidden in ("#workspace-tabs", "#delegate-page", "#elderly-page", "#sign-in"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.get_by_role("tab", name="Review queue")).to_have_count(0)
    expect(page.locator("#consent-panel").first).to_be_visible(timeout=STEP_MS)
    assert "Other Investor" not in page.content()
    screenshot(page, "investor_consent")
    assert outside == []
    page.context.close()

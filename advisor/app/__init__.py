"""The web app: one Gradio Blocks served by `advisor serve` or `app.py`.

Signed out, it shows the sign-in form and the public calculators (the Portfolio lab and the rules
and products), which hold no personal data. Signed in, each role gets its page: the investor the
chat and their portfolio (or the simple large-text page), the advisor the review console, the
trusted contact what the investor shared. Every handler checks the session on the server.
"""

import os

# Gradio reads this when it is imported; the app must never phone home.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

from collections.abc import Callable
from functools import partial
from typing import Any, Final

import gradio as gr

from advisor.app.advisor_console import add_advisor_tabs
from advisor.app.delegate_page import add_delegate_page
from advisor.app.elderly_page import add_elderly_page
from advisor.app.investor_page import add_investor_page
from advisor.app.knowledge_page import add_knowledge_page
from advisor.app.portfolio_lab import add_portfolio_lab
from advisor.app.services import Services, load_services
from advisor.app.sign_in import (
    ELDERLY_JS,
    add_sign_in,
    change_elderly,
    elderly_for,
    remembered,
    route,
    setup_hint,
    sign_in_handler,
    sign_out,
)
from advisor.app.styles import CSS, THEME
from advisor.knowledge.retrieval import Retriever
from advisor.runtime import Runtime
from advisor.settings import Settings

__all__ = ["CSS", "THEME", "build_app", "launch"]

# How the app serves several users at once (Gradio's queue; `benchmarks/load.py` measures it).
# Every handler is a plain function run in a worker thread; Gradio's default lets only one call of
# each event run at a time, so twenty investors signing in or refreshing their panels would wait in
# line for work that takes milliseconds. Each event may instead run this many calls at once:
QUEUE_CONCURRENCY: Final = 8
# The chat turns have their own, larger limit (`investor_page.CHAT_CONCURRENCY`).
# Requests waiting beyond this are refused at once ("the queue is full") rather than piling up.
QUEUE_MAX_SIZE: Final = 256

TITLE = "Advisor"
SUBTITLE = "An open-source robo-advisor. Every number on these pages comes from its engine."


def build_app(
    runtime: Runtime,
    retriever: Retriever | Callable[[], Retriever],
    services: Services | None = None,
) -> gr.Blocks:
    """The app's pages around one loaded runtime and retriever; with `services`, also sign-in and
    the investor, advisor, elderly and delegate pages. Launch it with `launch` or
    `Blocks.launch(theme=THEME, css=CSS)`."""
    app = gr.Blocks(title=TITLE)
    with app:
        gr.Markdown(f"# {TITLE}\n{SUBTITLE}", elem_id="app-title")
        if services is None:
            with gr.Tabs():
                add_portfolio_lab(app, runtime)
                add_knowledge_page(retriever)
            return app
        _signed_in_app(app, runtime, retriever, services)
    return app


def _signed_in_app(
    app: gr.Blocks,
    runtime: Runtime,
    retriever: Retriever | Callable[[], Retriever],
    services: Services,
) -> None:
    sign = add_sign_in()
    investor = add_investor_page(services, sign.token)
    elderly = add_elderly_page(services, sign.token)
    delegate = add_delegate_page(services, sign.token)
    with gr.Tabs(selected="portfolio-lab", elem_id="workspace-tabs") as tabs:
        console_tabs, console = add_advisor_tabs(services, sign.token)
        add_portfolio_lab(app, runtime)
        add_knowledge_page(retriever)

    def routed(token: str, elderly_on: bool) -> tuple[Any, ...]:
        shown = route(services, token, elderly_on)
        advisor = shown[4]["visible"]
        return (
            *shown[:4],
            shown[5],
            gr.update(
                visible=shown[6]["visible"],
                selected="review-queue" if advisor else "portfolio-lab",
            ),
            *(gr.update(visible=advisor) for _ in console_tabs),
        )

    route_outputs = [
        sign.column,
        sign.header,
        investor.column,
        elderly.column,
        delegate.column,
        tabs,
        *console_tabs,
    ]

    def load_pages(event: Any) -> Any:
        """After a sign-in or a change of mode: route, style, then fill the role's page."""
        routed_event = event.then(routed, [sign.token, sign.elderly_setting], route_outputs).then(
            None, [sign.elderly_setting], None, js=ELDERLY_JS
        )
        investor.on_sign_in(routed_event, sign.token)
        routed_event.then(elderly.load, [sign.token], elderly.outputs)
        routed_event.then(delegate.load, [sign.token], delegate.outputs)
        routed_event.then(console.load, [sign.token], console.outputs)
        return routed_event

    signing_in = gr.on(
        [sign.button.click, sign.password.submit],
        sign_in_handler(services),
        [sign.username, sign.password, sign.elderly, sign.preferences],
        [sign.token, sign.message, sign.preferences, sign.elderly_setting, sign.who, sign.password],
    )
    load_pages(signing_in)
    mode_change = sign.elderly_setting.input(
        partial(change_elderly, services),
        [sign.token, sign.elderly_setting, sign.preferences],
        sign.preferences,
    )
    load_pages(mode_change)
    sign.sign_out.click(partial(sign_out, services), [sign.token], [sign.token, sign.who]).then(
        routed, [sign.token, sign.elderly], route_outputs
    ).then(None, [sign.elderly], None, js=ELDERLY_JS)
    sign.elderly.input(None, [sign.elderly], None, js=ELDERLY_JS)
    # The choice is remembered per user: typing a name brings back that user's choice.
    sign.username.change(
        elderly_for, [sign.preferences, sign.username], sign.elderly, show_progress="hidden"
    ).then(None, [sign.elderly], None, js=ELDERLY_JS)
    app.load(partial(setup_hint, services), None, sign.message)
    app.load(remembered, [sign.preferences], [sign.username, sign.elderly]).then(
        None, [sign.elderly], None, js=ELDERLY_JS
    )


def launch(settings: Settings) -> None:
    """Load everything once (the engine and the store at once; the knowledge index, built if
    missing or changed, and the language model in the background) and serve the app on
    `settings.host:settings.port`."""
    services = load_services(settings)
    # The rules page waits for the index, which is built in the background the first time.
    app = build_app(services.runtime, lambda: services.retriever, services)
    app.queue(default_concurrency_limit=QUEUE_CONCURRENCY, max_size=QUEUE_MAX_SIZE)
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        theme=THEME,
        css=CSS,
        footer_links=["api"],
    )

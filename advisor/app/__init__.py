"""The web app: one Gradio Blocks with a tab per page, served by `advisor serve` or `app.py`."""

import os

# Gradio reads this when it is imported; the app must never phone home.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import gradio as gr

from advisor.app.knowledge_page import add_knowledge_page
from advisor.app.portfolio_lab import add_portfolio_lab
from advisor.knowledge.retrieval import Retriever
from advisor.knowledge.service import open_retriever
from advisor.runtime import Runtime
from advisor.settings import Settings

__all__ = ["build_app", "launch"]

TITLE = "Advisor"
SUBTITLE = "An open-source robo-advisor. Every number on these pages comes from its engine."
# Fonts that ship with Gradio, so nothing is fetched from the internet. Regular and bold only:
# Gradio's Source Sans Pro semibold file is a tiny subset that lacks letters such as "A" and "B".
THEME = gr.themes.Default(
    primary_hue="blue",
    neutral_hue="slate",
    font=[gr.themes.LocalFont("Source Sans Pro", weights=(400, 700)), "system-ui", "sans-serif"],
)
CSS = """
.gradio-container { max-width: 1440px !important; margin: 0 auto; }
#allocation-table, #backtest-table { --font-mono: var(--font); }
.versions { color: var(--body-text-color-subdued); font-size: var(--text-sm); }
"""


def build_app(runtime: Runtime, retriever: Retriever) -> gr.Blocks:
    """The app's pages around one loaded runtime and retriever; launch it with `launch` or
    `Blocks.launch`."""
    app = gr.Blocks(title=TITLE)
    with app:
        gr.Markdown(f"# {TITLE}\n{SUBTITLE}", elem_id="app-title")
        with gr.Tabs():
            add_portfolio_lab(app, runtime)
            add_knowledge_page(retriever)
    return app


def launch(settings: Settings) -> None:
    """Load the runtime and the retriever once (indexing the knowledge base first if it is missing
    or changed) and serve the app on `settings.host:settings.port` until stopped."""
    retriever = open_retriever(settings.knowledge_dir, settings.data_dir, settings.chroma_url)
    app = build_app(Runtime.load(settings), retriever)
    app.queue()
    app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        theme=THEME,
        css=CSS,
        footer_links=["api"],
    )

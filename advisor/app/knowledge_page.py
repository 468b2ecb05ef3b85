"""The "Rules and products" page: ask the knowledge base, read the passages and their sources.

The same retriever as `advisor ask`: dense (MiniLM) and lexical (BM25 over jieba tokens) rankings
fused, filtered by jurisdiction. Every passage names the document it comes from.
"""

from collections.abc import Callable
from functools import partial
from typing import Final, cast

import gradio as gr

from advisor.knowledge.documents import Jurisdiction
from advisor.knowledge.retrieval import Passage, Retriever

ANY_JURISDICTION: Final = "Any"
PASSAGES_SHOWN: Final = 3


def answer(retriever: Retriever, question: str, jurisdiction: str) -> str:
    """The passages that best answer the question, as Markdown with their sources."""
    if not question.strip():
        return "Type a question, in English or Chinese."
    passages = retriever.search(
        question,
        k=PASSAGES_SHOWN,
        jurisdiction=None if jurisdiction == ANY_JURISDICTION else cast(Jurisdiction, jurisdiction),
    )
    if not passages:
        return "No document answers this question."
    return "\n\n---\n\n".join(_passage(number, p) for number, p in enumerate(passages, start=1))


def _answer(
    retriever: Retriever | Callable[[], Retriever], question: str, jurisdiction: str
) -> str:
    """`answer`, with the retriever given or, while the app is starting, still to come."""
    loaded = retriever if isinstance(retriever, Retriever) else retriever()
    return answer(loaded, question, jurisdiction)


def _passage(number: int, passage: Passage) -> str:
    return (
        f"**{number}. {passage.title}** › {passage.heading}  \n"
        f"`{passage.document_id}` · {passage.jurisdiction} · {passage.kind}\n\n"
        f"{passage.text}"
    )


def add_knowledge_page(retriever: Retriever | Callable[[], Retriever]) -> None:
    """Add the "Rules and products" tab (call inside `with blocks:` and `gr.Tabs()`)."""
    with gr.Tab("Rules and products", id="knowledge", elem_id="knowledge"):
        gr.Markdown(
            "Ask about suitability rules, products, protections or market history. "
            "Answers are passages from the advisor's own documents, each with its source."
        )
        with gr.Row():
            question = gr.Textbox(
                label="Question",
                placeholder="Can a C2 investor buy a stock fund? / 我妈妈75岁了能买高风险产品吗？",
                scale=4,
                elem_id="knowledge-question",
            )
            jurisdiction = gr.Radio(
                [ANY_JURISDICTION, "CN", "US", "EU"],
                value=ANY_JURISDICTION,
                label="Jurisdiction",
                scale=1,
                elem_id="knowledge-jurisdiction",
            )
        ask = gr.Button("Ask", variant="primary", elem_id="knowledge-ask")
        passages = gr.Markdown(elem_id="knowledge-passages")
    gr.on(
        triggers=[ask.click, question.submit],
        fn=partial(_answer, retriever),
        inputs=[question, jurisdiction],
        outputs=passages,
        api_name="ask",
    )

"""What the signed-in pages run on: the store, the engine, the knowledge base, the conversational
advisor and the accounts service, each loaded once when the app starts and shared by every
browser session.

The engine and the store load at once, so the app serves its pages within seconds. The slow parts
(embedding the knowledge base the first time, loading or converting the language model) run in
one background thread; only the pages that need them (the rules page, the chat) wait for them."""

from concurrent.futures import Future
from dataclasses import dataclass
from threading import Thread

from advisor.accounts.alerts import AlertService
from advisor.accounts.approvals import ApprovalService
from advisor.accounts.consent import ConsentService
from advisor.accounts.delegation import DelegationService
from advisor.accounts.service import AccountService
from advisor.agent.factory import Components, build_advisor, warn_on_stderr
from advisor.agent.orchestrator import Advisor
from advisor.knowledge.documents import KnowledgeDocument
from advisor.knowledge.embeddings import SentenceTransformerEmbedder
from advisor.knowledge.retrieval import Retriever
from advisor.knowledge.service import open_retriever
from advisor.llm import ModelRegistry
from advisor.planning.service import Planning
from advisor.runtime import Runtime
from advisor.settings import Settings
from advisor.storage.database import create_database_engine, upgrade_database
from advisor.storage.store import Store

__all__ = ["Services", "load_services"]


@dataclass(frozen=True)
class Services:
    """Everything the signed-in pages need, loaded once per process."""

    settings: Settings
    runtime: Runtime
    retriever_loading: Future[Retriever]
    store: Store
    advisor_loading: Future[Advisor]
    accounts: AccountService
    consent: ConsentService
    alerts: AlertService
    delegation: DelegationService
    approvals: ApprovalService
    planning: Planning

    @property
    def retriever(self) -> Retriever:
        """The knowledge retriever, waiting for the index if it is still being built."""
        return self.retriever_loading.result()

    @property
    def advisor(self) -> Advisor:
        """The conversational advisor, waiting for its language model if it is still loading."""
        return self.advisor_loading.result()

    def document(self, document_id: str) -> KnowledgeDocument | None:
        """A rule, product or education document by id, to open a citation."""
        return next((d for d in self.runtime.documents if d.meta.id == document_id), None)


def open_store(settings: Settings) -> Store:
    """The store on the configured database, migrated to the current schema."""
    url = settings.resolved_database_url
    upgrade_database(url)
    return Store(create_database_engine(url))


def load_services(settings: Settings) -> Services:
    """Load the engine and the store now; the knowledge index (built if missing or changed) and
    the advisor with its language model in the background, sharing one embedder."""
    runtime = Runtime.load(settings)
    store = open_store(settings)
    accounts = AccountService(store, settings)
    retriever: Future[Retriever] = Future()
    advisor: Future[Advisor] = Future()
    Thread(
        target=_load_in_background,
        args=(settings, runtime, retriever, advisor),
        name="advisor-loading",
        daemon=True,
    ).start()
    return Services(
        settings=settings,
        runtime=runtime,
        retriever_loading=retriever,
        store=store,
        advisor_loading=advisor,
        accounts=accounts,
        consent=ConsentService(store, accounts),
        alerts=AlertService(store),
        delegation=DelegationService(store, accounts),
        approvals=ApprovalService(store, settings, accounts, runtime),
        planning=Planning.load(runtime),
    )


def _load_in_background(
    settings: Settings,
    runtime: Runtime,
    retriever: Future[Retriever],
    advisor: Future[Advisor],
) -> None:
    """The retriever, then the advisor; a failure is reported and handed to whoever waits."""
    try:
        embedder = SentenceTransformerEmbedder()
        loaded = open_retriever(
            settings.knowledge_dir, settings.data_dir, settings.chroma_url, embedder=embedder
        )
    except Exception as error:  # handed to the pages that wait for it
        warn_on_stderr(f"the knowledge base could not be loaded: {error}")
        retriever.set_exception(error)
        advisor.set_exception(error)
        return
    retriever.set_result(loaded)
    try:
        components = Components(runtime=runtime, retriever=loaded, embedder=embedder)
        advisor.set_result(build_advisor(settings, ModelRegistry(), components=components))
    except Exception as error:  # handed to the chat, which says what failed
        warn_on_stderr(f"the advisor could not be loaded: {error}")
        advisor.set_exception(error)

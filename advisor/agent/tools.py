"""The advisor's tools: the engine's capabilities, callable by the orchestrator and, as LangChain
tools, by a tool-calling model. Every number a reply shows comes out of one of these."""

from collections.abc import Sequence
from typing import Literal

import numpy as np
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict

from advisor.engine.projection import project_goal
from advisor.knowledge.documents import Jurisdiction, Kind
from advisor.knowledge.retrieval import Passage, Retriever
from advisor.profile.extractor import ProfileExtractor
from advisor.profile.handoff import to_suitability_profile
from advisor.profile.model import InvestorProfile
from advisor.profile.text import Message
from advisor.runtime import Runtime
from advisor.suitability.decision import SuitabilityDecision
from advisor.suitability.profile import SuitabilityRequest

PER_AMOUNT = 10_000.0  # projections are shown per 10,000 invested: the amount is rarely known
SHOWN_WEIGHT = 1e-4
CITATION_CHARS = 400


class Citation(BaseModel):
    """A document a reply relies on, with the passage that matters."""

    model_config = ConfigDict(frozen=True)

    doc_id: str
    title: str
    text: str


class ProposedHolding(BaseModel):
    """One product of a proposal."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    name: str
    ticker: str
    asset_class: str
    risk_level: int
    weight: float


class Proposal(BaseModel):
    """A portfolio the engine built for the investor, with what must be said about it."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["allocation", "conservative_tilt", "risk_increase"] = "allocation"
    risk_level: int
    holdings: list[ProposedHolding]
    expected_return: float
    volatility: float
    equity_share: float
    fixed_income_and_cash_share: float
    citations: list[Citation]
    warnings: list[str]
    rules: list[str]
    requires_review: bool
    status: Literal["draft", "pending_review"]


class Projection(BaseModel):
    """A goal projection per `amount` invested."""

    model_config = ConfigDict(frozen=True)

    horizon_years: int
    amount: float
    median: float
    p5: float
    p95: float


class AdvisorTools:
    """The tools, bound to one loaded engine, retriever and profile extractor."""

    def __init__(self, runtime: Runtime, retriever: Retriever, extractor: ProfileExtractor) -> None:
        self.runtime = runtime
        self.retriever = retriever
        self.extractor = extractor

    def update_profile(self, messages: Sequence[Message]) -> InvestorProfile:
        """The investor's profile, from the whole conversation so far."""
        return self.extractor.extract(messages)

    def retrieve(
        self,
        question: str,
        jurisdiction: Jurisdiction | None = None,
        kinds: Sequence[Kind] | None = None,
        k: int = 3,
    ) -> list[Passage]:
        """The knowledge passages that best answer a question."""
        return self.retriever.search(question, k=k, jurisdiction=jurisdiction, kinds=kinds)

    def check_suitability(
        self, profile: InvestorProfile, request: SuitabilityRequest | None = None
    ) -> SuitabilityDecision:
        """The suitability decision for the profile under its jurisdiction's rules."""
        jurisdiction = self.runtime.settings.jurisdiction
        return self.runtime.decide(to_suitability_profile(profile, jurisdiction), request)

    def build_proposal(
        self,
        decision: SuitabilityDecision,
        horizon_years: float | None,
        kind: Literal["allocation", "conservative_tilt", "risk_increase"] = "allocation",
    ) -> Proposal:
        """The optimal portfolio the decision allows, with citations and warnings."""
        allocation = self.runtime.allocate_for(decision, horizon_years)
        market = self.runtime.market
        equity = float(market.sleeve_exposures[market.sleeve_index("equity")] @ allocation.weights)
        holdings = self._holdings(allocation.weights)
        warnings = [notice.text for notice in decision.warnings]
        if allocation.relaxations:
            warnings.append("relaxed to find a solution: " + "; ".join(allocation.relaxations))
        return Proposal(
            kind=kind,
            risk_level=decision.risk_level,
            holdings=holdings,
            expected_return=allocation.expected_return,
            volatility=allocation.volatility,
            equity_share=equity,
            fixed_income_and_cash_share=self._defensive_share(allocation.weights),
            citations=self._citations(decision, holdings),
            warnings=warnings,
            rules=decision.rules_fired,
            # A change of risk is never automatic: a person reviews it.
            requires_review=decision.requires_review or kind != "allocation",
            status="pending_review"
            if decision.requires_review or kind != "allocation"
            else "draft",
        )

    def project(
        self, proposal: Proposal, horizon_years: float, amount: float = PER_AMOUNT
    ) -> Projection:
        """Where `amount` invested in the proposal may be after the horizon (Monte Carlo)."""
        years = max(1, round(horizon_years))
        projection = project_goal(amount, years, proposal.expected_return, proposal.volatility)
        final = projection.bands.iloc[-1]
        return Projection(
            horizon_years=years,
            amount=amount,
            median=float(final[50]),
            p5=float(final[5]),
            p95=float(final[95]),
        )

    def blend(self, current: Proposal, target: Proposal, share: float) -> Proposal:
        """`share` of the way from `current` to `target`, weight by weight, with the engine's
        statistics of the blend (both are suitable at the current level, so the blend is)."""
        catalogue = self.runtime.catalogue
        weights = np.zeros(len(catalogue.products))
        for proposal, part in ((current, 1 - share), (target, share)):
            for holding in proposal.holdings:
                weights[catalogue.index(holding.product_id)] += part * holding.weight
        weights /= weights.sum()
        expected, volatility = self.runtime.optimizer.portfolio_statistics(weights)
        market = self.runtime.market
        return target.model_copy(
            update={
                "holdings": self._holdings(weights),
                "expected_return": expected,
                "volatility": volatility,
                "equity_share": float(
                    market.sleeve_exposures[market.sleeve_index("equity")] @ weights
                ),
                "fixed_income_and_cash_share": self._defensive_share(weights),
            }
        )

    def as_langchain_tools(self) -> list[BaseTool]:
        """The same capabilities as LangChain tools, for a model with native tool calling."""
        return [
            StructuredTool.from_function(
                func=lambda question, jurisdiction=None: [
                    p.model_dump() for p in self.retrieve(question, jurisdiction)
                ],
                name="retrieve_knowledge",
                description="Rule, product and education passages that answer a question.",
            ),
        ]

    def _defensive_share(self, weights: np.ndarray) -> float:
        """Look-through weight in bonds and cash."""
        market = self.runtime.market
        return float(
            sum(
                market.sleeve_exposures[market.sleeve_index(sleeve)] @ weights
                for sleeve in ("fixed_income", "cash")
            )
        )

    def _holdings(self, weights: np.ndarray) -> list[ProposedHolding]:
        catalogue = self.runtime.catalogue
        held = [
            ProposedHolding(
                product_id=product.id,
                name=product.name,
                ticker=product.ticker,
                asset_class=product.asset_class.value,
                risk_level=product.risk_level,
                weight=float(weight),
            )
            for product, weight in zip(catalogue.products, weights, strict=True)
            if weight >= SHOWN_WEIGHT
        ]
        return sorted(held, key=lambda holding: -holding.weight)

    def _citations(
        self, decision: SuitabilityDecision, holdings: Sequence[ProposedHolding]
    ) -> list[Citation]:
        """The documents of the rules that shaped the portfolio, then of the products held."""
        documents = self.runtime.documents
        by_id = {document.meta.id: document for document in documents}
        rulebook = self.runtime.rulebooks[decision.jurisdiction]
        wanted: list[str] = []
        for rule_id in decision.rules_fired:
            document_id = rulebook.cited(rule_id).document_id
            if document_id not in wanted:
                wanted.append(document_id)
        products = {d.meta.product_id: d.meta.id for d in documents if d.meta.product_id}
        wanted += [products[h.product_id] for h in holdings if h.product_id in products]
        citations = []
        for document_id in wanted:
            document = by_id[document_id]
            text = document.sections[0].text
            if len(text) > CITATION_CHARS:
                text = text[: CITATION_CHARS - 1].rstrip() + "…"
            citations.append(Citation(doc_id=document_id, title=document.meta.title, text=text))
        return citations

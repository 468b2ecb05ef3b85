"""The advisor's tools: the engine's capabilities, callable by the orchestrator and, as LangChain
tools, by a tool-calling model. Every number a reply shows comes out of one of these."""

from collections.abc import Mapping, Sequence
from datetime import date
from functools import cached_property
from typing import Any, Literal

import numpy as np
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ConfigDict

from advisor.agent.goal_targets import StatedGoal
from advisor.engine.account_rebalance import AccountBook
from advisor.engine.projection import project_goal
from advisor.knowledge.documents import Jurisdiction, Kind
from advisor.knowledge.retrieval import Passage, Retriever
from advisor.planning.goals import Goal, GoalAssessment, assess_goal
from advisor.planning.service import Planning
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


class Trade(BaseModel):
    """One trade of a rebalance preview: a positive amount buys, a negative one sells."""

    model_config = ConfigDict(frozen=True)

    product_id: str
    amount: float


class RebalancePreview(BaseModel):
    """What the automatic rebalancer would trade in an account, and the weights it aims at."""

    model_config = ConfigDict(frozen=True)

    risk_level: int
    trades: list[Trade]
    target_weights: dict[str, float]
    reoptimized: bool


class PortfolioExplanation(BaseModel):
    """The shares a plain-language explanation of a proposal rests on, with the rules behind
    its limits."""

    model_config = ConfigDict(frozen=True)

    risk_level: int
    equity_share: float
    fixed_income_and_cash_share: float
    real_assets_share: float
    equity_cap: float | None
    equity_cap_rule: str | None
    rules: list[str]


class Handover(BaseModel):
    """A request for a human advisor to take the conversation over."""

    model_config = ConfigDict(frozen=True)

    reason: str
    requires_review: bool = True


class _ChatMessage(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class _Conversation(BaseModel):
    messages: list[_ChatMessage]


class _Question(BaseModel):
    question: str
    jurisdiction: Jurisdiction | None = None


class _Projection(_Conversation):
    horizon_years: float | None = None
    amount: float = PER_AMOUNT


class _Rebalance(BaseModel):
    holdings: dict[str, float]
    risk_level: int
    cash: float = 0.0


class _Handover(BaseModel):
    reason: str


class AdvisorTools:
    """The tools, bound to one loaded engine, retriever and profile extractor."""

    def __init__(self, runtime: Runtime, retriever: Retriever, extractor: ProfileExtractor) -> None:
        self.runtime = runtime
        self.retriever = retriever
        self.extractor = extractor

    @cached_property
    def planning(self) -> Planning:
        """The methodology, glide path and model-portfolio outlooks goals are assessed with."""
        return Planning.load(self.runtime)

    def assess_goal(self, stated: StatedGoal, suitability_cap: int, today: date) -> GoalAssessment:
        """Whether the goal the investor stated is on track at its glide-path level within
        their suitability, by Monte Carlo, with the fixes ranked by effect."""
        goal = Goal(
            id="stated",
            name=stated.kind,
            kind=stated.kind,
            target_amount=stated.target_amount,
            target_date=stated.target_date,
            current_value=stated.current_value,
            monthly_deposit=stated.monthly_deposit,
            risk_level=suitability_cap,
        )
        planning = self.planning
        return assess_goal(
            goal,
            today,
            planning.outlooks,
            planning.glide,
            suitability_cap,
            planning.methodology.goals.simulation(),
        )

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

    def explain(self, proposal: Proposal, decision: SuitabilityDecision) -> PortfolioExplanation:
        """The shares and limits behind a proposal, for a plain-language explanation."""
        equity_cap = decision.sleeve_caps.get("equity")
        return PortfolioExplanation(
            risk_level=decision.risk_level,
            equity_share=proposal.equity_share,
            fixed_income_and_cash_share=proposal.fixed_income_and_cash_share,
            real_assets_share=max(
                0.0, 1 - proposal.equity_share - proposal.fixed_income_and_cash_share
            ),
            equity_cap=equity_cap,
            equity_cap_rule=decision.constraint_rules.get("equity_cap"),
            rules=decision.rules_fired,
        )

    def preview_rebalance(
        self, holdings: Mapping[str, float], risk_level: int, cash: float = 0.0
    ) -> RebalancePreview:
        """What the automatic rebalancer would trade in an account holding `holdings` (value by
        product id) plus `cash`, for an investor of class `risk_level`. Nothing is executed."""
        catalogue = self.runtime.catalogue
        values = np.zeros((1, len(catalogue.products)))
        for product_id, value in holdings.items():
            values[0, catalogue.index(product_id)] = value
        book = AccountBook(
            account_ids=("preview",),
            risk_levels=np.array([risk_level]),
            values=values,
            cash=np.array([cash]),
        )
        plan = self.runtime.rebalancer.plan(book)
        products = catalogue.products
        return RebalancePreview(
            risk_level=risk_level,
            trades=[
                Trade(product_id=product.id, amount=float(amount))
                for product, amount in zip(products, plan.trades[0], strict=True)
                if amount != 0
            ],
            target_weights={
                product.id: float(weight)
                for product, weight in zip(products, plan.target_weights[0], strict=True)
                if weight >= SHOWN_WEIGHT
            },
            reoptimized=bool(plan.reoptimized[0]),
        )

    def hand_over(self, reason: str) -> Handover:
        """Ask a human advisor to take over; the session records it for the review queue."""
        return Handover(reason=reason)

    def as_langchain_tools(self) -> list[BaseTool]:
        """The eight capabilities as LangChain tools, for a model with native tool calling.

        Each takes JSON arguments and returns JSON-ready data. A conversation argument is the
        whole chat so far (`[{"role": "user", "content": "..."}]`): the profile, the decision
        and the proposal are always recomputed from it by the engine, never taken from the model.
        """

        def profile_of(messages: Sequence[object]) -> InvestorProfile:
            chat = [_ChatMessage.model_validate(message) for message in messages]
            return self.update_profile([Message(m.role, m.content) for m in chat])

        def proposal_of(messages: Sequence[object]) -> tuple[Proposal, SuitabilityDecision]:
            profile = profile_of(messages)
            decision = self.check_suitability(profile)
            return self.build_proposal(decision, profile.horizon_years.value), decision

        def project_for(
            messages: Sequence[object],
            horizon_years: float | None = None,
            amount: float = PER_AMOUNT,
        ) -> dict[str, Any]:
            proposal, _ = proposal_of(messages)
            years = horizon_years or profile_of(messages).horizon_years.value or 10
            return self.project(proposal, years, amount).model_dump()

        def tool(name: str, description: str, schema: type[BaseModel], func: Any) -> BaseTool:
            return StructuredTool.from_function(
                func=func, name=name, description=description, args_schema=schema
            )

        return [
            tool(
                "update_profile",
                "The investor's profile (life stage, risk level, goals, horizon, emotion), each "
                "field with its evidence, from the conversation.",
                _Conversation,
                lambda messages: profile_of(messages).contract(),
            ),
            tool(
                "retrieve_knowledge",
                "Rule, product and education passages that answer a question, with citations.",
                _Question,
                lambda question, jurisdiction=None: [
                    passage.model_dump() for passage in self.retrieve(question, jurisdiction)
                ],
            ),
            tool(
                "check_suitability",
                "The suitability decision for the conversation's investor: class, allowed "
                "products, exclusions with rule ids, warnings.",
                _Conversation,
                lambda messages: self.check_suitability(profile_of(messages)).model_dump(),
            ),
            tool(
                "build_proposal",
                "The optimal suitable portfolio for the conversation's investor, with citations.",
                _Conversation,
                lambda messages: proposal_of(messages)[0].model_dump(),
            ),
            tool(
                "project_goal",
                "A Monte Carlo projection of the proposal over a horizon (5th/50th/95th "
                "percentile of the value of `amount`).",
                _Projection,
                project_for,
            ),
            tool(
                "explain_portfolio",
                "The shares and rule-based limits behind the proposal, to explain it.",
                _Conversation,
                lambda messages: self.explain(*proposal_of(messages)).model_dump(),
            ),
            tool(
                "preview_rebalance",
                "The trades the automatic rebalancer would make in an account; executes nothing.",
                _Rebalance,
                lambda holdings, risk_level, cash=0.0: self.preview_rebalance(
                    holdings, risk_level, cash
                ).model_dump(),
            ),
            tool(
                "hand_over",
                "Hand the conversation to a human advisor, with the reason.",
                _Handover,
                lambda reason: self.hand_over(reason).model_dump(),
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

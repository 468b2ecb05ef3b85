"""The advisor's turn: the orchestrator decides which tools run and what the reply says.

Each turn: update the profile from the whole conversation, read what the latest message asks
for, check suitability, then take exactly one path:

1. a hold on the account (suspected exploitation of an older investor): say so, hand over;
2. a request for a person, or a situation beyond a robo (the `needs_human` flag): hand over;
3. panic, or a request to sell everything while anxious: never sell; preview what selling would
   lock in against the plan's projection; offer a bounded conservative tilt (one risk level
   down, the equity cut capped) that waits for human review and a cooling-off period;
4. anxiety: acknowledge, show investor education from the knowledge base and the projection,
   offer a pause and a person;
5. euphoria, or a request for more risk: never above the suitability decision; warn about
   chasing returns; any increase waits for the cooling-off period;
6. something essential still unknown: ask for it, at most two questions at a time;
7. otherwise a proposal, or the follow-up it was asked about (why this mix, what if).

The facts of the reply are templates (`prompts/`) filled with tool results; a language model
only writes a short opening, which the guard checks; after two rejections the templated opening
is used. So every number shown comes from the engine, whatever the model.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from advisor.agent.goal_targets import StatedGoal, stated_goal
from advisor.agent.guard import ReplyGuard, Verdict, carries_instructions, repeats
from advisor.agent.intents import Request, read_request
from advisor.agent.language import Language, language_of
from advisor.agent.prompts import ReplyTemplates
from advisor.agent.tools import AdvisorTools, Projection, Proposal
from advisor.knowledge.rules import ExploitationHold, MaxProductRisk
from advisor.llm import LanguageModelUnavailable
from advisor.planning.goals import GoalAssessment
from advisor.planning.mode import ILLUSTRATION_LABEL, Mode, disclosure
from advisor.profile.handoff import ProfileIncomplete
from advisor.profile.model import InvestorProfile
from advisor.profile.text import Message
from advisor.suitability.decision import SuitabilityDecision

Action = Literal[
    "greet",
    "acknowledge",
    "ask",
    "propose",
    "explain",
    "what_if",
    "more_risk",
    "euphoric",
    "anxious",
    "panic",
    "handover",
    "hold",
]
DEFAULT_HORIZON_YEARS = 10  # projections need a horizon; said in the reply when assumed
OPENING_ATTEMPTS = 2
OPENING_MAX_CHARS = 300
OPENING_SENTENCES = 2
# The model sees the user's message and the start of the engine's reply, not all of it: a short
# prompt keeps a small local model's first token fast, and the opening only needs the gist.
# A Chinese character carries about as much as two or three English letters, and costs the small
# model's tokenizer more: the gist is counted per language.
OPENING_CONTEXT_CHARS: dict[Language, int] = {"en": 400, "zh": 150}
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*")


@dataclass(frozen=True)
class PendingChange:
    """A change that waits for human review and a cooling-off period before it may happen."""

    kind: Literal["conservative_tilt", "risk_increase"]
    from_level: int
    to_level: int
    equity_before: float | None  # unknown for an increase: the current plan is not at hand
    equity_after: float
    cooling_off_hours: float
    proposal: Proposal


@dataclass(frozen=True)
class Turn:
    """One advisor turn: what was understood, decided and said."""

    profile: InvestorProfile
    language: Language
    action: Action
    reply: str
    decision: SuitabilityDecision | None = None
    proposal: Proposal | None = None
    projection: Projection | None = None
    projection_basis: Literal["proposal", "current_plan"] = "proposal"
    pending_change: PendingChange | None = None
    goal: GoalAssessment | None = None
    handover_reason: str | None = None
    guard_rejections: tuple[str, ...] = ()
    degraded: bool = False
    templates_version: str = ""
    opening: str = ""  # the reply's opening: the model's, or the templated one

    def contract(self) -> dict[str, Any]:
        """The JSON `advisor advise` prints."""
        proposal = None
        if self.proposal is not None:
            proposal = {
                "holdings": [
                    h.model_dump(
                        include={"product_id", "name", "asset_class", "risk_level", "weight"}
                    )
                    for h in self.proposal.holdings
                ],
                "expected_return": self.proposal.expected_return,
                "volatility": self.proposal.volatility,
                "citations": [c.model_dump() for c in self.proposal.citations],
                "warnings": self.proposal.warnings,
                "requires_review": self.proposal.requires_review,
                "status": self.proposal.status,
                "kind": self.proposal.kind,
            }
        return {
            "profile": self.profile.contract(),
            "proposal": proposal,
            "reply": self.reply,
            "projection": None
            if self.projection is None
            else {**self.projection.model_dump(), "basis": self.projection_basis},
            "action": self.action,
            "language": self.language,
            "pending_change": None
            if self.pending_change is None
            else {
                "kind": self.pending_change.kind,
                "from_level": self.pending_change.from_level,
                "to_level": self.pending_change.to_level,
                "equity_before": self.pending_change.equity_before,
                "equity_after": self.pending_change.equity_after,
                "cooling_off_hours": self.pending_change.cooling_off_hours,
                "requires_review": True,
            },
            "goal": None if self.goal is None else _goal_contract(self.goal),
            "handover": self.handover_reason,
            "guard_rejections": list(self.guard_rejections),
            "degraded": self.degraded,
            "templates_version": self.templates_version,
        }


@dataclass(frozen=True)
class DraftTurn:
    """A turn the engine has decided, waiting for its opening (`Advisor.finish`)."""

    turn: Turn  # everything but the reply
    greeting: str
    facts: str  # the engine's reply, checked by the guard
    last: str  # the user's message, which the opening answers
    templates: ReplyTemplates
    guard: ReplyGuard

    @property
    def preview(self) -> str:
        """What can be shown before the opening: the greeting and the facts."""
        return self.reply("…")

    def reply(self, opening: str, *, degraded: bool = False) -> str:
        """The whole reply with `opening` (greeting, opening, facts, the degraded notice)."""
        notice = [self.templates.degraded] if degraded else []
        return "\n\n".join(part for part in [self.greeting, opening, self.facts, *notice] if part)


@dataclass(frozen=True)
class _Goal:
    """The goal the investor put figures on, if any, and the day it is assessed on."""

    stated: StatedGoal | None
    today: date


def _goal_contract(assessed: GoalAssessment) -> dict[str, Any]:
    goal = assessed.goal
    return {
        "kind": goal.kind,
        "target_amount": goal.target_amount,
        "target_date": goal.target_date.isoformat(),
        "current_value": goal.current_value,
        "monthly_deposit": goal.monthly_deposit,
        "risk_level": assessed.risk_level,
        "status": assessed.status,
        "probability": assessed.probability,
        "fixes": [
            {"kind": fix.kind, "value": fix.value, "probability": fix.probability}
            for fix in assessed.fixes
        ],
    }


@dataclass
class _Reply:
    """The facts of a reply as they are assembled, and the sentences that name products."""

    templates: ReplyTemplates
    greeting: str = ""
    facts: list[str] = field(default_factory=list)

    def say(self, key: str, **values: Any) -> None:
        self.facts.append(self.templates.render(key, **values))


class Advisor:
    """Runs advisor turns over a conversation; stateless between calls (the conversation is
    the state), so sessions can share one advisor."""

    def __init__(
        self,
        tools: AdvisorTools,
        templates: dict[Language, ReplyTemplates],
        model: BaseChatModel | None,
        cooling_off_hours: float = 24.0,
        max_equity_cut: float = 0.20,
        mode: Mode = "education",
    ) -> None:
        self.tools = tools
        self.templates = templates
        self.model = model
        self.cooling_off_hours = cooling_off_hours
        self.max_equity_cut = max_equity_cut
        self.mode = mode

    def respond(
        self,
        messages: Sequence[Message],
        *,
        trusted_contact_registered: bool = False,
        current_risk_level: int | None = None,
        today: date | None = None,
    ) -> Turn:
        """The advisor's reply to the conversation's latest user message. `current_risk_level` is
        the level of the investor's current plan, if they have one: a proposal above it waits for
        review and the cooling-off period."""
        return self.finish(
            self.draft(
                messages,
                trusted_contact_registered=trusted_contact_registered,
                current_risk_level=current_risk_level,
                today=today,
            )
        )

    def draft(
        self,
        messages: Sequence[Message],
        *,
        trusted_contact_registered: bool = False,
        current_risk_level: int | None = None,
        today: date | None = None,
    ) -> "DraftTurn":
        """The engine's half of `respond`: everything decided and the facts written and checked,
        before the model writes its opening. `finish` completes it; a page can show the draft's
        `preview` meanwhile, so nobody waits for the shared model to see the engine's answer."""
        user_texts = [m.content for m in messages if m.role == "user"]
        last = user_texts[-1] if user_texts else ""
        language = language_of(last)
        reply = _Reply(self.templates[language])
        profile = self.tools.update_profile(messages)
        if len(user_texts) <= 1:
            reply.greeting = reply.templates.render(
                "greeting", disclosure_rules="ALL-ALGORITHM, ALL-SENTIMENT"
            )
        if profile.ignored_instructions:
            reply.say("ignored_instruction")
        decision = self._decision(profile)
        today = today or datetime.now(UTC).date()
        turn = self._route(
            profile,
            decision,
            read_request(last),
            last,
            reply,
            trusted_contact_registered,
            current_risk_level,
            _Goal(stated_goal(messages, profile, today), today),
        )
        return self._checked(turn, reply, last)

    def finish(self, draft: "DraftTurn") -> Turn:
        """The turn with the model's opening (or the templated one), ready to show and record."""
        opening, rejections, degraded = self._opening(
            draft.templates, draft.last, draft.facts, draft.guard
        )
        return replace(
            draft.turn,
            reply=draft.reply(opening, degraded=degraded),
            opening=opening,
            guard_rejections=(*draft.turn.guard_rejections, *rejections),
            degraded=degraded,
        )

    # Paths ---------------------------------------------------------------------------------------

    def _route(
        self,
        profile: InvestorProfile,
        decision: SuitabilityDecision | None,
        request: Request,
        last: str,
        reply: _Reply,
        trusted_contact: bool,
        current_risk_level: int | None,
        goal: "_Goal",
    ) -> Turn:
        flags = {finding.flag for finding in profile.flags}
        emotion = profile.emotion.current.value
        anxious = emotion == "anxious" or profile.emotion.sustained_anxiety
        base = Turn(profile=profile, language=reply.templates.language, action="ask", reply="")
        base = replace(base, decision=decision)
        self._refuse_named_products(last, profile, decision, reply)
        if decision is not None and decision.hold:
            hold_rule = self._fired(decision, ExploitationHold)
            reply.say("hold", rule=hold_rule)
            return replace(base, action="hold", handover_reason=hold_rule)
        if request.intent == "ask_human":
            return self._handover(base, reply, "asked")
        if "needs_human" in flags:
            return self._handover(base, reply, "needs_human")
        if emotion == "panic" or (request.intent == "sell_all" and anxious):
            return self._panic(base, profile, decision, reply, trusted_contact)
        if anxious:
            return self._anxious(base, profile, decision, last, reply)
        if (emotion == "euphoric" or request.intent == "more_risk") and decision is not None:
            return self._more_risk(base, profile, decision, reply, euphoric=emotion == "euphoric")
        missing = _missing_facts(profile)
        if decision is None or missing:
            return self._ask(base, missing or ["risk"], reply)
        if request.intent == "thanks":
            reply.say("thanks")
            return replace(base, action="acknowledge")
        return self._propose(base, profile, decision, request, reply, current_risk_level, goal)

    def _handover(self, base: Turn, reply: _Reply, reason: str) -> Turn:
        reply.say("handover", reason=reply.templates.handover_reasons[reason])
        return replace(base, action="handover", handover_reason=reason)

    def _ask(self, base: Turn, missing: list[str], reply: _Reply) -> Turn:
        reply.say("ask_intro")
        for fact in missing[:2]:
            reply.facts.append(reply.templates.questions[fact])
        return replace(base, action="ask")

    def _propose(
        self,
        base: Turn,
        profile: InvestorProfile,
        decision: SuitabilityDecision,
        request: Request,
        reply: _Reply,
        current_risk_level: int | None,
        goal: "_Goal",
    ) -> Turn:
        horizon = profile.horizon_years.value
        increase = current_risk_level is not None and decision.risk_level > current_risk_level
        kind: Literal["allocation", "risk_increase"] = "risk_increase" if increase else "allocation"
        proposal = self.tools.build_proposal(decision, horizon, kind)
        if request.intent == "explain_mix":
            self._say_mix(proposal, decision, reply)
            return replace(base, action="explain", proposal=proposal)
        if request.intent == "what_if_horizon" and horizon is not None:
            changed = max(1.0, horizon + (request.years_change or 0.0))
            projection = self.tools.project(proposal, changed)
            reply.say("what_if", **_projection_values(projection))
            return replace(base, action="what_if", proposal=proposal, projection=projection)
        projection = self.tools.project(proposal, horizon or DEFAULT_HORIZON_YEARS)
        self._say_proposal(proposal, decision, projection, reply)
        pending = None
        if increase and current_risk_level is not None:
            reply.say(
                "risk_increase_wait",
                from_level=current_risk_level,
                to_level=decision.risk_level,
                cooling_off_hours=_hours(self.cooling_off_hours),
            )
            pending = PendingChange(
                kind="risk_increase",
                from_level=current_risk_level,
                to_level=decision.risk_level,
                equity_before=None,
                equity_after=proposal.equity_share,
                cooling_off_hours=self.cooling_off_hours,
                proposal=proposal,
            )
        assessed = self._say_goal(goal, decision, reply)
        return replace(
            base,
            action="propose",
            proposal=proposal,
            projection=projection,
            pending_change=pending,
            goal=assessed,
        )

    def _say_goal(
        self, goal: "_Goal", decision: SuitabilityDecision, reply: _Reply
    ) -> GoalAssessment | None:
        """The stated goal's status by the engine, and the fix that helps most if it is not on
        track; nothing if the investor put no figures on a goal."""
        if goal.stated is None:
            return None
        assessed = self.tools.assess_goal(goal.stated, decision.risk_level, goal.today)
        templates = reply.templates
        target = assessed.goal
        reply.say(
            "goal_status",
            target=_money(target.target_amount),
            goal=templates.goal_names[target.kind],
            date=f"{target.target_date:%Y-%m-%d}",
            status=templates.goal_statuses[assessed.status],
            current=_money(target.current_value),
            monthly=_money(target.monthly_deposit),
            level=assessed.risk_level,
            probability=_percent(assessed.probability, 0),
        )
        best = next((fix for fix in assessed.fixes if fix.reaches_on_target), None)
        if assessed.status != "on_target" and best is not None:
            value = f"{best.value:g}" if best.kind == "more_risk" else _money(best.value)
            reply.facts.append(
                templates.goal_fixes[best.kind].format(
                    value=value,
                    change=f"{best.change:g}",
                    probability=_percent(best.probability, 0),
                )
            )
        reply.say("goal_saved")
        return assessed

    def _anxious(
        self,
        base: Turn,
        profile: InvestorProfile,
        decision: SuitabilityDecision | None,
        last: str,
        reply: _Reply,
    ) -> Turn:
        reply.say("anxious")
        # A quoted passage is shown as it is, so it must not carry instructions (a poisoned
        # document) nor name a product the investor may not hold.
        products = self._guard(base, reply)
        for passage in self.tools.retrieve(last, kinds=["education"], k=1):
            excerpt = _first_paragraph(passage.text)
            if carries_instructions(excerpt) or products.excluded_products_named(excerpt):
                continue
            reply.say("education_line", text=excerpt, doc_id=passage.document_id)
        projection = None
        if decision is not None:
            proposal = self.tools.build_proposal(decision, profile.horizon_years.value)
            horizon = profile.horizon_years.value or DEFAULT_HORIZON_YEARS
            projection = self.tools.project(proposal, horizon)
            reply.say("projection", **_projection_values(projection))
        reply.say("anxious_offer")
        return replace(base, action="anxious", projection=projection)

    def _panic(
        self,
        base: Turn,
        profile: InvestorProfile,
        decision: SuitabilityDecision | None,
        reply: _Reply,
        trusted_contact: bool,
    ) -> Turn:
        reply.say("panic")
        if decision is None:
            reply.say("anxious_offer")
            return replace(base, action="panic", handover_reason="panic; profile incomplete")
        horizon = profile.horizon_years.value
        current = self.tools.build_proposal(decision, horizon)
        projection = self.tools.project(current, horizon or DEFAULT_HORIZON_YEARS)
        reply.say("panic_preview", **_projection_values(projection))
        pending = self._conservative_tilt(profile, decision, current)
        if pending is not None:
            reply.say(
                "panic_tilt",
                risk_level=pending.from_level,
                lower_level=pending.to_level,
                equity_before=_percent(current.equity_share),
                equity_after=_percent(pending.equity_after),
                cooling_off_hours=_hours(self.cooling_off_hours),
            )
        if trusted_contact:
            reply.say("panic_contact")
        reply.say("anxious_offer")
        return replace(
            base,
            action="panic",
            projection=projection,
            projection_basis="current_plan",
            pending_change=pending,
            proposal=pending.proposal if pending else None,
            handover_reason="panic: a person reviews before anything changes",
        )

    def _more_risk(
        self,
        base: Turn,
        profile: InvestorProfile,
        decision: SuitabilityDecision,
        reply: _Reply,
        euphoric: bool,
    ) -> Turn:
        match_rule = self._fired(decision, MaxProductRisk)
        if euphoric:
            reply.say("euphoric")
            reply.say(
                "euphoric_limit",
                risk_level=decision.risk_level,
                match_rule=match_rule,
                cooling_off_hours=_hours(self.cooling_off_hours),
            )
        else:
            evidence = "; ".join(e.quote for e in profile.risk_level.evidence[:2]) or "-"
            reply.say(
                "more_risk",
                risk_level=decision.risk_level,
                risk_evidence=evidence,
                match_rule=match_rule,
                cooling_off_hours=_hours(self.cooling_off_hours),
            )
        return replace(base, action="euphoric" if euphoric else "more_risk")

    # Pieces -----------------------------------------------------------------------------------

    def _fired(
        self, decision: SuitabilityDecision, rule_type: type[ExploitationHold | MaxProductRisk]
    ) -> str:
        """The id of the rule of this type the decision fired (for citations), or '-'."""
        rules = self.tools.runtime.rulebooks[decision.jurisdiction]
        ids = [cited.rule.id for _, cited in rules.of_type(rule_type)]
        return next((rule_id for rule_id in ids if rule_id in decision.rules_fired), "-")

    def _decision(self, profile: InvestorProfile) -> SuitabilityDecision | None:
        try:
            return self.tools.check_suitability(profile)
        except ProfileIncomplete:
            return None

    def _conservative_tilt(
        self, profile: InvestorProfile, decision: SuitabilityDecision, current: Proposal
    ) -> PendingChange | None:
        """One risk level down, moving only part of the way when the equity cut would exceed
        `max_equity_cut`: a blend of the two portfolios, both suitable at the current level."""
        if decision.risk_level <= 1:
            return None
        lower_level = decision.risk_level - 1
        lower = self.tools.runtime.decide(
            self.tools.runtime.class_profile(lower_level, profile.horizon_years.value).model_copy(
                update={"age": profile.age.value, "life_stage": profile.life_stage.value}
            )
        )
        target = self.tools.build_proposal(lower, profile.horizon_years.value, "conservative_tilt")
        cut = current.equity_share - target.equity_share
        share = 1.0 if cut <= self.max_equity_cut else self.max_equity_cut / cut
        blended = self.tools.blend(current, target, share)
        # The holdings' weights are rounded, so the blend can overshoot the cap by a hair: scale
        # the step back by the overshoot so the cap holds exactly.
        actual = current.equity_share - blended.equity_share
        if actual > self.max_equity_cut:
            blended = self.tools.blend(current, target, share * self.max_equity_cut / actual)
        return PendingChange(
            kind="conservative_tilt",
            from_level=decision.risk_level,
            to_level=lower_level,
            equity_before=current.equity_share,
            equity_after=blended.equity_share,
            cooling_off_hours=self.cooling_off_hours,
            proposal=blended,
        )

    def _refuse_named_products(
        self,
        last: str,
        profile: InvestorProfile,
        decision: SuitabilityDecision | None,
        reply: _Reply,
    ) -> None:
        """Say why, when the user names a product their level does not allow."""
        if decision is None:
            return
        folded = last.casefold()
        for product in self.tools.runtime.catalogue.products:
            exclusion = decision.exclusion_of(product.id)
            if exclusion is None or exclusion.kind == "not_offered":
                continue
            names = (product.ticker, product.name, *product.aliases)
            if any(name.casefold() in folded for name in names):
                reply.say(
                    "refuse_product",
                    name=product.name,
                    ticker=product.ticker,
                    product_risk=product.risk_level,
                    risk_level=decision.risk_level,
                    rule=exclusion.rule_id,
                )

    def _say_proposal(
        self,
        proposal: Proposal,
        decision: SuitabilityDecision,
        projection: Projection,
        reply: _Reply,
    ) -> None:
        policy = self.tools.runtime.policy.for_level(decision.risk_level)
        name = policy.name_zh if reply.templates.language == "zh" else policy.name
        lines = [
            reply.templates.render(
                "proposal_intro", class_name=name, risk_level=decision.risk_level
            )
        ]
        lines += [
            reply.templates.render(
                "holding_line",
                name=holding.name,
                ticker=holding.ticker,
                product_risk=holding.risk_level,
                weight=_percent(holding.weight),
            )
            for holding in proposal.holdings
        ]
        reply.facts.append("\n".join(lines))
        reply.say(
            "proposal_figures",
            expected_return=_percent(proposal.expected_return, 2),
            volatility=_percent(proposal.volatility, 2),
        )
        reply.say(
            "proposal_why",
            risk_level=decision.risk_level,
            match_rule=self._fired(decision, MaxProductRisk),
            equity_cap=_percent(decision.sleeve_caps.get("equity", 1.0)),
            equity_rule=decision.constraint_rules.get("equity_cap", "-"),
            liquid_floor=_percent(decision.liquid_floor),
            floor_rule=decision.constraint_rules.get("liquid_floor", "-"),
        )
        reply.say("projection", **_projection_values(projection))
        if proposal.requires_review:
            reasons = ", ".join(sorted({w.rule_id for w in decision.warnings})) or "policy"
            reply.say("proposal_review", review_reasons=reasons)
        reply.say("proposal_sources", sources=", ".join(c.doc_id for c in proposal.citations))
        # The mode decides what a proposal is: an illustration (education) or advice that follows
        # the review workflow; the reply says which, in the user's language.
        language = reply.templates.language
        if self.mode == "education":
            reply.facts.append(ILLUSTRATION_LABEL[language])
        reply.facts.append(disclosure(self.mode, language))

    def _say_mix(self, proposal: Proposal, decision: SuitabilityDecision, reply: _Reply) -> None:
        reply.say(
            "explain_mix",
            fixed_income=_percent(proposal.fixed_income_and_cash_share),
            equity=_percent(proposal.equity_share),
            real_assets=_percent(1 - proposal.equity_share - proposal.fixed_income_and_cash_share),
            risk_level=decision.risk_level,
            equity_cap=_percent(decision.sleeve_caps.get("equity", 1.0)),
            equity_rule=decision.constraint_rules.get("equity_cap", "-"),
            assumptions="Vanguard VCMM 2025",
        )

    # The reply -------------------------------------------------------------------------------

    def _checked(self, turn: Turn, reply: _Reply, last: str) -> "DraftTurn":
        guard = self._guard(turn, reply)
        # The facts are engine-made, but passages quoted from documents are checked too: one that
        # breaks a wording rule is left out rather than shown.
        kept: list[str] = []
        rejections: list[str] = []
        for fact in reply.facts:
            verdict = guard.check(fact, written_by_model=False)
            if verdict.ok:
                kept.append(fact)
            else:
                rejections.extend(verdict.problems)
        templates = reply.templates
        return DraftTurn(
            turn=replace(
                turn,
                guard_rejections=tuple(rejections),
                templates_version=templates.version,
            ),
            greeting=reply.greeting,
            facts="\n\n".join(kept),
            last=last,
            templates=templates,
            guard=guard,
        )

    def _guard(self, turn: Turn, reply: _Reply) -> ReplyGuard:
        runtime = self.tools.runtime
        decision = turn.decision
        # Before a suitability decision nothing is known to suit, so the model may name nothing.
        excluded = (
            frozenset(product for product, cap in decision.caps.items() if cap == 0)
            if decision
            else frozenset(product.id for product in runtime.catalogue.products)
        )
        jurisdiction = decision.jurisdiction if decision else runtime.settings.jurisdiction
        guard = ReplyGuard(
            rules=runtime.rulebooks[jurisdiction],
            catalogue=runtime.catalogue,
            excluded_products=excluded,
        )
        profile_values = [
            str(value)
            for value in (
                turn.profile.age.value,
                turn.profile.horizon_years.value,
                turn.profile.risk_level.value,
            )
            if value is not None
        ]
        guard.allow([reply.greeting, *reply.facts, *profile_values])
        return guard

    def _opening(
        self, templates: ReplyTemplates, last: str, facts: str, guard: ReplyGuard
    ) -> tuple[str, tuple[str, ...], bool]:
        """A short opening from the model, if it passes the guard within two attempts; else the
        templated one. Returns (opening, rejections, degraded)."""
        if self.model is None or not last:
            return templates.opening_fallback, (), False
        rejections: list[str] = []
        gist = facts[: OPENING_CONTEXT_CHARS[templates.language]]
        systems = [language_templates.system for language_templates in self.templates.values()]
        prompt = [
            SystemMessage(content=templates.system),
            HumanMessage(
                content=f"User's message: {last}\n\nThe engine's reply that follows:\n{gist}"
            ),
        ]
        for _ in range(OPENING_ATTEMPTS):
            try:
                text = _first_sentences(str(self.model.invoke(prompt).content))
            except LanguageModelUnavailable:
                return templates.opening_fallback, tuple(rejections), True
            except Exception as error:
                rejections.append(f"model failed: {type(error).__name__}")
                return templates.opening_fallback, tuple(rejections), True
            verdict = _opening_verdict(text, guard, systems)
            if verdict.ok:
                return text, tuple(rejections), False
            rejections.extend(verdict.problems)
        return templates.opening_fallback, tuple(rejections), False


def _first_sentences(text: str, count: int = OPENING_SENTENCES) -> str:
    """The first `count` sentences: a small model often runs on after the one or two sentences
    it was asked for, and what follows is where it starts inventing."""
    sentences = [part for part in _SENTENCE_END.split(text.strip()) if part]
    return " ".join(sentences[:count]).strip()


def _opening_verdict(text: str, guard: ReplyGuard, systems: Sequence[str]) -> Verdict:
    problems = list(guard.check(text).problems)
    if any(repeats(text, system) for system in systems):  # in any language: a leak is a leak
        problems.append("repeats the system prompt")
    if not text:
        problems.append("empty opening")
    if len(text) > OPENING_MAX_CHARS:
        problems.append("opening too long")
    return Verdict(tuple(problems))


def _missing_facts(profile: InvestorProfile) -> list[str]:
    """What onboarding still needs, in the order it asks: age, goal, horizon, loss tolerance,
    emergency savings."""
    missing = []
    if profile.age.value is None and profile.life_stage.value is None:
        missing.append("age")
    if not profile.goals:
        missing.append("goal")
    if profile.horizon_years.value is None:
        missing.append("horizon")
    # A level inferred from capacity alone (e.g. a short horizon) is not enough: the investor is
    # asked how much loss they could bear before anything is proposed.
    willingness_unknown = profile.risk.willingness.value is None and not profile.lowest_category
    if profile.risk_level.value is None or willingness_unknown:
        missing.append("risk")
    if profile.emergency_fund_months.value is None and willingness_unknown:
        missing.append("emergency")
    return missing


def _projection_values(projection: Projection) -> dict[str, str | int]:
    return {
        "horizon": projection.horizon_years,
        "amount": _money(projection.amount),
        "median": _money(projection.median),
        "p5": _money(projection.p5),
        "p95": _money(projection.p95),
    }


def _first_paragraph(text: str) -> str:
    return text.split("\n\n")[0].strip()


def _percent(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}%}"


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _hours(value: float) -> str:
    return f"{value:g}"

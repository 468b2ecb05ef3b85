"""`ProfileExtractor`: a conversation in, an `InvestorProfile` out, every field with evidence.

The extractor is made once (it loads jieba's dictionary and MiniLM, and embeds the emotion
prototypes) and then reads any number of conversations; it holds no state between them. Only
user messages are evidence about the investor; an assistant message is kept as the context of
the reply after it (a bare "41" after "How old are you?"). No generative model is involved: rules,
lexicons, the nearest labelled prototype, two small learned clause readers (`clauses`: a
logistic regression over character n-grams) that read willingness and goals in the clauses the
cues found nothing in, and a learned fallback (`risk_fallback`) for conversations the risk rules
read nothing in.
"""

from collections.abc import Callable, Sequence
from datetime import date

from advisor.knowledge.embeddings import Embedder, SentenceTransformerEmbedder
from advisor.knowledge.rules import ProfileFlag
from advisor.profile import circumstances, demographics, emotion, flags, goals, horizon
from advisor.profile.clauses import (
    GOAL_EXAMPLES,
    GOAL_LABELS,
    ClauseClassifier,
    load_examples,
)
from advisor.profile.instructions import find_instructions, sentences_with_instructions
from advisor.profile.lexicon import CueMatcher, Hit
from advisor.profile.model import (
    Evidence,
    FlagFinding,
    GoalFinding,
    Inferred,
    InvestorProfile,
    Subject,
)
from advisor.profile.risk import Circumstances, assess_risk
from advisor.profile.risk_fallback import RiskFallback
from advisor.profile.subject import Attribution, find_subject
from advisor.profile.text import Conversation, Message, read_conversation

Clock = Callable[[], date]


class ProfileExtractor:
    """Reads conversations into investor profiles. Create once (it loads the models); `extract`
    is then fast and keeps nothing between calls. `use_prototypes=False` leaves out the MiniLM
    emotion prototypes, `use_learned_readers=False` the clause readers and the risk fallback
    (the cue rules alone)."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        use_prototypes: bool = True,
        use_learned_readers: bool = True,
        clock: Clock = date.today,
    ) -> None:
        self._matcher = CueMatcher()
        self._clock = clock
        self._classifier: emotion.PrototypeClassifier | None = None
        self._clauses: ClauseClassifier | None = None
        self._goal_reader: ClauseClassifier | None = None
        self._risk_fallback: RiskFallback | None = None
        if use_learned_readers:
            self._clauses = ClauseClassifier()
            self._goal_reader = ClauseClassifier(load_examples(GOAL_EXAMPLES, GOAL_LABELS))
            self._risk_fallback = RiskFallback()
        if use_prototypes:
            self._classifier = emotion.PrototypeClassifier(
                embedder or SentenceTransformerEmbedder()
            )

    def extract(self, messages: Sequence[Message]) -> InvestorProfile:
        """The profile of the investor the conversation is about."""
        conversation = read_conversation(messages)
        today = self._clock()
        subject = find_subject(conversation, self._matcher)
        attribution = Attribution(subject)
        age, ages_disagree = demographics.infer_age(
            demographics.find_ages(conversation, attribution, today.year)
        )
        stage_cues = demographics.find_stage_cues(conversation, self._matcher, attribution)
        life_stage = demographics.infer_life_stage(age, stage_cues)
        found_goals = goals.find_goals(conversation, self._matcher, self._goal_reader)
        horizon_years = self._horizon(conversation, age, today, found_goals)
        dependants = circumstances.find_dependants(conversation, self._matcher, attribution)
        emergency = circumstances.find_emergency_fund(conversation, self._matcher)
        instructions = find_instructions(conversation, self._matcher)
        feeling = emotion.read_emotions(
            conversation,
            self._matcher,
            self._classifier,
            sentences_with_instructions(instructions, conversation),
        )
        facts = Circumstances(
            draws_income=_draws_income(stage_cues, found_goals),
            retired=any(hit.label == "retired" for hit in stage_cues),
            distressed=feeling.sustained_anxiety or feeling.current.value == "panic",
            horizon_years=horizon_years.value,
            emergency_fund_months=emergency.value,
            dependants=dependants.value,
            age=age.value,
            evidence={
                "life_stage": life_stage.evidence,
                "horizon": horizon_years.evidence,
                "emergency_fund": emergency.evidence,
                "dependants": dependants.evidence,
            },
        )
        risk = assess_risk(
            conversation, self._matcher, attribution, facts, instructions, self._clauses
        )
        risk_level = risk.level
        if risk_level.value is None and self._risk_fallback is not None:
            risk_level = self._risk_fallback.level(conversation)
        disagreeing_ages = age.evidence if ages_disagree else ()
        return InvestorProfile(
            subject=subject,
            age=age,
            life_stage=life_stage,
            risk_level=risk_level,
            risk=risk.assessment,
            goals=found_goals,
            horizon_years=horizon_years,
            dependants=dependants,
            emergency_fund_months=emergency,
            emotion=feeling,
            flags=self._flags(conversation, subject, risk.inconsistencies + disagreeing_ages),
            ignored_instructions=tuple(dict.fromkeys(hit.evidence() for hit in instructions)),
            lowest_category=risk.lowest_category,
        )

    def _horizon(
        self,
        conversation: Conversation,
        age: Inferred[int],
        today: date,
        found_goals: tuple[GoalFinding, ...],
    ) -> Inferred[float]:
        candidates = horizon.find_horizons(conversation, today)
        candidates += horizon.find_derived_horizons(conversation, age.value)
        education = any(goal.goal == "education" for goal in found_goals)
        children = demographics.find_child_ages(conversation)
        candidates += horizon.education_horizons(children, education)
        return horizon.infer_horizon(candidates)

    def _flags(
        self, conversation: Conversation, subject: Subject, inconsistent: tuple[Evidence, ...]
    ) -> tuple[FlagFinding, ...]:
        found: dict[ProfileFlag, tuple[Evidence, ...]] = {}
        if inconsistent:
            found["inconsistent_answers"] = inconsistent
        if subject.who == "other":
            found["speaking_for_someone_else"] = subject.evidence
        exploitation = flags.find_exploitation(conversation, self._matcher)
        if exploitation:
            found["possible_exploitation"] = exploitation
        human = flags.find_needs_human(conversation, self._matcher)
        if human:
            found["needs_human"] = human
        return tuple(
            FlagFinding(flag=flag, evidence=tuple(dict.fromkeys(evidence)))
            for flag, evidence in found.items()
        )


def _draws_income(stage_cues: list[Hit], found_goals: tuple[GoalFinding, ...]) -> bool:
    """Retired (or a grandparent) and wanting the money to pay an income: a retiree drawing on
    it."""
    retired = any(hit.label in demographics.ELDER_LABELS for hit in stage_cues)
    return retired and any(goal.goal == "income" for goal in found_goals)

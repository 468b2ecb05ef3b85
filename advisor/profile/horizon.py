"""The investment horizon: how many years until the money is needed.

Sources, strongest first:

1. A duration in a horizon context: "in 10 years", "for the next decade", "5 years from now",
   "a 10-year horizon", "need it in 6 months", "五年后", "半年内", "未来三年", "十年不用".
   Durations that describe the past or experience are not horizons: "I've been investing for
   10 years", "5 years ago", "10 years of experience", "炒股十几年了", "五年前".
2. A target year: "by 2040", "in 2035", "2030年前" (the year minus the current year).
3. A relative date: "next year", "明年", "后年", "by the end of the year", "年底".
4. Derived from ages: "retire at 65", "stop working at 60", "by the time I'm 60", "60岁退休",
   "到60岁" with the investor's age; saving for a child's studies with the eldest child's age
   (university at 18: a grandson of six → 12).
5. "I may need it at any time", 说不定哪天就要用: 0, but only when nothing else is said.

Several horizons of the strongest kind present: the shortest wins, because the nearest need for
the money is the one that limits how much risk the whole sum can take.
"""

import re
from dataclasses import dataclass
from datetime import date

from advisor.profile.model import Evidence, Inferred
from advisor.profile.numbers import NUMBER_EN, NUMBER_ZH, Duration, find_durations, parse_number
from advisor.profile.text import Clause, Conversation

MAX_HORIZON_YEARS = 80.0
EXACT_CONFIDENCE = 0.85
APPROXIMATE_CONFIDENCE = 0.65
RELATIVE_CONFIDENCE = 0.7
DERIVED_CONFIDENCE = 0.6

_CONTEXT_WINDOW = 40
# Words right before a duration that make it a horizon ("in 10 years", "未来三年").
HORIZON_BEFORE = re.compile(
    r"(?:\b(?:in|within|for|over|next|the next|another|after|at least|at most|less than|under|"
    r"more than|no more than|about|around|roughly|approximately|maybe|say|only|just|like|perhaps|"
    r"probably|approx|possibly|"
    r"horizon(?: of| is)?|timeframe|time frame|term|is|of|till|until|up to|another)\s*(?:the\s+)?"
    r"(?:next\s+)?"
    r"(?:about\s+|around\s+|roughly\s+|maybe\s+|another\s+|at least\s+)?"
    r"|未来|接下来|今后|再过|还有|还剩|还要|大概|大约|打算|计划|准备|期限|至少|起码|最多|放|存|投|"
    r"拿|持有|放着|存着|投个|放个|拿个|"
    r"投资|"
    r"预计|差不多|估计|只有|不到|过|要)$",
    re.IGNORECASE,
)
HORIZON_AFTER = re.compile(
    r"^(?:\s*(?:from now|away|later|time|or so|or more|or longer|plus|\+|until|till|to go|left|"
    r"out|horizon|timeframe|time frame|before|and then|when|at least|down the (?:road|line)|"
    r"-?\s*(?:year|month)?\s*(?:horizon|plan|timeframe|time frame|period|goal))"
    r"|后|以后|之后|过后|内|之内|以内|里|左右|不用|不动|不碰|用不到|都不用|以上|的时间|期|"
    r"再用|才用|要用|需要用|就要|退休|到期)",
    re.IGNORECASE,
)
# A duration that tells how long something has already lasted, or how old someone is.
PAST_BEFORE = re.compile(
    r"(?:\b(?:been|spent|past|last|already|since|ago|worked|saved|invested|held|owned|traded|lived|"
    r"married|retired|invested|ran|even|(?:have|has|had|'ve)\s+(?:been|run|held|had|owned|done|"
    r"spent|\w+ed))\b(?:\W+\w+){0,6}\W*$"
    r"|(?:炒股|炒|投资了|做了|买了|已经|工作了|干了|玩了|持有了|存了|拿了|投了|定投了|上班|工作|"
    r"入市)$)",
    re.IGNORECASE,
)
# Past durations, ages and amounts of living costs ("6 months of expenses") are not horizons.
PAST_AFTER = re.compile(
    r"^(?:[\s-]*(?:ago|of experience|experience|old|of investing|of trading|in the market|of "
    r"(?:work|saving|marriage|expenses|living|salary|income|spending|costs|bills|pay|cash)|"
    r"worth|investing|trading|now|already|back|earlier|prior|emergency|expenses|of emergency|"
    r"of runway|runway|of (?:\w+ )?(?:cash|savings|expenses))\b"
    r"|前|以前|之前|经验|了|的经验|的投资经验|的股龄|股龄|多了|来|工龄|的(?:生活费|开销|开支|工资|"
    r"支出|花销|收入|费用)|"
    r"(?:生活费|开销|开支|工资|支出|花销|收入|备用金|应急))",
    re.IGNORECASE,
)
# Still a horizon even after "have": "I have 10 years left", "还有十年退休".
STILL_AHEAD_AFTER = re.compile(
    r"^[\s-]*(?:left|to go|until|till|before (?:i|we|she|he|they|retire)|more|away|to retirement|"
    r"from retirement|from now|later|horizon|timeframe|time frame|investment horizon|"
    r"(?:year|month)s?\s*(?:horizon|plan|timeframe|time frame))|^(?:后|以后|之后|内|之内|以内)",
    re.IGNORECASE,
)
TARGET_YEAR = re.compile(
    r"(?:\b(?:by|in|until|till|around|before|through|after)\s+(?:the\s+year\s+|early\s+|late\s+|"
    r"mid-?\s*|end of\s+)?(?P<en>20\d\d)\b)|(?:到|在)?(?P<zh>20\d\d)年(?:前|之前|以前|左右|底|初|"
    r"退休|"
    r"要用|用|的时候)",
    re.IGNORECASE,
)
# A relative date is a horizon only where the sentence speaks of needing or using the money.
NEED = re.compile(
    r"\b(?:need|needs|needed|use|spend|buy|buying|retire|retiring|start|starts|starting|move|"
    r"moving|"
    r"pay|paying|withdraw|cash out|take out|wedding|tuition|college|university|deposit|"
    r"down payment|"
    r"by then|until then)\b|要用|用钱|用到|需要|要买|买房|退休|上学|上大学|结婚|付|首付|取出|高考|"
    r"出国|读书|留学|装修|"
    r"拿出来",
    re.IGNORECASE,
)
ANY_TIME = re.compile(
    r"\b(?:any (?:day|time|moment)|at (?:short|a moment'?s) notice|at any (?:time|moment)|"
    r"without warning)\b|随时|说不定哪天|哪天就|不定什么时候|不知道什么时候",
    re.IGNORECASE,
)
SHORT_UNITS = ("day", "week", "天", "周", "星期", "礼拜", "日")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_DATE = re.compile(
    r"\b(?P<when>next|this|in|by|until|till|before|coming)\s+(?P<month>"
    + "|".join(MONTHS)
    + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b(?:\s+(?P<year>20\d\d))?"
    r"|(?P<zhyear>明年|今年|后年)?(?P<zhmonth>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?"
    r"(?:底|初|前|之前|左右|的时候)?",
    re.IGNORECASE,
)
ZH_YEARS_AHEAD = {"今年": 0, "明年": 1, "后年": 2}
RELATIVE = (
    (re.compile(r"\bnext year\b|\bwithin (?:a|the) year\b|明年|来年", re.I), 1.0),
    (re.compile(r"\bthe year after next\b|后年", re.I), 2.0),
    (re.compile(r"\bnext month\b|\bsoon as possible\b|下个月|下月", re.I), 1 / 12),
    (
        re.compile(
            r"\b(?:by |before )?(?:the )?end of (?:the|this) year\b|\bthis year\b|年底|今年内", re.I
        ),
        0.5,
    ),
    (re.compile(r"\bnext few months\b|\bcoming months\b|近期|最近几个月|这几个月", re.I), 0.25),
)
SAVINGS_QUESTION = re.compile(
    r"emergency|cushion|buffer|runway|cash (?:aside|saved)|应急|备用|存款|积蓄", re.I
)
WHEN_QUESTION = re.compile(r"\bwhen\b|how long|horizon|什么时候|多久|多长时间|几年", re.I)
RETIRE_AT = re.compile(
    rf"\b(?:retir(?:e|ing|ement)|stop(?:ping)? work(?:ing)?|stop|quit(?:ting)?(?: work)?|"
    rf"finish(?:ing)? work(?:ing)?)\s+(?:early\s+|earlier\s+)?(?:at|by|around|at about|"
    rf"when (?:i'?m|she'?s|he'?s)|age)\s+"
    rf"(?:age\s+)?(?P<en>{NUMBER_EN})\b"
    rf"|\b(?:by the time|when|once) (?:i'?m|i am|i turn|she'?s|he'?s|she is|he is|she turns|"
    rf"he turns)\s+(?P<by>{NUMBER_EN})\b"
    rf"|\buntil (?:i'?m|i am|i turn|she'?s|he'?s)\s+(?P<until>{NUMBER_EN})\b"
    rf"|(?P<zh>{NUMBER_ZH})岁(?:就|再|时|的时候)?(?:退休|要用|用)"
    rf"|(?:到|等到)(?P<to>{NUMBER_ZH})岁",
    re.IGNORECASE,
)


EXPLICIT, DERIVED, ANY_TIME_TIER = 0, 1, 2  # candidate tiers, strongest first
UNIVERSITY_AGE = 18


@dataclass(frozen=True)
class HorizonCandidate:
    """One horizon the conversation states or implies; lower tiers win."""

    years: float
    confidence: float
    evidence: Evidence
    tier: int = EXPLICIT


def find_horizons(conversation: Conversation, today: date) -> list[HorizonCandidate]:
    """Every explicit horizon (durations, target years, relative dates) in the user messages."""
    found: list[HorizonCandidate] = []
    for clause in conversation.clauses:
        found.extend(_durations(clause))
        found.extend(_target_years(clause, today.year))
        found.extend(_relative_dates(clause))
        found.extend(_month_dates(clause, today))
    return [c for c in found if 0 <= c.years <= MAX_HORIZON_YEARS]


def _durations(clause: Clause) -> list[HorizonCandidate]:
    question = clause.asked[-200:]
    if SAVINGS_QUESTION.search(question) and not WHEN_QUESTION.search(question):
        return []  # "around four months" answers "do you have emergency savings?"
    candidates = []
    for duration in find_durations(clause.text):
        written = clause.text[duration.start : duration.end].lower()
        if any(unit in written for unit in SHORT_UNITS):
            continue  # days and weeks: "haven't slept in two days", not a need for the money
        if _is_horizon(_with_label(clause), duration, _label_length(clause)):
            confidence = APPROXIMATE_CONFIDENCE if duration.approximate else EXACT_CONFIDENCE
            evidence = clause.evidence(duration.start, duration.end)
            candidates.append(HorizonCandidate(duration.years, confidence, evidence))
    return candidates


def _with_label(clause: Clause) -> str:
    """The clause with the label before it when it follows a colon ("Time horizon: 7 years")."""
    return _label(clause) + clause.text


def _label_length(clause: Clause) -> int:
    return len(_label(clause))


def _label(clause: Clause) -> str:
    before = clause.sentence[: clause.start - clause.sentence_start]
    if not before.rstrip().endswith((":", "：")):
        return ""
    return re.split(r"[,，;；.。]", before)[-1]


def _is_horizon(text: str, duration: Duration, offset: int = 0) -> bool:
    """A duration is a horizon when its context says so and nothing says it is past."""
    start, end = duration.start + offset, duration.end + offset
    before = text[max(0, start - _CONTEXT_WINDOW) : start].rstrip().rstrip(":：").rstrip()
    after = text[end : end + _CONTEXT_WINDOW]
    ahead = bool(STILL_AHEAD_AFTER.match(after))
    if not ahead and (PAST_AFTER.match(after) or PAST_BEFORE.search(before)):
        return False
    return ahead or bool(HORIZON_BEFORE.search(before) or HORIZON_AFTER.match(after))


def _target_years(clause: Clause, year: int) -> list[HorizonCandidate]:
    candidates = []
    for match in TARGET_YEAR.finditer(clause.text):
        target = int(match.group("en") or match.group("zh"))
        before = clause.text[max(0, match.start() - 12) : match.start()].lower()
        if target <= year or "born" in before:
            continue
        evidence = clause.evidence(match.start(), match.end())
        candidates.append(HorizonCandidate(float(target - year), EXACT_CONFIDENCE, evidence))
    return candidates


def _relative_dates(clause: Clause) -> list[HorizonCandidate]:
    if not NEED.search(clause.sentence):
        return []
    candidates = []
    match = ANY_TIME.search(clause.text)
    if match:
        evidence = clause.evidence(match.start(), match.end())
        candidates.append(HorizonCandidate(0.0, APPROXIMATE_CONFIDENCE, evidence, ANY_TIME_TIER))
    for pattern, years in RELATIVE:
        for match in pattern.finditer(clause.text):
            evidence = clause.evidence(match.start(), match.end())
            candidates.append(HorizonCandidate(years, RELATIVE_CONFIDENCE, evidence))
    return candidates


def _month_dates(clause: Clause, today: date) -> list[HorizonCandidate]:
    """A month named as the date the money is needed: "next September", 明年三月."""
    if not NEED.search(clause.sentence):
        return []
    candidates = []
    for match in MONTH_DATE.finditer(clause.text):
        month = _month_number(match)
        if month is None:
            continue
        years_ahead = _years_ahead(match, month, today)
        months = years_ahead * 12 + month - today.month
        if months <= 0:
            continue
        evidence = clause.evidence(match.start(), match.end())
        candidates.append(HorizonCandidate(round(months / 12, 2), RELATIVE_CONFIDENCE, evidence))
    return candidates


def _month_number(match: re.Match[str]) -> int | None:
    written = match.group("month")
    if written:
        lowered = written.lower()[:3]
        return next(i for i, name in enumerate(MONTHS, start=1) if name.startswith(lowered))
    number = parse_number(match.group("zhmonth"))
    return int(number.value) if number is not None and 1 <= number.value <= 12 else None


def _years_ahead(match: re.Match[str], month: int, today: date) -> int:
    """How many years after this one the month falls: an explicit year or 明年 says so;
    otherwise it is the coming occurrence of the month ("next March" in November: next year)."""
    if match.group("year"):
        return int(match.group("year")) - today.year
    if match.group("zhyear"):
        return ZH_YEARS_AHEAD[match.group("zhyear")]
    return 0 if month > today.month else 1


def find_derived_horizons(conversation: Conversation, age: int | None) -> list[HorizonCandidate]:
    """Horizons from a target age and the investor's age ("retire at 65" at 40 → 25)."""
    if age is None:
        return []
    found = []
    for clause in conversation.clauses:
        for match in RETIRE_AT.finditer(clause.text):
            written = next(g for g in ("en", "by", "until", "zh", "to") if match.group(g))
            target = parse_number(match.group(written))
            if target is None or not age < target.value <= 110:
                continue
            evidence = clause.evidence(match.start(), match.end())
            found.append(
                HorizonCandidate(target.value - age, DERIVED_CONFIDENCE, evidence, DERIVED)
            )
    return found


def education_horizons(
    child_ages: list[tuple[float, Evidence]], saving_for_education: bool
) -> list[HorizonCandidate]:
    """Saving for a child's studies: the years until the eldest child named turns 18."""
    if not saving_for_education or not child_ages:
        return []
    age, evidence = max(child_ages, key=lambda item: item[0])
    if age >= UNIVERSITY_AGE:
        return []
    return [HorizonCandidate(UNIVERSITY_AGE - age, DERIVED_CONFIDENCE, evidence, DERIVED)]


def infer_horizon(candidates: list[HorizonCandidate]) -> Inferred[float]:
    """The shortest horizon of the strongest tier present (explicit, then derived from ages,
    then "I may need it any time"), else unknown."""
    if not candidates:
        return Inferred[float]()
    best_tier = min(c.tier for c in candidates)
    pool = [c for c in candidates if c.tier == best_tier]
    chosen = min(pool, key=lambda c: c.years)
    return Inferred[float](
        value=round(chosen.years, 2), confidence=chosen.confidence, evidence=(chosen.evidence,)
    )

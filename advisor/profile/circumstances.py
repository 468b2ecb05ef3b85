"""Dependants and emergency savings, where the conversation states them.

Dependants: children counted ("two kids", "a son and a daughter", "twins", 两个孩子, 一儿一女,
二胎) plus people supported ("I support my parents" counts 2, "my mother" 1, a non-working
spouse 1, 赡养父母, 上有老下有小). "No kids"/丁克/单身 is 0 when nothing else is said.

Emergency fund: months of living costs set aside ("6 months of expenses saved", "an emergency fund
covering 3 months", "a year of expenses in cash", 存了半年的生活费, 备用金够三个月); "no
emergency fund", "paycheck to paycheck", 月光, 没有存款 mean 0.
"""

import re
from dataclasses import dataclass

from advisor.profile.lexicon import CueMatcher, chinese, english
from advisor.profile.model import Evidence, Inferred
from advisor.profile.numbers import NUMBER_EN, NUMBER_ZH, find_durations, parse_number
from advisor.profile.subject import Attribution
from advisor.profile.text import Conversation

STATED_CONFIDENCE = 0.8
IMPLIED_CONFIDENCE = 0.6

CHILDREN_EN = re.compile(
    rf"(?<![\w])(?P<n>{NUMBER_EN}|a|an|one)\s+(?:young\s+|little\s+|small\s+|grown\s+|adult\s+|"
    r"teenage\s+|school-age\s+)?(?:kids?|children|child|sons?|daughters?|boys?|girls?|babies|baby|"
    r"dependants?|dependents?|toddlers?|teenagers?)(?![\w])"
    r"|(?<![\w])(?P<twins>twins)(?![\w])",
    re.IGNORECASE,
)
NO_CHILDREN_EN = re.compile(
    r"(?<![\w])(?:no (?:kids|children|dependants|dependents)|childless|child-free|childfree|"
    r"(?:don'?t|do not) have (?:any )?(?:kids|children|dependants|dependents)|nobody depends on me|"
    r"no one depends on me)(?![\w])",
    re.IGNORECASE,
)
SUPPORTED_EN = re.compile(
    r"(?<![\w])(?:support|supporting|look after|looking after|care for|caring for|provide for|"
    r"providing for|pay for|paying for)\s+(?:my\s+)?(?:(?P<two>elderly parents|parents|in-laws|"
    r"grandparents)|(?P<one>mother|mom|mum|father|dad|sister|brother|grandmother|grandfather|"
    r"grandma|grandpa|wife|husband))(?![\w])"
    r"|(?P<spouse>(?:stay-at-home|non-working) (?:wife|husband|spouse|mom|dad)|(?:wife|husband|"
    r"spouse) (?:doesn'?t|does not) work)",
    re.IGNORECASE,
)
CHILDREN_ZH = re.compile(
    rf"(?P<n>{NUMBER_ZH})(?:个|位)(?:孩子|小孩|娃|儿子|女儿|宝宝|子女)"
    r"|(?P<pair>一儿一女|儿女双全|龙凤胎|双胞胎)|(?P<nth>二|三|四)胎"
    r"|(?P<single>独生子|独生女|一个娃|一个孩子)"
)
NO_CHILDREN_ZH = re.compile(r"没有?孩子|没要孩子|丁克|单身|没结婚|未婚")
SUPPORTED_ZH = re.compile(
    r"(?P<two>赡养|养|照顾|供)(?:着)?(?:我的?)?(?:父母|爸妈|老人|双方老人|两边老人|公婆|岳父母)"
    r"|(?P<one>(?:赡养|照顾|养)(?:着)?(?:我的?)?(?:母亲|妈妈|老妈|父亲|爸爸|老爸|奶奶|爷爷))"
    r"|(?P<both>上有老下有小)|(?P<spouse>(?:老婆|妻子|老公|爱人|太太)(?:是)?(?:没有工作|不上班|"
    r"全职在家|全职太太|全职妈妈|没工作))"
)

EMERGENCY_EN = re.compile(
    r"(?<![\w])(?P<what>emergency (?:fund|savings|money|cash|reserve|buffer|cushion|pot)|"
    r"rainy[- ]day (?:fund|savings|money|pot)|savings|cash|saved|set aside|put aside|in the bank|"
    r"cushion|buffer)",
    re.IGNORECASE,
)
# "a rainy day fund that'd cover about five months": how long the fund lasts.
FUND_LASTS_EN = re.compile(
    r"\b(?:emergency|rainy[- ]day|savings|cushion|buffer|safety net)\b[^.!?]{0,30}?(?:\b(?:will|"
    r"would|could|can|should|to|that|which)\s+|'d\s+)(?:cover|last|keep (?:us|me) going)\s+"
    r"(?:us\s+|me\s+)?(?:for\s+)?(?:about\s+|around\s+|roughly\s+|maybe\s+|a good\s+)?$",
    re.IGNORECASE,
)
EXPENSES_EN = re.compile(
    r"^['’]?\s*(?:worth\s+)?(?:of\s+)?(?:\w+\s+){0,2}?(?:expenses|costs|living|salary|income|"
    r"spending|bills|pay|wages|cash|savings|runway|reserves?|buffer)\b|^\s*(?:saved|set aside|"
    r"put aside|in (?:the bank|savings|cash|an? \S+ account))",
    re.IGNORECASE,
)
EMERGENCY_QUESTION = re.compile(
    r"emergency|rainy|cushion|buffer|savings (?:set )?aside|应急|备用", re.IGNORECASE
)
NEGATIVE_REPLY = re.compile(
    r"^\s*(?:no\b|nope|not really|none|nothing|not much|not yet|never|没有|没|不多|无)",
    re.IGNORECASE,
)
NO_EMERGENCY = (
    *english(
        "none",
        r"no (?:emergency (?:fund|savings|cash|money)|savings|rainy[- ]day fund|safety net|cushion|"
        r"buffer)",
        r"(?:don'?t|do not) have (?:an? |any )?(?:emergency (?:fund|savings)|savings|rainy[- ]day "
        r"fund|safety net|cash (?:buffer|cushion))",
        r"(?:living )?pay ?check to pay ?check",
        r"nothing (?:saved|set aside|in the bank)",
        r"(?:this is|it'?s|that'?s) (?:all|everything) (?:i have|i'?ve got|we have)",
        negatable=False,
    ),
    *chinese(
        "none",
        r"没有?(?:应急|备用)(?:金|钱|资金)|没有?(?:什么)?存款|没有?积蓄|月光|没存(?:什么)?钱|"
        r"(?:这是|就这些|这就是)(?:我的)?全部(?:积蓄|家当|存款)",
        negatable=False,
    ),
)
AMOUNT_AFTER_ZH = re.compile(
    r"\s*(?:大概|差不多|有|能)?(?:[\d一二两三四五六七八九十百千万.]+\s*(?:千|万|块|元)|\d{3,})"
)
# Years of saving, not months of spending put by: 这几年全部的存款, 攒了十年, 五年来攒的.
SAVED_OVER_ZH = re.compile(r"(?:这|近|过去|前|这些|攒了|存了)$")
SAVINGS_OF_YEARS_ZH = re.compile(
    r"(?:来|里)?(?:攒|存|省)(?:下来)?的|(?:来|里)的?(?:全部|所有)?的?(?:存款|积蓄)"
)
EMERGENCY_ZH_CONTEXT = re.compile(
    # 够半年花: enough to live on for that long.
    r"应急|备用|生活费|开销|开支|支出|花销|工资|存款|积蓄|存了|留了|备了|现金|够(?:花|用|生活)?"
)


@dataclass(frozen=True)
class _Count:
    value: float
    evidence: Evidence


def find_dependants(
    conversation: Conversation, matcher: CueMatcher, attribution: Attribution
) -> Inferred[int]:
    """How many people depend on the investor, where the conversation says."""
    children: list[_Count] = []
    supported: list[_Count] = []
    none: list[Evidence] = []
    for clause in conversation.clauses:
        for match in CHILDREN_EN.finditer(clause.text):
            count = 2.0 if match.group("twins") else _count(match.group("n"))
            if count is not None and attribution.is_investor(clause, match.start()):
                children.append(_Count(count, clause.evidence(match.start(), match.end())))
        for match in CHILDREN_ZH.finditer(clause.text):
            count = _chinese_children(match)
            if count is not None and attribution.is_investor(clause, match.start()):
                children.append(_Count(count, clause.evidence(match.start(), match.end())))
        for pattern in (SUPPORTED_EN, SUPPORTED_ZH):
            for match in pattern.finditer(clause.text):
                people = 2.0 if match.group("two") or match.groupdict().get("both") else 1.0
                supported.append(_Count(people, clause.evidence(match.start(), match.end())))
        for pattern in (NO_CHILDREN_EN, NO_CHILDREN_ZH):
            none.extend(clause.evidence(m.start(), m.end()) for m in pattern.finditer(clause.text))
    if not children and not supported:
        if none:
            return Inferred[int](value=0, confidence=IMPLIED_CONFIDENCE, evidence=(none[0],))
        return Inferred[int]()
    total = max((c.value for c in children), default=0.0) + sum(s.value for s in supported)
    evidence = tuple(dict.fromkeys(c.evidence for c in (*children, *supported)))
    return Inferred[int](value=round(total), confidence=STATED_CONFIDENCE, evidence=evidence)


HORIZON_WORDS = re.compile(
    r"\b(?:from now|away|until|till|before|horizon|need (?:it|the money)|retire)\b|后|以后|之后|"
    r"内|退休",
    re.IGNORECASE,
)


def find_horizon_words(text: str) -> bool:
    """Whether a reply speaks of when the money is needed rather than of savings."""
    return bool(HORIZON_WORDS.search(text))


def _count(text: str) -> float | None:
    number = parse_number(text)
    if number is None or not 0 < number.value <= 15:
        return None
    return number.value


def _chinese_children(match: re.Match[str]) -> float | None:
    if match.group("pair"):
        return 2.0
    if match.group("nth"):
        return {"二": 2.0, "三": 3.0, "四": 4.0}[match.group("nth")]
    if match.group("single"):
        return 1.0
    return _count(match.group("n"))


def find_emergency_fund(conversation: Conversation, matcher: CueMatcher) -> Inferred[float]:
    """Months of living costs set aside, where stated; 0 when the investor says there are none
    (also a "not really" in reply to "do you have emergency savings?")."""
    for clause in reversed(conversation.clauses):
        answers = bool(EMERGENCY_QUESTION.search(clause.asked[-200:]))
        if answers and clause.opens_reply and NEGATIVE_REPLY.match(clause.text):
            evidence = clause.evidence()
            return Inferred[float](value=0.0, confidence=IMPLIED_CONFIDENCE, evidence=(evidence,))
        for duration in find_durations(clause.text):
            after = clause.text[duration.end :]
            before = clause.text[: duration.start]
            if AMOUNT_AFTER_ZH.match(after):
                continue  # 退休金一个月九千: an amount per month, not months put by
            if SAVED_OVER_ZH.search(before) or SAVINGS_OF_YEARS_ZH.match(after):
                continue  # 这几年全部的存款, 十年的积蓄: how long they saved, not months put by
            english_fund = (
                EXPENSES_EN.match(after)
                or FUND_LASTS_EN.search(before)
                or (answers and EMERGENCY_EN.search(clause.sentence))
                # "a decent emergency pot, about eight months"
                or (
                    clause.holds_only(duration.start, duration.end)
                    and EMERGENCY_EN.search(clause.previous())
                )
            )
            chinese_fund = EMERGENCY_ZH_CONTEXT.search(before[-8:] + after[:8])
            replied = answers and not find_horizon_words(clause.text)
            if english_fund or chinese_fund or replied:
                months = round(duration.years * 12, 1)
                evidence = clause.evidence(duration.start, duration.end)
                return Inferred[float](
                    value=months, confidence=STATED_CONFIDENCE, evidence=(evidence,)
                )
    hits = [hit for hit in matcher.find(NO_EMERGENCY, conversation.clauses) if not hit.hypothetical]
    if hits:
        return Inferred[float](
            value=0.0, confidence=IMPLIED_CONFIDENCE, evidence=(hits[0].evidence(),)
        )
    return Inferred[float]()

"""Whom the conversation is about, and whom each fact in it describes.

The person typing is the investor unless they say they are asking for someone: "I'm asking for
my mother", "my dad wants to invest his pension", "help my parents decide", 帮我妈问问,
我爸想买点理财, 我妈的退休金怎么投. The relation is the family word used (mother, father,
parents, spouse, son, daughter, grandmother, ...); "asking for her" takes the person mentioned
nearest to it.

Then every fact (an age, "retired", "two kids") belongs to the nearest person named before it in
its sentence: "I'm 45 and my mother is 72" gives the typist 45 and the mother 72. A fact with no
person before it belongs to the investor. `Attribution.is_investor` answers for one position.
"""

import re

from advisor.profile.lexicon import CueMatcher, chinese, english
from advisor.profile.model import Evidence, Subject
from advisor.profile.text import Clause, Conversation

RELATIONS_EN = {
    "mother": "mother",
    "mom": "mother",
    "mum": "mother",
    "mommy": "mother",
    "mummy": "mother",
    "mama": "mother",
    "ma": "mother",
    "father": "father",
    "dad": "father",
    "daddy": "father",
    "papa": "father",
    "pops": "father",
    "parents": "parents",
    "folks": "parents",
    "wife": "spouse",
    "husband": "spouse",
    "spouse": "spouse",
    "partner": "spouse",
    "son": "son",
    "daughter": "daughter",
    "grandmother": "grandmother",
    "grandma": "grandmother",
    "granny": "grandmother",
    "nana": "grandmother",
    "grandfather": "grandfather",
    "grandpa": "grandfather",
    "grandparents": "grandparents",
    "mother-in-law": "mother_in_law",
    "father-in-law": "father_in_law",
    "in-laws": "parents_in_law",
    "aunt": "aunt",
    "auntie": "aunt",
    "uncle": "uncle",
    "brother": "sibling",
    "sister": "sibling",
    "friend": "friend",
    "neighbour": "neighbour",
    "neighbor": "neighbour",
    "client": "client",
}
RELATIONS_ZH = {
    "妈妈": "mother",
    "老妈": "mother",
    "母亲": "mother",
    "妈": "mother",
    "老娘": "mother",
    "爸爸": "father",
    "老爸": "father",
    "父亲": "father",
    "爸": "father",
    "老爹": "father",
    "父母": "parents",
    "爸妈": "parents",
    "二老": "parents",
    "双亲": "parents",
    "老公": "spouse",
    "丈夫": "spouse",
    "爱人": "spouse",
    "老婆": "spouse",
    "妻子": "spouse",
    "太太": "spouse",
    "媳妇": "spouse",
    "儿子": "son",
    "女儿": "daughter",
    "奶奶": "grandmother",
    "外婆": "grandmother",
    "姥姥": "grandmother",
    "爷爷": "grandfather",
    "外公": "grandfather",
    "姥爷": "grandfather",
    "岳母": "mother_in_law",
    "婆婆": "mother_in_law",
    "丈母娘": "mother_in_law",
    "岳父": "father_in_law",
    "公公": "father_in_law",
    "老丈人": "father_in_law",
    "公婆": "parents_in_law",
    "岳父母": "parents_in_law",
    "舅舅": "uncle",
    "叔叔": "uncle",
    "伯伯": "uncle",
    "阿姨": "aunt",
    "姑姑": "aunt",
    "哥哥": "sibling",
    "弟弟": "sibling",
    "姐姐": "sibling",
    "妹妹": "sibling",
    "朋友": "friend",
    "客户": "client",
    "邻居": "neighbour",
}
_REL_EN = "|".join(sorted(RELATIONS_EN, key=len, reverse=True))
_REL_ZH = "|".join(sorted(RELATIONS_ZH, key=len, reverse=True))
_OWNER_EN = rf"(?:my|our)\s+(?:elderly\s+|old\s+|widowed\s+|aging\s+|ageing\s+)?(?P<rel>{_REL_EN})"
_ACT_EN = (
    r"(?:invest\w*|put|move|park|buy(?! (?:a|her|his|their) (?:house|home|car|flat))|"
    r"know|ask|understand|get (?:some )?advice|find|choose|pick|decide|figure|plan|manage|save|"
    r"grow|protect|do with)"
)
_MONEY_EN = (
    r"(?:money|savings|pension|nest egg|portfolio|investments?|account|retirement (?:fund|savings|"
    r"account)|finances|funds|cash|inheritance|lump sum|401k|ira|super|cd|deposits?)"
)
_ACT_ZH = (
    r"(?:问|咨询|看看|看一下|打听|理财|投资|规划|选|配置|了解|查|管钱|管理|打理|安排|参谋|把关|填|"
    r"弄|"
    r"办|开户|操作|评估|测评)"
)
_MONEY_ZH = r"(?:钱|存款|积蓄|退休金|养老金|养老钱|账户|资金|理财|存的|储蓄|拆迁款|补偿款|工资)"
_PRONOUN_ZH = r"(?P<pron>她|他|他们|她们|老人家|老人|两位老人)"
_PRONOUN_EN = r"(?P<pron>her|him|them)"

SPEAKING_FOR = (
    *english(
        "for",
        rf"(?:asking|enquiring|inquiring|here|writing|messaging|reaching out|chatting|typing|"
        rf"looking|checking)\s+(?:this\s+)?(?:for|on behalf of)\s+{_OWNER_EN}",
        rf"on behalf of\s+{_OWNER_EN}",
        rf"for\s+{_OWNER_EN}(?:'s|’s)\s+{_MONEY_EN}",
        rf"{_OWNER_EN}(?:'s|’s)\s+{_MONEY_EN}",
        rf"{_OWNER_EN}\s+(?:\w+\s+){{0,2}}(?:wants?|would like|is looking|needs?|is thinking|"
        rf"plans?|is planning|is trying|hopes?|has asked me|asked me)\s+(?:me\s+)?to\s+{_ACT_EN}",
        rf"(?:help|helping|assist|assisting|advise|advising)\s+{_OWNER_EN}\s+"
        rf"(?:with|to|invest|decide|figure|choose|pick|manage|plan|sort|understand|work out)",
        rf"(?:manage|managing|handle|handling|look after|looking after|in charge of)\s+"
        rf"{_OWNER_EN}(?:'s|’s)",
        rf"power of attorney (?:for|over)\s+{_OWNER_EN}",
        rf"(?:setting|set|signing|sign|filling|fill|opening|open|doing|did|creating|making)\s+"
        r"(?:this|it|an account|a profile|the form|this form)?\s*(?:up|in|"
        rf"out)?\s*for\s+{_OWNER_EN}",
        rf"{_OWNER_EN}\s+(?:is|are)\s+(?:the one|asking|interested)",
        negatable=False,
    ),
    *english(
        "for_pronoun",
        rf"(?:asking|enquiring|inquiring|here|writing|messaging|typing|doing this)\s+"
        rf"(?:for|on behalf of)\s+{_PRONOUN_EN}",
        rf"(?:help|helping)\s+{_PRONOUN_EN}\s+(?:with|invest|decide|figure|choose|pick|manage|"
        r"plan)",
        r"(?:asking|here)\s+because\s+(?:she|he|they)\s+(?:doesn'?t|don'?t|can'?t)",
        rf"(?:protect|move|invest|manage|sign over|transfer|withdraw|access|handle)\s+(?:all\s+)?"
        rf"(?P<pron>his|her|their)\s+(?:life\s+)?{_MONEY_EN}",
        r"(?:about|with|for)\s+(?P<pron>his|her)\s+(?:life\s+)?(?:savings|pension|nest egg|"
        r"portfolio|isa|investments|retirement (?:money|savings|fund))",
        negatable=False,
    ),
    *chinese(
        "for",
        rf"(?:帮|替|给|为|代)(?:我的?|咱)?(?P<rel>{_REL_ZH})(?:们)?{_ACT_ZH}",
        rf"(?:帮|替|给|为|代)(?:我的?|咱)?(?P<rel>{_REL_ZH})(?:们)?(?:的钱|的存款|的积蓄|的养老金|"
        r"的退休金)?"
        rf"(?:做|找|选|挑|买)(?:个|点|些|一下)?(?:理财|投资|基金|产品|规划)",
        rf"(?P<rel>{_REL_ZH})(?:们)?(?:今年|现在|也)?(?:想|打算|准备|要|让我|叫我|托我|希望|问我)"
        r"(?:把|拿|用)?(?:钱|存款|积蓄|退休金|养老金|一笔钱|这笔钱)?(?:来|去)?"
        r"(?:投资|理财|买(?:点|些)?(?:基金|理财|股票|保险|债券|产品)|存|放|问|咨询|配置|找)",
        rf"(?P<rel>{_REL_ZH})(?:们)?的{_MONEY_ZH}",
        rf"(?:帮|替|代)(?:我的?|咱|家里的?)?(?P<rel>{_REL_ZH})",
        negatable=False,
    ),
    *chinese(
        "for_pronoun",
        rf"(?:帮|替|给|为|代){_PRONOUN_ZH}{_ACT_ZH}",
        rf"(?:帮|替|代){_PRONOUN_ZH}(?:把|管|打理|换|买|投|存)",
        rf"{_PRONOUN_ZH}的?钱(?:都)?在我(?:这儿|这里|手里|手上)",
        rf"{_PRONOUN_ZH}(?:的|把)?(?:全部|所有|一辈子的?)?(?:钱|存款|积蓄|退休金|养老金|养老钱|"
        r"账户|存折|理财)",
        rf"(?P<rel>{_REL_ZH})(?:让|叫|托|要)我(?:帮|替|给)(?:他|她|他们)",
        negatable=False,
    ),
)
# Money that belongs to "him" or "her": with a parent or grandparent named, the conversation is
# about that person's money ("a caller told my dad to move his savings").
THEIR_MONEY = (
    *english(
        "theirs",
        rf"(?:his|her|their) (?:own |whole |entire |life |bank |retirement |savings |pension )?"
        rf"(?:{_MONEY_EN})",
        negatable=False,
    ),
    *chinese("theirs", rf"{_PRONOUN_ZH}(?:的|把)(?:全部|所有)?{_MONEY_ZH}", negatable=False),
)
ELDER_RELATIONS = frozenset(
    {
        "mother",
        "father",
        "parents",
        "grandmother",
        "grandfather",
        "grandparents",
        "mother_in_law",
        "father_in_law",
        "parents_in_law",
    }
)
RELATION_MENTION = re.compile(
    rf"(?<![\w])(?:my|our)\s+(?:\w+\s+)?(?P<en>{_REL_EN})(?![\w-])|(?P<zh>{_REL_ZH})",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(
    r"(?<![\w'])(?:i|i'm|im|i've|i'd|i'll|me|myself|we|we're|us)(?![\w'])|"
    r"(?<![\w'])my(?!\s+(?:\w+\s+)?(?:" + _REL_EN + r")(?![\w-]))(?![\w'])|"
    r"我(?!(?:的)?(?:" + _REL_ZH + r"))(?:们)?",
    re.IGNORECASE,
)
# A relation word with no possessive is still a person ("Mum is 72", "老公37"); third-person
# pronouns point at someone other than the typist.
OTHER_PERSON = re.compile(
    rf"(?<![\w])(?:(?:my|our|his|her|their)\s+(?:\w+\s+)?)?(?:{_REL_EN})(?![\w-])(?:'s|’s)?|"
    rf"(?<![\w])(?:she|he|her|him|his|they|them|their)(?![\w])|(?:我的?)?(?:{_REL_ZH})|"
    r"她|他|老人家|孩子|小孩|宝宝",
    re.IGNORECASE,
)


def find_subject(conversation: Conversation, matcher: CueMatcher) -> Subject:
    """Self, unless a user message says they speak for someone; then that person."""
    hits = [hit for hit in matcher.find(SPEAKING_FOR, conversation.clauses) if not hit.negated]
    if not hits:
        return _elder_money(conversation, matcher)
    evidence: list[Evidence] = []
    relation: str | None = None
    for hit in hits:
        named = _relation_of(hit.group("rel"))
        relation = relation or named
        evidence.append(hit.evidence())
    relation = relation or _nearest_relation(conversation, hits[0].clause)
    return Subject(who="other", relation=relation, evidence=tuple(dict.fromkeys(evidence)))


def _elder_money(conversation: Conversation, matcher: CueMatcher) -> Subject:
    """Other, when the conversation is about a parent's or grandparent's own money."""
    for hit in matcher.find(THEIR_MONEY, conversation.clauses):
        relation = _nearest_relation(conversation, hit.clause)
        if relation in ELDER_RELATIONS:
            return Subject(who="other", relation=relation, evidence=(hit.evidence(),))
    return Subject()


def _relation_of(word: str | None) -> str | None:
    if not word:
        return None
    lowered = word.lower()
    return RELATIONS_EN.get(lowered) or RELATIONS_ZH.get(word)


def _nearest_relation(conversation: Conversation, clause: Clause) -> str | None:
    """The relation mentioned closest to a clause ("asking for her" → the mother named before)."""
    candidates: list[tuple[int, str]] = []
    for order, other in enumerate(conversation.clauses):
        for match in RELATION_MENTION.finditer(other.text):
            relation = _relation_of(match.group("en") or match.group("zh"))
            if relation:
                distance = abs(other.message_index - clause.message_index) * 1000 + order
                candidates.append((distance, relation))
    return min(candidates)[1] if candidates else None


class Attribution:
    """Says whether a fact at a place in a clause describes the investor."""

    def __init__(self, subject: Subject) -> None:
        self._subject = subject

    @property
    def subject(self) -> Subject:
        """Whom the profile describes."""
        return self._subject

    def is_investor(self, clause: Clause, start: int) -> bool:
        """Whether the fact at `start` (clause offset) describes the investor: it belongs to the
        nearest person named before it in its sentence, else to the investor."""
        sentence_offset = clause.start - clause.sentence_start + start
        before = clause.sentence[:sentence_offset]
        holder = _nearest_person(before)
        if holder is None:
            return True
        kind, words = holder
        if self._subject.who == "self":
            return kind == "first"
        if kind == "first":
            return False
        named = _named_relation(words)
        # Another relative named in a conversation about the mother is not the investor.
        return named is None or named == self._subject.relation


def _nearest_person(before: str) -> tuple[str, str] | None:
    """('first' or 'other', the words) for the last person reference in `before`."""
    last: tuple[int, str, str] | None = None
    for pattern, kind in ((FIRST_PERSON, "first"), (OTHER_PERSON, "other")):
        for match in pattern.finditer(before):
            if last is None or match.end() > last[0]:
                last = (match.end(), kind, match.group(0))
    return (last[1], last[2]) if last else None


def _named_relation(words: str) -> str | None:
    """The relation a person reference names, None for a bare pronoun."""
    found = RELATION_MENTION.search(words)
    if found:
        return _relation_of(found.group("en") or found.group("zh"))
    bare = re.search(rf"(?<![\w])({_REL_EN})(?![\w-])", words, re.IGNORECASE)
    return _relation_of(bare.group(1)) if bare else None

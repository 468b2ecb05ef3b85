"""Flags that send the conversation to a person's attention.

* possible_exploitation: someone presses the investor to move money. A stranger — a new friend,
  an online contact or romance, a caller claiming to be the bank, 干儿子, 自称公安 — with any
  pressure: urgency, secrecy, a transfer or guaranteed return, or money going to their own
  account, fund or business. A relative or carer only with money going to them (their account,
  their business, signing savings over) or secrecy: a son suggesting index funds this week is not
  exploitation. Both parts must be within two messages of each other.
* needs_human: the investor asks for a person (a human, a real advisor, 转人工), or is going
  through bereavement, divorce, legal trouble or distress (my husband passed away, 离婚, 官司,
  "I can't cope", 活不下去).

(inconsistent_answers and speaking_for_someone_else are raised by the risk and subject modules.)
"""

from advisor.profile.lexicon import CueMatcher, Hit, chinese, english
from advisor.profile.model import Evidence
from advisor.profile.text import Conversation

_KIN_EN = (
    r"(?:nephew|niece|grandson|granddaughter|son-in-law|daughter-in-law|cousin|caregiver|carer|"
    r"neighbou?r|pastor|brother|sister|son|daughter|uncle|aunt|stepson|stepdaughter|brother-in-law|"
    r"sister-in-law|godson|goddaughter)"
)
INFLUENCE_CUES = (
    *english(
        "stranger",
        r"(?:new|online|internet) ['\"‘“]?(?:friend|boyfriend|girlfriend|partner|acquaintance)",
        r"(?:friend|man|woman|guy|lady|gentleman|person|someone|somebody|boyfriend|girlfriend)['\"’”]?"
        r" (?:i|she|he|we) (?:just |recently )?met (?:online|at|on|in|through|recently|last)",
        r"met (?:a |an |this )?(?:\w+ ){0,2}(?:man|woman|guy|lady|gentleman|person|someone|him|her|"
        r"them) (?:online|on (?:facebook|instagram|whatsapp|a dating app|tinder|the internet))",
        r"(?:dating|match(?:ing)?) (?:app|site|website)|romance|sweetheart (?:online|abroad)",
        r"(?:called|phoned|rang|texted|messaged|emailed|cold-called) (?:me|her|him|them|"
        r"my (?:mother|"
        r"mom|mum|father|dad|parents|grandmother|grandfather|grandma|grandpa|husband|wife))",
        r"(?:phone|cold) call(?:er)?|on the phone|a caller",
        r"(?:keeps?|kept) (?:calling|ringing|phoning|texting|messaging|emailing)|"
        r"(?:calling|ringing|phoning|texting|messaging) (?:me|her|him|them|my \w+) (?:every|all|"
        r"again|non-?stop|constantly)",
        r"(?:bloke|guy|man|woman|someone|somebody|person|lady|caller|fellow|chap)(?: \w+){0,3} "
        r"from (?:a |the |his |her |their )?['\"‘“]?(?:bank|police|tax office|hmrc|irs|ato|cra|"
        r"government|microsoft|amazon|fraud team|security team|investment firm)",
        r"claim(?:s|ed|ing)? (?:to be|he'?s|she'?s|they'?re)|(?:says?|saying|said) (?:he'?s|she'?s|"
        r"they'?re|he is|she is|they are) (?:from|with)",
        r"(?:got|received|had|gets|took) an? (?:\w+ )?(?:call|text|message|email) from",
        r"(?:financial|investment|crypto|trading) (?:coach|mentor|guru|expert|advisor|adviser) "
        r"(?:i|she|he) (?:met|found)",
        negatable=False,
    ),
    *english(
        "kin",
        rf"{_KIN_EN}(?: \w+){{0,6}}? (?:wants|is asking|asked|says|said|told|tells|keeps|kept|"
        r"is pushing|has been pushing|pushes|pushed|is pressuring|pressures|pressured|insists|"
        r"insisted)",
        r"(?:pressur\w+|push\w*|urg\w+|insist\w*|nag\w*) (?:me|her|him|them|our \w+|my \w+) to "
        r"(?:invest|transfer|wire|move|send|withdraw|sign|put|give|lend|hand)",
        rf"(?:my|our|her|his) {_KIN_EN}\b",
        negatable=False,
    ),
    *english(
        "urgency",
        r"(?:right away|immediately|as soon as possible|asap|quickly|urgently|today|tonight|"
        r"(?:by|before) (?:tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday|the "
        r"weekend|the end of (?:the )?(?:day|week)|it'?s too late|the deadline)|this week|"
        r"time is running "
        r"out|limited time|act (?:fast|now)|hurry|every day|keeps? calling)",
        negatable=False,
    ),
    *english(
        "secrecy",
        r"(?:don'?t|not to|never|shouldn'?t|mustn'?t|(?:isn'?t|is not|aren'?t|not) (?:supposed|"
        r"allowed) to) (?:tell|mention|say anything to|let .{0,20}know)|(?:keep|kept) (?:it|this) "
        r"(?:a )?secret|(?:between us|our (?:little )?secret)|"
        r"secretly|without telling",
        negatable=False,
    ),
    *english(
        "transfer",
        r"(?:wire|wiring|transfer|transferring|send|sending|move|moving|withdraw\w*) (?:\w+ ){0,4}"
        r"(?:money|savings|funds|cash|pension|\$|bitcoin|crypto|gift cards?)",
        r"gift cards?|bitcoin atm|safe account|guaranteed (?:\d+%|returns?|profit)|"
        r"(?:double|triple) (?:my|her|his|the) money",
        negatable=False,
    ),
    *english(
        "beneficiary",
        r"(?:his|her|their|my \w+'s|my \w+’s) (?:own )?(?:\w+ )?(?:account|wallet|platform|fund|"
        r"business|company|scheme|project|venture|startup|investment)",
        r"(?:he|she|they) (?:runs?|owns?|manages?|started) (?:the|a|this|that) (?:fund|business|"
        r"company|scheme|platform)",
        negatable=False,
    ),
    *english(
        "directed",
        r"(?:put|move|transfer|give|send|invest|sign|wire|lend|hand)\w* (?:\w+ ){0,8}?(?:into|to|"
        r"over to"
        r"|in|over into) (?:his|her|their|my \w+'s|my \w+’s) (?:own )?(?:\w+ )?(?:account|wallet|"
        r"platform|fund|business|company|scheme|project|name)",
        r"power of attorney|sign (?:\w+ ){0,3}over|add (?:him|her|them) to (?:my|her|his) "
        r"(?:account|accounts)|(?:put|add) (?:him|her|them) on (?:the|my|her|his) (?:account|"
        r"deeds)",
        negatable=False,
    ),
    *chinese(
        "stranger",
        r"网上认识|网友|网恋|新认识|刚认识|最近认识|认识(?:了)?(?:一个|个)|交友(?:软件|平台|网站)|"
        r"婚恋(?:网|平台)|接到(?:一个|一通|个)?(?:陌生)?(?:的)?电话|说是\S{1,12}?的|冒充|"
        r"干儿子|干女儿|干妈|(?:男|女)朋友(?:说|让|叫|要)|(?:有人|陌生人|一个人|对方)(?:打电话|"
        r"来电|"
        r"发短信|加我|联系)|打电话(?:来|给)|自称|(?:投资|理财)(?:老师|导师|专家|群|讲座)|"
        # Sales seminars for the old (保健品讲座, 会销) and the people running them.
        r"(?:保健品|养生|养老)?讲座|会销|那边的人",
        negatable=False,
    ),
    *chinese(
        "kin",
        r"(?:侄子|外甥|孙子|女婿|儿媳|亲戚|保姆|护工|邻居|哥哥|弟弟|姐姐|妹妹|儿子|女儿)"
        r"(?:一直|老是|总是|天天)?(?:说|让|叫|要|催|逼|劝)",
        negatable=False,
    ),
    *chinese(
        "urgency",
        r"赶紧|马上|尽快|立刻|今天(?:之内|就)|明天之前|过期|名额有限|机会难得|抓紧",
        negatable=False,
    ),
    *chinese("secrecy", r"不要告诉|别告诉|不让(?:我)?告诉|保密|偷偷|瞒着", negatable=False),
    *chinese(
        "transfer",
        r"转账|汇款|打钱|转到|转过去|转给|全转|安全账户|保证收益|稳赚|高回报|翻倍|包赚|返利|返现|"
        r"高息|(?:已经)?交了\S{0,4}(?:万|千|钱)|"
        r"(?:让|叫|要)(?:她|他|我)把\S{0,6}(?:钱|存款|积蓄|养老钱|退休金)",
        negatable=False,
    ),
    *chinese(
        "beneficiary",
        r"(?:他|她|对方)(?:们)?(?:的)?(?:公司|项目|平台|账户|基金|生意)",
        negatable=False,
    ),
    *chinese(
        "directed",
        r"(?:转|投|放|打|存)(?:到|进|给)(?:他|她|对方)(?:们)?(?:的)?|签字|过户|委托书|"
        r"把房子(?:过户|抵押)",
        negatable=False,
    ),
)
# A stranger needs any pressure; a relative needs money directed to them, or secrecy.
STRANGER_PRESSURE = frozenset({"urgency", "secrecy", "transfer", "beneficiary", "directed"})
KIN_PRESSURE = frozenset({"secrecy", "directed"})
HUMAN_CUES = (
    *english(
        "human",
        r"(?:talk|speak|chat|go)\w*(?: \w+){0,3}? (?:to|with) (?:a |an |some )?(?:real |actual |"
        r"live |human )?(?:person|human|advisor|adviser|agent|representative|someone|somebody|"
        r"planner)",
        r"(?:real|actual|live|human) (?:person|human|being|advisor|adviser|agent|planner)",
        r"(?:human|person) (?:please|instead)|not a (?:bot|robot|machine)|(?:are you|is this) a "
        r"(?:bot|robot)",
        r"(?:transfer|connect|put) me (?:to|through|with)",
        r"(?:can|could|would) (?:someone|somebody|a person|an? (?:advisor|adviser)|"
        r"you) (?:please |just )?"
        r"(?:call|phone|ring) me|book (?:a|an) (?:call|appointment|meeting)|call me back",
        r"(?:recently|just|newly|last (?:week|month|year)) widowed|widowed (?:last|this|a few|"
        r"two|three|six) (?:weeks?|months?)|"
        r"(?:(?:passed away|died|death of|funeral|bereave\w*|lost my (?:husband|wife|"
        r"partner|"
        r"son|daughter|mother|father|mom|dad)|(?:husband|wife|partner|son|daughter|mother|father|"
        r"mom|"
        r"dad) (?:just )?(?:passed|died)))"
        r"(?!,? (?:for )?(?:\w+ ){0,2}(?:years|decades)|,? (?:\w+ ){0,3}(?:years|decades) ago)",
        r"divorc\w+|separat(?:ed|ing) from|(?:are|we'?re|we are|i'?m|getting) separat(?:ed|ing)\b|"
        r"custody",
        # "She passed in February": a death named with a pronoun.
        r"\b(?:she|he) (?:just |recently )?passed (?:away )?(?:in|last|this|on)\b",
        r"lawsuit|sued|suing|(?:in|going to) court|lawyer|attorney(?! for)|legal (?:trouble|"
        r"problem|"
        r"issue|action|battle)|bankrupt\w*|foreclos\w+|debt collectors?",
        r"(?:can'?t|cannot) cope|(?:want|going) to (?:end it|kill myself|die)|suicid\w+|hopeless|"
        r"no reason to live|breaking down|falling apart|(?:severe|deep) depression|better off "
        r"without me|(?:no|don'?t see a|can'?t see a) way out|end it all|can'?t go on|"
        r"not worth living",
        r"dementia|alzheimer\w*|cognitive decline|memory (?:problems|loss)|lost (?:her|"
        r"his) capacity",
        negatable=False,
    ),
    *chinese(
        "human",
        r"转人工|人工客服|真人|找(?:个)?人(?:工)?(?:聊|说|问)|(?:理财)?顾问(?:本人)?(?:联系|"
        r"打电话)|"
        r"你是机器人吗|不要机器人|跟人(?:说|聊)",
        r"去世|过世|走了以后|病逝|离世|丧偶|办丧事|葬礼|遗产(?:纠纷|官司)",
        # 我爸上个月刚走: a parent or spouse who has just died.
        r"(?:爸|妈|老伴|老公|老婆|丈夫|妻子|父亲|母亲)(?:上个月|上周|前几天|前阵子|年初|今年)?刚(?:刚)?走",
        r"离婚|分居|抚养权",
        r"官司|起诉|被告|打官司|律师|法院|破产|催收",
        r"活不下去|不想活|想死|撑不下去|崩溃了|抑郁|绝望|痴呆|老年痴呆|阿尔茨海默|糊涂了",
        negatable=False,
    ),
)
INFLUENCE_WINDOW_MESSAGES = 1


def find_exploitation(conversation: Conversation, matcher: CueMatcher) -> tuple[Evidence, ...]:
    """Evidence of someone pressing the investor to move money, or () if there is none."""
    hits = matcher.find(INFLUENCE_CUES, conversation.clauses)
    evidence: list[Evidence] = []
    for influencer in (hit for hit in hits if hit.label in ("stranger", "kin")):
        wanted = STRANGER_PRESSURE if influencer.label == "stranger" else KIN_PRESSURE
        linked = [h for h in hits if h.label in wanted and _near(h, influencer)]
        if linked:
            evidence.extend(hit.evidence() for hit in (influencer, *linked))
    return tuple(dict.fromkeys(evidence))


def _near(first: Hit, second: Hit) -> bool:
    """Within a message or the next one: a story told over two messages."""
    return abs(first.message_index - second.message_index) <= 2 * INFLUENCE_WINDOW_MESSAGES


def find_needs_human(conversation: Conversation, matcher: CueMatcher) -> tuple[Evidence, ...]:
    """Evidence that the investor needs a person: asked for one, or is in a hard situation."""
    # Hypotheticals count here: "everyone would be better off without me" is distress.
    hits = [hit for hit in matcher.find(HUMAN_CUES, conversation.clauses) if not hit.negated]
    return tuple(dict.fromkeys(hit.evidence() for hit in hits))

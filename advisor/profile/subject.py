"""Whom the conversation is about, and whom each fact in it describes.

The person typing is the investor unless they say they are asking for someone: "I'm asking for
my mother", "my dad wants to invest his pension", "help my parents decide", 帮我妈问问,
我爸想买点理财, 我妈的退休金怎么投 — or describe a relative as the one who holds the money or
states the wishes while saying nothing of themselves as an investor ("Dad's 77 ... He wants it
safe", 我爸退休了，他说亏一点都不行). The relation is the family word used (mother, father,
parents, spouse, son, daughter, grandmother, ...); "asking for her" takes the person mentioned
nearest to it.

Then every fact (an age, "retired", "two kids") belongs to the nearest person named before it in
its sentence: "I'm 45 and my mother is 72" gives the typist 45 and the mother 72. A fact with no
person before it belongs to the investor. `Attribution.is_investor` answers for one position.
"""

import re

from advisor.profile.lexicon import CueMatcher, Hit, chinese, english
from advisor.profile.model import Evidence, Subject
from advisor.profile.numbers import NUMBER_EN, NUMBER_ZH
from advisor.profile.text import Clause, Conversation, quote

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
    "old man": "father",  # "my old man retired from the railways"
    "parents": "parents",
    "mum and dad": "parents",
    "mom and dad": "parents",
    "mam and dad": "parents",
    "folks": "parents",
    "wife": "spouse",
    "husband": "spouse",
    "spouse": "spouse",
    "partner": "spouse",
    "fiance": "spouse",
    "fiancé": "spouse",
    "fiancee": "spouse",
    "fiancée": "spouse",
    "son": "son",
    "lad": "son",  # "my lad turned 21"
    "daughter": "daughter",
    "grandmother": "grandmother",
    "grandma": "grandmother",
    "granny": "grandmother",
    "nana": "grandmother",
    "grandfather": "grandfather",
    "grandpa": "grandfather",
    "grandad": "grandfather",
    "granddad": "grandfather",
    "gramps": "grandfather",
    "grandmom": "grandmother",
    "gran": "grandmother",
    "nan": "grandmother",
    "nanna": "grandmother",
    "mam": "mother",
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
    # Family words English speakers borrow from Tagalog and South Asian languages.
    "nanay": "mother",
    "inay": "mother",
    "tatay": "father",
    "itay": "father",
    "lola": "grandmother",
    "lolo": "grandfather",
    "amma": "mother",
    "ammi": "mother",
    "appa": "father",
    "abba": "father",
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
    "我先生": "spouse",  # not 先生 alone: 张国华先生 is "Mr Zhang"
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
# Not 工资: "家里的钱主要是老公的工资" says where the money comes from, not whose it is.
_MONEY_ZH = r"(?:钱|存款|积蓄|退休金|养老金|养老钱|账户|资金|理财|存的|储蓄|拆迁款|补偿款)"
_PRONOUN_ZH = r"(?P<pron>她|他|他们|她们|老人家|老人|两位老人)"
_PRONOUN_EN = r"(?P<pron>her|him|them)"

SPEAKING_FOR = (
    *english(
        "for",
        rf"(?:asking|enquiring|inquiring|here|writing|messaging|reaching out|chatting|typing|"
        rf"looking|checking)\s+(?:this\s+)?(?:for|on behalf of)\s+{_OWNER_EN}",
        rf"on behalf of\s+{_OWNER_EN}",
        rf"for\s+{_OWNER_EN}(?:'s|’s|(?<=s)['’])\s+{_MONEY_EN}",
        rf"{_OWNER_EN}(?:'s|’s|(?<=s)['’])\s+{_MONEY_EN}",
        # Not the couple's own plan: "me and my partner want to buy".
        rf"(?<!\bme and )(?<!\bi and )(?<!\bme & ){_OWNER_EN}\s+(?:(?!and\b)\w+\s+){{0,2}}"
        r"(?:wants?|"
        r"would like|is looking|needs?|is thinking|"
        rf"plans?|is planning|is trying|hopes?|has asked me|asked me)\s+(?:me\s+)?to\s+{_ACT_EN}",
        # Not a gift: "help our daughter with a flat deposit".
        rf"(?:help|helping|assist|assisting|advise|advising)\s+{_OWNER_EN}\s+"
        rf"(?:with(?!\s+(?:a|the|her|his|their)\s+(?:\w+\s+)?(?:deposit|down payment|tuition|"
        r"fees|wedding|rent))|to|invest|decide|figure|choose|pick|manage|plan|sort|understand|"
        r"work out)",
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
        rf"(?:ask|asking|enquiring|inquiring|here|writing|messaging|typing|doing this)\s+"
        rf"(?:for|on behalf of)\s+{_PRONOUN_EN}",
        rf"(?:setting|set|signing|sign|filling|fill|opening|open)\s+(?:this|it|an account|the "
        rf"account|a profile)\s+(?:up\s+|in\s+|out\s+)?for\s+{_PRONOUN_EN}",
        rf"(?:help|helping)\s+{_PRONOUN_EN}\s+(?:with|invest|decide|figure|choose|pick|manage|"
        r"plan|look|sort|work out|compare|understand|weigh|think|find|go through|open|set up)",
        r"(?:asking|here)\s+because\s+(?:she|he|they)\s+(?:doesn'?t|don'?t|can'?t)",
        # "I've got POA": acting for the relative named nearest.
        r"(?:i|we)(?:['’]ve| have)?\s+(?:got|hold|have)\s+(?:(?:a|the|lasting|enduring|"
        r"financial)\s+)*(?:poa|power of attorney)\b",
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
        rf"(?P<rel>{_REL_ZH})(?:们)?(?:今年|现在|也)?(?:想|打算|准备|要|托我|希望|问我)"
        r"(?:把|拿|用)?(?:钱|存款|积蓄|退休金|养老金|一笔钱|这笔钱)?(?:来|去)?"
        r"(?:投资|理财|买(?:点|些)?(?:基金|理财|股票|保险|债券|产品)|存|放|问|咨询|配置|找)",
        # 妈妈让我问问; not 朋友让我拿去买股票, a friend's advice to the typist.
        rf"(?P<rel>{_REL_ZH})(?:们)?(?:今年|现在|也)?(?:让我|叫我)(?:来|去)?(?:问|咨询|找)",
        rf"(?P<rel>{_REL_ZH})(?:们)?的{_MONEY_ZH}",
        rf"我(?:的)?(?P<rel>{_REL_ZH})(?:们)?(?:养老钱|养老金|退休金|积蓄|存款)",
        rf"(?:帮|替|代)(?:我的?|咱|家里的?)?(?P<rel>{_REL_ZH})",
        # 本人受父亲张国华先生书面委托, 代为办理其理财事宜: acting under the relative's mandate.
        rf"受(?:我的?)?(?P<rel>{_REL_ZH})[^，。！？]{{0,20}}?委托|代为(?:办理|处理|打理|管理|咨询|操作)",
        negatable=False,
    ),
    *chinese(
        "for_pronoun",
        rf"(?:帮|替|给|为|代){_PRONOUN_ZH}{_ACT_ZH}",
        rf"(?:帮|替|代){_PRONOUN_ZH}(?:把|管|打理|换|买|投|存)",
        rf"{_PRONOUN_ZH}的?钱(?:都)?在我(?:这儿|这里|手里|手上)",
        # 她的钱, 他把存款; not the destination of a transfer (打到他账户上).
        rf"(?<![到进给入往向]){_PRONOUN_ZH}(?:的|把)?(?:全部|所有|一辈子的?)?"
        r"(?:钱|存款|积蓄|退休金|养老金|养老钱|"
        r"账户|存折|理财)",
        rf"(?P<rel>{_REL_ZH})(?:让|叫|托|要)我(?:帮|替|给|代)(?:他|她|他们)",
        # 想让我帮他拿一部分出来投资: the person named before asks the typist to act for them.
        r"(?:想|要|希望)?(?:让|叫|托|请)我(?:帮|替|给|代)(?P<pron>他|她|他们|她们|二老|"
        r"老人家)(?:拿|投|买|存|理财|投资|打理|管|看|选|配|问|写|办|咨询)",
        negatable=False,
    ),
)
# Money that belongs to "him" or "her": with a parent or grandparent named, the conversation is
# about that person's money ("a caller told my dad to move his savings").
_MONEY_MOVE_EN = (
    r"(?:put|putting|invest\w*|wire|wiring|transfer\w*|move|moving|withdraw\w*|buy|buying|"
    r"send\w*|sign\w*|hand\w*|cash\w* out|pour\w*|sink\w*)"
)
# An amount before the money word or after "has": "his 90k savings", "about 60k in".
_AMOUNT_EN = (
    r"(?:(?:about|around|roughly|nearly|almost|over|under|just over|some|maybe) )?"
    r"(?:[$£€¥₹]?\d[\d,.]*\s*(?:k|m|grand|thousand|million|lakhs?|crores?)?(?:\s+(?:dollars|"
    r"pounds|euros|quid|bucks|rupees))?\s+)?"
)
THEIR_MONEY = (
    *english(
        "theirs",
        rf"(?:his|her|their) {_AMOUNT_EN}(?:own |whole |entire |life |bank |retirement |savings |"
        rf"pension |state |joint |private |work )?(?:{_MONEY_EN})",
        # What a parent holds: "she has about 60k in a savings account".
        rf"(?:he|she|they)(?: has| have|['’]s got| has got| keeps?) {_AMOUNT_EN}(?:in|saved|"
        r"put away|sitting in|tied up in|from)\b",
        # Someone talked the parent into moving money, or the parent has to move it.
        rf"(?:talk\w*|pressur\w*|push\w*|convinc\w*|persuad\w*|got|get|getting|told|tell\w*|"
        rf"urg\w*|rush\w*|ask\w*|beg\w*|pester\w*|nag\w*|want\w*) (?:him|her|them) (?:into|to) "
        rf"{_MONEY_MOVE_EN}",
        rf"(?:he|she|they) (?:has|have|needs?|is going|'s going|is about|are about|plans?|wants?|"
        rf"is planning|was told) to {_MONEY_MOVE_EN}",
        negatable=False,
    ),
    *chinese(
        "theirs",
        rf"{_PRONOUN_ZH}(?:的|把)(?:全部|所有)?[^，。！？]{{0,6}}?(?:{_MONEY_ZH}|定期|存单|房子)",
        # 我妈六十五岁，刚拿到一笔拆迁款: money the relative named before holds.
        rf"(?:刚)?(?:拿到|收到|领到|存了|攒了|手里有|手上有)(?:了)?(?:一笔)?[^，。！？]{{0,6}}?"
        rf"{_MONEY_ZH}",
        # 让他买什么养老项目: someone pressing the relative to buy or transfer.
        r"(?:让|叫|要|劝|逼|骗|哄)(?:他|她|老人家?)(?:把|买|投|转|交|存|汇|签)",
        negatable=False,
    ),
)
# A spouse trading or gambling with the household's money, which the typist wants to protect
# ("我老公五十一，这两年炒股把家里的存款亏进去了", "my husband is day-trading our savings").
# Read over the sentence: in Chinese the spouse named in one clause is the one trading in the next.
SPOUSE_TRADES = re.compile(
    r"(?:my|our) (?:husband|wife|partner|spouse)(?:'s|’s| has| is| keeps| kept| been|\s)+"
    r"(?:\w+ ){0,3}?(?:day-?trad\w*|trading|gambling|betting|punting|leverag\w*)"
    r"(?= (?:\w+ ){0,4}?(?:our|the family'?s?|the kids'?|all (?:of )?our|our joint) "
    r"(?:savings|money|account|funds|nest egg))"
    # Not what the spouse reports of someone else ("我老婆天天说隔壁老王炒币").
    r"|(?:老公|老婆|丈夫|妻子|爱人|媳妇)(?:(?!说|讲|告诉|听)[^。！？]){0,16}?(?:炒股|炒币|炒期货|炒外汇|"
    r"加杠杆|上杠杆|"
    r"借钱(?:炒|投|买|加)|亏进去)",
    re.IGNORECASE,
)
# The gender of a pronoun, and of a relation word, where the word has one.
PRONOUN_GENDER = {
    "female": re.compile(r"\b(?:she|her|hers|herself)\b|她", re.IGNORECASE),
    "male": re.compile(r"\b(?:he|him|his|himself)\b|他(?!们)", re.IGNORECASE),
}
RELATION_GENDER = {
    "female": re.compile(
        r"\b(?:mother|mom|mum|mommy|mummy|mama|ma|mam|grand(?:mother|ma|mom)|granny|nana|nanna|"
        r"nan|gran|wife|daughter|aunt|auntie|sister|mother-in-law|nanay|inay|lola|amma|ammi)\b|妈|"
        r"母|奶奶|外婆|姥姥|婆婆|老婆|妻子|太太|媳妇|女儿|闺女|姐|妹|姑|姨",
        re.IGNORECASE,
    ),
    "male": re.compile(
        r"\b(?:father|dad|daddy|papa|pops|husband|son|grand(?:father|pa|dad)|granddad|gramps|"
        r"uncle|brother|father-in-law|tatay|itay|lolo|appa|abba)\b|爸|父|爷爷|外公|姥爷|公公|老公|"
        r"丈夫|先生|儿子|哥|弟|叔|舅|伯",
        re.IGNORECASE,
    ),
}
# A relative's money named: "my wife's pension", 女儿的钱.
RELATIVES_MONEY = re.compile(
    rf"(?:for\s+)?{_OWNER_EN}(?:'s|’s)|(?:{_REL_ZH})(?:们)?的{_MONEY_ZH}", re.IGNORECASE
)
# Money the typist holds with their spouse: "our savings", "it's joint money", 家里的钱, 钱是共同的.
JOINT_MONEY = re.compile(
    r"\bour (?:\S+ )?(?:savings|money|nest egg|pot|account|funds|investments?)\b|\bjoint (?:money|"
    r"savings|account|funds)\b|家里的(?:钱|存款|积蓄)|(?:钱|存款|积蓄)是(?:我们)?共同的|我们(?:俩|"
    r"两个)?的(?:钱|存款|积蓄)|共同(?:的)?(?:存款|积蓄|财产)",
    re.IGNORECASE,
)
# The typist's own answer about falls: "I'm OK with maybe 10% dips", "I'd want out",
# 我觉得顶多亏一成.
TYPIST_TOLERANCE = re.compile(
    r"\bi(?:'m|’m| am|'d|’d| would| could| can)\b[^.!?]{0,30}?\b(?:ok|okay|fine|happy|comfortable|"
    r"live with|handle|stomach|want out|pull out|sell|panic)\b|我(?:觉得|能|可以|最多|顶多|"
    r"只能)[^，。！？]{0,6}(?:亏|跌|接受|承受|受不了)",
    re.IGNORECASE,
)
# A relative who has died: their money is now the typist's to invest ("My husband passed away
# in February and I've been left with his investments").
DECEASED = re.compile(
    rf"\b(?:my|our)\s+late\s+(?P<late>{_REL_EN})\b|\b(?:my|our)\s+(?P<en>{_REL_EN})\s+"
    r"(?:has |had |just |recently |sadly )?(?:passed away|passed|died)\b|\blost my\s+"
    rf"(?P<lost>{_REL_EN})\b|(?P<zh>{_REL_ZH})(?:上个月|去年|前年|今年|刚|已经)*(?:去世|走了|过世|病逝|"
    r"没了)",
    re.IGNORECASE,
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
    # "my mum", a relation starting a clause ("Son was born in 2003") or a bare parent's name
    # ("help mum sort the money out"). Not a 干女儿 or 干儿子, the "adopted child" of a scam, who
    # is nobody's investor here.
    rf"(?:(?<![\w])(?:my|our)\s+(?:\w+\s+)?|^|(?<![\w])(?=(?:mum|mom|dad|mam)\b))"
    rf"(?P<en>{_REL_EN})(?![\w-])|(?<!干)(?P<zh>{_REL_ZH})",
    re.IGNORECASE,
)
FIRST_PERSON = re.compile(
    r"(?<![\w'])(?:i|i'm|im|i've|i'd|i'll|me|myself|we|we're|us)(?![\w'])|"
    r"(?<![\w'])my(?!\s+(?:\w+\s+)?(?:" + _REL_EN + r")(?![\w-]))(?![\w'])|"
    # Not the typist as the object: 瞒着我把存款投了期货 is the spouse acting. 俺 is a northern "I".
    r"(?<!瞒着)(?<!背着)(?:我|俺)(?!(?:的)?(?:" + _REL_ZH + r"))(?:们)?",
    re.IGNORECASE,
)
# A relation word with no possessive is still a person ("Mum is 72", "老公37"); third-person
# pronouns point at someone other than the typist.
OTHER_PERSON = re.compile(
    rf"(?<![\w])(?:(?:my|our|his|her|their)\s+(?:\w+\s+)?)?(?:{_REL_EN})(?![\w-])(?:'s|’s)?|"
    rf"(?<![\w])(?:she|he|her|him|his|they|them|their)(?![\w])|"
    # Not someone whose advice the typist took: 听朋友的，借了五万 is the typist borrowing; not
    # the typist naming themselves: 我是王阿姨.
    rf"(?<!我是)(?<!我是[^她他的])(?:我的?)?(?:{_REL_ZH})(?!的(?:话|建议|意见|推荐)|的[，,])|"
    r"她|他|老人家|孩子|小孩|宝宝",
    re.IGNORECASE,
)


# Someone else's words: "he says I should put it all in", "my friend at bridge says it could drop",
# 他说不转就冻结, 让我把存款都投进去. `who` is the speaker when named.
REPORTED_SPEECH = re.compile(
    r"\b(?P<who>he|she|they|him|her|them|nephew|niece|son|daughter|friend|caller|man|woman|guy|"
    r"advisor|adviser|salesman|broker|banker|agent|colleague|coworker|neighbou?r|mother|mum|mom|"
    r"father|dad|husband|wife|partner|someone|somebody|everyone|everybody|people)\s+"
    r"(?:[\w']+\s+){0,3}?(?:says?|said|told|tells|"
    r"keeps telling|claims?|claimed|promised?|wants? me to|asked me to|insists?)\b|(?P<who_zh>他|"
    r"她|对方|他们|她们|小伙子|朋友|那人|那个人|客服|经理|骗子|有人|男的|女的|网友|老师|专家|群里|"
    r"别人|大家|人家|网上|身边的人|同事|亲戚|" + _REL_ZH + r")(?:都|也|一直|总|老是|总是|老|经常|"
    r"天天)?(?:跟我|对我|和我)?(?:说|讲|告诉|让|叫|要|劝|保证|承诺)|(?<!我)说是|(?:让|叫|要|逼|劝)我把",
    re.IGNORECASE,
)
# The typist's advice to the investor: "I told her to hold", 我劝她别卖.
TYPIST_ADVICE = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+)?(?:told|tell|advised|advise|urged|begged|asked|keep telling)\s+"
    r"(?:her|him|them|mum|mom|dad)\s+(?:to|not to)\s+(?:\w+\s+)?$|我(?:一直|都|就)?(?:劝|让|叫|"
    r"告诉)(?:她|他|他们|我妈|我爸)(?:别|不要|先)?$",
    re.IGNORECASE,
)
HOUSEHOLD = re.compile(r"我们|咱们|咱家|我家|\b(?:we|our|us)\b", re.IGNORECASE)
# Whom the words were said to: "told me", 告诉我.
LISTENER = re.compile(r"^\s*(?:me|us)\b|^我们?", re.IGNORECASE)
# The typist speaking again ends the quote: "他说不转就冻结我的钱，我好害怕".
SPEAKER_RETURNS = re.compile(
    r"(?:[，,;；:：]|\b(?:and|but|so|now))\s*(?:我|i\b|i'm|i’m|im\b|we\b)", re.IGNORECASE
)


def quoted_speaker(before: str) -> str | None:
    """The speaker ("" when unnamed) if the words before a cue in its sentence are someone
    else's, else None."""
    speeches = list(REPORTED_SPEECH.finditer(before))
    if not speeches or SPEAKER_RETURNS.search(before[speeches[-1].end() :]):
        return None
    last = speeches[-1]
    return last.group("who") or last.group("who_zh") or ""


# The typist describing themselves as a parent: "Single dad here, 34", "i'm a single mum, 37".
TYPIST_AS_PARENT = re.compile(
    r"(?:\b(?:i'?m|i am|im)\s+(?:a\s+)?(?:\w+\s+)?|\b(?:single|solo)\s+)(?:mum|mom|dad|mother|"
    r"father|parent|grandma|grandpa|grandmother|grandfather)\b(?!'s|’s)",
    re.IGNORECASE,
)
# "Me (41) and my husband (43)", "Husband (46) and I (44)", 我跟我老公.
_AGED = r"(?:\s*\(\d+\))?"
COUPLE = re.compile(
    # Not "Me (41) and my husband (43)" up to "husband": the 43 is his.
    rf"(?<![\w])(?:me|i){_AGED} (?:and|&) (?:my|our) (?:\w+\s+)?(?:{_REL_EN})(?![\w-])(?!\s*\()|"
    rf"(?:(?<![\w])(?:my|our) (?:\w+\s+)?|^)(?:{_REL_EN}){_AGED} (?:and|&) (?:i|me)(?![\w'’])|"
    rf"我(?:和|跟|与)(?:我的?)?(?:{_REL_ZH})",
    re.IGNORECASE,
)
# The couple deciding together: "We'd accept moderate risk", "our joint account", "Me (41) and
# my husband (43)", 我们俩意见一致.
COUPLE_DECIDES = re.compile(
    r"\bwe(?:['’]d| would| could| can)\s+(?:\w+\s+)?(?:accept|live with|handle|stomach|be (?:ok|"
    r"okay|fine|happy|comfortable))\b|\bour joint (?:account|savings|money|portfolio)\b|"
    r"\b(?:me|i)\s*\(\d+\)\s*(?:and|&)\s*(?:my|our)\b|我们(?:俩|两个|两口子|夫妻)|咱们?俩",
    re.IGNORECASE,
)


# What the typist says of themselves as an investor: their age, their own money, their plans.
# "I have power of attorney" or "I'm so worried" are not such facts.
TYPIST_FACTS = re.compile(
    rf"(?<![\w'])(?:i'?m|i am|im)\s+(?:only\s+|now\s+|just\s+|turning\s+)?(?:{NUMBER_EN}\b"
    r"(?!\s*(?:k|grand|thousand|million|%|percent|months?|years? (?:in|into|of)))|retired\b)|"
    r"(?<![\w'])(?:i|we)(?:'d| would)?\s+(?:\w+\s+)?(?:want|like|need|plan|hope|intend|am looking|"
    r"'m looking|am planning|'m planning|am saving|'m saving)\s+to\s+(?:invest|put|buy|start|"
    r"save|grow|retire|move|park)|"
    r"(?<![\w'])my\s+(?:own\s+|whole\s+|entire\s+)?(?:savings|portfolio|pension|401k|isa|ira|"
    r"investments?|money|salary|income|nest egg|retirement)\b|"
    r"(?<![\w'])(?:i|we)(?:'ve| have)?\s+(?:got|saved|earn|make|invested|bought)\b"
    r"(?!\s+(?:(?:a|the|lasting|enduring|financial)\s+)*(?:poa|power of attorney)\b)|"
    rf"我(?:今年|已经|都|才)?{NUMBER_ZH}(?:岁|了|出头|多岁|来岁|(?=[，,。！\s]))|我(?:想|要|打算|准备|计划)(?:把|拿|买|投|存|定投|理财|找)|"
    r"我(?:的|自己的)(?:钱|存款|积蓄|工资|退休金|养老金|养老钱|收入)|我(?:手上|手里)?(?:有|攒了|存了)",
    re.IGNORECASE,
)
# What a relative is said to be, hold or want: "Dad's 77", "My wife (she's 50)", "he lives on
# his pension", "my wife asked me", 我爸今年七十五, 我爸退休了, 我妈平时就靠退休金过日子.
_HOLDS_EN = (
    r"(?:wants|would like|'d like|needs|says|said|doesn'?t want|does not want|lives|relies|"
    r"inherited|has got|has about|has around|has \S*\d\S*|got \S*\d\S*|is terrified|is scared|"
    r"is afraid|"
    r"is very|is pretty|is quite|is retired|retired|would be (?:very )?upset|put|is about to|"
    r"asked me|has asked me|has decided|'s decided)"
)
_AGE_EN = rf"\s*(?:{NUMBER_EN})\b(?!\s*(?:k|grand|thousand|million|%|percent|months?|years?))"
RELATIVE_FACTS = re.compile(
    rf"(?:(?<![\w])(?:my|our)\s+(?:(?!and\b)\w+\s+)?|(?:^|(?<=[.!?]\s)))(?P<en>{_REL_EN})"
    rf"(?:'s|’s|\s+is|\s+was|\s+just turned|\s+turned|\s*\((?:she'?s|he'?s)?|"
    rf",?\s*(?:she'?s|he'?s|shes|hes))(?:\s+(?:now|only|just))?{_AGE_EN}|"
    rf"(?<![\w])(?:my|our)\s+(?:(?!and\b)\w+\s+)?(?P<en2>{_REL_EN})\s+(?:\w+\s+)?{_HOLDS_EN}\b|"
    rf"(?:我的?|咱)(?P<zh>{_REL_ZH})(?:今年|都|已经|现在)?(?:{NUMBER_ZH}(?:岁|了)?(?=[，,。！!\s]|$)|"
    r"退休了|(?:想|要|说|有|只要|靠|就靠|平时就靠|非要|背着我|瞒着我))",
    re.IGNORECASE,
)
# A pronoun for the relative named nearest: "I'm writing about my dad. He's 81."
PRONOUN_FACTS = re.compile(
    rf"(?<![\w])(?P<age>(?:she|he)(?:'s| is|s)(?:\s+(?:now|only|just))?{_AGE_EN}|"
    rf"(?:他|她)(?:今年|都|已经|现在)?{NUMBER_ZH}(?:岁|了))|"
    rf"(?<![\w])(?:she|he)(?:['’]s)?\s+(?:\w+\s+)?{_HOLDS_EN}\b|"
    r"(?:他|她)(?:说|只要|就靠|平时就靠|想|要|有)",
    re.IGNORECASE,
)
# Children are often whom the money is for, not who holds it: their age alone does not count.
CHILD_RELATIONS = frozenset({"son", "daughter"})
# Whose money named beside the typist's own facts is the household's, not a profile of its own.
MONEY_NAMED_RELATIONS = frozenset({"spouse"}) | CHILD_RELATIONS
HOLDER_RELATIONS = ELDER_RELATIONS | {"spouse"} | CHILD_RELATIONS


def find_subject(conversation: Conversation, matcher: CueMatcher) -> Subject:
    """Self, unless a user message says they speak for someone; then that person."""
    hits = [hit for hit in matcher.find(SPEAKING_FOR, conversation.clauses) if not hit.negated]
    if not hits:
        found = _elder_money(conversation, matcher)
        if found.who == "other":
            return found  # a spouse trading the household's savings away stays theirs
        return _unless_the_couple_invests(conversation, _relative_described(conversation))
    evidence: list[Evidence] = []
    relation: str | None = None
    for hit in hits:
        named = _relation_of(hit.group("rel"))
        relation = relation or named
        evidence.append(hit.evidence())
    relation = relation or _nearest_relation(conversation, hits[0].clause, hits[0].matched)
    if relation is not None and relation in _deceased(conversation):
        return Subject()  # left with a late husband's investments: now the typist's own
    if relation in MONEY_NAMED_RELATIONS and _relatives_money_only(conversation, hits):
        # "I'm 61 ... my wife's pension covers our basics": a household fact; 我四十出头 ...
        # 女儿的钱十年内不会动: the money put by for the daughter.
        return Subject()
    spoken_for = Subject(who="other", relation=relation, evidence=tuple(dict.fromkeys(evidence)))
    return _unless_the_couple_invests(conversation, spoken_for)


def _deceased(conversation: Conversation) -> set[str]:
    """The relations the user's messages say have died."""
    found = set()
    for turn in conversation.turns:
        for match in DECEASED.finditer(turn.content):
            word = next(group for group in match.groups() if group)
            relation = _relation_of(word)
            if relation is not None:
                found.add(relation)
    return found


def _unless_the_couple_invests(conversation: Conversation, subject: Subject) -> Subject:
    """The typist, when the profile found is their spouse's but the two invest together ("my
    husband wants to put our savings in ... I'm OK with 10% dips"); else `subject`."""
    if subject.relation == "spouse" and _couple_invests(conversation):
        return Subject()
    return subject


def _relatives_money_only(conversation: Conversation, hits: list[Hit]) -> bool:
    """Whether the only sign of speaking for a spouse or child is their money named ("my wife's
    pension covers our basics", 女儿的钱) while the typist gives their own age, money or plans."""
    return all(RELATIVES_MONEY.match(hit.matched) for hit in hits) and any(
        TYPIST_FACTS.search(turn.content) for turn in conversation.turns
    )


def _couple_invests(conversation: Conversation) -> bool:
    """Whether the typist calls the money theirs and their spouse's and states a tolerance of
    their own ("our savings ... I'm OK with 10% dips", 钱是共同的 ... 我觉得顶多亏一成): then the
    spouse's wishes are one partner's view of the couple's money, and the profile is the
    typist's. Asking on a spouse's behalf, or a spouse trading the savings away, is not this."""
    contents = [turn.content for turn in conversation.turns]
    return any(JOINT_MONEY.search(text) for text in contents) and any(
        TYPIST_TOLERANCE.search(text) for text in contents
    )


def _elder_money(conversation: Conversation, matcher: CueMatcher) -> Subject:
    """Other, when the conversation is about a parent's or grandparent's own money, or about a
    spouse trading away the household's."""
    for hit in matcher.find(THEIR_MONEY, conversation.clauses):
        before = hit.clause.sentence[: hit.clause.start - hit.clause.sentence_start + hit.start]
        holder = nearest_person(before)
        if holder is not None and holder[0] == "first":
            continue  # 我刚拿到一笔补偿款: the typist's own money
        relation = _nearest_relation(conversation, hit.clause, hit.matched)
        if relation in ELDER_RELATIONS:
            return Subject(who="other", relation=relation, evidence=(hit.evidence(),))
    for turn in conversation.turns:
        trades = SPOUSE_TRADES.search(turn.content)
        if trades:
            evidence = quote(turn.index, trades.group(0))
            return Subject(who="other", relation="spouse", evidence=(evidence,))
    return Subject()


def _relative_described(conversation: Conversation) -> Subject:
    """Other, when the user's messages describe a relative as the one who holds the money or
    states the wishes ("Dad's 77 ... He wants it safe", 我爸退休了，他说亏一点都不行) and say
    nothing of the typist as an investor: no age, money or plan of their own. A spouse described
    by a typist who speaks for the couple ("my wife says relax ... our joint account", 我跟我老公)
    is one partner of the couple investing, and the profile is the typist's."""
    contents = [turn.content for turn in conversation.turns]
    if any(TYPIST_FACTS.search(text) for text in contents):
        return Subject()
    couple = any(COUPLE.search(text) or COUPLE_DECIDES.search(text) for text in contents)

    def investor(relation: str | None, holds: bool) -> bool:
        return _holder(relation, holds) and not (couple and relation == "spouse")

    for turn in conversation.turns:
        for match in RELATIVE_FACTS.finditer(turn.content):
            relation = _relation_of(match.group("en") or match.group("en2") or match.group("zh"))
            is_age = match.group("en") is not None or re.search(r"\d|岁|了$", match.group(0))
            if investor(relation, holds=not is_age):
                return _other(relation, turn.index, match.group(0))
        for clause in turn.clauses:
            for match in PRONOUN_FACTS.finditer(clause.text):
                relation = _relation_before(conversation, clause, match.start(), match.group(0))
                if investor(relation, holds=match.group("age") is None):
                    return _other(relation, turn.index, match.group(0))
    return Subject()


def _relation_before(
    conversation: Conversation, clause: Clause, start: int, words: str = ""
) -> str | None:
    """The relative named last before a pronoun at `start` in `clause`: whom "she" is, of the
    pronoun's gender in `words` if it has one (她今年5岁 after 老公 is not the husband)."""
    gender = _gender(PRONOUN_GENDER, words)
    found: str | None = None
    for other in conversation.clauses:
        text = other.text[:start] if other == clause else other.text
        for match in RELATION_MENTION.finditer(text):
            named = _gender(RELATION_GENDER, match.group(0))
            if gender is None or named in (None, gender):
                found = _relation_of(match.group("en") or match.group("zh")) or found
        if other == clause:
            break
    return found


def _holder(relation: str | None, holds: bool) -> bool:
    """Whether a relative described this way holds the money: a parent, grandparent or spouse
    by their age alone, a child only by what they have or want."""
    if relation not in HOLDER_RELATIONS:
        return False
    return holds or relation not in CHILD_RELATIONS


def _other(relation: str | None, message_index: int, words: str) -> Subject:
    return Subject(who="other", relation=relation, evidence=(quote(message_index, words),))


def _relation_of(word: str | None) -> str | None:
    if not word:
        return None
    lowered = word.lower()
    return RELATIONS_EN.get(lowered) or RELATIONS_ZH.get(word)


def _nearest_relation(conversation: Conversation, clause: Clause, words: str = "") -> str | None:
    """The relation mentioned closest to a clause ("asking for her" → the mother named before),
    of the pronoun's gender in `words` if it has one: in the same message first, then before it
    rather than after, then the nearest ("Dad died last month. Mum's 74 ... I'm helping her" is
    about Mum; in "我妈七十四，有个干儿子让她把钱取出来", 她 is the mother)."""
    gender = _gender(PRONOUN_GENDER, words)
    position = conversation.clauses.index(clause)
    candidates: list[tuple[tuple[int, bool, int], str]] = []
    for order, other in enumerate(conversation.clauses):
        for match in RELATION_MENTION.finditer(other.text):
            relation = _relation_of(match.group("en") or match.group("zh"))
            named = _gender(RELATION_GENDER, match.group(0))
            if relation and (gender is None or named in (None, gender)):
                messages_apart = abs(other.message_index - clause.message_index)
                distance = (messages_apart, order > position, abs(position - order))
                candidates.append((distance, relation))
    return min(candidates)[1] if candidates else None


def _gender(patterns: dict[str, re.Pattern[str]], words: str) -> str | None:
    """ "female" or "male" if only one of the patterns finds something in `words`, else None."""
    found = [gender for gender, pattern in patterns.items() if pattern.search(words)]
    return found[0] if len(found) == 1 else None


class Attribution:
    """Says whether a fact at a place in a clause describes the investor."""

    def __init__(self, subject: Subject) -> None:
        self._subject = subject

    @property
    def subject(self) -> Subject:
        """Whom the profile describes."""
        return self._subject

    def is_quoted(self, clause: Clause, start: int) -> bool:
        """Whether the words at `start` are someone else's, not the investor's own: a caller's
        threat, a salesman's promise. The investor's words reported by the typist ("Dad says he
        wants no risk") are the investor's."""
        before = clause.sentence[: clause.start - clause.sentence_start + start]
        speaker = quoted_speaker(before)
        if speaker is None:
            return False
        if self._subject.who == "other":
            named = _relation_of(speaker) or _named_relation(speaker)
            pronoun = speaker.lower() in ("he", "she", "him", "her", "他", "她")
            return not (pronoun or named == self._subject.relation)
        if _relation_of(speaker) == "spouse":
            # "老公说我们家能承受中等风险": a spouse speaking for the household the typist is in.
            *_, speech = REPORTED_SPEECH.finditer(before)
            return not HOUSEHOLD.search(before[speech.end() :])
        return True

    def is_investor(self, clause: Clause, start: int, own_view: bool = False) -> bool:
        """Whether the fact at `start` (clause offset) describes the investor: it belongs to the
        nearest person named before it in its sentence, else to the investor. With `own_view`
        (how the typist investing for themselves feels about losses), only a person named in
        the same clause takes it: "need it for my daughter's tuition, can't afford to lose any"
        is the typist's view, not the daughter's."""
        sentence_offset = clause.start - clause.sentence_start + start
        before = clause.sentence[:sentence_offset]
        if own_view and self._subject.who == "self":
            before = clause.text[:start]
        if self._subject.who == "other" and TYPIST_ADVICE.search(before):
            return False  # "I told her to hold": the typist's advice, not the investor's view
        reported = self._subject.who == "other" and quoted_speaker(before) is not None
        if reported and not self.is_quoted(clause, start):
            # "He told me in plain words: the capital must not go down": inside the investor's
            # own words, only what follows the speech counts, and the listener ("me") holds nothing.
            *_, speech = REPORTED_SPEECH.finditer(before)
            before = LISTENER.sub("", before[speech.end() :], count=1)
        holder = nearest_person(before)
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


def nearest_person(before: str) -> tuple[str, str] | None:
    """('first' or 'other', the words) for the last person reference in `before`; a couple that
    includes the typist ("me and my wife", 我和老公) counts as the typist."""
    last: tuple[int, str, str] | None = None
    patterns = (
        (FIRST_PERSON, "first"),
        (OTHER_PERSON, "other"),
        (COUPLE, "first"),
        (TYPIST_AS_PARENT, "first"),
    )
    for pattern, kind in patterns:
        for match in pattern.finditer(before):
            if last is None or match.end() >= last[0]:
                last = (match.end(), kind, match.group(0))
    return (last[1], last[2]) if last else None


def _named_relation(words: str) -> str | None:
    """The relation a person reference names, None for a bare pronoun."""
    found = RELATION_MENTION.search(words)
    if found:
        return _relation_of(found.group("en") or found.group("zh"))
    bare = re.search(rf"(?<![\w])({_REL_EN})(?![\w-])", words, re.IGNORECASE)
    return _relation_of(bare.group(1)) if bare else None

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
5. A horizon inside a condition or a question ("what if I retire 5 years earlier?", "如果我提前5年
   退休呢", "could I retire in 5 years?"): a scenario to explore, so it never overrides a horizon
   stated as a fact, and counts only when nothing else is said.
6. "I may need it at any time", 说不定哪天就要用: 0, but only when nothing else is said.

Several horizons of the strongest kind present: the shortest wins, because the nearest need for
the money is the one that limits how much risk the whole sum can take.
"""

import re
from dataclasses import dataclass, replace
from datetime import date

from advisor.profile.circumstances import FUND_LASTS_EN
from advisor.profile.demographics import retirement_age_answer
from advisor.profile.lexicon import CONDITION, is_question
from advisor.profile.model import Evidence, Inferred
from advisor.profile.numbers import (
    MONTHS,
    NUMBER_EN,
    NUMBER_ZH,
    YEAR_IN_WORDS,
    Duration,
    find_durations,
    parse_number,
    parse_year_in_words,
)
from advisor.profile.text import HEDGES, QUESTION_SENTENCE, TAKE_BACK, Clause, Conversation
from advisor.profile.tolerance import SCENARIO_MONEY_FALL

MAX_HORIZON_YEARS = 80.0
EXACT_CONFIDENCE = 0.85
APPROXIMATE_CONFIDENCE = 0.65
RELATIVE_CONFIDENCE = 0.7
DERIVED_CONFIDENCE = 0.6

_CONTEXT_WINDOW = 40
# Words right before a duration that make it a horizon ("in 10 years", "未来三年").
HORIZON_BEFORE = re.compile(
    r"(?:\b(?:in|within|inside(?: of)?|for|over|next|the next|another|after|at least|at most|"
    r"less than|under|"
    r"more than|no more than|about|around|roughly|approximately|maybe|say|only|just|like|perhaps|"
    r"probably|approx|possibly|so|horizon(?: of| is)?|timeframe|time frame|term|is|of|till|until|"
    r"up to|another|got|wait|leave it|leaving it|keep it|park it)\s*(?:the\s+)?(?:next\s+)?"
    r"(?:about\s+|around\s+|roughly\s+|maybe\s+|"
    r"another\s+|at least\s+)?|未来|接下来|今后|再过|还有|还剩|还要|大概|大约|打算|计划|准备|期限|"
    r"至少|起码|最多|放|存|投|拿|持有|放着|存着|投个|放个|拿个|做个|做|坚持|定投|投资|预计|差不多|"
    r"估计|只有|不到|过|要|(?:多久|多长时间|几年)[…。.，,\s]*)(?:快|近|将近|差不多|大概|大约|约)?$",
    re.IGNORECASE,
)
HORIZON_AFTER = re.compile(
    r"^(?:\s*(?:from now|away|later|time|or so|or more|or longer|plus|\+|until|till|to go|left|"
    r"out|horizon|timeframe|time frame|before|and then|when|at least|down the (?:road|line)|"
    r"-?\s*(?:year|month)?\s*(?:horizon|plan|timeframe|time frame|period|goal|pot|money))|后|以后|"
    r"之后|过后|内|之内|以内|里|左右|(?:都|也)?(?:不用|不动|不碰)|用不到|都?用不(?:上|着|到)|以上|"
    r"的时间|期|的(?:长期|短期)?(?:计划|规划|打算|投资)|(?:陆续|逐步|分批|慢慢)?(?:再用|才用|要用|"
    r"需要用)|就要|退休|到期|就(?:能|可以|要)?退(?:休|了))",
    re.IGNORECASE,
)
# A duration that tells how long something has already lasted, or how old someone is.
PAST_BEFORE = re.compile(
    r"(?:\b(?:been|spent|already|since|ago|worked|saved|invested|held|owned|traded|lived|"
    r"married|retired|invested|ran|even|born|(?:have|has|had|'ve)\s+(?:been|run|held|had|owned|"
    r"done|"
    r"spent|\w+ed)|"
    r"took)\b(?:\W+\w+){0,6}\W*$"
    # "I was a dinner lady for thirty-one years", "full time for 15 years", "not once in forty
    # years".
    r"|\b(?:was|were)\s+(?:a|an|the)\s+(?:\w+\s+){0,3}for\s*$|\b(?:full|part)[- ]time\s+for\s*$"
    r"|\b(?:not once|never once|never)\s+in\s*$"
    # "Back in 2020 I stopped paying in for a year": a time gone by, anywhere before.
    r"|\bback in (?:(?:19|20)\d\d|the day|those days)\b[^.!?;]*$"
    r"|\b(?:stopped|quit|paused)\s+\w+ing\s+(?:in\s+|into it\s+)?for\s*$"
    # "taught chemistry for 31 years", "same firm for 14 years", "didn't sleep for a year".
    r"|\b(?:taught|ran|drove|flew|built|led|kept|spent|sold|fought|served|slept)\s+(?:\w+\s+){0,3}"
    r"for\s*$|\bsame (?:\w+\s+)?(?:firm|company|job|employer|school|place|role)\s+for\s*$"
    r"|\b(?:didn'?t|did not|couldn'?t|could not)\s+\w+\s+(?:\w+\s+)?for\s*$"
    r"|\b(?:divorc\w+|separat\w+|married|together|widowed)\s+after\s*$"
    # "widowed for over a decade", "retired for six years".
    r"|\b(?:widowed|married|divorced|retired)\s+for(?:\s+(?:over|about|almost|nearly))?\s*$"
    # What money did, anywhere before in the clause: "tripled his money on this stock in two
    # months", "made 20% in a year".
    r"|\b(?:doubled|tripled|quadrupled|made|lost|gained|earned|grew|rose|fell|dropped|jumped|"
    r"returned|bought|sold|fallen|risen|grown|shrunk|sunk|crashed|tanked|slid)\b[^.!?;,]*$"
    # "My 401k is down 30% in a month", "down 22% in a month": how fast a fall came.
    r"|\b(?:is|are|was|were|'s|been|went|gone)\s+(?:\w+\s+)?(?:down|up)\b[^.!?;,]*$"
    r"|\b(?:down|up)\s+(?:about\s+|almost\s+|nearly\s+|over\s+)?[\d.]+\s*(?:%|percent|per cent)"
    r"[^.!?;,]*$"
    # "for the last 10 years", "over the past few months": right before the duration only.
    r"|\b(?:past|last)\s+(?:few\s+|couple of\s+)?$"
    # A verb in the past tense, then "for": "stopped looking for a few months", "waited for
    # two years".
    r"|\b(?:\w+ed\s+\w+ing|waited|worked|lived|stayed|paused|stopped|struggled|suffered)\s+for"
    r"(?:\s+about|\s+around|\s+almost|\s+nearly)?\s*$"
    # A clause that opens on a verb in the past tense: "Fished halibut for 40 years".
    r"|^\W*(?:(?:and|but|then|so)\s+)*(?:(?:i|we|he|she)\s+)?(?:(?:just|then|simply|also)\s+)?"
    r"\w+ed\s+(?:\w+\s+){0,3}for\s*$"
    # "... and I just deleted the app for a month": a person, then a verb in the past tense.
    r"|\b(?:i|we|he|she)\s+(?:(?:just|then|simply|also)\s+)?\w+ed\s+(?:\w+\s+){0,3}for\s*$"
    r"|(?:炒股|炒|炒了|投资了|做了|买了|已经|工作了|干了|玩了|持有了|存了|拿了|投了|定投了|上班|工作|"
    r"入市)$)",
    re.IGNORECASE,
)
# A need or a plan after a past word turns the sentence to the future: "I'm retired and need it
# in 5 years", "sold the flat and plan to buy again in 2 years".
FUTURE_TURN = re.compile(
    r"\b(?:need|needs|want|wants|will|'ll|won'?t|plan|plans|planning|going to|gonna|hope|aim|"
    r"expect|until|till)\b",
    re.IGNORECASE,
)
# A modal verb a few words before a past participle makes the clause about what could be:
# "I could leave invested money alone for 15 years", "I'd keep the saved money there for 10".
MODAL_BEFORE = re.compile(
    r"\b(?:could|would|can|will|'ll|'d|might|should|happy to|willing to|able to|prepared to|"
    r"ready to|stay|remain|keep)\b(?:\W+\w+){0,3}"
    r"\W*$",
    re.IGNORECASE,
)
# The term of a debt ("房贷还有十五年", "mortgage has 15 years left") is not the horizon, unless
# the money is needed to pay it off.
DEBT_TERM = re.compile(r"\b(?:mortgage|loan|lease)\b|房贷|车贷|贷款|按揭", re.IGNORECASE)
TERM_LEFT = re.compile(r"\s*(?:还有|还剩|剩下?)")
PAY_OFF = re.compile(r"\b(?:pay (?:it |that |this )?off|repay|clear)\b|还清|提前还|还掉", re.I)
# Past durations, ages and amounts of living costs ("6 months of expenses") are not horizons.
PAST_AFTER = re.compile(
    # "after 30 years with the fire department": a career, told after it.
    r"^\s*(?:with the|at the|of service|in the (?:job|force|army|navy|trade))\b|"
    # "brilliant for three months and then there's nothing": income that comes and goes.
    r"^\s*and then (?:there'?s |it'?s |it )?(?:nothing|zero|dries up|dry)\b|"
    r"^(?:['’]s?\s+(?:\w+\s+)?(?:expenses|living costs|salary|pay|wages|income|spending|cash|"
    r"savings|rent|bills)\b|['’]?[\s-]*(?:ago|of experience|experience|old|of investing|"
    r"of trading|in the market|of (?:work|saving|marriage|expenses|living|salary|income|spending|"
    r"costs|bills|pay|cash)|worth|investing|trading|now|already|back|earlier|prior|emergency|"
    r"expenses|of emergency|saved|cash|in cash|in savings|set aside|put away|in the bank|"
    r"of (?:cushion|buffer)|of runway|runway|of (?:\w+ )?(?:cash|savings|expenses|money|pay|"
    r"reserves?|income|salary|wages|rent|bills))\b|前|以前|之前|经验|了|的经验|的投资经验|的股龄|股龄|多了|来|"
    r"工龄|的(?:生活费|开销|开支|工资|支出|花销|收入|费用)|(?:生活费|开销|开支|工资|支出|花销|"
    # 一个月退休金三千: a monthly amount.
    r"收入|备用金|应急|退休金|养老金|挣|赚|能拿|到手|房租|房贷|月供)|的(?:应急|备用)(?:的)?(?:钱|金|资金))",
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
    r"(?:(?:\b(?:by|in|until|till|around|before|through|after)\s+(?:the\s+year\s+|early\s+|"
    r"late\s+|mid-?\s*|(?:the\s+)?end of\s+)?|\bto\s+the\s+end\s+of\s+)"
    rf"(?:(?P<en>20\d\d)\b|(?P<words>{YEAR_IN_WORDS})))"
    r"|(?:到|在)?(?P<zh>20\d\d)年(?:前|之前|以前|左右|底|初|"
    r"退休|要用|用|的时候|(?=移民|出国|留学|买房|换房|结婚|上学|上大学|装修|回国))"
    # A message that opens on a year, answering when: "about 2029 hopefully", "2030 if all goes
    # well" (a year to come; a past one is no date of need).
    r"|^\W*(?:about\s+|around\s+|maybe\s+|probably\s+|hopefully\s+|"
    r"roughly\s+)?(?P<opening>20\d\d)\b(?![\d%])",
    re.IGNORECASE,
)
# A message that takes back an earlier date: "sorry, 14 months, not 4", "scratch 2030",
# "we pushed it to 2029", 不对，是2031年.
HORIZON_CORRECTION = re.compile(
    rf"{TAKE_BACK}|\b(?:actually|correction|wrong (?:year|date|number)|pushed (?:it|retirement|"
    r"the (?:date|move|wedding)) (?:back|out|to)|moved (?:it|the (?:date|wedding)) to|not \d+\b)|"
    r"改成|推迟到|推到",
    re.IGNORECASE,
)
PURPOSE_NEXT = re.compile(
    r"\s*(?:准备|打算|计划|用来|等我|到时候?|要(?:移民|买|换|出国|留学|退休))"
)
FILLER = re.compile(
    r"\b(?:actually|well|sorry|so|um+|uh+|oh|no|wait|ok|okay|about|around|roughly|more like|"
    r"like)\b|[\W_]+|^是|吧$",
    re.IGNORECASE,
)
# A year given as a correction, over the sentence: "2029年……不对，我说错了，是2031年", "no wait,
# make that 2031".
CORRECTED_YEAR = re.compile(
    rf"(?:{TAKE_BACK}|\bactually\b)\W{{0,3}}(?:是|it'?s\s+|it'?ll be\s+|make (?:it|that)\s+)?"
    r"(?P<year>20\d\d)(?!\d)",
    re.IGNORECASE,
)
# A job or an income that starts, not a need: "first data analyst job starts next month",
# "starting residency this summer", "my wife's pension starts next year".
JOB_STARTS = re.compile(
    r"\b(?:job|work|contract|role|position|residency|internship|placement|course|pension|"
    r"annuity|social security|benefits|payments|salary|income)\s+(?:\w+\s+){0,2}(?:starts|"
    r"begins|starting|beginning|kicks in)\b|\b(?:starting|start|begin|"
    r"beginning)\s+(?:my\s+|a\s+|the\s+)?(?:new\s+|first\s+)?(?:job|work|residency|internship|"
    r"placement)\b",
    re.IGNORECASE,
)
# Something done in the month named: "started at my first proper job in september".
DONE_IN_MONTH = re.compile(
    r"\b(?:started|finished|graduated|joined|began|moved|retired|sold|bought|received|"
    r"inherited|left|quit)\b[^.!?]*$",
    re.IGNORECASE,
)
# When a product matures, not when the money is needed: "a CD that comes due in June" (the words
# before the month), 下个月到期, 明年就到期了 (the words after a date).
DUE_BEFORE_MONTH = re.compile(
    r"\b(?:comes?|falls?|coming|is|are) due\s*$|\bmatur(?:es|ing)\s*$", re.IGNORECASE
)
MATURES_AFTER = re.compile(r"(?:就|才)?到期(?P<product>的)?")
# A relative date is a horizon only where the sentence speaks of needing or using the money.
NEED = re.compile(
    r"\b(?:need|needs|needed|use|spend|buy|buying|retire|retiring|start|starts|starting|move|"
    r"moving|pay|paying|withdraw|cash out|take out|wedding|tuition|college|university|deposit|"
    r"saving (?:up )?for|saving up|treatment|surgery|operation|ivf|fees|married|marry|"
    r"down payment|by then|"
    r"until then|(?<!baby )(?<!baby is )due|repay|pay (?:it )?back|pay off|(?:house|home|wedding|"
    r"car|school|tuition|"
    r"deposit|travel|holiday) (?:fund|money|savings|pot)|(?:money|cash|savings) for (?:my|our|"
    r"her|his|the|a)|for next year)\b|要用|用钱|用到|需要|"
    r"要买|买房|退休|上学|上大学|结婚|付|首付|取出|高考|出国|读书|留学|装修|拿出来|要还|得还|"
    r"拿去还|拿来还|用来还|用的钱|才用|再用|拿(?:给|去|来)[^，。！？]{0,6}用|移民|润了|换房|"
    r"换新房|换(?:个|套)[^，。！？]{0,5}房|学费|(?:买|交|付)[^，。！？]{0,6}的钱|手术|看病|治病|"
    r"住院|还款|还贷|还钱|还清|还不上|到期|搭桥|化疗|要准备|得准备|医药费|医疗费|盖房|建房|修房|"
    r"翻修|得用|还要用|要钱|(?:要|得)发(?:给)?[^，。！？]{0,6}工资|交[^，。！？]{0,6}费|还房贷|还车贷|"
    r"进货|货款|交(?:的)?房租|交租",
    re.IGNORECASE,
)
ANY_TIME = re.compile(
    r"\b(?:any (?:day|week|month|time|moment|minute)|at (?:short|a moment'?s) notice|"
    r"at any (?:time|moment)|"
    r"without warning)\b|随时|说不定哪天|哪天就|不定什么时候|不知道什么时候|马上(?:就)?要(?:用)?钱|"
    r"急(?:需|着)?用钱",
    re.IGNORECASE,
)
SHORT_UNITS = ("day", "week", "天", "周", "星期", "礼拜", "日")
MONTH_DATE = re.compile(
    r"\b(?P<when>next|this|in|by|until|till|before|coming|starts|starting)\s+(?P<month>"
    + "|".join(MONTHS)
    + r"|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|spring|summer|autumn|fall|winter)\b"
    rf"(?:\s+(?P<year>20\d\d)|\s+(?P<year_words>{YEAR_IN_WORDS}))?"
    r"|(?P<zhyear>明年|今年|后年)?(?P<zhmonth>1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:份)?"
    r"(?:底|初|前|之前|左右|的时候)?",
    re.IGNORECASE,
)
ZH_YEARS_AHEAD = {"今年": 0, "明年": 1, "后年": 2}
SEASON_MONTHS = {"spring": 4, "summer": 7, "autumn": 10, "fall": 10, "winter": 1}
RELATIVE = (
    (
        re.compile(
            r"\b(?:by |before )?(?:the )?end of next year\b|\blate next year\b|明年(?:年)?底|"
            r"明年下半年",
            re.I,
        ),
        1.0,
    ),
    (
        re.compile(
            r"\bnext (?:year|yr)\b|\bwithin (?:a|the) year\b|明年|"
            r"(?<![十百几一二三四五六七八九两])来年",
            re.I,
        ),
        1.0,
    ),
    (re.compile(r"\bthe year after next\b|后年", re.I), 2.0),
    (re.compile(r"\bnext month\b|\bsoon as possible\b|下个月|下月", re.I), 1 / 12),
    (re.compile(r"\bnext (?:semester|term)\b|下学期", re.I), 0.5),
    (re.compile(r"\bin the second half of (?:the|this) year\b|(?:今年)?下半年", re.I), 0.5),
    (
        re.compile(
            r"\b(?:by |before )?(?:the )?end of (?:the|this) year\b|\bthis year\b|年底|今年内", re.I
        ),
        0.5,
    ),
    (re.compile(r"\bnext few months\b|\bcoming months\b|近期|最近几个月|这几个月", re.I), 0.25),
)
# Money owed within days: a repayment, the rent, a bill due tomorrow or on the 1st.
DUE = re.compile(
    r"\b(?:due|repay\w*|pay (?:it |them )?back|rent|bills?|payroll)\b|"
    r"还款|还钱|要还|得还|还不上|房租|交租",
    re.IGNORECASE,
)
WITHIN_DAYS = re.compile(
    r"\b(?:tomorrow|this week|next week|on the (?:1st|first|15th)|in (?:a|one|two|three|"
    r"a couple of|a few|\d+) (?:days?|weeks?))\b|明天|后天|这周|本周|下周|"
    r"这几天",
    re.IGNORECASE,
)
DAYS_AHEAD = 0.02
SAVINGS_QUESTION = re.compile(
    r"emergenc\w*|cushion|buffer|runway|cash (?:aside|saved)|savings (?:set )?aside|"
    r"months of expenses|"
    r"应急|备用|存款|积蓄|几个月的(?:开销|开支|生活费)",
    re.I,
)
# A question about what the money is for may list "an emergency fund" among the goals; it does
# not ask how many months of savings they keep.
GOAL_QUESTION = re.compile(
    r"\bwhat(?: is|'s| are)? (?:this|the|your|that) (?:money|savings|investment)s? for\b|"
    r"\b(?:goals?|purpose|saving for|investing for)\b|"
    r"用来(?:做|干)什么|(?:做|干)什么用|用途|目标|目的",
    re.I,
)
# Words that mark a duration as the time until the money is needed even in an answer about
# savings ("in 30 years", "30年后用"), unlike a bare "around four months".
FUTURE_BEFORE = re.compile(
    r"\b(?:in|within|next|the next|over the next|for the next)\s+(?:about\s+|around\s+|roughly\s+|"
    r"maybe\s+|another\s+)?$|\b(?:money|it|this|pot|fund|investment)\s+is\s+for\s+$|(?:未来|再过|"
    r"接下来|今后)\s*$",
    re.I,
)
FUTURE_AFTER = re.compile(
    r"^\s*(?:from now|later|away|time\b)|^(?:后|以后|之后|内|之内|以内|再用|才用|要用|就要|"
    r"(?:以上)?(?:都|也)?不(?:用|动))",
    re.I,
)
# "你投资多久了？", "How long have you been investing?": the time so far, not the time ahead.
HOW_LONG_SO_FAR = re.compile(
    r"(?:多久|多长时间|几年)了|how long (?:have|has|did)|been investing", re.IGNORECASE
)
WHEN_QUESTION = re.compile(
    r"\bwhen\b|how (?:long|soon)|horizon|time ?line|time ?frame|time ?scale|"
    r"什么时候|多久|多长时间|几年",
    re.I,
)
RETIRE_AT = re.compile(
    rf"\b(?:retir(?:e|ing|ement)|stop(?:ping)? work(?:ing)?|stop|quit(?:ting)?(?: work| the "
    rf"9[- ]to[- ]5| the nine[- ]to[- ]five| the rat race| my day job)?|"
    rf"finish(?:ing)?(?: work(?:ing)?)?|"
    # "still teaching until 66", "planned to work until 65".
    rf"(?:work|working|teach|teaching)(?: \w+)?(?= until| till))\s+(?:early\s+|earlier\s+)?(?:at|"
    rf"by|around|at about|~|until|till|"
    rf"when (?:i'?m|she'?s|he'?s|i hit|i turn|i reach)|age)\s*(?:age\s+)?(?P<en>{NUMBER_EN})\b|"
    rf"\b(?:by the time|when|once) (?:i'?m|i am|i turn|she'?s|he'?s|she is|he is|she turns|"
    rf"he turns)\s+(?P<by>{NUMBER_EN})\b|\b(?:until|till|til) (?:i'?m|i am|i turn|she'?s|he'?s|"
    rf"she turns|he turns)\s+(?P<until>{NUMBER_EN})\b|(?P<zh>{NUMBER_ZH})岁(?:就|再|时|"
    rf"的时候)?(?:退休|退(?![一二两三四五六七八九十\d])|要用|用|不(?:用再|再|用)上班|"
    rf"开始(?:每(?:个)?月)?(?:领|拿|用|取))|"
    rf"(?P<zh2>{NUMBER_ZH})(?:就|再)?退休|(?:到|等到|等我|等她|等他)(?P<to>{NUMBER_ZH})岁",
    re.IGNORECASE,
)


# "£200 a month", "5k a year": a rate, not a stretch of time.
RATE_BEFORE = re.compile(
    r"(?:\d|(?:\d|\b)k|grand|quid|bucks|dollars?|pounds?|euros?|rupees?|yuan|dirhams?|lakhs?|"
    r"hundred|thousand|[$£€¥])\s*$",
    re.IGNORECASE,
)
# "Turning thirty next month", "I'll be 54 in August", "my bonus in March": the date of a
# birthday or of money arriving, not of a need.
OTHER_EVENT_BEFORE_DATE = re.compile(
    rf"\b(?:turn(?:s|ing)?|(?:i'?ll|i will|she'?ll|he'?ll|she will|he will) be|hit(?:ting|s)?|"
    rf"reach(?:ing|es)?)\s+(?:{NUMBER_EN})\s*(?:years? old\s*)?$|birthday\s*$|"
    r"\b(?:bonus|pay ?check|salary|payout|pay rise|raise|refund|dividends?)\s*$|"
    # Money arriving, leave taken: "the insurance is paying out $310,000 next week", "on mat
    # leave for a year".
    r"\bpay(?:s|ing)? out\b[^.!?]{0,20}$|\b(?:arriv\w*|comes? in|coming in|lands?)\s*$|"
    r"\b(?:mat(?:ernity)?|pat(?:ernity)?|parental|sick|unpaid) leave(?: for)?\s*$|"
    # "youngest born in May", "her boyfriend of two months": a birth, how long they have known.
    r"\bborn\s+(?:in\s+)?$|\b(?:boyfriend|girlfriend|partner|fianc[eé]e?|friend|relationship|"
    r"marriage) of\s*$",
    re.IGNORECASE,
)
# Someone's promise of a multiple by a date is their pitch, not the investor's horizon: "he'll
# triple it in a year", "says he can double my money in six months".
PITCHED_MULTIPLE = re.compile(
    r"\b(?:he|she|they|it|which|guy|man|woman)(?:'ll| will| can| could| would|'d)? (?:\w+ )?"
    r"(?:double|triple|treble|quadruple|\d+x|multiply|pay (?:me|us|her|him|you) back)\b"
    r"[^.!?]{0,40}$",
    re.IGNORECASE,
)
# A promise told after its date: 半年后双倍还她, 一年后连本带利还你.
# Not one's own target: 我要一年翻倍.
PROMISED_AFTER = re.compile(
    r"(?:后|以后|之后)?(?:就|能|会|保证|一定)?(?:双倍|翻倍|加倍|翻番|连本带利|本息)(?:地)?(?:还|返|给)"
)
FEELING_FOR = re.compile(
    r"\b(?:feel|feeling|felt|be|been|stay|go)\s+(?:\w+\s+)?(?:sick|awful|terrible|bad|upset|"
    r"gutted|miserable|anxious|nervous|stressed|sad|low|depressed|grumpy|cranky|sleepless)\s+"
    r"for\s+(?:about\s+|around\s+|like\s+|at least\s+)?$|\b(?:sulk|cry|worry|grumble)\s+for\s+$",
    re.IGNORECASE,
)
FUND_NAMED = re.compile(r"\b(?:emergency|rainy[- ]day)\b", re.IGNORECASE)
SAVINGS_BEFORE = re.compile(
    r"\b(?:emergency|rainy[- ]day|savings?|cash|corpus|cushion|buffer|reserve|runway)\s+"
    r"(?:fund\s+|pot\s+)?(?:(?:of|for|worth|covering|covers|that covers|is|are|at|:)\s*)?"
    r"(?:about\s+|around\s+|roughly\s+|like\s+|~\s*)?$"
    # 应急资金够一年以上, 存款能撑半年: savings that last so long.
    # 应急资金一年以上: the fund, then how long it lasts.
    r"|(?:应急|备用)(?:的)?(?:金|钱|资金)(?:有|大概|差不多|约)?$|(?:应急|备用|生活费|存款|积蓄|"
    r"现金)[^，。！？]{0,6}(?:够|能撑|可以撑|撑得了|能用|可以用)(?:个|用)?$|(?:应急|备用)(?:金|钱|"
    r"资金)[^，。！？]{0,6}(?:留了|存了|备了|有)$",
    re.IGNORECASE,
)
# A move measured over a time: "drop this much in a month", "lost 10% in a year".
CHANGE_OVER = re.compile(
    r"\b(?:drop(?:ped|s)?|fall(?:s|en)?|fell|lost|lose|loses|down|up|gain(?:ed|s)?|rose|rises?|"
    r"crash(?:ed|es)?|tank(?:ed|s)?|jump(?:ed|s)?)\s+(?:by\s+)?(?:this|that|so|too) much\s+in\s+"
    r"(?:a|one|the last|the past|just a|just one|only a)?\s*$|\b(?:drop\w*|fall\w*|fell|lost|"
    r"down|up|gain\w*|rose)\s+(?:by\s+)?\d+(?:\.\d+)?\s*(?:%|percent)\s+in\s+(?:a|one|the last|"
    r"the past|just a|just one|only a)?\s*$",
    re.IGNORECASE,
)
# "Nine months of outgoings in premium bonds": savings counted in months of spending.
SPENDING_AFTER = re.compile(
    # "3 months rent saved", "six months' expenses".
    r"['’]?\s*(?:worth )?(?:of )?(?:outgoings|expenses|spending|bills|living (?:costs|expenses)|"
    r"rent|salary|"
    # 三个月左右的开销, 两年以上的家庭开支.
    r"pay|wages)\b|\s*(?:左右|以上|多)?的(?:家庭|家里)?(?:开销|开支|生活费|工资)",
    re.IGNORECASE,
)
# A birthday right after a date: 下个月就满50了, 明年就六十岁了.
ZH_AGE_AFTER_DATE = re.compile(
    r"\s*(?:就|我|她|他|才)?(?:满|到|过)?[\d一二三四五六七八九十]+(?:岁|周岁|了)"
    r"|\s*(?:就|才)?满[\d一二三四五六七八九十]+"
)
# "in" (and a hedge) between a birthday and its duration: "turning thirty in a couple months".
IN_BEFORE = re.compile(r"\s+in\s+(?:about\s+|around\s+|like\s+)?$", re.IGNORECASE)
# A duration standing alone after words about the long run ("for the long haul, 20+ years").
LONG_RUN = re.compile(
    r"long haul|long run|long[- ]term|horizon|time ?frame|won'?t (?:need|touch)|leave it|"
    r"lock(?:ed)? (?:it )?(?:up|away)|need (?:it|the money)|retir\w*",
    re.IGNORECASE,
)
EXPLICIT, DERIVED, SCENARIO, ANY_TIME_TIER = 0, 1, 2, 3  # candidate tiers, strongest first
UNIVERSITY_AGE = 18
# "Say I wanted to retire at 55 instead of 67": in a scenario, the plan is the second age.
INSTEAD_OF = re.compile(
    rf"^\s*(?:instead of|rather than|and not|not)\s+(?:at\s+)?(?:age\s+)?(?P<n>{NUMBER_EN})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class HorizonCandidate:
    """One horizon the conversation states or implies; lower tiers win."""

    years: float
    confidence: float
    evidence: Evidence
    tier: int = EXPLICIT
    corrects: bool = False  # said in a message that corrects an earlier one ("sorry, 14 months")


def find_horizons(conversation: Conversation, today: date) -> list[HorizonCandidate]:
    """Every explicit horizon (durations, target years, relative dates) in the user messages."""
    found: list[HorizonCandidate] = []
    for clause in conversation.clauses:
        in_clause = [
            *_durations(clause),
            *_target_years(clause, today.year),
            *_relative_dates(clause),
            *_month_dates(clause, today),
            *_due_soon(clause),
        ]
        if HORIZON_CORRECTION.search(conversation.turn(clause.message_index).content):
            in_clause = [replace(c, corrects=True) for c in in_clause]
        found.extend(_as_scenario(c) if _is_scenario(clause) else c for c in in_clause)
    return [c for c in found if 0 <= c.years <= MAX_HORIZON_YEARS]


def _is_scenario(clause: Clause) -> bool:
    """A clause that explores a condition or asks, rather than states: its sentence up to the
    clause's end has a condition word, or the clause is a question."""
    sentence_so_far = clause.sentence[: clause.end - clause.sentence_start]
    # A condition around the duration: "what if I retire 5 years earlier?", 如果我提前5年退休呢.
    return bool(CONDITION.search(sentence_so_far)) or is_question(clause)


def _as_scenario(candidate: HorizonCandidate) -> HorizonCandidate:
    return HorizonCandidate(candidate.years, candidate.confidence, candidate.evidence, SCENARIO)


def _answers_savings_question(clause: Clause) -> bool:
    """Whether the clause's turn answers a question about emergency savings (and not one about
    goals or timing that mentions them)."""
    question = clause.prompt
    if GOAL_QUESTION.search(question) or WHEN_QUESTION.search(question):
        return False
    # The whole end of the message: "您有没有另外留一笔应急的钱？大概够几个月的开销？"
    return bool(SAVINGS_QUESTION.search(clause.asked[-200:]))


def _marked_future(clause: Clause, duration: Duration) -> bool:
    """A duration with words that put it ahead: "in 30 years", "30年后用"."""
    before = clause.text[: duration.start].rstrip()
    after = clause.text[duration.end :]
    return bool(FUTURE_BEFORE.search(before + " ") or FUTURE_AFTER.match(after))


def _durations(clause: Clause) -> list[HorizonCandidate]:
    # "这笔钱多久不用？有备用金吗？" "十年以上，备用金有一年的": the reply's first words answer the
    # first question.
    first = QUESTION_SENTENCE.search(clause.asked)
    first_asks_when = (
        clause.start == 0
        and first is not None
        and bool(WHEN_QUESTION.search(first.group(0)))
        and not SAVINGS_QUESTION.search(first.group(0))
        and not HOW_LONG_SO_FAR.search(first.group(0))
    )
    # "around four months" answers "do you have emergency savings?"; "in 30 years" still counts.
    about_savings = _answers_savings_question(clause) and not first_asks_when
    # "七八年吧" answering "这笔钱打算多久以后用？": the reply opens on the horizon.
    # "not until retirement so 20+ years I guess": anywhere in the reply's first sentence.
    asked_when = bool(WHEN_QUESTION.search(clause.prompt)) or first_asks_when
    answers_when = (clause.sentence_start == 0 or clause.chosen) and asked_when
    candidates = []
    for duration in find_durations(clause.text):
        written = clause.text[duration.start : duration.end].lower()
        if any(unit in written for unit in SHORT_UNITS):
            continue  # days and weeks: "haven't slept in two days", not a need for the money
        if _is_rate(clause.text[: duration.start], written):
            continue  # "two hundred quid a month"
        if CHANGE_OVER.search(clause.text[: duration.start]):
            continue  # "drop this much in a month": how fast it moved
        if FEELING_FOR.search(clause.text[: duration.start]):
            continue  # "I'd feel sick for a month": how long a feeling lasts
        if _inside_money_fall(clause, duration):
            continue  # "100k and a year later the app shows 80k": when the fall comes
        if about_savings and not _marked_future(clause, duration):
            continue
        if clause.text[duration.end :].startswith("期"):
            continue  # 三年期: a product's term
        if ZH_AGE_AFTER_DATE.match(clause.text[duration.end :]):
            continue  # 再过两个月就40了: a birthday, not the money's date
        before_clause = clause.sentence[: clause.start - clause.sentence_start]
        # 房贷还剩一百二十万，利率4.1%，还有十八年: the term told a clause or two later.
        term_later = TERM_LEFT.match(clause.text) and DEBT_TERM.search(before_clause)
        if (DEBT_TERM.search(clause.text) or term_later) and not PAY_OFF.search(clause.sentence):
            continue  # 房贷还有十五年: the loan's term
        if _counts_savings(clause, duration):
            continue  # "an emergency corpus of 9 months": savings counted in months of spending
        if OTHER_EVENT_BEFORE_DATE.search(IN_BEFORE.sub("", clause.text[: duration.start])):
            continue  # "turning thirty in a couple of months": a birthday, not the money's date
        if PITCHED_MULTIPLE.search(
            clause.sentence[: clause.start - clause.sentence_start + duration.start]
        ) or PROMISED_AFTER.match(clause.text[duration.end :]):
            continue  # "he'll triple it in a year", 说半年后双倍还她: someone's promise
        context = _with_label(clause)
        before = clause.text[: duration.start]
        # "retire and buy a few acres. twenty years give or take": a later sentence of the reply
        # that opens on the duration answers too.
        opens_sentence = clause.start == clause.sentence_start and HEDGES.fullmatch(before)
        opens_answer = (
            (answers_when or (asked_when and bool(opens_sentence)))
            and not _past_before(before)
            and not PAST_AFTER.match(clause.text[duration.end :])
        )
        if (
            opens_answer
            or _is_horizon(context, duration, _label_length(clause))
            or _after_long_run(clause, duration)
            or _corrected(clause, duration)
            or _purpose_next(clause, duration)
        ):
            confidence = APPROXIMATE_CONFIDENCE if duration.approximate else EXACT_CONFIDENCE
            evidence = clause.evidence(duration.start, duration.end)
            candidates.append(HorizonCandidate(duration.years, confidence, evidence))
    return candidates


def _inside_money_fall(clause: Clause, duration: Duration) -> bool:
    """Whether the duration sits between the two amounts of a fall told in money."""
    offset = clause.start - clause.sentence_start
    start, end = offset + duration.start, offset + duration.end
    return any(
        fall.start() <= start and end <= fall.end()
        for fall in SCENARIO_MONEY_FALL.finditer(clause.sentence)
    )


def _purpose_next(clause: Clause, duration: Duration) -> bool:
    """A duration that ends its clause, followed by what the money is for: "三到五年，准备移民",
    "十几年吧，等我退休"."""
    if FILLER.sub("", clause.text[duration.end :]).strip(" 吧啊"):
        return False
    if _past_before(clause.text[: duration.start]) or "了" in clause.text[: duration.start]:
        return False  # 我干了五年，准备辞职: how long something has lasted
    return bool(PURPOSE_NEXT.match(clause.sentence_after()))


def _corrected(clause: Clause, duration: Duration) -> bool:
    """A duration alone in a sentence that corrects an earlier one: "Sorry, 14 months, not 4",
    "Well, 5 years actually"."""
    rest = clause.text[: duration.start] + " " + clause.text[duration.end :]
    return bool(HORIZON_CORRECTION.search(clause.sentence)) and not FILLER.sub("", rest).strip()


def _counts_savings(clause: Clause, duration: Duration) -> bool:
    """Whether a duration counts savings in months of spending ("an emergency corpus of 9
    months"). A clause that is nothing but the duration takes the clause before it: "a decent
    emergency pot, about eight months", "Emergency fund is separate, about 5 months"."""
    before = clause.text[: duration.start]
    if SAVINGS_BEFORE.search(before) or SPENDING_AFTER.match(clause.text[duration.end :]):
        return True
    if FUND_LASTS_EN.search(before):
        return True  # "a rainy day fund that'd cover about five months"
    if not clause.holds_only(duration.start, duration.end):
        return False
    previous = clause.previous()
    joined = f"{previous} {before.lstrip()}"
    return bool(FUND_NAMED.search(previous) or SAVINGS_BEFORE.search(joined))


def _is_rate(before: str, written: str) -> bool:
    """An amount per unit of time: "£200 a month", "5k a year"."""
    return written.startswith(("a ", "an ")) and bool(RATE_BEFORE.search(before))


def _after_long_run(clause: Clause, duration: Duration) -> bool:
    """A clause that opens on a duration, after a clause about the long run in its sentence
    ("This money's for the long haul, 20+ years")."""
    if clause.text[: duration.start].strip():
        return False
    return bool(LONG_RUN.search(clause.previous())) and not PAST_AFTER.match(
        clause.text[duration.end :]
    )


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
    if not ahead and (PAST_AFTER.match(after) or _past_before(before)):
        return False
    return ahead or bool(HORIZON_BEFORE.search(before) or HORIZON_AFTER.match(after))


def _past_before(before: str) -> bool:
    """Whether the words before a duration put it in the past, with no need or plan after the
    past word, and no modal verb just before it ("I could leave invested money alone for")."""
    match = PAST_BEFORE.search(before)
    if match is None:
        return False
    if MODAL_BEFORE.search(before[: match.start()]):
        return False
    return not FUTURE_TURN.search(before[match.start() :])


def _target_years(clause: Clause, year: int) -> list[HorizonCandidate]:
    candidates = []
    for match in TARGET_YEAR.finditer(clause.text):
        if match.group("opening") and not clause.opens_reply:
            continue
        written = match.group("en") or match.group("zh") or match.group("opening")
        target = int(written) if written else parse_year_in_words(match.group("words")) or 0
        before = clause.text[max(0, match.start() - 12) : match.start()].lower()
        if target <= year or "born" in before:
            continue
        evidence = clause.evidence(match.start(), match.end())
        candidates.append(HorizonCandidate(float(target - year), EXACT_CONFIDENCE, evidence))
    offset = clause.start - clause.sentence_start
    for match in CORRECTED_YEAR.finditer(clause.sentence):
        start, end = match.start("year") - offset, match.end("year") - offset
        target = int(match["year"])
        if 0 <= start < len(clause.text) and target > year and not candidates:
            evidence = clause.evidence(start, end)
            candidates.append(HorizonCandidate(float(target - year), EXACT_CONFIDENCE, evidence))
    return candidates


def _relative_dates(clause: Clause) -> list[HorizonCandidate]:
    # "When is it likely?" "next year, the waiting list's long": the reply dates the need.
    answers_when = clause.opens_reply and bool(WHEN_QUESTION.search(clause.prompt))
    if not (NEED.search(clause.sentence) or answers_when):
        return []
    candidates = []
    match = ANY_TIME.search(clause.text)
    if match:
        evidence = clause.evidence(match.start(), match.end())
        candidates.append(HorizonCandidate(0.0, APPROXIMATE_CONFIDENCE, evidence, ANY_TIME_TIER))
    taken: list[tuple[int, int]] = []
    # The longer dates first: 明年年底 is not 年底. A date in the past tense ("already made 50k
    # this year") is no need for the money.
    for pattern, years in RELATIVE:
        for match in pattern.finditer(clause.text):
            inside = any(s <= match.start() < e for s, e in taken)
            before = clause.text[: match.start()]
            birthday = ZH_AGE_AFTER_DATE.match(clause.text[match.end() :])
            if inside or OTHER_EVENT_BEFORE_DATE.search(before) or _past_before(before) or birthday:
                continue  # "turning thirty next month", "made 50k this year", 下个月就满50了
            if JOB_STARTS.search(clause.text):
                continue  # "my first job starts next month": their work's date, not the money's
            if PITCHED_MULTIPLE.search(before):
                continue  # "he will pay me back double next month": the pitch's date
            if _only_matures(clause, match.end()):
                continue  # 理财下个月到期: when a product ends, not when the money is needed
            taken.append((match.start(), match.end()))
            evidence = clause.evidence(match.start(), match.end())
            candidates.append(HorizonCandidate(years, RELATIVE_CONFIDENCE, evidence))
    return candidates


def _only_matures(clause: Clause, end: int) -> bool:
    """Whether the date ending at `end` is when a product matures: 下个月到期的三十万理财, or
    理财下个月到期 in a clause that says nothing of needing the money."""
    matures = MATURES_AFTER.match(clause.text[end:])
    if not matures:
        return False
    return bool(matures["product"]) or not NEED.search(clause.text.replace("到期", ""))


def _due_soon(clause: Clause) -> list[HorizonCandidate]:
    """A repayment or a bill due within days: "明天就要还款", "rent is due on the 1st"."""
    if not DUE.search(clause.sentence):
        return []
    match = WITHIN_DAYS.search(clause.text)
    if match is None or _past_before(clause.text[: match.start()]):
        return []
    evidence = clause.evidence(match.start(), match.end())
    return [HorizonCandidate(DAYS_AHEAD, RELATIVE_CONFIDENCE, evidence)]


def _month_dates(clause: Clause, today: date) -> list[HorizonCandidate]:
    """A month named as the date the money is needed: "next September", 明年三月."""
    if not NEED.search(clause.sentence):
        return []
    candidates = []
    for match in MONTH_DATE.finditer(clause.text):
        month = _month_number(match)
        before = clause.text[: match.start()]
        if (
            month is None
            or OTHER_EVENT_BEFORE_DATE.search(before)
            or JOB_STARTS.search(clause.text)
            or DONE_IN_MONTH.search(before)
            or DUE_BEFORE_MONTH.search(before)
        ):
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
    if written and written.lower() in SEASON_MONTHS:
        return SEASON_MONTHS[written.lower()]
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
    if match.group("year_words"):
        return (parse_year_in_words(match.group("year_words")) or today.year) - today.year
    if match.group("zhyear"):
        return ZH_YEARS_AHEAD[match.group("zhyear")]
    return 0 if month > today.month else 1


def find_derived_horizons(conversation: Conversation, age: int | None) -> list[HorizonCandidate]:
    """Horizons from a target age and the investor's age ("retire at 65" at 40 → 25)."""
    if age is None:
        return []
    found = []
    for clause in conversation.clauses:
        answer = retirement_age_answer(clause)
        target_age = parse_number(answer.group("n")) if answer else None
        if answer and target_age is not None and age < target_age.value <= 110:
            # "When do you want to retire?" "at 65": the target age, answered.
            evidence = clause.evidence(answer.start("n"), answer.end("n"))
            found.append(
                HorizonCandidate(target_age.value - age, DERIVED_CONFIDENCE, evidence, DERIVED)
            )
        for match in RETIRE_AT.finditer(clause.text):
            written = next(g for g in ("en", "by", "until", "zh", "zh2", "to") if match.group(g))
            target = parse_number(match.group(written))
            if target is None or not age < target.value <= 110:
                continue
            evidence = clause.evidence(match.start(), match.end())
            scenario = _is_scenario(clause)
            planned = INSTEAD_OF.match(clause.text[match.end() :]) if scenario else None
            planned_age = parse_number(planned.group("n")) if planned else None
            if planned_age is not None and age < planned_age.value <= 110:
                found.append(
                    HorizonCandidate(planned_age.value - age, DERIVED_CONFIDENCE, evidence, DERIVED)
                )
                found.append(
                    HorizonCandidate(target.value - age, DERIVED_CONFIDENCE, evidence, SCENARIO)
                )
                continue
            tier = SCENARIO if scenario else DERIVED
            found.append(HorizonCandidate(target.value - age, DERIVED_CONFIDENCE, evidence, tier))
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
    then a scenario, then "I may need it any time") since the last message that corrects one,
    else unknown."""
    if not candidates:
        return Inferred[float]()
    corrections = [c.evidence.message_index for c in candidates if c.corrects]
    if corrections:
        # "Sorry, 14 months, not 4": a date corrected in a later message replaces the earlier.
        candidates = [c for c in candidates if c.evidence.message_index >= max(corrections)]
    best_tier = min(c.tier for c in candidates)
    pool = [c for c in candidates if c.tier == best_tier]
    chosen = min(pool, key=lambda c: c.years)
    return Inferred[float](
        value=round(chosen.years, 2), confidence=chosen.confidence, evidence=(chosen.evidence,)
    )

"""Age and life stage.

Age, from what people write: "I'm 34", "34-year-old", "aged 34", "my mother is 72", "born in
1988" (against an injectable current year), "in my forties" (45, approximate), "early thirties",
"34岁", "今年三十五", "七十二了", "四十多岁", "快六十了", "五十出头", "88年的", "1988年出生",
"90后", and a bare number answering the assistant's "how old are you?". Each age belongs to the
person named nearest before it (see `subject.Attribution`); an age of someone else is not the
investor's. Several ages for the investor that disagree by more than a year are an inconsistency.

Life stage: youth below 30, midlife 30-49, retirement from 50 or once retired at any age. Without
an age, cues decide: "just graduated"/刚毕业 (youth), "mid-career"/中年 (midlife), "my
grandkids"/退休了/领养老金 (retirement). Marriage, children, a mortgage or a job title say nothing
about the stage: nothing said is null.
"""

import re
from dataclasses import dataclass

from advisor.knowledge.rules import LifeStage
from advisor.profile.derived_ages import derived_ages
from advisor.profile.lexicon import CueMatcher, Hit, chinese, english
from advisor.profile.model import Evidence, Inferred
from advisor.profile.numbers import NUMBER_EN, NUMBER_ZH, parse_number, parse_year_in_words
from advisor.profile.options import numbered_question
from advisor.profile.subject import FIRST_PERSON, RELATIONS_EN, RELATIONS_ZH, Attribution
from advisor.profile.text import TAKE_BACK, Clause, Conversation, UserTurn, quote
from advisor.suitability.profile import RETIREMENT_FROM, YOUTH_BELOW

INVESTOR_AGES = (16, 110)  # an adult investor; a child's age named without its noun is not one
EXACT_CONFIDENCE = 0.95
APPROXIMATE_CONFIDENCE = 0.6
DISAGREEMENT_YEARS = 1.5

_KIN = "|".join(sorted(RELATIONS_EN, key=len, reverse=True))
_KIN_ZH = "|".join(sorted(RELATIONS_ZH, key=len, reverse=True))
_CHILD_ZH = r"(?:儿子|女儿|孩子|小孩|宝宝|娃|儿|女|孙子|孙女|外孙|学生)"
# What follows an amount, a count or a date, not an age: 今年三十万, 今年二十号.
_NOT_AGE_AFTER_ZH = "万千百亿块元年个月天日号次倍%％点多来余几把条只股份斤周"
_NOT_AGE_AFTER_EN = (
    r"(?!\s*(?:%|percent|k\b|m\b|grand|dollars?|bucks|yuan|rmb|usd|euros?|pounds?|times|"
    r"-?\s?something|"
    r"months?|weeks?|days?|kids?|children|shares|funds?|stocks?|thousand|hundred|million|"
    r"minutes?|hours?|miles?|km\b|points?|"
    r"years? (?:from|until|till|to|away|left|ago|of|in|before|into)|more|percent|x\b))"
)
_ABOUT_EN = r"(?:about\s+|around\s+|almost\s+|nearly\s+|now\s+|currently\s+|only\s+|just\s+)?"
AGE_EN = re.compile(
    rf"(?:(?<![\w'])(?:i'?m|i am|im|i’m|she'?s|he'?s|she’s|he’s|(?:she|he|who) (?:is|was)|"
    r"they'?re both|they are both|(?:just|recently) retired at|we'?re|we’re|we are|"
    # "Self 38 yrs, IT consultant", "myself 44"; Singapore English "I 26 this year".
    r"(?:my)?self|i(?=\s+[1-9]\d\s+(?:this year|already)\b)|"
    rf"(?:{_KIN})(?:'s|’s| is| was| (?:just |recently )?(?:turned|turns|hit|reached))|"
    r"(?:i|she|he|who) (?:just |recently |finally )?(?:turned|turn|turns|hit|hits|reached|reach)|"
    r"turning|hitting|(?:i|she|he)'?ll be|(?:i|she|he) will be|^\s*now|^\s*at|being|"
    r"^\W*(?:just |recently )?turned|(?<![\w'])me\s*[:：=]|^\W*me,?(?=\s+\d)|"
    rf"aged|at age|age(?: is|:)?|my age is|of age)"
    rf"\s+{_ABOUT_EN}(?P<n>{NUMBER_EN}){_NOT_AGE_AFTER_EN}"
    rf"(?:\s*(?:years?|yrs?)(?:\s+old)?|\s*y/?o\b)?"
    rf"|(?<![\w.])(?P<m>{NUMBER_EN})(?:\s*|-)(?:years?|yrs?)(?:(?:\s*|-)(?:old|young)|\s+of\s+age)"
    r"(?![\w-])"
    rf"(?!\s+(?:son|daughter|kid|child|boy|girl|grandson|granddaughter|baby|twins))"
    rf"|(?<![\w.])(?P<y>{NUMBER_EN})\s*(?:y/?o|yo|y\.o\.?|here(?=[,.!]|\s*$))(?![\w])"
    rf"(?!\s+(?:son|daughter|kid|child|boy|girl|grandson|granddaughter|baby|twins)))",
    re.IGNORECASE,
)
# An age the person will reach, not the one they are: "when I'm 20", "till I'm 60", "by the time
# she's 70". It may give a horizon (see `horizon`), never the age.
TARGET_AGE_BEFORE_EN = re.compile(
    r"\b(?:when|whenever|till|til|until|by the time|before|once|after|if|unless|by)\s*$",
    re.IGNORECASE,
)
# "I'll be 30 in June", "turning 50 next month": the age after a birthday still to come.
FUTURE_AGE_EN = re.compile(r"(?:i|she|he)'?ll be|(?:i|she|he) will be|turning", re.IGNORECASE)
BIRTHDAY_DATE_EN = re.compile(
    r"\s*(?:years? old\s*)?(?:in|next|on|this|come|by|at the end of)\b", re.IGNORECASE
)
# "seventy-four next birthday": one year younger now.
NEXT_BIRTHDAY_EN = re.compile(
    rf"(?<![\w.])(?P<n>{NUMBER_EN})\s+(?:(?:on|at|come)\s+)?(?:my\s+)?next\s+birthday",
    re.IGNORECASE,
)
# A message that opens on the age: "Forty-five and done being cautious", "Thirty-nine, two
# kids", "52. Retired teacher."
LEADING_AGE_EN = re.compile(
    rf"^\W*(?P<n>{NUMBER_EN})(?:\s*(?:y/?o|yrs?(?: old)?|years? old))?"
    r"(?=\s*(?:[,;.!]|$)|\s+and\s+(?!\d|a half|\w+\s*(?:%|percent|k\b|grand)))"
    r"(?![,;\s]*(?:maybe|perhaps|possibly|or|to|at most|tops|max)\b)",
    re.IGNORECASE,
)
# "My wife and I are both 40", "me and my partner are both 33", "WE GOT MARRIED!!! 🎉 both
# 27": the typist's age too.
BOTH_EN = re.compile(
    rf"(?:(?:are|'re)\s+|[^\w\s]\s*|^\W*|\bwe\s+)both\s+(?:aged\s+)?(?P<n>{NUMBER_EN})(?![\w%])"
    # "We're 49 and 47", "We (37 and 35)", "my wife and I are 35 and 37", "We're both retired,
    # 69 and 71": the first age is taken as the typist's.
    rf"|\b(?:we(?:'re| are)?|and i are|and me are)\s*(?:both\s+\w+,\s*)?\(?\s*(?:aged\s+)?"
    r"(?P<first>[1-9]\d)\s*(?:and|&|,)\s*[1-9]\d\b(?!\s*%)",
    re.IGNORECASE,
)
# "they're 68 and 70", "they're both in care now (88 and 85)": a couple of parents spoken for.
THEIR_AGES_EN = re.compile(
    r"\bthey(?:'re|’re| are)\s+(?:\w+\s+){0,4}?\(?(?P<first>[1-9]\d)\s*(?:and|&)\s*[1-9]\d\b"
    r"(?!\s*%)",
    re.IGNORECASE,
)
# Relations that are two people, whose ages come in pairs.
COUPLE_RELATIONS = frozenset({"parents", "grandparents", "parents_in_law"})
PAIR_OF_AGES = re.compile(r"^\W*(?P<first>[1-9]\d)\s*(?:and|&)\s*[1-9]\d\W*$")
COUPLE = re.compile(r"\b(?:we|both)\b", re.IGNORECASE)
# "my kids are both 17": a pair that is not the typist and a partner.
OTHERS_BOTH = re.compile(
    r"\b(?:kids|children|sons|daughters|boys|girls|twins|parents|grandkids|grandchildren|they)"
    r"\s*(?:are|'re|’re)?\s*$",
    re.IGNORECASE,
)
# "in my forties", "into her late sixties", "I'm mid-40s".
DECADE_EN = re.compile(
    r"(?:(?:in|into)\s+(?:my|her|his|their|our)\s+|(?:i'?m|i am|she'?s|he'?s|we'?re|aged?)\s+"
    r"(?=(?:early|mid|late))|^\W*(?=(?:early|mid|late)))(?P<part>early|mid|mid-|late)?\s*-?\s*"
    r"(?P<decade>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|"
    r"[2-9]0'?s)",
    re.IGNORECASE,
)
BORN_EN = re.compile(
    r"(?:born|dob|d\.o\.b\.?|year of birth|(?<![\w.])b\.)\s*:?\s+(?:in\s+|"
    r"on\s+)?(?:[a-z]+\s+(?:\d{1,2},?\s+)?)?(?:(?P<year>(?:19|20)\d\d)|"
    r"['’](?P<short>\d\d)|"
    # Said aloud: "born in nineteen seventy-nine", "born in ninety-six".
    r"(?P<words>(?:nineteen|twenty|two thousand(?: and)?)[ -](?:oh[ -])?[a-z]+(?:[ -][a-z]+)?|"
    r"(?:fifty|sixty|seventy|eighty|ninety)(?:[ -](?:one|two|three|four|five|six|seven|eight|"
    r"nine))?)\b)",
    re.I,
)
AGE_ZH = re.compile(
    rf"(?P<n>{NUMBER_ZH})(?:周岁|岁)(?!(?:的|大的|多的)?{_CHILD_ZH})(?P<tail>出头|左右|了)?"
    # 刚满二十😭: an emoji ends the age as punctuation does.
    # 今年才二十六: 才 ("only") before the age.
    rf"|(?:今年|现在|已经|已|都|满|刚满)(?:刚好|正好|刚|才)?(?P<k>{NUMBER_ZH})(?=了|岁|周岁|[^\w%％.]|$)"
    # Run on without punctuation: "我是送外卖的今年三十三每个月能攒两千块".
    rf"|今年(?P<r>[一二三四五六七八九]十[一二三四五六七八九]?)(?![{_NOT_AGE_AFTER_ZH}])"
    rf"|(?P<near>快|年近|将近|马上|奔|明年就)(?P<f>{NUMBER_ZH})(?:岁|了)"
    rf"|(?P<o>{NUMBER_ZH})出头"
    rf"|(?P<h>{NUMBER_ZH})好几"
    # A clause that opens on the age: "老伴走了以后我一个人住，七十三了".
    rf"|(?:^|(?<=[，,。；;]))\s*(?P<g>(?:[一二三四五六七八九]十[一二三四五六七八九]?|[2-9]\d)多?)"
    rf"(?:岁|周岁)?了"
    # 哥们四十五, 俺六十二了: the typist's own words for themselves.
    # 我三十七 当时想着…: a space for a comma.
    rf"|(?:{_KIN_ZH}|她|他|我|自己|本人|俺|哥们儿?|姐们儿?)(?:今年|现在|"
    rf"已经)?都?才?(?P<j>{NUMBER_ZH})(?=了|，|,|。|！|!|\s|$)"
    # 他们俩六十多了: 俩 is a numeral itself, so NUMBER_ZH would not start after it.
    r"|(?:他|她|我)们?俩都?(?P<p>[一二三四五六七八九]十[一二三四五六七八九]?多?)(?=了|岁)"
)
# A form the typist fills in: "Me: thirty-seven. Husband: thirty-nine.", "Age: 52".
LABELLED_AGE_EN = re.compile(r"(?<![\w'])(?:me|myself|age|my age)\s*[:：=-]\s*$", re.IGNORECASE)
LABELLED_VALUE = re.compile(rf"^\s*(?P<n>{NUMBER_EN})(?![\w%-]|[.,]\d)")
LONE_WORD_AGE_EN = re.compile(
    rf"^\s*(?P<n>{NUMBER_EN})\s*(?:y/?o|(?:yrs?|years?)(?: old)?)?\s*[,.;]?\s*$", re.IGNORECASE
)
# What may come before a caller's age said alone: a greeting, filler, "I'm" or their name.
INTRODUCTION = re.compile(
    r"(?:(?i:hi|hello|hey|hiya|yes|yeah|yep|ok|okay|so|uh|um|er|erm|well|right|alright|morning|"
    r"evening|good (?:morning|afternoon|evening)|i'?m|i am|im|it'?s|this is|me|myself)\W*)*"
    # A name, titled or not, up to four words: "I am Rajesh Kumar Iyer", "Mrs. J. Pemberton".
    r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)?(?:[A-Z][\w'’.-]*\s+){0,3}(?:[A-Z][\w'’-]+"
    r"(?:\s+(?i:here))?)?\W*"
)
SELF_DESCRIPTION = re.compile(r"\b(?:i'?m|i am|im)\s+(?:a|an)\s+\w", re.IGNORECASE)
NOT_AN_AGE_NEARBY = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)
LIST_GOES_ON = re.compile(rf"\s*(?:maybe|perhaps|or|to|and|tops|max|{NUMBER_EN})\b", re.IGNORECASE)
ADULT_AGE = 18
# A number alone after taking an age back: "……不对，七十四", "哎不对，我说反了，是五十四".
TAKEN_BACK = re.compile(rf"(?:{TAKE_BACK})[^。！？]{{0,8}}$", re.IGNORECASE)
# "sorry - 54 not 45!": the age, then the one it replaces.
CORRECTED_AGE_EN = re.compile(
    r"^\W*(?:(?:sorry|oops|my bad|typo|correction|i meant|i mean|meant)\W+)*(?P<n>[1-9]\d)\s*,?\s*"
    r"(?:not|instead of|rather than)\s+[1-9]\d\b(?!\s*%)",
    re.IGNORECASE,
)
CORRECTED_AGE_ZH = re.compile(
    rf"^\s*(?:是|应该是)?(?P<n>{NUMBER_ZH})(?:岁|周岁)?\s*[，,。！!]?\s*$"
)
# "25 years." alone is a stretch of time ("for the long haul, 25 years"); "25 years old" an age.
LONE_NUMBER = re.compile(
    r"^\s*(?P<n>[1-9][0-9])\s*(?:y/?o|(?:yrs?|years?) old|岁)?\s*[,，.。]?\s*$", re.IGNORECASE
)
# A message that opens on the age in Chinese numerals: "四十六，做建材生意的".
LONE_NUMBER_ZH = re.compile(
    r"^\s*(?P<n>[一二三四五六七八九]十[一二三四五六七八九]?)(?:岁|周岁)?\s*[，,。]?\s*$"
)
# A question about the investor in general ("能说说您的情况吗？", "Tell me about yourself"),
# which an age may answer.
GENERAL_QUESTION = re.compile(
    r"情况|介绍|about (?:you\b|yourself)|your (?:situation|circumstances)", re.IGNORECASE
)
BORN_ZH = re.compile(
    r"(?P<year>(?:19|20)?\d\d)年(?:出生|生|的人|生人)|(?:是|我|^\s*)(?P<short>\d\d)年的"
    r"|(?:是|我|本人|^\W*)(?P<spoken>(?:[一二][九〇零])?[零〇一二三四五六七八九]{2})年(?:的(?=[，,。！!\s]|$|人)|"
    r"出生|生)"
)
# An age the person will reach (四十五岁前躺平, 60岁退休, 到六十岁): a target, not the age.
TARGET_AGE_AFTER_ZH = re.compile(
    r"^(?:周岁|岁)?(?:前|之前|以前|后|以后|之后|时|的时候|那年|就|再|才|开始|起|退(?:休)?|上大学|上学|读大学|"
    r"毕业|结婚|成年)"
)
TARGET_AGE_BEFORE_ZH = re.compile(r"(?:到|活到|干到|熬到|(?:打算|准备|计划|想)(?:在)?)$")
SPOKEN_DIGITS_ZH = dict(zip("零〇一二三四五六七八九", "00123456789", strict=True))
# Not an amount: "there's about 20M".
SEX_AGE_EN = re.compile(
    r"(?<![\w$£€¥~])(?<!about )(?<!around )(?<!over )(?<!roughly )(?<!nearly )(?<!almost "
    r")(?P<n>[1-9]\d)\s?/?\s?(?:[mf]|male|female)(?![\w])",
    re.I,
)
# An age said in passing: "(24 btw)", "44 by the way", "33 now." at a sentence's start.
ASIDE_AGE_EN = re.compile(
    rf"(?<![\w.])(?P<n>{NUMBER_EN})\s*(?:btw|by the way|fwiw|if (?:that|it) matters)\b|"
    rf"(?:^\W*|(?<=[.!?]\s))(?P<now>{NUMBER_EN})\s+now\b",
    re.IGNORECASE,
)
# A birthday close ahead, opening a message: "Fifty-one next month", "26 this year".
TURNING_SOON_EN = re.compile(
    rf"^\W*(?P<n>{NUMBER_EN})\s+(?:next (?:month|week)|this (?:year|month))\b", re.IGNORECASE
)
# "I (36)", "my wife (34)": an age in brackets after a person, attributed like any other. The
# match starts at a word's start: without the lookbehind a long word is retried from each of its
# letters, and a 20,000-letter message takes seconds.
BRACKET_AGE = re.compile(r"(?<!\w)(?P<who>\w+)\s*[(（]\s*(?P<n>[1-9]\d)\s*[)）]")
# "40-something", "pushing 60", "over 60": approximate ages.
VAGUE_AGE_EN = re.compile(
    r"(?:(?<![\w-])(?P<decade>[2-9]0|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"[- ]something|(?:(?:i'?m|i am|she'?s|he'?s|aged?|now)\s+)?(?P<rel>pushing|over|past|under|"
    r"almost|nearly|(?:on )?the wrong side of|north of|the far side of)\s+"
    r"(?P<n>[2-9]\d|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety))\b"
    r"(?!\s*(?:%|percent|k\b|years|months|grand|dollars|pounds|euros))",
    re.IGNORECASE,
)
VAGUE_SHIFT = {
    "pushing": -1,
    "over": 2,
    "past": 2,
    "under": -2,
    "almost": -1,
    "nearly": -1,
    "the wrong side of": 2,
    "on the wrong side of": 2,
    "north of": 2,
    "the far side of": 2,
}
SEX_FIRST_EN = re.compile(r"(?<![\w'’])(?:[mf]|male|female),?\s*(?P<n>[1-9]\d)(?![\w%])", re.I)
BIRTHDAY_EN = re.compile(r"\b(?:my|her|his)\s+(?P<n>[1-9]\d)(?:st|nd|rd|th)\s+birthday", re.I)
GENERATION_ZH = re.compile(
    r"(?<![\d])(?P<gen>[5-9][05]|00|05|10|[五六七八九]零|零零|一零)后(?![\d年])"
)
# Idioms for an age: 年过半百 is past fifty, 花甲 sixty, 古稀 seventy (approximate).
AGE_IDIOMS_ZH = {
    "年过半百": 52.0,
    "年近半百": 48.0,
    "年近花甲": 58.0,
    "花甲之年": 60.0,
    "年过花甲": 62.0,
    "年近古稀": 68.0,
    "古稀之年": 70.0,
    "年过古稀": 72.0,
    "年过七旬": 72.0,
    "年过八旬": 82.0,
}
AGE_IDIOM_ZH = re.compile("|".join(AGE_IDIOMS_ZH))
CHINESE_GENERATION_DIGITS = {
    "五零": 50,
    "六零": 60,
    "七零": 70,
    "八零": 80,
    "九零": 90,
    "零零": 0,
    "一零": 10,
}
AGE_QUESTION = re.compile(
    r"how old|your age|their age|her age|his age|\bage\b|\bborn\b|年龄|多大|几岁|年纪|出生|哪年",
    re.IGNORECASE,
)
RETIREMENT_AGE_QUESTION = re.compile(
    r"(?:\bretir\w*|\bstop working|退休).*?(?:\bwhen\b|what age|how old|几岁|多大|什么时候|哪年)|"
    r"(?:\bwhen\b|what age|几岁|什么时候|哪年).*?(?:\bretir\w*|\bstop working|退休)",
    re.IGNORECASE,
)
OWN_AGE_QUESTION = re.compile(
    r"how old are|your age|年龄|(?:您|你)(?:今年)?(?:多大|几岁)(?:了|啊)?(?:[，,？?]|$)",
    re.IGNORECASE,
)
RETIREMENT_AGE_ANSWER = re.compile(
    rf"^\W*(?:(?:at|around|about|maybe|probably|hopefully|by|age|like)\s+)*"
    # "60 if the knees hold out", "at 60 if all goes to plan": a hedge after the age.
    rf"(?P<n>{NUMBER_EN}|{NUMBER_ZH})(?:岁|周岁)?(?:左右|吧|\s*ish)?(?:\s+if\b[^.!?]*)?\W*$",
    re.IGNORECASE,
)
# An answer to a numbered question: "1) 45", "1) 57 years."
NUMBERED_AGE_ANSWER = re.compile(
    r"(?:^|\s)(?P<question>[1-9])[).:]\s*(?P<n>[1-9]\d)(?![\d%,.]\d|\s*(?:%|k\b|years? (?:to|of|"
    r"until|away)))",
    re.IGNORECASE,
)
# The first words of a reply to an age question: "27. no real savings", "五十二，还有八年".
LEADING_NUMBER = re.compile(
    rf"^\s*(?:i'?m\s+|about\s+|今年|)(?P<n>{NUMBER_EN}|{NUMBER_ZH})\s*(?:岁|years?(?: old)?|"
    r"yo)?(?:了)?"
    r"\s*(?:[,，.。!！;；]|$)",
    re.IGNORECASE,
)
# A terse message that opens on the typist's age and goes on about them: "38 rn, icu nurse",
# "29 software eng", "63 widowed 12 yrs", "我29 程序员", "45 做外贸"; not "20 yrs", "50 shares",
# "30 万", "15 maybe 20".
TERSE_AGE = re.compile(
    r"^\s*(?:(?P<me>i'?m|im|me|我|本人)\s*)?(?:今年)?(?P<n>1[89]|[2-9]\d)(?:\s*(?:yo|y/o))?"
    r"(?:\s+(?!(?:y|yrs?|years?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|mins?|minutes|k|m|"
    r"mil|million|thousand|hundred|grand|bucks|dollars|pounds|quid|euros|percent|pct|per|"
    r"shares?|stocks?|lakhs?|crores?|times|x|of|to|or|and|more|less|left|max|tops|ish|plus|"
    r"maybe|perhaps|probably|at|in|by|a|an|each|every|is|are|was|were|people|kids|units|"
    r"points?|pts|bps|coins?|btc|eth)\b)[a-z]|\s*(?![万千百年岁个月天块元倍只股次分点号周届级w吧啊呀吗呢左右多来出以])"
    r"[\u4e00-\u9fff]|\s*[\U0001F300-\U0001FAFF\u2600-\u27BF])",  # "25 🙋‍♀️ physio"
    re.IGNORECASE,
)
LONE_BIRTH_YEAR = re.compile(r"^\s*(?P<year>19\d\d|20[01]\d)\s*[.!。]?\s*$")
SHORT_YEAR = re.compile(r"\d\d年")
# "1988", "born in 1988", 89年 (two digits only with 年).
BIRTH_YEAR_ANSWER = re.compile(
    r"^\s*(?:born (?:in )?)?(?:(?P<year>(?:19|20)\d\d)(?:年)?|(?P<short>\d\d)年(?:的|生)?)\s*"
    r"(?:[,，.。!]|$)"
)
BARE_ANSWER = re.compile(
    rf"^\s*(?:i'?m\s+|she'?s\s+|he'?s\s+|about\s+|今年)?(?P<n>{NUMBER_EN}|{NUMBER_ZH})"
    r"\s*(?:岁|years?(?: old)?)?(?:了)?\s*[.!。！,，]?\s*$",
    re.IGNORECASE,
)
DECADE_WORDS = {
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
    "seventies": 70,
    "eighties": 80,
    "nineties": 90,
}
DECADE_PART = {"early": 2, "mid": 5, "mid-": 5, "late": 8, None: 5}
NEAR_ZH = {"快": -1, "年近": -1, "将近": -1, "马上": -1, "奔": -2, "明年就": -1}


@dataclass(frozen=True)
class AgeMention:
    """An age the conversation gives the investor."""

    age: float
    approximate: bool
    evidence: Evidence


def find_ages(conversation: Conversation, attribution: Attribution, year: int) -> list[AgeMention]:
    """Every age stated for the investor, in order of the conversation."""
    mentions: list[AgeMention] = []
    for turn in conversation.turns:
        if turn.clauses and retirement_age_answer(turn.clauses[0]):
            continue  # "When do you want to retire?" "at 65": the age to come, not the age now
        bare = _bare_answer(turn, year)
        if bare is not None:
            mentions.append(bare)
            continue
        for clause in turn.clauses:
            mentions.extend(_clause_ages(clause, attribution, year))
        mentions.extend(_derived_ages(turn, attribution))
    return [m for m in mentions if INVESTOR_AGES[0] <= m.age <= INVESTOR_AGES[1]]


def _derived_ages(turn: UserTurn, attribution: Attribution) -> list[AgeMention]:
    """Ages worked out from an event's age and date, or from a relative's age, for the investor."""
    mentions = []
    for derived in derived_ages(turn):
        clause = next(c for c in turn.clauses if c.start <= derived.start < c.end)
        if derived.typist:
            investor = attribution.subject.who == "self"
        else:
            investor = attribution.is_investor(clause, derived.start - clause.start)
        if investor:
            evidence = _quote_span(turn, derived.start, derived.end)
            mentions.append(AgeMention(derived.age, False, evidence))
    return mentions


def _bare_answer(turn: UserTurn, year: int) -> AgeMention | None:
    """A reply to "how old are you?" / "what year were you born?" that starts with the number
    or the year ("41", "27. no real savings", "五十二，还有八年退休", "1988"); else a clause
    of the reply that is only a number ("送外卖的，二十四，每个月…"). A message that is nothing
    but an adult's birth year ("1979") answers the question even when the question is not in
    the transcript."""
    lone_year = LONE_BIRTH_YEAR.match(turn.content)
    if lone_year and INVESTOR_AGES[0] <= year - int(lone_year.group("year")) <= INVESTOR_AGES[1]:
        evidence = _quote_span(turn, lone_year.start("year"), lone_year.end("year"))
        return AgeMention(float(year - int(lone_year.group("year"))), False, evidence)
    if not turn.asked or not AGE_QUESTION.search(turn.asked):
        return None
    for numbered in NUMBERED_AGE_ANSWER.finditer(turn.content):
        # "1) 45 2) B" to "1) Your age? 2) How long ...?": the answer to the age question.
        part = numbered_question(turn.asked, int(numbered.group("question")))
        if part is not None and AGE_QUESTION.search(turn.asked[part[0] : part[1]]):
            evidence = _quote_span(turn, numbered.start("n"), numbered.end("n"))
            return AgeMention(float(numbered.group("n")), False, evidence)
    born = BIRTH_YEAR_ANSWER.match(turn.content)
    if born and born["short"] and SHORT_YEAR.search(turn.content, born.end()):
        born = None  # 80年的。哦不对，是81年的: the year given again is the one meant
    if born:
        group = "year" if born["year"] else "short"
        evidence = _quote_span(turn, born.start(group), born.end(group))
        return AgeMention(float(year - _full_year(int(born[group]), year)), False, evidence)
    leading = LEADING_NUMBER.match(turn.content)
    candidates = [(leading, turn.content, 0)] if leading else []
    for clause in turn.clauses:
        lone = BARE_ANSWER.match(clause.text)
        if lone:
            candidates.append((lone, clause.text, clause.start))
    for match, _, offset in candidates:
        number = parse_number(match.group("n"))
        if number is not None and INVESTOR_AGES[0] <= number.value <= INVESTOR_AGES[1]:
            span = _quote_span(turn, offset + match.start("n"), offset + match.end("n"))
            return AgeMention(number.value, number.approximate, span)
    return None


def _quote_span(turn: UserTurn, start: int, end: int) -> Evidence:
    """The clause around a span of a user turn, as evidence."""
    for clause in turn.clauses:
        if clause.start <= start < clause.end:
            return clause.evidence(start - clause.start, end - clause.start)
    return Evidence(message_index=turn.index, quote=turn.content[start:end])


def _clause_ages(clause: Clause, attribution: Attribution, year: int) -> list[AgeMention]:
    found = _english_ages(clause, year) + _chinese_ages(clause.text, year)
    shared = _shared_ages(clause, attribution)
    lone = LONE_NUMBER.match(clause.text)
    if lone and not found:
        # "Female, 34, nurse": a clause that is nothing but a two-digit number.
        found.append((lone.start("n"), float(lone.group("n")), False))
    lone_zh = LONE_NUMBER_ZH.match(clause.text)
    if lone_zh and not found and _opens_its_message(clause) and not _answers_another(clause):
        number = parse_number(lone_zh.group("n"))
        if number is not None:
            found.append((lone_zh.start("n"), number.value, False))
    corrected_en = CORRECTED_AGE_EN.match(clause.text)
    if corrected_en and not found:
        found.append((corrected_en.start("n"), float(corrected_en.group("n")), False))
    corrected = CORRECTED_AGE_ZH.match(clause.text)
    before = clause.sentence[: clause.start - clause.sentence_start]
    if corrected and not found and TAKEN_BACK.search(before):
        # "我爸七十六……不对，七十四": the age given again after taking it back.
        number = parse_number(corrected.group("n"))
        if number is not None and ADULT_AGE <= number.value <= INVESTOR_AGES[1]:
            found.append((corrected.start("n"), number.value, number.approximate))
    terse = TERSE_AGE.match(clause.text)
    opens_sentence = clause.start == clause.sentence_start
    if (
        terse
        and not found
        and (_opens_its_message(clause) or (opens_sentence and terse.group("me")))
        and not _answers_another(clause)
    ):
        found.append((terse.start("n"), float(terse.group("n")), False))
    spoken = LONE_WORD_AGE_EN.match(clause.text)
    if spoken and not found and _introduced(clause) and not _answers_another(clause):
        # "Gareth, forty-five, I teach maths", "So I'm, uh, forty-three", "I am Rajesh Kumar
        # Iyer, 44 years, working as ...": the caller's age.
        number = parse_number(spoken.group("n"))
        if number is not None and not number.approximate and number.value >= ADULT_AGE:
            found.append((spoken.start("n"), number.value, False))
    mentions = [
        AgeMention(age, approximate, clause.evidence(start, start + 1))
        for start, age, approximate in found
        if attribution.is_investor(clause, start)
    ]
    return mentions + shared


def _english_ages(clause: Clause, year: int) -> list[tuple[int, float, bool]]:
    """(position, age, approximate) of every English age in a clause, target ages left out."""
    text = clause.text
    found: list[tuple[int, float, bool]] = []
    for match in AGE_EN.finditer(text):
        if TARGET_AGE_BEFORE_EN.search(text[: match.start()]):
            continue  # "when I'm 20": an age to come
        group = next(name for name in ("n", "m", "y") if match.group(name))
        number = parse_number(match.group(group))
        if number is None:
            continue
        if FUTURE_AGE_EN.match(match.group(0)) and BIRTHDAY_DATE_EN.match(text[match.end() :]):
            found.append((match.start(group), number.value - 1, True))  # "I'll be 30 in June"
            continue
        found.append((match.start(group), number.value, number.approximate))
    for match in NEXT_BIRTHDAY_EN.finditer(text):
        number = parse_number(match.group("n"))
        if number is not None:
            found.append((match.start("n"), number.value - 1, False))
    for match in TURNING_SOON_EN.finditer(text):
        number = parse_number(match.group("n"))
        if number is not None:
            found.append((match.start("n"), number.value - 1, True))
    for match in ASIDE_AGE_EN.finditer(text):
        group = "n" if match.group("n") else "now"
        number = parse_number(match.group(group))
        if number is not None and not number.approximate:
            found.append((match.start(group), number.value, False))
    for match in DECADE_EN.finditer(text):
        decade_word = match.group("decade").lower().rstrip("s").rstrip("'")
        decade = DECADE_WORDS.get(match.group("decade").lower()) or int(decade_word)
        part = (match.group("part") or "").lower() or None
        found.append((match.end(), decade + DECADE_PART.get(part, 5), True))
    for match in VAGUE_AGE_EN.finditer(text):
        found.append(_vague_age(match))
    for pattern in (SEX_AGE_EN, SEX_FIRST_EN, BRACKET_AGE, BIRTHDAY_EN):
        for match in pattern.finditer(text):
            found.append((match.start("n"), float(match.group("n")), False))
    for match in BORN_EN.finditer(text):
        born = _birth_year(match, year)
        if born is not None:
            found.append((match.end(), float(year - born), False))
    labelled = LABELLED_AGE_EN.search(clause.sentence[: clause.start - clause.sentence_start])
    lone_word = LABELLED_VALUE.match(text) if labelled else None
    if lone_word and not found:
        number = parse_number(lone_word.group("n"))
        if number is not None:
            found.append((lone_word.start("n"), number.value, number.approximate))
    opens = _opens_its_message(clause) and not _answers_another(clause)
    leading = LEADING_AGE_EN.match(clause.sentence) if opens else None
    if leading and not found:
        number = parse_number(leading.group("n"))
        if number is not None and not number.approximate:
            found.append((leading.start("n"), number.value, False))
    return found


def _introduced(clause: Clause) -> bool:
    """Whether a clause that is only a number in words follows a greeting, a name, "I'm" or
    what they do ("Hi, Frank, sixty,", "I'm a self-employed plumber, fifty-one."), and is no
    list of numbers or amounts ("fifteen, maybe twenty percent")."""
    after = clause.sentence_after()
    if NOT_AN_AGE_NEARBY.search(clause.sentence) or LIST_GOES_ON.match(after):
        return False
    previous = clause.previous().strip()
    if not previous:
        return _opens_its_message(clause)  # not "It's down sixty percent. Sixty."
    return bool(INTRODUCTION.fullmatch(previous) or SELF_DESCRIPTION.search(previous))


def retirement_age_answer(clause: Clause) -> re.Match[str] | None:
    """The age in a reply that is only an age, to a question about when the investor will
    retire ("When do you want to retire?" "at 65"; "打算几岁退休？" "六十岁"): an age to come."""
    question = clause.question
    if not (clause.opens_reply and RETIREMENT_AGE_QUESTION.search(question)):
        return None
    if OWN_AGE_QUESTION.search(question):
        return None  # "How old are you, and when would you like to retire?" "41. Hoping for 60."
    return RETIREMENT_AGE_ANSWER.match(clause.text)


def _answers_another(clause: Clause) -> bool:
    """Whether the clause's message answers a question other than one about age or about the
    investor in general ("能说说您的情况吗？")."""
    asked = clause.asked
    return bool(asked) and not AGE_QUESTION.search(asked) and not GENERAL_QUESTION.search(asked)


def _opens_its_message(clause: Clause) -> bool:
    """Whether the clause is the first words of its message."""
    return not clause.sentence[: clause.start - clause.sentence_start].strip() and not (
        clause.sentence_start
    )


def _shared_ages(clause: Clause, attribution: Attribution) -> list[AgeMention]:
    """An age given to a couple that includes the typist, when the typist is the investor, or
    to the parents spoken for (the first of the two)."""
    if attribution.subject.relation in COUPLE_RELATIONS:
        return [
            AgeMention(float(match.group("first")), False, clause.evidence(*match.span()))
            for match in THEIR_AGES_EN.finditer(clause.text)
        ]
    if attribution.subject.who != "self":
        return []
    found = []
    for match in BOTH_EN.finditer(clause.text):
        before = clause.sentence[: clause.start - clause.sentence_start + match.start()]
        number = parse_number(match.group("n") or match.group("first"))
        if OTHERS_BOTH.search(before):
            continue  # "my kids are both 17"
        # "🎉 both 27, ... and we want to invest it": the typist may come after the ages.
        typist = FIRST_PERSON.search(before if before.strip(" ,") else clause.sentence)
        if number is not None and (match.group("first") or typist):
            evidence = clause.evidence(match.start(), match.end())
            found.append(AgeMention(number.value, number.approximate, evidence))
    pair = PAIR_OF_AGES.match(clause.text)
    if pair and not found and COUPLE.search(clause.previous()):
        evidence = clause.evidence(pair.start("first"), pair.end("first"))
        found.append(AgeMention(float(pair.group("first")), False, evidence))
    return found


def _vague_age(match: re.Match[str]) -> tuple[int, float, bool]:
    """(position, age, approximate) of "40-something" (45) or "pushing 60" (59)."""
    if match.group("decade"):
        number = parse_number(match.group("decade"))
        value = (number.value if number else 40.0) + 5
        return match.start("decade"), value, True
    number = parse_number(match.group("n"))
    value = (number.value if number else 50.0) + VAGUE_SHIFT[match.group("rel").lower()]
    return match.start("n"), value, True


def _chinese_ages(text: str, year: int) -> list[tuple[int, float, bool]]:
    found: list[tuple[int, float, bool]] = []
    for match in AGE_ZH.finditer(text):
        group = next(g for g in ("n", "k", "r", "f", "o", "h", "g", "j", "p") if match.group(g))
        if _target_age_zh(text, match.start(group), match.end(group)):
            continue  # 四十五岁前躺平, 60岁退休: an age to come
        number = parse_number(match.group(group))
        if number is None:
            continue
        value, approximate = number.value, number.approximate
        if match.group("near"):
            value, approximate = value + NEAR_ZH[match.group("near")], True
        if match.group("o") or match.group("tail") == "出头":
            value, approximate = value + 1, True
        if match.group("h"):
            value, approximate = value + 5, True  # 五十好几: fifty-some, well past fifty
        found.append((match.start(group), value, approximate))
    for match in BORN_ZH.finditer(text):
        found.append((match.end(), float(year - _chinese_birth_year(match, year)), False))
    for match in AGE_IDIOM_ZH.finditer(text):
        found.append((match.start(), AGE_IDIOMS_ZH[match.group(0)], True))
    for match in GENERATION_ZH.finditer(text):
        written = match.group("gen")
        decade = CHINESE_GENERATION_DIGITS.get(written) or int(written.replace("零", "0"))
        # 90后: born in the 1990s, taken mid-decade; 85后: born 1985 to 1989.
        middle = 5 if decade % 10 == 0 else 2
        born = (1900 if decade >= 50 else 2000) + decade + middle
        found.append((match.start(), float(year - born), True))
    return found


def _target_age_zh(text: str, start: int, end: int) -> bool:
    """An age written as a target: 四十五岁前, 60岁退休, 到六十岁."""
    return bool(TARGET_AGE_AFTER_ZH.match(text[end:]) or TARGET_AGE_BEFORE_ZH.search(text[:start]))


def _chinese_birth_year(match: re.Match[str], year: int) -> int:
    """The year of birth a BORN_ZH match writes: 1988年出生, 88年的, 九七年的, 零三年的,
    一九七八年生."""
    spoken = match.group("spoken")
    if spoken:
        return _full_year(int("".join(SPOKEN_DIGITS_ZH[char] for char in spoken)), year)
    return _full_year(int(match.group("year") or match.group("short")), year)


_CHILD_EN = r"(?:son|daughter|kid|child|grandson|granddaughter|boy|girl|baby|toddler)"
CHILD_AGE_EN = re.compile(
    rf"(?<![\w])(?:{_CHILD_EN})s?(?:\s+\w+)?\s+(?:is|was|turns|turned|'s|’s|aged)\s+"
    rf"(?:only\s+|just\s+)?(?P<n>{NUMBER_EN})(?![\w%])"
    rf"|(?P<m>{NUMBER_EN})[- ]years?[- ]old\s+(?:{_CHILD_EN})"
    # "one toddler - she's 2", "a son, he turns 8 in May"
    rf"|(?:{_CHILD_EN})s?\W+(?:\w+\W+){{0,2}}?(?:she|he)(?:'s|’s| is| turns| turned| was)\s+"
    rf"(?:only\s+|just\s+)?(?P<p>{NUMBER_EN})(?![\w%])"
    rf"|(?:kids|children|sons|daughters|grandkids|grandchildren)\s*\((?P<list>[\d\s,and&]+)\)",
    re.IGNORECASE,
)
# A short sentence that ages the person last named, when that was a child: "I'd like to put
# something aside for my granddaughter's college. She's 8."
AGE_OF_LAST_NAMED_EN = re.compile(
    rf"^\W*(?:she|he)(?:'s|’s| is| turns| turned| just turned)\s+(?:only\s+|just\s+)?"
    rf"(?P<n>{NUMBER_EN})(?:\s*(?:years? old|yo))?\W*$",
    re.IGNORECASE,
)
PERSON_NAMED_EN = re.compile(
    rf"\b(?:(?P<child>{_CHILD_EN})s?|mum|mom|mother|dad|father|husband|wife|partner|grandma|"
    r"grandpa|grandmother|grandfather|nan|nana|sister|brother|aunt|uncle)\b",
    re.IGNORECASE,
)
CHILD_AGE_ZH = re.compile(
    rf"(?:儿子|女儿|闺女|孩子|小孩|孙子|孙女|外孙|外孙女|他|她|宝宝|娃|老大|老二)(?:今年|现在|才|刚)?"
    rf"(?P<n>{NUMBER_ZH})(?:岁|周岁)|(?P<m>{NUMBER_ZH})岁半?的(?:儿子|女儿|孩子|小孩|孙子|孙女|"
    r"宝宝)"
)
CHILD_AGES = (0, 17)
# Where no age is written, a child's school year or a birth gives one: "in 3rd grade" (about 8),
# 上初一 (about 12), 刚上一年级 (6), "a newborn", 刚出生 (0). A verb before 初一 keeps out the
# first day of a lunar month (正月初一).
_ORDINALS_EN = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
)
CHILD_SCHOOL_EN = re.compile(
    rf"\bin (?:the )?(?P<grade>\d{{1,2}}|{'|'.join(_ORDINALS_EN)})(?:st|nd|rd|th)? grade\b|"
    r"\b(?P<kindergarten>kindergarten|pre-?k)\b|"
    r"\b(?P<newborn>newborn|new baby|just had (?:a|our|my) (?:baby|son|daughter|little one))\b",
    re.IGNORECASE,
)
CHILD_SCHOOL_ZH = re.compile(
    r"(?:上|读|念|在读|是)(?:小学)?(?P<grade>[一二三四五六])年级|"
    r"(?:上|读|念|在读|是)(?P<school>初|高)(?P<year>[一二三])|"
    # Not 二胎刚出生: an elder child of unknown age is the one who studies first.
    r"(?<!二胎)(?<!老二)(?<!二宝)(?<!老三)(?P<newborn>刚出生|刚生下来|新生儿|刚满月|还没满月)"
)
FIRST_GRADE_AGE = 6
SECONDARY_AGE_ZH = {"初": 12, "高": 15}  # the first year of each
KINDERGARTEN_AGE = 5


def find_child_ages(conversation: Conversation) -> list[tuple[float, Evidence]]:
    """Ages of children named ("my son is 8", 孙子今年六岁, "kids (6 and 8)"), read over each
    sentence: the child may be named in one clause and aged in the next ("one toddler - she's
    2")."""
    found: list[tuple[float, Evidence]] = []
    sentences = {(c.message_index, c.sentence_start): c.sentence for c in conversation.clauses}
    previous: tuple[int, str] | None = None
    for (message_index, _), sentence in sentences.items():
        aged = AGE_OF_LAST_NAMED_EN.match(sentence)
        if aged and previous and previous[0] == message_index and _last_named_a_child(previous[1]):
            number = parse_number(aged.group("n"))
            if number is not None and CHILD_AGES[0] <= number.value <= CHILD_AGES[1]:
                found.append((number.value, quote(message_index, aged.group(0).strip())))
        previous = (message_index, sentence)
        for match in [*CHILD_AGE_EN.finditer(sentence), *CHILD_AGE_ZH.finditer(sentence)]:
            groups = match.groupdict()
            written = groups.get("list")
            single = groups.get("n") or groups.get("m") or groups.get("p")
            texts = re.findall(r"\d+", written) if written else [single] if single else []
            for text in texts:
                number = parse_number(text)
                if number is not None and CHILD_AGES[0] <= number.value <= CHILD_AGES[1]:
                    found.append((number.value, quote(message_index, match.group(0))))
        for match in [*CHILD_SCHOOL_EN.finditer(sentence), *CHILD_SCHOOL_ZH.finditer(sentence)]:
            found.append((_school_age(match), quote(message_index, match.group(0))))
    return found


def _last_named_a_child(sentence: str) -> bool:
    """Whether the last person a sentence names is a child ("my granddaughter's college")."""
    named = list(PERSON_NAMED_EN.finditer(sentence))
    return bool(named and named[-1].group("child"))


def _school_age(match: re.Match[str]) -> float:
    """The usual age of a child in the school year (or at the birth) a match names."""
    groups = match.groupdict()
    if groups.get("newborn"):
        return 0.0
    if groups.get("kindergarten"):
        return float(KINDERGARTEN_AGE)
    if groups.get("school"):
        return float(SECONDARY_AGE_ZH[groups["school"]] + "一二三".index(groups["year"]))
    grade = groups["grade"].lower()
    if grade.isdigit():
        number = int(grade)
    elif grade in _ORDINALS_EN:
        number = _ORDINALS_EN.index(grade) + 1
    else:
        number = "一二三四五六".index(grade) + 1
    return float(FIRST_GRADE_AGE + number - 1)


def _birth_year(match: re.Match[str], year: int) -> int | None:
    """The year a `BORN_EN` match gives, in digits or in words."""
    if match.group("year"):
        return int(match.group("year"))
    if match.group("short"):
        return _full_year(int(match.group("short")), year)
    said = parse_year_in_words(match.group("words"))  # "born in nineteen seventy-nine"
    if said is not None:
        return said
    short = parse_number(match.group("words"))  # "born in ninety-six"
    return None if short is None else _full_year(int(short.value), year)


def _full_year(written: int, year: int) -> int:
    """A year written with two digits ('61, 88年) in the most recent century that fits."""
    if written >= 100:
        return written
    return written + (1900 if written > year % 100 else 2000)


def infer_age(mentions: list[AgeMention]) -> tuple[Inferred[int], bool]:
    """The investor's age (the latest exact mention, else the latest approximate one) and
    whether the mentions disagree."""
    if not mentions:
        return Inferred[int](), False
    exact = [m for m in mentions if not m.approximate]
    chosen = (exact or mentions)[-1]
    disagree = len({round(m.age) for m in exact}) > 1 and (
        max(m.age for m in exact) - min(m.age for m in exact) > DISAGREEMENT_YEARS
    )
    confidence = APPROXIMATE_CONFIDENCE if chosen.approximate else EXACT_CONFIDENCE
    if disagree:
        confidence = APPROXIMATE_CONFIDENCE
    evidence = tuple(dict.fromkeys(m.evidence for m in (exact or mentions)))
    return Inferred[int](
        value=round(chosen.age), confidence=confidence, evidence=evidence
    ), disagree


# ---------------------------------------------------------------------------------------------
# Life stage cues: used only for the investor (attribution), and only when not negated.

_SELF_RETIRED_EN = (
    r"(?:i'?m|i am|im|we'?re|we are|she'?s|he'?s|is|are|was|were|been|now|"
    r"recently|just|already|who'?s|being)\s+(?:(?!not\b|"
    r"never\b)\w+\s+)?(?:semi-)?retired(?! (?:at|by|when|in) )",
)
STAGE_CUES = (
    *english(
        "retired",
        *_SELF_RETIRED_EN,
        r"(?:i|we|she|he|they)\s+(?:(?!not\b|never\b|will\b|would\b|want\b|plan\b)\w+\s+)?"
        r"retired\b(?!\s+(?:by|when|before))",
        r"since\s+(?:i|we|she|he|they)\s+retired",
        r"(?:since|after|before) retiring|now that (?:i'?m|we'?re|she'?s|he'?s) retired",
        r"(?:left|gave up|finished) (?:work|my job|working)(?: for good)?",
        r"retired\s+(?:since|for|last|two|three|a few|several|\d+)",
        r"(?:i'?m|i am|she'?s|he'?s|she is|he is)\s+an?\s+(?:\w+\s+)?(?:retiree|pensioner|senior)",
        r"(?:in|during|enjoying)\s+(?:my|our|her|his|their)\s+retirement",
        r"(?:live|living|survive|surviving|get by|getting by)\s+on\s+(?:my|our|her|his|their|a)\s+"
        r"(?:\w+\s+)?(?:pension|social security)",
        r"(?:collect|collecting|draw|drawing|receive|receiving|get|getting)\s+(?:my|her|his|a|our|"
        r"their)?\s*(?:state\s+|monthly\s+)?(?:pensions?|social security)",
        # "My teacher's pension pays the bills"; not "my pension is all in a global tracker".
        r"(?:my|our|her|his|their) (?:monthly |\w+'s |state |work |army |nhs )?(?:pension|social "
        r"security) (?:is(?! (?:all in|all invested|mostly|invested|in |split|with|tied|down|"
        r"up))|pays|covers|checks?|income)",
        r"(?:no longer|stopped) working",
        r"^\s*(?:semi-)?retired(?! (?:at|by|when|in) )",
        r"^\W*(?:just|recently|finally) retired\b|(?:they'?re|they are|we'?re|we are)\s+"
        r"(?:both\s+)?(?:\w+\s+){0,2}?(?:and\s+)?retired\b",
        weight=1.0,
    ),
    *english(
        "grandparent",
        r"(?:my|our|her|his|their)\s+(?:grandkids|grandchildren|grandson|granddaughter|"
        r"great-grandchildren)",
        r"(?:have|has|'ve|'s|got)\s+(?:got\s+)?(?:\w+\s+)?(?:grandkids|grandchildren|grandsons?|"
        r"granddaughters?)\b|\b(?:a|new|first|second|third)\s+(?:grandchild|grandson|granddaughter|"
        r"grandbaby)\b|\bgrand(?:ma|pa|mother|father|parents?) (?:of|to) (?:\w+ )?\w+",
        # "Having become a great-grandmother": the match stops before the relation word, which
        # would otherwise make the cue someone else's.
        r"\bthe (?:grandkids|grandchildren)\b",
        r"\b(?:became|become|becoming|am|i'?m|now) a(?= great-?grand(?:mother|father|ma|pa|"
        r"parent)\b)",
        # "Just became a grandma", "Seven grandchildren now".
        r"\b(?:became|become|becoming) a(?= (?:grandma|grandmother|granny|nan|nana|grandad|"
        r"granddad|grandpa|grandfather|grandparent)\b)",
        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2}) (?:grandkids|"
        r"grandchildren|grandsons|granddaughters)\b",
        weight=1.0,
    ),
    *english(
        "near_retirement",
        r"(?:about|going|planning|due|set|ready) to retire(?! in \d)",
        r"(?:close|closer|near|nearing|approaching|on the verge of|edge of)\s+(?:to\s+)?retirement",
        r"retir(?:e|ing) (?:next year|this year|soon|in a (?:year|couple)|within a year)",
        r"(?:a|one|two|few) years? (?:from|away from|until|till|to) retirement",
        weight=0.8,
    ),
    *english(
        "youth",
        r"(?:just|recently|newly) graduated|(?:just|recently) (?:finished|done|"
        r"completed) my (?:masters?|degree|phd|studies|uni|a-levels)",
        # "after completing my B.Tech this year", "joined as a trainee".
        r"(?:completed|completing|finished|finishing) my (?:b\.?\s?tech|b\.?\s?e\.?|b\.?\s?sc|"
        r"b\.?\s?com|bachelor'?s?|degree|graduation|masters?) (?:this|last) year",
        r"(?:joined|joining|started|starting) (?:\w+ ){0,6}?as an? (?:graduate )?(?:trainee|"
        r"intern|apprentice)",
        r"(?:final|last)[- ]year (?:med|medical|law|uni|university|college|phd) student|(?:med|"
        r"medical|law|nursing) student",
        r"(?:fresh|recent|new) (?:grad|graduate)",
        r"(?:college|university|uni|grad|graduate|phd|masters?|mba) student",
        # "I'm a second-year student at Edinburgh".
        r"(?:i'?m|i am|im) an? (?:first|second|third|fourth|final|1st|2nd|3rd|4th)[- ]year "
        r"(?:\w+ )?student",
        r"(?:i'?m|i am|im) (?:still )?(?:in|at) (?:college|university|uni|school|grad school)",
        r"(?:my|a) first (?:real |full-time |proper )?job",
        r"first (?:real |full-time |proper )?job (?:out of|after|since) (?:college|uni|university|"
        r"school|grad school)",
        r"(?:just|recently) (?:finished|left|got out of|done with) (?:uni|university|college|grad "
        r"school)",
        r"(?:first|second|third|fourth|final)[- ]year (?:of )?(?:comp ?sci|cs|engineering|law|med|"
        r"medicine|nursing|econ|economics|business|maths?|physics|chemistry|biology|history|"
        r"english|psych\w*|accounting|finance|architecture|pharmacy)\b",
        r"(?:started|starting) (?:my )?(?:first )?(?:job|career) (?:last|this) (?:year|month)",
        r"entry[- ]level",
        r"student loans?",
        r"(?:just|recently) (?:started|began) (?:working|my career)",
        r"(?:my|our) (?:early |mid |late )?20s",
        r"(?:still )?living with my parents",
        r"(?:final|first|second|third) year (?:of|at) (?:uni|university|college)|freshman|"
        r"sophomore|"
        r"apprentice\w*|internship|(?:an|my) intern\b",
        weight=0.8,
    ),
    *english("midlife", r"mid-?career", r"middle[- ]aged?", weight=0.6),
    *chinese(
        "retired",
        # Not 二十来年后退休了再拿出来: a retirement to come.
        r"(?<!快)(?<!要)(?<!马上)(?<!没)(?<!未)(?<!还没)(?<!等)(?<!到)(?<!年后)(?<!以后)(?<!之后)"
        r"退休了(?!再)",
        r"已经?退休",
        r"(?:上个月|上月|去年|前年|年初|年前|刚|刚刚|早就|早已|(?<!打算)(?<!计划)(?<!准备)(?<!想)"
        r"(?<!岁)提前|内退|"
        r"病退)(?:就)?退(?:休)?(?!金)",
        r"退休(?:在家|以后每个月|这几年|好几年|多年|快?\d+年|[一二两三四五六七八九十几]+年)",
        r"(?:领|拿|靠)(?:着)?(?:退休金|养老金|退休工资|社保)",
        r"(?:退休金|养老金|退休工资)(?:每个?月|一个月|有|是|就|才|[一二两三四五六七八九\d]+千)",
        r"退休(?:人员|老人|职工|教师|干部|工人)",
        weight=1.0,
    ),
    *chinese(
        "grandparent",
        r"(?:孙子|孙女|外孙|外孙女|孙辈)",
        r"(?:老两口|老伴|老头子|老婆子)",
        weight=1.0,
    ),
    *chinese(
        "near_retirement",
        r"(?:快|快要|马上|马上就要|明年|今年|即将|就要)(?:要)?退休",
        r"(?:离|距离)退休(?:还有|只有|就)?(?:一两年|一年|两年|不到|几个月|半年)",
        weight=0.8,
    ),
    *chinese(
        "youth",
        r"刚毕业|今年(?:[\d一二三四五六七八九十]{1,2}月份?)?(?:刚|才)?毕业|应届|大学生|"
        r"研究生|本科生|在读|读研|读博|(?<![风险很太较])大[一二三四](?![点些])|"
        r"刚工作|刚参加工作|刚上班|"
        r"刚入职|"
        r"第一份工作|工作(?:一两|一|两|二)年|毕业(?:一|两|二|没几)年|职场新人|单身狗|还在上学",
        weight=0.8,
    ),
    *chinese("midlife", r"中年", weight=0.6),
)
STAGE_OF_CUE: dict[str, LifeStage] = {
    "retired": "retirement",
    "grandparent": "retirement",
    "near_retirement": "retirement",
    "youth": "youth",
    "midlife": "midlife",
}
ELDER_LABELS = ("retired", "grandparent")
CUE_CONFIDENCE = 0.75


def stage_of_age(age: int) -> LifeStage:
    """youth below 30, midlife 30-49, retirement from 50 (the suitability profile's rule)."""
    if age < YOUTH_BELOW:
        return "youth"
    return "midlife" if age < RETIREMENT_FROM else "retirement"


def find_stage_cues(
    conversation: Conversation, matcher: CueMatcher, attribution: Attribution
) -> list[Hit]:
    """Life-stage cues that describe the investor, stated as facts (not negated, not "if")."""
    return [
        hit
        for hit in matcher.find(STAGE_CUES, conversation.clauses)
        if not hit.negated and not hit.hypothetical and attribution.is_investor(hit.clause, hit.end)
    ]


def infer_life_stage(age: Inferred[int], cues: list[Hit]) -> Inferred[LifeStage]:
    """Retired or a grandparent (at any age) wins; then the age; then the strongest cue; else
    unknown."""
    retired = [hit for hit in cues if hit.label in ELDER_LABELS]
    if retired:
        return _from_hits("retirement", retired)
    if age.value is not None:
        return Inferred[LifeStage](
            value=stage_of_age(age.value), confidence=age.confidence, evidence=age.evidence
        )
    if not cues:
        return Inferred[LifeStage]()
    weights: dict[LifeStage, float] = {}
    for hit in cues:
        stage = STAGE_OF_CUE[hit.label]
        weights[stage] = weights.get(stage, 0.0) + hit.weight
    best = max(weights, key=lambda stage: weights[stage])
    return _from_hits(best, [hit for hit in cues if STAGE_OF_CUE[hit.label] == best])


def _from_hits(stage: LifeStage, hits: list[Hit]) -> Inferred[LifeStage]:
    evidence = tuple(dict.fromkeys(hit.evidence() for hit in hits))
    confidence = min(0.95, CUE_CONFIDENCE + 0.1 * (len(hits) - 1))
    return Inferred[LifeStage](value=stage, confidence=confidence, evidence=evidence)

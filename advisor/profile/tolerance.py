"""Loss tolerance stated in numbers and in behaviour: the strongest willingness evidence.

* A tolerable fall: a percentage (or half, a quarter, 三成, 一半, 腰斩) with a word of
  acceptance ("I could live with a 15% dip", "a 40% drop doesn't scare me", 亏一半也认,
  百分之五十以内都无所谓), or alone in reply to "how much of a fall could you accept?"
  ("Maybe 5%?"), or in the next clause ("30% down, I'd shrug"). A word of refusal instead
  ("can't take a 10% loss", 亏个百分之十就心疼了) puts the limit just under the fall, never in
  the top class, and marks it a ceiling (see `risk`); a stated maximum ("10% but not much more",
  "10-15% max") puts a fall on a band's edge in the band below and bounds what else they say.
  Levels: no loss → 1, below 10% → 2, below 20% → 3, below 35% → 4, from 35% → 5.
* An answer to "what would you do / how would you feel if it fell 25%?": hold (stay the course,
  拿着不动) or fine (无所谓) → the level of that fall (4 with no number); buy more (加仓) → one
  level above it; sell everything → 2; sell some → 3; it would feel terrible (受不了) → one level
  below that fall.
* Behaviour in a real fall, past or happening now ("market's down 15%"): held through it without
  selling (2022年亏过两成多也没卖, "sat through 2020") → 4, or the level of the fall named (at
  least 3); bought more → 5; sold → 2; unmoved by the fall they are in ("not bothered") → 4.
* A return target: 10% a year or more → 5, 6% → 4, 4% → 3, less → 2.
"""

import math
import re
from dataclasses import dataclass

from advisor.profile.lexicon import CONDITION
from advisor.profile.numbers import (
    ENGLISH_TENS,
    ENGLISH_UNITS,
    NUMBER_EN,
    NUMBER_ZH,
    YEAR_IN_WORDS,
    parse_number,
)
from advisor.profile.text import Clause

LOSS_BANDS = ((1, 1), (10, 2), (20, 3), (35, 4))  # tolerable loss below N% → level
RETURN_BANDS = ((4, 2), (6, 3), (10, 4))  # wanted yearly return below N% → level
HOLD_WITHOUT_NUMBER = 4
SOLD_LEVEL = 2
SOLD_SOME_LEVEL = 3
SMALL_FALLS_LEVEL = 2
BOUGHT_LEVEL = 5
REFUSED_LEVEL_CAP = 4
REFUSED_SHARE = 0.5  # of a refused fall, the share they would bear calmly
CALM_IN_FALL_LEVEL = 4
HELD_NAMED_FLOOR = 3

_ZH_NUM = r"[零一二两三四五六七八九十百\d.]+"
# Percentages in words: "fifteen per cent", "twenty-five percent".
_TENS_WORD = "|".join(sorted(ENGLISH_TENS, key=len, reverse=True))
_UNIT_WORD = "|".join(sorted(ENGLISH_UNITS, key=len, reverse=True))
# The first number is possessive (`\d++`): a long run of digits is not split every way between it
# and the range's second number, which took minutes for a message of a few thousand digits.
# "12% is about my limit": a limit is a fall they can bear.
LIMIT = re.compile(
    r"\b(?:my|the|her|his) (?:absolute |upper |hard |real )?(?:limit|max|maximum|threshold|"
    r"breaking point|pain threshold)\b|%\s+(?:person|guy|gal|type|investor)\b|"
    r"底线|极限|上限",
    re.IGNORECASE,
)
# A fall told in money: "if my 100k became 80k", "$200k fell to $140k", "50万跌到40万".
_AMOUNT = r"[$£€¥]?\s?(?:\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百]+)\s?(?:k\b|m\b|grand|万|千)?"
_BECAME = (
    r"(?:(?P<from_to>to)|became|become|becomes|went (?:down )?to|go(?:es)? (?:down )?to|fell to|"
    r"falls? to|dropped to|drops? to|turned into|turns? into|shr[au]nk to|is now|变成了?|跌到了?|"
    r"跌成了?|缩水(?:到|成)了?|只剩(?:下)?)"
)
PERCENT = re.compile(
    rf"(?P<from_amount>{_AMOUNT})\s*{_BECAME}\s*(?P<to_amount>{_AMOUNT})(?![\d%％]|\s*per)"
    rf"|(?P<num>\d++(?:\.\d+)?)\s*(?:-|–|to)?\s*(?P<num_high>\d+(?:\.\d+)?)?\s*(?:%|％|percent|"
    rf"per cent)"
    rf"|百分之(?P<zh>{_ZH_NUM})|(?P<points>\d+|[一二两三四五六七八九十]{{1,2}})\s*来?个点"
    rf"|(?P<low_tenths>[一二两三四五六七八九](?=[一二两三四五六七八九]成))?"
    # 一成五: one and a half tenths, 15%.
    r"(?P<tenths>[一二两三四五六七八九\d])成(?:(?P<hundredths>[一二三四五六七八九])(?![万千百年])|"
    r"(?P<half_tenth>半))?"
    r"(?!本|交|年)"
    rf"|\b(?P<words>(?:{_TENS_WORD})(?:[\s-](?:{_UNIT_WORD}))?|{_UNIT_WORD})\s*(?:percent|per cent)"
    r"|(?P<half>\bhalf\b|一半|腰斩|\bhalve[sd]?\b)|(?P<quarter>\ba quarter\b|四分之一)"
    r"|(?P<third>\ba third\b|三分之一)|(?P<fifth>\ba fifth\b|五分之一)|(?P<tenth>\ba tenth\b|"
    r"十分之一)",
    re.IGNORECASE,
)
# A loss told in money: 亏个两三千块钱, 亏五六千, "lose more than 5k". Read against the largest
# sum (`SUM`) named before it, when the loss is at most `MAX_MONEY_SHARE` of it.
LOSS_IN_MONEY = re.compile(
    # With its unit: 亏一点 and 亏个十来个点 are no money.
    r"亏(?:个|了|掉|上)?(?P<zh>(?:\d[\d,]*(?:\.\d+)?|[一二两三四五六七八九十百几]+)\s?(?:万|千)|"
    r"(?:\d[\d,]*|[一二两三四五六七八九十百几]+)(?=\s?(?:块|元)))|"
    r"\blos(?:e|ing)\s+(?:more than\s+|"
    r"over\s+|even\s+|about\s+)?(?P<en>[$£€]\s?\d[\d,]*(?:\.\d+)?\s?(?:k\b|grand)?|"
    r"\d[\d,]*(?:\.\d+)?\s?(?:k\b|grand))",
    re.IGNORECASE,
)
SUM = re.compile(
    r"(?P<amount>[$£€¥]?\s?\d[\d,]*(?:\.\d+)?\s?(?:k\b|m\b|grand|万)|[$£€]\s?\d[\d,]*"
    r"(?:\.\d+)?|[一二两三四五六七八九十百]+万)",
    re.IGNORECASE,
)
MAX_MONEY_SHARE = 0.6
# A reply that accepts no loss: "None.", "none please", "Zero, honestly", 一分都不行.
NO_LOSS_ANSWER = re.compile(
    r"^\W*(?:(?:honestly|really|um+|uh+|well|hmm+)\W+)?(?P<none>none|zero|nothing|0\s*%?|not a "
    r"(?:penny|cent|dime)|no loss(?:es)?(?: at all)?|零|一分(?:钱)?(?:都|也)不(?:行|能亏))"
    r"(?![\w%])",
    re.IGNORECASE,
)
FROM_BEFORE = re.compile(r"\bfrom\s*$", re.IGNORECASE)
FALL = re.compile(
    r"\b(?:drop\w*|fall\w*|fell|los(?:e|es|t|ing|ses|s)\b|loss\w*|declin\w*|crash\w*|drawdown\w*|"
    r"dip\w*|down|wobbl\w*|slump\w*|sink\w*|sank|sunk|nosediv\w*|haircut|correction|hits?|"
    r"plung\w*|tank\w*|swings?)\b|跌|亏|回撤|损失|缩水|腰斩|浮亏|下跌|波动",
    re.IGNORECASE,
)
ACCEPT = re.compile(
    r"\b(?:live with|accept\w*|tolerat\w*|stomach|handle|take|bear|ok|okay|fine|comfortable|"
    r"survive|ride (?:it )?out|hold|held|sit thr(?:ough|u)|happy|whatever|"
    r"keep (?:\w+ ){0,3}(?:running|going)|not (?:worried|bothered|fazed|scared)|(?:be|"
    r"is) a (?:sale|discount|bargain)|buying opportunity|cop|wear|shrug|carry on|not blink|"
    r"without (?:blinking|flinching)|(?:wouldn'?t|won'?t|didn'?t|not) (?:blink|flinch)|"
    r"wouldn'?t have me sell\w*|wouldn'?t kill (?:me|us)|the most (?:i|we)(?:'d| would)? (?:want|"
    r"like|accept|take|handle)|(?:wouldn'?t|would not|won'?t|will not) (?:make (?:me|us) sell|"
    r"change|bother|scare|worry|faze)|(?:doesn'?t|don'?t) (?:scare|bother|worry|faze)|(?:don'?t|"
    r"wouldn'?t|would not) mind|"
    r"wouldn'?t sell|won'?t sell|not sell|without selling|easy|no problem|no biggie|no sweat|cope|"
    r"at most|no more than|max(?:imum)?|up to|within|limit|tops|at the (?:very )?most|or so|ish|"
    r"more than|beyond|(?:doesn'?t|don'?t|wouldn'?t|won'?t|didn'?t) (?:cost|keep|lose|"
    r"give) me (?:any )?sleep|(?:doesn'?t|don'?t|wouldn'?t|won'?t|didn'?t) (?:\w+ )?(?:trouble|"
    r"bother|faze|rattle|fuss) me)\b|接受|承受|忍受|扛|能|可以|无所谓|也认|认了|没问题|以内|之内|"
    r"控制在|不超过|别超过|最多|顶多|至多|撑死|问题不大|不会停|也不停|不会动|也不动|没有?紧张|不慌|拿得住|不卖|不会卖|没卖|不会割肉|"
    r"不割肉|没割|都行|还行|(?<![银贵本分支总商])行|不怕|不在乎|(?:继续|会)持有|继续拿着?|(?:照样|"
    r"也|都)拿着|顶得住|撑得住|(?<!受不了)受得了",
    re.IGNORECASE,
)
REFUSE = re.compile(
    r"\b(?:can'?t|cannot|couldn'?t|not able|too much|(?:would|i'?d)(?: \w+ly| probably|"
    r" just)? (?:panic|sell)|freak out|lose sleep|upset|devastat\w*|hurt|kill me|too painful|"
    r"wreck\w*|ruin\w*|gutted|crushed|(?:lie|lying|be|keep \w+) awake|keep (?:me|her|him|us|"
    r"them) up|sick|hate|dread)\b|受不了|接受不了|承受不了|扛不住|不能|心疼|睡不着|睡不好|"
    r"睡不踏实|不行|"
    r"(?<!不)会卖|(?<![不没别])慌",  # 跌三成我也不慌 accepts
    re.IGNORECASE,
)
# What follows refuses more than the size named: "any more and I'd panic", 再多就睡不着了.
MORE_THAN_THIS = re.compile(
    r"再多|\bany (?:more|worse|bigger)\b|\banything (?:more|worse|bigger)\b|\bmore than (?:that|"
    r"this)\b|\bbeyond (?:that|this)\b|超过(?:这个|了)?$",
    re.IGNORECASE,
)
# Sizes that are falls by themselves: "if it halved", 腰斩; any size "off" ("half off").
FALLING_SIZE = re.compile(r"halve[sd]?|腰斩", re.IGNORECASE)
OFF_AFTER = re.compile(r"\s*off\b", re.IGNORECASE)
# A fall that happened, right before its size: "has lost a third", "is down 30%", "亏了三成".
ACTUAL_FALL = re.compile(
    r"\b(?:has|have|had|is|are|was|'s|its|'ve|already|just)\s+(?:\w+\s+)?(?:lost|fallen|dropped|"
    r"crashed|tanked|plunged|sunk|slid|down|dipped|shed)\s+(?:by\s+)?(?:about\s+|almost\s+|"
    r"nearly\s+|over\s+|another\s+|more than\s+|around\s+)?$|(?:已经|现在|又|都|目前|一共)(?:亏了|"
    r"跌了|亏损了|缩水了|回撤了|少了|套了)(?:有|快|近|差不多)?$",
    re.IGNORECASE,
)
NEGATED_BEFORE = re.compile(
    r"\b(?:not|never|no|wouldn'?t|won'?t|doesn'?t|don'?t|didn'?t|couldn'?t)\s+(?:\w+\s+){0,2}$|"
    r"不会$",
    re.IGNORECASE,
)
HOW_MUCH_QUESTION = re.compile(
    r"how (?:much|big|large|far)|what (?:size|percentage|level)|最多|多少|多大|多高", re.IGNORECASE
)
CONDITIONAL_QUESTION = re.compile(
    r"\bif\b|\bwould\b|如果|假如|要是|万一|会怎么|会怎样|会如何", re.IGNORECASE
)
# A fall told as the money before and after, in the investor's own scenario ("I put in 100k and a
# year later the app shows 80k", 假如我投了十万，一年后变成七万).
SCENARIO_MONEY_FALL = re.compile(
    rf"(?P<start>{_AMOUNT})[^.。!?！？]{{0,40}}?(?:shows?|showing|became|becomes|is worth|"
    rf"turns? into|is down to|变成了?|只剩(?:下)?|剩下?|跌到了?|跌成了?)\s*(?P<end>{_AMOUNT})",
    re.IGNORECASE,
)
HOLD = re.compile(
    r"\b(?:hold|held|stay the course|stay(?:ed)? invested|sit tight|do nothing|nothing|wait|"
    r"ride it "
    r"out|keep (?:it|investing|paying in|contributing)|not sell|wouldn'?t sell|won'?t sell|"
    r"leave it|grit my teeth|hang on|hang in)\b|"
    r"拿着|不动|持有|不卖|不会卖|等|扛着|继续拿|坚持|不管它|放着|拿得住|扛得住|拿得稳",
    re.IGNORECASE,
)
BUY_MORE = re.compile(
    r"^\W*(?:buy|buying|i'?d buy|买|买入)\W*$|\b(?:buy (?:more|the dip|again)|bought more|"
    r"buying more|add(?:ing)? more|top(?:ping)? up|"
    r"invest more|double down|keep buying|kept buying|keep adding|continue(?:d)? (?:to buy|"
    r"buying)|(?:chuck|put|throw|pour|pile|stick) (?:some )?(?:more|extra) in|add (?:from|more|"
    r"some))\b|加仓|补仓|加了仓|补了仓|抄底|买更多|多买|再买|再补|补点|补一些|照(?:样)?买|接着买|"
    r"继续买",
    re.IGNORECASE,
)
SELL_ALL = re.compile(
    r"\b(?:sell (?:it all|everything|all)|get out|cash out|pull (?:it )?(?:all )?out|sell|"
    r"(?:take|pull|get|move) (?:it|the money|everything|my money|the lot|it all) (?:all )?"
    r"(?:out|to cash|into cash)|withdraw\w*|bail\w*)\b|"
    r"全(?:部)?卖|清仓|割肉|赎回|卖掉|卖了|撤出来|取出来|拿出来",
    re.IGNORECASE,
)
UPPER_BOUND = re.compile(
    r"\b(?:not|no|nothing) (?:really |much |a lot |any )?(?:more|bigger|worse)(?: than (?:that|"
    r"this))?\b|\bnot (?:a )?(?:whole )?lot (?:past|beyond|more than) (?:that|this)\b|"
    r"\bthe most (?:i|we)(?:'d| would)? (?:want|like|accept|take|handle)\b|\bat (?:the )?most\b|"
    r"\bno more than\b|\btops\b|\bmax(?:imum)?\b|\b(?:any|anything) (?:more|worse|bigger) and\b|"
    r"\bmore than (?:that|this) and\b|^\W*up to\b|"
    r"最多|顶多|至多|撑死|不超过|别超过|以内|之内|再多[^，。！？]{0,4}?(?:就|了)?(?:不行|受不了|"
    r"不能|吃不消|扛不住|承受不了|肉疼|心疼|难受|睡不着)",
    re.IGNORECASE,
)
# A tolerance the investor now takes back: "I thought I could handle a 30% drop but I'm about to
# sell the lot" refuses that fall.
RETRACTED = re.compile(
    r"\b(?:i|we) (?:thought|believed|assumed|used to think|told myself) (?:i|we)(?:'d| would| could"
    r"| can)\b|(?:我)?(?:以为|本来以为|原以为)(?:我|自己)?(?:能|可以)",
    re.IGNORECASE,
)
# Weighing whether to sell: 要不要割肉, 该不该卖, "thinking about whether to sell".
WEIGHING = re.compile(
    r"(?:要不要|该不该|是不是(?:该|要)|想不想|琢磨|考虑)[^，。！？]{0,8}$|"
    r"\bwhether (?:to|i should)\s*(?:\w+\s+)?$",
    re.IGNORECASE,
)
# A fall qualified as small: "small dips ok", 小波动还行.
SMALL_FALLS = re.compile(
    r"\b(?:small|minor|little|slight|tiny)\s+(?:dips?|drops?|falls?|losses|swings|ups? "
    r"and downs?|wobbles?|fluctuations?)\b|小(?:幅|的)?(?:波动|回撤|亏损|下跌|跌)",
    re.IGNORECASE,
)
# How the investor says they would feel about the fall the question names.
FEEL_FINE = re.compile(
    r"\b(?:fine|ok|okay|alright|not (?:bothered|worried|too worried)|wouldn'?t (?:worry|mind|care)|"
    r"calm|relaxed|no problem|unbothered|meh|shrug)\b|没事|无所谓|能接受|可以接受|还好|没关系|"
    r"不慌|淡定",
    re.IGNORECASE,
)
FEEL_BAD = re.compile(
    r"\b(?:terrible|awful|horrible|panic\w*|worried|scared|upset|sick|freak\w*|devastated|"
    r"gutted|gutting|crushed|heartbroken|wrecked|hate (?:that|it|this|seeing)|dread\w*|"
    r"stress\w* (?:out|me)|nervous|anxious|"
    r"couldn'?t (?:take|handle|stand|bear|stomach)|lose sleep|not (?:good|great|happy|ok|okay|"
    r"fine)|disaster)"
    r"\b|受不了|睡不着|难受|心疼|(?<![不没别])慌|接受不了|扛不住|很难过|崩溃|不能接受|经不起",
    re.IGNORECASE,
)
SELL_SOME = re.compile(
    r"\b(?:sell (?:some|half|a (?:bit|little|part))|trim|reduce)\b|卖一部分|减仓|卖一半"
)
# The size of a fall after its word: "最大回撤45%", "a 45% drawdown" reads the other way round.
SIZED_FALL = re.compile(
    rf"(?:回撤|跌|亏|drawdown of|down|fell|dropped)\s*(?:了|过)?\s*(?:about\s+|约|近|"
    rf"快)?(?:{PERCENT.pattern})",
    re.IGNORECASE,
)
# A fall that is happening now: "market's down 15% and I've been buying more".
CURRENT_FALL = re.compile(
    r"\b(?:down|drop|dropped|fall|fell|fallen|lost|dip|dipped)\s+(?:by\s+)?(?:about\s+|almost\s+|"
    r"nearly\s+|over\s+|around\s+|roughly\s+)?\d+\s*%"
    rf"|跌了(?:快|近|将近|差不多)?(?:百分之{_ZH_NUM}|\d+\s*[%％]|[一二两三四五六七八九]成)",
    re.IGNORECASE,
)
REAL_FALL = re.compile(
    rf"{CURRENT_FALL.pattern}|"
    rf"\b(?:19|20)\d\d\b|{YEAR_IN_WORDS}|"
    r"\b(?:the |that )?(?:crash|covid|pandemic|financial crisis|downturn|bear market|dot-?com|"
    r"last (?:drop|fall|dip)|gfc)\b|(?:19|20)\d\d年|那次|股灾|熊市|那波|上次|经历过|好几回|好几次|"
    # 22年下跌的时候, 22年账户回撤了25%: a year in two digits, before the fall.
    r"(?<![0-9])[0-2][0-9]年(?=[^，。！？,.!?]{0,4}(?:下跌|大跌|暴跌|跌|回撤|亏|腰斩|股灾|熊市|那波|那次))|"
    # 08年、15年我都扛过来了: the crash years listed.
    r"(?<![0-9])(?:08|15|18|20|22)年(?=、|和|跟)",
    re.IGNORECASE,
)
HELD_IN_FALL = re.compile(
    r"\b(?:never|not) (?:once |ever )?(?:sold|panic[- ]sold|pulled out|cashed out)\b|\b(?:sat|sit|"
    r"held|hold|stayed|rode|ride|watched it (?:drop|fall|crash)) (?:\w+ ){0,3}?(?:through|thru|in|"
    r"out)\b|\b(?:without selling|didn'?t sell|did not sell|never sold|kept (?:investing|buying|"
    r"contributing|dca\w*|putting (?:money )?in)|stayed the course|kept (?:the |"
    r"my )?(?:monthly )?(?:direct debit|contributions?|sips?|payments?|standing order) going|"
    r"continued(?: (?:investing|my sips|the sips|contributing|buying|only))?|sold nothing|"
    r"sold none|(?:didn'?t|did not|never|haven'?t|hasn'?t) sold? (?:a thing|anything|a share|"
    r"a single share|a penny)|held on|kept trading(?: through)?|(?:didn'?t|did not|"
    r"never) touch(?:ed)? (?:it|them|a thing)|(?<!not )(?:happy|fine|content) (?:to )?"
    r"(?:leave|leaving) it|i'?m leaving it)\b|没卖|没有卖|也没卖|(?:我|也|都|一直)没停|"
    r"一股(?:都|也)?没卖|扛过来|"
    r"扛过去|拿住|一直拿着|拿着没动|一直持有|没动过|坚持下来|没动|见得多|(?:没|没有|从没|"
    r"从来没有?|都没|也没)(?:割肉|清仓|止损|卖出?|跑|离场)|(?<![不])没割(?!过?肉)",
    re.IGNORECASE,
)
BOUGHT_IN_FALL = re.compile(
    # Not "down 20% since I bought it" or "flats bought between 2012 and 2016": when they
    # bought, not buying in the fall.
    r"(?<!since i )(?<!since we )(?<!when i )\b(?:bought|added|invested|buying) (?!between\b)"
    # Not a home: "bought a flat in 2021 right at the peak".
    r"(?!(?:a|an|our|my|the|his|her) (?:\w+ )?(?:flat|house|home|place|property|apartment|condo|"
    r"car)\b)"
    r"(?:more|extra|in)?\b|\bheld and bought\b|\b(?:put|threw|"
    r"poured|chucked) in (?:an? |some )?(?:extra|more)\b|\badding (?:to|more)\b|"
    r"\btop(?:ped)? up\b|\bbumped (?:it|them|that) up\b|\bupped (?:it|my|the)\b|加仓|补仓|加了仓|"
    r"补了仓|抄底|(?:还|又)多投了|\brebalanced into (?:equities|stocks|shares)\b",
    re.IGNORECASE,
)
# Not what they nearly did: "almost sold everything", 差点全卖了.
SOLD_IN_FALL = re.compile(
    # Not a property sold, or a sale at a profit: "sold it last year at a good profit".
    r"(?<!almost )(?<!nearly )\b(?:sold(?! (?:puts|calls|options|covered calls))"
    r"(?! (?:it|the (?:\w+ )?(?:flat|house|home|property|business))\b[^.!?]*\b(?:profit|gain)\b)"
    r"(?! (?:the|my|our|a) (?:\w+ )?(?:flat|house|home|property|business|car)\b)|panic[- ]sold|"
    r"pulled out|got out|cashed out|made me sell)\b"
    r"|(?<!差点)(?<!差一点)(?<!险些)(?<!差点全)(?<!差点都)(?:割肉|清仓|卖了|全卖)",
    re.IGNORECASE,
)
# Unmoved by the fall they are in: "the market's down 15% since January, not bothered".
CALM_IN_FALL = re.compile(
    r"\bnot (?:bothered|worried|fazed|concerned|phased)\b|\bunbothered\b|\b(?:laughed|shrugged) "
    r"it off\b|\b(?:doesn'?t|"
    r"does not) (?:bother|worry|faze) me\b|没啥感觉|一点(?:都|也)不慌|不慌|淡定",
    re.IGNORECASE,
)
BUYING_THE_DIP = re.compile(
    r"\b(?:buy|buying|bought|loading up on|load up on)\s+(?:the|every|each|these|this)\s+dips?\b|"
    r"(?:跌了|下跌时|跌的时候)(?:就)?(?:加仓|补仓|多买)|越跌越(?:买|加)|逢跌(?:就)?(?:买|加仓|补)|"
    r"趁(?:低|跌)(?:又|就|再)?(?:补|加|买|抄)|"
    r"\b(?:buy|add) more (?:when|whenever|every time) (?:it|the market|prices|stocks|things) "
    r"(?:falls?|drops?|dips?|goes down)\b|"
    r"(?:跌了)?就?当(?:成)?(?:打折|打骨折)(?:买|捡|抄)?",
    re.IGNORECASE,
)
WANT = re.compile(
    r"\b(?:want|wants|hope|hoping|expect\w*|aim\w*|target\w*|looking for|need|goal|at least|"
    r"would like|i'?d like|after|seeking|aiming for)\b|想|希望|要|至少|期望|目标|起码|最少|最低",
    re.IGNORECASE,
)
RETURN_QUESTION = re.compile(r"\breturns?\b|\byield\b|收益|回报", re.IGNORECASE)
# Someone's offer of a sure return; the investor's own demand (我要稳赚不赔, "I want a guaranteed
# 10%") is a target like any other.
GUARANTEED = re.compile(
    r"\b(?:promis\w*|offer\w*|claim\w*|advertis\w*|pitch\w*|says?|said|told|sells?|selling)\b|"
    r"保证|承诺|(?<![我])说|号称|宣称|推销",
    re.IGNORECASE,
)
RETURN_TARGET = re.compile(
    r"(?P<num>\d+(?:\.\d+)?)\s*(?:%|percent)\s*(?:a|per|each|every|annual\w*)\s*(?:year|yr|annum)"
    r"|(?:return|yield)s? of (?:at least |around |about )?(?P<num2>\d+(?:\.\d+)?)\s*%"
    rf"|(?:每年|一年|年化)(?:至少|起码|最少)?(?:要|有|能)?(?:百分之(?P<zh>{_ZH_NUM})|"
    r"(?P<num3>\d+)\s*%)",
    re.IGNORECASE,
)


# A multiple wanted over a time: "double my money in 3 years", 三年翻倍. The yearly return it takes
# is the target.
MULTIPLE_TARGET = re.compile(
    rf"\b(?P<en>double|triple|2x|3x)\s+(?:my|our|the|this|her|his)\s+(?:money|savings|"
    rf"investment|pot|capital)\s+(?:in|within|over)\s+(?P<n>{NUMBER_EN})\s+(?:years?|yrs?)\b"
    rf"|(?P<zhyears>{NUMBER_ZH})年(?:内|之内|以内)?(?P<zh>翻倍|翻番|翻一番|翻两番|翻三倍)",
    re.IGNORECASE,
)
MULTIPLES = {"double": 2, "2x": 2, "triple": 3, "3x": 3, "翻倍": 2, "翻番": 2, "翻一番": 2}
MULTIPLES |= {"翻两番": 4, "翻三倍": 4}
RISK_QUESTION = re.compile(r"\brisk\w*|风险", re.IGNORECASE)
LEVEL_ANSWER = re.compile(
    r"^\W*(?:i'?d say |i guess |probably |maybe |somewhere |about |大概|应该|可能|算是?)?"
    r"(?P<level>very low|low|medium|moderate|average|middle|high|very high|"
    r"很低|较低|低|中等|中|较高|高|很高|保守|稳健|平衡|进取|激进)",
    re.IGNORECASE,
)
ANSWER_LEVELS = {
    "very low": 1,
    "low": 2,
    "medium": 3,
    "moderate": 3,
    "average": 3,
    "middle": 3,
    "high": 4,
    "very high": 5,
    "很低": 1,
    "较低": 2,
    "低": 2,
    "中等": 3,
    "中": 3,
    "较高": 4,
    "高": 4,
    "很高": 5,
    "保守": 1,
    "稳健": 2,
    "平衡": 3,
    "进取": 4,
    "激进": 5,
}
# A point on a scale of risk: "7/10", "6 out of 10", 打个7分 (out of ten unless said).
RISK_SCALE_TOPIC = re.compile(
    r"\brisk\w*|appetite|toleran\w+|comfortable|swings|\bloss(?:es)?\b|\bscale\b|风险|承受|亏|"
    r"打分|几分",
    re.IGNORECASE,
)
SCALE_POINT = re.compile(
    r"(?<![\d.])(?P<point>\d{1,2}(?:\.\d)?)\s*(?:/|out of|outta)\s*(?P<top>10|5)\b"
    # 打个7分, 给八分, 10分！; not 一分钱, 一分都不能亏, 一分钟.
    r"|(?:打|给|评)个?(?P<zh_point>\d{1,2}|[一二两三四五六七八九十])\s*分|"
    r"(?<![\d.])(?P<zh_digits>\d{1,2})\s*分(?![钱之钟都也])",
    re.IGNORECASE,
)
ZH_SCALE_TOP = 10.0
ASKED_SCALE = re.compile(
    r"(?:scale of|from|between)\s*[01]\s*(?:\([^)]*\)\s*)?(?:to|-|–|and)\s*(?P<top>10|5)\b|"
    r"\b[01]\s*[-–]\s*(?P<top2>10|5)\s*scale|[01]\s*(?:到|至|-)\s*(?P<top3>10|5)\s*分?|"
    # "1 = I can't accept any loss, 5 = I'm comfortable with large swings".
    r"\b[01]\s*=[^=]{1,80}?\b(?P<top4>10|5)\s*=",
    re.IGNORECASE,
)
# The point alone opening a reply, hedged or not: "3", "about a 6", "maybe 7, honestly".
BARE_POINT = re.compile(
    r"\W*(?:about |around |maybe |probably |like |i'?d say |say |a |an |(?:she|he|they|mum|mom|"
    r"dad) says |大概|可能|打个|给个)*(?P<point>\d{1,2}|[一二两三四五六七八九十])(?![\d%]|\.\d|"
    r"\s*(?:k\b|years?|yrs?|months?|岁|年|万|千|kids?|children))",
    re.IGNORECASE,
)
ANSWER_WEIGHT = 1.5  # a direct answer, but a word, not a number
NUMBER_WEIGHT = 2.0  # a stated number is the most specific answer
BEHAVIOUR_WEIGHT = 1.0  # held through "a crash" with no size named


@dataclass(frozen=True)
class Tolerance:
    """A willingness level read from a number or a behaviour, how much it weighs, and where."""

    level: int
    clause: Clause
    start: int
    end: int
    weight: float = NUMBER_WEIGHT
    ceiling: bool = False  # a fall they refuse: a limit on willingness, not a statement of it
    most: bool = False  # a stated maximum ("15% would be my limit"): a statement, and a limit


def tolerances(clause: Clause) -> list[Tolerance]:
    """Every tolerance statement of a clause."""
    found = _stated_limits(clause) + _answers(clause) + _past_behaviour(clause)
    found += _no_loss_answers(clause)
    return found + _return_targets(clause) + _level_answers(clause) + _scale_answers(clause)


def _no_loss_answers(clause: Clause) -> list[Tolerance]:
    """No loss at all, in reply to "how much of a fall could you accept?": "None.", "zero"."""
    question = clause.prompt
    if not (clause.opens_reply and HOW_MUCH_QUESTION.search(question) and FALL.search(question)):
        return []
    match = NO_LOSS_ANSWER.match(clause.text)
    if not match:
        return []
    return [Tolerance(1, clause, match.start("none"), match.end("none"), ANSWER_WEIGHT)]


def _scale_answers(clause: Clause) -> list[Tolerance]:
    """A point on a risk scale: "7/10", "about a 6 out of 10", 风险承受打个7分; or a bare number
    opening the reply to a question that sets the scale ("On a scale of 1 to 10 ...?" "3")."""
    about_risk = RISK_SCALE_TOPIC.search(clause.sentence) or RISK_SCALE_TOPIC.search(clause.asked)
    if not about_risk:
        return []
    match = SCALE_POINT.search(clause.text)
    top: float | None = None
    if match:
        top = float(match["top"]) if match["top"] else ZH_SCALE_TOP
    else:
        asked = ASKED_SCALE.search(clause.asked)
        match = BARE_POINT.match(clause.text) if asked and clause.opens_reply else None
        if match and asked:
            top = float(next(asked[g] for g in ("top", "top2", "top3", "top4") if asked[g]))
    if match is None or top is None:
        return []
    written = match.groupdict()
    point = parse_number(
        written["point"] or written.get("zh_point") or written.get("zh_digits") or ""
    )
    if point is None or not 0 <= point.value <= top:
        return []
    level = min(5, max(1, math.ceil(point.value / top * 5)))
    return [Tolerance(level, clause, match.start(), match.end(), ANSWER_WEIGHT)]


def _level_answers(clause: Clause) -> list[Tolerance]:
    """A bare level in reply to a question about risk: "Medium, I guess.", "中等吧"."""
    if not clause.opens_reply or not RISK_QUESTION.search(clause.prompt):
        return []
    match = LEVEL_ANSWER.match(clause.text)
    if not match:
        return []
    level = ANSWER_LEVELS[match.group("level").lower()]
    return [Tolerance(level, clause, match.start("level"), match.end("level"), ANSWER_WEIGHT)]


def loss_level(percent: float) -> int:
    """The willingness level of a tolerable fall of `percent`."""
    return _band(percent, LOSS_BANDS)


def _band(value: float, bands: tuple[tuple[float, int], ...]) -> int:
    for below, level in bands:
        if value < below:
            return level
    return 5


def _percent(match: re.Match[str]) -> float | None:
    if match.group("from_amount"):
        if match["from_to"] and not FROM_BEFORE.search(match.string[: match.start()]):
            return None  # "5 to 10k" is a range; "from 100k to 80k" a fall
        return _money_fall(match.group("from_amount"), match.group("to_amount"))
    if match.group("half"):
        return 50.0
    if match.group("quarter"):
        return 25.0
    if match.group("third"):
        return 33.0
    if match.group("fifth"):
        return 20.0
    if match.group("tenth"):
        return 10.0
    if match.group("tenths"):
        # 一两成 "one or two tenths": the middle of the range, 15%.
        written = [match.group("low_tenths"), match.group("tenths")]
        numbers = [parse_number(part) for part in written if part]
        values = [number.value * 10 for number in numbers if number is not None]
        extra = parse_number(match.group("hundredths") or "")
        added = extra.value if extra else 5.0 if match.group("half_tenth") else 0.0  # 一成半: 15%
        return sum(values) / len(values) + added if values else None
    size = match.group("num") or match.group("zh") or match.group("words") or match["points"]
    number = parse_number(size)
    return None if number is None else number.value


def _money_fall(before: str, after: str) -> float | None:
    """The fall in percent from one amount to a smaller one; None if it is no fall."""
    start, end = _amount(before), _amount(after)
    if start is None or end is None or not 0 <= end < start:
        return None
    return round(100 * (1 - end / start), 1)


def _amount(text: str) -> float | None:
    """An amount as written ("$200k", "80 grand", "四十万"): `parse_number` reads the scales."""
    written = text.strip().lstrip("$£€¥").replace("grand", "k")
    number = parse_number(written)
    return None if number is None else number.value


def _stated_limits(clause: Clause) -> list[Tolerance]:
    question = clause.prompt
    asked_how_much = bool(HOW_MUCH_QUESTION.search(question) and FALL.search(question))
    if RETURN_TARGET.search(clause.text):
        return []
    found = []
    for size in _sizes(clause):
        percent = size.percent
        if ACTUAL_FALL.search(clause.text[: size.start]):
            continue  # "my fund has lost a third": what happened, not what they can bear
        about_a_fall = bool(FALL.search(clause.text) or FALL.search(clause.previous()))
        # "How would you feel about a 15% drop?" "I'd rather not. 5% max"
        about_a_fall = about_a_fall or bool(FALL.search(clause.question))
        # "I'd buy more at -30%": a minus sign before the size is a fall too.
        minus = clause.text[: size.start].rstrip().endswith(("-", "−", "–"))
        about_a_fall = about_a_fall or asked_how_much or minus or size.in_money
        about_a_fall = about_a_fall or bool(LIMIT.search(clause.text)) or size.falls_by_itself
        # "30% down, I'd shrug": the answer may follow the fall in the next clause.
        answer = clause.text + _clause_after(clause)
        refuse = _refusal(answer) or RETRACTED.search(clause.text[: size.start])
        if refuse and MORE_THAN_THIS.search(answer[: refuse.start()]):
            refuse = None  # "最多一成半，再多我就睡不着了": a limit, not a refused size
        buys = BUY_MORE.search(answer)
        accepts = ACCEPT.search(answer) or buys or LIMIT.search(clause.text)
        if not (accepts or refuse) and clause.holds_only(size.start, size.end):
            # "fine with modest swings, 5-10%, nothing more": the size in apposition takes the
            # acceptance of the clause before it.
            accepts = ACCEPT.search(clause.previous())
        if not about_a_fall or not (accepts or refuse or asked_how_much):
            continue
        level = loss_level(percent)
        bounded = False
        if refuse:
            # What they cannot bear is well past what they bear calmly: the band of half of it.
            # "couldn't handle 8%" is a small-falls investor (2), "can't take 20%" and "I'd
            # panic at 30%" moderate ones (3); someone who refuses a fall is never the top class
            # ("couldn't stomach a 40% drawdown": 4).
            level = min(REFUSED_LEVEL_CAP, loss_level(percent * REFUSED_SHARE))
        elif buys:
            level = min(5, level + 1)  # buying more in the fall
        elif UPPER_BOUND.search(clause.sentence) or LIMIT.search(clause.text):
            # "10% but not much more", "20% tops": the size is the most they bear, so a size on
            # a band's edge belongs to the band below (10% at most is a small-falls investor); of
            # a range ("10-15% max"), the top.
            most = size.high or percent
            over = clause.text[size.end :].lstrip().startswith(("多", "+", "plus"))
            level = loss_level(most if over else max(0.0, most - 1))  # 一成多: over 10%
            bounded = True
        found.append(
            Tolerance(level, clause, size.start, size.end, ceiling=bool(refuse), most=bounded)
        )
    return found[:1]


@dataclass(frozen=True)
class _Size:
    """A size of fall named in a clause (clause offsets), in percent."""

    start: int
    end: int
    percent: float
    high: float | None = None  # the top of a range: "10-15%"
    in_money: bool = False  # "100k became 80k", 一共四十万，最多亏个两三千
    falls_by_itself: bool = False  # "if my fund halved", "half off"


def _sizes(clause: Clause) -> list[_Size]:
    """The sizes of fall a clause names: percentages and fractions, a fall from one amount to
    another, or, where it names none of those, a loss in money out of a sum named before it in the
    sentence or in the question it answers ("一共四十万，最多亏个两三千块钱", "二十万本金…"
    "亏个五六千我就睡不着了")."""
    sizes = []
    for match in PERCENT.finditer(clause.text):
        percent = _percent(match)
        if percent is not None:
            high = float(match["num_high"]) if match["num_high"] else None
            in_money = bool(match["from_amount"])
            by_itself = _falls_by_itself(clause, match)
            sizes.append(_Size(match.start(), match.end(), percent, high, in_money, by_itself))
    if sizes:
        return sizes
    for match in LOSS_IN_MONEY.finditer(clause.text):
        group = "zh" if match["zh"] else "en"
        loss = _amount(match[group])
        before = clause.sentence[: clause.start - clause.sentence_start + match.start()]
        sums = [_amount(found["amount"]) for found in SUM.finditer(f"{clause.asked} {before}")]
        whole = max((value for value in sums if value is not None), default=None)
        if loss and whole and loss <= whole * MAX_MONEY_SHARE:
            percent = round(100 * loss / whole, 1)
            sizes.append(_Size(match.start(group), match.end(group), percent, in_money=True))
    return sizes


def _falls_by_itself(clause: Clause, match: re.Match[str]) -> bool:
    """Whether the size names a fall without a fall word: "if my fund halved", "half off"."""
    return bool(
        FALLING_SIZE.fullmatch(match["half"] or "") or OFF_AFTER.match(clause.text, match.end())
    )


def _clause_after(clause: Clause) -> str:
    """The next clause of this one's sentence, when this one only names a fall ("a 30% drop,
    I could live with that"); "" otherwise."""
    if ACCEPT.search(clause.text) or REFUSE.search(clause.text) or "了" in clause.text:
        return ""  # 跌了5%，我一点都不慌: a fall that happened, and how they feel now
    after = clause.sentence_after()
    return re.split(r"[,，;；:：]", after, maxsplit=1)[0] if after.strip() else ""


def _refusal(text: str) -> re.Match[str] | None:
    """A word of refusal that is not itself negated ("wouldn't lose sleep" accepts)."""
    for match in REFUSE.finditer(text):
        if not NEGATED_BEFORE.search(text[: match.start()]):
            return match
    return None


def _answers(clause: Clause) -> list[Tolerance]:
    """A reply to "what would you do if it fell N%?"."""
    question = clause.prompt
    scenario = _own_scenario(clause)
    if scenario and CONDITIONAL_QUESTION.search(question) and not FALL.search(question):
        question = f"{scenario} {question}"  # "What do you think you would do?" about their own
    about_a_fall = FALL.search(question) or SCENARIO_MONEY_FALL.search(question)
    if not (CONDITIONAL_QUESTION.search(question) and about_a_fall):
        return []
    if HOW_MUCH_QUESTION.search(question) or clause.text.rstrip().endswith(("?", "？")):
        return []  # a question back is no answer
    if any(_percent(match) for match in PERCENT.finditer(clause.text)):
        return []  # "15% he'd be fine with": the size they name is the answer (`_stated_limits`)
    percents = [p for p in (_percent(m) for m in PERCENT.finditer(question)) if p is not None]
    percents += [
        p for p in (_scenario_fall(m) for m in SCENARIO_MONEY_FALL.finditer(question)) if p
    ]
    fall = max(percents) if percents else None
    held = max(3, loss_level(fall)) if fall is not None else HOLD_WITHOUT_NUMBER
    for pattern, level in (
        (BUY_MORE, min(5, loss_level(fall) + 1) if fall is not None else BOUGHT_LEVEL),
        (SELL_SOME, SOLD_SOME_LEVEL),
        (HOLD, held),
        (SELL_ALL, SOLD_LEVEL),
        (FEEL_BAD, max(1, loss_level(fall) - 1) if fall is not None else SOLD_LEVEL),
        (FEEL_FINE, held),
    ):
        match = pattern.search(clause.text)
        negated = match is not None and bool(NEGATED_BEFORE.search(clause.text[: match.start()]))
        if negated and pattern is FEEL_BAD:
            continue  # "not worried" is no bad feeling
        if negated and pattern is SELL_ALL:
            level = held  # "didnt sell a share": they held
        if match and pattern is FEEL_BAD and _holds_after(clause):
            return []  # "it would hurt, but I wouldn't sell": what they do is the answer
        if match and pattern in (HOLD, FEEL_FINE) and SMALL_FALLS.search(clause.text):
            level = SMALL_FALLS_LEVEL  # "small dips ok": fine with small falls, not this one
        if match:
            weight = NUMBER_WEIGHT if fall is not None else BEHAVIOUR_WEIGHT
            return [Tolerance(level, clause, match.start(), match.end(), weight)]
    return []


def _own_scenario(clause: Clause) -> str:
    """The investor's message before the question, when it sets out a fall of their own
    ("Imagine the market drops 20% next month", 假如我投了十万，一年后变成七万); else ""."""
    earlier = clause.earlier
    if not CONDITION.search(earlier):
        return ""
    if FALL.search(earlier) or SCENARIO_MONEY_FALL.search(earlier):
        return earlier
    return ""


def _scenario_fall(match: re.Match[str]) -> float | None:
    return _money_fall(match.group("start"), match.group("end"))


def _holds_after(clause: Clause) -> bool:
    """Whether the rest of the clause's sentence says they would hold or buy more."""
    after = clause.sentence_after()
    return bool(HOLD.search(after) or BUY_MORE.search(after))


# A question about what the investor did, not what they would do.
PAST_QUESTION = re.compile(
    r"\b(?:did|were|was|had|handled?)\b|当时|那时|那次|怎么(?:做|办|处理|应对|操作)的|做了什么|"
    r"有没有(?:卖|割)",
    re.IGNORECASE,
)


def _past_behaviour(clause: Clause) -> list[Tolerance]:
    """What the investor did in a real fall they name (a year, "the crash", 那次, 股灾), or is
    doing in this one ("buying the dip")."""
    dip = BUYING_THE_DIP.search(clause.text)
    if dip and not NEGATED_BEFORE.search(clause.text[: dip.start()]):
        return [Tolerance(BOUGHT_LEVEL, clause, dip.start(), dip.end(), BEHAVIOUR_WEIGHT)]
    # "What did you do in the 2020 crash?" "nothing, just kept going": the fall is in the question.
    asked = clause.question
    in_reply_to_past = bool(PAST_QUESTION.search(asked) and REAL_FALL.search(asked))
    asked_past = clause.opens_reply and in_reply_to_past
    named_here = REAL_FALL.search(clause.text) or REAL_FALL.search(clause.sentence)
    # Later in that reply ("My fund was down 25% at one point. I didn't sell, I actually upped my
    # contribution"), holding and buying answer it too; a sale there may be of something else.
    later_in_reply = in_reply_to_past and not clause.opens_reply and not named_here
    if not (named_here or asked_past or later_in_reply):
        return []
    kept_going = ((BOUGHT_IN_FALL, BOUGHT_LEVEL), (HELD_IN_FALL, HOLD_WITHOUT_NUMBER))
    replies = ((HOLD, HOLD_WITHOUT_NUMBER),) if asked_past else ()
    behaviours = (
        kept_going
        if later_in_reply
        else (*kept_going, (SOLD_IN_FALL, SOLD_LEVEL), (CALM_IN_FALL, CALM_IN_FALL_LEVEL), *replies)
    )
    for pattern, level in behaviours:
        match = pattern.search(clause.text)
        if match and pattern is SOLD_IN_FALL and WEIGHING.search(clause.text[: match.start()]):
            continue  # 一直在琢磨要不要割肉: weighing a sale, not one made
        if match and pattern is HELD_IN_FALL and BOUGHT_IN_FALL.search(clause.sentence_after()):
            return []  # "held through 2008, and added to positions": the buying says it all
        if match and pattern is CALM_IN_FALL and CURRENT_FALL.search(clause.sentence):
            weight = BEHAVIOUR_WEIGHT
            return [Tolerance(level, clause, match.start(), match.end(), weight)]
        if match and pattern is not CALM_IN_FALL:
            named = [p for p in (_percent(m) for m in PERCENT.finditer(clause.text)) if p]
            # "满仓扛过来的，最大回撤45%，一股没卖": the size of the fall elsewhere in the sentence.
            named = named or [
                p for p in (_percent(m) for m in SIZED_FALL.finditer(clause.sentence)) if p
            ]
            if asked_past:
                named = named or [p for p in (_percent(m) for m in PERCENT.finditer(asked)) if p]
            if level == HOLD_WITHOUT_NUMBER and named:
                # Held through the fall they name: its level ("rode out a 15% drop" is 3), at
                # least moderate.
                level = max(HELD_NAMED_FLOOR, *(loss_level(p) for p in named))
            weight = NUMBER_WEIGHT if named else BEHAVIOUR_WEIGHT
            return [Tolerance(level, clause, match.start(), match.end(), weight)]
    return []


def _return_targets(clause: Clause) -> list[Tolerance]:
    """A return the investor wants ("at least 15% a year"), not one someone offers them."""
    wanted = WANT.search(clause.sentence) or RETURN_QUESTION.search(clause.prompt)
    if not wanted or GUARANTEED.search(clause.sentence):
        return []
    found = []
    for match in RETURN_TARGET.finditer(clause.text):
        written = (
            match.group("num") or match.group("num2") or match.group("num3") or match.group("zh")
        )
        number = parse_number(written)
        if number is not None:
            level = _band(number.value, RETURN_BANDS)
            found.append(Tolerance(level, clause, match.start(), match.end()))
    for match in MULTIPLE_TARGET.finditer(clause.text):
        years = parse_number(match.group("n") or match.group("zhyears"))
        multiple = MULTIPLES[(match.group("en") or match.group("zh")).lower()]
        if years is not None and years.value > 0:
            yearly = (multiple ** (1 / years.value) - 1) * 100
            level = _band(yearly, RETURN_BANDS)
            found.append(Tolerance(level, clause, match.start(), match.end()))
    return found

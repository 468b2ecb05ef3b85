"""Goals: what the money is for, from the many ways people say it in English and Chinese.

A goal is found when one of its cues appears in a user message and is not negated ("I'm not
saving for a house" is no home goal). Hypotheticals still count ("if I want to retire early"
names the wish). A goal's confidence grows with the number of messages that mention it.
"""

import re

from advisor.profile.clauses import CONFIDENT, ClauseClassifier
from advisor.profile.lexicon import CueMatcher, Hit, chinese, english
from advisor.profile.model import Evidence, GoalFinding
from advisor.profile.text import Conversation
from advisor.suitability.profile import Goal

BASE_CONFIDENCE = 0.7
LEARNED_CONFIDENCE = 0.5  # a goal only the clause reader found
PER_EXTRA_MENTION = 0.1
GOAL_ORDER: tuple[Goal, ...] = (
    "retirement",
    "education",
    "home",
    "medical",
    "emigration",
    "emergency_fund",
    "wealth_growth",
    "income",
    "legacy",
)

# Destination countries people name when they plan to move abroad.
_COUNTRIES = (
    r"abroad|overseas|canada|australia|new zealand|the us|the usa|the states|america|the uk|"
    r"britain|"
    r"england|scotland|ireland|portugal|spain|france|germany|italy|netherlands|switzerland|austria|"
    r"sweden|norway|denmark|finland|greece|cyprus|malta|singapore|japan|korea|thailand|malaysia|"
    r"vietnam|philippines|indonesia|india|china|hong kong|taiwan|dubai|the uae|qatar|israel|turkey|"
    r"mexico|costa rica|panama|brazil|argentina|chile|colombia|south africa|nigeria|kenya|"
    r"another country|a new country|europe|asia|latin america"
)
GOAL_CUES = (
    *english(
        "retirement",
        r"retir(?:e|ed|es|ee|ees|ing|ement)\w*",
        r"pension(?! (?:is|pays|covers))",
        # "for when I'm done at sixty", "until I finish work at sixty-five".
        r"(?:when|until|till|til) (?:i|we)(?:'m| am|'re| are)? (?:done|finish(?:ed)? work(?:ing)?|"
        r"stop work(?:ing)?)(?: at)?\b",
        # Retirement accounts by country: US, UK, Canada, Australia, New Zealand.
        r"401\(?k\)?|403\(?b\)?|457(?:\(?b\)?)?(?= |$|\.|,)|tsp|thrift savings plan|"
        r"(?:sep|simple|solo) (?:ira|401k)|sep|keogh|sipp|rrsp|kiwisaver|workplace pension",
        r"(?:roth |traditional )?iras?",
        r"nest egg",
        r"(?:stop|quit) working",
        r"(?:stop|stopping|quit|quitting) (?:the )?(?:work|9[- ]to[- ]5|nine[- ]to[- ]five|"
        r"rat race|day job)\b",
        r"financial(?:ly)? (?:independen\w+|freedom|free)",
        r"fire movement|\bfire\b(?= (?:early|number|goal))",
        r"old age",
        r"golden years",
        r"later (?:in )?life",
        r"superannuation|super fund",
        r"annuit(?:y|ies)",
    ),
    *english(
        "education",
        r"college",
        r"universit(?:y|ies)",
        r"tuition",
        r"school (?:fees|costs)",
        r"(?:kids?'?|children'?s?|son'?s|daughter'?s|child'?s|grandkids?'?|their|her|his|my) "
        r"(?:education|schooling|studies)",
        r"education (?:fund|savings|costs?|expenses?)",
        r"529(?: plan)?",
        r"(?:study|studying|studies) abroad",
        r"(?:grad|graduate|medical|law|business) school",
        r"(?:a |an |my )?(?:mba|master'?s degree|phd|degree)|(?:my|a|her|his|their) master'?s\b",
        r"(?:pay|paying|save|saving) for (?:my |their |his |her )?(?:school|studies)",
        r"educat\w+ (?:for|of) (?:my|our)",
        r"uni (?:costs|fees|tuition|fund)|(?:for|through) (?:their|her|his|my|our) uni",
        r"(?:kids?|children|son|daughter|child)(?:'s|’s|s'|s’|')? uni\b",
        r"(?:goes|going|go|starts|starting|start|off|heads|heading|get|gets|getting) (?:in)?to "
        r"(?:uni|university|college)",
        r"(?:kids?|children|child|son|daughter|grandson|granddaughter|grandchildren|"
        r"grandkids)(?:'s|’s|s'"
        r"|s)? (?:study|studies|studying|schooling|university|college|degree)",
    ),
    *english(
        "home",
        r"(?:buy|buying|purchase|purchasing|own|afford|get|getting|save for|saving for|saving up "
        r"for)\s+(?:a|an|our|my|the|their|her|his)\s+(?:first\s+|own\s+|new\s+|bigger\s+|dream\s+)?"
        r"(?:home|house|flat|apartment|condo|place|property)",
        r"down ?payment",
        r"deposit (?:on|for) (?:a|an|our|my|the) (?:\w+ )?(?:home|house|flat|apartment|condo|"
        r"place)",
        r"(?:move|moving) (?:somewhere|to somewhere) (?:\w+ )?and buy it",
        r"(?:house|home|flat|apartment|condo|property) (?:deposit|purchase|fund)",
        r"first[- ]time (?:home|house)? ?buyer",
        r"(?:home|house|property) ownership",
        r"(?:buy|buying) (?:a )?(?:home|house|property)",
        r"homeowner",
        r"first (?:home|house|flat|apartment|property|place)|property ladder|house fund|home fund",
        r"(?:maybe|then|eventually|later|one day|someday) (?:buy(?:ing)? )?(?:a|our|my) (?:first )?"
        r"(?:flat|house|home|apartment|condo)",
        r"for (?:a|our|my) (?:own )?(?:house|home|flat|apartment|place of (?:my|our) own)",
        # "build a small house for my family there"; "...a flat." answering what it is for.
        r"(?:build|building) (?:a|our|my) (?:small |little |new |own )?(?:house|home)",
        r"^\W*a (?:flat|house|home)\b",
        r"(?:need|want|get|buy|move to|moving to) a (?:bigger|smaller|larger) (?:place|house|home|"
        r"flat|apartment)|trad(?:e|ing) up\b|downsiz\w+",
    ),
    *english(
        "medical",
        r"medical",
        r"health ?care",
        r"ivf|fertility (?:treatment|clinic)|(?:saving|save|money|paying|pay) for (?:\w+ )?"
        r"(?:treatment|surgery|an operation)",
        r"(?:money|pay|paying|save|saving|cover|covering) for (?:my |her |his |their |our |"
        r"future )?(?:treatment|"
        r"care|therapy|operation)|health (?:issues|problems|condition|scare)|"
        r"(?:money|cash) (?:\w+ ){0,2}for (?:my |her |his |their |the )?treatment|rehab\b|"
        r"rehabilitation|(?:home|in-home) (?:nursing|care)|"
        r"(?:hospital|care home|nursing home|long[- ]term care|surgery|medical treatment|"
        r"illness|disease|cancer|dementia|diagnos\w+|chemo\w*)",
        r"(?:doctor|hospital|medical|care|drug|medication) (?:bills|costs|expenses|fees)",
        r"(?:health|medical) (?:costs|expenses|bills|emergencies|needs)",
        r"assisted living",
        r"(?:elderly|aged) care",
        r"(?:get|gets|getting|fall|falls|become|becomes) (?:seriously )?(?:sick|ill)|"
        r"health insurance",
        # "my son's operation", "a hip operation"; not "a plant operation".
        r"(?:\w+['’]s|his|her|my|their|an) (?:\w+ )?operation\b|(?:knee|hip|heart|eye|cataract|"
        r"back) (?:replacement|operation|op)\b|full[- ]time care|parkinson'?s|alzheimer'?s",
    ),
    *english(
        "emigration",
        r"emigrat\w+",
        r"immigrat\w+",
        r"(?:move|moving|relocate|relocating|relocation|settle|settling) (?:\w+ ){0,2}"
        r"(?:abroad|overseas|to (?:canada|australia|the us|the uk|america|new zealand|singapore|"
        r"europe|another country|the states|japan|germany|ireland))",
        r"(?:visa|residency|green card|citizenship|golden visa|permanent residence|pr) "
        r"(?:application|requirements?|funds?|costs?)?",
        r"(?:leave|leaving) (?:the|this) country",
        rf"(?:move|moving|moved|shift|shifting|relocat\w+|emigrat\w+|settl\w+|migrat\w+|go|going)"
        rf"(?: \w+){{0,4}}? (?:to|in) (?:{_COUNTRIES})",
    ),
    *english(
        "emergency_fund",
        r"emergency (?:fund|savings|money|cash|reserve|cushion|buffer|pot)",
        r"rainy[- ]day",
        r"safety net",
        r"(?:cash )?(?:buffer|cushion) for (?:emergencies|the unexpected)",
        r"for emergencies",
        r"in case (?:something|anything) (?:happens|goes wrong|comes up)",
        r"unexpected (?:expenses|costs|bills)",
        r"(?:lose|lost|losing) my job",
        r"(?:easy|quick|instant) access",
        r"(?:access|get at|get to|withdraw|take out) (?:it|the money|my money|the cash) (?:quickly|"
        r"fast|at short notice|any ?time|whenever)",
        r"if (?:something|anything) (?:happens|goes wrong|comes up)",
        r"if (?:the|my|our) (?:car|van|bike|boiler|roof|fridge|washing machine) (?:breaks|dies|"
        r"goes)",
        r"(?:build|building|start|want) (?:up )?a (?:cash )?(?:cushion|buffer)|in case (?:work|"
        r"the work|my work|the job) dries up",
    ),
    *english(
        "wealth_growth",
        r"grow(?:ing)? (?:my|our|the|her|his|their|this|that)? ?(?:money|wealth|savings|capital|"
        r"portfolio|assets|net worth|pot)",
        r"(?:build|building) (?:up )?(?:my |our )?(?:wealth|assets|net worth|a portfolio)",
        r"wealth (?:growth|building|accumulation|creation)",
        r"(?:beat|beating|outpace|keep up with|keep pace with|protect against|hedge against) "
        r"inflation",
        r"(?:slice|money|pot|rest|savings) to (?:really |properly )?grow\b",
        r"(?:long[- ]term|capital) (?:growth|appreciation)",
        r"(?:maximi[sz]e|maximum|highest|higher|best|good|better|high) (?:possible )?(?:returns?|"
        r"growth|gains?|yield)",
        r"make (?:more |some |good )?money",
        r"(?:get|become|getting|becoming) rich",
        r"(?:double|triple|multiply) (?:my|our|the|her|his) (?:money|savings|investment)",
        r"(?:grow|compound) (?:it|them|over time|the rest|it all|the lot|what'?s left|the "
        r"remainder|this|that)",
        r"(?:that|which|and) grows|for the long haul|long haul|long run",
        r"(?:fully |all |100% |mostly )?equit(?:y|ies)(?: \w+)? (?:allocation|portfolio|funds?|"
        r"heavy)",
        r"growth",
        r"(?:for|make) (?:the money|it) (?:to )?(?:grow|work)|(?:wants?|like) (?:it|"
        r"the money) (?:growing|to grow)",
        r"(?:money|savings) (?:to )?(?:grow|work harder)",
        r"better (?:return|returns|rate|interest) than (?:the bank|a savings account|"
        r"my savings account|"
        r"cash|a deposit)|invest\w* for (?:the|my|our) future",
        r"long[- ]term|(?:goes|go|going|grows?|growing) up fast|fast growth",
        r"\bdca\b|dollar[- ]cost averag\w*",
        r"(?:keep|keeps) (?:on )?growing|(?:want|like|need) (?:it|them|my \w+) to grow",
        r"\d+\s*%\s*(?:a|per|each|every) year|annual(?:ised|ized)? returns?|returns? of \d+\s*%",
        r"(?:want|buy|buying|invest|investing|put|putting|go all in|all in|looking at|"
        r"interested in|"
        r"prefer|100%|mostly|all)\w*(?: \S+){0,4}? (?:equit(?:y|ies)|stocks|shares|index funds?|"
        r"etfs?|nasdaq|s&p|small[- ]caps?|emerging markets|growth funds?|tech stocks)",
    ),
    *english(
        "income",
        r"(?:regular|steady|stable|monthly|quarterly|passive|extra|additional|retirement|"
        r"supplementa\w*|reliable|predictable|fixed) income",
        r"uses? the interest",
        r"income (?:stream|from|to live on|each month|every month|in retirement)",
        # "it sends me a bit every month", "give me a steady bit each month".
        r"(?:sends?|gives?|pays?) (?:me|us) (?:a|some) (?:steady |little |regular )?(?:bit|amount|"
        r"sum|something) (?:every|each|a) month",
        r"dividends?",
        r"cash ?flow",
        r"(?:interest|payouts?|coupons?|distributions?) (?:income|payments|each|every|to live|"
        r"monthly)",
        r"(?:live|living) off (?:the )?(?:interest|dividends|returns|income|it)",
        r"supplement (?:my|our|her|his|their) (?:pension|income|social security|salary)",
        r"(?:pay|pays|paying) (?:me|us|her|him|them|out) (?:monthly|regularly|every month|"
        r"each month)",
        r"(?:tops? up|top-up|topping up|add to|adds to|supplements?) (?:my|her|his|our|"
        r"their) (?:\w+ )?(?:pension|"
        r"income|social security)",
        r"annuity income",
        r"(?:check|cheque|paycheck|payout|payment) (?:every|each|a) month",
        r"(?:something|money|a bit|extra|cash|a little(?: extra)?|income|more) coming in (?:every|"
        r"each|a) month",
        # "something that pays a little each month to top up the pension".
        r"(?:pays?|paying) (?:out )?(?:a little|a bit|something|a small amount) (?:each|every|a) "
        r"month",
        r"(?:extra|additional|more) (?:cash|money) (?:each|every|a) month|(?:some|an|extra|"
        r"additional|"
        r"more|a bit of|a little) income",
        r"pay (?:me|us|her|him|them) (?:something|a bit|an? (?:income|amount|little))",
        r"(?:steady|regular|monthly|stable|reliable) (?:bit of |stream of |little )?(?:income|"
        r"payments?)",
        r"(?:monthly|regular) (?:payouts?|payments|withdrawals|distributions)",
        r"yield",
        # The money pays their living: withdrawals, interest, the bills.
        r"(?:pay|pays|paying) (?:me|us|her|him|them) (?:\w+ ){0,3}(?:every|each|a|per) (?:month|"
        r"quarter|year)|(?:something|anything) that pays (?:me|us|her|him|them)",
        r"(?:live|lives|living) (?:on|off) (?:[\w']+ ){0,5}?(?:the |my |her |his |our )?"
        r"(?:interest|dividends|withdrawals|payouts|returns)",
        r"(?:want|need|looking for|after|prefer|like) (?:\w+ )?(?:income|payouts|dividends)",
        # "He needs maybe 1k a month from it": a sum drawn each month.
        r"(?:need|needs|take|takes|draw|draws|want|wants)\s+(?:\w+\s+)?[$£€¥]?\d[\d,.]*\s*k?\s+"
        r"(?:a|per|each|every) month (?:from|out of) (?:it|this|the (?:money|account|pot))",
        r"(?:generate|produce|provide|give|throw off|pay)\w* (?:\w+ )?income",
        r"(?:money|it|this)(?:'s| is) what (?:i|we|she|he) (?:live|lives|get by) on",
        r"withdraw\w* (?:\w+ ){0,3}?(?:each|every|a|per) (?:month|year|quarter)|(?:my|our|her|his)"
        r" (?:monthly |yearly |annual )?withdrawals",
        r"(?:take|taking|draw|drawing|pull\w*) (?:\w+ ){0,4}?(?:out )?(?:of|from) (?:this|the|my|"
        r"our|her|his) (?:account|portfolio|pot|savings|fund|isa|ira|investments?) (?:each|every|"
        r"a|per) (?:month|year|quarter)",
        r"top-?up (?:for|to) (?:the |my |our )?(?:bills|pension|income|rent)",
        # Not "my pension will cover our living costs": that is income besides this money.
        r"(?:^\W*|(?<!pension )(?<!pensions )(?<!income )(?<!salary )(?<!benefit )\b(?:to|it|this|"
        r"which|will|must|would|can|it'?ll) )(?:pay|pays|paying|cover|"
        r"covers|covering) (?:for )?(?:the |her |his |my |our )?(?:care home|nursing home|care "
        r"fees|home fees|bills|rent|living costs)",
    ),
    *english(
        "legacy",
        r"(?:leave|leaving|pass|passing) (?:\w+ ){0,3}(?:to|for|on to|down to) (?:my|our|her|his|"
        r"their|the) (?:\w+ )?(?:kids|children|grandkids|grandchildren|grandsons?|"
        r"granddaughters?|heirs|family|son|daughter|sons|daughters|nieces?|nephews?|charity)",
        r"inheritance(?! (?:i|we|she|he) (?:got|received))",
        r"estate planning",
        r"(?:my|our|her|his|their) estate",
        r"heirs?",
        r"legacy",
        r"(?:generational|family) wealth",
        r"pass (?:it |them |something )?(?:on|down)",
        r"(?:leave|leaving) (?:something|money|an inheritance|a legacy)",
        r"bequest|bequeath",
        # "She wants it to go to my little cousins one day", "so the grandkids get it one day".
        r"(?:go|goes|pass|passes) to (?:my|our|her|his|their|the) (?:\w+ )?(?:kids|children|"
        r"grandkids|grandchildren|cousins|nieces|nephews|family|heirs)|(?:so|for) (?:the|my|our|"
        r"her|his) (?:grandkids|grandchildren|kids|children) (?:get|gets|to have|inherit)",
        r"(?:kids|children|family|heirs|grandkids|grandchildren|son|"
        r"daughter)(?: \w+){0,2}? (?:to )?"
        r"inherit",
        r"(?:after|when|once) (?:i'?m|i am|she'?s|he'?s|we'?re) gone",
        r"(?:when|after|once) (?:i|she|he) (?:die|pass away|pass on)",
        r"trust fund for",
        r"for (?:my|our|her|his|the) (?:grandkids|grandchildren|grandson|granddaughter|heirs)",
        r"(?:passed on|go|goes|left) to (?:us kids|us children|my (?:sister|brother|siblings))",
        r"(?:go|goes|going|pass|left|leave|leaving)(?: \w+){0,3}? (?:to|for) (?:my|our|the|her|"
        r"his) (?:\w+ )?(?:grand)?(?:kids|children|child|son|daughter|sons|daughters|heirs|family|"
        r"boys|girls)",
    ),
    *chinese(
        "retirement",
        r"退休|养老(?!院)|晚年|老了以后|老了之后|老年生活|个人养老金|企业年金|年金|"
        r"提前退休|财务自由|财富自由|不用上班|不想上班|不(?:用|再|用再)上班|(?:就|可以)不上班了",
    ),
    *chinese(
        "education",
        r"教育|学费|上学|上大学|读大学|考大学|留学|读书|念书|读研|出国读|深造|培训班|补习|"
        r"上学的钱|大学的费用|学区",
    ),
    *chinese(
        "home",
        r"买房|购房|首付|买套房|买个房|买一套|置业|换房|改善住房|买新房|买二手房|付首付|买(?:个|"
        r"套)?房子|"
        r"婚房|安家",
    ),
    *chinese(
        "medical",
        r"医疗|看病|治病|手术|住院|医药费|医疗费|医院|生病|大病|重病|癌|护理|养老院|康复|疾病|"
        r"身体不好|护工",
    ),
    *chinese(
        "emigration",
        r"移民|出国定居|海外定居|移居|去国外生活|绿卡|身份规划|投资移民|技术移民|润出去|润了",
        r"(?:去|到|在)(?:国外|海外|澳洲|澳大利亚|加拿大|美国|英国|新西兰|日本|新加坡|马来西亚|泰国|"
        r"欧洲|德国|法国|西班牙|葡萄牙|爱尔兰|香港)(?:\S{0,2}|跟\S{1,4}一起)(?:定居|生活|养老|安家|落户|"
        r"发展)|"
        r"办(?:身份|签证|移民)|拿(?:身份|枫叶卡|PR)",
    ),
    *chinese(
        "emergency_fund",
        r"应急|备用金|急用|紧急|以备不时之需|不时之需|意外|备用|救急|防身|万一失业|失业",
    ),
    *chinese(
        "wealth_growth",
        r"增值|财富增长|资产增长|钱生钱|让钱增长|跑赢通胀|抵御通胀|对抗通胀|保值增值|收益最大化|"
        r"高收益|多赚|赚钱|赚点钱|赚更多|财富积累|积累财富|长期增长|资本增值|翻倍|发财|致富|"
        r"比(?:存)?(?:银行|定期|余额宝)(?:强|高|多|好)|想做长期|长期(?:投资|配置|持有|增值|理财|"
        r"定投|放着|拿着)|定投|指数基金|年化|收益率|(?:每年|一年)(?:至少)?(?:有)?(?:百分之|\d+%)|股票型|"
        r"偏股|权益类|多涨(?:点|些)|涨多点|让(?:它|钱)(?:慢慢)?(?:涨|变多|长大)",
    ),
    *chinese(
        "income",
        r"每月收入|每个月(?:有)?(?:固定)?收入|固定收入|稳定收入|被动收入|现金流|分红|股息|利息|"
        r"派息|月月有|每月领|按月领|按月拿|补贴家用|补充养老金|补充收入|生活费来源|定期收入|"
        r"每个月能拿|每月能拿|每月拿|零花钱|贴补|补贴|每(?:个)?月(?:能)?有(?:点|些)?钱(?:拿|用|花)|"
        r"吃利息|靠利息|每(?:个)?月(?:从\S{0,6})?(?:取|拿)(?:出)?(?:点|些)?(?:钱|利息)|"
        # 每个月多点钱, 每个月多份收入, 每个月返两千.
        r"每(?:个)?月(?:能)?多(?:点|些|份|一份)?(?:钱|收入)|每(?:个)?月(?:都)?返",
    ),
    *chinese(
        "legacy",
        # 给孙子留着: kept for the grandson.
        r"给(?:我的?)?(?:孙子|孙女|外孙|外孙女|孙辈|儿孙)+留着|留给(?:我的?|我们)?\S{0,2}(?:孩子|"
        r"子女|儿子|女儿|孙子|孙女|孙仔|外孙|外孙女|孙辈|后代|下一代|家人|晚辈|儿孙|小孩)|(?:留|"
        r"作为)(?:下)?遗产|传承|家族财富|传给|身后|走了以后|百年之后|遗嘱|信托",
        # 剩下的钱留给我和我弟, 一部分给女儿.
        r"(?:剩下的|剩余的|余下的|一部分)(?:钱)?[^，。！？]{0,6}?(?:留)?给(?:我和|我们|女儿|儿子|孩子|"
        r"子女|孙子|孙女)",
    ),
)


# An emergency fund they already keep ("I have 6 months of expenses saved for emergencies",
# "emergency fund is separate", 有6个月的应急资金) is a fact about their buffer, not a goal,
# unless they also say they want to build it.
HOLDS_BUFFER = re.compile(
    r"\b(?:have|has|'ve got|got|keep|keeps|kept|already|separate\w*|set aside|put aside|saved|"
    r"in place|sorted|covered|months? of|years? of)\b|有|已经|留了|存了|另外|单独|个月|一年的|"
    r"半年的|备着",
    re.IGNORECASE,
)
WANTS_BUFFER = re.compile(
    r"\b(?:want|wants|need|needs|build|building|start|starting|set up|create|saving (?:up )?for|"
    r"save (?:up )?for|no|don'?t have|nothing)\b|想|要|打算|准备|攒|没有|没",
    re.IGNORECASE,
)


def find_goals(
    conversation: Conversation, matcher: CueMatcher, reader: ClauseClassifier | None = None
) -> tuple[GoalFinding, ...]:
    """The investor's goals, in a fixed order, each with its evidence. With a `reader` (see
    `clauses`), the sentences no goal cue matched are read by it too, for goals worded in ways
    the cues do not list; a goal found only so has a lower confidence."""
    all_hits = matcher.find(GOAL_CUES, conversation.clauses)
    hits = [hit for hit in all_hits if not hit.negated and not _held_buffer(hit)]
    by_goal: dict[str, list[Hit]] = {}
    for hit in hits:
        by_goal.setdefault(hit.label, []).append(hit)
    learned = _learned_goals(conversation, all_hits, reader)
    findings = []
    for goal in GOAL_ORDER:
        goal_hits = by_goal.get(goal)
        if not goal_hits:
            if goal in learned:
                findings.append(
                    GoalFinding(goal=goal, confidence=LEARNED_CONFIDENCE, evidence=learned[goal])
                )
            continue
        messages = {hit.message_index for hit in goal_hits}
        confidence = min(0.95, BASE_CONFIDENCE + PER_EXTRA_MENTION * (len(messages) - 1))
        evidence = tuple(dict.fromkeys(hit.evidence() for hit in goal_hits))
        findings.append(GoalFinding(goal=goal, confidence=confidence, evidence=evidence))
    return tuple(findings)


def _learned_goals(
    conversation: Conversation, cued: list[Hit], reader: ClauseClassifier | None
) -> dict[Goal, tuple[Evidence, ...]]:
    """Goals the reader finds, above `CONFIDENT`, in clauses where no goal cue (negated or
    not) matched: a cue's clause has been read by the rules, but its sentence may name a
    second goal ("retiring next year, and we'll need about 16k a year out of it")."""
    if reader is None:
        return {}
    read_clauses = {(hit.message_index, hit.clause.start) for hit in cued}
    clauses = [
        clause
        for clause in conversation.clauses
        if clause.text.strip() and (clause.message_index, clause.start) not in read_clauses
    ]
    found: dict[Goal, tuple[Evidence, ...]] = {}
    for clause, reading in zip(clauses, reader.read([c.text for c in clauses]), strict=True):
        goal = reading.goal
        if goal is not None and reading.probability >= CONFIDENT:
            found[goal] = (*found.get(goal, ()), clause.evidence())
    return found


def _held_buffer(hit: Hit) -> bool:
    """An emergency-fund cue in a clause that says they already have one."""
    text = hit.clause.text
    return (
        hit.label == "emergency_fund"
        and bool(HOLDS_BUFFER.search(text))
        and not WANTS_BUFFER.search(text)
    )

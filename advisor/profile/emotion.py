"""Emotion: a reading per user message, and the rolling state over the conversation.

Per message, lexicon cues score four labels:

* anxious: worry words (worried, nervous, 担心, 焦虑, 害怕), and a falling market (down 20%,
  跌了, 亏了) together with a request for what to do (should I sell?, 怎么办, 要不要赎回);
  either alone is only half a cue;
* panic: demands to sell everything now, sleeplessness, fear of losing everything (清仓, 全部卖掉,
  睡不着, 血本无归), weighted 1.5;
* euphoric: fear of missing out, "everyone is getting rich", all in, borrowing or leverage to
  invest (梭哈, 借钱加仓, 大家都在赚钱), weighted 1.2;
* calm: reassured, patient, long-term (fine, comfortable, 淡定, 放心, 长期持有).

Each cue's weight is adjusted: a negated worry or panic cue counts for calm ("I'm not worried at
all", 不担心) and a negated calm cue for anxious (不放心, "can't relax"); a negated euphoric cue
counts for nothing. Hypothetical cues ("I'd panic if...") count 0.3 and past ones ("I was
worried") 0.3. Within a message, what follows the last contrast word counts 1.5 and what comes
before it 0.6 ("I was worried but now I'm fine" reads calm). A label needs a score of 1; panic
wins when it reaches 1 and calm does not outweigh it; otherwise the highest score wins.

English messages where no label reaches 1 are compared, sentence by sentence, with prototype
sentences of each label (written below, embedded once by MiniLM at start-up); a sentence whose
nearest label is not calm, with a similarity of at least `PROTOTYPE_THRESHOLD` that beats the
nearest calm prototype by `PROTOTYPE_MARGIN`, gives the message that label (the most similar
such sentence wins). The thresholds are strict on purpose: a whole message of facts ("I'm 44,
this is for 20 years out") sits close to worried prototypes, so only a sentence that plainly
says the feeling counts. Chinese relies on the lexicon alone (MiniLM cannot read it).

Rolling state: the current emotion is that of the last user message. A last message with no
reading of its own is calm, unless it still shows a sign of an earlier worry ("so what do I
do?"), which it then keeps. Worry about a falling market in the last three (or more) consecutive
user messages is sustained anxiety: a run starts with a message that worries about a fall
(anxious or panicked with a fall mentioned, or a fall and a request for what to do) and goes on
through messages that still show worry or ask what to do; the current state is then anxious, or
panic if the last message panicked. A message without worry ends the run.
"""

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, get_args

from advisor.profile.lexicon import (
    A_NOT_A,
    HYPOTHETICAL,
    CueMatcher,
    Hit,
    answers_hypothetical,
    chinese,
    english,
    is_hypothetical,
)
from advisor.profile.model import Emotion, EmotionReading, EmotionState, Evidence, Inferred
from advisor.profile.subject import nearest_person, quoted_speaker
from advisor.profile.text import Conversation, UserTurn, split_sentences

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from advisor.knowledge.embeddings import Embedder

LABEL_THRESHOLD = 1.0
# Not feelings: they count whoever says them (a fall, a question, urgency, a suspected scam).
FACT_LABELS = ("drop", "ask_action", "urgent", "alarm")
BODY_NOW = re.compile(r"在(?:发)?抖|心跳|\b(?:shaking|trembling)\b", re.IGNORECASE)
FEELING_NOW = re.compile(r"\b(?:i'?m|i am|we'?re|we are)\s+(?:\w+\s+)?$", re.IGNORECASE)
WORRY_LABELS = ("anxious", "drop", "ask_action")
SUSTAINED_RUN = 3
NEGATED_CALM_WEIGHT = 1.0
ASK_ACTION_WEIGHT = 0.6  # a request for what to do: "should I sell?", 怎么办, 要不要赶紧赎回？
ASKS_WHETHER_TO = re.compile(
    r"\b(?:(?:if|whether) (?:i|we) should|should (?:i|we)) $", re.IGNORECASE
)
HYPOTHETICAL_FACTOR = 0.3
PAST_FACTOR = 0.3
# A clause that grants something before the investor sets it aside: "虽然最近大家都在买",
# "even though everyone is buying".
CONCESSION = re.compile(
    r"\s*(?:虽然|虽说|尽管|即使|就算|(?:although|even though|though|while)\b)", re.IGNORECASE
)
AFTER_CONTRAST_FACTOR = 1.5
BEFORE_CONTRAST_FACTOR = 0.6
PROTOTYPE_THRESHOLD = 0.6
PROTOTYPE_MARGIN = 0.15
PROTOTYPE_CONFIDENCE = 0.55
# Every turn re-reads the whole conversation, so a sentence's decision is kept rather than its
# sentence embedded again each turn; bounded, so a long-running app does not grow.
DECISION_CACHE_SIZE = 8192
DEFAULT_CONFIDENCE = 0.4
SUSTAINED_CONFIDENCE = 0.85

_DROP_EN = (
    r"(?:market|markets|stocks?|shares|portfolio|fund|funds|account|investments?|savings|"
    r"it|everything|prices?|s&p|nasdaq|dow|index|balance|401k|pension)(?:'s|’s| is| are| has| have"
    r"| just| keeps?| kept| was| were)?\s+(?:\w+\s+)?(?:down|dropp\w*|fall\w*|fell|crash\w*|"
    r"tank\w*|"
    r"plung\w*|plummet\w*|sink\w*|sank|slump\w*|collaps\w*|tumbl\w*|dipp\w*|sliding|slid|bleeding|"
    r"in the red|going down|went down|lost|shrinking|shrunk|halved|cut in half|red)"
)
EMOTION_CUES = (
    *english(
        "anxious",
        r"worr(?:y|ied|ying|ies|isome)",
        r"bothered|troubled|fazed|phased",
        r"(?:keep|kept|keeps|can'?t stop|cannot stop) (?:wondering|thinking|checking|worrying|"
        r"refreshing|looking)",
        r"(?:keep|kept|keeps) (?:opening|checking|refreshing|looking at) (?:the|my) (?:app|account|"
        r"portfolio|balance)|(?:eating|nagging|gnawing) at me",
        r"second[- ]guess\w*|(?:it'?s|it is) on my mind (?:all the time|constantly|day and night)",
        r"all i (?:can )?think about|obsess\w*|(?:checking|check) (?:my|the) (?:account|portfolio|"
        r"app|"
        r"balance) (?:every|all the|constantly|hourly)",
        r"stomach (?:drop|drops|dropped|churn\w*|turn\w*|in knots)|knots in my stomach",
        r"freaking out|freak out",
        r"before it gets worse",
        r"nervous",
        r"can'?t think straight",
        r"\bhelp\s*!+|please help|what (?:do|should|can) i do\s*\?",
        r"anxious|anxiety",
        # Not the politeness of "It has to stay safe, I'm afraid." or "I'm afraid not".
        r"scared|(?<!i'm )(?<!i am )(?<!im )afraid|frightened|fearful",
        r"(?:i'?m|i am) afraid(?!\s*(?:[.!?,;]|so\b|not\b|$))",
        r"(?<!as far as i'm )(?<!as far as i am )(?<!as far as we're )concern(?:ed|ing|s)?",
        r"uneasy|unsettl\w+|on edge|jittery|jumpy",
        r"stress(?:ed|ful|ing)?",
        r"(?:freaked|spooked|rattled|shaken)",
        r"keeps? me up(?: at night)?",
        r"(?:really |so |very )?(?:upset|overwhelmed|distressed|uncomfortable)",
        r"(?:makes|making) me (?:sick|nervous|uneasy)",
        r"i don'?t like (?:this|what i'?m seeing|seeing)",
        r"(?:checked|checking|looked at) (?:it|the app|(?:my|the|our) (?:\w+ )?(?:account|app|"
        r"portfolio)) (?:about |like |maybe )?(?:\d+|"
        r"three|four|five|six|seven|eight|nine|ten|twenty|thirty|fifty|a dozen|a hundred|so many) "
        r"times",
        r"(?:is it|will it|could it|is this|what if it) (?:going to )?(?:get worse|keep (?:falling|"
        r"dropping|"
        r"going down)"
        r"|crash|go lower)",
        r"how (?:much )?(?:low|far|much lower|much further|bad) (?:can|will|could) (?:it|this|"
        r"the market)",
        r"(?:losing|lost|lose|loss of) (?:so much|a lot|money|\d+%|half|my savings|sleep over)",
        r"can'?t (?:bear|stand|stomach) (?:to )?(?:watch|look|see)",
        r"(?:dread|dreading|terrible|awful|horrible|painful)",
        r"can'?t (?:focus|concentrate|think about anything else)",
        r"feel(?:ing)? (?:\w+ )?(?:sick|ill|awful|terrible|nauseous|queasy)",
    ),
    *english(
        "drop",
        _DROP_EN,
        r"(?:down|dropped|fallen|lost)\s+(?:by\s+)?(?:about\s+|almost\s+|nearly\s+|"
        r"over\s+)?\d+\s*%",
        r"(?:market|stock market|crypto|bear market|sell-?off|correction|crash|downturn|recession|"
        r"slump|meltdown|bloodbath|dip|volatility|turbulence)(?! (?:doesn'?t|don'?t))",
        r"(?:red|losses) (?:everywhere|again|across)",
        r"(?:this|the|that|a|these|another) (?:big |sharp |sudden )?(?:fall|drop|decline|dip|slump|"
        r"sell-?off|correction|downturn|plunge|losses)",
        r"(?:fall|drop|decline|slump|dip|loss(?:es)?|crash|plunge) (?:in|of) (?:bonds?|stocks?|"
        r"shares|the market|markets|my|our|prices|equities|crypto|gold)",
        r"(?:keep|keeps|still|continue|continues) (?:losing|falling|dropping|going down|sliding)",
        r"(?:even )?worse (?:today|again|now|this week)",
        r"(?:lower|less|down) (?:again|than yesterday|every day|each day)",
        r"(?:another|a further) (?:\d+(?:\.\d+)?\s*%|\d+ (?:percent|points))",
        weight=0.5,
    ),
    *english(
        "ask_action",
        r"what (?:should|do|can|must|would you) (?:i|we) (?:do|be doing)",
        r"what (?:now|to do)",
        r"what (?:am|are) (?:i|we) (?:supposed|meant|going|expected) to do",
        r"how (?:should|do) (?:i|we) (?:react|respond|handle|deal with)",
        r"what'?s the (?:right|best|smart) (?:move|thing to do)",
        r"do (?:i|we) (?:need|have) to (?:do|sell|move|change|act)",
        r"should (?:i|we) (?:sell|get out|pull out|move|switch|cash out|do something|do anything|"
        r"wait|stop|hold|panic|be worried|worry|act|redeem|withdraw|cut|bail|change|be (?:doing|"
        r"worried|concerned|selling|moving|scared|nervous))",
        r"is (?:that|this|it) (?:normal|a crash|the start|going to last)",
        r"(?:is it|is now) (?:time|a good time) to (?:sell|get out|pull out|cash out)",
        r"do i need to (?:do|change|sell|move) (?:something|anything)",
        r"(?:any|your) advice\?",
        r"is (?:my money|it|this) (?:safe|ok|okay|going to recover)",
        r"(?:will|does|is) (?:it|the market|my portfolio) (?:recover|bounce back|come back)",
        r"help|what'?s (?:even )?going on|what is (?:even )?going on|what happened",
        # Asking for a person after a worry keeps the worry: "can someone pls call me".
        r"(?:please|pls|plz) (?:\w+ )?(?:call|ring|phone) me\b|(?:talk|speak) to (?:a |an |"
        r"someone|somebody)(?:real |actual |human )?(?:person|human|adviser|advisor)?|"
        r"(?:a |an )?(?:real|actual) (?:person|human)",
        r"(?:move|switch|go|put it) (?:\w+ )?(?:to|into) cash(?: or \w+)?\s*\?|pull (?:it|them|"
        r"everything|it all) out\s*\?|sell or (?:hold|wait)\b",
        r"(?:would|will|could|is) (?:that|this|it) (?:\w+ )?(?:wipe|clean|take|wash) (?:me |us |"
        r"my \w+ |our \w+ )?out|(?:would|will|could) (?:i|we) (?:lose|run out|be ruined|be okay|"
        r"be ok)",
        weight=ASK_ACTION_WEIGHT,
    ),
    *english(
        "urgent",
        r"(?:answer|reply|respond|tell me|help me) (?:quickly|fast|asap|now|right now|urgently|"
        r"immediately)|urgent\w*|i mean it|asap|hurry",
        # Urgency alone, a fear's or an eager buyer's ("I want in, like right now!").
        r"(?:right now|immediately|asap|today)!",
        weight=0.6,
    ),
    *english(
        "alarm",
        # Suspecting a scam: a worry about what is happening, to the typist or to someone else.
        r"scam\w*|fraud\w*|con artist|is (?:this|it|he|she) (?:real|legit|legitimate)",
        r"(?:keeps?|kept) (?:calling|ringing|phoning|texting|messaging|pressuring|pushing) "
        r"(?:me|him|her|them|my \w+)|pressur\w+ (?:me|him|her|them|my \w+) (?:to|into)|"
        r"(?:is|seems|sounds|got) (?:so |very |really )?confused",
        weight=0.6,
    ),
    *english(
        "panic",
        r"sell (?:it |them )?(?:all|everything)(?: now)?",
        r"(?:sell|selling|dump|dumping) (?:all|everything|every)(?: of)? (?:my|it|stocks|"
        r"shares)\w*",
        r"get (?:me |my money |everything |it all )?out(?: now| of (?:everything|the market|stocks)"
        r"| right now| immediately)",
        r"get me out\b|get us out\b",
        r"(?:pull|pulling|take|taking|cash|cashing) (?:it all|everything|all (?:of )?(?:it|"
        r"my money))"
        r" out",
        r"(?:liquidate|liquidating) (?:everything|it all|all)",
        r"(?:move|put) everything (?:to|into|in) cash",
        r"can'?t sleep|couldn'?t sleep|haven'?t slept|sleepless|not sleeping|losing sleep|"
        r"lie awake|lying awake|up all night|can'?t eat|didn'?t sleep(?: a wink)?|"
        r"(?:barely|hardly|not) slept|no sleep|not a wink",
        r"(?:switch|move|put|shift|convert|swap|change|transfer|turn)\w* (?:the lot|everything|"
        r"every penny|it all|all of it|all (?:of )?(?:my|our) (?:money|savings|\w+)|the whole "
        r"(?:lot|thing|portfolio|account)) (?:\w+ )?(?:to|into|in) (?:cash|money market|a savings "
        r"account|the bank)",
        r"(?:every penny|everything|all of it|it all|the lot) (?:moved|switched|put|converted|"
        r"shifted) (?:to|into) cash",
        r"before (?:there'?s|there is) nothing left|before it all (?:goes|disappears|vanishes)",
        r"gone to water|lost my nerve|losing my nerve",
        # Thoughts of not being here: extreme distress (and a person is called, see `flags`).
        r"better off without me|(?:manage|cope|be) (?:just )?(?:fine|better(?: off)?) without me|"
        r"end it all|(?:don'?t|do not) want to (?:be here|live|go on)|"
        r"no (?:point|reason) (?:in )?(?:going on|living|being here)",
        # Not "i can lose it all lmao it's just play money": an acceptance, not a fear.
        r"(?<!can )(?<!afford to )(?<!fine to )(?<!ok to )(?<!okay to )(?<!happy to )"
        r"(?:lose|losing|lost) (?:everything|it all|all of it|all (?:of )?(?:my|our) (?:money|"
        r"savings))",
        r"(?:need|want) (?:it |it all |everything |my money |the money )?out (?:now|today|"
        r"right now|immediately|tonight)",
        # "I want OUT. All of it. Today.": a clause that ends on wanting out.
        r"(?:i|we) (?:just )?want (?:it )?out\W*$",
        r"before it (?:hits|reaches|goes to) zero",
        # "startups that could go to zero" describes the asset; "before it goes to zero" fears.
        r"wiped out|(?<!could )(?<!might )(?<!can )(?<!may )go(?:es|ing)? to zero|total loss|"
        r"lose (?:the )?(?:whole|entire) (?:thing|amount)",
        r"(?:all|everything|it all) (?:in|into|to) cash(?: today| now| immediately| right now)",
        r"terrified|petrified|horrified|panick?\w*|losing my mind|desperate",
        r"can'?t (?:take|handle|do) (?:it|this) any ?more",
        r"(?:sell|get out|pull out|cash out)\w* (?:\w+ ){0,4}before (?:it'?s|it is) too late",
        r"(?:before|until) (?:i|we) lose (?:everything|it all|more)",
        r"(?:make it|make this) stop",
        r"(?:i'?m|we'?re) ruined|nightmare|catastroph\w+",
        r"(?:crying|shaking|heart (?:is )?(?:racing|pounding)|sick to my stomach)",
        r"can'?t breathe|(?:get|pull) (?:me |us )?out of (?:this|it|here) (?:right now|now|"
        r"immediately|today)|before (?:it'?s|it is) all gone",
        r"feel(?:ing)? (?:physically |literally )?sick|sell[,!.\s]+sell|"
        r"(?:i )?want (?:to get )?out of (?:everything|it all|the market|all of it)",
        weight=1.5,
    ),
    *english(
        "euphoric",
        r"(?:go|going|went|be|put it|put everything) all[- ]in",
        r"all[- ]in (?:on|with)",
        r"\byolo\b",
        r"i can feel it|this is the one|the big one|no regrets|now or never|"
        r"(?:moving|putting|throwing|dumping) (?:my |our )?(?:entire|whole|all (?:of )?(?:my|our)) "
        r"(?:savings|money|pot|portfolio|life savings) into",
        r"to the moon|mooning",
        r"fomo|fear of missing out|(?:don'?t|do not|can'?t|cant) (?:want to )?miss (?:out|this|"
        r"the boat|it)|\blfg\b|chance of a lifetime|making a packet",
        r"miss(?:ing)? (?:out|the boat|this rally|the rally)",
        r"(?:everyone|everybody|all my friends|my friends|my coworkers|my colleagues|"
        r"my neighbou?rs?|people|(?:the |my )?(?:whole )?(?:team|office|group chat|golf club|club|"
        r"gym|mates)|all my mates|my mates|the lads|half (?:the|my) \w+(?: \w+)?)"
        r"(?: \w+){0,4}?(?:'s|’s| is| are| has| have)?(?: been)? (?:all )?(?:getting rich|making "
        r"(?:a )?(?:fortune|money|bank|a killing|bank)|raking it in|cleaning up|"
        r"minting (?:it|money)|"
        r"buying|piling in|getting in|cashing in|doubling)",
        r"(?:doubled|tripled|made a fortune|made a killing|got rich)(?: \w+){0,2}",
        r"(?:everyone|everybody|all my friends|people)(?: \w+){0,3}? (?:is|are) doing it",
        r"quit\w* my job to (?:day[- ]?)?trad\w+|day[- ]?trad\w+ full[- ]time",
        r"(?:can|will) only go up|only go(?:es)? up|(?:can'?t|won'?t) go down|"
        r"going to keep going up|(?:only|it'?s only) going one way|never goes down|"
        r"no way (?:this|it) (?:goes|can go) down|going parabolic|printing money|\d+x-?ing\b|🚀",
        r"can only (?:keep )?(?:go(?:ing)?|rise|rising|climb\w*)(?: up| higher)?|"
        r"(?:can'?t|won'?t) stop (?:going up|rising|climbing)",
        r"before it (?:goes|gets|climbs|rises|runs|shoots|moves) (?:up )?(?:even |any |much )?"
        r"(?:higher|further|more|up)|before it (?:runs away|runs off|takes off)|before (?:the )?"
        r"price (?:goes|gets) (?:higher|up)",
        r"(?:not (?:gonna|going to)|won'?t|can'?t afford to) (?:sleep on|miss) (?:this|it|out)",
        r"feel(?:ing)? (?:unstoppable|invincible|like a genius|on top of the world)|"
        r"(?:market'?s?|stocks?|it'?s|it is) (?:ripping|mooning|flying|on a tear|going parabolic)",
        r"you only live once",
        r"(?:left|being left) (?:out|behind)",
        r"(?:throw|put|dump|pour|sink|move|shove)\w* (?:all|everything|the whole|every penny|"
        r"my whole|"
        r"the rest|the lot|it all)(?: of (?:it|my|the) ?\w*| \w+){0,3} (?:in|into)\b",
        r"(?:buy|get in|want in|throw|put|invest)\w* (?:\w+ ){0,4}before (?:it'?s|it is) too late",
        r"(?:buy|get in|throw|put|invest|go in)\w* (?:\w+ ){0,5}before (?:everyone|everybody|"
        r"others|the rest|the crowd)(?: else)? (?:finds? out|catch(?:es)? on|gets? in|piles? in|"
        r"notices?)",
        r"exciting|excited",
        r"get rich(?: quick)?|easy money|free money|quick money|fast money",
        r"(?:double|triple|10x|100x) my money",
        r"(?:guaranteed|sure) (?:winner|thing|bet|profit|gains?)",
        # A sure thing ("it can't lose"), not a limit ("I can't lose a penny of it").
        r"can'?t (?:really )?(?:go wrong|fail)|can'?t (?:really )?lose(?! (?:a |any|my|the|this|"
        r"it\b|money|more|much|that|everything|all|anything|even|our|her|his|what|[\d$£€]))",
        r"(?:borrow|borrowing|loan|mortgage|remortgage|remortgaging|credit card|heloc|"
        r"home equity)\w*"
        r" (?:\w+ ){0,3}(?:to|and) (?:invest|buy|put (?:it )?in)",
        r"(?:on|use|using|with|more) (?:margin|leverage)|leveraged|max(?:imum)? leverage",
        r"(?:pumped|hyped)|can'?t wait|thrilled",
        r"once[- ]in[- ]a[- ]lifetime|(?:hottest|next big) (?:stock|thing|coin)",
        r"double down|(?:buy|buying|pile|piling) (?:in )?(?:as much as)(?: possible| i can)?",
        r"(?:skyrocket|soar|explod|rocket)\w*",
        r"(?:i|we) (?:could|can) (?:retire|quit) (?:early|rich|tomorrow)",
        r"on fire|crushing it|killing it",
        r"before (?:this|the) (?:run|rally|bull run) (?:is over|ends)",
        # Eager to be in now: "just get me in quick", "let's go before it bounces".
        r"(?:get|put) me in (?:quick|now|asap|fast|today)|let'?s go(?! through| over| back| of)\b|"
        r"before it (?:bounces|moons|takes off|pumps)|\d+x'?d\b|this is my shot",
        weight=1.2,
    ),
    *english(
        "euphoric",
        r"making (?:a )?killing|making bank|raking it in|cleaning up|"
        r"(?:done|tired of|sick of) (?:being (?:cautious|careful|patient|conservative)|sitting on "
        r"the sidelines|waiting)",
        weight=0.6,
    ),
    *english(
        "trait",
        # A disposition, not a state: "I'm scared of losing money" answers how they are.
        r"(?:i'?m|i am|i'?ve always been|always) (?:\w+ )?(?:scared|afraid|terrified|fearful) of "
        r"(?:losing money|losses|risk|volatility|the stock market)",
        r"(?:i )?(?:hate|fear|dread) (?:losing money|losses|risk)",
        r"(?:i'?m|i am) (?:a |an )?(?:\w+ )?(?:nervous|anxious|worried|cautious) (?:person|type|"
        r"investor|sort|one)",
        weight=0.0,
    ),
    *english(
        "calm",
        r"calm|relaxed|at ease|unfazed|unbothered|untroubled|composed|serene|zen",
        r"(?:i'?m|i am|feel|feeling|we'?re|it'?s|that'?s|sounds) (?:totally |completely |"
        r"perfectly |"
        r"pretty |quite |much |all )?(?:fine|okay|ok|good|great|better|comfortable|confident|"
        r"reassured|content|happy|relieved|at peace)",
        r"(?:patient|long[- ]term (?:investor|view|perspective|mindset|outlook))",
        r"(?:stay|staying|stick|sticking) (?:the course|to (?:the|my|our) plan|invested)",
        r"ride (?:it|this|them) out",
        r"(?:ups and downs|volatility|dips|fluctuations|swings) (?:are|is) (?:normal|fine|"
        r"expected|part)",
        r"(?:markets|prices) (?:go up and down|fluctuate|recover)",
        r"no (?:rush|hurry|worries|stress|panic)",
        r"(?:sleep|sleeping) (?:well|fine|soundly)",
        r"(?:that|this) (?:helps|makes sense|is reassuring)|reassuring|makes me feel better",
        r"(?:thanks|thank you)(?: so much| for (?:explaining|the explanation|that))",
        r"not in a hurry|in no hurry|take (?:my|our) time",
        r"(?:buy|buying) (?:the|more on the) dips?",
    ),
    *chinese(
        "anxious",
        r"担心|担忧|焦虑|紧张|害怕|不安(?!全)|忐忑|心慌|发慌|慌|着急|急死|揪心|闹心|心里没底|没底|"
        r"不踏实|忍不住(?:打开)?(?:看|刷|盯|琢磨)|老想(?:着)?(?:这|那)(?:件|个)?事|直突突|直打鼓|七上八下|"
        r"压力(?:很|好|特别|太)?大|心疼|难受|郁闷|烦死|心烦|吓人|恐惧|忧虑|睡不好|很怕|好怕|真怕|"
        r"放心不下|一直在想|老是想|总是想|总在想|天天看|一直看|坐立不安|心神不宁|心里很乱|心乱|"
        r"不知所措|手足无措|六神无主|没心思|心不在焉|无心(?:工作|上班|做事)|心里(?:很|挺|"
        r"有点)?不舒服|心态(?:崩|炸)了?|不敢(?:打开|看)(?:APP|app|账户)?|(?:都|一直|总|老)在想这(?:件)?事|"
        r"躺着也在想|吃饭都在(?:算|想)",
    ),
    *chinese(
        "trait",
        # 最怕亏钱: what the investor is like, not what they feel now.
        r"(?:最|很|比较|特别|就|一直)?怕(?:亏|赔|风险|波动|跌)(?:钱)?",
        weight=0.0,
    ),
    *chinese("anxious", r"怕", weight=0.6),
    *chinese(
        "alarm",
        r"被骗|骗子|诈骗|是不是骗|靠谱吗|真的假的",
        # What a scammer says: keep it from the family, a "safe account", money laundering.
        r"(?:别|不要|不让|千万别)(?:她|他|我)?(?:告诉|跟|和)(?:家里人|家人|子女|我们|任何人|别人|"
        r"家里)|安全账户|涉嫌洗钱",
        weight=0.6,
    ),
    *chinese(
        "drop",
        r"(?:一直|连续|又|还在|天天|今天|最近|这几天|大|暴|狂|猛|持续)?(?:下跌|大跌|暴跌|跌)"
        r"(?:了|得|惨|麻|停|破|成这样|这么多|了这么多|了\d+%|不停)?",
        r"亏(?:了|损|钱|得|掉|惨)|被套|套牢|绿了|一片绿|回撤|缩水|熊市|股灾|崩盘|腰斩|浮亏|大跳水",
        r"破净|跌破净值|(?:又|还在|一直|天天)少了|少了(?:\d+|[一二两三四五六七八九十百千万几]+)|"
        r"绿油油|飘绿|绿得|全绿",
        weight=0.5,
    ),
    *chinese(
        "ask_action",
        r"怎么办|咋办|如何是好|该怎么做|怎么处理|要不要(?:卖|赎回|割|止损|清仓|跑|撤|减仓|换)|"
        r"该不该(?:卖|赎回|割|止损|清仓|跑|撤)|还会(?:继续)?跌吗|会不会(?:继续)?(?:跌|亏|暴跌|崩)|"
        r"还能涨回来吗|能回本吗|会回本吗|什么时候能涨|还要跌多少|要不要先|是不是该|应该卖吗|"
        r"能不能回本|还有救吗|要不(?:先|就)?(?:卖|赎回|撤|清仓|割|止损)|我该怎么|正常吗|"
        r"要不要(?:调整|动|换|处理)|需要(?:调整|处理|做点什么)吗",
        r"会不会越(?:亏|跌)越|越(?:亏|跌)越多|是不是买错了|是不是(?:该|要)(?:卖|跑|割)",
        weight=ASK_ACTION_WEIGHT,
    ),
    *chinese(
        "urgent",
        r"快(?:告诉|回答|回复|帮帮)我|赶紧(?:告诉|回)我|马上(?:告诉|回)我|急急急|"
        r"现在就(?:得|要)|一分钟都不能等|等不了了",
        weight=0.6,
    ),
    *chinese(
        "panic",
        r"全部(?:卖掉|卖了|卖出|赎回|清仓|取出|撤出)|全卖|都卖了|都卖掉|统统卖|清仓|割肉|"
        r"赶紧(?:帮我)?(?:全部?|都)?(?:卖|跑|赎回|撤|清仓|出来)|马上(?:卖|赎回|全部|清仓|撤)|"
        r"立刻(?:卖|赎回|清仓)|(?:一晚上|一夜|整晚|几天|两天|三天|好几天)(?:[一两三几]夜)?(?:都)?没合(?:过)?眼|"
        r"受不了|(?<!资金链)(?<!现金流)扛不住|(?<!资金链)(?<!现金流)撑不住|崩溃|睡不着|失眠|整夜|吃不下饭|血本无归|倾家荡产|一无所有|全亏|亏光|"
        r"归零|完蛋|天塌|吓死|要疯了|绝望|救命|不想活|全没了|都没了|一分不剩|恐慌",
        r"完了完了|爆仓|急疯了|快疯了|腿(?:都)?软了|怎么办怎么办|赔光|全赔|(?:脑子|大脑)(?:里)?一片空白|手(?:都|一直)?在抖|心跳(?:得)?(?:好|很|特别)?快",
        weight=1.5,
    ),
    *chinese(
        "euphoric",
        r"梭哈|满仓|全仓|借钱(?:来)?(?:加仓|投资|买|炒|理财)|贷款(?:来)?(?:买|炒|投资|加仓)|"
        r"加杠杆|上杠杆|杠杆|融资(?:买|加仓)|配资|大家都在(?:赚|上车|买|抢|冲)|别人都(?:在)?赚|"
        r"身边的?人都|(?:再|现在)?不上(?:车)?就(?:晚|来不及)|"
        r"(?:朋友|同事|邻居|亲戚)们?都(?:在)?(?:赚|买|发财)|都发财|发大财|暴富|一夜暴富|翻倍|翻几倍|"
        r"十倍|"
        # 稳赚 as a belief; 我要稳赚不赔 is a demand (a tolerance answer), not excitement.
        r"百倍|(?<!要)(?<!想)(?<!希望)稳赚(?:不赔)?|错过|踏空|上车|冲冲冲|牛市来了|大牛市|机会难得|千载难逢|赶紧买|"
        r"(?<!正好)(?<!反而)(?<!反而会)(?<!就)多买点|兴奋|激动|太爽|赚翻|起飞|抵押\S{0,4}(?:投资|炒股|买|加仓)|来不及了|再不买|"
        r"涨到天上|涨疯了|"
        r"只涨不跌|"
        r"不买就|都(?:买了|在买|在抢|赚了|发了)|都在抢|抢着买|天天涨|太猛了|机会不等人|"
        r"(?:全|全部|都)(?:投|砸|押|放|买)(?:进去|进来|上)|这次(?:肯定)?不一样|"
        r"(?:再|还要|继续)(?:加|投|买)\S{0,4}(?:进去|进来)|涨停|暴涨|赚了(?:好几|几|\d+)",
        r"(?:晚了|再晚|再等)就(?:买不到|来不及|没(?:机会|了)|涨上去)|(?:买不到|抢不到)这个价|"
        r"还能涨(?:多少)?|还要涨|还会(?:继续)?涨|涨(?:个)?不停|(?:全(?:部)?|都)取(?:了|出来)(?:去)?买",
        r"不(?:上车|买|进场|入场)就|再也没(?:有)?机会|以后没机会|只会涨|冲进去|上不了车|不会跌的|"
        r"不可能跌|所有人都在|往里冲|嫌买少了|取出来全(?:部)?(?:买|投)|"
        r"赚疯了?|赚麻了?|冲一把|冲了|一把梭|梭了|搏一搏|都赚到了|趁(?:名额|机会)还有|单车变摩托|满仓干|干就完了|闭眼买|无脑买|"
        # "我要all in", not an allocation ("want it all in the C and S funds").
        r"(?<![A-Za-z])(?:all|ALL)[- ]?in(?![A-Za-z])(?!\s+(?:the|my|a|an|one|our|index|bonds?|"
        r"stocks?|cash)\b)|翻身",
        weight=1.2,
    ),
    *chinese(
        "calm",
        r"淡定|放心|踏实|安心|无所谓|平常心|长期持有|长期投资|拿得住|心态(?:很|还|挺)?好|"
        r"正常波动|波动很正常|好多了|放松|冷静|不慌|不急|不着急|有耐心|耐心|等得起|没关系|"
        r"明白了|懂了|谢谢|理解了|放宽心|稳住|想通了|想开了|跌就跌(?:吧)?|随它去|不管它了|"
        r"按(?:自己的)?(?:计划|节奏)(?:来|走)",
    ),
)

PROTOTYPES: dict[Emotion, tuple[str, ...]] = {
    "calm": (
        "I'm comfortable with some ups and downs, I invest for the long run.",
        "I'd like to save for my daughter's university in ten years.",
        "What is the difference between a bond fund and a stock fund?",
        "I have some savings and want to start investing sensibly.",
        "Markets go up and down, I'm not bothered by it.",
        "Thanks, that makes sense. Let's keep the plan.",
        "Can you tell me what fees this portfolio has?",
        "I'm 40, married, two kids, stable job.",
        "I am not worried about the drop, I will hold.",
        "Sounds good, I feel much better now.",
        "How much should I put in each month?",
        "I don't need this money for a long time.",
        "I'm 52, a teacher, with a small pension and some savings.",
        "The money is for retirement in about twenty years.",
        "I have never had much saved, just a little in the bank.",
        "I have a few index funds through my employer.",
        "I live off my pension and want something low risk.",
        # Calm sentences on the same topics as the worried ones: MiniLM groups by topic, so
        # without these a sentence about swings or falls would sit nearest a worried prototype.
        "I'm an aggressive investor and happy with big swings.",
        "Volatility and market falls don't bother me at all.",
        "If the market dropped I would just hold and wait.",
        "I might sell some shares next year to pay for a car.",
        "I want to retire early, around fifty.",
        "My portfolio went down a bit this month, which is normal.",
        "I understand I could lose some money in a bad year.",
        "I'd like higher returns and accept more risk for them.",
    ),
    "anxious": (
        "The market keeps going down and it makes me uneasy. What should I do?",
        "My portfolio is down again, should I be doing something?",
        "I keep checking my account and it's lower every day.",
        "Is it going to get worse? I don't like seeing these losses.",
        "I'm not sure I can handle these swings, it's stressing me out.",
        "Another red day. Should I move to something safer?",
        "I'm uneasy about where the economy is heading.",
        "Everything I bought has lost value, I'm getting nervous.",
        "What happens to my savings if there is a recession?",
        "I'm afraid I won't have enough money for retirement.",
    ),
    "panic": (
        "Sell everything now, I can't take this anymore!",
        "I haven't slept in days, I'm going to lose all my money.",
        "Get me out of the market immediately before it goes to zero.",
        "This is a disaster, my life savings are disappearing.",
        "I need to cash out everything today, I'm terrified.",
        "Please help, I'm losing everything and I can't breathe.",
        "I want all my money out right now, no matter the price.",
        "I'm shaking, I can't watch this collapse any longer.",
    ),
    "euphoric": (
        "Everyone I know is getting rich, I want in now!",
        "I want to put all my savings into this hot stock before it takes off.",
        "I'm thinking of borrowing money to invest more while it's going up.",
        "This is a once in a lifetime chance, let's go all in.",
        "My friends doubled their money in crypto, I can't miss this.",
        "Stocks only go up, I want the most aggressive bets possible.",
        "I'm so excited, I could retire early from these gains.",
        "Let's use leverage to maximize the profits from this rally.",
    ),
}


@dataclass(frozen=True)
class MessageEmotion:
    """One message's reading, whether it was explicit (a cue or a prototype decided it), and
    whether it worried about a falling market."""

    reading: EmotionReading
    explicit: bool
    market_worry: bool
    worry_evidence: tuple[Evidence, ...] = ()
    reports_fall: bool = False  # names a fall of the market or of the investor's money


class PrototypeClassifier:
    """Nearest labelled prototype by MiniLM cosine similarity, for English wording the lexicon
    misses. The prototypes are embedded once, when the classifier is made; each sentence's
    decision is remembered (the last `DECISION_CACHE_SIZE`), as later turns read it again."""

    def __init__(self, embedder: "Embedder") -> None:
        import numpy as np

        self._embedder = embedder
        self._labels: list[Emotion] = [
            label for label, sentences in PROTOTYPES.items() for _ in sentences
        ]
        sentences = [sentence for group in PROTOTYPES.values() for sentence in group]
        self._matrix: npt.NDArray[np.float64] = np.asarray(
            embedder.embed_documents(sentences), dtype=float
        )
        self._decided: OrderedDict[str, tuple[Emotion, float] | None] = OrderedDict()
        self._lock = threading.Lock()  # the app's sessions share one classifier

    def classify(self, texts: Sequence[str]) -> list[tuple[Emotion, float] | None]:
        """For each text, the label and similarity of its most confident sentence, else None."""
        # A condition ("if it fell I'd sell") says what the investor would feel, not what they
        # feel: only the other sentences are compared.
        sentences = [
            [text[a:b] for a, b in split_sentences(text) if not is_hypothetical(text[a:b])]
            for text in texts
        ]
        decided = self._decisions({sentence for group in sentences for sentence in group})
        results: list[tuple[Emotion, float] | None] = []
        for group in sentences:
            confident = [d for d in (decided[s] for s in group) if d is not None]
            results.append(max(confident, key=lambda d: d[1]) if confident else None)
        return results

    def _decisions(self, sentences: set[str]) -> dict[str, tuple[Emotion, float] | None]:
        import numpy as np

        with self._lock:
            known = {s: self._decided[s] for s in sentences if s in self._decided}
            for sentence in known:
                self._decided.move_to_end(sentence)
        new = sorted(sentences - known.keys())
        if new:
            vectors = np.asarray(self._embedder.embed_documents(new), dtype=float)
            fresh = dict(
                zip(new, (self._decide(row) for row in vectors @ self._matrix.T), strict=True)
            )
            with self._lock:
                self._decided.update(fresh)
                while len(self._decided) > DECISION_CACHE_SIZE:
                    self._decided.popitem(last=False)
            known.update(fresh)
        return known

    def _decide(self, row: "npt.NDArray[np.float64]") -> tuple[Emotion, float] | None:
        best: dict[Emotion, float] = {}
        for label, similarity in zip(self._labels, row, strict=True):
            best[label] = max(best.get(label, -1.0), float(similarity))
        label = max(best, key=lambda name: best[name])
        if label == "calm" or best[label] < PROTOTYPE_THRESHOLD:
            return None
        if best[label] - best["calm"] < PROTOTYPE_MARGIN:
            return None
        return label, best[label]


def read_emotions(
    conversation: Conversation,
    matcher: CueMatcher,
    classifier: PrototypeClassifier | None,
    instruction_sentences: frozenset[tuple[int, int]] = frozenset(),
) -> EmotionState:
    """Per-message readings and the rolling state. Words in the sentences of
    `instruction_sentences` ((message index, sentence start), see
    `instructions.sentences_with_instructions`) are no feeling: "approve leveraged ETFs" in an
    override is a command."""
    hits = [
        hit
        for hit in matcher.find(EMOTION_CUES, conversation.clauses)
        if (hit.message_index, hit.clause.sentence_start) not in instruction_sentences
    ]
    by_message: dict[int, list[Hit]] = {}
    for hit in hits:
        by_message.setdefault(hit.message_index, []).append(hit)
    lexical = [
        _lexical_reading(turn, by_message.get(turn.index, [])) for turn in conversation.turns
    ]
    return _rolling_state(_with_prototypes(conversation.turns, lexical, classifier))


@dataclass(frozen=True)
class _Scored:
    """A message's label scores and the hits behind each label."""

    scores: dict[str, float]
    support: dict[str, list[Hit]]


def _score(hits: list[Hit]) -> _Scored:
    scores: dict[str, float] = {}
    support: dict[str, list[Hit]] = {}
    ranks = [hit.clause.contrast_rank for hit in hits]
    last_rank = max(ranks, default=0)
    first_rank = min(ranks, default=0)
    for hit in hits:
        label, weight = _effective(hit)
        if label is None:
            continue
        if last_rank > first_rank:
            after = hit.clause.contrast_rank == last_rank
            weight *= AFTER_CONTRAST_FACTOR if after else BEFORE_CONTRAST_FACTOR
        scores[label] = scores.get(label, 0.0) + weight
        support.setdefault(label, []).append(hit)
    return _Scored(scores, support)


def _effective(hit: Hit) -> tuple[str | None, float]:
    """The label a hit counts for, and how much, after negation, hypotheticals and tense. A
    question about what would happen ("Would that wipe out my withdrawals?") is a worry now."""
    label, weight = hit.label, hit.weight
    if hit.negated:
        if label == "anxious":
            label, weight = "calm", 1.0
        elif label == "calm":
            label, weight = "anxious", NEGATED_CALM_WEIGHT
        else:
            return None, 0.0
    before = hit.clause.text[: hit.start]
    if label == "panic" and (A_NOT_A.search(before) or ASKS_WHETHER_TO.search(before)):
        # 要不要赶紧赎回？, "I keep wondering if I should move it all to cash": asks whether to.
        label, weight = "ask_action", ASK_ACTION_WEIGHT
    asked = hit.clause.sentence.rstrip().endswith(("?", "？"))
    if label == "calm" and hit.clause.text.rstrip().endswith(("?", "？")):
        return None, 0.0  # "这钱搁哪儿才踏实啊？", "will it be ok?": asks for calm, has none
    # "I'm worried I'll lose a chunk if I wait": the worry is now, only its object a condition.
    worry_now = label == "anxious" and _condition_only_after(hit)
    # "要是全没了可咋活啊，我手都在抖": the trembling is now, whatever the clause before imagined.
    body_now = bool(BODY_NOW.search(hit.matched)) and not HYPOTHETICAL.search(hit.clause.text)
    if (
        hit.hypothetical
        and not body_now
        and label != "calm"
        and not (asked and label in WORRY_LABELS)
        and not worry_now
    ):
        weight *= HYPOTHETICAL_FACTOR
    if hit.past:
        weight *= PAST_FACTOR
    if label == "euphoric" and CONCESSION.match(hit.clause.text):
        weight *= HYPOTHETICAL_FACTOR  # "虽然大家都在买…我并不着急": granted, then set aside
    return label, weight


def _condition_only_after(hit: Hit) -> bool:
    """Whether the clause says how the typist feels now ("I'm worried ...") and its condition
    follows the feeling, with nothing conditional before it. "I get nervous if it drops"
    describes a disposition, not a feeling now."""
    text = hit.clause.text
    now = FEELING_NOW.search(text[: hit.start])
    return bool(now and HYPOTHETICAL.search(text, hit.end)) and not HYPOTHETICAL.search(
        text[: hit.start]
    )


def _lexical_reading(turn: UserTurn, hits: list[Hit]) -> MessageEmotion:
    # Someone else's words or feelings are not the typist's; a fall they report is still a fall.
    scored = _score([hit for hit in hits if hit.label in FACT_LABELS or _typists(hit)])
    scores = dict(scored.scores)
    drop, ask, fear, urgent, alarm = (
        scores.get(name, 0.0) for name in ("drop", "ask_action", "anxious", "urgent", "alarm")
    )
    ask += urgent
    if alarm:
        fear = scores["anxious"] = fear + alarm
        scored.support.setdefault("anxious", []).extend(scored.support["alarm"])
    # Asking what to do counts as worry when a fall or a fear is in the message; a fall counts
    # when the investor asks about it.
    if ask and (drop or fear):
        scores["anxious"] = fear + ask + drop
        for name in ("drop", "ask_action", "urgent"):
            scored.support.setdefault("anxious", []).extend(scored.support.get(name, []))
    # Fear that demands an answer now is panic ("我好害怕…快告诉我").
    if urgent and fear >= LABEL_THRESHOLD:
        scores["panic"] = max(scores.get("panic", 0.0), fear + urgent)
        scored.support.setdefault("panic", []).extend(
            [*scored.support.get("anxious", []), *scored.support.get("urgent", [])]
        )
    label = _decide(scores)
    asks_about_it = bool(ask) or "?" in turn.content or "？" in turn.content
    market_worry = bool(drop) and (label in ("anxious", "panic") or asks_about_it)
    worry = tuple(
        dict.fromkeys(
            hit.evidence()
            for name in ("panic", "anxious", "drop", "ask_action")
            for hit in scored.support.get(name, [])
        )
    )
    reports_fall = bool(drop) and label != "calm"
    if label is None:
        return MessageEmotion(
            _default_reading(turn.index), False, market_worry, worry, reports_fall
        )
    evidence = tuple(dict.fromkeys(hit.evidence() for hit in scored.support[label]))
    confidence = min(0.95, 0.5 + 0.2 * scores[label])
    reading = EmotionReading(
        message_index=turn.index, emotion=label, confidence=confidence, evidence=evidence
    )
    return MessageEmotion(reading, True, market_worry, worry, reports_fall)


# A clause that opens on 说 with its speaker left out ("天天让他充钱，说稳赚不赔"): whoever says it,
# it is not the typist's feeling.
ELIDED_SPEECH = re.compile(
    r"(?:^|[，,])\s*说(?!实话|真的|白了|句|到|起|不定|不好|不清|来|明)[^，,]*$"
)


# Others getting rich, whoever was named before: the fear of missing out is the typist's.
OTHERS_GETTING_RICH = re.compile(
    r"(?:everyone|everybody|all my|my friends|my coworkers|my colleagues|people|the whole)\b",
    re.IGNORECASE,
)


def _typists(hit: Hit) -> bool:
    """Whether a feeling is the typist's: not inside someone else's words ("he says I should put
    it all in"), nor said of someone else ("Mum is terrified of losing it", 她很害怕)."""
    before = hit.clause.sentence[: hit.clause.start - hit.clause.sentence_start + hit.start]
    if quoted_speaker(before) is not None or ELIDED_SPEECH.search(before):
        return False
    if OTHERS_GETTING_RICH.match(hit.matched):
        return True  # "my neighbour doubled his money and everyone is getting rich"
    holder = nearest_person(hit.clause.text[: hit.start])
    return holder is None or holder[0] == "first"


def _decide(scores: dict[str, float]) -> Emotion | None:
    labels: tuple[Emotion, ...] = get_args(Emotion)
    candidates = {label: scores.get(label, 0.0) for label in labels}
    if candidates["panic"] >= LABEL_THRESHOLD and candidates["panic"] >= candidates["calm"]:
        return "panic"
    best = max(candidates, key=lambda label: candidates[label])
    return best if candidates[best] >= LABEL_THRESHOLD else None


def _default_reading(message_index: int) -> EmotionReading:
    return EmotionReading(
        message_index=message_index, emotion="calm", confidence=DEFAULT_CONFIDENCE
    )


def _with_prototypes(
    turns: Sequence[UserTurn],
    readings: list[MessageEmotion],
    classifier: PrototypeClassifier | None,
) -> list[MessageEmotion]:
    """English messages the lexicon left undecided, read by the nearest prototype."""
    undecided = [
        position
        for position, (turn, reading) in enumerate(zip(turns, readings, strict=True))
        if not reading.explicit and turn.language == "en" and not answers_hypothetical(turn.asked)
    ]
    if classifier is None or not undecided:
        return readings
    decisions = classifier.classify([turns[position].content for position in undecided])
    updated = list(readings)
    for position, decision in zip(undecided, decisions, strict=True):
        if decision is None:
            continue
        label, _ = decision
        turn = turns[position]
        evidence = (Evidence(message_index=turn.index, quote=turn.content.strip()),)
        reading = EmotionReading(
            message_index=turn.index,
            emotion=label,
            confidence=PROTOTYPE_CONFIDENCE,
            evidence=evidence,
        )
        previous = readings[position]
        updated[position] = MessageEmotion(
            reading,
            True,
            previous.market_worry,
            previous.worry_evidence or evidence,
            previous.reports_fall and label != "calm",
        )
    return updated


def _rolling_state(readings: list[MessageEmotion]) -> EmotionState:
    """The state at the last user message, read in the context of the ones before it."""
    run: list[MessageEmotion] = []
    for message in readings:
        continues = bool(run) and (bool(message.worry_evidence) or _worried(message))
        starts = message.market_worry or message.reports_fall
        run = [*run, message] if starts or continues else []
    history = tuple(message.reading for message in readings)
    if len(run) >= SUSTAINED_RUN:
        return _sustained(run, history)
    current = _current(readings)
    if current is None:
        return EmotionState(
            current=Inferred[Emotion](value="calm", confidence=DEFAULT_CONFIDENCE),
            history=history,
        )
    reading = current.reading
    return EmotionState(
        current=Inferred[Emotion](
            value=reading.emotion, confidence=reading.confidence, evidence=reading.evidence
        ),
        history=history,
    )


def _worried(message: MessageEmotion) -> bool:
    return message.explicit and message.reading.emotion in ("anxious", "panic")


def _current(readings: list[MessageEmotion]) -> MessageEmotion | None:
    """The last message's reading; a last message with no reading of its own keeps an earlier
    worry only if it still shows a sign of it ("so what do I do?" after "I'm scared")."""
    last = readings[-1]
    if last.explicit:
        return last
    earlier = [message for message in readings[:-1] if message.explicit]
    if earlier and _worried(earlier[-1]) and last.worry_evidence:
        return earlier[-1]
    return None


def _sustained(run: list[MessageEmotion], history: tuple[EmotionReading, ...]) -> EmotionState:
    last = run[-1].reading
    emotion: Emotion = "panic" if last.emotion == "panic" else "anxious"
    evidence = tuple(
        dict.fromkeys(
            evidence
            for message in run
            for evidence in (message.worry_evidence or message.reading.evidence)
        )
    )
    return EmotionState(
        current=Inferred[Emotion](
            value=emotion, confidence=SUSTAINED_CONFIDENCE, evidence=evidence
        ),
        sustained_anxiety=True,
        history=history,
    )

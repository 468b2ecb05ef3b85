"""Cue lexicons for the risk assessment: willingness, capacity, experience and aggressive intent.

The meaning of each label, and how the levels combine, is in `advisor.profile.risk`. Each lexicon
is grouped by label, English first, then Chinese; within a label, by the way people say it.
"""

import re

from advisor.profile.lexicon import chinese, english

# "don't", "doesn't", "won't", "wouldn't", "never": a refusal in any person.
_NOT = (
    r"(?:don'?t|doesn'?t|didn'?t|do not|does not|won'?t|will not|wouldn'?t|would not|never|"
    r"dont|doesnt|wont|wouldnt)"
)
# Filler words people put inside a phrase: "can't really stomach", "don't honestly want".
_ADV = (
    r"(?:(?:really|honestly|actually|just|literally|totally|truly|even|particularly|especially|"
    r"exactly|quite|simply|frankly|very|so|too) )*"
)
_WANT_TO = rf"(?:{_ADV}(?:want to|wanna|like to))"
_MOVES = (
    r"(?:swings|drops|losses|falls|dips|it (?:drop|fall|go down)|red|the balance (?:drop|fall))"
)

# --- willingness ------------------------------------------------------------------------------

_W1 = (
    *english(
        "w1",
        # Refusing any loss at all.
        rf"(?:can'?t|cannot|can not|couldn'?t|{_NOT} {_WANT_TO}|unwilling to|not willing to|"
        r"must not|mustn'?t|never want to|refuse to) (?:afford to )?(?:lose|risk)\s+"
        r"(?:any|a (?:single )?(?:cent|penny|dime|dollar|pound|rupee|yuan|euro|buck|thing)|"
        r"even (?:a|one|1|a "
        r"single) (?:cent|penny|dollar|pound|peso|rupee|naira|rand)|my principal|(?:any )?(?:of )?"
        r"(?:my|the|this|our|her|his) (?:money|"
        r"principal|capital|savings)|money|anything|a thing)",
        rf"{_NOT} want (?:any|to take any) (?:risk|risks|loss(?:es)?)(?: (?:whatsoever|at all))?",
        r"(?:no|zero|without any|without) (?:risk|loss(?:es)?|chance of losing)(?! (?:of|at all))",
        r"(?:no|zero) (?:risk|loss(?:es)?) (?:whatsoever|at all|of any kind)",
        r"risk[- ]free",
        r"(?:rather|prefer) not (?:to )?lose (?:any|a (?:single )?(?:penny|cent|dollar|pound)|"
        r"a thing)",
        # "He'd rather earn 3% than lose a penny."
        r"rather (?:\S+ ){1,6}than (?:lose|risk|losing|risking) (?:a (?:single )?(?:penny|cent|"
        r"dollar|pound|yuan|euro|dime)|any of (?:it|the \w+)|a thing|anything)",
        r"(?:can'?t|cannot|couldn'?t) afford (?:to take )?any (?:risk|risks|loss|losses)",
        r"(?:upset|devastated|gutted|heartbroken|distraught) (?:by|at|about|over|with|if (?:she|"
        r"he|i|we|they) (?:lost|saw)) (?:any|a single|even a small|the smallest) (?:loss|drop|"
        r"fall)",
        r"(?:any|a single|even a small|the smallest) (?:loss|drop|fall)(?:es|s)?(?: at all|"
        r" whatsoever)? (?:would|will) (?:\w+ )?(?:upset|devastate|kill|destroy|crush|gut|break)",
        r"(?:terrified|scared|afraid|frightened) (?:of|about) (?:losing|lose) (?:any|"
        r"a (?:single )?(?:penny|cent|dollar|pound)|even a little|a thing)",
        r"(?:losing|lose) (?:any )?money is (?:not an option|out of the question|unacceptable)",
        r"(?:any|a single|even a small|the smallest) loss(?:es)?(?: at all| whatsoever)? "
        r"(?:would be|is|would|will be) (?:a )?(?:disaster|catastroph\w*|unacceptable|"
        r"out of the question|a nightmare|too much)",
        r"(?:no|not a single|not one) (?:cent|penny|dollar) (?:of )?loss",
        r"without (?:putting|placing) (?:any|a (?:penny|cent|pound|dollar)) (?:of (?:it|"
        r"the \w+) )?at risk|without risking (?:any|a (?:penny|cent|pound|dollar)|the capital|"
        r"the principal)",
        r"(?<!literally )(?:can'?t|cannot|mustn'?t|must not) (?:be allowed to )?(?:go down|shrink)"
        r"(?! forever| much| any| more| further| this time| from here)",
        # Capital that must stay whole.
        r"(?:capital|principal|money)[- ](?:guaranteed|protected|protection|preservation|safe)",
        r"(?:guarantee|guaranteed|protect|preserve|keep) (?:my |the |our )?(?:principal|capital|"
        r"original (?:amount|investment))",
        # Not a fact about what they have: "my pension plus the guaranteed income payment".
        r"(?<!the )(?<!my )(?<!his )(?<!her )(?<!our )guaranteed (?:returns?|income|"
        r"interest)(?! payments?)",
        # The balance must not go down.
        r"(?:can|must|should) never (?:go|fall|drop|dip) below what (?:i|we) put in|never (?:go|"
        r"fall|drop) below (?:my|the|our) (?:principal|original|starting)",
        r"(?:can'?t|cannot|couldn'?t) (?:lose|risk) (?:this|it|that)\b(?! all)",
        r"(?:capital|principal|money) (?:must|should|can|may)(?:n'?t| not| never) (?:reduce|shrink|"
        r"go down|drop|fall)",
        r"(?:can'?t|cannot|couldn'?t) (?:see|watch|have|let) (?:it|them|the balance|my balance) "
        r"(?:go|going|drop|dropping|fall|falling) (?:down|at all)",
        r"(?:can'?t|cannot|couldn'?t) (?:stand|bear|face) the (?:idea|thought) of losing (?:any|a "
        r"(?:single )?(?:penny|cent|dollar|pound)|anything)",
        r"(?:can'?t|cannot|couldn'?t) (?:\w+ )?(?:have|accept|take|afford|tolerate|stomach|handle|"
        r"bear) any (?:loss|losses|drop|"
        r"drops|fall|falls|dip|dips|risk)",
        # "I cannot take loss in this amount": no article, as many write it.
        r"(?:can'?t|cannot|couldn'?t) (?:accept|take|afford|tolerate|bear) (?:a )?"
        r"(?:loss|losses)\b",
        r"(?:somewhere|something|a place|an? (?:account|product|fund)) (?:where |that )?(?:it|the "
        r"money|the balance) (?:can'?t|cannot|won'?t|will not|doesn'?t) (?:drop|fall|go down|"
        r"lose)(?: (?:at all|a penny|a cent|anything|in value))?",
        rf"{_NOT} want (?:any more of it|any of it|it|the balance|the money) (?:going|to go) down",
        r"(?:horrified|devastated|distraught|gutted|heartbroken) if (?:it|the balance|the money) "
        r"(?:went|goes|dropped|drops|fell|falls) (?:down )?(?:at all|by anything)",
        r"(?:can'?t|cannot|couldn'?t) bear (?:to lose|losing) (?:a penny|a cent|anything|"
        r"any of it)",
        r"(?:don'?t|doesn'?t|do not|does not) want to see it (?:drop|fall|go down|shrink)",
        # "she'd be really upset to lose any of it".
        r"(?:she|he|i|we|they)(?:'d|’d| would) be (?:really |very |so |terribly )?(?:upset|"
        r"devastated|gutted|heartbroken|sick) (?:to lose|if (?:she|he|i|we|they) lost) any",
        r"(?:don'?t|doesn'?t|do not|does not) want to see any of (?:it|(?:the|this|that|her|his|"
        r"my|our) \S+) (?:go|disappear|vanish|lost)\b",
        r"(?:hate|hates|can'?t stand) (?:seeing|to see) (?:it|anything|the balance|her money|"
        r"his money|my money) go(?:ing)? down",
        negatable=False,
    ),
    *chinese(
        "w1",
        r"一分(?:钱)?都不(?:敢|能|想)亏",
        r"亏钱的(?:东西|产品)(?:我)?(?:是)?(?:不敢|不会|不想|不能)碰",
        # 我妈说全部卖了存银行: out of the market, into the bank.
        r"(?:全部|都|全)(?:卖了|卖掉|赎回)(?:然后|再)?(?:存|放)(?:到|进|回)?银行",
        r"(?<!推)保本|保证本金|本金(?:安全|一定要保住|要保住)",
        # 本金不能亏, 本金一分都不能少: the principal must stay whole.
        r"本金(?:绝对|千万|可)?(?:一分(?:钱)?|一点|一毛(?:钱)?|半分)?(?:都|也)?(?:不能|不可以|"
        r"不许|不想|不要)(?:亏|少|损失|动|赔|缩水)",
        # Not 不想亏太多: a limit, not a refusal of any loss.
        r"(?:一分钱|一分|一点|一毛钱|一块钱|一点点)?(?:都|也)?(?:不能|不可以|不想|不愿意|不愿|"
        r"接受不了)(?:亏|亏损|赔|损失|亏钱|赔钱)(?!太|很|多|大|得太|那么)",
        # 亏一点都受不了: even a small loss is unbearable.
        r"(?:亏|赔|损失|跌)(?:一点|一点点|一丁点|一分|一分钱|一毛|一块)(?:钱)?(?:心里)?(?:都|也)(?:会)?"
        r"(?:受不了|接受不了|不行|不能接受|难受|心疼|睡不着|不可以|不愿意)",
        r"绝对(?:不能|不可以|不许)(?:出问题|出事|有闪失|亏)|不能有(?:任何|半点)?(?:闪失|差错)|"
        r"(?:一点|一分(?:钱)?|一毛(?:钱)?)(?:都|也)(?:不能|不可以|不敢)(?:动|少|碰)|不能(?:有|"
        r"接受)(?:任何)?(?:亏损|损失|风险)|不能冒(?:任何|一点)?(?:险|风险)|"
        r"不要(?:有)?(?:任何)?风险(?!太|过|很|那么|特别|大)|零风险|没有风险|无风险|绝对安全|刚兑|"
        r"一点(?:点)?(?:风险|险)(?:都|也)不(?:想|敢|能|愿意?)(?:冒|担|承担)|一点(?:点)?风险(?:都|也)不(?:要|"
        r"想要|能)有?|保证收益|保收益|亏损接受不了|不接受(?:任何)?亏损",
        # 这钱亏了可不行, 只要不亏就行: no loss is acceptable.
        r"不能少(?:一分|一毛|一块|一点)(?:钱)?|本金(?:必须|一定得|得)保住|保住本金|"
        r"亏(?:损|钱|本)?(?:绝对|可|是)?不行(?!吗)|"
        r"亏了(?:可|就|那|是|真)?(?:不行|要命)|亏不得|(?:可|绝)不能亏|别亏(?:本)?就(?:行|好)|"
        r"(?:可|绝|千万|一点都|一分都)不敢(?:亏|赔)(?!太|很|多|大)|"
        r"只要不亏(?:本)?(?:就行|就好|"
        r"就可以)?|不亏就(?:行|好)",
        # 就想本钱不少: the principal kept whole (not 本钱不少, "plenty of capital").
        r"(?:想|只要|就要|要)本(?:钱|金)不(?:少|亏)",
        negatable=False,
    ),
)
_W2 = (
    *english(
        "w2",
        r"(?:don'?t|do not|doesn'?t|does not) want to (?:do|take|try) anything (?:too )?risky",
        # Labels for a cautious investor.
        r"(?:low|lower|minimal|minimum|little|limited|small)[- ]risk",
        r"conservative(?:ly)?|cautious(?:ly)?|careful",
        r"risk[- ]averse|averse to risk",
        r"low (?:risk tolerance|tolerance for risk|appetite for risk|risk appetite)",
        # Wanting it safe and steady.
        r"(?:play it|keep it|something|somewhere|nothing but) safe|safe (?:option|investments?|bet|"
        r"choice|side|place)",
        r"safety|safer",
        # "steady income" alone is a fact about their job ("44, steady income"); wanting one is a
        # preference.
        r"(?:steady|stable|predictable|boring|slow|modest|safe)(?:,? (?:boring|steady|slow|safe))? "
        r"(?:returns?|growth|investments?|gains)",
        r"(?:wants?|needs?|prefers?|looking for|after|seeking|just)\b[^.!?]{0,20}\b(?:steady|"
        r"stable|predictable|modest|safe) income",
        r"slow and steady|(?:keep|play) it (?:steady|boring)",
        r"(?:wants?|needs?|prefers?|keep it|something|somewhere|nothing but|just|"
        r"stay) (?:\w+ )?safe\b",
        r"keep (?:it |this |them |the money |my money |the capital |everything )?(?:safe|secure)",
        r"(?:wants?|wanted) (?:it |them )?kept (?:very |really |completely |totally )?safe",
        r"(?:wants?|wanted|needs?|prefers?|likes?) (?:it|this|them|everything|(?:this|the|my|our|"
        r"her|his) money) (?:to )?(?:be |stay |remain |kept )?(?:safe|secure|protected)",
        r"not (?:much|a lot of) risk|nothing (?:too )?risky",
        r"sleep (?:well )?at night",
        r"gets? (?:scared|nervous|anxious|upset|worried|panicky|stressed) (?:very )?(?:easily|"
        r"quickly|when (?:things|it|markets?|prices|stocks) (?:go|goes|drop|fall))",
        r"(?:fine|ok|okay|happy|comfortable) with (?:a little|a bit of|small|some small|"
        r"minor) (?:ups? and downs?|fluctuations?|wobbles?|swings|volatility)",
        r"(?:small|minor|little|slight) (?:dips?|drops?|falls?|losses|swings|ups? and downs?|"
        r"fluctuations?|wobbles?) (?:are |is )?(?:ok|okay|fine|alright|acceptable)",
        r"(?:can|could|willing to|happy to|prepared to|able to) (?:take|accept|handle|tolerate|"
        r"bear|live with|stomach) (?:\w+ )?(?:small|minor|slight) (?:falls?|drops?|dips?|losses|"
        r"ups? and downs?|fluctuations?|swings|wobbles?)",
        r"preserv\w+|protect\w* (?:my|what i have|our)",
        r"just (?:beat|keep up with|keep pace with) inflation",
        r"(?:need|needs) (?:it|the money) to be there|(?:it|(?:the|this|that) (?:money|cash)) "
        r"(?:really |absolutely |simply |just )?(?:has|needs) to be there",
        r"(?:can|could|willing to|happy to|prepared to|able to|ok to|okay to) (?:take|accept|"
        r"handle|tolerate|bear|live with|stomach) (?:a |some )?(?:little|small|tiny|slight)(?: bit|"
        r" amount)?(?: of)? (?:risk|up and down|ups and downs|movement|volatility)",
        r"(?:can'?t|cannot) (?:really )?(?:afford to )?lose (?:much|a lot|too much|a big chunk)",
        # Disliking risk, swings and losses.
        rf"{_NOT} {_ADV}(?:like|want|need|enjoy) (?:much |a lot of |too much |any )?(?:\w+ )?"
        r"(?:risk|volatility|surprises|ups and downs|swings|gambling|drama)",
        rf"{_NOT} {_WANT_TO} (?:take|lose|risk|see it (?:drop|fall)) (?:much|a lot|too much|"
        r"any big|big|a big|loads|heaps|a ton)",
        rf"{_NOT} want to see (?:big |large |major |any )?{_MOVES}",
        rf"{_NOT} {_WANT_TO} lose (?:it|this|them|what|my \w+|the \w+)(?! (?:all|at all))",
        r"(?:prefer|rather) not (?:to )?(?:lose|risk|take (?:much )?risk)",
        rf"(?:hates?|hated|dislikes?|fear|fears|can'?t stand|can'?t bear|(?:'d|would) hate to) "
        rf"(?:seeing |to see |watching |see |lose |losing )?(?:risk|losing|volatility|losses|the "
        rf"stock market|{_MOVES}|(?:the|my|our|her|his) (?:capital|savings|money|principal|pot) "
        r"(?:shrink|drop|fall|go down))",
        r"(?:volatility|risk|losses|losing money|drops|swings|the stock market) (?:really )?"
        r"(?:scares?|frightens?|terrifies|worries|bothers|stresses) me",
        rf"{_NOT} (?:really )?(?:want to |wanna |going to |gonna )?(?:gamble|punt)",
        # Small losses only.
        r"(?:can'?t|cannot) afford (?:big |large |any big |major )?(?:hits|losses|drops|falls|"
        r"risks?)|(?:can'?t|cannot|couldn'?t) risk (?:much|a lot|too much|it all|anything big)",
        r"not (?:keen on|into|a fan of|big on|comfortable with) (?:anything |much |too much )?"
        r"(?:\w+ )?(?:volatil\w+|risk\w*|swings|gambl\w+|ups and downs)|(?:anything|nothing) "
        r"(?:too )?volatile|scaredy[- ]?cat|(?:a )?(?:nervous|timid|cautious) (?:investor|type)",
        r"(?:can'?t|cannot|couldn'?t) afford to lose (?:much|a lot|too much|big|loads|heaps)",
        # "can't afford for it to drop much", "can't stand seeing red".
        r"(?:can'?t|cannot|couldn'?t) afford for (?:it|the \w+|them) to (?:drop|fall|go down|"
        r"shrink) (?:much|a lot|far|too much)",
        r"(?:can'?t|cannot|couldn'?t) stand (?:seeing|to see) (?:red|losses|it (?:drop|fall|"
        r"go down))",
        r"(?:can'?t|cannot|couldn'?t) (?:afford to )?risk losing (?:much|a lot|too much|"
        r"big chunks?)",
        rf"(?:can'?t|cannot|couldn'?t) {_ADV}(?:stomach|handle|take|bear|tolerate|cope with) "
        r"(?:big |large |much |any big |huge |major |the )?(?:losses|drops|swings|volatility|risk|"
        r"falls|dips|crashes)",
        r"(?:a )?small (?:losses|loss|dips?|falls?|drops?|ups and downs) (?:are|is) (?:fine|ok|"
        r"okay)|(?:only|just) (?:a )?(?:little|small) (?:losses|loss|dips?|swings)",
        r"(?:would|'d) be (?:devastated|crushed|ruined|in trouble|in real trouble) if (?:i|we|she|"
        r"he) lost",
        # Holding only the safest things.
        r"(?:bonds?|cds?|certificates of deposit|deposits|savings accounts?|money market|"
        r"treasur\w+)(?: only| are fine| is fine)",
        r"(?:mostly|mainly|all|only) (?:in )?(?:bonds|fixed income|cash|deposits|cds|gilts|"
        r"treasuries)",
    ),
    # A hedge that qualifies what else they say ("fine with moderate ups and downs, nothing
    # crazy"); alone, a cautious investor.
    *english("w2", r"nothing (?:too )?(?:adventurous|fancy|wild|crazy|mad|silly)", weight=0.5),
    # "If I lost money on this I honestly wouldn't sleep", "losing money keeps me up at night".
    *english(
        "w2",
        r"\b(?:lost|lose|losing) (?:any )?money\b[^.!?]{0,30}?(?:(?:wouldn'?t|couldn'?t|can'?t|"
        r"won'?t|would not|could not) sleep|keeps? me (?:up|awake)|(?:would|'d) keep me "
        r"(?:up|awake))",
        negatable=False,
    ),
    *chinese(
        "w2",
        r"保守|谨慎|稳稳的|稳一点|稳妥|求稳|安全第一|安全(?:一点|些|为主)|低风险|风险(?:小|"
        r"低)一?(?:点|些)?|稳定(?:的)?(?:收益|回报|为主)|(?<![挺很蛮还也])稳(?:的|当|点|一些|"
        r"妥的|就行|就好|就可以)|靠谱(?:一点|的)|胆子小|胆小|不敢(?:冒险|玩|碰|赌|乱动|乱投)|"
        r"不(?:图|求|指望)(?:多|大)?(?:挣|赚|收益)",
        r"不(?:想|愿意?|敢)冒(?:太大的?|什么|啥|多大的?|太多)?(?:险|风险)|不想(?:承担|冒|担)(?:太大|太多|很大|"
        r"多大)?的?风险|(?:不要|别|不想要?)风险(?:太|过|很|那么|特别)?(?:大|高)|风险(?:不要|别|"
        r"不能)(?:太|过)(?:大|高)|不喜欢(?:风险|波动)|别(?:太)?冒险|怕(?:亏|赔|风险|波动)",
        r"风险承受能力(?:低|弱|差|不高|不强|较低)",
        r"受不了(?:大的?)?(?:波动|亏损|回撤)|承受不了(?:大的?)?(?:波动|亏损|回撤)",
        r"只(?:肯|愿意?|敢|会|想)?买(?:点)?(?:存款|定期|国债|大额存单|银行理财)(?:和|跟|或者?|、)?"
        r"(?:存款|定期|国债|大额存单|银行理财)?(?![^，。！？]{0,6}(?:不够|太低|没意思))",
        r"(?:宁可|宁愿|还不如|只想|还是)(?:存|放)(?:在)?(?:银行|定期)|(?:存|放)(?:在)?(?:银行|定期)"
        r"(?:就行|算了|比较放心|最放心)",
        r"(?:亏|跌)一点(?:也)?(?:没关系|可以|能接受|还行|没事)|小亏|(?:别|不要|不能)(?:亏|"
        r"跌)(?:得)?太多|少亏|亏得不多",
        r"亏(?:个)?[一两三四五六七八九几]{1,2}(?:百|千)(?:块|元)?(?:以内|之内)?(?:还行|可以|"
        r"能接受|没事|没关系|还能接受)",
        r"小(?:幅|小)?(?:的)?(?:波动|回撤)(?:我|也)?(?:可以|能接受|没问题|还行|没事|无所谓)|"
        r"别(?:给我)?(?:买|投|弄|搞)?太冒险|大(?:的)?(?:亏损|回撤|"
        r"波动)(?:不行|不可以|受不了|不能接受)",
        r"(?:能|可以)?(?:接受|承受)(?:一点点|一丁点|一丢丢|很小|小幅|小|少量|轻微)(?:的)?(?:波动|亏损|"
        r"风险|亏)",
    ),
)
_W3 = (
    *english(
        "w3",
        r"(?:content|happy|willing|prepared|comfortable|ok|okay|fine) (?:to accept|"
        r"with) (?:a fair|a reasonable|a moderate|some|a certain) (?:degree|amount|level|"
        r"bit) of (?:fluctuation|volatility|risk|ups and downs)",
    ),
    *english(
        "w3",
        # A holding ("it's in a balanced fund") is no preference: only "balanced" as a wish. The
        # noun is a wish only as "a balance between/of": "Balance 250,000" on a pasted statement
        # is an amount.
        r"moderate(?:ly)?|(?<!in a )balanced|balance (?:between|of)|middle of the road|"
        r"medium[- ]risk|some risk|a bit of risk|a little risk|reasonable risk|calculated risk|"
        r"mix of (?:growth|safety|stocks)|\b(?:60|50|40)/(?:40|50|60)\b|"
        r"(?<!stuck )(?<!caught )(?<!trapped )in the middle(?! of)",
        r"not too (?:risky|aggressive|conservative)|(?:some|a bit of|a little) (?:growth|"
        r"volatility|ups and downs)",
        r"(?:fine|ok|okay|happy|cool|alright|comfortable) with (?:some|a bit of|a little|moderate) "
        r"(?:risk|volatility|swings|ups and downs|fluctuations|losses|losing)",
        r"(?:fine|ok|okay|happy|alright|comfortable) (?:with )?losing (?:some|a bit|a little|a "
        r"chunk|part)(?: of it)?",
        r"(?:can|could|willing to|happy to|prepared to|ready to|able to) (?:take|accept|handle|"
        r"tolerate|bear) (?:some|a bit of|a little|moderate|a moderate amount of) (?:risk|"
        r"volatility|losses|falls|drops|dips|swings|ups and downs)",
        r"(?:ok|okay|fine|alright|happy|don'?t mind) if (?:it|the value|the balance|the pot) "
        r"(?:goes|drops|falls|dips|slides) (?:down )?(?:a bit|a little|slightly|some|now and then|"
        r"sometimes)",
        r"(?:a bit|a little|some)(?: of (?:risk|loss|a drop|a dip|volatility))? "
        r"(?:is|are|would be) (?:fine|ok|okay|alright|acceptable)",
        r"(?:moderate|medium|average) (?:risk tolerance|tolerance for risk|appetite for risk|"
        r"risk appetite)",
    ),
    *chinese(
        "w3",
        r"(?:别|不要|不用|不必)太(?:激进|冒险|保守)",
        r"平衡|中等风险|中风险|适度|一点风险(?![都也]不)|一定的?风险|一些风险|稳健|中庸|攻守兼备|不要太激进",
        r"(?:亏了|赔了|跌了)(?:就)?(?:当|算)(?:交)?(?:学费|买教训|学习|经验)",
        r"(?:能|可以)(?:接受|承受)(?:一些|一点|点|一定)(?:的)?(?:波动|亏损|风险)|愿意(?:承担|冒|"
        r"接受)一定的?风险",
    ),
)
_W4 = (
    *english(
        "w4",
        # Growth as the aim.
        r"growth[- ]oriented|growth (?:funds?|stocks|portfolio|investor|strategy|focus)|(?:go|"
        r"going|aim|aiming|happy to go) for growth|(?:strong|high|fast) growth",
        r"(?:fairly|quite|somewhat|moderately) aggressive|(?:higher|more|above[- ]average) risk",
        r"(?:mostly|mainly|heavy (?:on|in)) (?:stocks|equities)",
        # At ease with risk and swings.
        r"(?:fine|ok|okay|happy|cool|alright) with (?:risk|volatility|swings|ups and downs|"
        r"fluctuations|losses)",
        r"comfortable with (?:risk|volatility|swings|ups and downs|losses|drops|some losses)",
        r"(?:can|could) (?:handle|take|stomach|live with) (?:the )?ups and downs",
        r"(?:can|could|willing to|happy to|prepared to|ready to|able to) (?:take|accept|handle|"
        r"tolerate|bear) (?:more |higher )?(?:risk|risks|volatility)",
        r"(?:can|could) (?:handle|tolerate|take|stomach|live with|ride out) (?:risk|volatility|"
        r"swings|ups and downs|the ups and downs|some losses|drops|dips|a dip)",
        r"(?:don'?t|do not) mind (?:risk|volatility|swings|ups and downs|some losses)",
        # "a crash wouldn't faze her".
        r"(?:a |the )?(?:crash|fall|drop|dip|downturn|correction)e?s? (?:wouldn'?t|won'?t|"
        r"doesn'?t|don'?t) (?:faze|bother|worry|scare|rattle) (?:me|her|him|us|them)",
        r"risk[- ]tolerant|comfortable (?:taking|with taking) (?:some )?risks?|(?:can|could) "
        r"afford to take (?:some )?risks?",
        rf"{_NOT} (?:flinch|blink|sweat|panic|fret)\w* (?:at|over|about|when|during|through) "
        r"(?:a |the |any )?(?:bad|down|red|rough|crash|dip|drop|fall|correction|bear|volatile|"
        r"market)",
        r"(?:take|taking|have) a (?:punt|flutter|gamble)|roll the dice|take (?:a )?chances?",
        r"(?:don'?t|do not) (?:really )?care if it (?:dips|drops|falls|goes down)",
    ),
    *chinese(
        "w4",
        r"成长|积极|(?:较|比较)?高(?:一点|一些)?的?收益|偏股|以股票为主",
        r"(?:能|可以)(?:接受|承受)(?:较大|比较大|大一点)的?(?:波动|亏损|风险|回撤)|"
        r"不介意(?:波动|风险)",
        # 跌了也不怕: a fall does not frighten them (with no size named).
        r"(?<!亏)(?:跌|回撤|亏)了?(?:也|都)不(?:怕|慌|在乎)|(?:跌|回撤)了?(?:正好|就|还能|"
        r"刚好)(?:多买|加仓|补仓|抄底)",
        r"(?:风险|波动|回撤)(?:大|高)(?:一)?点(?:儿)?(?:也|都)?(?:行|没关系|无所谓|可以|不怕|能接受)|"
        r"(?:能|可以)?承受的?风险(?:比较|较|很|"
        r"挺)?高|风险承受能力(?:比较|较|很|挺)?(?:强|高)",
    ),
)
_W5 = (
    *english(
        "w5",
        r"(?:very |really |super |quite )?aggressive(?:ly)?|high[- ]risk|risk[- ]taker|gambler",
        r"(?:maximum|max|maximi[sz]e|highest|biggest|the most) (?:possible )?(?:returns?|growth|"
        r"gains?|upside)|(?:make|earn|get) as much (?:money )?as (?:possible|i can)",
        r"(?:love|like|enjoy) (?:risk|taking risks)|speculat\w+|whatever it takes|"
        r"swing for the fences|go big",
        r"(?:don'?t|do not) care about (?:risk|volatility|losses|drops|swings|the ups and downs|"
        r"the swings|the dips|short[- ]term)",
        r"(?:not|never) afraid of (?:risk|losses|losing)",
        r"(?:all|100%) (?:in )?(?:stocks|equities|crypto)",
        r"(?:fine|ok|okay|happy|cool|alright|comfortable) with (?:a lot of|lots of|high|big|"
        r"significant|plenty of|large) (?:risk|volatility|swings|losses)",
        r"(?:can|could|willing to|happy to|prepared to|ready to|able to) (?:take|accept|handle|"
        r"tolerate|bear) (?:a lot of|lots of|high|big|a big|bigger|significant|plenty of|large|"
        r"serious|real|a real|huge|a huge) (?:risk|risks|volatility|losses|swings|falls|drops|"
        r"dips|ups and downs)",
        r"high (?:risk tolerance|tolerance for risk|appetite for risk|risk appetite)",
    ),
    *chinese(
        "w5",
        r"激进|进取|高风险高收益|高风险|追求高收益|收益越高越好|最高(?:的)?收益|收益最大化",
        r"不怕(?:亏|赔|风险|波动)|亏了也无所谓|敢冒险|喜欢冒险|博一把|搏一把|赌一把|全仓股票",
        r"亏了也(?:没关系|不怕|认了|能接受|不心疼|没事)|亏(?:光|完)了?也(?:没事|无所谓|没关系)",
        r"愿意(?:承担|冒|接受)(?:较?高|很大|大|高)的?风险",
    ),
)
_STATED = (
    *english(
        "stated_level",
        r"(?:risk (?:appetite|tolerance|profile|level)|appetite for risk)\s+(?:is|as|would be|of|"
        r"=|:)?\s*(?:\w+\s+)?(?P<word>very low|low|medium|moderate|average|high|very high)\b",
        # A questionnaire's result: "came out as 'moderately aggressive'", "rated me balanced".
        r"(?:came out|come out|comes out|rated|rates|classed|classified|scored|categori[sz]ed|"
        r"profiled|assessed|labell?ed|put) (?:me |us )?(?:down )?(?:as |at )?(?:an? |the )?['\"‘“]?"
        r"(?P<word>(?:moderately |very )?(?:conservative|aggressive)|moderate|balanced|"
        r"growth|cautious|(?:very )?(?:low|high) risk|medium risk)\b",
        negatable=False,
    ),
    *english(
        "stated_class",
        r"(?:i'?m|i am|as) an? (?:c|level |class )(?P<cls>[1-5])(?: investor)?",
        r"(?:want|prefer|like|choose|pick|go with|aim for|looking for)\s+(?:an?\s+)?(?:c|"
        r"risk level\s*|level\s*|class\s*)(?P<cls>[1-5])\b",
        r"(?:my )?risk (?:level|class|tolerance) (?:is|of)\s+(?:c|level\s*)?(?P<cls>[1-5])\b",
        negatable=False,
    ),
    *chinese(
        "stated_level",
        r"风险(?:偏好|承受能力|承受度|等级)(?:是|属于|算|为|比较|偏)?(?P<word>很低|较低|偏低|低|"
        r"中等|中|较高|偏高|高|很高)",
        negatable=False,
    ),
    *chinese(
        "stated_type",
        r"(?P<type>保守|谨慎|稳健|平衡|成长|积极|进取|激进)型",
        negatable=False,
    ),
    *chinese(
        "stated_class",
        r"(?:我是|我属于|我想要|想要|我要|选|适合)(?:风险等级)?(?:C|c)(?P<cls>[1-5])",
        r"风险(?:等级|评级|测评)(?:是|为|结果是)(?:C|c)?(?P<cls>[1-5])",
        negatable=False,
    ),
)
WILLINGNESS_CUES = (*_W1, *_W2, *_W3, *_W4, *_W5, *_STATED)
LEVEL_OF_LABEL = {"w1": 1, "w2": 2, "w3": 3, "w4": 4, "w5": 5}
NEGATED_LEVEL = {1: 3, 2: 4, 3: 3, 4: 2, 5: 2}
# A guarantee someone offers is a sales pitch, not what the investor asks for ("说年化12%还保本",
# "he promised a guaranteed 18% a year"): no-loss words after it in the sentence are not weighed.
PITCH = re.compile(
    r"(?:说|称|承诺|号称|宣称|保证|promis\w*|claim\w*|offer\w*|pitch\w*|advertis\w*|says?|said|"
    # Not "he says he'd rather earn 3% than lose a penny": a wish, in his words.
    r"told)[^。！？.!?]{0,40}?(?:年化|\d+(?:\.\d+)?\s*%(?!\s+than\b)|百分之)"
    # "说保本保息": the guarantee is what they were told, with or without a rate.
    # Not "她说保本就行": a wish, in her words.
    r"|(?<!我)(?:说|号称|宣称|承诺)(?:是|能|可以)?(?=(?:保本|稳赚|包赚|零风险|无风险)"
    r"(?!就行|就好|就可以|就够|就成|最重要|第一|要紧))",
    re.IGNORECASE,
)

# --- capacity ---------------------------------------------------------------------------------

_SAVED = r"(?:savings|account|money|pot|pension pot|portfolio|investments|nest egg|fund)"
_NONE = (
    *english(
        "none",
        # It is what they live on.
        r"(?:draw|drawing|take|taking|live|living) (?:on|from|off) (?:it|this|this money|"
        r"the money) (?:for|to (?:cover|pay)) (?:living|bills|expenses|rent|food)",
        # "€8,000 that has to cover my living costs", "I'll be living off that from now on".
        r"(?:has to|must|needs to|will have to) cover (?:my|our|her|his|their) (?:living costs|"
        r"living expenses|rent|bills)",
        r"(?:i'?ll|we'?ll|she'?ll|he'?ll|i will|we will) be living (?:off|on) (?:that|this|it)",
        r"(?<!\bof )\beverything (?:that )?(?:i|we|she|he) (?:own|owns)\b",
        # Not a portfolio or investments, which a retiree draws on (see "draws").
        rf"(?:lives?|living|gets? by|getting by) (?:\w+ly )?(?:on|off) (?:\w+ ){{0,4}}?(?:my|our|"
        rf"her|his|the|this|that|these|those) (?!portfolio|investments){_SAVED}",
        r"(?:it'?s|this is|that'?s|which is|(?:it|this|that|the money|this money|that money|"
        r"(?:the|that|this) \w+) is) what (?:i|we|she|he|they)(?:'ve| have| has)? (?:live|lives|"
        r"lived|get by|gets by|got by|rely|relies|depend|depends) on|what (?:i|we|she|he|"
        r"they)(?:'ll| will) be living on",
        # "living off this 200k for groceries and rent".
        r"(?:live|lives|living) (?:on|off) (?:this|that|the|my|her|his|our|about|around) \S*\d\S*",
        # Paying for care or rent out of it: "Dad's savings are what pays his care home fees",
        # "which we pay out of her investments", "that money is what pays my rent".
        r"(?:savings|money|investments?|pension pot|pot|sum) (?:are|is) what (?:pays?|covers?)\b",
        r"(?:'s|is|are) (?:what'?s |what is )?(?:paying|covering) (?:for )?(?:her|his|their|my|"
        r"our) (?:care|rent|bills)",
        r"(?:pays?|paying|covers?|covering) (?:for )?(?:her|his|their|the|my) (?:care|care home|"
        r"nursing home|home care|carers?|care workers?|caregivers?)",
        r"pay (?:it |them )?out of (?:her|his|their|my|our) (?:investments?|savings|pot|portfolio)",
        r"(?:my|our) (?:whole|entire) (?:pay ?check|paycheque|wages?|salary)",
        # "that's my only cushion": nothing else to fall back on.
        r"(?:my|our|her|his|the) only (?:cushion|buffer|safety net|savings|money|reserve)",
        rf"(?:the |this |that |my |our )?{_SAVED} (?:that )?(?:i|we|she|he) (?:live|lives|get by) "
        r"(?:on|off)",
        r"(?:savings|money|pot|account|they|it) (?:are|is|'s|'re) (?:\w+ ){0,2}?what (?:i|we|she|"
        r"he|they) (?:live|lives|get by|gets by|rely|relies|depend|depends) on",
        # Not "I don't need the money to live on", which says the opposite.
        r"(?<!n't )(?<!not )(?<!never )(?:needs?|uses?|rel(?:y|ies) on|depends? on) (?:this|the|"
        r"that|it|this money|that money|the money) (?:money )?(?:to live on|to live|for (?:rent|"
        r"bills|living|food|daily|groceries)|every month|to pay (?:the )?bills|to pay for (?:my|"
        r"our|her|his|the) (?:home help|carer|care|rent|bills|groceries|food|living costs))",
        # "It's our living money", "that's the rent money".
        r"(?:\b(?:it'?s|its|thats|is|was)|'s) (?:my|our|her|his|the) (?:living|rent|bills?|food|"
        r"grocery|emergency|care(?: home)?|nursing home) (?:money|buffer)",
        # "That money has to keep the three of us going now".
        r"(?:has to|must|needs to|will have to) (?:keep|support|feed|carry) (?:me|us|her|him|them|"
        r"the (?:\w+ )?of us|my family|our family|the family|the kids)",
        r"what (?:i|we|she|he)(?:'m|'re| am| are| is|'s) (?:supposed|meant|going) to live on",
        # "That money IS the care fees".
        r"(?:money|it|that|this) is (?:the|her|his|my) (?:care (?:home )?fees|rent|bills|"
        r"living money)",
        r"(?:with|using|from|throw\w*|put\w*|chuck\w*|dump\w*) (?:my|our|the|her|his) (?:rent|"
        r"bills?|grocery|food|living) money",
        # Medical money: "it's mostly for her maintenance meds and check-ups".
        r"for (?:her|his|my|our|their) (?:\w+ )?(?:meds|medicine|medication|medical (?:bills|"
        r"costs)|check-?ups|treatment|care)\b(?! (?:and \w+ (?:costs|bills) )?(?:later|down the "
        r"(?:road|line)|one day|in the future|eventually|if))",
        # It is everything, or the whole emergency money.
        r"(?:i'?ll|we'?ll|she'?ll|he'?ll|i will) have nothing(?: left)?|"
        r"nothing else to fall back on|(?:i|we|she|he) (?:have|has|'ve got|got) nothing else"
        r"(?! to (?:say|add|ask|do))",
        r"(?:it'?s|this is|that'?s|which is|which'?s) (?:\w+ly )?(?:all|everything) (?:i|we|she|"
        r"he) (?:have|has|live on|own)",
        # "its all ive got", "it's all we've got".
        r"\b(?:it'?s|its|this is|that'?s|thats|is) all (?:i|we|she|he)(?:'?ve| have| has|"
        r"'?s)? got\b",
        r"\b(?:that|it|this) was (?:basically |pretty much |almost |nearly )?(?:everything|"
        r"all (?:i|we) had|all of it)\b",
        r"(?:my|our|her|his) (?:whole|entire|only) (?:emergency|safety|rainy[- ]day) (?:fund|money|"
        r"savings|net)|\ball (?:of )?(?:my|our|her|his) (?:emergency|rainy[- ]day) (?:fund|money|"
        r"savings|cash)",
        # "This is all the backup I've got", "no. this is everything".
        r"(?:all|the only) (?:the )?(?:backup|back-up|cushion|safety net|savings|money|cash) "
        r"(?:i|we|she|he)(?:'ve| have| has|'s)? got",
        r"^\W*(?:no\W+)?(?:this|that|it)(?: is|'s) everything\W*$",
        r"(?:all|every penny) (?:that )?(?:i|we|she|he) (?:have|has|live on)",
        r"only (?:money|savings) (?:i|we|she|he) (?:have|has)",
        negatable=False,
    ),
    *chinese(
        "none",
        r"救命钱|保命钱|棺材本|命根子|留着(?:看病|治病|救命)|(?:存着|留着|放着)防身|防身(?:的)?钱|唯一的(?:备用金|应急(?:金|钱|资金)|积蓄|存款|钱)|"
        # Not 给老人准备点看病的钱, money set aside for someone's care later.
        r"(?:后半辈子|下半辈子|养老)的?(?:依靠|指望|保障)|看病钱|(?<!准备)(?<!准备点)(?<!准备些)"
        r"(?:看病|治病|住院)(?:用的?|的钱)|"
        r"(?:看病|治病|住院)的(?:备用|应急)钱|过日子的钱|吃饭的钱|全部家当|全部的?家底|(?:看病|"
        r"养老|吃饭)[^，。！？]{0,4}(?:都)?指着|靠(?!(?:房租|租金|退休金|养老金|工资|收入|老伴)[^，。！？和跟与及]{0,10}过日子)\S{0,14}过日子|一分(?:钱)?都亏不起",
        r"(?:是|就是|算是)(?:我的|她的|他的|我们的|全家的?|家里的?|一家人的?)?(?:生活费|救命钱|"
        r"过日子的钱|吃饭钱)",
        # "是家里给的这学期生活费": whoever gave it, it is what they live on.
        r"(?<!不)(?:是|就是|算是)[^，。！？,.!?]{0,10}(?:生活费|吃饭钱)",
        # 用生活费买了两千块的基金: the living allowance went in.
        r"(?:用|拿)(?:我的?|这个月的?)?(?:生活费|吃饭钱)(?:去)?(?:买|投|炒|定投)",
        r"(?:就|只)?(?:靠|指望)(?:这|这笔|这些)钱(?:养老|生活|过日子|吃饭|看病|周转)|(?:就|"
        r"只)(?:靠|指望)(?:这|这笔|这些)钱|(?:这是|这就是)(?:我|她|他|我们)?(?:的)?全部",
        r"(?:全部|所有)(?:的)?(?:应急|备用)(?:的)?(?:金|钱|资金)?",
        r"(?:全|就|只)靠[^，。！？]{0,8}(?:存款|积蓄|这笔钱|这些钱)(?:过|活|生活|养家)|"
        r"(?:要|得)?还(?:房贷|车贷|贷款|信用卡)的钱|房租钱",
        # 手术和化疗的钱要从这里面出, 交医药费: the bills are paid from it now.
        # Not 学费也想从这里出: a plan for later, not bills paid now.
        r"(?:钱|费|费用|押金|房租|租金)[^，。！？]{0,8}?(?:要|得|都|就|是)?(?<!想)(?<!打算)(?<!准备)"
        r"从(?:这|这里|这笔钱|这里面|"
        r"里面)(?:面)?(?:出|拿|取)|(?:交|付|缴)(?:医药费|住院费|手术费|医疗费|化疗费)",
        r"(?:应急|备用)(?:的)?(?:金|钱|资金)?[^，。！？]{0,6}?(?:也|都)?(?:全|全部|都)(?:拿|取|投|砸|梭)|"
        r"(?:应急|备用)用的[^，。！？]{0,4}(?:也|都)?(?:取|拿)出来",
        negatable=False,
    ),
)
# The money pays their living: a retiree's withdrawals, the interest they live on.
_DRAWS = (
    *english(
        "draws",
        r"(?:take|taking|draw|drawing|withdraw\w*|pull\w*) (?:\w+ ){0,4}?(?:out )?(?:of|from) "
        r"(?:this|the|my|our|her|his) (?:account|portfolio|pot|savings|fund|isa|ira|investments?)"
        r" (?:each|every|a|per) (?:month|year|quarter)",
        # "I take about 4% a year from this pot".
        r"(?:take|taking|draw|drawing|withdraw\w*|need|needs) (?:out )?(?:about |around |"
        r"roughly )?\S+ (?:each|every|a|per) (?:month|year|quarter) (?:out )?(?:of|from) (?:it\b|"
        r"(?:this|the|my|our|her|his) (?:account|portfolio|pot|savings|fund|isa|ira|sipp|"
        r"investments?))",
        r"(?:live|lives|living) (?:on|off) (?:the |my |her |his |our )?(?:interest|dividends|"
        r"withdrawals|payouts|returns|income (?:it|this) (?:pays|makes))",
        r"(?:my|our|her|his) (?:monthly |yearly |annual )?withdrawals",
        # "about £1,100 a month she draws from a bond fund".
        r"\S*\d\S* (?:a|per|each|every) (?:month|year) (?:that )?(?:i|we|she|he) (?:draws?|takes?|"
        r"withdraws?) (?:out )?(?:of|from)\b",
        # "he lives on social security plus that".
        r"(?:live|lives|living) (?:on|off) [^.!?]{0,30}?\b(?:plus|and) (?:that|this|it|(?:the|"
        r"her|his|my|our) savings)\b",
        r"(?:live|lives|living) (?:on|off) [^.!?]{0,40}?\b(?:the |her |his |my |our )?(?:interest|"
        r"dividends|income) (?:from|on|of) (?:that|this|the|her|his|my|our)\b",
        r"what (?:i|we|she|he) (?:draw|draws|take|takes|withdraw|withdraws) (?:out )?(?:of|from) "
        r"(?:my|our|her|his|the|this|that)\b",
        r"top-?up for (?:the )?(?:bills|rent|living)",
        # "take some out each year", "the home takes a payment every month from it".
        r"(?:take|taking|draw|drawing) (?:some|a bit|a little) out (?:each|every|a) (?:month|"
        r"year)|takes? a (?:payment|fee|sum) (?:every|each|a) month (?:from|out of) it",
        r"(?:they|it|it'?s what|that'?s what) (?:pay|pays|cover|covers) (?:for )?(?:his|her|my|our|"
        r"their) (?:carers?|care|"
        r"care home|nursing home|physio|help at home)",
        # "That portfolio is what pays for Ray's day centre", "the interest pays her home nurse".
        r"(?:is|'s|’s) what (?:pays|is paying|covers) (?:for )?(?:\w+['’]s |his |her |my |our |"
        r"their |the )?(?:\w+ )?(?:care|carers?|day cent(?:re|er)|nurse|nursing|home help|rent|"
        r"bills|fees)\b|(?:interest|income|it) pays (?:for )?(?:her|his|my|our|their) "
        r"(?:\w+ )?(?:nurse|carers?|care|rent|bills)\b",
        # "Give me a steady bit each month, on top of the pension".
        r"(?:give|pay) (?:me|us|her|him) (?:a |some )?(?:steady|regular|monthly|little) (?:bit|"
        r"income|amount|payment|sum)\b",
        # "this account pays me a quarterly income that I rely on".
        r"(?:account|pot|portfolio|investments?|fund|it|this) (?:pays|gives|provides) (?:me|us|"
        r"her|him) (?:an? )?(?:\w+ )?income",
        r"(?:it|this|that|which) (?:pays|covers) (?:for )?(?:the |her |his |"
        r"my )?(?:\w+[- ])?(?:\w+ )?fees (?:at|for|of) (?:her|his|my|the) (?:care|nursing) home",
        r"(?:pension|income) drawdown|drawdown (?:fund|pot|pension|account)|(?:pension|pot|fund|"
        r"savings) (?:\w+ )?in drawdown|taking an income (?:off|from) it|(?:live|lives|"
        r"living) off (?:the |my |our )?drawdown",
        r"(?:fees|bills|rent|costs) (?:come|comes|are paid|get paid) (?:\w+ )?(?:out of|"
        r"from) (?:it|this|that|the savings|(?:his|her|my|our|their) (?:savings|account|pot|fund))",
        r"(?:they|it|which) (?:come|comes) (?:straight |directly )?out of (?:his|her|my|our|their|"
        r"the) (?:savings|account|pot|fund)",
        r"(?:are|am|is|'re|'m) (?:\w+ )?drawing (?:on|from) it",
        r"(?:lives?|living) (?:on|off) (?:my|our|her|his|the|this|that) (?:portfolio|investments)",
        r"withdraw(?:al|als|ing) (?:of )?(?:about |around |roughly |~ ?)?\S*\d\S* (?:a|per|each|"
        r"every) (?:year|month)",
        r"(?:draw|drawing|dip|dipping) (?:on|into) (?:it|this|the account|the pot|my savings|"
        r"our savings|her savings|his savings) (?:every|each|a|per) (?:month|year|week|quarter)",
        r"(?:pay|paying|pays) (?:it |them |that |this |for it )?(?:out of|from) (?:her|his|their|"
        r"my|our|the) (?:investments?|savings|portfolio|pot|account)",
        r"(?:live|lives|living) (?:on|off) [^.!?]{0,40}? from (?:a|an|the|our|my|her|his) "
        r"[^.!?]{0,12}(?:portfolio|pot|account|investments?)",
        # Not "my pension will cover our living costs": that is income besides this money.
        r"(?:^\W*|(?<!pension )(?<!pensions )(?<!income )(?<!salary )(?<!benefit )\b(?:to|it|this|"
        r"which|will|must|would|can|it'?ll) )(?:pay|pays|paying|cover|"
        r"covers|covering) (?:for )?(?:the |her |his |my |our )?(?:care home|nursing home|care "
        r"fees|home fees|bills|rent|living costs)",
        negatable=False,
    ),
    *chinese(
        "draws",
        r"吃利息|靠利息(?:生活|过日子|过活)|靠这笔(?:钱|养老钱|存款)?贴补|"
        r"靠这[^，。！？]{0,6}(?:钱|存款|积蓄)贴补|每(?:个)?月(?:都)?(?:要|"
        r"得)?(?:从\S{0,6})?(?:要|得)?(?:取|拿)(?:出)?(?:点|些|[\d一二两三四五六七八九十百千万]+(?:块|元)?)?"
        r"(?:钱|利息)?(?:出来)?(?:补贴|贴补|"
        r"用|花|生活|当生活费|过日子)",
        # 那些钱是他住养老院的费用, 奶奶就靠那点存款和低保过日子: the money pays their living.
        r"(?:是|作为)(?:他|她|我|我们|老人)?(?:住养老院|养老院|护工|保姆|看病|治病|生活)的?(?:费用|钱|"
        r"开销|开支)|靠(?:那点|这点|这些|那些)?(?:存款|积蓄|钱)(?:和\S{1,4})?(?:过日子|生活|度日|"
        r"养老)",
        negatable=False,
    ),
)
_LOW = (
    *english(
        "low",
        r"(?:can'?t|cannot|couldn'?t|cant) (?:really )?afford (?:to (?:lose|(?:watch|"
        r"see) it (?:disappear|dissapear|vanish|shrink))|(?:a |any )?(?:big |large |major |real |"
        r"serious )?(?:loss|losses|hit)\b)",
        # All or most of what they have.
        r"(?:all|most|every penny|every bit|the rest) of (?:my|our|her|his) (?:life |retirement )?"
        r"savings",
        r"\btook (?:a |an )?(?:\S*\d\S* )?(?:personal |bank |payday )?loan out\b",
        # "That's my nursing home money", "we have two kids and he's the only one bringing in a
        # paycheck", "I don't have years to wait for it to come back", "half of everything we have".
        r"\b(?:my|her|his|our|their) (?:nursing home|care home|care|rent|bills?|living) money\b",
        r"\b(?:he|she|i)(?:'s|’s| is| am|'m|’m) the only one (?:bringing in|earning|working)\b",
        r"\b(?:don'?t|do not|doesn'?t|does not) have (?:the )?(?:\S+ )?(?:years|time) to (?:wait|"
        r"recover|make (?:it|this|that) back|ride it out)",
        r"\bhalf of (?:everything|all|what) (?:we|i|she|he)(?:'ve| have| has)? (?:have|has|got|own|"
        r"saved)\b",
        # "dad has 180k. its all he has for his care".
        r"\b(?:it'?s|its|that'?s|this is) all (?:i|we|she|he|they) (?:have|has|'ve got|got)\b",
        r"(?:still )?owes? (?:the |my |a )?(?:\w+ ){0,2}?(?:about |around |over |"
        r"nearly )?[$£€¥]?\d[\d,.]*(?:k|m|grand)?",
        r"(?:my|our|her|his) (?:entire|whole) retirement (?:is|sits|'s)\b",
        r"(?:my|our|her|his) (?:entire|whole|only|life|full) (?:\S+ )?(?:savings|pension|nest egg|"
        r"lump sum|retirement (?:fund|savings|pot)|401k|ira|super)",
        r"all (?:of )?(?:my|our|her|his) (?:money|savings|cash)|all the (?:money|savings|"
        r"cash) (?:i|we|she|he)(?:'ve| have| has)? (?:have|has|got)",
        r"(?:all|most|nearly all|almost all|the bulk|the lion'?s share) of what (?:i|we|she|he)"
        r"(?:'ve| have| has)? (?:got|have|has|own|saved)",
        # "pretty much everything Dad has saved".
        r"(?<!lose )(?<!losing )(?<!lost )everything (?:that )?(?:i|we|she|he|they|dad|mum|mom|"
        r"(?:my |our )?(?:mother|father|parents))(?:'ve| have| has)? (?:saved|got|put away|"
        r"scraped together)",
        r"(?<!lose )(?<!losing )(?<!lost )(?<!risk )(?<!risking )(?<!of )(?:nearly |almost |"
        r"pretty much |basically )?everything (?:that )?(?:i|we|she|he) (?:have|has|own|owns)\b"
        r"(?! to| there| here| in\b| at\b| with\b)",
        r"\b(?:all|the whole|the entire)(?: of)? (?:the |my |our |her |his )?\S*\d\S* (?:\w+ )?"
        r"(?:from|of|out of) (?:my|our|her|his|the) (?:savings|nest egg|pension|retirement)",
        # Money that is borrowed or set aside for something else.
        r"(?:borrowed|borrow|borrowing|loan|credit card|heloc|home equity|"
        r"(?:re)?mortgag\w+),?\s+(?:[\w,£$€]+\s+){0,6}(?:to|and) (?:invest|buy|put|get into|get in|"
        r"go into|go in|pile into|pile in|buy into|throw|fund|trade|gamble)",
        r"(?:student loan|loan|borrowed|credit card|overdraft|margin loan)(?: \w+)?"
        r"(?: refund| money| cash| funds)? (?:back )?in(?:to)?\b",
        r"(?:with|using) (?:borrowed|loan|credit card|margin) (?:money|cash|funds)",
        r"\bborrowed (?:money|cash|funds)\b|\b(?:on|with|using) margin\b(?! calls?)|"
        r"\bcash advance\b|\bequity release\b|\b(?:release|releasing|released|"
        r"unlock\w*) (?:\S+ ){0,3}?(?:of )?(?:(?:home |house |our |my |the )?equity|"
        r"on a remortgage)\b|\b(?:was|is|were) borrowed\b|\b(?:in|into \w+) (?:off|on|from) (?:my|"
        r"a|the) (?:credit card|overdraft|card)\b|\bmax(?:ed|ing)? out (?:my|the|a|another|"
        r"the other) (?:credit )?card",
        r"\bhome equity loan\b|\bheloc\b|\bused margin\b|\bcame from (?:a |an |my |our )?(?:\w+ )?"
        r"(?:\w+ )?loan\b",
        r"\b(?:got|took out|taken out|take out|taking out|approved for) (?:a |"
        r"an )?(?:\S*\d\S* )?(?:personal |bank |payday )?loan\b",
        r"(?:money|cash|funds|naira|rupees|pesos|dollars|\d\S*) (?:\w+ )?(?:i|we|she|"
        r"he) (?:borrow|borrowed|took out)\b",
        r"(?:it'?s|it was|that was|this is|that'?s) (?:my|our|her|his) (?:student loan|loan|"
        r"borrowed|credit card)(?: refund)? (?:money|cash|funds)",
        # Putting all their savings in at once: "I've got 15k saved and I want to go all in".
        r"(?:saved|savings|nest egg)\b[^.!?]{0,30}\b(?:(?:throw|put|chuck|dump|pour)(?:ing)? "
        r"(?:it )?all(?: of it)? in|go(?:ing)? all[- ]in|put (?:it )?all in|"
        r"every (?:penny|cent|last dollar))|all[- ]in (?:with|on) (?:my|our) (?:savings|nest egg)",
        r"no (?:other|more|further) (?:savings|cash|money|emergency fund)",
        # The money is to become the emergency fund: low capacity.
        r"(?:build|building|start|starting|set up|setting up|save up|saving up|sort out|top up|"
        r"topping up|grow|growing) (?:up )?(?:an?|my|our|the) (?:\w+[- ]month |proper |real |"
        r"small )?(?:emergency|rainy[- ]day) (?:fund|savings|pot|cushion)",
        r"(?:get|getting) (?:an?|my|our|the) (?:proper |real |small |decent )?(?:emergency|"
        r"rainy[- ]day) (?:fund|savings|pot|cushion) (?:going|started|set up|sorted|together)",
        r"(?:the|my|our) emergency (?:fund|savings) (?:money )?(?:should|would|could|will|to) "
        r"(?:sit|go|be|live)",
        r"(?:put\w*|invest\w*|mov(?:e|ed|es|ing)|us(?:e|ed|ing)|take|took|taking|threw|throw\w*|dump\w*|"
        r"sank|sunk|sink\w*|"
        r"pull\w*) (?:\w+ ){0,5}?(?:my|our|the) (?:house deposit|home deposit|down payment|"
        r"deposit|rent money|tuition money|wedding fund|emergency fund|emergency money)",
        r"(?:it'?s|this is|that'?s|thats|that was|it was|which is|which'?s|which was|\bis|\bwas) "
        r"(?:\w+ly )?(?:the|my|our|her|his) (?:rainy[- ]day (?:money|fund)|wedding fund|house "
        r"deposit|deposit|rent money|tuition money|emergency fund|(?:house|home|wedding|tuition|"
        r"school|repair|car|truck|van) (?:money|fund))",
        r"(?:lump sum|money|cash|savings|pot) is (?:now |basically |really )?(?:my|our|her|"
        r"his) (?:emergency (?:fund|money|savings)|rainy[- ]day (?:fund|money))",
        # "That's for emergencies really": the money is their emergency money.
        r"(?:it'?s|that'?s|this is|(?:money|savings|cash|it|that) is) (?:\w+ )?(?:for emergencies|"
        r"for a rainy day|for a rainy-day)",
        r"\bbehind (?:on|with) (?:the |my |our )?(?:rent|mortgage|bills|payments|car payments)",
        r"(?:saved|put aside|set aside|keep) (?:for|in case) (?:if )?(?:the|my|our) (?:bike|car|"
        r"van|boiler|roof|phone) (?:breaks|dies|goes)",
        # Thin or no savings, debt.
        r"(?:in|have|with) (?:a lot of |lots of |heavy |big |some )?(?:debt|credit card debt)",
        r"pay ?check to pay ?check",
        r"(?:i|we) only have (?:my|our) savings",
        # "The £80k is all I'd have if the business went under": what they would fall back on.
        r"(?:is|'s) all (?:i|we|she|he)(?:'d| would) have\b",
        r"\bborrowed \S*\d\S*(?: \w+)? from\b|\b(?:was|is) (?:a )?(?:loan|borrowed) from\b",
        # Income that only just covers their living: "my pension just about covers me".
        r"(?:pension|income|salary|wages?|pay|benefits?) (?:\w+ )?(?:just about|barely|only just|"
        r"hardly|doesn'?t|does not|don'?t|do not|won'?t) (?:quite |fully |really )?(?:covers?|"
        r"pays?|stretch(?:es)?|gets? (?:me|us|her|him) by)|(?:just about|barely|only just) (?:get|"
        r"gets|getting|got) by",
        r"(?:no|don'?t have an?y?) (?:real |proper |much )?(?:emergency (?:fund|savings)|savings|"
        r"safety net|cushion|buffer)",
        r"(?:basically |almost )?nothing (?:else )?saved|nothing else (?:put by|put away|in the "
        r"bank)|only \S+ (?:in cash|saved|in savings|in the bank)",
        r"(?:only|just) (?:have |got )?(?:about |like |around )?(?:a|one|two|\d+) (?:month|"
        r"week)s?['’]?s? (?:\w+ )?saved",
        negatable=True,
    ),
    *chinese(
        "low",
        r"亏不起|输不起|赔不起",
        # 一个月养老金就一百多块: an income of a few hundred yuan a month.
        r"(?:养老金|退休金|工资|收入)(?:就|只有|才|只)(?:[一二两三四五六七八九几]|\d)百(?:多)?(?:块|元)",
        # 这三万块是我家的应急钱: emergency money (all of it, 全部的应急金, is "none").
        r"(?<![不也])(?:是|就是|算是)(?:我|我们|我家|咱家|家里|全家|她|他)?的?(?:应急|备用)(?:的)?"
        r"(?:钱|金|资金)",
        # 钱就这些: this is all the money there is.
        r"(?:钱|积蓄|存款|家底)(?:就|只有|就只有)(?:这些|这点|这么多|这么点)(?!就够)",
        # Building the emergency money: 先把应急的钱存够, 攒一笔备用金.
        r"(?:存|攒|留)(?:够|出|一笔|点|些)?(?:应急|备用)(?:的)?(?:钱|金|资金)|(?:存|"
        r"攒)够[^，。！？了]{0,6}的(?:应急|备用)(?:的)?(?:钱|金|资金)|(?:存|"
        r"攒)够[^，。！？了]{0,10}(?:当|作为)(?:应急|备用)(?:的)?(?:钱|金|资金)|"
        r"(?<!生活费)(?<!开销)(?<!工资)(?<!花销)(?<!开支)当(?:作|成)?(?:应急|备用)(?:的)?(?:金|钱|"
        r"资金)|把(?:应急|备用)(?:的)?(?:钱|金|资金)(?:先)?(?:存|攒|留)",
        r"(?:全部|所有)(?:的)?(?:积蓄|存款|身家|[Ss]avings)|血汗钱|全家的钱|(?:是|可是)(?:我|"
        r"我们|她|他)?(?:的)?(?:全部|所有)的钱|"
        r"(?:所有|全部)的钱(?=都|全|在|投|买|放|砸|押|拿|加起来)|一辈子的?(?:积蓄|存款|血汗钱)|"
        r"毕生(?:的)?积蓄|养老本|攒了一辈子的",
        # 这二十几万是她全部的养老钱, 这是我的养老钱啊: the money they will live on.
        # Not a plain 这是养老的钱, which someone fifteen years from retiring says too.
        r"(?:全部|所有|剩下|就这点)(?:的)?[^，。！？]{0,6}养老钱|(?:这可是|那可是)(?:我|"
        r"她|他|我们|老两口)?(?:的|家)?(?:全部的?)?(?:养老钱|养老的钱|退休(?:攒下|存下|攒|"
        r"存)?的钱)|养老钱啊",
        r"就这点(?:底子|家底|钱|积蓄|存款)|全(?:都)?在这(?:儿|里)?了|(?:家里|全家)(?:就|只有)(?:这点|这些)(?:钱|底子|家底)",
        # All the savings in at once (存款全部拿出来买); time deposits (定期) may not be all.
        r"(?:攒的|存的|积蓄|存款|首付)(?:钱)?(?:(?!定期)[^，。！？]){0,10}(?:全|"
        r"都)(?:部)?(?:拿出来|取出来|拿去|取了)?(?:去)?(?:上|投|买|砸|押|梭|在这)",
        r"(?:找|跟|向)[^，。！？]{1,4}借(?:的|了)|借呗|花呗|微粒贷|能借的|借出来|"
        r"借了[^，。！？]{0,6}(?:炒|投|买|加仓)|融资(?:炒|买|加仓)|刷信用卡|套出来|"
        r"套了?[^，。！？]{0,6}出来|两融|融了[^，。！？]{0,6}(?:万|钱)|配资|(?<!不)(?<!没)(?:加|"
        r"上)了[^，。！？]{0,4}杠杆|信用卡套现|网贷|借(?:的|点|些|了)?钱|借来的|贷款(?:来)?(?:买|投|炒)|抵押贷|"
        r"拿房子(?:去)?(?:做)?抵押|信用贷|消费贷|经营贷|房贷\S{0,4}(?:炒|投|买)|(?:房子|房产|"
        r"车子?)(?:拿去|去)?抵押|贷(?:了)?[^，。！？]{0,6}出来(?:去)?(?:买|投|炒)",
        # 这笔钱是备用的: the money is their emergency reserve.
        r"(?:这笔钱|这些钱|这钱)(?:是|算|当)(?:我的|家里的?|我们的?)?(?:应急|备用|救急)(?:的|用的|金|钱)",
        # 这是我们准备买房的首付啊: the house deposit is in it.
        r"(?:这|那)(?:可)?是(?:我们|我|家里)?(?:准备|攒的)?买房的首付|(?:这|那)(?:可)?是(?:我们|我)?"
        r"(?:全家|家里)?(?:准备)?(?:买房|换房|买房子|换房子)的钱|融资(?:额度)?(?:全)?(?:用满|"
        r"拉满|打满)|杠杆(?:拉满|加满)",
        # "五万块是应急的钱" whatever names the money first; not "不是应急的钱".
        r"(?<!不)(?:是|算)(?:我的|家里的?|我们的?)?(?:应急|备用|救急)(?:的钱|用的|金)|"
        r"留着(?:应急|备用|救急)",
        # 家里就靠老公一个人的工资: one income for the household.
        r"(?:就|全|只)靠(?:老公|老婆|丈夫|妻子|爱人|他|她)一个人(?:的)?(?:工资|收入)",
        r"(?<!没有)(?<!没)(?<!无)(?<!零)负债|欠(?:了)?(?:很多|一屁股)?(?:钱|债)",
        # 把应急的那笔钱也一起转进…: the emergency money going in.
        r"(?:把|拿|连)(?:我的?|家里的?|我们的?)?(?:应急|备用|救急)(?:的)?(?:那笔|这笔)?(?:钱|金|资金)",
        r"月光|没啥存款|没什么存款|没多少存款|没有?(?:应急|备用)(?:金|钱)|"
        r"没攒(?:下|到|住)?(?:什么|啥|多少)?钱|还欠着|欠着[^，。！？]{0,4}(?:钱|万|千|块)|"
        r"没有?(?:别的|其他|其它|多余的|任何)?(?:存款|积蓄)",
        # 这笔钱要是少了，计划就泡汤了: the plan cannot survive a loss.
        r"(?:少了|亏了|没了)[^。！？]{0,10}(?:泡汤|黄了|没戏|落空|完了)|"
        r"(?:计划|打算|梦想|婚事|首付|学费|房子)?(?:就|都|也)(?:泡汤|黄了|没戏|落空)",
        # 退休金都砸进去了: what they had from the pension, all in.
        r"(?:退休金|养老金)(?:全|都)(?:部)?(?:砸|投|押|放|买|拿)(?:进去|进|了)",
        # 这些钱以后是我们娘俩的保障: what the household falls back on.
        r"(?<!不)(?:是|就是)(?:我|我们|咱|咱们|她|他|他们|全家|家里|一家)[^，。！？]{0,4}的(?:生活)?"
        r"保障",
        negatable=False,
    ),
)
_UNSTABLE = (
    *english(
        "unstable",
        r"(?:lost|losing|lose) my job|unemployed|laid off|layoff|redundan\w+|let go|between jobs|"
        r"out of work|might lose my job|job (?:is )?(?:not secure|insecure|at risk)|"
        r"contract (?:ends|is ending|runs out|is up)|between contracts|on an? (?:\S+[- ])?(?:month|"
        r"short[- ]term|fixed[- ]term|temporary|temp|rolling) contract|temp (?:job|work)",
        # Job cuts where they work: "they're cutting a third of our department".
        r"(?:cutting|cuts? to|axing|shrinking|laying off) (?:\w+ ){0,4}?(?:our|my|"
        r"the) (?:department|team|staff|division|office|workforce)|job cuts|on the (?:redundancy |"
        r"layoff )?list",
        r"no (?:stable |steady |regular )?income|(?:unstable|irregular|unpredictable|variable|"
        r"lumpy|patchy) income|zero[- ]hours?|on benefits",
        r"(?:freelanc|gig)\w*|(?:drive|driving|drives) (?:for )?(?:uber|lyft|grab|a cab|a taxi)|"
        r"(?:uber|lyft|doordash|deliveroo|grab|uber eats|delivery) (?:driver|rider|courier)|"
        r"(?:driver|rider|courier) for (?:uber|lyft|doordash|deliveroo|grab)|(?:do|did|doing|"
        r"drive for|work for) (?:uber|lyft|doordash|deliveroo|instacart|grab)",
        r"(?:income|pay|earnings|cash ?flow)(?:'s| is| are)? (?:very |quite |really |a bit |"
        r"pretty )?"
        r"(?:all over the place|varies|swings|irregular|seasonal|unpredictable|lumpy|patchy|"
        r"up and down|erratic|inconsistent)|seasonal (?:\w+ )?(?:income|business|work|jobs?)",
        r"(?:income|pay|earnings) depends? on (?:the )?(?:season|weather|harvest|orders|tips)|"
        r"hours (?:get|got|keep getting|are|were) cut|barely (?:broke|breaking|break) even|"
        r"some (?:weeks|months|days) (?:are |is )?(?:great|good|busy)[^.!?]{0,20}\bsome "
        r"(?:are |is )?(?:dead|bad|nothing|quiet|empty)",
        r"(?:income|pay|earnings|work|business|sales|salary)\b[^.!?,]{0,20}?(?:goes|go|"
        r"going) up and down|(?:income|pay|earnings|sales|salary) fluctuat\w+",
    ),
    *chinese(
        "unstable",
        r"失业|被裁|下岗|(?<!还)没(?:有)?工作|待业|打零工|自由职业|多的时候[^。！？]{0,14}少的时候",
        r"收入(?:很|非常|特别|比较|太|有点|也)?不(?:太)?稳定|收入不固定|没有固定收入|收入(?:波动|"
        r"时高时低)|(?:收入|工资)[^，。！？]{0,6}不(?:固定|稳定?)(?!的工作)",
        r"看天吃饭|靠天吃饭|全看天|一年好一年坏|时好时坏|收成不(?:稳|好说)|现金流(?:很|非常|特别|比较)?紧",
        r"时有时无|有一单没一单|接一单算一单|有一天没一天|有活(?:儿)?(?:就|才)(?:干|有钱)",
        # 收入大头是提成: pay that rides on commission swings.
        r"(?:收入|工资)(?:的)?(?:大头|主要|大部分|一大半)(?:是|靠|都是|来自)提成|(?:主要|全|都)靠提成|"
        r"提成[^，。！？,]{0,8}(?:波动(?:很|挺|比较|特别)?大|忽高忽低|时高时低|不(?:太)?稳定?)",
    ),
)
# Working for themselves: income that varies, from a business that carries on.
_SELF_EMPLOYED = (
    *english("self_employed", r"commission\w*|contract (?:job|work)|self[- ]employed"),
    *chinese("self_employed", r"现金流不(?:太)?稳"),
)
# Students live on an allowance, a loan or a part-time job: limited capacity.
_STUDENT = (
    *english(
        "student",
        r"(?:uni|university|college|grad|phd|full[- ]time|undergrad|a) student|(?:1st|2nd|3rd|"
        r"first|second|third|final)[- ]year (?:at uni|student|undergrad|of uni)",
        negatable=False,
    ),
    # Not 风险大一点: a year of university, not "a bit bigger".
    *chinese(
        "student",
        r"(?<![险动度])大[一二三四](?![点些倍截])|研[一二三](?![点些])|大学生|在读|"
        r"(?<![去要想国])(?<!打算)(?<!准备)读研",
        negatable=False,
    ),
)
_HIGH = (
    *english(
        "high",
        r"(?:stable|secure|steady|good|well-paid|well paid|high|solid|government|govt|tenured) "
        r"(?:job|income|salary|career|pension)",
        r"(?:comfortable|decent|generous|healthy|final[- ]salary|defined[- ]benefit|"
        r"index[- ]linked|gold[- ]plated) (?:pension|income)",
        r"(?:steady|regular|reliable) (?:pay ?check|salary)",
        # "I don't need a cent of it to live on".
        r"(?:don'?t|do not|won'?t|will not) need (?:a (?:cent|penny|dime) of )?(?:this|the|that|"
        r"it) (?:money )?(?:for|"
        r"any ?time|soon|to live)",
        r"(?:money|sum|amount) (?:i|we|she|he)(?:'ll| will)? never (?:spend|need|touch)",
        r"not (?:money|cash) (?:i|we|she|he) (?:need|needs|will need)|(?:money|cash) (?:i|"
        r"we) (?:don'?t|do not) need",
        r"(?:spare|extra|surplus|excess|play|fun) (?:money|cash)",
        r"comfortably off|(?:well|very well) off|financially (?:comfortable|secure|independent)|"
        r"more income than (?:i|we) (?:spend|need)",
        r"(?:pot|fund|buffer|cushion|savings|money) (?:in the bank )?(?:that )?(?:i|we) (?:don'?t|"
        r"do not|never) touch",
        r"(?:saved|put by|set aside|kept) as a (?:cushion|buffer|safety net)|(?:good|big|healthy|"
        r"decent|solid|large|fat|comfortable) (?:cash )?(?:cushion|buffer|emergency fund|"
        r"rainy[- ]day fund|cash reserve)",
        r"(?:job|income|salary|pension|work|pay)(?:'s| is) (?:very |pretty |really |quite |super |"
        r"totally |as )?(?:secure|safe|stable|steady|solid)",
        r"(?:money|cash) i (?:can|could) afford to lose|can afford to lose",
        # Not "my pension just about covers me" or "doesn't cover the bills" (see "low").
        # "... beyond our pensions, which more than cover what we spend".
        r"^\W*(?:which|that) (?:more than |easily |fully |comfortably )?covers? (?:what (?:we|"
        r"i) spend|(?:all )?(?:our|my) (?:bills|expenses|costs|spending|living costs))",
        r"(?:pensions?|annuity|salary|income|social security|rental income|"
        r"other assets)\b(?:(?!just about|barely|only just|hardly|not quite|n't|"
        r"not\b)[^.,;]){0,40}?\b(?:more than |easily |fully |comfortably )?(?:covers?|pays? for|"
        r"takes? care of|pays? (?:(?:all|every|each) )?(?:the |my |our |her |his )?(?:bills?|"
        # Not "covers about two-thirds of what we spend": the rest is drawn from the savings.
        r"expenses?))(?! (?:about |around |roughly |maybe |only |just |less than )?(?:half|"
        r"two[- ]thirds|a third|one[- ]third|three[- ]quarters|a quarter|most|part|some|\d+ ?%|a "
        r"(?:bit|little|fraction)|the basics)\b)",
        r"(?:pension|income|salary) (?:does|do) (?:me|us|her|him) (?:fine|nicely|grand)",
        r"no (?:consumer )?debts?|debt[- ]free|mortgage[- ]free|(?:don'?t|do not) (?:actually |"
        r"really )?need (?:it|this|the money) for anything|(?:mortgage|house|home) (?:is )?"
        r"(?:all )?paid off|"
        r"own (?:my|our) (?:home|house|practice|place) outright",
        # "net worth around 3m, mostly outside this account": wealth far beyond this money.
        r"net worth (?:of |is |at |around |about |roughly |over |north of |~)*[$£€]?\d[\d,.]*\s?"
        r"(?:m|mm|mil|million)\b",
        r"plenty (?:of|in) (?:other )?(?:savings|cash|money)|other savings|separate emergency fund|"
        r"(?:outside|on top of|besides|apart from) (?:my|our|an?|the) emergency fund|"
        r"emergency fund (?:is )?(?:\w+ )?(?:separate|separately|kept separately|set aside|"
        r"already (?:set aside|sorted|in place)|sorted|in place)",
        negatable=False,
    ),
    *chinese(
        "high",
        r"闲钱|闲置资金|余钱|用不到的钱|暂时用不上|不急着?用|亏了也不影响",
        r"工作(?:很)?稳定|收入稳定|工资稳定|铁饭碗|体制内|公务员|事业单位|(?:公司|工作|单位|饭碗|"
        r"收入)(?:也|都|还)?(?:挺|很|还|蛮|比较)?稳",
        r"有退休金|(?:退休金|养老金)[^，。！？]{0,8}?(?:足够|够)(?:花|用|生活|吃)|有房无贷|"
        r"(?:完全|足够|绝对|肯定)够(?:花|用)|绰绰有余",
        r"房子(?:也)?没(?:有)?(?:贷款|房贷)|没有?房贷|房贷(?:已经)?还(?:清|完)了?|(?:应急|"
        r"备用)的?(?:钱|金)另外(?:留|存|放)|另外(?:留|存)(?:了|着)?(?:应急|备用)|(?:退休金|养老金|"
        r"工资|收入)[^，。！？]{0,8}(?:花不完|用不完)|根本花不完|现金流(?:很|非常|挺)?(?:好|稳|"
        r"充足)",
        r"(?:两|三|几|好几|[2-9])套房(?:子)?(?:在)?(?:出租|收租)|房租收入|租金收入",
        # 身家几千万: wealth far beyond this money.
        r"身家(?:有)?(?:几|好几|上|过)?(?:千万|亿)|(?:资产|家产)(?:有)?(?:几|好几|上|过)(?:千万|亿)",
        r"(?:流动资产|可投资资产|金融资产|存款)(?:大概|大约|差不多|有|约|在|将近|超过)*"
        r"[一二两三四五六七八九几好\d]*(?:百万|千万|亿)",
        r"(?:房子|车子|房|车)[^，。！？不没]{0,4}(?:都是|是)?全款",  # not 房子不是全款
        negatable=False,
    ),
)
# Money put by for old age: low capacity once the investor is old enough to live on it soon
# (`risk.OLD_AGE_MONEY_FROM`), a far goal before.
_OLD_AGE_MONEY = (
    *english(
        "old_age_money",
        r"(?:my|our|her|his|their) (?:whole |entire )?(?:\S*\d\S* (?:\w+ )?)?(?:retirement|"
        r"pension) (?:money|savings|"
        r"nest egg|pot|fund)",
    ),
    *chinese(
        "old_age_money",
        r"养老钱|养老的钱|养老本|养老用的钱|养老金存款|退休(?:攒|存)的钱|"
        r"钱(?:是|就是)(?:我|她|他|我们|老两口)?(?:的)?(?:留着)?养老(?:的|用的)",
    ),
)
CAPACITY_CUES = (
    *_NONE,
    *_DRAWS,
    *_LOW,
    *_UNSTABLE,
    *_SELF_EMPLOYED,
    *_STUDENT,
    *_HIGH,
    *_OLD_AGE_MONEY,
)

# Low capacity said over a sentence, as people put commas inside it: their savings, and later all
# of it going in ("攒了八万，准备全部梭哈", "got 12k saved, gonna throw all of it in"); a loan taken
# to invest ("took out a personal loan, twelve grand, to buy crypto").
SENTENCE_LOW_CAPACITY = re.compile(
    r"\b(?:took out|taking out|take out|got|get|borrowed|using) (?:a |an )?(?:\w+ )?(?:loan|"
    r"overdraft)\b[^.!?]{0,40}?\bto (?:buy|invest|put|get into|trade|gamble|punt)\b|\b(?:saved|"
    r"savings|nest egg|student loan|loan|"
    r"overdraft)\b[^.!?]{0,60}?(?<!not )(?<!n't )(?<!never )\b(?:(?:throw|put|chuck|dump|pour|"
    r"sink|yeet|move)(?:ing)? (?:all of it|it all|everything|the lot|the whole (?:thing|lot|"
    r"amount)|all)\b|go(?:ing)? all[- ]in\b)|(?:攒了|存了|存款|积蓄|攒的|存的|攒下|存下|攒着|"
    r"养老钱|生活费|工资卡里的钱)[^。！？]{0,30}?(?<!不)(?<!别)(?<!没)(?:全部|全都|全|一把(?:全)?)(?:拿来|"
    r"拿去|拿出来)?(?:梭哈|梭|投|买|砸|押|压|上|冲|打新|加仓)",
    re.IGNORECASE,
)
# Savings named, and a sentence later all of it going in: "攒了二十万。…我准备全部梭哈进去".
MESSAGE_ALL_IN = re.compile(
    # Not "存款一百五十万…拿一百万全砸进去": all of a smaller sum named just before.
    r"(?:攒了|存了|攒下|存下|积蓄|存款)[^？?]{0,80}?(?<!不)(?<!别)(?<!没)(?<![万千块元])(?:全部|全都|全)"
    r"(?:拿来|拿去|拿出来)?(?:梭哈|打新|投进去|砸进去|押进去|押上)"
)
# A refusal between the savings and "all in": "存款十万，不打算全部投进去", "won't put it all in".
REFUSED_BETWEEN = re.compile(
    r"不(?:打算|想|会|准备|要|敢)|别|没(?:打算|想)|\b(?:not|never|won'?t|don'?t|wouldn'?t)\b",
    re.IGNORECASE,
)

# --- experience -------------------------------------------------------------------------------

EXPERIENCE_CUES = (
    *english(
        "none",
        r"never (?:actually |really |once )?(?:invested|bought (?:a |any )?(?:stocks?|funds?|"
        r"shares?)|traded)|(?:first|1st) time "
        r"(?:investing|investor)|new to (?:investing|this|the market|stocks)",
        r"(?:complete |total |a )?(?:beginner|novice|newbie)",
        r"(?:don'?t|do not) know (?:anything|much|a lot|the first thing) about (?:investing|"
        r"stocks|funds|markets|finance)|no (?:investing |investment )?experience",
        r"(?:only|just) (?:ever )?(?:had|have|used|kept) (?:a )?(?:savings account|deposits|cds)|"
        r"(?:just|only) (?:starting|started) (?:out|to invest|investing)",
        negatable=False,
    ),
    *english(
        "limited",
        r"(?:a little|some|limited|not much|a bit of) (?:investing |investment )?experience|"
        r"dabbled|a (?:few|couple of) (?:funds|stocks|etfs)|(?:only|just) (?:an? )?(?:index fund|"
        r"etf|401k|robo)",
    ),
    *english(
        "good",
        r"(?:been|have been|i'?ve been) (?:investing|trading|in the market)(?: for| since)?|"
        r"experienced investor|(?:years|decades) of (?:investing|experience)|my (?:own )?"
        r"(?:brokerage|portfolio) (?:account)?",
        r"been through (?:a (?:couple|few)|several|many|plenty)(?: of)?(?: (?:crashes|downturns|"
        r"bear markets|corrections|those))?",
        negatable=False,
    ),
    *english(
        "extensive",
        r"(?:work|worked|working) (?:in|at) (?:finance|a bank|banking|an? (?:investment|hedge|"
        r"asset)|wealth management|trading)|(?:professional|day|active|full-time) trader|"
        r"trade (?:options|futures|derivatives)|(?:options|futures|derivatives) trad\w+|cfa|"
        r"portfolio manager|(?:two|three|several|many) decades of investing",
        negatable=False,
    ),
    *chinese(
        "none",
        r"新手(?!机)|小白|从来没(?:有)?(?:买过|投资过|炒过|理过财|接触过)|第一次(?:投资|理财|买|炒)|"
        r"不懂(?:投资|理财|基金|股票|金融)|没有?(?:任何)?(?:投资)?经验|只(?:存过|有|"
        r"会存)(?:银行)?(?:定期|存款)|什么都不懂|完全不懂|刚开始(?:接触|学)",
        negatable=False,
    ),
    *chinese("limited", r"买过(?:一点|一些|几只)?(?:基金|股票|理财)|一点经验|有点经验|了解一点"),
    *chinese(
        "good",
        r"(?:炒股|投资|理财|买基金|定投)(?:了)?(?:有)?(?:好几|几|[一二两三四五六七八九十\d]+)年|"
        r"有(?:几年|多年|丰富)(?:的)?(?:投资)?经验|老股民|老基民",
        negatable=False,
    ),
    *chinese(
        "extensive",
        r"(?:炒股|投资)(?:了)?(?:十几|二十|几十|[二三]十多)年|职业(?:投资|交易)|期货|期权|衍生品|融券",
        # Working in finance; money merely kept at a bank (放在银行理财) is no experience.
        r"(?:在|做)(?:金融|证券|基金|银行|券商)(?:行业|公司)?(?:工作|上班|的)|"
        r"(?:金融|证券|基金|券商)(?:行业|从业)",
        negatable=False,
    ),
)

# --- aggressive intent ------------------------------------------------------------------------

INTENT_CUES = (
    *english(
        "all_in",
        r"all[- ]in(?! (?:cash|bonds|savings|deposits|the bank|a savings|money market))|\byolo\b|"
        r"go big|max(?:imum)? risk|leverag\w+|on margin",
        r"(?:put|throw|dump|pour|sink|move)\w* (?:all|everything|the whole|the rest|the full|every "
        r"penny|it all|the entire|my entire|my whole)(?: \w+){0,4}? in(?:to)?\b",
        r"(?:put|move|throw|invest|sink|dump)\w* (?:\w+ ){0,5}?(?:into|in) (?:bitcoin|crypto\w*|"
        r"memecoins?|meme stocks?|options|penny stocks|a single stock|leveraged \w+|nft\w*)",
        negatable=False,
    ),
    *chinese(
        "all_in",
        r"梭哈|全仓|满仓|杠杆|(?:全部|全|都)(?:买|投|砸|押)(?:进去|进来|上)|"
        r"(?:买|投|放|换)(?:成|进|到)?(?:比特币|虚拟币|加密货币|币圈|期货|期权|妖股)",
        negatable=False,
    ),
)

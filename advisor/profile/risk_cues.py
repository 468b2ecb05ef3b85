"""Cue lexicons for the risk assessment: willingness, capacity, experience and aggressive intent.

The meaning of each label, and how the levels combine, is in `advisor.profile.risk`.
"""

from advisor.profile.lexicon import chinese, english

WILLINGNESS_CUES = (
    *english(
        "w1",
        r"(?:can'?t|cannot|can not|couldn'?t|don'?t want to|do not want to|won'?t|unwilling to|not "
        r"willing to|must not|mustn'?t|never want to|refuse to) (?:afford to )?(?:lose|risk)\s+"
        r"(?:any|a (?:single )?(?:cent|penny|dime|dollar)|even a (?:cent|penny|dollar)|"
        r"my principal|"
        r"(?:any )?(?:of )?(?:my|the|this|our) (?:money|principal|capital|savings)|money|anything|"
        r"a thing)",
        r"(?:no|zero|without any|without) (?:risk|losses?|chance of losing)(?! (?:of|at all))",
        r"risk[- ]free",
        r"(?:capital|principal|money)[- ](?:guaranteed|protected|protection|preservation|safe)",
        r"(?:guarantee|guaranteed|protect|preserve|keep) (?:my |the |our )?(?:principal|capital|"
        r"original (?:amount|investment))",
        r"guaranteed (?:returns?|income|interest)",
        r"(?:losing|lose) (?:any )?money is (?:not an option|out of the question|unacceptable)",
        r"(?:no|not a single|not one) (?:cent|penny|dollar) (?:of )?loss",
        r"(?:can'?t|cannot|couldn'?t) (?:lose|risk) (?:this|it|that)\b",
        r"(?:can'?t|cannot|couldn'?t) (?:see|watch|have|let) (?:it|them|the balance|my balance) "
        r"(?:go|drop|fall) (?:down|at all)",
        r"(?:can'?t|cannot|couldn'?t) (?:have|accept|take|afford|tolerate) any (?:loss|losses|drop|"
        r"drops|fall|falls|dip|dips|risk)",
        negatable=False,
    ),
    *english(
        "w2",
        r"(?:low|lower|minimal|minimum|little|limited|small)[- ]risk",
        r"conservative(?:ly)?|cautious(?:ly)?|careful",
        r"risk[- ]averse|averse to risk",
        r"(?:play it|keep it|something|somewhere|nothing but) safe|safe (?:option|investments?|bet|"
        r"choice|side|place)",
        r"safety|safer",
        r"(?:steady|stable|predictable|boring|slow|modest|safe)(?:,? (?:boring|steady|slow|safe))? "
        r"(?:returns?|growth|income|investments?|gains)",
        r"(?:don'?t|do not) (?:like|want|need|enjoy) (?:much |a lot of |too much |big |any big )?"
        r"(?:risk|volatility|surprises|ups and downs|swings|gambling)",
        r"(?:hates?|hated|dislikes?|fear|fears) (?:risk|losing|volatility|losses|the stock market)",
        r"(?:want|need|prefer|keep it|something|somewhere|nothing but|just|stay) (?:\w+ )?safe\b",
        r"(?:can'?t|cannot) afford (?:big |large |any big |major )?(?:hits|losses|drops|falls|"
        r"risks?)",
        r"not (?:much|a lot of) risk|nothing (?:too )?(?:risky|adventurous|fancy|wild|crazy)",
        r"(?:a )?small (?:losses|loss|dips?|falls?|drops?|ups and downs) (?:are|is) (?:fine|ok|"
        r"okay)|"
        r"(?:only|just) (?:a )?(?:little|small) (?:losses|loss|dips?|swings)",
        r"sleep (?:well )?at night",
        r"(?:bonds?|cds?|certificates of deposit|deposits|savings accounts?|money market|"
        r"treasur\w+)"
        r"(?: only| are fine| is fine)",
        r"preserv\w+|protect\w* (?:my|what i have|our)",
        r"(?:can'?t|cannot) (?:stomach|handle|take|bear|tolerate) (?:big |large |much |any big )?"
        r"(?:losses|drops|swings|volatility|risk)",
        weight=1.0,
    ),
    *english(
        "stated_level",
        r"(?:risk (?:appetite|tolerance|profile|level)|appetite for risk)\s+(?:is|as|would be|of|"
        r"=|:)?"
        r"\s*(?:\w+\s+)?(?P<word>very low|low|medium|moderate|average|high|very high)\b",
        negatable=False,
    ),
    *chinese(
        "stated_level",
        r"风险(?:偏好|承受能力|承受度|等级)(?:是|属于|算|为|比较|偏)?(?P<word>很低|较低|偏低|低|"
        r"中等|中|较高|偏高|高|很高)",
        negatable=False,
    ),
    *english(
        "w3",
        r"moderate(?:ly)?|balanced?|middle of the road|medium[- ]risk|some risk|a bit of risk|"
        r"a little "
        r"risk|reasonable risk|calculated risk|mix of (?:growth|safety|stocks)|\b(?:60|50|"
        r"40)/(?:40|50|60)\b|in the middle|"
        r"not too (?:risky|aggressive|conservative)|(?:some|a bit of|a little) (?:growth|"
        r"volatility|"
        r"ups and downs)",
    ),
    *english(
        "w2",
        r"(?:don'?t|do not|wouldn'?t) (?:want|like) to (?:take|lose|risk|see it (?:drop|fall)) "
        r"(?:much|a lot|too much|any big|big|a big)",
        r"(?:prefer|rather) not (?:to )?(?:lose|risk|take (?:much )?risk)",
        r"low (?:risk tolerance|tolerance for risk|appetite for risk|risk appetite)",
    ),
    *english(
        "w3",
        r"(?:fine|ok|okay|happy|cool|alright|comfortable) with (?:some|a bit of|a little|moderate) "
        r"(?:risk|volatility|swings|ups and downs|fluctuations|losses|losing)",
        r"(?:can|could|willing to|happy to|prepared to|ready to|able to) (?:take|accept|handle|"
        r"tolerate|bear) (?:some|a bit of|a little|moderate|a moderate amount of) (?:risk|"
        r"volatility|"
        r"losses)",
        r"(?:moderate|medium|average) (?:risk tolerance|tolerance for risk|appetite for risk|"
        r"risk appetite)",
    ),
    *english(
        "w4",
        r"(?:fine|ok|okay|happy|cool|alright) with (?:risk|volatility|swings|ups and downs|"
        r"fluctuations|losses)",
        r"(?:can|could|willing to|happy to|prepared to|ready to|able to) (?:take|accept|handle|"
        r"tolerate|bear) (?:more |higher )?(?:risk|risks|volatility)",
        r"risk[- ]tolerant",
    ),
    *english(
        "w5",
        r"(?:fine|ok|okay|happy|cool|alright|comfortable) with (?:a lot of|lots of|high|big|"
        r"significant|plenty of|large) (?:risk|volatility|swings|losses)",
        r"(?:can|could|willing to|happy to|prepared to|ready to|able to) (?:take|accept|handle|"
        r"tolerate|bear) (?:a lot of|lots of|high|big|significant|plenty of|large) (?:risk|risks|"
        r"volatility|losses)",
        r"high (?:risk tolerance|tolerance for risk|appetite for risk|risk appetite)",
    ),
    *chinese(
        "w2",
        r"不想(?:承担|冒|担)(?:太大|太多|很大|多大)?的?风险",
    ),
    *chinese(
        "w3",
        r"(?:能|可以)(?:接受|承受)(?:一些|一点|点)(?:的)?(?:波动|亏损|风险)|愿意(?:承担|冒|"
        r"接受)一定的?风险",
    ),
    *chinese(
        "w5",
        r"愿意(?:承担|冒|接受)(?:较?高|很大|大|高)的?风险",
    ),
    *chinese(
        "w4",
        r"风险(?:大|高)(?:一)?点(?:也行|没关系|无所谓|可以)|(?:能|可以)?承受的?风险(?:比较|较|很|"
        r"挺)?高|"
        r"风险承受能力(?:比较|较|很|挺)?(?:强|高)",
    ),
    *chinese(
        "stated_type",
        r"(?P<type>保守|谨慎|稳健|平衡|成长|积极|进取|激进)型",
        negatable=False,
    ),
    *english(
        "w5",
        r"gambler|(?:make|earn|get) as much (?:money )?as (?:possible|i can)|"
        r"(?:don'?t|do not) care about (?:the )?(?:ups and downs|swings|dips|short[- ]term)",
    ),
    *english(
        "w4",
        r"(?:take|taking|have) a (?:punt|flutter|gamble)|roll the dice|take (?:a )?chances?|"
        r"comfortable (?:taking|with taking) (?:some )?risks?|(?:can|"
        r"could) afford to take (?:some )?"
        r"risks?",
    ),
    *english(
        "w2",
        r"(?:volatility|risk|losses|losing money|drops|swings|"
        r"the stock market) (?:really )?(?:scares?|"
        r"frightens?|terrifies|worries|bothers|stresses) me",
        r"(?:would|'d) be (?:devastated|crushed|ruined|in trouble|in real trouble) if (?:i|we|she|"
        r"he) "
        r"lost|(?:need|needs) (?:it|the money) to be there|(?:don'?t|do not|"
        r"won'?t) (?:want to )?gamble|"
        r"just (?:beat|keep up with|keep pace with) inflation|(?:mostly|mainly|all|"
        r"only) (?:in )?(?:bonds|"
        r"fixed income|cash|deposits|cds|gilts|treasuries)",
        r"(?:don'?t|do not) want to see (?:big |large |major |any )?(?:swings|drops|losses|falls|"
        r"it (?:drop|fall|go down))",
    ),
    *english(
        "w4",
        r"growth[- ]oriented|growth (?:funds?|stocks|portfolio|investor|strategy|focus)|"
        r"(?:go|going|aim|aiming|happy to go) for growth|(?:strong|high|fast|maximum) growth|"
        r"(?:fairly|quite|somewhat|moderately) aggressive|"
        r"(?:higher|more|above[- ]average) risk|comfortable with (?:risk|volatility|swings|"
        r"ups and downs"
        r"|losses|drops|some losses)|(?:can|could) (?:handle|tolerate|take|stomach|live with|"
        r"ride out) "
        r"(?:risk|volatility|swings|ups and downs|the ups and downs|some losses|drops|dips|a dip)|"
        r"(?:don'?t|do not) mind (?:risk|volatility|swings|ups and downs|some losses)|"
        r"(?:mostly|mainly|heavy (?:on|in)) (?:stocks|equities)",
    ),
    *english(
        "w5",
        r"(?:very |really |super |quite )?aggressive(?:ly)?|high[- ]risk|(?:maximum|max|"
        r"maximi[sz]e|"
        r"highest|biggest|the most) (?:possible )?(?:returns?|growth|gains?|upside)|"
        r"risk[- ]taker|(?:love|like|enjoy) (?:risk|taking risks)|speculat\w+|"
        r"(?:don'?t|do not) care about (?:risk|volatility|losses|drops|swings)|"
        r"whatever it takes|swing for the fences|go big|"
        r"(?:all|100%) (?:in )?(?:stocks|equities|crypto)|(?:not|never) afraid of (?:risk|losses|"
        r"losing)",
    ),
    *english(
        "stated_class",
        r"(?:i'?m|i am|as) an? (?:c|level |class )(?P<cls>[1-5])(?: investor)?",
        r"(?:want|prefer|like|choose|pick|go with|aim for|looking for)\s+(?:an?\s+)?(?:c|"
        r"risk level\s*|"
        r"level\s*|class\s*)(?P<cls>[1-5])\b",
        r"(?:my )?risk (?:level|class|tolerance) (?:is|of)\s+(?:c|level\s*)?(?P<cls>[1-5])\b",
        negatable=False,
    ),
    *chinese(
        "w1",
        r"保本|保证本金|本金(?:安全|不能亏|不能少|不能损失|一定要保住|要保住)|"
        r"(?:一分钱|一分|一点|一毛钱|一块钱|一点点)?(?:都|也)?(?:不能|不可以|不想|不愿意|不愿|"
        r"接受不了)"
        r"(?:亏|亏损|赔|损失|亏钱|赔钱)|"
        r"不能(?:有|接受)(?:任何)?(?:亏损|损失|风险)|不要(?:有)?(?:任何)?风险|零风险|"
        r"没有风险|无风险|绝对安全|刚兑|保证收益|保收益|亏损接受不了|不接受(?:任何)?亏损",
        negatable=False,
    ),
    *chinese(
        "w2",
        r"保守|稳一点|稳妥|低风险|风险(?:小|低)一?(?:点|些)?|安全第一|求稳|稳定(?:的)?(?:收益|"
        r"回报|为主)|"
        r"不想冒(?:太大的?)?(?:险|风险)|不喜欢(?:风险|波动)|风险承受能力(?:低|弱|差|不高|不强|"
        r"较低)|"
        r"怕(?:亏|赔|风险|波动)|(?:宁可|宁愿|还不如|只想|还是)(?:存|放)(?:在)?(?:银行|定期)|(?:存|"
        r"放)(?:在)?(?:银行|定期)(?:就行|算了|比较放心|最放心)|安全(?:一点|些|为主)|谨慎|稳稳的|"
        r"受不了(?:大的?)?(?:波动|亏损|回撤)|承受不了(?:大的?)?(?:波动|亏损|回撤)|"
        r"稳(?:的|当|点|一些|妥的)|靠谱(?:一点|的)|别(?:太)?冒险|亏一点(?:没关系|可以|能接受|"
        r"还行)|小亏|"
        r"(?:别|不要|不能)亏(?:得)?太多|少亏|亏得不多",
    ),
    *chinese(
        "w3",
        r"平衡|中等风险|中风险|适度|一点风险|一定的?风险|一些风险|稳健|中庸|攻守兼备|不要太激进|"
        r"(?:能|可以)(?:接受|承受)一定(?:的)?(?:波动|亏损|风险)",
    ),
    *chinese(
        "w4",
        r"成长|积极|(?:较|比较)?高(?:一点|一些)?的?收益|(?:能|可以)(?:接受|承受)(?:较大|比较大|"
        r"大一点)的?"
        r"(?:波动|亏损|风险|回撤)|不介意(?:波动|风险)|偏股|以股票为主",
    ),
    *chinese(
        "w5",
        r"激进|进取|高风险高收益|高风险|追求高收益|收益越高越好|不怕(?:亏|赔|风险|波动)|"
        r"亏了也无所谓|最高(?:的)?收益|收益最大化|博一把|搏一把|赌一把|全仓股票|敢冒险|喜欢冒险",
    ),
    *chinese(
        "stated_class",
        r"(?:我是|我属于|我想要|想要|我要|选|适合)(?:风险等级)?(?:C|c)(?P<cls>[1-5])",
        r"风险(?:等级|评级|测评)(?:是|为|结果是)(?:C|c)?(?P<cls>[1-5])",
        negatable=False,
    ),
)
LEVEL_OF_LABEL = {"w1": 1, "w2": 2, "w3": 3, "w4": 4, "w5": 5}
NEGATED_LEVEL = {1: 3, 2: 4, 3: 3, 4: 2, 5: 2}

CAPACITY_CUES = (
    *english(
        "none",
        r"(?:draw|drawing|take|taking|live|living) (?:on|from|off) (?:it|this|this money|"
        r"the money) "
        r"(?:for|to (?:cover|pay)) (?:living|bills|expenses|rent|food)",
        negatable=False,
    ),
    *english(
        "none",
        r"(?:live|living|get by|getting by) (?:on|off) (?:\w+ ){0,4}?(?:my|our|her|his|the|this|"
        r"that) "
        r"(?:savings|account|money|pot|pension pot|portfolio|investments|nest egg)",
        r"(?:it'?s|this is|that'?s) what (?:i|we|she|he) (?:live|get by) on",
        r"(?:i'?ll|we'?ll|she'?ll|he'?ll|i will) have nothing(?: left)?|"
        r"nothing else to fall back on",
        r"(?:need|use|rely on|depend on) (?:this|the|that|it|this money|that money|the money) "
        r"(?:money )?(?:to live on|to live|for (?:rent|bills|living|food|daily|groceries)|"
        r"every month|"
        r"to pay (?:the )?bills)",
        r"(?:it'?s|this is|that'?s) (?:all|everything) (?:i|we|she|he) (?:have|has|live on|own)",
        r"(?:my|our|her|his) (?:whole|entire|only) (?:emergency|safety|rainy[- ]day) (?:fund|money|"
        r"savings|net)",
        r"(?:all|every penny) (?:that )?(?:i|we|she|he) (?:have|has|live on)",
        r"(?:only|all the) (?:money|savings) (?:i|we|she|he) (?:have|has)",
        negatable=False,
    ),
    *english(
        "low",
        r"(?:can'?t|cannot|couldn'?t) afford to lose",
        r"(?:all|most|every penny) of (?:my|our|her|his) (?:life )?savings",
        r"(?:my|our|her|his) (?:entire|whole|only|life) savings",
        r"(?:borrowed|borrow|borrowing|loan|credit card|heloc|home equity|mortgag\w+)\s+(?:\w+\s+)"
        r"{0,3}(?:to|and) (?:invest|buy|put)",
        r"(?:in|have|with) (?:a lot of |lots of |heavy |big |some )?(?:debt|credit card debt)",
        r"(?:pay ?check to pay ?check)",
        r"(?:no|don'?t have an?y?) (?:real |proper |much )?(?:emergency (?:fund|savings)|savings|"
        r"safety net|cushion|buffer)",
        r"(?:basically |almost )?nothing saved|only \S+ (?:in cash|saved|in savings|in the bank)",
        r"all (?:of )?(?:my|our|her|his) (?:money|savings|cash)",
        r"(?:put|invested|moved|used|took|threw|throw|dump\w*|sank|sunk) (?:\w+ ){0,3}?(?:my|our|"
        r"the) "
        r"(?:house deposit|home deposit|down payment|deposit|rent money|tuition money|wedding fund|"
        r"emergency fund|emergency money)",
        r"(?:it'?s|this is|that'?s) (?:the|my|our) (?:wedding fund|house deposit|deposit|"
        r"rent money|"
        r"tuition money|emergency fund)",
        negatable=True,
    ),
    *english(
        "unstable",
        r"(?:lost|losing|lose) my job|unemployed|laid off|between jobs|out of work|no (?:stable |"
        r"steady |regular )?income|(?:unstable|irregular|unpredictable|variable) income|"
        r"zero[- ]hours?|on benefits|"
        r"(?:freelanc|gig|commission)\w*|contract (?:job|work)|job (?:is )?(?:not secure|insecure|"
        r"at risk)",
        r"(?:income|pay|earnings) (?:is |are )?(?:very |quite |really )?(?:all over the place|"
        r"varies|"
        r"swings|irregular|seasonal|unpredictable)|seasonal (?:income|business|work)|laid off|"
        r"might lose my job|(?:goes|go|going) up and down|fluctuat\\w+",
    ),
    *english(
        "high",
        r"(?:stable|secure|steady|good|well-paid|well paid|high|solid|government|tenured) "
        r"(?:job|income|salary|career|pension)",
        r"(?:don'?t|do not|won'?t|will not) need (?:this|the|that|it|the) (?:money )?(?:for|"
        r"any ?time"
        r"|soon)",
        r"(?:spare|extra|surplus|excess|play|fun) (?:money|cash)",
        r"(?:money|cash) i (?:can|could) afford to lose|can afford to lose",
        r"(?:pension|other (?:income|assets)|rental income) (?:covers|pays)",
        r"no (?:consumer )?debt|debt[- ]free|(?:mortgage|house|home) (?:is )?(?:all )?paid off|"
        r"own (?:my|our) (?:home|house) outright",
        r"plenty (?:of|in) (?:other )?(?:savings|cash|money)|other savings|separate emergency fund|"
        r"(?:steady|regular|reliable) (?:pay ?check|salary)",
        negatable=False,
    ),
    *chinese(
        "none",
        r"救命钱|保命钱|棺材本|看病钱|过日子的钱|吃饭的钱|全部家当|靠\S{0,14}过日子|"
        r"(?:这|这笔)(?:钱)?(?:是|就是)(?:我的|她的|他的|我们的)?(?:生活费|救命钱)|"
        r"(?:就|只)(?:靠|指望)(?:这|这笔|这些)钱|(?:这是|这就是)(?:我|她|他|我们)?(?:的)?全部",
        negatable=False,
    ),
    *chinese(
        "low",
        r"亏不起|输不起|赔不起|全部(?:的)?(?:积蓄|存款|身家)|所有(?:的)?(?:积蓄|存款)|"
        r"血汗钱|全家的钱|所有的钱|全部的钱|刷信用卡|套出来|没啥存款|没什么存款|没多少存款|"
        r"借(?:的|点|些|了)?钱|借来的|贷款(?:来)?(?:买|投|炒)|信用卡套现|网贷|负债|"
        r"欠(?:了)?(?:很多|"
        r"一屁股)?(?:钱|债)|"
        r"月光|没有?(?:应急|备用)(?:金|钱)|没有?存款|没有?积蓄",
        negatable=False,
    ),
    *chinese(
        "unstable",
        r"失业|被裁|下岗|没(?:有)?工作|收入不稳定|收入不固定|打零工|自由职业|没有固定收入|待业|"
        r"收入(?:波动|时高时低)|现金流不(?:太)?稳",
    ),
    *chinese(
        "high",
        r"闲钱|闲置资金|余钱|用不到的钱|暂时用不上|不急着?用|工作(?:很)?稳定|收入稳定|铁饭碗|"
        r"体制内|"
        r"公务员|事业单位|有退休金|退休金够(?:花|用)|亏了也不影响",
        negatable=False,
    ),
)

EXPERIENCE_CUES = (
    *english(
        "none",
        r"never (?:invested|bought (?:a )?(?:stock|fund|share)|traded)|(?:first|1st) time "
        r"(?:investing|investor)|new to (?:investing|this|the market|stocks)|(?:complete |total |"
        r"a )?(?:beginner|novice|newbie)|(?:don'?t|do not) know (?:anything|much|a lot|"
        r"the first thing)"
        r" about (?:investing|stocks|funds|markets|finance)|no (?:investing |"
        r"investment )?experience|"
        r"(?:only|just) (?:ever )?(?:had|have|used|kept) (?:a )?(?:savings account|deposits|cds)|"
        r"(?:just|only) (?:starting|started) (?:out|to invest|investing)",
        negatable=False,
    ),
    *english(
        "limited",
        r"(?:a little|some|limited|not much|a bit of) (?:investing |investment )?experience|"
        r"dabbled|a (?:few|couple of) (?:funds|stocks|etfs)|(?:only|just) (?:an? )?(?:index fund|"
        r"etf|"
        r"401k|robo)",
    ),
    *english(
        "good",
        r"(?:been|have been|i'?ve been) (?:investing|trading|in the market)(?: for)?|experienced "
        r"investor|(?:years|decades) of (?:investing|experience)|my (?:own )?(?:brokerage|"
        r"portfolio)"
        r" (?:account)?",
        negatable=False,
    ),
    *english(
        "extensive",
        r"(?:work|worked|working) (?:in|at) (?:finance|a bank|banking|an? (?:investment|hedge|"
        r"asset)"
        r"|wealth management|trading)|(?:professional|day|active|full-time) trader|"
        r"trade (?:options|"
        r"futures|derivatives)|(?:options|futures|derivatives) trad\w+|cfa|portfolio manager|"
        r"(?:two|three|several|many) decades of investing",
        negatable=False,
    ),
    *chinese(
        "none",
        r"新手|小白|从来没(?:有)?(?:买过|投资过|炒过|理过财|接触过)|第一次(?:投资|理财|买|炒)|"
        r"不懂(?:投资|理财|基金|股票|金融)|没有?(?:任何)?(?:投资)?经验|只(?:存过|有|"
        r"会存)(?:银行)?(?:定期|存款)|"
        r"什么都不懂|完全不懂|刚开始(?:接触|学)",
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
        r"(?:炒股|投资)(?:了)?(?:十几|二十|几十|[二三]十多)年|(?:在|做)(?:金融|证券|基金|银行|券商)"
        r"(?:行业|公司)?(?:工作|上班)?|职业(?:投资|交易)|期货|期权|衍生品|融券",
        negatable=False,
    ),
)
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

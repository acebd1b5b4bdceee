"""The words of an emergency, kind by kind, and the contexts that say it is not one.

Everything here is matched against text prepared by ``triage.prepare``: NFKC (full-width
to half-width), lower case, traditional to simplified, 著 folded into 着 and the spaces
a speech recogniser puts between Chinese characters removed. English patterns use
``(?<![a-z])``/``(?![a-z])`` rather than ``\\b``, because ``\\b`` sees no boundary
between a Chinese character and a Latin letter ("楼下fire了").

Each rule has a level, which decides the guards it must get past (see ``triage``):

- ``STRONG``: the words themselves say it is happening ("着火了", "没呼吸了", "有人拿刀
  砍人"). Stopped by negation, a hypothetical, the past, a resolved outcome, a story or
  a drill, and paperwork (insurance, fees, applications) unless the citizen also cries
  for help.
- ``WEAK``: the words name an emergency but are just as common in complaints and
  questions ("火灾", "打架", "家暴", "自杀", "冒烟"). Also stopped by complaint framing
  ("投诉", "物业不管"), habit ("每天", "经常") and questions about procedure, unless the
  citizen cries for help.
- ``BOOSTED``: counts only beside a cry for help ("车祸了救命").
- ``IDIOM``: a self-harm phrase that is also an idiom of exasperation ("想死的心都有了"):
  flagged (a gentle check-in) unless the message names what exasperates (手续, 排队…).
- ``IDEATION``: self-harm in the citizen's own words ("不想活了"): stopped only by
  negation, the past and, in a letter, by being about someone else.
- ``CRY``: a cry for help that names no danger ("救命啊"): guarded like an idiom, and
  dropped when the message also names what is happening.

Only self-harm ideation is exempt from the paperwork, hypothetical and story guards:
"社保断了，我不想活了" and "再不解决我就不想活了" are self-harm talk whatever else they
say. Patterns are written as general forms (who, what, how), never as whole sentences.
"""

from __future__ import annotations

from enum import Enum

from safety.kinds import Kind


class Level(str, Enum):
    STRONG = "strong"
    WEAK = "weak"
    BOOSTED = "boosted"
    IDIOM = "idiom"
    IDEATION = "ideation"
    CRY = "cry"


# -- Building blocks ---------------------------------------------------------------

# Someone a citizen reports about, in Chinese; "我" included (the citizen themself).
PERSON_ZH = (
    r"(?:有人|有个人|一个人|人|他|她|我|孩子|小孩|小朋友|宝宝|婴儿|小宝|儿子|女儿|"
    r"老人家?|老太太?|老头子?|老爷爷|老奶奶|老伯|阿婆|阿公|爷爷|奶奶|外公|外婆|姥姥|姥爷|"
    r"老爸|老妈|爸爸?|妈妈?|父亲|母亲|老公|老婆|丈夫|妻子|爱人|媳妇|孕妇|哥哥?|姐姐?|"
    r"弟弟?|妹妹?|邻居|同事|朋友|同学|室友|男的|女的|男人|女人|小伙子?|姑娘|路人|"
    r"行人|学生|工人|师傅|阿姨|大爷|大妈|叔叔|病人|伤者|对方|家人|家里人)"
)
PERSON_EN = (
    r"(?:someone|somebody|a (?:man|woman|person|guy|kid|child|boy|girl|baby|"
    r"toddler|student|worker|cyclist|pedestrian|neighbou?r|old (?:man|woman|lady))|"
    r"an (?:old|elderly|older) (?:man|woman|lady|person)|"
    r"(?:my|our|the|his|her) (?:\w+ )?(?:wife|husband|mother|father|mum|mom|dad|"
    r"son|daughter|child|kid|baby|sister|brother|grandma|grandpa|grandmother|"
    r"grandfather|neighbou?r|friend|partner|colleague|roommate|flatmate|boyfriend|"
    r"girlfriend|uncle|aunt|patient)|he|she|they|people|[a-z]+ (?:man|woman)|"
    r"(?:他|她|有人|老人|孩子|小孩|我爸|我妈|爸爸|妈妈|爷爷|奶奶|老公|老婆|邻居)\s?)"
)
# How many people: "撞了好几个人", "打伤两个人".
COUNT_ZH = r"(?:一个|一位|个|好几个|几个|两个|三个|一群|一排|好多|\d+个)?"
# Who is hurt, in English: "an old lady", "my neighbour", "a guy", "people".
VICTIM_EN = (
    r"(?:me|him|her|them|us|someone|somebody|people|(?:my|a|an|the|his|her|our|this|that) "
    r"(?:\w+ )?(?:man|woman|lady|guy|kid|child|boy|girl|person|driver|guard|neighbou?r|"
    r"wife|husband|mother|father|mum|mom|dad|son|daughter|friend|student|teacher|cashier|"
    r"baby|pedestrian|cyclist|officer|nurse|doctor))(?![a-z])"
)
# Where an indoor fire or smoke is seen.
PLACE_ZH = (
    r"(?:楼道|楼梯间?|走廊|过道|家里|屋里|房间|厨房|卧室|客厅|阳台|楼上|楼下|隔壁|"
    r"邻居家|对门|窗户|窗口|电梯|车库|地下室|仓库|店里|饭店|厂房|车间|车里|办公室|"
    r"教室|宿舍|商场|超市|楼里|大楼|楼顶|屋顶|配电箱|电表箱|电瓶车|电动车|插座)"
)
# Things that catch fire when they fail: an appliance fire is a fire.
APPLIANCE_ZH = (
    r"(?:插座|插线板|插排|电线|电表|电表箱|配电箱|电箱|变压器|电瓶车?|电池|充电器|"
    r"电动车|电动自行车|电瓶|充电宝|电视机?|空调外?机?|冰箱|微波炉|电饭煲|取暖器|"
    r"电暖器|电热毯|热水器|油烟机|烟机|油锅|锅里|锅(?!炉)|灶台|燃气灶|煤气灶|发动机|引擎|车头|汽车|车子)"
)
# The last character of any body of water (黄浦江, 景观池, 河浜, 鱼塘, 化粪池).
WATER_ZH = r"(?:河|江|湖|海|水|池|塘|潭|井|沟|渠|浜|水库|河道)"

# Exasperation with a procedure: what turns "想死的心都有了" into an idiom.
EXASPERATION = (
    r"手续|办事|办证|办个|办理|排队|跑了|跑断腿|窗口|系统|网站|网页|app|材料|审批|流程|"
    r"盖章|证明|表格|填表|预约|客服|打不通|踢皮球|推来推去|折腾|麻烦|效率|等了|催了|投诉|"
    r"物业|噪音|装修|吵|堵车|停车|罚单|工作人员|部门|政府|12345|热线|机器人|排了|加班|"
    r"作业|考试|老板|领导|外卖|快递|天气|热死|冷死|停水|停电|开发商|"
    r"(?<![a-z])(?:form|queue|paperwork|website|system|process|office|line|app|"
    r"traffic|bureaucracy|hold|waiting|appointment)(?![a-z])"
)

# -- Rules, kind by kind -----------------------------------------------------------
# (level, pattern, exclusion): the exclusion says the words mean something else. For
# strong words it is searched a few characters either side of the match, within its
# clause ("等着火车"); for the others in the whole sentence ("烟囱…冒黑烟").

Rule = tuple[Level, str, str | None]

FIRE: list[Rule] = [
    (
        Level.STRONG,
        # 着火/起火/失火/走水, but not 等着火车, 引起火灾, 起火原因, 着火点.
        r"(?:(?<![等赶坐搭乘追引激挑])着|(?<![引激挑])起|失|招)火(?![车锅柴腿候力速花星灾罪点源])"
        r"|走水了|火着了|着了火|失了火|(?:着|起)伙了|(?:点|引)(?:着|燃)了(?!烟|蜡烛|灶|炉|火柴|香)"
        r"|火星(?:子)?(?:把|溅|掉|点)"
        r"|(?:往外|里|里面|里头)(?:在)?(?:冒|窜|蹿|喷)(?:出)?(?:了)?"
        r"(?:火|火苗|火光|明火|火焰|火舌)(?![车锅气腿])",
        r"(?:着|起)火(?:原因|隐患|风险|的(?:危险|可能|隐患|风险)|事故(?:调查|认定)|保险)"
        r"|失火罪|心里|眼里|肚子里|气得|火冒",
    ),
    (
        Level.STRONG,
        r"(?:发生|出|闹|起|着)了?(?:一场)?(?:大)?火灾|火灾了|火灾啦|(?:着|起)大火",
        None,
    ),
    (
        Level.STRONG,
        r"火势|火苗(?:窜|蹿|冒|往)|(?:窜|蹿|冒)出?了?(?:火苗|明火|火光|火焰)|火光冲天"
        r"|火(?:很|好|太|特别|越来越)大|大火(?:烧|蔓延|吞|把)|烧(?:起来|着)了|烧了起来"
        r"|被火(?:围|困|包围)",
        r"发烧|高烧|烧烤|烧饭|烧菜|烧水|烧纸|烧香|心里|肝火|烧钱|烧脑",
    ),
    (
        Level.STRONG,
        # An appliance or vehicle that smokes, sparks or burns.
        APPLIANCE_ZH
        + r"[^不没,。!?]{0,4}?(?:冒火|冒烟|冒出?黑烟|冒火星|着火|起火|烧起来|炸了|爆炸|"
        r"自燃|燃烧|烧着)",
        r"油烟(?!机)|烟囱|尾气",
    ),
    (
        Level.WEAK,
        # Smoke seen indoors: "楼道里全是烟", "走廊里冒黑烟".
        PLACE_ZH
        + r".{0,6}?(?:(?:全|都|满)是(?:浓)?烟|好多烟|很多烟|冒(?:出|着)?(?:浓|黑)?烟"
        r"|(?:浓|黑)烟|烟(?:很|好|特别|太)大)",
        r"油烟|烟囱|抽烟|吸烟|香烟|烟味|烟头|二手烟|烧烤|烟花|鞭炮|烧纸|烧香|焚烧|尾气",
    ),
    (
        Level.WEAK,
        r"火灾|浓烟滚滚|烟雾弥漫|(?:报|打)火警|火警(?:铃|警报)?(?:响|叫)|(?:浓|黑)烟|冒烟|好多烟|很多烟|"
        r"(?:爆炸|炸开)了|发生爆炸|(?:一声)?巨响.{0,6}(?:火|烟)",
        r"烟囱|油烟|烟味|抽烟|吸烟|香烟|烟头|二手烟|烧烤|烧垃圾|烧东西|焚烧|烧秸秆|烟花|"
        r"鞭炮|工厂|厂|排放|尾气|污染|锅炉|信息爆炸|爆炸性|知识爆炸|气炸|火灾(?:隐患|"
        r"保险|险|风险|预防|防控|事故(?:调查|认定))",
    ),
    (
        Level.STRONG,
        r"(?:there(?:'s| is| are)|i see|we have|big|huge|a) (?:a )?(?:big |huge |massive |"
        r"house |kitchen |building |car )?fire(?! (?:safety|inspection|certificate|"
        r"extinguisher|drill|alarm|exit|escape|door|hydrant|lane|insurance|permit|"
        r"station|department|brigade|service|regulation|code|hazard|risk|prevention|"
        r"training|fee|check|equipment|engine|truck))(?![a-z])",
        r"fire (?:safety|inspection|certificate|extinguisher|drill|insurance|permit)"
        r"|ceasefire|campfire|bonfire|wildfire risk",
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:on fire|caught fire|catching fire|in flames|up in flames|"
        r"flames (?:are|coming|everywhere|from)|is burning|are burning|burning down|"
        r"smoke (?:is )?(?:coming|pouring|everywhere|filling|billowing)|full of smoke|"
        r"(?:thick|black) smoke|fire!|fire (?:in|on|at) (?:my|our|the|a|this) )",
        r"burning (?:question|issue)|heartburn|sunburn",
    ),
    (Level.STRONG, r"(?<![a-z])fire\s?(?:了|啦|啊|!)|有fire|着fire", None),
]

GAS_LEAK: list[Rule] = [
    (
        Level.STRONG,
        r"(?:煤气|燃气|天然气|液化气|石油气|瓦斯|沼气|煤气罐|气罐|钢瓶|燃气灶|煤气灶|燃气管|"
        r"煤气管|燃气表|热水器|媒气|燃汽|煤汽|然气).{0,8}?(?:泄漏|泄露|泄了|外泄|漏气|漏了|"
        r"在漏|漏出|挖断|挖破|弄断|弄破|撞断|撞破|破裂|裂了|断了|冒气|喷气|味道?(?:很|好|特别|太|非常|有点|越来越)?(?:大|重|浓|冲|呛)|一股.{0,4}味|"
        r"味儿|有味|的味道|爆炸|炸了|爆了|嘶嘶)",
        r"报警器|检测仪|安检|检查|改造|翻新|施工|隐患|老化|臭味剂|加臭|是因为|为什么|原因",
    ),
    (
        Level.STRONG,
        r"(?:煤气|燃气|天然气|液化气|瓦斯|媒气|燃汽|煤汽)(?:的)?(?:味|臭味)|漏煤气|漏燃气|"
        r"漏天然气|煤气中毒|一氧化碳中毒",
        r"报警器|检测仪|臭味剂|加臭",
    ),
    (
        Level.WEAK,
        r"(?:煤气|燃气|天然气|液化气|瓦斯|煤气灶|燃气灶|气罐|煤气罐)[^。!?]{0,20}?(?:漏气|在漏|"
        r"泄漏|泄露|外泄|嘶嘶)",
        r"报警器|检测仪|安检|检查|改造|翻新|隐患|老化|轮胎|车胎",
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:gas leak|leaking gas|gas (?:is )?leaking|smell(?:s|ing)?(?: \w+){0,2} "
        r"(?:of )?gas|gas (?:smell|odou?r)|smells? like gas|the gas is on and|"
        r"carbon monoxide)",
        r"gas leak (?:detector|alarm|sensor|check|inspection)",
    ),
]

VIOLENCE: list[Rule] = [
    (
        Level.STRONG,
        # Someone holding a weapon: 持刀, 拿着菜刀, 掏出一把刀, 举着铁棍.
        r"(?:持|拿|提|掏|举|挥|握|抄|带|揣)(?:着|了|起|出)?(?:了)?(?:一把|把|根|一根|个)?"
        r"(?:刀|菜刀|水果刀|砍刀|尖刀|西瓜刀|长刀|匕首|刀子|斧头|斧子|铁棍|铁棒|棍子|"
        r"木棍|棒子|钢管|铁锹|锤子|榔头|枪|凶器|砖头|酒瓶)",
        r"切菜|切肉|切水果|削|买|卖|磨刀|管制|安检|快递|寄|巡逻|合规|合法|规定|允许|可以吗|能不能|能带",
    ),
    (
        Level.STRONG,
        # Cutting, stabbing, killing people (砍人, 捅了他, 被砍伤, 拿刀看人 from ASR).
        r"(?:砍|捅|刺|杀)(?:了|伤|死|到|倒)?(?:人|我|他|她|我们|他们|孩子|老人|邻居|"
        r"保安|人了)|被(?:人)?(?:砍|捅|刺伤|杀)|刀.{0,4}(?:扎|刺|看|坎|捅|砍)(?:人|伤|我|他|她)"
        r"|要(?:杀|砍|弄死|捅|打死)(?:了)?(?:我|他|她|我们|人|我全家)|杀人了|(?:持|拿)刀伤人"
        r"|(?:弄死|砍死|捅死|杀死|掐死|打死(?!也不|都不|我也不))(?:我|我们|你|你们|他|她|人|我全家)",
        r"砍价|砍树|砍柴|砍伐|杀价|杀毒|秒杀|杀虫|杀菌|游戏|狼人杀|剧本杀|杀人犯|案件|预算|经费|杀猪盘|"
        r"树|枝|竹|林|牛|猪|羊|鸡|鸭|鱼|凶手|"
        r"工资|补贴|项目|讽刺|气得|笑",
    ),
    (
        Level.STRONG,
        # Being beaten now: 在打我, 又打我了, 打得满脸是血.
        r"(?:在|又|正在|一直|还在)(?:被)?(?:打|揍|踢|掐)(?:我|我妈|我们|孩子|人|他|她)"
        r"|打得(?:头破血流|满脸是血|流血|起不来|不动了)|(?:掐|勒)(?:住|着)?(?:我|她|他)的?脖子"
        r"|(?:闯|破门)进(?:了)?(?:我家|家里|屋里|屋|来)|(?:在)?撬(?:我家|我们家)?的?(?:门|窗)"
        r"|有(?:小偷|贼|人)在(?:撬|偷|砸)|(?:手里|手上|身上)(?:有|拿着|握着|带着)(?:刀|枪|凶器|棍)",
        r"电话|手机|号码|卡|疫苗|针|扰|折|游戏|篮球|麻将|牌",
    ),
    (
        Level.WEAK,
        r"打人(?!工)|(?<!不)打我(?!电话|手机|的电话|号码|卡)|打她(?!电话|手机)|"
        r"打他(?!电话|手机)|殴打|群殴|互殴|斗殴|打架(?!子)|打起来了|动手打|被(?:人)?打(?:了|伤|得)"
        r"|挨打|揍我|家暴|家庭暴力|施暴|抢劫|打劫|抢包|抢手机|飞车抢|绑架|劫持(?!浏览器)"
        r"|人质|非礼|猥亵|强奸|性侵|耍流氓|威胁(?:要)?(?:杀|砍|弄死|打)|跟踪我|尾随我"
        r"|有人闹事|拿(?:着)?刀|劫匪|歹徒|匪徒|被抢(?:了|劫)|"
        r"被[^,。!?]{1,6}?(?:摸|猥亵|非礼|性骚扰|偷拍)(?:了)?|(?:一直|还|在)(?:跟着|尾随)我|抢(?:了|走)(?:了)?(?:我|他|她|老人)?的?(?:包|手机|钱包|项链|金链子|钱|东西)|砸(?:我家|我们家)?的?(?:门|窗)|进(?:了)?(?:贼|小偷)|被(?:人)?(?:跟踪|尾随)",
        r"强奸民意|dns|浏览器|网页|被打扰|打扰|打折|打卡|打针|打疫苗|打电话|打车|打印|"
        r"打包|篮球|游戏|打架子鼓|被打回|打款|打钱|打分|反家暴|家暴法|趁火打劫|老师|学校|"
        r"班主任|校方|学生",
    ),
    (
        Level.WEAK,
        # Beaten or attacked by anyone, however many: "被三个人围着打", "被他们围殴".
        r"被[^,。!?]{1,6}?(?:围着|按着|追着)?(?:打|揍|踢|殴打|围殴|群殴|围攻|砍|捅|刺|扎)"
        r"(?:了|伤|得|成|倒)?(?![扰折卡针印包开通电款分回字])|围着(?:我|他|她|人)?(?:打|揍)",
        r"打扰|打折|打卡|打针|打疫苗|打电话|打车|打印|打包|篮球|游戏|打款|打分|老师|学校|班主任|"
        r"蚊子|虫|蜂|针|钉|刺猬|玫瑰|鱼刺",
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:(?:has|with|holding|carrying|waving|pulled|pulling|got|brandishing)"
        r" (?:out )?(?:a |an )?(?:knife|gun|machete|weapon|blade|axe|bat|cleaver|pistol)"
        r"|(?:stabbed|stabbing|shot|shooting|attacking|attacked|assaulting|assaulted|"
        r"beating|beat up|beats|punching|punched|hitting|hit|kicking|kicked|slapped|"
        r"slapping|strangling|hurting|threatening|robbed|robbing|mugged|grabbed) (?:up )?"
        + VICTIM_EN
        + r""
        r"|(?:going|gonna|trying|tries|wants?|threaten(?:ed|ing|s)?) to (?:kill|hurt|"
        r"stab|shoot|beat) (?:me|us|him|her|my|them)(?![a-z])"
        r"|(?:being|been|was just|got|getting) (?:beaten|attacked|robbed|mugged|stabbed|"
        r"shot|assaulted|raped|kidnapp?ed)"
        r"|break(?:ing)? in(?:to)?(?! (?:the market|tears))|broke into|intruder|burglar"
        r"|robbery|mugging|kidnapp?(?:ed|ing)"
        r"|(?:a )?fight (?:outside|going on|broke out|in the street|downstairs|upstairs)"
        r"|(?:are|is|'re|'s) fighting (?:outside|downstairs|upstairs|in|with knives|now))",
        r"(?:flu|booster|vaccine|covid) shot|shot of|fight (?:a|the) (?:fine|ticket|"
        r"charge|decision)|break in (?:the|my) (?:schedule|service)",
    ),
]

MEDICAL: list[Rule] = [
    (
        Level.STRONG,
        # Unconscious, no pulse.
        r"昏迷|昏过去|晕过去|昏倒|晕倒|晕到了|晕厥|不省人事|叫不醒|喊不醒|拍不醒|没(?:了)?意识|"
        r"失去(?:了)?意识|人事不省|没(?:有)?心跳|心跳(?:停|没了)|"
        r"(?:叫|喊|拍|摇|推)(?:他|她|了|也|都|半天)?[^,。!?]{0,4}?(?:没(?:有)?反应|不醒|没动静|不动)|"
        r"人没(?:有)?反应|醒不过来|翻白眼|突然(?:倒下|倒地|倒在|晕|昏|栽倒|瘫倒|不动了|抽)",
        r"手机|系统|网页|电话|消息|客服|投诉|部门|没反应过来|(?:车|电梯|电脑|网|app)没反应|"
        r"昏迷指数",
    ),
    (
        Level.STRONG,
        # Not breathing, choking, bleeding in pregnancy.
        r"(?:没|没有|不)(?:了)?呼吸|呼吸(?:停|没了|很弱)|憋得(?:脸|嘴唇)?(?:发紫|发青)|"
        r"(?:脸|嘴唇)(?:都|已经)?(?:发)?(?:紫|青)了|(?:吃|喝)[^,。!?]{0,6}?(?:卡住|噎住|呛住)(?:了)?|"
        r"(?:怀孕|孕妇|孕)[^。!?]{0,12}?(?:流血|出血|见红|剧痛)|突然(?:肚子|腹部)(?:剧痛|疼得)",
        None,
    ),
    (
        Level.WEAK,
        # Fighting for breath: as often the hyperbole of a dust or pressure complaint.
        r"(?:不能|无法)呼吸|呼吸(?:困难|不上来|急促)|喘不(?:上|过)来?气|上不来气|透不过气",
        r"压力|房贷|工作|生活|压得|累得|忙得|气得|郁闷|烦得|作业|学习|考试|债|粉尘|灰尘|扬尘|"
        r"油烟|毒气|废气|气味|臭|污染|空气|雾霾|环境|噪音|搅拌",
    ),
    (
        Level.STRONG,
        r"(?:人|他|她|老人|孩子|爸|妈|爷爷|奶奶|外公|外婆|老公|老婆)(?:好像|已经|快)?没气了",
        None,
    ),
    (
        Level.STRONG,
        # Heavy bleeding.
        r"大出血|(?:全|都)是血(?!汗)|血流不止|流血不止|止不住血|血止不住|流了(?:好|很|一|特别)?(?:多|大|一大?滩|一地)"
        r"(?:的)?血|出了(?:好|很)?多血|满(?:身|脸|头|地)(?:是|都是)?血|一地的?血|头破血流|"
        r"吐(?:了)?(?:好多|很多|一大?口|大口)血|咳血|(?:喷|涌|冒)(?:了)?血|鲜血直流",
        r"甩卖|促销|打折|优惠|商家|清仓|大甩卖|价",
    ),
    (
        Level.STRONG,
        # Stroke, heart attack, seizure, poisoning, choking, electric shock, labour.
        r"口歪眼斜|嘴歪眼斜|口眼歪斜|嘴(?:巴|角)?(?:也|都|有点|突然)?歪(?:了|掉)|"
        r"突然[^,。!?]{0,6}?(?:不会说话|不说话了)|半边(?:身子|身体|脸)(?:不能动|动不了|没知觉|"
        r"没感觉|麻了?)|一边(?:手脚|手|腿)(?:没力|不能动|动不了|发麻)|手脚不听使唤|"
        r"突然.{0,6}(?:说不出话|讲不出话|说话不清|口齿不清|说话含糊)|"
        r"全身抽(?:筋|搐|动)|浑身抽|四肢抽(?:动|搐)|牙关紧闭|"
        r"(?:中风|脑梗|脑溢血|脑出血|心梗|心肌梗塞?|心脏骤停|心脏病(?:犯|发作)|心绞痛)"
        r"(?:了|犯了|发作)|(?:犯|发)(?:了)?(?:心脏病|癫痫|羊癫疯)|抽搐|口吐白沫|抽(?:过去|羊癫疯)|"
        # An overdose needs a quantity ("吃了药" is just medicine); a poison does not.
        r"休克|过敏性休克|(?:吃|喝|吞)(?:了|下)(?:好多|很多|一整?瓶|一大?把|一大堆|一堆|一盒|半瓶|"
        r"大量)(?:的)?(?:药|药片|安眠药)|(?:吃|喝|吞|误服|误食)(?:了|下)?(?:一瓶|半瓶|一口|几口|一点|"
        r"好多|很多)?(?:的)?(?:农药|老鼠药|敌敌畏|"
        r"百草枯|84消毒液|消毒液|洗洁精|漂白剂)|中毒了|误(?:服|食|吞)|噎住|被噎|卡住(?:了)?"
        r"(?:喉咙|嗓子)|卡(?:在)?(?:喉咙|嗓子)|触电|被电(?:击|到|打)|电(?:到|击)了|"
        r"羊水破了|生在(?:车上|家里)|孩子头(?:都)?出来了|胸口(?:剧痛|疼得厉害|痛得厉害|好痛|好疼|压着疼)|"
        r"胸(?:口)?(?:剧烈)?疼(?:得)?(?:受不了|厉害)|"
        r"突然[^,。!?]{0,4}?胸(?:口)?(?:很|好|特别|剧烈)?(?:闷|疼|痛)|"
        r"胸(?:口)?[^,。!?]{0,3}?(?:闷|疼|痛)[^。!?]{0,12}?(?:大汗|冷汗|脸色(?:发白|苍白)|喘不|"
        r"呼吸困难)|"
        r"(?:烫|烧)(?:伤|得)[^,。!?]{0,4}?(?:很严重|严重|厉害|起泡)|大面积(?:烫伤|烧伤)|皮都(?:烫)?掉了",
        r"防触电|触电(?:保护|开关)|预防|康复|后遗症|气得|无语|食物中毒|吃坏",
    ),
    (
        Level.STRONG,
        # A fall from a height ("有人从脚手架上摔下来了"), and wild mushrooms or puffer
        # fish eaten with symptoms: poisoning that kills within hours.
        PERSON_ZH
        + r"[^,。!?]{0,3}?从[^,。!?]{1,10}?(?:摔|掉|跌|坠|滚|栽)(?:了)?下(?:来|去)|高空坠落|"
        r"(?:吃|误食)(?:了)?(?:野|自己采的|山上采的)?(?:蘑菇|菌子|野菌|河豚)[^。!?]{0,12}?"
        r"(?:吐|晕|抽|昏|拉|不舒服|难受|中毒|没(?:了)?意识)",
        r"东西|物品|花盆|砖|玻璃|手机|衣服|广告牌|空调|杂物|垃圾|预防|防止|保险|赔偿|怎么赔|"
        r"新闻|去年|上次",
    ),
    (
        Level.WEAK,
        # Many taken ill at once after a meal: food poisoning that may need 120.
        r"(?:全家|一家人|好几个人|好多人|几个人|大家|全班|同事们?)[^,。!?]{0,6}?"
        r"(?:上吐下泻|又吐又拉|呕吐不止|吐得厉害|都吐了)",
        r"气得|恶心人|(?:防|预防)",
    ),
    (
        Level.STRONG,
        # A call for an ambulance.
        r"(?:快|赶紧|马上|帮我|帮忙|请)(?:叫|打|拨|喊)(?:个|一辆|一下)?(?:救护车|120|急救)|"
        r"(?:叫|派|要|需要)(?:一辆|辆|个)?救护车|打了120|救护车(?:还没来|怎么还不来|快来)|"
        r"120(?:打不通|怎么还没来|还没来)",
        r"收费|费用|多少钱|贵|发票|报销|投诉",
    ),
    (
        Level.WEAK,
        r"(?:倒|躺)在(?:了)?(?:地上|地下|路上|路边|马路(?:上|中间|当中|边)?|路中间|人行道上|"
        r"卫生间|厕所|浴室|楼梯|楼道里?|草丛里|门口)[^,。!?]{0,4}?"
        r"(?:不动|起不来|没反应|不醒|了)|"
        r"(?:摔倒|跌倒|摔)(?:在地上?)?(?:了)?.{0,6}(?:起不来|不能动|动不了|爬不起来|不动了|"
        r"流血|出血|昏)|要生了|快生了|(?:快|要)不行了|不行了快|说不出话|讲不出话|吃错(?:了)?药|"
        r"食物中毒|高烧(?:不退)?.{0,4}(?:抽|昏)",
        r"气得|无语|惊讶|吓得说不出|感动|激动|手续|排队|办事|系统|网站|审批|窗口|材料|"
        r"康复|后遗症|医保|保险|住院|报销|药费|(?:防|预防)|患者|病人|医院",
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:not breathing|isn'?t breathing|stopped breathing|no longer breathing|"
        r"can'?t breathe|cannot breathe|unable to breathe|struggling to breathe|"
        r"(?<![a-z])"
        + PERSON_EN
        + r"[^.?!]{0,20}?(?:unconscious|unresponsive|passed out|"
        r"collapsed|fainted|blacked out)|won'?t wake up|"
        r"no pulse|heart attack|having a stroke|had a stroke just now|seizure|"
        r"fitting|convulsing|choking|bleeding (?:heavily|badly|a lot|everywhere|"
        r"profusely|non-?stop)|(?:won'?t|doesn'?t|can'?t) stop bleeding|lots of blood|"
        r"so much blood|blood everywhere|overdos(?:e|ed)|took (?:a lot of|too many|all "
        r"(?:my|the|his|her)) (?:pills|tablets)|swallowed (?:some |a lot of |a few |an? |"
        r"all (?:the|my|his|her) )?(?:poison|bleach|pills|tablets|medicine|"
        r"(?:button )?batter(?:y|ies)|magnets?)|(?:has |have |just )?(?:fallen|fell)"
        r"(?: down| over)?(?: and)? (?:can'?t|cannot|couldn'?t|is unable to) "
        r"(?:get up|move|stand)|"
        r"poisoned|electrocuted|face (?:is )?drooping|slurr(?:ed|ing) (?:speech|words)|"
        r"lips (?:are|turning|turned|have gone) (?:blue|purple)|turning blue|"
        r"(?:call|need|send|get) (?:an |a )?ambulance|(?:her|my) waters? (?:has |have )?"
        r"broken|water broke|in labou?r|going into labou?r)",
        r"ambulance (?:fee|bill|charge|cost|service complaint)|first aid (?:course|"
        r"training)|cpr (?:course|training)|collapsed (?:roof|building|market|economy|"
        r"company|deal)|the (?:roof|ceiling|building|system|website|market|deal|"
        r"company|wall|bridge) (?:has |just )?collapsed",
    ),
]

TRAFFIC_INJURY: list[Rule] = [
    (
        Level.STRONG,
        # Someone hit by a vehicle.
        r"被(?:一辆|一台|辆|台|那辆|这辆)?[^,。!?]{0,4}?(?:车|汽车|卡车|货车|公交车?|大巴|出租车|"
        r"电动车|电瓶车|摩托车?|助动车|自行车|渣土车|水泥车|工程车|面包车|小车|轿车|车子)"
        r"(?:给|子)?(?:撞|碾|轧|压|刮|带)"
        r"|(?:(?:撞|碾|轧)(?:倒|伤|飞|死|到|着|了)?|压(?:倒|伤|死|到|着))(?:了)?"
        + COUNT_ZH
        + r"(?:人|行人|路人|孩子|小孩|"
        r"老人|学生|骑车的|外卖员|快递员|一个人|老太太|老大爷)"
        r"|有人被(?:撞|碾|轧)|车(?:子)?(?:从|压|碾)(?:他|她|人)(?:身上|腿上)"
        r"|(?:车|车子)(?:翻|侧翻|掉)[^。!?]{0,12}?(?:人|司机|乘客)(?:都)?(?:出不来|被困|困在|卡在|爬不出)"
        r"|(?:卷|拖|压)(?:到|进|在)(?:了)?(?:车|轮)(?:子)?(?:底|下)|(?:人|骑手|他|她)(?:被)?(?:卡|压)?在车(?:底|轮)下"
        r"|把[^,。!?]{1,8}?(?:(?:撞|压|刮)(?:倒|伤|飞|死)|(?:碾|轧)(?:了|倒|伤|死|过去))",
        r"撞人(?:怎么|如何)(?:赔|处理|判)|撞到人了怎么赔|(?:撞|压)(?:了|到)?人家的?车|"
        r"把(?:车|护栏|栏杆|墙|树|杆|门|柱|牌|摊|店|灯)|狗|猫|宠物",
    ),
    (
        Level.STRONG,
        # An accident, and someone hurt, in the same breath.
        r"(?:车祸|撞车|出(?:了)?事故|交通事故|翻车|车翻了|追尾|相撞|撞了|撞上|撞到|侧翻|连环撞|"
        r"两车|三车|撞(?:在|到)?(?:树|墙|护栏|电线杆)上).{0,20}?(?:受伤|伤者|伤员|流血|出血|"
        r"血|倒地|倒在地上|躺在地上|躺在(?:马)?路上|昏迷|不动了|没反应|起不来|动不了|"
        r"卡在车里|被卡|被压|压住|骨折|重伤|伤得|人不行了|撞飞|没呼吸|有人伤|伤了|躺着不动|"
        r"一动不动|飞出去)",
        r"(?:没|没有|无)(?:人)?(?:员)?(?:受伤|伤亡)|人没事",
    ),
    (
        Level.STRONG,
        r"(?:受伤|伤者|流血|出血|倒地|躺在地上|昏迷|不动了|卡在车里).{0,10}?(?:车祸|撞车|"
        r"交通事故|被车撞)",
        None,
    ),
    (Level.BOOSTED, r"车祸|撞车|出事故|交通事故|翻车|追尾|相撞|撞人了|被撞了", None),
    (
        Level.BOOSTED,
        r"(?<![a-z])(?:car (?:accident|crash)|crash(?:ed)?)(?![a-z])",
        None,
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:(?:hit|run over|knocked (?:down|over|off)|struck|mowed down)"
        r"[^.?!]{0,20}? by (?:a |an |"
        r"the )?(?:car|truck|lorry|bus|van|taxi|motorbike|motorcycle|scooter|vehicle|"
        r"e-?bike|driver)|ran over (?:a|an|the|my|someone|somebody)|(?:hit|ran into|crashed into) (?:a|an) "
        r"(?:pedestrian|cyclist|child|kid|old)|(?:car|traffic|road|motorbike|bus) "
        r"(?:accident|crash|collision)[^.?!]{0,40}?(?:injur|hurt|bleed|blood|"
        r"unconscious|lying|trapped|not moving|can'?t move|ambulance))",
        r"insurance|claim|compensation",
    ),
]

DROWNING: list[Rule] = [
    (
        Level.STRONG,
        PERSON_ZH + r"[^,。!?]{0,6}?(?:掉|落|跌|摔|滑|栽|冲|跳)(?:进|到|下|入)?(?:了)?"
        r"[^,。!?]{0,6}?" + WATER_ZH + r"(?:里|中|里面|去|了)",
        r"手机|钥匙|钱包|东西|眼镜|帽子|鞋|球|玩具|包|卡|证|狗|猫|宠物|车|容易|可能|会|万一|担心|怕",
    ),
    (
        Level.STRONG,
        r"(?:有人|人|孩子|小孩|老人)(?:在|掉)?(?:溺水|逆水|落水)|溺水了|落水了|"
        r"在[^,。!?]{0,6}?"
        + WATER_ZH
        + r"(?:里|中)(?:扑腾|挣扎|喊救命|呼救|起不来|沉|一沉一浮|忽沉忽浮|浮浮沉沉|上下浮)|"
        r"" + WATER_ZH + r"边[^,。!?]{0,6}?(?:掉|滑|摔|落|栽)(?:下去|进去|下水|了下去)|"
        r"(?:下水|跳下去|跳水|跳河)救人|(?:人|两个人|都)没(?:有)?(?:上来|浮上来)|"
        r""
        + WATER_ZH
        + r"(?:里|中)(?:好像|还|有个)?有(?:个|一个)?(?:人|孩子|小孩|老人)|"
        r"(?:往下|一直|慢慢)沉|被困(?:在)?(?:水|河|江|湖|海|池|塘)(?:里|中)|"
        + WATER_ZH
        + r"里有(?:个)?人(?:在)?(?:挣扎|扑腾|喊|呼救|漂)?|把(?:一个|个)?(?:人|孩子|小孩|老人)冲走|"
        r"(?:人|孩子|小孩|老人)被(?:水|河水|洪水|浪|大水)?冲走|沉下去了|"
        + WATER_ZH
        + r"(?:里|中|面上?)(?:漂|浮)着?(?:一个|个|具)?(?:人|孩子|小孩|老人)|"
        r"(?:有人|人|孩子|小孩)(?:漂|浮)在"
        + WATER_ZH
        + r"|淹(?:着|到)(?:了)?(?:人|孩子)|"
        r"(?:有人|人)(?:跳(?:河|江|湖|海|水)了)|(?:河|江|湖|水)里有(?:个)?人|"
        # Playing by the water, then fallen in: "小孩在河边玩，掉下去了".
        r"(?:人|孩子|小孩|小朋友|老人)[^。!?]{0,4}?(?:河|江|湖|池塘|水塘|水池|泳池|水库|海|浜)边"
        r"[^。!?]{0,10}?(?:掉|落|跌|摔|滑|栽)(?:了)?(?:下去|进去|到水里|进水里)",
        r"防溺水|预防|落水管|落水口",
    ),
    (
        Level.WEAK,
        # Into the water, or carried off by it, with no one named: not a phone or a car.
        r"(?:跳|掉|落|摔|滑|栽)(?:进|入|到|下)(?:了)?[^,。!?]{0,6}?"
        + WATER_ZH
        + r"(?:里|中|去|了)?|被(?:水|河水|江水|洪水|浪|大水|急流)?冲走",
        r"手机|钥匙|钱包|东西|眼镜|帽子|鞋|球|玩具|包|卡|证|狗|猫|宠物|车|垃圾|树|船|货|游泳馆|"
        r"泳池开放|跳水(?:比赛|培训|队)|下水道|雨水",
    ),
    (
        Level.WEAK,
        r"溺水|落水(?!管|口|槽|斗)|淹死",
        r"防溺水|溺水(?:事故|预防|安全|教育|宣传)|落水管",
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:drowning(?! in (?:paperwork|debt|work|bills|forms|emails|"
        r"documents|bureaucracy))|(?:掉|落|跳)(?:进|到|入)?\s?(?:the )?(?:river|lake|water|pool|sea|"
        r"canal|pond)|(?:fell|fallen|jumped|slipped|is|went) (?:in|into) "
        r"(?:the |a )?(?:river|lake|water|pool|sea|canal|pond|creek|huangpu)|"
        r"in the water and (?:can'?t|cannot|is not|isn'?t)|can'?t swim|swept away|"
        r"(?:struggling|flailing|screaming|shouting for help|going under) in the (?:water|river|"
        r"sea|lake|pool|canal)|"
        r"went under|(?:someone|somebody|a (?:man|woman|child|kid|person)) in the "
        r"(?:river|water|lake|canal))",
        r"swimming (?:pool|lesson|class)|lifeguard (?:job|course)",
    ),
]

PERSON_IN_DANGER: list[Rule] = [
    (
        Level.STRONG,
        # Someone else heard crying for help ("听到有人喊救命", "外面有人呼救"): a report
        # of a person in danger, not the citizen's exasperation, even amid a complaint
        # about the noise ("楼上吵架砸东西，听到有人喊救命").
        r"(?:喊|叫|大喊|大叫|呼喊|哭喊|尖叫|哭叫|嚎)(?:着|了)?[^,。!?]{0,3}?救命|(?<!的)呼救(?!信号|电话|装置|按钮|器|铃)"
        r"|求救声",
        r"电话|热线|12345|信号|手势|演习|演练|训练|培训|课|怎么|如何|游戏|电视|电影|视频|小说",
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:(?:screaming|shouting|yelling|crying|calling|crying out|begging|"
        r"screams|shouts|cries|yells|calls) (?:out )?for help|(?:screaming|shouting|yelling|"
        r"screams|shouts|yells) [\"'“]?help(?![a-z]))",
        r"(?<![a-z])(?:with|about|regarding|how|what|game|film|movie|tv|show)(?![a-z])",
    ),
    (
        Level.STRONG,
        # Locked or trapped in a car, a lift, a fire, under rubble.
        PERSON_ZH
        + r".{0,6}?(?:锁|关|困|闷)(?:在|到)?(?:了)?(?:车|车子|汽车|轿车)(?:里|内|上)|"
        r"(?:被)?困(?:在)?(?:了)?(?:火场|楼顶|井|山上|车里)|"
        r"(?:火里|车里|井里)(?:被)?困(?:住)?(?:了)?(?:人|我|孩子|老人)|"
        r"被(?:压|埋)(?:在)?.{0,8}?(?:下面|底下|里面|废墟)|塌.{0,10}?(?:有人|人)(?:被)?(?:压|埋|困)|"
        r"卡在(?:栏杆|护栏|窗户|井)",
        r"困扰|困难|困惑|困意|困了想睡|犯困|钥匙|手机|东西|钱包|证件|狗|猫|宠物",
    ),
    (
        Level.STRONG,
        # A child or an old person on a ledge, or lost.
        r"(?:孩子|小孩|小朋友|宝宝|儿子|女儿|老人|奶奶|爷爷|外婆|外公|老太太|老爷爷).{0,6}?"
        r"(?:爬|站|坐|挂|趴|悬|吊|翻)(?:到|在|上|出)?(?:了)?.{0,3}?(?:窗台|窗户外|窗外|阳台(?:外|栏杆)?|"
        r"护栏外|栏杆外|栏杆上|楼顶|屋顶|天台|空调外?机|外墙|高处)|"
        r"(?:孩子|小孩|小朋友|宝宝|儿子|女儿|老人|奶奶|爷爷|外婆|外公|老太太|老爷爷|老爸|老妈|"
        r"爸爸?|妈妈?|老年痴呆的?.{0,4})(?:突然|刚才|刚刚|一下子|一转眼|在.{1,8}?)?(?:走失|走丢|"
        r"不见了|找不到了|丢了|跑丢了|没回来|走散了|迷路了)|"
        r"(?:孩子|小孩|小朋友|宝宝|儿子|女儿|老人|奶奶|爷爷|外婆|外公|老太太|老爷爷|老爸|老妈|"
        r"爸爸?|妈妈?)[^,。!?]{0,12}?(?:走失|走丢|跑丢|走散)|"
        r"(?:孩子|小孩|宝宝|老人|奶奶|爷爷|老太太)(?:把自己)?(?:被)?反锁在|"
        r"(?:孩子|小孩|小朋友|老人|老太太|老大爷|老爷爷|老奶奶|老伯|阿婆)[^,。!?]{0,4}?在"
        r"[^,。!?]{0,4}?(?:马路|高架|快速路|高速|铁轨|轨道|车道|匝道|隧道)[^,。!?]{0,3}?"
        r"(?:中间|上|里)(?:乱跑|乱走|走|跑|玩|坐|躺|徘徊|转)|"
        r"(?:孩子|小孩|小朋友|老人|老太太|老大爷|老爷爷|老奶奶|老伯|阿婆)[^,。!?]{0,4}?"
        r"(?:坐|躺|站|走|跑|玩)(?:在)?[^,。!?]{0,4}?(?:马路|高架|快速路|高速|铁轨|轨道|车道|匝道|"
        r"隧道)(?:中间|上|里)",
        r"户口|证|本|卡|文件|材料|信息登记|登记|寻人启事|钱包|手机|东西|包|钥匙|狗|猫|"
        r"防走失|手环|定位器",
    ),
    (
        Level.STRONG,
        # Someone with dementia who cannot be found.
        r"(?:痴呆|阿尔茨海默|认知障碍|失智)[^。!?]{0,30}?(?:走丢|走失|找不到|找不着|没找到|没回来|"
        r"不见了|联系不上|没消息)|"
        r"(?:走丢|走失|找不到|找不着|没找到|没回来|不见了|联系不上|没消息)[^。!?]{0,30}?"
        r"(?:痴呆|阿尔茨海默|认知障碍|失智)",
        r"手环|定位器|登记|日托|养老院|护理",
    ),
    (
        Level.WEAK,
        r"电梯困人|困在电梯|电梯里困|(?:被)?困在(?:了)?电梯|被困|走失|走丢了|"
        r"电梯(?:卡|停|困|坏|掉)[^。!?]{0,12}?(?:里面|里头|里)(?:还)?(?:有|关着|困着)(?:个|一个|人)|"
        r"(?:孩子|小孩|女儿|儿子|老人|爸|妈|奶奶|爷爷)[^,。!?]{0,10}?(?:还没回来|没回家|联系不上|"
        r"找不到人)",
        r"困扰|困难|困惑|被困住了(?:思路|手脚)",
    ),
    (
        Level.CRY,
        # A cry for help that names no danger: 110 will find out what it is. Not when the
        # help wanted is with a form ("救命，这个表怎么填"), nor a petition's plea
        # ("救救我们", "请救命", "救命钱").
        r"(?<![请钱])救命(?![路钱药稻草恩])|救救我(?!们)|快来人|来人啊|来人呀",
        EXASPERATION + r"|怎么|如何|哪里|什么|吗|\?",
    ),
    (
        Level.CRY,
        r"(?<![a-z])(?:(?:please )?help(?: me)?(?: please)?(?:!|$)|sos(?![a-z])|"
        r"(?:somebody|someone) help)",
        EXASPERATION
        + r"|怎么|如何|哪里|什么|吗|\?|(?<![a-z])(?:how|what|where|which)(?![a-z])",
    ),
    (
        Level.STRONG,
        # An old person alone who does not answer: a welfare check.
        r"(?:独居|孤寡|空巢|一个人住的)?老人.{0,12}?(?:敲门|打电话|叫门|喊)[^,。!?]{0,6}?"
        r"(?:没(?:人)?(?:应|开门|接|反应|动静)|不(?:应|开门|接))",
        None,
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:(?:locked|trapped|stuck|left) in (?:a |the |my |his |her |our )?"
        r"(?:hot )?(?:car|lift|elevator|burning)|(?:child|kid|baby|toddler|boy|girl|"
        r"son|daughter)[^.?!]{0,20}?(?:on|climbing|hanging|standing|sitting|dangling)"
        r"(?: (?:on|from|off|over|out of))? (?:the |a |an )?(?:\w+ )?(?:window ?sill|window|"
        r"ledge|balcony|railing|roof|edge)|"
        r"(?:child|kid|son|daughter|grandma|grandpa|grandmother|grandfather|mother|"
        r"father|mum|mom|dad|old (?:man|woman|lady)|elderly \w+)[^.?!]{0,20}?(?:is |has )?"
        r"(?:missing|lost|gone missing|wandered off|disappeared)|trapped (?:under|in)"
        r"|buried under|(?:child|kid|toddler|boy|girl|old (?:man|woman|lady)|elderly \w+)"
        r"[^.?!]{0,30}?(?:wandering|walking|running|playing|sitting|lying) (?:on|in|along|"
        r"across) (?:the |a )?(?:highway|motorway|road|expressway|tracks|railway|elevated)"
        r"|(?:dementia|alzheimer'?s)[^.?!]{0,40}?(?:missing|lost|wandered|wandering|"
        r"can'?t find|disappeared)|(?:has been|went|gone) missing)",
        r"lost (?:my|the|his|her) (?:id|card|passport|wallet|phone|keys|document)",
    ),
]

_NOT_A_PERSON = (
    r"跳楼价|跳楼甩卖|跳楼大甩卖|跳楼(?:清仓|促销|打折)|清仓|自杀式|撑不下去的(?:店|企业|公司)|"
    r"(?:店|生意|公司|企业|工厂|厂|单位|行业|商户|餐饮|饭店)[^,。!?]{0,4}(?:撑不下去|活不下去)|"
    # Hyperbole about something that torments: "吵得人想死", "让人想死".
    r"(?:让人|令人|吵得|烦得|热得|气得|累得|逼得|急得|折磨得|搞得|弄得)[^,。!?]{0,3}(?:想死|不想活)|"
    # Someone else's words about the citizen: "他说我想死" (a threat, not a wish).
    r"(?:说|骂|问)我(?:是不是)?想死|"
    # "排队排到想死", "热得想死": an intensifier — unless what follows it is grief.
    r"(?<!难过|痛苦|绝望|伤心|难受|委屈|孤独|寂寞)(?:到|得)(?:我|人)?(?:都)?(?:快)?(?:想死|不想活)|"
    r"(?:自杀|跳楼|跳水|断崖)式"
)
# In a letter, self-harm talk counts when the writer speaks of themself.
FIRST_PERSON = r"我|(?<![a-z])(?:i|i'm|i've|me|my|myself)(?![a-z])"

SELF_HARM: list[Rule] = [
    (
        Level.IDEATION,
        # Wishing to die, in the citizen's own words.
        r"不想(?:再)?活(?!在)|活不下去|自我了断|自行了断|了断自己|结束自己|"
        r"别劝我|不要劝我|别拦(?:着)?我|永别了|来世再见|下辈子再见|"
        r"我(?:已经|现在)?(?:站)?在(?:了)?(?:楼顶|天台|桥上|窗台|阳台外|桥栏)(?:上)?了|活够了|活腻了|活着(?:真|太|还有什么|有什么|没|没有)?(?:没|没有)?(?:意思|意义|劲|"
        r"盼头|用)|活着[^,。!?]{0,6}?(?:没(?:有)?|没啥|没什么)(?:意思|意义|劲|盼头)|"
        r"活着[^,。!?]{0,4}?(?:意思|意义)(?:都|也)?没(?:有)?|不想(?:再)?醒(?:来|过来)|"
        r"死了(?:反而|倒|就|也许|才)?(?:轻松|解脱|好了|清净)|"
        r"(?:想|要|准备|打算|决定)[^,。!?]{0,6}?(?:去)?(?:跳[^,。!?]{0,4}?(?:江|河|湖|海|桥|楼|崖)|"
        r"自杀|轻生|上吊|割腕|烧炭|寻死)|永远睡(?:过去|着)|一睡不醒|再也不(?:要)?醒|"
        r"攒(?:够|了|好)?(?:了)?[^,。!?]{0,4}?(?:安眠药|药片)|(?:安眠药|药片)(?:已经)?攒(?:够|好)|"
        r"(?:我是|自己是|我就是|我只是)(?:个|一个)?(?:累赘|负担|多余的人)|"
        r"(?:没有我|我不在了|我走了|我死了)[^,。!?]{0,6}?(?:会更好|就好了|更好|更轻松)|(?<!不)想死(?!你|我|他|她|人|的心|了你|大家|宝宝)|(?:想|要)去死|"
        r"(?:想|要|准备|打算|决定|计划)(?:去)?(?:自杀|轻生|寻死|结束(?:自己的?|这)?(?:生命|一切)|"
        r"了结自己|了断|跳楼|跳河|跳江|跳桥|跳下去|上吊|割腕|烧炭|吃安眠药|喝农药|(?:一)?死了之)|"
        r"(?:想|要|准备|打算)(?:从)?.{0,10}?跳下去|"
        r"(?:活着|生活)(?:太|好|真)?(?:累|痛苦)(?:了)?.{0,4}?(?:不想|想死|撑不)|"
        r"结束(?:自己的?|我的)?生命|(?:自杀|轻生)的?(?:念头|想法)|一了百了|"
        r"解脱了?算了|告别(?:这个世界|人世)|跳搂|割碗|自刹",
        _NOT_A_PERSON,
    ),
    (
        Level.IDEATION,
        # Acting on it: a note, a cut, an overdose, in the citizen's own words.
        r"(?:写|留)(?:好|了|下)?(?:了)?(?:一封)?(?:遗书|遗言)|我(?:又|在|刚|已经)?(?:自残|自伤|"
        r"割(?:了)?(?:腕|手腕|自己)|划(?:了)?(?:手腕|自己))|"
        r"我(?:已经|刚|刚刚)?(?:吃|喝|吞)了.{0,4}?(?:一整?瓶|一大?把|一大堆|一盒|半瓶|好多|很多|"
        r"大量)(?:的)?(?:安眠药|药)|我(?:已经|刚|刚刚)?(?:吃|喝|吞)了.{0,4}?(?:农药|老鼠药|"
        r"敌敌畏|百草枯)|站在(?:楼顶|天台|桥上|窗台|江边|阳台外).{0,8}?(?:跳|不想|死)",
        r"遗书(?:公证|继承|效力)|遗言(?:公证)|自伤(?:鉴定)|预防|防止",
    ),
    (
        Level.STRONG,
        # A cut with a blade, whoever made it: a report of self-harm now.
        r"(?:割|划)(?:了|破|开)?(?:几道|一刀|几刀|好几刀)?(?:自己的?)?(?:手腕|腕|手臂|胳膊|大腿|血管|动脉)",
        r"预防|防止",
    ),
    (
        Level.STRONG,
        # Someone else about to take their life: subject to news, the past and paperwork.
        r"(?:有人|他|她|孩子|儿子|女儿|朋友|同事|同学|老公|老婆|邻居|室友|爸|妈)(?:说)?(?:要|想|在)?"
        r"(?:去)?(?:跳楼|自杀|轻生|寻短见)|"
        # Someone at the edge of a height who looks about to jump.
        r"(?:天台|楼顶|屋顶|顶楼|窗台|窗外|阳台外|护栏外|桥上|桥边|江边|楼边)[^。!?]{0,12}?"
        r"(?:要跳|想跳|准备跳|往下跳|跳下去)",
        _NOT_A_PERSON,
    ),
    (
        Level.WEAK,
        r"自杀|轻生|跳楼|寻短见|想不开|自残|割腕|遗书|发了遗言",
        _NOT_A_PERSON
        + r"|预防自杀|自杀干预|防自杀|电影|小说|新闻|游戏|导致|致使|逼死|害得|"
        r"逼得|遗书(?:公证|继承|效力)",
    ),
    (
        Level.IDIOM,
        r"想死的心都有|想死的心|真想死|想死算了|死了算了|不如死了|(?<!得)我(?:快)?要死了|"
        r"我去死算了|(?<![店厂司])撑不下去了?|生不如死",
        _NOT_A_PERSON,
    ),
    (
        Level.IDEATION,
        r"(?<![a-z])(?:kill(?:ing)? myself|end(?:ing)? (?:my|it) (?:life|all)|end it all|"
        r"take my (?:own )?life|(?:want|wanna|going|plan|planning) to die|"
        r"don'?t want to (?:live|be alive|wake up)|no reason to (?:live|go on)|"
        r"better off dead|suicidal|commit(?:ting)? suicide|(?:hurt|cut|cutting|harm|"
        r"harming) myself|self[- ]harm|can'?t go on|hang myself|jump off (?:the|a|this) "
        r"(?:bridge|roof|building|balcony)|not worth living|suicide note|"
        r"wish i (?:was|were) dead|want it (?:all )?to (?:end|stop)|"
        r"(?:no|(?:don'?t|can'?t|do not|cannot) (?:see|find|have) (?:a|any)) (?:reason|point) "
        r"(?:to|in) (?:keep )?(?:living|live|go on|going on|being "
        r"alive)|nothing (?:left )?to live for|"
        r"(?:everyone|they|my family) (?:would be|is|are) better off without me|"
        r"i'?m (?:just )?a burden|"
        r"(?:want|going|about|ready) to jump(?! (?:the|a) (?:queue|line))(?: off)?|"
        r"i(?:'ve| have)? (?:just )?(?:took|taken|swallowed) (?:all|a lot|too many|a whole|"
        r"the whole))",
        r"suicide (?:squad|prevention|hotline number)|killing myself (?:laughing)",
    ),
    (
        Level.STRONG,
        r"(?<![a-z])(?:he|she|my \w+|someone|somebody|a friend)[^.?!]{0,12}?(?:wants|is going|"
        r"is about|threatens?|threatening|says (?:he|she) (?:wants|will)) to (?:kill "
        r"(?:him|her|them)self|jump|end (?:his|her|their) life)",
        None,
    ),
    (
        Level.WEAK,
        r"(?<![a-z])suicid(?:e|al)(?![a-z])",
        r"suicide (?:squad|prevention (?:training|course|week|day))|suicide bomb",
    ),
    (
        Level.IDIOM,
        r"(?<![a-z])(?:kill me now|i could die|i'?m dying here|(?:this|it)'?s killing me)",
        None,
    ),
]

RULES: dict[Kind, list[Rule]] = {
    Kind.FIRE: FIRE,
    Kind.GAS_LEAK: GAS_LEAK,
    Kind.VIOLENCE: VIOLENCE,
    Kind.MEDICAL: MEDICAL,
    Kind.TRAFFIC_INJURY: TRAFFIC_INJURY,
    Kind.DROWNING: DROWNING,
    Kind.PERSON_IN_DANGER: PERSON_IN_DANGER,
    Kind.SELF_HARM: SELF_HARM,
}

# -- Contexts ----------------------------------------------------------------------

# A cry for help: overrides complaint framing, habit and paperwork, never negation.
# ("紧急" and "urgent" are not: complaint letters are "紧急举报" too.)
BOOSTER = (
    r"救命|救救|快来人|来人啊|来人呀|快来|快救|快派|赶紧来|赶快来|快点来|快叫|快报警|快打|"
    r"帮帮我|求求你|求救|(?<![a-z])(?:help|sos|hurry)(?![a-z])"
)
# Said right before the words: "没有着火", "防止溺水", "打不着火", "会爆炸". Negative
# symptoms ("没呼吸", "not breathing") are triggers themselves and start the match.
NEGATION_BEFORE = (
    r"(?:没有|不是|并非|并没有?|不会|不要|别让|防止|避免|预防|以防|以免|严禁|禁止|杜绝|"
    r"谨防|小心|差点|差一点|险些|几乎|都快|快要|怕|害怕|担心|担忧|恐怕会?|万一|会不会|"
    r"是不是要|极易|容易|易于)(?:.{0,2})$"
    r"|(?:没|未|无|防|别|非|不|反|快|会|易)$"
    r"|(?<![a-z])(?:no|not|isn'?t|wasn'?t|aren'?t|weren'?t|don'?t|didn'?t|doesn'?t|never|"
    r"without|prevent|avoid|almost|nearly|in case of|no sign of|worried about|"
    r"afraid of)(?:\W+\w+){0,2}\W*$"
)
# What follows the words and makes them a topic, a condition or a consequence:
# "着火的时候", "溺水的话", "起火事件", "打人的问题", "起火后", "火灾会造成…".
NEGATION_AFTER = (
    r"^\S{0,2}(?:的话|的时候|时候|时怎么|时应该|时要|时该|怎么预防|如何预防|原因|怎么理赔|保险)"
    r"|^(?:的)?(?:事件|事故|案例|案件|案子|问题|现象|新闻|报道|视频|隐患|风险|危险|可能性?|"
    r"情况下|后|之后|以后)"
    r"|^[^,。!?]{0,8}?(?:将会|就会|会造成|会导致|会引起|会引发|后果不堪设想|谁负责|谁来负责)"
)
# A condition or a worry about the future, anywhere earlier in the sentence.
HYPOTHETICAL = (
    r"如果|假如|假设|万一|要是|若是|倘若|一旦|以防|防范|防止|预防|避免|以免|担心|害怕|"
    r"容易|极易|可能会|会不会|会引发|会导致|会造成|存在|隐患|风险|要等|等到|难道要|"
    r"应急预案|演练|演习|怎么预防|如何预防|怎样预防|"
    r"(?<![a-z])(?:if|in case|what if|suppose|supposing|prevent|avoid|risk of|"
    r"worried|afraid|could cause|might cause|would)(?![a-z])"
)
# A hazard complaint: the danger has not happened, the citizen wants it prevented.
HAZARD = (
    r"隐患|风险|后果不堪设想|不堪设想|消防通道|消防设施|消防安全|安全问题|"
    r"(?<![a-z])(?:hazard|fire risk|safety risk)(?![a-z])"
)
# Something that happened before, not now (unless PRESENT says it is happening now).
PAST = (
    r"上次|上回|那次|去年|前年|上个月|上月|上周|上星期|上礼拜|前几天|前几日|前些天|前些日子|"
    r"前段时间|前阵子|日前|以前|之前|曾经|当时|当年|小时候|年前|个月前|天前|周前|星期前|昨天|"
    r"昨晚|前天|那年|那天|早些年|(?<![晕昏冲跑走死倒背抽扑跳睡])过去|发生过|出过|有过|经历过|"
    r"遇到过|\d{2,4}年\d{0,2}月?|\d{1,2}月\d{1,2}[日号]|"
    r"(?<![a-z])(?:last (?:year|month|week|night|time|summer|winter|spring|autumn)|"
    r"yesterday|(?:days|weeks|months|years|a week|a month|a year) ago|used to|back in|"
    r"previously|in 20\d\d|earlier this (?:year|month))"
    r"(?![a-z])"
)
PRESENT = (
    r"现在|正在|还在|此刻|马上|刚才|刚刚|刚|眼下|目前还|这会儿|今天|今晚|今早|"
    r"(?<![a-z])(?:now|right now|currently|still|at the moment)(?![a-z])"
)
# The danger is over: put out, rescued, in hospital, fine now.
RESOLVED = (
    r"扑灭|灭了火|火(?:已经?)?灭了|熄灭了|救(?:了)?(?:出来|上来)|抢救过来|脱离(?:了)?危险|"
    r"已经?(?:被)?(?:救活|救回来|送(?:到|去|往)?(?:了)?医院|没事了|出院|处理(?:好|完)了|找到了|"
    r"找回来了)|"
    r"(?<![a-z])(?:was|were|has been|have been|got) (?:put out|extinguished|rescued|"
    r"discharged|found)(?![a-z])|(?:is|are) (?:fine|ok|okay|safe) now"
)
# After the event: treatment, disability, death, a medical dispute.
AFTERMATH = (
    r"住院|出院|疗伤|治疗|康复|伤残|工伤|重症监护|icu|病房|监护室|抢救室|医院(?:里)?(?:正在)?抢救|"
    r"抢救无效|去世|身亡|"
    r"医疗事故|医疗纠纷|手术|患者"
)
# Stories, news, drills, lessons: the words are about something else.
FICTION = (
    r"新闻|报道|报导|听说|据说|电视剧|电视上|电影|小说|游戏|剧里|剧情|视频里|短视频|抖音|"
    r"微博|朋友圈|梦见|梦到|做梦|演习|演练|模拟|培训|讲座|宣传|科普|知识|课上|教材|考试|"
    r"(?<![a-z])(?:news|movie|film|tv show|series|video game|game|novel|dream|drill|"
    r"training|course|lecture|article|textbook|exam)(?![a-z])"
)
# A letter to officials: narrates and petitions; a call for help does not open so.
LETTER = r"尊敬的|各位领导|领导(?:[:,!]|您好|你好)|(?:书记|市长|省长|厅长|局长)(?:[:,!]|您好|你好)"
# A message this long is a letter or a report, not a cry for help.
LETTER_LENGTH = 150
# Paperwork: a citizen in danger does not ask about insurance or fees in the same breath.
PAPERWORK = (
    r"赔偿|理赔|赔付|赔钱|怎么赔|保险|报销|补贴|补助|补偿|抚恤|救助金|慰问金|申请|办理|"
    r"收费|费用|缴费|交费|多少钱|退费|退票|发票|认定|鉴定|证明|材料|审批|许可|资质|备案|验收|"
    r"年检|检测|证书|执照|罚款|罚单|扣分|起诉|诉讼|律师|法院|判决|立案|政策|规定|条例|"
    r"流程|手续|预约|挂号|医保|社保|公积金|户口|办证|离婚|取证|证据|定损|津贴|登记|寻人启事|"
    r"医疗费|医药费|治疗费|垫付|拘留|判刑|查询|"
    r"(?<![a-z])(?:insurance|claim|compensation|refund|fee|fees|bill|invoice|"
    r"certificate|inspection|permit|licen[cs]e|apply|application|ticket|"
    r"policy|regulation|procedure|reimburse\w*|lawyer|court|sue|cost|costs|price|"
    r"how much)(?![a-z])"
)
# A complaint or a request to the government, not a call for help.
COMPLAINT = (
    r"投诉|举报|反映|反应一下|不管|没人管|管一管|管管|处理一下|整改|整治|查处|查一下|严查|彻查|"
    r"敢查|监管|执法|不作为|希望|建议|要求|请求|恳请|呼吁|督促|相关部门|有关部门|政府|城管|"
    r"物业|业主|开发商|居委|为什么|凭什么|隐患|严重影响|扰民|影响(?:生活|休息|出行|睡眠)|违规|"
    r"违法|违章|私自|推诿|推责|不闻不问|公道|维权|蒙冤|冤枉|开除|辞退|叫嚣|"
    r"(?<![a-z])(?:complain\w*|report(?:ed)? (?:it|this) to|property management|"
    r"council|why)(?![a-z])"
)
# Habit: the complaint of something that keeps happening ("孩子老是爬窗台").
HABIT = (
    r"每天|天天|每晚|每到|经常|常常|时常|总是|老是|长期|长年|一直都|每次|多次|屡次|反复|好几次|"
    r"几次|频繁|频发|每周|每个月|整天|成天|隔三差五|"
    r"(?<![a-z])(?:every (?:day|night|week)|always|often|constantly|keeps)(?![a-z])"
)
# Duration: something that has gone on for days is rarely an emergency reported now
# (an old person unseen for days is the exception, and a rule of its own).
DURATION = (
    r"好几天|好几个月|好多年|几天了|几个月了|半年|多年|一年多|"
    r"(?<![a-z])for (?:days|weeks|months|years)(?![a-z])"
)
# Asking how things are done: "溺水怎么急救", "家暴怎么取证".
PROCEDURE = (
    r"(?:怎么|如何|怎样|咋|该怎么|应该怎么)(?:急救|处理|预防|防止|逃生|自救|应对|处置|申请|赔|"
    r"投诉|认定|判|处罚|办理|报销|取证|起诉|离婚|报案|救援|施救)|(?:会|要)(?:判|坐牢)|"
    r"(?:算不算|属不属于|是否属于|能不能|可不可以|是否可以|允许)|"
    r"(?<![a-z])(?:how (?:do|can|to|should)|what (?:is|are) the|can i|is it legal|is there|"
    r"are there|where can|do you have)(?![a-z])"
)
# Self-harm that is acting now, or about to: the reply leads with 120 and 110.
IMMINENT = (
    r"割腕|割了|划了|吃了.{0,6}?(?:药|安眠药|农药)|喝了.{0,4}?(?:农药|药|敌敌畏|百草枯)|"
    r"跳下去|楼顶|天台|窗台|桥上|江边|河边|上吊|绳子|烧炭|煤气|刀|血|站在|遗书|遗言|别劝|"
    r"别拦|永别|"
    r"马上就|现在就|今晚就|"
    r"(?<![a-z])(?:took|swallowed|overdos\w*|roof|bridge|ledge|rope|right now|tonight|"
    r"pills|knife|blade|bleeding|jump)(?![a-z])"
)

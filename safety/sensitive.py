"""Whether a message asks the assistant about politics, religion or ethnicity.

A government hotline's assistant takes no side and gives no opinion on such questions,
and a wrong guess is costly either way: "你对台湾问题怎么看" must not get the 往来台湾通行证
guide, and "宗教活动场所怎么登记" or "党组织关系怎么转" are ordinary business. So rules,
not the model, decide, and they ask for two things together: a sensitive subject and a
request for a view or a verdict (怎么看, 你觉得, 支持…吗, what do you think…). Subjects that
are never ordinary business (六四, 钓鱼岛, 游行, Tiananmen) need no such request.

Only short messages are read: a letter to officials that names the Party committee or a
village election is a complaint, and must reach a department.

The reply is neutral and short and offers a person: the citizen may have a real request
behind the question, which an agent can take down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from knowledge_base.search.text import normalise

MAX_QUESTION_CHARS = 60
MAX_QUESTION_CHARS_EN = 200
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

# Subjects that make a short message a sensitive question whatever it asks.
ALWAYS_ZH = (
    r"六四|八九民运|天安门广场.{0,8}发生|天安门事件|法轮|全能神|台独|藏独|疆独|港独|一党专政|多党"
    r"|钓鱼岛|南海仲裁|国安法|南京大屠杀|文化大革命|文革|大跃进|游行|示威|静坐|抵制日货"
    r"|家庭教会|地下教会|职业技能教育培训中心|再教育营|集中营|颠覆|反共|连任"
    r"|(?:习近平|毛主席|毛泽东|邓小平|江泽民|胡锦涛)(?!故居|纪念|铜像|像|广场|路|诞辰)|达赖"
    r"|台湾.{0,8}国家|台湾大选|西藏.{0,8}独立"
    r"|新疆.{0,8}(?:集中|人权)|中印边境|俄乌|乌克兰战争|实验室泄露|乌鲁木齐中路"
    r"|中美贸易战|香港.{0,10}(?:示威|抗议|暴乱|运动)|共产党员吗|是不是共产党员|是党员吗"
    r"|共产党好|国民党"
)
# Subjects that are ordinary business too (少数民族学生中考加分的政策在哪查, 业委会选举):
# sensitive only when the message asks for a view or a verdict.
SUBJECTS_ZH = (
    r"共产党|党中央|政权|政治|体制|民主|人权|言论自由|选举|投票|人大代表|市委书记"
    r"|国家主席|总书记|总理|总统|领导人|宗教|信佛|信基督|基督|佛教|伊斯兰|信教|少数民族"
    r"|民族政策|封城|新冠|疫情|日本|美国|台湾|香港|西藏|新疆|战争|中美|巴以"
)
VIEWS_ZH = (
    r"怎么看|如何看|怎样看|看法|观点|立场|态度|评价|你觉得|你认为|你支持|你反对|支持不支持"
    r"|你喜欢|喜欢.{0,6}吗|讨厌|好还是|好不好|对不对|是对是错|对还是错|谁的错|谁的责任|谁对"
    r"|谁错|谁会赢|合不合法|合法吗|公平吗|公不公平|算不算|是哪国|属于哪|真的是|是真的吗|真相"
    r"|怎么回事|为什么不|凭什么|应不应该|该不该|干得怎么样|做得怎么样|你信|你是不是|直接投票"
    r"|直接选|站哪|哪一边|有没有错|哪个.{0,4}(?:对|好)"
)
ALWAYS_EN = (
    r"tiananmen|falun|uyghur|uighur|xinjiang camps?|re-?education camps?|independence"
    r"|diaoyu|senkaku|communist party|\bccp\b|one-party|democracy|protests?\b|demonstrations?"
    r"|human rights|xi jinping|mao zedong|presidential election|national security law"
    r"|dalai lama|overthrow"
)
SUBJECTS_EN = (
    r"taiwan|tibet|xinjiang|hong kong|religion|religious|god\b|election|president|premier"
    r"|leaders?\b|war\b|ukraine|israel|palestin\w*|politics|political|censorship"
    r"|free speech|government"
)
VIEWS_EN = (
    r"what do you think|what's your (?:view|opinion|take)|what is your (?:view|opinion)"
    r"|your (?:view|opinion|stance|position)|do you (?:support|agree|like|believe|think)"
    r"|is it (?:right|wrong|true|good|bad)|are you (?:for|against)|which side|who is right"
    r"|who (?:should|will) win|is .{1,30} a country|part of china|are the reports"
    r"|is that true|how do you feel|controlled by"
)


@dataclass(frozen=True)
class SensitiveQuestion:
    """What in the message made it a sensitive question, as found in the normalised text."""

    evidence: str


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(pattern)
        for pattern in (
            SUBJECTS_ZH,
            VIEWS_ZH,
            ALWAYS_ZH,
            SUBJECTS_EN,
            VIEWS_EN,
            ALWAYS_EN,
        )
    )


def sensitive_question(text: str) -> SensitiveQuestion | None:
    """The sensitive question a message asks, if it asks one."""
    normalised = normalise(text)
    subject_zh, view_zh, always_zh, subject_en, view_en, always_en = _patterns()
    limit = MAX_QUESTION_CHARS if _CJK.search(normalised) else MAX_QUESTION_CHARS_EN
    if len(normalised) > limit:
        return None
    for always in (always_zh, always_en):
        found = always.search(normalised)
        if found:
            return SensitiveQuestion(found.group())
    for subject, view in ((subject_zh, view_zh), (subject_en, view_en)):
        about = subject.search(normalised)
        if about and view.search(normalised):
            return SensitiveQuestion(about.group())
    return None


def sensitive_reply(lang: str = "zh") -> str:
    """Neutral, brief, and pointing to what the hotline can do."""
    if lang == "en":
        return (
            "I am the 12345 hotline's service assistant: I answer questions about "
            "government services and take down requests and complaints, and I do not "
            "give views on political, religious or ethnic questions. If there is a "
            "concrete matter you would like the hotline to handle, please tell me, or "
            "talk to a hotline agent."
        )
    return (
        "您好，我是12345热线的政务服务助手，主要为您解答办事咨询、受理诉求，"
        "不对政治、宗教、民族等话题发表看法。如果您有具体的诉求或建议需要反映，"
        "请直接告诉我，也可以转人工，由热线工作人员为您记录办理。"
    )

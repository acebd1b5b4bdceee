"""Emergency triage: the labelled file, the messages quoted in issue 24, the replies.

Run with ``-s`` for the confusion summary of the labelled file, the first-run figures of
each fresh round (the honest estimate for unseen messages) and the time per message.
"""

from __future__ import annotations

import ast
import re
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from safety import (
    Emergency,
    Kind,
    compile_patterns,
    emergency_lines,
    emergency_reply,
    numbers_for,
    triage,
)
from safety import patterns as p
from safety.fast_regex import compile_fast
from safety.lines import line_catalogue
from safety.triage import PRIORITY, _matchers, prepare
from tests.conftest import DATA_DIR
from tests.support.tipdm import TIPDM_DIR, real_citizen_messages

SAFETY_DIR = Path(__file__).resolve().parents[2] / "safety"
NONE = "ordinary"
PRECISION_TARGET = 0.98
# Messages quoted in issue 24 and in the brief: each must come out as written here.
QUOTED_EMERGENCIES = [
    ("楼下着火了，好多烟，快帮帮我", Kind.FIRE),
    ("There is a fire in my building", Kind.FIRE),
    ("I want to kill myself", Kind.SELF_HARM),
    ("救命！有人持刀伤人", Kind.VIOLENCE),
    ("我不想活了", Kind.SELF_HARM),
    ("樓下著火了", Kind.FIRE),
    ("有人拿刀砍人", Kind.VIOLENCE),
]
QUOTED_ORDINARY = [
    "火车票怎么退",
    "120急救车收费太贵了我要投诉",
    "119消防验收怎么办理",
    "煤气费怎么交",
    "孩子打疫苗",
    "我快被这个手续烦死了",
    "火锅店油烟扰民",
    "消防通道被占",
    "想死的心都有了，办事太难",
    "上次着火的赔偿怎么申请",
    "火灾保险怎么买",
]
FIRST_NUMBER = {
    Kind.FIRE: "119",
    Kind.GAS_LEAK: "119",
    Kind.VIOLENCE: "110",
    Kind.MEDICAL: "120",
    Kind.TRAFFIC_INJURY: "120",
    Kind.DROWNING: "110",
    Kind.PERSON_IN_DANGER: "110",
}
_CJK_OR_FULL_WIDTH = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]"
)
_NUMBER = re.compile(r"(?<!\d)\d{3,6}(?!\d)")


def _labelled() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(
        (DATA_DIR / "emergencies.yml").read_text(encoding="utf-8")
    )
    return loaded


LABELLED = _labelled()


def _sets() -> Iterator[tuple[str, dict[str, list[str]], list[str]]]:
    """(name, emergencies by kind, ordinary messages) for the main set and each round."""
    yield "main", LABELLED["emergencies"], LABELLED["ordinary"]  # type: ignore[misc]
    for fresh in LABELLED["fresh_rounds"]:  # type: ignore[attr-defined]
        yield f"fresh {fresh['round']}", fresh["emergencies"], fresh["ordinary"]


def _all_emergencies() -> list[tuple[str, Kind]]:
    return [
        (text, Kind(kind))
        for _, by_kind, _ in _sets()
        for kind, texts in by_kind.items()
        for text in texts
    ]


def _all_ordinary() -> list[str]:
    return [text for _, _, ordinary in _sets() for text in ordinary]


def _predicted(text: str) -> str:
    found = triage(text)
    return found.kind.value if found else NONE


# -- The labelled file --------------------------------------------------------------


def test_labelled_file_has_enough_messages() -> None:
    assert len(_all_emergencies()) >= 150
    assert len(_all_ordinary()) >= 300
    assert {kind for _, kind in _all_emergencies()} == set(Kind)


def test_labelled_file_quotes_the_issue_at_most_once() -> None:
    texts = Counter(text for text, _ in _all_emergencies()) + Counter(_all_ordinary())
    assert [text for text, count in texts.items() if count > 1] == []
    quoted = {text for text, _ in QUOTED_EMERGENCIES} | set(QUOTED_ORDINARY)
    assert quoted.isdisjoint(texts)


def test_triage_recall_is_one_with_the_right_kind() -> None:
    missed = [
        (text, kind.value, _predicted(text))
        for text, kind in _all_emergencies()
        if _predicted(text) != kind.value
    ]
    assert missed == []


def test_triage_precision_on_labelled_file_meets_target() -> None:
    flagged_ordinary = [text for text in _all_ordinary() if triage(text)]
    found = sum(1 for text, _ in _all_emergencies() if triage(text))
    precision = found / (found + len(flagged_ordinary))
    assert precision >= PRECISION_TARGET, flagged_ordinary


def test_triage_confusion_summary() -> None:
    """Printed with -s; asserts only that every set was read."""
    labels = [kind.value for kind in PRIORITY] + [NONE]
    matrix: Counter[tuple[str, str]] = Counter()
    lines = ["", "emergency triage on tests/data/emergencies.yml"]
    for name, by_kind, ordinary in _sets():
        truth = [(text, kind) for kind, texts in by_kind.items() for text in texts]
        truth += [(text, NONE) for text in ordinary]
        hits = Counter()
        for text, kind in truth:
            predicted = _predicted(text)
            matrix[kind, predicted] += 1
            if kind == NONE:
                hits["fp" if predicted != NONE else "tn"] += 1
            elif predicted == NONE:
                hits["fn"] += 1
            else:
                hits["tp" if predicted == kind else "wrong_kind"] += 1
        flagged = hits["tp"] + hits["wrong_kind"] + hits["fp"]
        lines.append(
            f"  {name:<8} emergencies {hits['tp'] + hits['wrong_kind'] + hits['fn']:>3}"
            f" found {hits['tp'] + hits['wrong_kind']:>3} (wrong kind"
            f" {hits['wrong_kind']}) | ordinary {hits['tn'] + hits['fp']:>3}"
            f" flagged {hits['fp']} | precision"
            f" {(flagged - hits['fp']) / flagged if flagged else 1:.3f}"
        )
    for fresh in LABELLED["fresh_rounds"]:  # type: ignore[attr-defined]
        lines.append(
            f"  first run of fresh round {fresh['round']}: {fresh['first_run']}"
        )
    width = max(len(label) for label in labels)
    lines.append("  confusion (rows: truth, columns: triage):")
    lines.append(" " * (width + 4) + " ".join(f"{label[:6]:>6}" for label in labels))
    for truth in labels:
        row = " ".join(f"{matrix[truth, predicted]:>6}" for predicted in labels)
        lines.append(f"  {truth:<{width}}  {row}")
    print("\n".join(lines))
    assert sum(matrix.values()) == len(_all_emergencies()) + len(_all_ordinary())


# -- The quoted messages, normalisation ----------------------------------------------


@pytest.mark.parametrize(("text", "kind"), QUOTED_EMERGENCIES)
def test_triage_quoted_emergency_is_found(text: str, kind: Kind) -> None:
    found = triage(text)
    assert found is not None
    assert found.kind is kind


@pytest.mark.parametrize("text", QUOTED_ORDINARY)
def test_triage_quoted_ordinary_message_is_not_flagged(text: str) -> None:
    assert triage(text) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("樓下著火了", Kind.FIRE),  # traditional, 著
        ("有人拿刀砍人", Kind.VIOLENCE),
        ("燃氣外洩了，味道好大", Kind.GAS_LEAK),  # traditional
        ("我爸突然暈倒了，叫不醒", Kind.MEDICAL),
        ("楼下着火了！！", Kind.FIRE),  # full-width punctuation
        (
            "ＨＥＬＰ！ Ｍｙ ｋｉｔｃｈｅｎ ｉｓ ｏｎ ｆｉｒｅ",
            Kind.FIRE,
        ),  # full-width Latin
        ("Ｉ ｗａｎｔ ｔｏ ｋｉｌｌ ｍｙｓｅｌｆ", Kind.SELF_HARM),
        ("楼 下 着 火 了 快 来", Kind.FIRE),  # speech recognition spaces
        ("有人 溺 水 了", Kind.DROWNING),
    ],
)
def test_triage_normalises_before_matching(text: str, kind: Kind) -> None:
    found = triage(text)
    assert found is not None
    assert found.kind is kind


def test_prepare_folds_width_script_and_recogniser_spaces() -> None:
    assert prepare("樓下 著 火了，ＯＫ") == "楼下着火了,ok"


@pytest.mark.parametrize("text", ["", "   ", "好的", "ok", "12345"])
def test_triage_empty_or_plain_message_is_none(text: str) -> None:
    assert triage(text) is None


def test_triage_message_with_two_emergencies_leads_with_the_scene() -> None:
    found = triage("有人拿刀砍人，流了好多血")
    assert found is not None
    assert (found.kind, found.also) == (Kind.VIOLENCE, (Kind.MEDICAL,))
    assert found.numbers == ("110", "120")


@pytest.mark.parametrize(
    "text",
    [
        "楼上有人在吵架，砸东西，听到有人喊救命",
        "外面有人呼救",
        "I can hear a woman screaming for help next door",
        "someone is yelling help downstairs",
    ],
)
def test_someone_heard_crying_for_help_is_a_person_in_danger_amid_a_complaint(
    text: str,
) -> None:
    found = triage(text)
    assert found is not None and found.numbers[0] == "110"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("有个人躺在马路中间一动不动", Kind.MEDICAL),
        ("工地上有人从脚手架上摔下来了", Kind.MEDICAL),
        ("昨天吃了自己采的蘑菇，今天一直吐", Kind.MEDICAL),
        ("吃了蘑菇以后全家都上吐下泻", Kind.MEDICAL),
        ("My child swallowed some pills", Kind.MEDICAL),
        ("He swallowed a battery", Kind.MEDICAL),
        ("An old man has fallen and can't get up", Kind.MEDICAL),
        ("楼下有个小孩在河边玩，掉下去了", Kind.DROWNING),
        ("有人在天台边上坐着，好像要跳", Kind.SELF_HARM),
    ],
)
def test_falls_poisonings_and_someone_at_the_edge_are_emergencies(
    text: str, kind: Kind
) -> None:
    found = triage(text)
    assert found is not None and found.kind is kind
    assert found.numbers[0] in ("110", "120")


@pytest.mark.parametrize(
    "text",
    [
        "楼上的花盆从阳台上掉下来了",
        "手机从桥上掉下去了",
        "我要投诉，在这家饭店吃完饭全家都上吐下泻",
        "孩子们在河边玩太危险了，建议装护栏",
        "I fell over last week and want to claim insurance",
    ],
)
def test_falling_things_and_complaints_of_past_illness_are_no_emergency(
    text: str,
) -> None:
    assert triage(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "呼救电话是多少",
        "小区的呼救按钮坏了",
        "早年下海者的呼救",
        "I am calling for help with my visa",
    ],
)
def test_crying_for_help_as_a_thing_or_a_plea_is_no_emergency(text: str) -> None:
    assert triage(text) is None


def test_a_cry_heard_is_answered_with_where_to_say_and_no_risk_to_take() -> None:
    zh = triage("隔壁有人喊救命")
    en = triage("I can hear a woman screaming for help next door")
    assert zh is not None and en is not None
    chinese, english = emergency_reply(zh, "zh"), emergency_reply(en, "en")
    assert chinese.startswith("请立即拨打 110")
    assert "具体位置" in chinese and "不要独自冒险" in chinese
    assert english.startswith("Please call 110")
    assert "say exactly where" in english and "do not put yourself at risk" in english


def test_triage_cry_for_help_alone_is_a_person_in_danger() -> None:
    found = triage("救命啊，帮帮我")
    assert found is not None
    assert found.kind is Kind.PERSON_IN_DANGER
    assert triage("救命，这个表格怎么填") is None


# -- Numbers and replies -------------------------------------------------------------


@pytest.mark.parametrize(("kind", "number"), sorted(FIRST_NUMBER.items()))
def test_numbers_for_kind_start_with_the_right_number(kind: Kind, number: str) -> None:
    assert numbers_for(kind)[0] == number


def test_numbers_for_traffic_injury_are_ambulance_and_police() -> None:
    assert numbers_for(Kind.TRAFFIC_INJURY)[:2] == ("120", "110")


def test_numbers_for_self_harm_lead_with_a_crisis_line_unless_imminent() -> None:
    crisis = {line.number for line in emergency_lines() if line.id.startswith("crisis")}
    talking = numbers_for(Kind.SELF_HARM, imminent=False)
    acting = numbers_for(Kind.SELF_HARM, imminent=True)
    assert talking[0] in crisis
    assert {"120", "110"} <= set(talking)
    assert acting[:2] == ("120", "110")


def test_triage_self_harm_acting_now_is_imminent() -> None:
    talking = triage("我不想活了")
    acting = triage("我已经吃了一整瓶安眠药")
    assert talking is not None and not talking.imminent
    assert acting is not None and acting.imminent
    assert acting.numbers[0] == "120"


@pytest.mark.parametrize(
    "text",
    [
        "有人要跳楼",
        "我室友说想自杀，把自己锁在房间里",
        "邻居家的女儿要轻生，快来人",
        "My flatmate says she wants to kill herself",
    ],
)
def test_someone_else_about_to_take_their_life_gets_120_and_110_first(text) -> None:
    """The citizen cannot call a crisis line for someone else: emergency lines first."""
    found = triage(text)
    assert found is not None and found.kind is Kind.SELF_HARM
    assert found.imminent and found.numbers[:2] == ("120", "110")


def _examples() -> list[Emergency]:
    """One emergency of each kind from the labelled file, plus combinations."""
    examples: dict[Kind, Emergency] = {}
    for text, kind in _all_emergencies():
        found = triage(text)
        if found is not None and found.kind is kind and kind not in examples:
            examples[kind] = found
    extra = [
        triage(text) for text in ["我已经吃了一整瓶安眠药", "有人拿刀砍人，流了好多血"]
    ]
    return list(examples.values()) + [found for found in extra if found is not None]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("emergency", _examples(), ids=lambda e: e.kind.value)
def test_emergency_reply_names_the_number_first(
    emergency: Emergency, lang: str
) -> None:
    reply = emergency_reply(emergency, lang)
    first_sentence = re.split(r"[。.!?！？]", reply, maxsplit=1)[0]
    assert _NUMBER.findall(reply)[0] == emergency.numbers[0]
    assert emergency.numbers[0] in first_sentence


@pytest.mark.parametrize("emergency", _examples(), ids=lambda e: e.kind.value)
def test_emergency_reply_in_english_has_no_chinese(emergency: Emergency) -> None:
    reply = emergency_reply(emergency, "en")
    assert not _CJK_OR_FULL_WIDTH.search(reply)
    assert reply.isascii()


@pytest.mark.parametrize("emergency", _examples(), ids=lambda e: e.kind.value)
def test_emergency_reply_in_chinese_has_no_stray_spaces(emergency: Emergency) -> None:
    reply = emergency_reply(emergency, "zh")
    assert not re.search(r"[\u4e00-\u9fff，。；：]\s+[\u4e00-\u9fff，。；：]", reply)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_emergency_reply_self_harm_gives_crisis_line_and_keeps_talking(
    lang: str,
) -> None:
    found = triage("我不想活了")
    assert found is not None
    reply = emergency_reply(found, lang)
    assert "12356" in reply and "962525" in reply
    assert "120" in reply and "110" in reply
    assert ("陪着您" in reply) if lang == "zh" else ("stay with me" in reply)


def test_emergency_reply_mentions_every_number_of_the_emergency() -> None:
    found = triage("路口出车祸了，有个人躺在地上流血")
    assert found is not None
    for lang in ("zh", "en"):
        reply = emergency_reply(found, lang)
        assert all(number in reply for number in found.numbers)


# -- The lines catalogue -------------------------------------------------------------


def test_emergency_lines_record_their_source_and_verification() -> None:
    lines = emergency_lines()
    assert {line.number for line in lines} >= {"110", "119", "120", "122", "12356"}
    for line in lines:
        assert line.authority and line.notice, line.id
        assert line.name_zh and line.name_en and line.hours, line.id
        # Only the national emergency numbers are taken as beyond doubt; a crisis
        # line rests on press reports of its notice until someone reads the original.
        if line.id.startswith("crisis"):
            assert not line.verified and line.reported, line.id


def test_emergency_lines_serve_every_kind() -> None:
    routes = line_catalogue().routes
    assert set(routes) == {kind.value for kind in Kind} | {"self_harm_imminent"}


# -- Design: framework-free, patterns, speed -----------------------------------------


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def test_safety_imports_no_framework_and_only_text_of_the_project() -> None:
    project = {
        "api", "actions", "bot", "cli", "cases", "contact_centre", "privacy",
        "understanding", "knowledge_base", "foundation",
    }  # fmt: skip
    allowed = {"knowledge_base.search.text"}
    for path in sorted(SAFETY_DIR.glob("*.py")):
        for module in _imports(path):
            root = module.split(".")[0]
            assert root not in {"rasa", "rasa_sdk", "fastapi", "starlette", "sanic"}
            assert root not in project or module in allowed, (path.name, module)


def _top_level_alternatives(pattern: str) -> list[str]:
    depth, start, parts, escaped, in_class = 0, 0, [], False, False
    for index, character in enumerate(pattern):
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif character == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    return [*parts, pattern[start:]]


def test_rules_each_need_one_script() -> None:
    """English rules are only searched in text with Latin letters: none may be Chinese."""
    latin_word = re.compile(r"[a-z]{3,}")
    for kind, rules in p.RULES.items():
        for level, pattern, _ in rules:
            if latin_word.search(pattern):
                for alternative in _top_level_alternatives(pattern):
                    stripped = re.sub(r"\(\?<?[!=][^)]*\)", "", alternative)
                    assert re.search(r"[a-z]", stripped), (kind, level, alternative)


def test_compile_fast_matches_exactly_what_re_matches() -> None:
    texts = [prepare(text) for text, _ in _all_emergencies()] + [
        prepare(text) for text in _all_ordinary()
    ]
    for matcher in _matchers():
        for fast in (matcher.chinese, matcher.english):
            assert fast is not None and fast.pattern.startswith("(?=[")
            plain = re.compile(fast.pattern.split(")(?:", 1)[1][:-1])
            for text in texts:
                assert [m.span() for m in fast.finditer(text)] == [
                    m.span() for m in plain.finditer(text)
                ]
    assert compile_fast(r".*x").pattern == r".*x"  # unknowable first character


def test_triage_time_per_message() -> None:
    """Printed with -s. Guards only against a pattern that backtracks badly."""
    compile_patterns()
    texts = _all_ordinary() + [text for text, _ in _all_emergencies()]
    for text in texts:
        triage(text)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        for text in texts:
            triage(text)
        runs.append((time.perf_counter() - started) / len(texts))
    per_message = statistics.median(runs) * 1e6
    print(f"\ntriage: {per_message:.1f} µs per message over {len(texts)} messages")
    assert per_message < 250


# -- Real citizen messages -----------------------------------------------------------


def test_triage_flags_almost_no_real_complaint() -> None:
    """18,783 real messages to a government board, none of them a call for help.

    The three flagged are titles that state an event with no time ("行人被车撞倒"):
    typed into the chat, they would deserve the numbers.
    """
    if not TIPDM_DIR.is_dir():
        pytest.skip(f"TipDM data not found at {TIPDM_DIR}")
    messages = list(real_citizen_messages())
    flagged = [
        (found.kind.value, text[:60]) for text in messages if (found := triage(text))
    ]
    print(f"\nTipDM: {len(flagged)} of {len(messages)} real messages flagged")
    for kind, text in flagged:
        print(f"  {kind}: {text}")
    assert len(flagged) <= 5

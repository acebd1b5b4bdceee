"""The catalogue says which services it does not hold, instead of lending a neighbour's
guide; measured on held-out questions written close to catalogued ones."""

from __future__ import annotations

import pytest

from knowledge_base.coverage import coverage, named_catalogue_services, named_services
from knowledge_base.resolution import resolve_subject
from tests.conftest import load_yaml

LABELLED = load_yaml("uncatalogued_services.yml")
SEARCH_QUESTIONS = load_yaml("search_questions.yml")["questions"]
# Measured when the file was written: 141 of 170 said not held; a neighbour's guide is
# stated for 11 (search alone stated one for 73).
NOT_HELD_TARGET = 0.8
NEIGHBOUR_CEILING = 0.08


def test_labelled_file_is_big_enough_and_names_real_codes(service_index):
    known = {doc.code for doc in service_index.documents}
    assert len(LABELLED["uncatalogued"]) >= 80
    assert len(LABELLED["catalogued"]) >= 80
    assert {q["expect"] for q in LABELLED["catalogued"]} <= known
    assert all(q["named"] in q["q"] for q in LABELLED["uncatalogued"])


def test_uncatalogued_services_are_said_not_held_rather_than_answered(service_index):
    questions = LABELLED["uncatalogued"]
    resolutions = [resolve_subject(service_index, text=q["q"]) for q in questions]
    said = [r for r in resolutions if r.missing]
    stated = [
        f"{q['q']} → {r.code}"
        for q, r in zip(questions, resolutions, strict=True)
        if r.is_clear
    ]
    total = len(questions)
    print(
        f"\nuncatalogued: {total} questions, said not held {len(said) / total:.3f}, "
        f"a neighbour's guide stated {len(stated) / total:.3f}"
    )
    print("stated:\n  " + "\n  ".join(stated))
    assert len(said) / total >= NOT_HELD_TARGET
    assert len(stated) / total <= NEIGHBOUR_CEILING


@pytest.mark.parametrize("section", ["catalogued", "search"])
def test_catalogued_services_are_still_answered(service_index, section):
    """Not one catalogued question is told its service is missing; top-1 stays."""
    questions = LABELLED["catalogued"] if section == "catalogued" else SEARCH_QUESTIONS
    resolutions = [resolve_subject(service_index, text=q["q"]) for q in questions]
    wrongly_missing = [
        f"{q['q']} ({r.missing})"
        for q, r in zip(questions, resolutions, strict=True)
        if r.missing
    ]
    right_or_offered = sum(
        r.code == q["expect"] or q["expect"] in [c.code for c in r.candidates]
        for q, r in zip(questions, resolutions, strict=True)
    )
    top1 = sum(
        service_index.search(q["q"], limit=1)[0].code == q["expect"] for q in questions
    )
    print(
        f"\n{section}: {len(questions)} questions, search top-1 "
        f"{top1 / len(questions):.3f}, answered or offered "
        f"{right_or_offered / len(questions):.3f}"
    )
    assert wrongly_missing == []
    assert top1 / len(questions) >= 0.9
    assert right_or_offered / len(questions) >= 0.95


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("办理渔业捕捞许可证需要什么", "渔业捕捞许可证"),
        ("我想问一下烟草专卖零售许可证", "烟草专卖零售许可证"),
        ("二手車過戶要去哪裡辦", "二手车过户"),
        ("How do I apply for a Japanese visa?", "japanese visa"),
    ],
)
def test_the_name_typed_is_found_without_the_words_around_it(
    service_index, question, named
):
    assert [n.text for n in named_services(question, service_index.segmenter)] == [
        named
    ]


@pytest.mark.parametrize(
    "question",
    [
        "还要公司开在职证明吗",  # a document to bring
        "考了个育婴师证书，有没有补贴可以领",  # a document the citizen holds
        "户口迁移在哪里登记",  # a procedure named bare is no service
    ],
)
def test_documents_and_bare_procedures_are_not_missing_subjects(
    service_index, question
):
    assert coverage(service_index, question).missing_subject is None


@pytest.mark.parametrize(
    ("question", "held"),
    [
        ("药品经营许可证怎么办", False),  # shares 经营许可 with 食品经营许可, not 药品
        ("家里老人过世了，户口注销要怎么办", False),  # 户口 and 注销, never together
        ("宠物狗登记怎么办", True),  # the lexicon's word for 养犬
        ("居转户审批一般要多长时间", True),  # an alias, and a step of its own guide
        ("沪排拍卖报名要什么条件", True),  # heard, not written: 沪牌
    ],
)
def test_a_name_is_held_only_by_one_service_holding_all_of_it(
    service_index, question, held
):
    assert (coverage(service_index, question).missing_subject is None) is held


@pytest.mark.parametrize(
    ("question", "held"),
    [
        ("营业执照年检去哪里办", False),  # 年检 is the car's, 营业执照 the company's
        ("房产证年检要带什么", False),
        ("驾驶证年检怎么弄", False),
        ("行驶证年检在哪里办", True),  # the vehicle inspection asks for the 行驶证
        ("营业执照变更要多久", True),  # 执照地址变更: the change registration's
        ("养犬登记证年检要去哪里", True),  # the dog licence's own renewal
        ("房产证过户怎么办", True),
    ],
)
def test_a_procedure_done_to_a_document_is_held_only_by_a_guide_of_both(
    service_index, question, held
):
    assert (coverage(service_index, question).missing_subject is None) is held


def test_an_uncatalogued_procedure_on_a_document_gets_no_neighbours_guide(
    service_index,
):
    resolution = resolve_subject(service_index, text="营业执照年检去哪里办")
    assert resolution.missing is not None and resolution.code is None


def test_the_longest_catalogued_name_wins(service_index):
    assert named_catalogue_services(service_index, "能不能先开个临时身份证") == [
        "temporary-id-card"
    ]


# -- Topic changes -----------------------------------------------------------------

CONVERSATIONS = load_yaml("topic_changes.yml")["conversations"]
# Measured when the file was written (126 turns): 117 right; before, 82.
TOPIC_TARGET = 0.9


def _subjects(index, conversation) -> list[tuple[str | None, object]]:
    """The subject after each turn, as the assistant carries it, with each resolution."""
    subject, seen = None, []
    for turn in conversation["turns"]:
        resolution = resolve_subject(index, text=turn["q"], context_code=subject)
        if resolution.is_clear:
            subject = resolution.code
        elif resolution.missing:
            subject = None
        seen.append((subject, resolution))
    return seen


def test_topic_changes_drop_or_switch_the_subject_and_follow_ups_keep_it(
    service_index,
):
    right, total, by_group, wrong = 0, 0, {}, []
    for conversation in CONVERSATIONS:
        for turn, (subject, _) in zip(
            conversation["turns"], _subjects(service_index, conversation), strict=True
        ):
            good = subject == turn["subject"]
            group = by_group.setdefault(conversation["group"], [0, 0])
            group[0] += good
            group[1] += 1
            right += good
            total += 1
            if not good:
                wrong.append(f"{turn['q']} → {subject} (want {turn['subject']})")
    print(f"\ntopic changes: {right}/{total} turns right")
    for group, (good, count) in sorted(by_group.items()):
        print(f"  {group:20s} {good}/{count}")
    print("wrong:\n  " + "\n  ".join(wrong))
    assert right / total >= TOPIC_TARGET
    elliptic_good, elliptic_total = by_group["elliptic"]
    assert elliptic_good == elliptic_total


def test_the_quoted_change_of_topic_drops_the_passport(service_index):
    after = resolve_subject(
        service_index,
        text="How do I apply for a Japanese visa?",
        context_code="passport",
    )
    assert after.code is None and after.missing == "japanese visa"

"""Search and classification quality on labelled questions written apart from the catalogue."""

from __future__ import annotations

from collections import Counter

import pytest

from knowledge_base.search.ranking import confidence
from tests.conftest import load_yaml
from tests.support.routing import category_accuracy

QUESTIONS = load_yaml("search_questions.yml")["questions"]
COMPLAINTS = load_yaml("complaints.yml")["complaints"]


def test_search_questions_cover_catalogue_and_are_enough(service_index):
    known = {doc.code for doc in service_index.documents}
    assert len(QUESTIONS) >= 200
    assert {q["expect"] for q in QUESTIONS} <= known


def test_search_top1_accuracy_on_colloquial_questions_is_at_least_90_percent(
    service_index,
):
    top1, top3, by_kind, misses = 0, 0, Counter(), []
    for question in QUESTIONS:
        codes = [hit.code for hit in service_index.search(question["q"], limit=3)]
        if codes[:1] == [question["expect"]]:
            top1 += 1
            by_kind[question["kind"]] += 1
        else:
            misses.append(f"{question['q']} → {codes[:1]} (want {question['expect']})")
        top3 += question["expect"] in codes
    total = len(QUESTIONS)
    kinds = Counter(q["kind"] for q in QUESTIONS)
    print(
        f"\nsearch: {total} questions, top-1 {top1 / total:.3f}, top-3 {top3 / total:.3f}"
    )
    for kind, count in sorted(kinds.items()):
        print(f"  {kind:12s} top-1 {by_kind[kind] / count:.3f} ({count})")
    print("misses:\n  " + "\n  ".join(misses))
    assert top1 / total >= 0.9
    assert top3 / total >= 0.95


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("刚来上海工作，居住证要怎么办", "residence-permit"),
        ("居住正要什么材料", "residence-permit"),
        ("護照過期了怎麼換", "passport"),
        ("how do I get a work permit as a foreigner", "foreigner-work-permit"),
        ("我想问一下那个公基金租房怎么提取啊", "housing-fund-withdrawal-rent"),
    ],
)
def test_search_finds_service_despite_colloquial_form(
    service_index, question, expected
):
    assert service_index.search(question, limit=1)[0].code == expected


@pytest.mark.parametrize(
    "question", ["犬只年检", "狗证年审", "养犬登记证到期了要年检吗"]
)
def test_an_everyday_word_of_the_named_service_keeps_its_meaning(
    service_index, question
):
    # 年检 is the lexicon's everyday word for 机动车检验, and the dog licence's own.
    assert service_index.search(question, limit=1)[0].code == "dog-registration"


def test_an_everyday_word_alone_still_finds_its_official_term(service_index):
    assert service_index.search("年检", limit=1)[0].code == "vehicle-inspection"


def test_search_of_nonsense_returns_nothing(service_index):
    assert service_index.search("！！！？？？") == []


def test_confidence_is_low_when_two_services_tie(service_index):
    hits = service_index.search("公积金提取", limit=3)
    assert len(hits) >= 2
    assert confidence(hits) < confidence(
        service_index.search("退休了公积金怎么取", limit=3)
    )


def test_classifier_accuracy_on_complaints_is_at_least_92_percent(classifier):
    assert len(COMPLAINTS) >= 80
    assert category_accuracy(classifier, "complaints.yml") >= 0.92


def test_classifier_routes_to_handling_department(classifier):
    result = classifier.classify("老板拖欠我们三个月工资不发")
    assert result.category == "labour-wages"
    assert result.department == "hrss"
    assert result.time_limit_days > 0


def test_classifier_sends_unrecognised_text_to_catch_all(classifier):
    result = classifier.classify("嗯嗯嗯")
    assert result.category == "other"
    assert result.score == 0


@pytest.mark.parametrize(
    ("mention", "code"),
    [
        ("噪音", "noise"),
        ("物业", "property-management"),
        ("是违建的问题", "illegal-construction"),
        ("noise", "noise"),
        ("Traffic and parking", "traffic-parking"),
        ("traffic-parking", "traffic-parking"),
        ("其他", "other"),
        ("it's about stray dogs", "animals"),
        ("my landlord", "group-rental"),
    ],
)
def test_a_category_named_in_a_word_or_two_is_found(classifier, mention, code):
    assert classifier.category_named(mention).code == code


@pytest.mark.parametrize(
    "mention", ["", "黄浦区", "南京东路100号", "13812345678", "and"]
)
def test_words_that_name_no_category_find_none(classifier, mention):
    assert classifier.category_named(mention) is None

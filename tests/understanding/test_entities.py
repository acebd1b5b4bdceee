"""The entities a message names, and one clean entity per span out of three
overlapping extractors."""

from __future__ import annotations

import itertools
from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from understanding import ServiceVocabulary, entities_in, resolve_entities

# Friday 20 November 2026, 09:30 in Shanghai.
NOW = datetime(2026, 11, 20, 9, 30)


def test_entities_in_reads_house_numbers_as_addresses_not_dates() -> None:
    text = "昨天南京西路100弄3号停水"
    assert [
        (e["entity"], text[e["start"] : e["end"]], e["value"])
        for e in entities_in(text, NOW)
    ] == [
        ("date", "昨天", "2026-11-19"),
        ("address", "南京西路100弄3号", "南京西路100弄3号"),
    ]


_TEXT_ALPHABET = st.sampled_from(
    list("浦东徐汇区路号弄小区新村花园今天明晚上下午点半多周一月日和的在我 12:")
)


@settings(max_examples=300, deadline=None)
@given(st.text(_TEXT_ALPHABET, max_size=30))
def test_entities_in_spans_are_in_order_and_never_overlap(text: str) -> None:
    entities = entities_in(text, NOW)
    for entity in entities:
        assert 0 <= entity["start"] < entity["end"] <= len(text)
    for first, second in itertools.pairwise(entities):
        assert first["end"] <= second["start"]


def _entity(kind, text, part, extractor="DIETClassifier", value=None):
    start = text.index(part)
    return {
        "entity": kind,
        "start": start,
        "end": start + len(part),
        "value": value or part,
        "extractor": extractor,
    }


def test_rule_based_district_wins_over_diet_span_covering_the_address():
    text = "投诉群租，地址是浦东新区锦绣路2580弄"
    entities = [
        _entity("district", text, "浦东新区", "ZhEntityExtractor"),
        _entity("address", text, "锦绣路2580弄", "ZhEntityExtractor"),
        _entity("district", text, "浦东新区锦绣路2580弄"),
        _entity("category", text, "群租"),
    ]
    kept = {(e["entity"], e["value"]) for e in resolve_entities(text, entities)}
    assert kept == {
        ("district", "浦东新区"),
        ("address", "锦绣路2580弄"),
        ("category", "群租"),
    }


def test_diet_fragments_split_by_spaces_are_joined():
    text = "I'd like to submit a work permit application now"
    entities = [_entity("service", text, "work"), _entity("service", text, "permit")]
    assert [e["value"] for e in resolve_entities(text, entities)] == ["work permit"]


def test_regex_phone_replaces_diet_pieces():
    text = "My phone number is 139 1234 5678"
    entities = [
        _entity("phone", text, "139 1234 5678", "RegexEntityExtractor"),
        _entity("phone", text, "139 "),
        _entity("phone", text, "1234 "),
        _entity("phone", text, "5678"),
    ]
    assert [(e["value"], e["extractor"]) for e in resolve_entities(text, entities)] == [
        ("139 1234 5678", "RegexEntityExtractor")
    ]


def test_whitespace_is_trimmed_and_single_characters_dropped_except_ratings():
    text = "补 foreign 驾照，评分2"
    entities = [
        _entity("service", text, "补"),
        _entity("service", text, "foreign "),
        _entity("rating", text, "2"),
    ]
    assert [(e["entity"], e["value"]) for e in resolve_entities(text, entities)] == [
        ("service", "foreign"),
        ("rating", "2"),
    ]


def test_identical_duplicates_from_two_extractors_become_one():
    text = "徐汇社区事务受理中心这周六上班吗"
    entities = [
        _entity("district", text, "徐汇", "ZhEntityExtractor", value="徐汇区"),
        _entity("date", text, "这周六", "ZhEntityExtractor", value="2026-11-28"),
        _entity("district", text, "徐汇"),
        _entity("date", text, "周六"),
    ]
    resolved = resolve_entities(text, entities)
    assert [(e["entity"], e["value"], e["extractor"]) for e in resolved] == [
        ("district", "徐汇区", "ZhEntityExtractor"),
        ("date", "2026-11-28", "ZhEntityExtractor"),
    ]


TERMS = ServiceVocabulary(
    ["驾照", "驾照换证", "港澳签注", "公租房", "居住证", "居住证积分", "work permit"]
)


def test_service_span_with_a_leading_verb_snaps_onto_the_catalogue_name():
    text = "换驾照要带啥"
    entities = [_entity("service", text, "换驾照")]
    assert [e["value"] for e in resolve_entities(text, entities, TERMS)] == ["驾照"]


def test_service_span_cut_short_or_overrunning_snaps_onto_the_whole_name():
    for text, predicted in [
        ("那港澳签注呢，怎么办", "港澳"),
        ("港澳签注签一次多少钱", "港澳签注签"),
        ("非沪籍能申请公租房吗", "租房"),
    ]:
        entities = [_entity("service", text, predicted)]
        resolved = resolve_entities(text, entities, TERMS)
        assert [e["value"] for e in resolved] == [
            next(t for t in TERMS.terms if t in text and len(t) > 2)
        ], text


def test_service_span_that_is_already_an_alias_is_kept_whole():
    text = "驾照换证收不收费"
    entities = [_entity("service", text, "驾照换证")]
    assert [e["value"] for e in resolve_entities(text, entities, TERMS)] == ["驾照换证"]


def test_service_span_sounding_like_a_catalogue_name_is_kept_as_written():
    text = "居住正要带什么"
    entities = [_entity("service", text, "居住正")]
    assert [e["value"] for e in resolve_entities(text, entities, TERMS)] == ["居住正"]


def test_service_span_with_a_misheard_name_snaps_onto_the_sound_alike():
    text = "换架照要带啥"
    entities = [_entity("service", text, "换架照")]
    assert [e["value"] for e in resolve_entities(text, entities, TERMS)] == ["架照"]


def test_service_span_naming_nothing_in_the_vocabulary_is_dropped():
    text = "宝宝上礼拜刚出生，要办哪些手续啊"
    entities = [_entity("service", text, "宝宝")]
    assert resolve_entities(text, entities, TERMS) == []


def test_without_a_vocabulary_every_service_span_is_kept():
    text = "宝宝上礼拜刚出生，要办哪些手续啊"
    entities = [_entity("service", text, "宝宝")]
    assert [e["value"] for e in resolve_entities(text, entities)] == ["宝宝"]


def test_rating_starts_at_its_number():
    for text, predicted, rating in [
        ("评分2，答非所问", "评分2", "2"),
        ("打4分", "打4分", "4分"),
    ]:
        entities = [_entity("rating", text, predicted)]
        assert [e["value"] for e in resolve_entities(text, entities)] == [rating], text


def test_dates_come_from_the_rules_only():
    text = "从三月份就开始了，晚上也吵"
    entities = [
        _entity("date", text, "三月份", "ZhEntityExtractor"),
        _entity("date", text, "开始"),
        _entity("date", text, "晚上"),
    ]
    assert [e["value"] for e in resolve_entities(text, entities, TERMS)] == ["三月份"]


def test_rating_that_is_no_score_is_dropped():
    text = "71路公交车司机态度太差了"
    assert resolve_entities(text, [_entity("rating", text, "71")]) == []


def test_fragments_of_a_rating_are_joined_then_start_at_the_number():
    text = "评分2，答非所问"
    entities = [_entity("rating", text, "评分"), _entity("rating", text, "2")]
    assert [e["value"] for e in resolve_entities(text, entities)] == ["2"]


def test_name_written_in_a_service_question_is_a_service_when_diet_saw_none():
    text = "那个居住证丢了，徐汇哪里补"
    entities = [_entity("district", text, "徐汇", "ZhEntityExtractor", "徐汇区")]
    resolved = resolve_entities(text, entities, TERMS, add_written_services=True)
    assert [(e["entity"], e["value"], e["extractor"]) for e in resolved] == [
        ("service", "居住证", "EntityResolver"),
        ("district", "徐汇区", "ZhEntityExtractor"),
    ]


def test_written_names_prefer_how_the_training_data_names_a_service():
    vocabulary = ServiceVocabulary(
        catalogue=["身份证丢了", "身份证", "居住证积分"],
        annotated=["身份证", "居住证积分"],
    )
    for text, name in [
        ("身份证丢了怎么补", "身份证"),
        ("居住证积分怎么算", "居住证积分"),
    ]:
        resolved = resolve_entities(text, [], vocabulary, add_written_services=True)
        assert [e["value"] for e in resolved] == [name], text


def test_written_names_are_left_alone_outside_service_questions():
    text = "我身份证310115198512153027"
    assert resolve_entities(text, [], ServiceVocabulary(["身份证"])) == []


def test_written_names_are_not_added_beside_a_service_diet_found():
    text = "我有居住证，想问居住证积分"
    entities = [_entity("service", text, "居住证积分")]
    resolved = resolve_entities(text, entities, TERMS, add_written_services=True)
    assert [e["value"] for e in resolved] == ["居住证积分"]


def test_english_names_match_whole_words_only():
    vocabulary = ServiceVocabulary(["id card", "permit"])
    for text, names in [("my permits expired", []), ("lost my ID card", ["ID card"])]:
        resolved = resolve_entities(text, [], vocabulary, add_written_services=True)
        assert [e["value"] for e in resolved] == names, text


def test_service_vocabulary_is_what_the_training_data_teaches():
    text = "换驾照要带啥"
    vocabulary = ServiceVocabulary.from_training_data(
        [
            {"name": "service", "elements": ["驾照换证", "居住证"]},
            {"name": "district", "elements": ["徐汇区"]},
        ],
        [(text, [_entity("service", text, "驾照"), _entity("district", text, "换")])],
    )
    assert vocabulary.terms == ["居住证", "驾照", "驾照换证"]
    assert vocabulary.annotated == {"驾照"}


def test_service_vocabulary_reads_back_what_it_wrote():
    vocabulary = ServiceVocabulary(["驾照换证", "Work Permit"], annotated=["驾照"])
    again = ServiceVocabulary.from_json(vocabulary.to_json())
    assert (again.terms, again.annotated) == (vocabulary.terms, vocabulary.annotated)

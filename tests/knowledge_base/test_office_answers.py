"""The office part of an answer: named, placed, and never given an address we do not
hold. An English answer carries Chinese only as a proper name's original, in
brackets after its English."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from knowledge_base.answers import answer
from knowledge_base.models import Office
from knowledge_base.portal import map_search, official_portal
from knowledge_base.services import get_service

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
BRACKETED_ORIGINAL = re.compile(r" \([^()]*[\u3400-\u4dbf\u4e00-\u9fff][^()]*\)")


def _street_centre() -> Office:
    """As derived from the division list: no address, hours or phone recorded."""
    return Office(
        code="street-310115125",
        name="张江镇社区事务受理服务中心",
        name_en="Zhangjiang Town Community Affairs Acceptance Service Center",
        level="street",
        district="浦东新区",
        street="310115125",
        source="test",
        notice="test",
    )


def _district_centre() -> Office:
    return Office(
        code="office-xuhui",
        name="徐汇区行政服务中心",
        name_en="Xuhui District Administrative Service Center",
        level="district",
        district="徐汇区",
        address="徐汇区南宁路969号",
        address_en="969 Nanning Road, Xuhui District",
        hours="周一至周五 9:00-17:00",
        hours_en="Mon-Fri 9:00-17:00",
        phone="021-64872222",
        source="test",
        notice="test",
    )


def _office_lines(text: str, start: int = 1) -> str:
    """The office's lines of a location answer: after the guide's rule, before the
    online line, which are not the office part's to test."""
    return "\n".join(text.splitlines()[start:-1])


def test_a_street_centre_is_named_for_the_street_and_its_address_said_unknown(
    session: Session,
) -> None:
    text = answer(
        get_service(session, "residence-permit"), "location", "zh", _street_centre()
    )
    assert "您提到的浦东新区张江镇，可前往张江镇社区事务受理服务中心办理。" in text
    assert "该中心的地址、办公时间、咨询电话本目录暂未收录" in text
    assert official_portal().url in text
    assert map_search().url_for("张江镇社区事务受理服务中心") in text
    assert "地址：" not in text


def test_a_district_centre_is_given_with_its_recorded_address_hours_and_phone(
    session: Session,
) -> None:
    text = answer(
        get_service(session, "company-registration"),
        "location",
        "zh",
        _district_centre(),
    )
    assert "您所在的徐汇区，可前往徐汇区行政服务中心办理。" in text
    assert (
        "地址：徐汇区南宁路969号；办公时间：周一至周五 9:00-17:00；"
        "咨询电话：021-64872222。" in text
    )
    assert "暂未收录" not in text


def test_a_street_centre_in_english_names_it_with_its_chinese_and_no_other_chinese(
    session: Session,
) -> None:
    text = answer(
        get_service(session, "residence-permit"), "location", "en", _street_centre()
    )
    lines = _office_lines(text)
    assert lines.startswith(
        "For Zhangjiang Town (张江镇), Pudong New Area (浦东新区): Zhangjiang Town "
        "Community Affairs Acceptance Service Center (张江镇社区事务受理服务中心)."
    )
    assert "Its address, opening hours and phone are not in our records." in lines
    assert official_portal().url in lines and "Amap (https://uri.amap.com/" in lines
    assert not CJK.search(BRACKETED_ORIGINAL.sub("", lines))


def test_a_district_centre_in_english_gives_its_english_address(
    session: Session,
) -> None:
    text = answer(
        get_service(session, "company-registration"),
        "location",
        "en",
        _district_centre(),
    )
    lines = _office_lines(text)
    assert (
        "For Xuhui District (徐汇区): Xuhui District Administrative Service Center "
        "(徐汇区行政服务中心)." in lines
    )
    assert (
        "Address: 969 Nanning Road, Xuhui District; opening hours: Mon-Fri "
        "9:00-17:00; phone: 021-64872222." in lines
    )
    assert "not in our records" not in lines
    assert not CJK.search(BRACKETED_ORIGINAL.sub("", lines))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_without_a_street_the_answer_asks_for_it_for_a_street_level_service(
    session: Session, lang: str
) -> None:
    text = answer(get_service(session, "residence-permit"), "location", lang)
    assert ("subdistrict or town" if lang == "en" else "您所在的街道或镇") in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "张江镇社区事务受理服务中心的办公时间本目录暂未收录"),
        ("en", "(张江镇社区事务受理服务中心): opening hours not in our records"),
    ],
)
def test_the_hours_of_a_street_centre_are_said_to_be_unknown(
    session: Session, lang: str, expected: str
) -> None:
    text = answer(
        get_service(session, "residence-permit"), "hours", lang, _street_centre()
    )
    assert expected in text
    assert "中心：" not in text and "Center: " not in text  # no hours of its own


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "徐汇区行政服务中心：周一至周五 9:00-17:00"),
        (
            "en",
            "Xuhui District Administrative Service Center (徐汇区行政服务中心): "
            "Mon-Fri 9:00-17:00",
        ),
    ],
)
def test_the_hours_of_a_district_centre_are_given(
    session: Session, lang: str, expected: str
) -> None:
    text = answer(
        get_service(session, "company-registration"),
        "hours",
        lang,
        _district_centre(),
    )
    assert expected in text

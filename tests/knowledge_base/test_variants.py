"""District variants: a citizen whose district is known is told that district's place,
hours, phone, link and extra materials, and which district they are for; everyone else
gets the city-wide guide. Variants travel through import and export unchanged.

The curated variants (residence-permit in 闵行区 and 嘉定区, company-registration in
浦东新区) are sample data, marked as such in their text."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy.orm import Session

from foundation.db import session_scope
from foundation.errors import CatalogueError
from knowledge_base.answers import answer
from knowledge_base.catalogue import load_catalogue, parse_catalogue
from knowledge_base.importers.catalogue import (
    export_catalogue,
    import_catalogue,
    render_export,
)
from knowledge_base.models import Office
from knowledge_base.services import get_service
from tests.knowledge_base.test_english_answers import stray_cjk

TODAY = dt.date(2026, 12, 6)


def _district_centre(district: str) -> Office:
    return Office(
        code="office-test",
        name=f"{district}行政服务中心",
        name_en="Test District Administrative Service Center",
        level="district",
        district=district,
        source="test",
        notice="test",
    )


def test_the_variant_hours_are_given_for_the_citizens_district(
    session: Session,
) -> None:
    service = get_service(session, "residence-permit")
    text = answer(service, "hours", "zh", district="闵行区", on=TODAY)
    assert text.startswith(
        "以下为闵行区的办理信息：\n上海市居住证办理的办理时间：示例数据"
    )
    assert service.hours not in text


def test_the_variant_hours_in_english_name_the_district_in_both_languages(
    session: Session,
) -> None:
    service = get_service(session, "residence-permit")
    text = answer(service, "hours", "en", district="闵行区", on=TODAY)
    assert text.startswith("For Minhang District (闵行区):\n")
    assert "Sample data (not real): Mon-Fri 9:00-17:00, Sat 9:00-16:00" in text
    assert stray_cjk(text) == []


def test_the_district_is_taken_from_the_office_chosen_for_the_citizen(
    session: Session,
) -> None:
    service = get_service(session, "residence-permit")
    text = answer(service, "hours", "zh", _district_centre("闵行区"), on=TODAY)
    assert text.startswith("以下为闵行区的办理信息：")


@pytest.mark.parametrize("district", [None, "徐汇区"])
def test_other_districts_get_the_city_wide_guide_without_a_district_heading(
    session: Session, district: str | None
) -> None:
    service = get_service(session, "residence-permit")
    text = answer(service, "hours", "zh", district=district, on=TODAY)
    assert text.startswith(f"上海市居住证办理的办理时间：{service.hours}")
    assert "以下为" not in text and "示例数据（非真实信息）" not in text


def test_a_variants_extra_materials_follow_the_city_wide_list(
    session: Session,
) -> None:
    service = get_service(session, "residence-permit")
    general = answer(service, "materials", "zh", on=TODAY)
    text = answer(service, "materials", "zh", district="嘉定区", on=TODAY)
    count = len(service.materials)
    assert text.startswith("以下为嘉定区的办理信息：\n")
    assert (
        f"\n{count + 1}. 房屋租赁合同登记备案证明（示例数据）（复印件）（如适用）"
        in text
    )
    city_wide = general.rsplit("\n", 1)[0]  # the list, without its source line
    assert city_wide in text  # the city's list, unchanged, first


def test_a_variants_extra_materials_in_english_carry_no_stray_chinese(
    session: Session,
) -> None:
    service = get_service(session, "residence-permit")
    text = answer(service, "materials", "en", district="嘉定区", on=TODAY)
    assert text.startswith("For Jiading District (嘉定区):\nDocuments for ")
    assert "Registered tenancy filing certificate (sample data) (copy)" in text
    assert stray_cjk(text) == []


def test_a_city_office_places_the_citizen_in_no_district(session: Session) -> None:
    service = get_service(session, "residence-permit")
    city = _district_centre("闵行区")
    city.level, city.district = "city", None
    assert "以下为" not in answer(service, "hours", "zh", city, on=TODAY)


def test_an_aspect_the_variant_does_not_touch_names_no_district(
    session: Session,
) -> None:
    service = get_service(session, "residence-permit")
    assert answer(service, "fee", "zh", district="闵行区", on=TODAY) == answer(
        service, "fee", "zh", on=TODAY
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_variant_place_replaces_the_guides_rule_in_the_location_answer(
    session: Session, lang: str
) -> None:
    service = get_service(session, "company-registration")
    text = answer(service, "location", lang, district="浦东新区", on=TODAY)
    if lang == "en":
        assert text.startswith(
            "For Pudong New Area (浦东新区):\nWhere to apply for Company "
        )
        assert "Sample data (not real): the company registration counter" in text
        assert stray_cjk(text) == []
    else:
        assert text.startswith(
            "以下为浦东新区的办理信息：\n企业设立登记的办理地点：示例数据"
        )
        assert service.offline_where not in text


def _catalogue_with_variants(variants: list[dict]) -> dict:
    return {
        "departments": [{"code": "test-dept", "name": "测试局", "name_en": "Test"}],
        "services": [
            {
                "code": "test-service",
                "name": "测试事项",
                "department": "test-dept",
                "category": "其他",
                "source": "测试",
                "notice": "以官方指南为准",
                "updated_at": "2026-01-01",
                "verified_at": "2026-02-01",
                "verified_by": "测试核验人",
                "effective_date": "2026-03-01",
                "variants": variants,
            }
        ],
    }


def test_variants_and_verification_survive_export_and_import(
    empty_engine, tmp_path
) -> None:
    variants = [
        {
            "district": "闵行",  # any form of the name; stored as the official one
            "hours": "示例时间",
            "hours_en": "Sample hours",
            "phone": "12345",
            "online_url": "https://example.org/sample",
        },
        {
            "district": "嘉定区",
            "offline_where": "示例地点",
            "extra_materials": [{"name": "示例材料", "form": "copy", "count": 2}],
        },
    ]
    catalogue = parse_catalogue([("test", _catalogue_with_variants(variants))])
    with session_scope(empty_engine) as session:
        import_catalogue(session, catalogue)
    with session_scope(empty_engine) as session:
        exported = export_catalogue(session)
    record = exported["services"][0]
    assert record["variants"] == [
        {
            "district": "嘉定区",
            "offline_where": "示例地点",
            "extra_materials": [
                {"name": "示例材料", "required": True, "form": "copy", "count": 2}
            ],
        },
        {
            "district": "闵行区",
            "hours": "示例时间",
            "hours_en": "Sample hours",
            "phone": "12345",
            "online_url": "https://example.org/sample",
        },
    ]
    assert (record["verified_at"], record["verified_by"], record["effective_date"]) == (
        dt.date(2026, 2, 1),
        "测试核验人",
        dt.date(2026, 3, 1),
    )
    path = tmp_path / "export.yml"
    path.write_text(render_export(exported, "yaml"), encoding="utf-8")
    with session_scope(empty_engine) as session:
        import_catalogue(session, load_catalogue([path]))
    with session_scope(empty_engine) as session:
        again = export_catalogue(session)
    assert json.dumps(again, default=str, sort_keys=True) == json.dumps(
        exported, default=str, sort_keys=True
    )


def test_reimporting_without_variants_removes_them(empty_engine) -> None:
    with session_scope(empty_engine) as session:
        import_catalogue(
            session,
            parse_catalogue(
                [
                    (
                        "test",
                        _catalogue_with_variants(
                            [{"district": "闵行区", "phone": "1"}]
                        ),
                    )
                ]
            ),
        )
    with session_scope(empty_engine) as session:
        import_catalogue(
            session, parse_catalogue([("test", _catalogue_with_variants([]))])
        )
    with session_scope(empty_engine) as session:
        assert get_service(session, "test-service").variants == []


@pytest.mark.parametrize(
    ("variants", "problem"),
    [
        ([{"district": "火星区", "hours": "x"}], "is not a district of Shanghai"),
        ([{"district": "闵行区"}], "a variant must set at least one field"),
        (
            [{"district": "闵行区", "hours": "x"}, {"district": "闵行", "phone": "1"}],
            "more than one variant for 闵行区",
        ),
        (
            [{"district": "闵行区", "hours_en": "x"}],
            "hours_en given without its Chinese",
        ),
    ],
)
def test_a_bad_variant_is_refused_with_the_reason(variants, problem) -> None:
    with pytest.raises(CatalogueError) as caught:
        parse_catalogue([("test", _catalogue_with_variants(variants))])
    assert any(
        "services[0] (test-service): variants" in p and problem in p
        for p in caught.value.problems
    ), caught.value.problems


def test_every_curated_variant_says_it_is_sample_data(session: Session) -> None:
    for code in ("residence-permit", "company-registration"):
        variants = get_service(session, code).variants
        assert variants
        for variant in variants:
            said = [
                variant.offline_where,
                variant.hours,
                *(m["name"] for m in variant.extra_materials or ()),
            ]
            assert all("示例数据" in text for text in said if text), variant.district
            assert variant.phone is None  # no phone is made up

"""Which office a citizen is sent to: street centre, district centre or city office."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from knowledge_base.divisions import DivisionRecord, import_divisions
from knowledge_base.models import Office
from knowledge_base.offices import (
    office_for,
    street_centre,
    street_centre_names,
    sync_street_centres,
)
from knowledge_base.services import get_service


def test_office_for_is_the_district_centre_that_handles_the_service(
    session: Session,
) -> None:
    service = get_service(session, "talent-hukou")
    office = office_for(session, service, "徐汇区")
    assert office is not None and office.code == "office-xuhui"


def test_office_for_falls_back_to_the_city_office_the_guide_names(
    session: Session,
) -> None:
    """黄浦's centre does not take 人才引进落户; the guide names the city's."""
    service = get_service(session, "talent-hukou")
    for district in ("黄浦区", None, ""):
        office = office_for(session, service, district)
        assert office is not None and office.code == "office-city-talent-service"
        assert office.level == "city" and not office.address_known


def test_office_for_is_none_when_no_office_of_ours_handles_it(
    session: Session,
) -> None:
    service = get_service(session, "marriage-registration")
    assert office_for(session, service, "徐汇区") is None
    assert office_for(session, get_service(session, "residence-permit"), None) is None


def test_office_for_takes_the_first_office_by_code_of_those_that_handle_it(
    session: Session,
) -> None:
    service = get_service(session, "talent-hukou")
    fields = {
        "name_en": "Xuhui annex",
        "district": "徐汇区",
        "address": "徐汇区",
        "hours": "9:00-17:00",
        "source": "test",
        "notice": "test",
    }
    session.add_all(
        [
            Office(code="office-a-xuhui", name="甲", services=[], **fields),
            Office(code="office-b-xuhui", name="乙", services=[service], **fields),
        ]
    )
    session.flush()
    office = office_for(session, service, "徐汇区")
    assert office is not None and office.code == "office-b-xuhui"


@pytest.fixture
def streets(session: Session) -> None:
    """Two towns and a zone of the official list, imported in the rolled-back session."""
    import_divisions(
        session,
        [
            DivisionRecord("310115125", "张江镇", "310115", "浦东新区"),
            DivisionRecord("310104011", "田林街道", "310104", "徐汇区"),
            DivisionRecord("310115402", "张江高科技园区", "310115", "浦东新区"),
        ],
        source="test list",
        as_of=dt.date(2099, 1, 1),
    )


def test_street_centres_are_derived_from_the_division_list(
    session: Session, streets: None
) -> None:
    centre = street_centre(session, "310115125")
    assert centre is not None
    assert (centre.code, centre.level, centre.district) == (
        "street-310115125",
        "street",
        "浦东新区",
    )
    assert centre.name == "张江镇社区事务受理服务中心"
    assert (
        centre.name_en == "Zhangjiang Town Community Affairs Acceptance Service Center"
    )
    # No recorded address, hours or phone: none is made up.
    assert (centre.address, centre.hours, centre.phone) == (None, None, None)
    assert not centre.address_known
    assert "test list" in centre.source
    handled = {service.code for service in centre.services}
    assert {"residence-permit", "minimum-living-allowance"} <= handled
    assert "company-registration" not in handled
    # A development zone has no community centre of its own.
    assert street_centre(session, "310115402") is None


def test_office_for_is_the_street_centre_for_a_street_level_service(
    session: Session, streets: None
) -> None:
    service = get_service(session, "residence-permit")
    office = office_for(session, service, "浦东新区", "310115125")
    assert office is not None and office.name == "张江镇社区事务受理服务中心"
    # The district follows from the street when the citizen named only the street.
    office = office_for(session, service, None, "310104011")
    assert office is not None and office.name == "田林街道社区事务受理服务中心"


def test_office_for_a_district_service_is_the_district_centre_whatever_the_street(
    session: Session, streets: None
) -> None:
    service = get_service(session, "company-registration")
    office = office_for(session, service, None, "310115125")
    assert office is not None and office.code == "office-pudong"


def test_office_for_a_street_level_service_without_a_street_is_none(
    session: Session, streets: None
) -> None:
    service = get_service(session, "residence-permit")
    assert office_for(session, service, "浦东新区") is None
    assert office_for(session, service, "浦东新区", "310115402") is None


def test_a_catalogue_import_keeps_the_street_centres_services_in_step(
    session: Session, streets: None
) -> None:
    service = get_service(session, "residence-permit")
    service.handled_at = []
    sync_street_centres(session)
    assert office_for(session, service, "浦东新区", "310115125") is None


@pytest.mark.parametrize(
    ("division", "english"),
    [
        ("张江镇", "Zhangjiang Town"),
        ("南京西路街道", "Nanjing West Road Subdistrict"),
        ("静安寺街道", "Jing'ansi Subdistrict"),
        ("曹杨新村街道", "Caoyang Xincun Subdistrict"),
        ("川沙新镇", "Chuansha New Town"),
        ("华新镇", "Huaxin Town"),
        ("堡镇", "Baozhen Town"),
        ("殷行街道", "Yinhang Subdistrict"),
        ("长风新村街道", "Changfeng Xincun Subdistrict"),
        ("横沙乡", "Hengsha Township"),
    ],
)
def test_street_centre_names_in_english_follow_shanghai_signage(
    division: str, english: str
) -> None:
    names = street_centre_names(division)
    assert names == (
        f"{division}社区事务受理服务中心",
        f"{english} Community Affairs Acceptance Service Center",
    )


def test_zones_and_farms_have_no_street_centre() -> None:
    assert street_centre_names("张江高科技园区") is None
    assert street_centre_names("前卫农场") is None

"""Which service centre a citizen is sent to."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge_base.models import Office
from knowledge_base.offices import office_for
from knowledge_base.services import get_service


def test_office_for_is_the_district_centre_that_handles_the_service(
    session: Session,
) -> None:
    service = get_service(session, "talent-hukou")
    office = office_for(session, service, "徐汇区")
    assert office is not None and office.code == "office-xuhui"


def test_office_for_is_none_when_the_district_centre_does_not_handle_it(
    session: Session,
) -> None:
    service = get_service(session, "talent-hukou")
    assert office_for(session, service, "黄浦区") is None


def test_office_for_is_none_without_a_district(session: Session) -> None:
    service = get_service(session, "talent-hukou")
    assert office_for(session, service, None) is None
    assert office_for(session, service, "") is None


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

"""属地派单: each order goes to the unit at its category's level where it happened, or
one level up, saying why."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.routing.units import handling_unit, street_unit_name
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from knowledge_base.divisions import DivisionRecord, import_divisions
from knowledge_base.repositories.work_order_categories import get_category

STREETS = [
    DivisionRecord("310104011", "田林街道", "310104", "徐汇区"),
    DivisionRecord("310115125", "张江镇", "310115", "浦东新区"),
    DivisionRecord("310104501", "漕河泾新兴技术开发区", "310104", "徐汇区"),
]


@pytest.mark.parametrize(
    ("street", "office"),
    [
        ("田林街道", "田林街道办事处"),
        ("张江镇", "张江镇人民政府"),
        ("漕河泾新兴技术开发区", "漕河泾新兴技术开发区管理机构"),
    ],
)
def test_a_street_or_town_is_served_by_its_own_office(street, office):
    assert street_unit_name(street) == office


def test_street_level_category_goes_to_the_street_office(session):
    unit = handling_unit(
        session, get_category(session, "illegal-construction"), "徐汇区", "田林街道"
    )
    assert (unit.level, unit.name) == ("street", "田林街道办事处")
    assert unit.lead_department == "urban-management"
    assert unit.assisting == ("上海市城市管理行政执法局",)
    assert unit.duty


def test_street_level_category_without_a_street_goes_to_the_district_counterpart(
    session,
):
    unit = handling_unit(session, get_category(session, "group-rental"), "徐汇区", None)
    assert (unit.level, unit.name) == ("district", "徐汇区住房保障和房屋管理局")
    assert "未能确定街镇" in unit.reason


def test_district_level_category_is_named_after_the_district(session):
    noise = handling_unit(session, get_category(session, "noise"), "浦东新区", "张江镇")
    assert (noise.level, noise.name) == ("district", "浦东新区生态环境局")
    parking = handling_unit(
        session, get_category(session, "traffic-parking"), "浦东新区", None
    )
    assert parking.name == "上海市公安局浦东分局交通警察支队"


def test_without_a_district_the_city_department_handles_and_forwards(session):
    unit = handling_unit(session, get_category(session, "noise"), None, None)
    assert (unit.level, unit.name) == ("city", "上海市生态环境局")
    assert "未能确定所在区" in unit.reason


def test_a_locally_handled_order_without_a_place_awaits_the_place_it_happened(
    session,
):
    noise = handling_unit(session, get_category(session, "noise"), None, None)
    rental = handling_unit(session, get_category(session, "group-rental"), None, None)
    transport = handling_unit(
        session, get_category(session, "public-transport"), None, None
    )
    placed = handling_unit(session, get_category(session, "noise"), "徐汇区", None)
    assert (noise.awaiting_place, rental.awaiting_place) == ("district", "street")
    assert transport.awaiting_place is None and placed.awaiting_place is None


def test_a_district_counterpart_not_in_the_catalogue_is_never_made_up(session):
    unit = handling_unit(
        session, get_category(session, "roads-municipal"), "徐汇区", None
    )
    assert (unit.level, unit.name) == ("city", "上海市住房和城乡建设管理委员会")


def test_city_level_category_stays_with_the_city_department(session):
    unit = handling_unit(
        session, get_category(session, "public-transport"), "徐汇区", "田林街道"
    )
    assert (unit.level, unit.name) == ("city", "上海市道路运输管理局")


def test_filed_order_is_located_and_sent_to_the_unit_where_it_happened(session, router):
    import_divisions(session, STREETS, source="test", as_of=dt.date(2022, 10, 31))
    order = file_work_order(
        session,
        WorkOrderRequest(description="张江镇有人私搭乱建，在小区绿地上加盖了房子"),
        router,
    )
    assert order.category.code == "illegal-construction"
    assert order.district == "浦东新区"
    assert (order.street_code, order.street) == ("310115125", "张江镇")
    assert (order.unit_level, order.unit_name) == ("street", "张江镇人民政府")
    # A correction to a district-level category moves it to that district's bureau.
    dispatch_work_order(session, order.number, "noise", "agent-li")
    assert (order.unit_level, order.unit_name) == ("district", "浦东新区生态环境局")


def test_the_district_the_citizen_gave_wins_over_a_place_named_elsewhere(
    session, router
):
    import_divisions(session, STREETS, source="test", as_of=dt.date(2022, 10, 31))
    order = file_work_order(
        session,
        WorkOrderRequest(description="张江镇的朋友说这里也有群租", district="徐汇区"),
        router,
    )
    assert order.district == "徐汇区" and order.street is None
    assert order.unit_level == "district"

"""Reading the district and the street or town out of what citizens write: official
names, short names, landmarks, sound-alikes, traditional characters and English, read
against the official list (from ../shared/data) and the hand-built landmarks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete, event, update

from foundation.db import session_scope
from foundation.errors import NotFoundError
from foundation.settings import get_settings
from knowledge_base.divisions import import_divisions
from knowledge_base.importers.divisions import read_divisions
from knowledge_base.locations import (
    Locator,
    Place,
    _CurrentLocator,
    load_landmarks,
    locate,
    short_names,
)
from knowledge_base.models import Division, DivisionList
from tests.conftest import SHARED_DATA_DIR

OFFICIAL_LIST = SHARED_DATA_DIR / "shanghai_divisions" / "streets.csv"
needs_official_list = pytest.mark.skipif(
    not OFFICIAL_LIST.exists(), reason="shared data not present"
)


@pytest.fixture(scope="module")
def locator() -> Locator:
    if not OFFICIAL_LIST.exists():
        pytest.skip("shared data not present")
    return Locator(read_divisions(OFFICIAL_LIST))


def _read(locator: Locator, text: str) -> tuple[str | None, str | None]:
    location = locator.locate(text)
    if location is None:
        return None, None
    return location.district.name, location.street.name if location.street else None


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("徐家汇街道", ["徐家汇"]),
        ("天平路街道", ["天平街道"]),
        ("康健新村街道", ["康健新村", "康健"]),
        ("真如镇街道", ["真如镇", "真如"]),
        ("川沙新镇", ["川沙镇", "川沙"]),
        ("南汇新城镇", ["南汇新城"]),
        ("菊园新区", ["菊园"]),
        ("七宝镇", ["七宝"]),
        ("唐镇", []),
        ("漕河泾新兴技术开发区", []),
    ],
)
def test_short_names_drop_the_suffix_citizens_leave_out(name, forms):
    assert short_names(name) == forms


def test_locate_reads_a_metro_exit_as_the_street_it_is_named_after(locator):
    assert _read(locator, "徐家汇地铁站3号口有人摆摊") == ("徐汇区", "徐家汇街道")


def test_locate_reads_a_business_park_as_its_own_division(locator):
    assert _read(locator, "漕河泾开发区桂平路晚上施工") == (
        "徐汇区",
        "漕河泾新兴技术开发区",
    )


def test_locate_reads_a_town_without_its_suffix(locator):
    assert _read(locator, "浦东张江这边有个工地") == ("浦东新区", "张江镇")


def test_locate_reads_a_landmark_as_the_street_it_lies_in(locator):
    assert _read(locator, "东方明珠下面有黄牛") == ("浦东新区", "陆家嘴街道")


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("陆家咀那边的写字楼", "陆家嘴街道"),
        ("五角厂那边堵车", "五角场街道"),
        ("闵行七堡镇老街", "七宝镇"),
        ("浦东机厂附近的货车", "祝桥镇"),
        ("曹河泾开发区有家餐厅", "漕河泾新兴技术开发区"),
    ],
)
def test_locate_reads_what_sounds_like_a_place(locator, text, street):
    assert _read(locator, text)[1] == street


def test_locate_does_not_take_a_three_character_near_sound_for_a_place(locator):
    # 中心镇 and 中兴镇 differ only by -n/-ng, which is too little to go on.
    assert _read(locator, "县里的中心镇") == (None, None)


def test_locate_reads_traditional_characters(locator):
    assert _read(locator, "閔行區七寶鎮的老街太擠了") == ("闵行区", "七宝镇")


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Construction noise near Xujiahui metro station", ("徐汇区", "徐家汇街道")),
        ("Tea scam near Jing'an Temple", ("静安区", "静安寺街道")),
        ("I live in Zhangjiang, Pudong", ("浦东新区", "张江镇")),
        ("The railings on the Bund are broken", ("黄浦区", "外滩街道")),
        ("Taxi queue at Hongqiao Railway Station", ("闵行区", "新虹街道")),
    ],
)
def test_locate_reads_places_written_in_english(locator, text, place):
    assert _read(locator, text) == place


def test_locate_does_not_read_a_road_named_after_a_place_in_english(locator):
    assert _read(locator, "My flat on Xujiahui Road") == (None, None)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("闸北区彭浦新村的老公房漏水", ("静安区", "彭浦新村街道")),
        ("卢湾区打浦桥的弄堂", ("黄浦区", "打浦桥街道")),
        ("原南汇区周浦这边", ("浦东新区", "周浦镇")),
    ],
)
def test_locate_reads_districts_that_no_longer_exist(locator, text, place):
    assert _read(locator, text) == place


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("闵行区虹桥的菜场", ("闵行区", "虹桥镇")),
        ("长宁区虹桥的老小区", ("长宁区", "虹桥街道")),
    ],
)
def test_locate_lets_the_named_district_settle_a_name_two_streets_share(
    locator, text, place
):
    assert _read(locator, text) == place


def test_locate_leaves_a_name_two_districts_share_unread(locator):
    assert _read(locator, "虹桥那边有人乱停车") == (None, None)


def test_locate_gives_the_district_alone_when_the_street_is_unknown(locator):
    assert _read(locator, "徐汇区漕溪北路上有人发传单") == ("徐汇区", None)


def test_locate_believes_the_named_district_over_a_landmark_in_another(locator):
    # 漕河泾开发区's own unit is counted in 徐汇; the citizen says 闵行.
    assert _read(locator, "闵行区漕河泾开发区有工地") == ("闵行区", None)


@pytest.mark.parametrize("text", ["吴淞路上有人摆摊", "浦东南路有工地", "长宁路堵车"])
def test_locate_does_not_read_a_road_named_after_a_place_as_the_place(locator, text):
    assert _read(locator, text) == (None, None)


@pytest.mark.parametrize(
    "text",
    ["希望提高行人过马路的安全", "这家店的菜真新鲜", "黄浦江边上有人游泳", "大团结"],
)
def test_locate_does_not_read_places_inside_everyday_words(locator, text):
    assert _read(locator, text) == (None, None)


def test_locate_reads_a_place_jieba_fuses_with_a_preposition(locator):
    assert _read(locator, "住在外冈的居民反映河道发臭") == ("嘉定区", "外冈镇")


def test_locate_says_which_words_decided_and_how(locator):
    location = locator.locate("許匯區田林這邊")
    assert location is not None
    assert [(m.text, m.reads_as, m.how) for m in location.evidence] == [
        ("许汇区", "徐汇区", "sounds like"),
        ("田林", "田林", "short name"),
    ]


def test_locate_finds_nothing_where_no_place_is_named(locator):
    assert locator.locate("楼上每天半夜装修，太吵了") is None


def _import_the_official_list(engine) -> None:
    with session_scope(engine) as session:
        import_divisions(
            session,
            read_divisions(OFFICIAL_LIST),
            source="test",
            as_of=dt.date(2022, 10, 31),
        )


@needs_official_list
def test_locate_reads_the_current_list_in_the_database(empty_engine):
    _import_the_official_list(empty_engine)
    with session_scope(empty_engine) as session:
        location = locate("七宝老街", session=session)
    assert location is not None
    assert (location.district, location.street) == (
        Place("310112", "闵行区"),
        Place("310112102", "七宝镇"),
    )


@needs_official_list
def test_locate_follows_a_later_list_without_a_restart(empty_engine):
    official = read_divisions(OFFICIAL_LIST)
    with session_scope(empty_engine) as session:
        import_divisions(session, official, source="test", as_of=dt.date(2022, 10, 31))
    with session_scope(empty_engine) as session:
        assert locate("七宝老街", session=session) is not None
    # A made-up later edition in which 七宝镇 is gone.
    later = [record for record in official if record.name != "七宝镇"]
    with session_scope(empty_engine) as session:
        import_divisions(session, later, source="test", as_of=dt.date(2030, 1, 1))
    with session_scope(empty_engine) as session:
        assert locate("七宝老街", session=session) is None


@needs_official_list
def test_locator_reads_the_lists_version_once_per_check_interval(empty_engine):
    _import_the_official_list(empty_engine)
    now = [0.0]
    current = _CurrentLocator(clock=lambda: now[0])
    reads: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        if "division_lists" in statement:
            reads.append(statement)

    event.listen(empty_engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            with session_scope(empty_engine) as session:
                assert current.get(session).locate("七宝老街") is not None
        # The version, then the list to build from: once for five messages.
        assert len(reads) == 2
        now[0] += get_settings().catalogue_check_interval_s + 0.1
        with session_scope(empty_engine) as session:
            current.get(session)
        assert len(reads) == 3
    finally:
        event.remove(empty_engine, "before_cursor_execute", count)


@needs_official_list
def test_locator_follows_another_process_import_within_the_check_interval(
    empty_engine,
):
    _import_the_official_list(empty_engine)
    now = [0.0]
    current = _CurrentLocator(clock=lambda: now[0])
    with session_scope(empty_engine) as session:
        assert current.get(session).locate("七宝老街") is not None
    # Another process merges 七宝镇 away: this one has not imported anything.
    with session_scope(empty_engine) as session:
        session.execute(delete(Division).where(Division.name == "七宝镇"))
        session.execute(
            update(DivisionList).values(imported_at=dt.datetime(2030, 1, 1, 9, 0))
        )
    with session_scope(empty_engine) as session:
        assert current.get(session).locate("七宝老街") is not None
    now[0] += get_settings().catalogue_check_interval_s + 0.1
    with session_scope(empty_engine) as session:
        assert current.get(session).locate("七宝老街") is None


def test_locate_without_a_list_says_none_was_imported(empty_engine):
    with session_scope(empty_engine) as session, pytest.raises(NotFoundError):
        locate("七宝老街", session=session)


@needs_official_list
def test_landmarks_name_divisions_of_the_official_list():
    divisions = {r.code: r.name for r in read_divisions(OFFICIAL_LIST)} | {
        r.district_code: r.district for r in read_divisions(OFFICIAL_LIST)
    }
    wrong = [
        (landmark.names, landmark.code, landmark.division)
        for landmark in load_landmarks().places
        if divisions.get(landmark.code) != landmark.division
    ]
    assert wrong == []


def test_landmarks_each_say_why_they_lie_where_they_are_placed():
    assert all(landmark.note.strip() for landmark in load_landmarks().places)


@needs_official_list
def test_not_shortened_words_are_all_short_names_of_some_division():
    short = {
        form for r in read_divisions(OFFICIAL_LIST) for form in short_names(r.name)
    }
    assert sorted(load_landmarks().not_shortened - short) == []

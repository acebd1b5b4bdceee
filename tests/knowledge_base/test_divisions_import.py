"""Importing the official list of districts and streets: what a file must hold, and an
import that keeps its source and date, changes only what differs, and lets a later
edition take over."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from foundation import clock
from foundation.db import session_scope
from foundation.errors import CatalogueError
from knowledge_base.divisions import DivisionRecord, import_divisions
from knowledge_base.importers.divisions import read_divisions
from knowledge_base.repositories.divisions import current_division_list
from tests.conftest import SHARED_DATA_DIR

OFFICIAL_LIST = SHARED_DATA_DIR / "shanghai_divisions" / "streets.csv"
SOURCE = "a test edition"
AS_OF = dt.date(2022, 10, 31)
LATER = dt.datetime(2030, 1, 1, 9, 0)
# Made-up divisions of a made-up district: the shape of the list, none of its data.
HEADER = "code,name,district_code,district\n"
ROWS = [
    DivisionRecord("310199001", "甲街道", "310199", "测试区"),
    DivisionRecord("310199101", "乙镇", "310199", "测试区"),
    DivisionRecord("310198001", "丙街道", "310198", "试验区"),
]


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "streets.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _stored(engine) -> tuple[str, dt.date, dt.datetime, list[DivisionRecord]]:
    with session_scope(engine) as session:
        current = current_division_list(session)
        assert current is not None
        return (
            current.source,
            current.as_of,
            current.imported_at,
            [
                DivisionRecord(d.code, d.name, d.district_code, d.district)
                for d in current.divisions
            ],
        )


@pytest.mark.skipif(not OFFICIAL_LIST.exists(), reason="shared data not present")
def test_read_divisions_reads_the_sixteen_districts_and_their_streets():
    records = read_divisions(OFFICIAL_LIST)
    assert len(records) == 234
    assert len({record.district_code for record in records}) == 16
    assert DivisionRecord("310104014", "徐家汇街道", "310104", "徐汇区") in records


def test_read_divisions_reads_each_row_as_a_record(tmp_path):
    body = "".join(f"{r.code},{r.name},{r.district_code},{r.district}\n" for r in ROWS)
    assert read_divisions(_csv(tmp_path, body)) == ROWS


def test_read_divisions_reports_every_bad_row_with_its_line(tmp_path):
    body = (
        "31019900,甲街道,310199,测试区\n"
        "310199001,甲街道,310198,测试区\n"
        "310199002,,310199,测试区\n"
        "310199101,乙镇,310199,测试区\n"
        "310199102,丁镇,310199,另一个名字\n"
        "310199101,乙镇,310199,测试区\n"
    )
    with pytest.raises(CatalogueError) as raised:
        read_divisions(_csv(tmp_path, body))
    assert raised.value.problems == [
        "streets.csv line 2: code '31019900' is not nine digits",
        "streets.csv line 3: code 310199001 is not in district 310198",
        "streets.csv line 4: a name is empty",
        "streets.csv line 6: district 310199 is called both 测试区 and 另一个名字",
        "streets.csv: code 310199101 is listed twice",
    ]


def test_read_divisions_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "streets.csv"
    path.write_text("code,name\n310199001,甲街道\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="no column district_code, district"):
        read_divisions(path)


def test_import_divisions_keeps_the_lists_source_and_date(empty_engine):
    with session_scope(empty_engine) as session:
        result = import_divisions(session, ROWS, source=SOURCE, as_of=AS_OF)
    assert (result.added, result.changed, result.removed, result.current) == (
        3,
        0,
        0,
        True,
    )
    source, as_of, _, divisions = _stored(empty_engine)
    assert (source, as_of) == (SOURCE, AS_OF)
    assert sorted(divisions, key=lambda d: d.code) == sorted(ROWS, key=lambda d: d.code)


def test_import_divisions_again_changes_nothing(empty_engine, monkeypatch):
    with session_scope(empty_engine) as session:
        import_divisions(session, ROWS, source=SOURCE, as_of=AS_OF)
    before = _stored(empty_engine)
    monkeypatch.setattr(clock, "now", lambda: LATER)
    with session_scope(empty_engine) as session:
        result = import_divisions(session, ROWS, source=SOURCE, as_of=AS_OF)
    assert (result.added, result.changed, result.removed) == (0, 0, 0)
    assert _stored(empty_engine) == before


def test_import_divisions_of_a_corrected_edition_changes_only_what_differs(
    empty_engine, monkeypatch
):
    with session_scope(empty_engine) as session:
        import_divisions(session, ROWS, source=SOURCE, as_of=AS_OF)
    corrected = [
        DivisionRecord("310199001", "甲路街道", "310199", "测试区"),
        ROWS[1],
        DivisionRecord("310199102", "丁镇", "310199", "测试区"),
    ]
    monkeypatch.setattr(clock, "now", lambda: LATER)
    with session_scope(empty_engine) as session:
        result = import_divisions(session, corrected, source=SOURCE, as_of=AS_OF)
    assert (result.added, result.changed, result.removed) == (1, 1, 1)
    # Processes rebuild their locator when the import time changes.
    assert _stored(empty_engine)[2:] == (LATER, corrected)


def test_import_divisions_of_a_later_edition_makes_it_current(empty_engine):
    later = [*ROWS[:2], DivisionRecord("310198002", "戊街道", "310198", "试验区")]
    with session_scope(empty_engine) as session:
        import_divisions(session, ROWS, source=SOURCE, as_of=AS_OF)
        result = import_divisions(
            session, later, source="a later edition", as_of=dt.date(2024, 1, 1)
        )
    assert result.current
    source, as_of, _, divisions = _stored(empty_engine)
    assert (source, as_of, [d.name for d in divisions]) == (
        "a later edition",
        dt.date(2024, 1, 1),
        ["戊街道", "甲街道", "乙镇"],
    )


def test_import_divisions_of_an_earlier_edition_leaves_the_current_one(empty_engine):
    with session_scope(empty_engine) as session:
        import_divisions(session, ROWS, source=SOURCE, as_of=AS_OF)
        result = import_divisions(
            session, ROWS[:1], source="an older edition", as_of=dt.date(2020, 1, 1)
        )
    assert not result.current
    assert _stored(empty_engine)[:2] == (SOURCE, AS_OF)

"""0021 gives offices a level (city, district, street) and services the levels they
are handled at; the district centres already there stay district centres, and on the
way down the offices the old schema cannot hold (street centres, city offices with
no address) go. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from foundation import migrate
from foundation.db import make_engine
from harness.servers import postgres_server

BEFORE = "0020_english_guidance"
AFTER = "0021_office_levels"

_OFFICE = (
    "INSERT INTO offices (id, code, name, name_en, district, address, hours, source, "
    "notice{extra}) VALUES ({id}, '{code}', '名', 'Name', {district}, {address}, "
    "{hours}, 's', 'n'{values})"
)


def _office(
    office_id: int,
    code: str,
    *,
    district: str | None = "'徐汇区'",
    address: str = "'徐汇区南宁路969号'",
    hours: str = "'9:00-17:00'",
    level: str | None = None,
    street: str | None = None,
) -> str:
    extra = values = ""
    if level is not None:
        extra, values = ", level, street", f", '{level}', {street or 'NULL'}"
    return _OFFICE.format(
        id=office_id,
        code=code,
        district=district or "NULL",
        address=address,
        hours=hours,
        extra=extra,
        values=values,
    )


def _assert_office_levels_migrate(url: str) -> None:
    migrate.downgrade(url, "base")
    migrate.upgrade(url, BEFORE)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(_office(1, "office-xuhui")))
        migrate.upgrade(url, AFTER)
        with engine.begin() as connection:
            assert connection.execute(
                text("SELECT level, street FROM offices WHERE id = 1")
            ).one() == ("district", None)
            connection.execute(
                text(
                    _office(
                        2,
                        "street-310115125",
                        district="'浦东新区'",
                        address="NULL",
                        hours="NULL",
                        level="street",
                        street="'310115125'",
                    )
                )
            )
            connection.execute(
                text(
                    _office(
                        3,
                        "office-city",
                        district=None,
                        address="NULL",
                        hours="NULL",
                        level="city",
                    )
                )
            )
        for bad in (
            _office(4, "no-street", level="street"),
            _office(5, "no-district", district=None, level="district"),
            _office(6, "town-hall", level="town"),
        ):
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(text(bad))

        migrate.downgrade(url, BEFORE)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT code, address FROM offices ORDER BY id")
            ).all()
        assert [tuple(row) for row in rows] == [("office-xuhui", "徐汇区南宁路969号")]
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(text(_office(7, "no-address", address="NULL")))
        migrate.upgrade(url)
    finally:
        engine.dispose()


def test_office_levels_migrate_up_and_down_on_sqlite(tmp_path):
    _assert_office_levels_migrate(f"sqlite:///{tmp_path / 'offices.db'}")


@pytest.fixture(scope="module")
def postgres_url():
    with postgres_server() as url:
        yield url


@pytest.mark.postgres
def test_office_levels_migrate_up_and_down_on_postgresql(postgres_url):
    _assert_office_levels_migrate(postgres_url)

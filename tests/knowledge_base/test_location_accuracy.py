"""How often the locator finds the district and the street of complaints written the
way citizens write them (tests/data/complaint_addresses.yml), reading the official
list (from ../shared/data) from a database, as the product does. Run with ``-s`` to
see the figures and every miss."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from foundation import migrate
from foundation.db import make_engine, session_scope
from knowledge_base.divisions import import_divisions
from knowledge_base.importers.divisions import read_divisions
from knowledge_base.locations import locate
from tests.conftest import SHARED_DATA_DIR, load_yaml

OFFICIAL_LIST = SHARED_DATA_DIR / "shanghai_divisions" / "streets.csv"
DISTRICT_TARGET = 0.95
STREET_TARGET = 0.85

pytestmark = pytest.mark.skipif(
    not OFFICIAL_LIST.exists(), reason="shared data not present"
)


@dataclass(frozen=True)
class Reading:
    text: str
    district: str | None
    street: str | None
    found_district: str | None
    found_street: str | None
    evidence: str

    def describe(self) -> str:
        return (
            f"{self.text!r}: labelled {self.district}/{self.street}, "
            f"read {self.found_district}/{self.found_street} ({self.evidence})"
        )


@pytest.fixture(scope="module")
def complaints() -> list[dict[str, str | None]]:
    return load_yaml("complaint_addresses.yml")


@pytest.fixture(scope="module")
def readings(complaints, tmp_path_factory) -> list[Reading]:
    url = f"sqlite:///{tmp_path_factory.mktemp('locations') / 'divisions.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            import_divisions(
                session,
                read_divisions(OFFICIAL_LIST),
                source="shared/data/shanghai_divisions",
                as_of=dt.date(2022, 10, 31),
            )
        readings = []
        with session_scope(engine) as session:
            for complaint in complaints:
                location = locate(str(complaint["text"]), session=session)
                readings.append(
                    Reading(
                        text=str(complaint["text"]),
                        district=complaint["district"],
                        street=complaint["street"],
                        found_district=location.district.code if location else None,
                        found_street=(
                            location.street.code
                            if location and location.street
                            else None
                        ),
                        evidence=", ".join(
                            f"{m.text}: {m.how}" for m in location.evidence
                        )
                        if location
                        else "nothing",
                    )
                )
    finally:
        engine.dispose()
    district = _share(readings, lambda r: r.found_district == r.district)
    street = _share(readings, lambda r: r.found_street == r.street)
    print(
        f"\n{len(readings)} complaints: district accuracy {district:.3f}, "
        f"street accuracy {street:.3f}"
    )
    for reading in readings:
        if (reading.found_district, reading.found_street) != (
            reading.district,
            reading.street,
        ):
            print("  miss", reading.describe())
    return readings


def _share(readings: list[Reading], correct) -> float:
    return sum(1 for reading in readings if correct(reading)) / len(readings)


def test_complaint_addresses_hold_at_least_150_complaints(complaints):
    assert len(complaints) >= 150


def test_complaint_addresses_are_labelled_with_codes_of_the_official_list(complaints):
    records = read_divisions(OFFICIAL_LIST)
    district_of = {r.code: r.district_code for r in records}
    wrong = [
        complaint
        for complaint in complaints
        if (
            complaint["street"]
            and district_of.get(complaint["street"]) != complaint["district"]
        )
        or (complaint["district"] and complaint["district"] not in district_of.values())
        or (complaint["street"] and not complaint["district"])
    ]
    assert wrong == []


def test_locate_finds_the_district_of_at_least_95_percent(readings):
    misses = [r.describe() for r in readings if r.found_district != r.district]
    accuracy = 1 - len(misses) / len(readings)
    assert accuracy >= DISTRICT_TARGET, "\n".join(misses)


def test_locate_finds_the_street_of_at_least_85_percent(readings):
    misses = [r.describe() for r in readings if r.found_street != r.street]
    accuracy = 1 - len(misses) / len(readings)
    assert accuracy >= STREET_TARGET, "\n".join(misses)

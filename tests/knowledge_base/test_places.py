"""The Shanghai gazetteer: districts, their streets and towns, and every way to name them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from knowledge_base.places import (
    PLACES_PATH,
    address_words,
    district_of_street,
    get_places,
    load_places,
    normalise_district,
    place_forms,
)

SHANGHAI_DISTRICTS = {
    "黄浦区",
    "徐汇区",
    "长宁区",
    "静安区",
    "普陀区",
    "虹口区",
    "杨浦区",
    "闵行区",
    "宝山区",
    "嘉定区",
    "浦东新区",
    "金山区",
    "松江区",
    "青浦区",
    "奉贤区",
    "崇明区",
}


def test_places_lists_the_sixteen_districts() -> None:
    assert {d.name for d in get_places().districts} == SHANGHAI_DISTRICTS


def test_places_lists_at_least_eight_streets_per_district() -> None:
    counts = {d.name: len(d.streets) for d in get_places().districts}
    assert min(counts.values()) >= 8, counts


def test_places_lists_about_two_hundred_streets() -> None:
    assert 200 <= len(get_places().streets) <= 250


def test_places_street_names_are_unique_and_official() -> None:
    names = [s.name for s in get_places().streets]
    assert [name for name, n in Counter(names).items() if n > 1] == []
    assert all(name.endswith(("街道", "镇", "乡")) for name in names)


def test_places_streets_know_their_district() -> None:
    for district in get_places().districts:
        assert {s.district for s in district.streets} == {district.name}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("徐汇区", "徐汇区"),
        ("徐汇", "徐汇区"),
        ("Xuhui", "徐汇区"),
        ("Xuhui District", "徐汇区"),
        ("  xuhui   district ", "徐汇区"),
        ("浦东新区", "浦东新区"),
        ("浦东", "浦东新区"),
        ("Pudong", "浦东新区"),
        ("Pudong New Area", "浦东新区"),
        ("静安", "静安区"),
        ("Jing'an", "静安区"),
        ("Jingan", "静安区"),
        ("Jing’an District", "静安区"),
        ("崇明", "崇明区"),
        ("Chongming District", "崇明区"),
    ],
)
def test_normalise_district_maps_every_form_to_the_official_name(
    text: str, expected: str
) -> None:
    assert normalise_district(text) == expected


@pytest.mark.parametrize(
    "former, current",
    [
        ("闸北", "静安区"),
        ("闸北区", "静安区"),
        ("卢湾", "黄浦区"),
        ("南汇", "浦东新区"),
    ],
)
def test_normalise_district_maps_merged_districts_to_their_successor(
    former: str, current: str
) -> None:
    assert normalise_district(former) == current


@pytest.mark.parametrize("text", ["", "北京", "朝阳区", "七宝镇", "Shanghai", "浦"])
def test_normalise_district_returns_none_for_other_names(text: str) -> None:
    assert normalise_district(text) is None


@pytest.mark.parametrize(
    "name, district",
    [
        ("七宝镇", "闵行区"),
        ("七宝", "闵行区"),
        ("陆家嘴街道", "浦东新区"),
        ("陆家嘴", "浦东新区"),
        ("张江镇", "浦东新区"),
        ("徐家汇街道", "徐汇区"),
        ("虹桥镇", "闵行区"),
        ("虹桥街道", "长宁区"),
        ("真如镇街道", "普陀区"),
        ("横沙岛", "崇明区"),
        ("临港", "浦东新区"),
    ],
)
def test_district_of_street_finds_the_district(name: str, district: str) -> None:
    assert district_of_street(name) == district


@pytest.mark.parametrize("name", ["虹桥", "南京西路", "徐汇区", "", "七宝镇七宝"])
def test_district_of_street_returns_none_for_unknown_or_ambiguous_names(
    name: str,
) -> None:
    # 虹桥 is both 长宁's 虹桥街道 and 闵行's 虹桥镇, so it is not a listed short form.
    assert district_of_street(name) is None


def test_district_of_street_returns_none_for_a_short_form_two_districts_share(
    tmp_path: Path,
) -> None:
    path = tmp_path / "places.yml"
    path.write_text(
        "districts:\n"
        "  - {name: 甲区, streets: {东镇: [东]}}\n"
        "  - {name: 乙区, streets: {东街道: [东]}}\n" + _copy_of_address_words(),
        encoding="utf-8",
    )
    places = load_places(path)
    assert places.district_of_street("东") is None
    assert places.district_of_street("东镇") == "甲区"


def test_place_forms_map_each_text_to_one_place() -> None:
    values: dict[str, set[tuple[str, str]]] = {}
    for form in place_forms():
        values.setdefault(form.text.casefold(), set()).add((form.kind, form.value))
    assert {text: v for text, v in values.items() if len(v) > 1} == {}


def test_place_forms_include_every_official_name() -> None:
    texts = {form.text for form in place_forms()}
    official = {d.name for d in get_places().districts}
    official |= {s.name for s in get_places().streets}
    assert official <= texts


def test_address_words_are_loaded_with_the_gazetteer() -> None:
    words = address_words()
    assert "路" in words.road_suffixes
    assert "小区" in words.estate_suffixes
    assert "号" in words.house_units
    assert "的" in words.name_breaks


def _copy_of_address_words() -> str:
    # load_places needs the address vocabulary too; take it from the real file.
    text = PLACES_PATH.read_text(encoding="utf-8")
    return text[text.index("address_words:") :]

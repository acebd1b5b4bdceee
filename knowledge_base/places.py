"""Shanghai's districts, subdistricts and towns, and the ways citizens name them.

The data lives in `data/places.yml` and is read once, on first use. Every form a
citizen may write (徐汇, Xuhui District, 卢湾 …) normalises to one official Chinese
name, which is what work orders are routed on. The same file holds the words for
reading addresses that are not in the list (roads, estates, crossings).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

PLACES_PATH = Path(__file__).resolve().parent / "data" / "places.yml"

PlaceKind = Literal["district", "street"]

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Street:
    """A subdistrict (街道) or town (镇/乡) and the district it belongs to."""

    name: str
    district: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class District:
    name: str
    short_names: tuple[str, ...]
    english_names: tuple[str, ...]
    former_names: tuple[str, ...]
    streets: tuple[Street, ...]

    @property
    def forms(self) -> tuple[str, ...]:
        """Every way of writing the district, the official name first."""
        return (
            self.name,
            *self.short_names,
            *self.english_names,
            *self.former_names,
        )


@dataclass(frozen=True)
class PlaceForm:
    """One way a place is written in a message and the official name it stands for."""

    text: str
    kind: PlaceKind
    value: str


@dataclass(frozen=True)
class AddressWords:
    """Vocabulary for addresses not in the gazetteer; see `address_words` in the YAML."""

    road_suffixes: tuple[str, ...]
    named_road_suffixes: tuple[str, ...]
    generic_roads: tuple[str, ...]
    directions: tuple[str, ...]
    estate_suffixes: tuple[str, ...]
    house_units: tuple[str, ...]
    crossings: tuple[str, ...]
    connectors: tuple[str, ...]
    locatives: tuple[str, ...]
    name_breaks: frozenset[str]
    leading_words: tuple[str, ...]
    generic_names: frozenset[str]


class Places:
    """The gazetteer: districts, their streets and lookups over every form."""

    def __init__(
        self, districts: Iterable[District], address_words: AddressWords
    ) -> None:
        self.districts = tuple(districts)
        self.address_words = address_words
        self.streets = tuple(s for d in self.districts for s in d.streets)
        self._district_by_form = {
            _key(form): d.name for d in self.districts for form in d.forms
        }
        # A street form that two places share (none today) would map to None.
        street_forms: dict[str, str | None] = {}
        for street in self.streets:
            for form in (street.name, *street.aliases):
                key = _key(form)
                if key in street_forms and street_forms[key] != street.district:
                    street_forms[key] = None
                else:
                    street_forms[key] = street.district
        self._district_by_street_form = street_forms

    def normalise_district(self, text: str) -> str | None:
        return self._district_by_form.get(_key(text))

    def district_of_street(self, name: str) -> str | None:
        return self._district_by_street_form.get(_key(name))

    def forms(self) -> tuple[PlaceForm, ...]:
        """All written forms of all places, for building matchers."""
        district_forms = [
            PlaceForm(text, "district", d.name)
            for d in self.districts
            for text in _with_apostrophe_variants(d.forms)
        ]
        street_forms = [
            PlaceForm(text, "street", s.name)
            for s in self.streets
            for text in (s.name, *s.aliases)
        ]
        return (*district_forms, *street_forms)


def load_places(path: Path = PLACES_PATH) -> Places:
    """Reads the gazetteer from YAML.

    Args:
        path: A file shaped like `data/places.yml`.

    Returns:
        The districts with their streets.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    districts = []
    for entry in raw["districts"]:
        name = entry["name"]
        streets = tuple(
            Street(name=street, district=name, aliases=tuple(aliases or ()))
            for street, aliases in (entry.get("streets") or {}).items()
        )
        districts.append(
            District(
                name=name,
                short_names=tuple(entry.get("short") or ()),
                english_names=tuple(entry.get("english") or ()),
                former_names=tuple(entry.get("former") or ()),
                streets=streets,
            )
        )
    return Places(districts, _address_words(raw["address_words"]))


def _address_words(raw: dict[str, Any]) -> AddressWords:
    def words(key: str) -> tuple[str, ...]:
        return tuple(str(word) for word in raw[key])

    return AddressWords(
        road_suffixes=words("road_suffixes"),
        named_road_suffixes=words("named_road_suffixes"),
        generic_roads=words("generic_roads"),
        directions=words("directions"),
        estate_suffixes=words("estate_suffixes"),
        house_units=words("house_units"),
        crossings=words("crossings"),
        connectors=words("connectors"),
        locatives=words("locatives"),
        name_breaks=frozenset(raw["name_breaks"]),
        leading_words=words("leading_words"),
        generic_names=frozenset(words("generic_names")),
    )


@lru_cache(maxsize=1)
def get_places() -> Places:
    """The bundled gazetteer, read on first use."""
    return load_places()


def normalise_district(text: str) -> str | None:
    """Maps any form of a district's name to its official Chinese name.

    Args:
        text: 浦东, 浦东新区, Pudong, pudong new area, 闸北 (now part of 静安区) …

    Returns:
        The official name (浦东新区), or None when the text names no district.
    """
    return get_places().normalise_district(text)


def district_of_street(name: str) -> str | None:
    """The district a subdistrict or town belongs to.

    Args:
        name: The official name (七宝镇) or an unambiguous short form (七宝).

    Returns:
        The district's official name (闵行区), or None when unknown.
    """
    return get_places().district_of_street(name)


def place_forms() -> tuple[PlaceForm, ...]:
    """Every written form of every district and street, for building matchers."""
    return get_places().forms()


def address_words() -> AddressWords:
    """The vocabulary for reading road addresses, estates and crossings."""
    return get_places().address_words


def _key(text: str) -> str:
    # English forms vary in case, spacing and apostrophe ("Jing’an district").
    return _SPACES.sub(" ", text.strip()).replace("’", "'").casefold()


def _with_apostrophe_variants(forms: Iterable[str]) -> list[str]:
    variants: list[str] = []
    for form in forms:
        variants.append(form)
        if "'" in form:
            variants.append(form.replace("'", "’"))
    return variants


def english_district_name(name: str) -> str | None:
    """A district's English name as signs write it (Xuhui District, Pudong New Area).

    Args:
        name: The official Chinese name, 徐汇区.

    Returns:
        Its first English form of more than one word, or None for no district.
    """
    for district in get_places().districts:
        if district.name == name:
            return next(
                (form for form in district.english_names if " " in form),
                district.english_names[0] if district.english_names else None,
            )
    return None

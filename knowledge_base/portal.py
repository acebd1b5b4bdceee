"""The official portal: where a citizen is sent when no guide of ours can answer.

One record (data/portal.yml) names it, with its source, so that an answer never spells
an address of its own making.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

PORTAL_FILE = Path(__file__).parent / "data" / "portal.yml"


@dataclass(frozen=True)
class Portal:
    name_zh: str
    name_en: str
    url: str
    verified: bool

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


@functools.lru_cache(maxsize=1)
def official_portal() -> Portal:
    record = yaml.safe_load(PORTAL_FILE.read_text(encoding="utf-8"))["portal"]
    return Portal(
        name_zh=record["name"]["zh"],
        name_en=record["name"]["en"],
        url=record["url"],
        verified=bool(record.get("verified")),
    )


@dataclass(frozen=True)
class MapSearch:
    """A map's documented search URL, for an office whose address we do not hold."""

    name_zh: str
    name_en: str
    url: str
    verified: bool

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def url_for(self, keyword: str) -> str:
        return self.url.format(keyword=quote(keyword))


@functools.lru_cache(maxsize=1)
def map_search() -> MapSearch:
    record = yaml.safe_load(PORTAL_FILE.read_text(encoding="utf-8"))["map_search"]
    return MapSearch(
        name_zh=record["name"]["zh"],
        name_en=record["name"]["en"],
        url=record["url"],
        verified=bool(record.get("verified")),
    )

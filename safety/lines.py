"""The telephone lines an emergency is sent to, read from ``data/emergency_lines.yml``.

The file records each number's issuing authority, the notice it comes from and whether
that was verified; the code only reads it. It is loaded on first use and kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from safety.kinds import Kind

LINES_PATH = Path(__file__).resolve().parent / "data" / "emergency_lines.yml"


@dataclass(frozen=True)
class EmergencyLine:
    """One telephone line, with where its number comes from."""

    id: str
    number: str
    name_zh: str
    name_en: str
    hours: str
    authority: str
    notice: str
    reported: tuple[str, ...]
    verified: bool


@dataclass(frozen=True)
class LineCatalogue:
    lines: dict[str, EmergencyLine]
    # Kind code (and "self_harm_imminent") → line ids, the first one first.
    routes: dict[str, tuple[str, ...]]

    def numbers(self, route: str) -> tuple[str, ...]:
        return tuple(self.lines[line_id].number for line_id in self.routes[route])


def emergency_lines() -> tuple[EmergencyLine, ...]:
    """Every line of the catalogue, in the file's order."""
    return tuple(line_catalogue().lines.values())


def numbers_for(kind: Kind, *, imminent: bool = True) -> tuple[str, ...]:
    """The numbers to call for one kind of emergency, the one to call first first.

    Args:
        kind: What is happening.
        imminent: For self-harm only: the citizen is acting on it now, so 120 and 110
            come before the crisis lines.

    Returns:
        Telephone numbers as strings, e.g. ``("120", "110", "122")``.
    """
    return line_catalogue().numbers(_route(kind, imminent=imminent))


def _route(kind: Kind, *, imminent: bool) -> str:
    if kind is Kind.SELF_HARM and imminent:
        return "self_harm_imminent"
    return kind.value


@lru_cache(maxsize=1)
def line_catalogue() -> LineCatalogue:
    return load_line_catalogue(LINES_PATH)


def load_line_catalogue(path: Path) -> LineCatalogue:
    """Read and check a lines file: every route names known lines, every kind a route."""
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines: dict[str, EmergencyLine] = {}
    for record in raw["lines"]:
        source = record["source"]
        line = EmergencyLine(
            id=str(record["id"]),
            number=str(record["number"]),
            name_zh=str(record["name"]["zh"]),
            name_en=str(record["name"]["en"]),
            hours=str(record.get("hours", "")),
            authority=str(source["authority"]),
            notice=str(source["notice"]),
            reported=tuple(str(item) for item in source.get("reported", ())),
            verified=bool(record["verified"]),
        )
        if not line.number.isdigit():
            raise ValueError(f"{path}: line {line.id} has no plain number")
        lines[line.id] = line
    routes = {
        str(route): tuple(str(line_id) for line_id in line_ids)
        for route, line_ids in raw["kinds"].items()
    }
    missing = {kind.value for kind in Kind} - set(routes)
    if missing or "self_harm_imminent" not in routes:
        raise ValueError(f"{path}: no lines for {sorted(missing)}")
    unknown = {line_id for ids in routes.values() for line_id in ids} - set(lines)
    if unknown:
        raise ValueError(f"{path}: unknown lines {sorted(unknown)}")
    return LineCatalogue(lines=lines, routes=routes)

"""A stretch of a message that names a place or a time, as the grammars find it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

DISTRICT = "district"
ADDRESS = "address"
DATE = "date"


@dataclass(frozen=True)
class Span:
    """What the text from `start` to `end` names: an `entity` type and its `value`."""

    start: int
    end: int
    entity: str
    value: str

    def as_entity(self) -> dict[str, Any]:
        """The span as an entity in Rasa's format, which every adapter understands."""
        return {
            "entity": self.entity,
            "start": self.start,
            "end": self.end,
            "value": self.value,
            "confidence": 1.0,
        }

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


def alternatives(words: Iterable[str]) -> str:
    """A regular expression matching any of `words`, the longest first."""
    # Longest first, so that 号楼 wins over 号 and 路口 over 口.
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def without_overlaps(spans: Iterable[Span]) -> list[Span]:
    """The longest spans that do not overlap one another, in text order."""
    # Longest first: 浦东南路100号 (an address) beats the 浦东 inside it, and
    # 100弄3号 beats reading 3号 as the 3rd of the month. Ties keep list order.
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: s.start - s.end):
        if not any(span.overlaps(other) for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)

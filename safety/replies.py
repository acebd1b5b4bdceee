"""The first reply to an emergency: the number to call first, then what to do now.

The texts live in ``data/replies.yml`` with each number written as the id of its line
in ``data/emergency_lines.yml``; this module picks the texts for an ``Emergency`` and
fills the numbers in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from safety.kinds import Kind
from safety.lines import line_catalogue
from safety.triage import Emergency

REPLIES_PATH = Path(__file__).resolve().parent / "data" / "replies.yml"
LANGUAGES = ("zh", "en")

# YAML folds a long Chinese text's line breaks into spaces; Chinese has none.
_FOLDED_SPACE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


@dataclass(frozen=True)
class _Texts:
    first: dict[str, str]
    also: dict[str, str]
    stay: str
    closing: str
    unsure: str


def emergency_reply(emergency: Emergency, lang: str = "zh") -> str:
    """The first reply to an emergency, in the citizen's language.

    Args:
        emergency: What ``triage`` found.
        lang: ``"en"`` for English; anything else is answered in Chinese.

    Returns:
        One message: the number to call in its first sentence, what to do now, a
        sentence for each further kind the message described, then (self-harm) an
        invitation to stay and talk while a person joins, or (otherwise) a note that
        a person is joining.
    """
    texts = _texts("en" if lang == "en" else "zh")
    first_key = emergency.kind.value
    if emergency.kind is Kind.SELF_HARM and emergency.imminent:
        first_key = "self_harm_imminent"
    parts = [texts.first[first_key]]
    parts.extend(texts.also[kind.value] for kind in emergency.also)
    parts.append(texts.stay if Kind.SELF_HARM in emergency.kinds else texts.closing)
    return ("" if lang != "en" else " ").join(parts)


def unsure_emergency_reply(lang: str = "zh") -> str:
    """The emergency numbers, for a message the model took for an emergency and the rules
    did not: safe to say to an ordinary message, and enough for a real one."""
    return _texts("en" if lang == "en" else "zh").unsure


@lru_cache(maxsize=2)
def _texts(lang: str) -> _Texts:
    raw: dict[str, Any] = yaml.safe_load(REPLIES_PATH.read_text(encoding="utf-8"))
    section = raw[lang]
    catalogue = line_catalogue()
    numbers = {line_id: line.number for line_id, line in catalogue.lines.items()}

    def fill(text: str) -> str:
        text = " ".join(str(text).split())
        if lang != "en":
            text = _FOLDED_SPACE.sub("", text)
        return text.format(**numbers)

    first = {str(key): fill(value) for key, value in section["first"].items()}
    also = {str(key): fill(value) for key, value in section["also"].items()}
    missing = {kind.value for kind in Kind} - set(first) - {"self_harm_imminent"}
    missing |= {kind.value for kind in Kind} - set(also)
    if missing or "self_harm_imminent" not in first:
        raise ValueError(f"{REPLIES_PATH}: {lang} has no reply for {sorted(missing)}")
    return _Texts(
        first=first,
        also=also,
        stay=fill(section["stay"]),
        closing=fill(section["closing"]),
        unsure=fill(section["unsure"]),
    )

"""The kinds of emergency triage recognises."""

from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    """What is happening; the value is the stable code other systems store."""

    FIRE = "fire"
    GAS_LEAK = "gas_leak"
    VIOLENCE = "violence"
    MEDICAL = "medical"
    TRAFFIC_INJURY = "traffic_injury"
    DROWNING = "drowning"
    PERSON_IN_DANGER = "person_in_danger"
    SELF_HARM = "self_harm"

"""The rule policy's rules, indexed by what their latest turn asks for.

To find the rules that apply, Rasa compares all the rules (130 here) with the
conversation, twice per step. A rule whose latest turn asks for another action or
intent than the conversation's latest cannot apply: the rules are indexed by what their
latest turn asks for, and Rasa's own comparison runs on the few that remain.

A subclass fix: ``RulesByLatestTurn`` goes before ``RulePolicy`` in the rule policy of
``config.yml`` (``bot/components/rule_policy.py``).
"""

from __future__ import annotations

from typing import Any


class RulesByLatestTurn:
    """Goes before ``RulePolicy``: checks only the rules whose latest turn asks for
    the conversation's latest action and intent, or for none."""

    def _get_possible_keys(
        self, lookup: dict[str, str], states: list[dict[str, Any]]
    ) -> set[str]:
        """``RulePolicy._get_possible_keys`` on the rules that may apply."""
        if not states:
            return super()._get_possible_keys(lookup, states)  # type: ignore[misc]
        index = _rules_by_latest_turn(self, lookup)
        action, intent = _action_and_intent(states[-1])
        candidates = dict.fromkeys(
            key
            for wanted in (
                (action, intent),
                (action, None),
                (None, intent),
                (None, None),
            )
            for key in index.get(wanted, ())
        )
        return super()._get_possible_keys(candidates, states)  # type: ignore[misc]


def _rules_by_latest_turn(policy: Any, lookup: dict[str, str]) -> dict:
    """The rule keys of a lookup table by the action and intent their latest turn asks
    for (``None``: any), worked out once per table as loaded."""
    from rasa.shared.core.constants import PREVIOUS_ACTION

    kept = policy.__dict__.setdefault("_rules_by_latest_turn", {}).get(id(lookup))
    if kept is not None and kept[0] is lookup and kept[1] == len(lookup):
        return kept[2]
    index: dict[tuple, list[str]] = {}
    for key in lookup:
        latest = policy._rule_key_to_state(key)[-1]
        # A rule whose latest turn is a conversation start matches any such turn
        # whatever else it asks for: Rasa checks it without looking further.
        wanted = (
            _action_and_intent(latest) if PREVIOUS_ACTION in latest else (None, None)
        )
        index.setdefault(wanted, []).append(key)
    policy.__dict__["_rules_by_latest_turn"][id(lookup)] = (lookup, len(lookup), index)
    return index


def _action_and_intent(state: dict[str, Any]) -> tuple[str | None, str | None]:
    """What a turn asks for, or is, as ``RulePolicy._does_rule_match_state`` compares
    it: a value that is unset or must not be set asks for nothing."""
    from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
    from rasa.shared.nlu.constants import ACTION_NAME, INTENT

    def asked(value: Any) -> Any:
        return value if value and value != SHOULD_NOT_BE_SET else None

    return (
        asked(state.get(PREVIOUS_ACTION, {}).get(ACTION_NAME)),
        asked(state.get(USER, {}).get(INTENT)),
    )

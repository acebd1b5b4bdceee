"""Rasa's MemoizationPolicy, reading the dialogue states every policy shares
(``bot/rasa_fixes/dialogue_states.py``)."""

from __future__ import annotations

from rasa.core.policies.memoization import MemoizationPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.rasa_fixes import FixedComponent
from bot.rasa_fixes.dialogue_states import SharesDialogueStates


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class SharedStatesMemoizationPolicy(
    FixedComponent, SharesDialogueStates, MemoizationPolicy
):
    """MemoizationPolicy whose dialogue states are worked out once per tracker for
    every policy."""

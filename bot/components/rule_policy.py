"""Rasa's RulePolicy, its rules indexed by their latest turn
(``bot/rasa_fixes/rules.py``), reading the dialogue states every policy shares
(``bot/rasa_fixes/dialogue_states.py``)."""

from __future__ import annotations

from typing import Any

from rasa.core.policies.rule_policy import RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates

from bot.rasa_fixes import FixedComponent
from bot.rasa_fixes.dialogue_states import SharesDialogueStates
from bot.rasa_fixes.rules import RulesByLatestTurn


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class IndexedRulePolicy(
    FixedComponent, SharesDialogueStates, RulesByLatestTurn, RulePolicy
):
    """RulePolicy that compares the conversation only with the rules whose latest turn
    may match it, with the dialogue states every policy shares."""

    def train(
        self,
        training_trackers: list[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        # Rasa's recipe validator checks this for ``RulePolicy`` itself only
        # (``schema_node.uses == RulePolicy``), so a subclass checks it here.
        self.raise_if_incompatible_with_domain(self.config, domain)
        return super().train(training_trackers, domain, **kwargs)

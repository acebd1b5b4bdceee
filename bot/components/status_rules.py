"""The intent of a status question naming its tracking number, or saying the number is
lost, set by the core's rule (``understanding.status_queries``) over whatever the intent
model predicted."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from understanding.status_queries import ruled_intent


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class StatusQueryRule(GraphComponent):
    """Runs after the intent model and before the fallback classifier."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> StatusQueryRule:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = ruled_intent(message.get(TEXT) or "")
            if intent is None:
                continue
            ruled = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
            # The model's guesses stay in the ranking, but without their confidence:
            # one as sure as the rule would make the fallback classifier call the
            # message ambiguous and overrule the rule.
            others = [
                {**ranked, PREDICTED_CONFIDENCE_KEY: 0.0}
                for ranked in message.get(INTENT_RANKING_KEY) or []
                if ranked.get(INTENT_NAME_KEY) != intent
            ]
            message.set(INTENT, ruled, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [ruled, *others], add_to_output=True)
        return messages

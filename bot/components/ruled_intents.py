"""The intents the core knows by rule, set over whatever the intent model predicted: a
status question naming its tracking number, or saying the number is lost
(``understanding.status_queries``), and praise of a unit or its staff
(``understanding.praise``); and never praise for a message that says no word of
praise or thanks, or complains."""

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

from understanding.praise import PRAISE, may_praise, praise_intent
from understanding.status_queries import ruled_intent


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RuledIntent(GraphComponent):
    """Runs after the intent model and before the fallback classifier."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> RuledIntent:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = ruled_intent(text) or praise_intent(text)
            if intent is None:
                if _predicted(message) == PRAISE and not may_praise(text):
                    _read_as_next_best(message, PRAISE)
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


def _predicted(message: Message) -> str | None:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def _read_as_next_best(message: Message, vetoed: str) -> None:
    """A complaint the model read as praise would be closed unhandled: the model's next
    guess stands instead, at its own confidence, for the fallback classifier to
    judge."""
    ranking = [
        ranked
        for ranked in message.get(INTENT_RANKING_KEY) or []
        if ranked.get(INTENT_NAME_KEY) != vetoed
    ]
    if not ranking:
        return
    message.set(INTENT, ranking[0], add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)

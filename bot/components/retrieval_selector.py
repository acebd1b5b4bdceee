"""Rasa's ResponseSelector, run only on messages that ask for a canned answer.

The selection is read only when the intent is a retrieval intent (faq, chitchat): the
FAQ answer is what ``utter_faq`` says. Rasa runs the selector's model on every message
all the same, about a quarter of the NLU's time on these machines, so every guidance
question and every form answer paid for an FAQ lookup nobody read.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class RetrievalResponseSelector(ResponseSelector):
    """Selects a response only where the intent classifier found a retrieval intent."""

    def process(self, messages: list[Message]) -> list[Message]:
        wanted = (
            {self.retrieval_intent}
            if self.retrieval_intent
            else set(self.all_retrieval_intents)
        )
        super().process(
            [
                m
                for m in messages
                if (m.get(INTENT) or {}).get(INTENT_NAME_KEY) in wanted
            ]
        )
        return messages

"""Rasa's ResponseSelector, run only on messages that ask for a canned answer.

The selection is read only when the intent is a retrieval intent (faq, chitchat): the
FAQ answer is what ``utter_faq`` says. Rasa runs the selector's model on every message
all the same, about a quarter of the NLU's time on these machines, so every guidance
question and every form answer paid for an FAQ lookup nobody read.

Its model is loaded for prediction only and called through its traced graph
(``bot/rasa_fixes/tensorflow_models.py``).
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import (
    DIET2BOW,
    DIET2DIET,
    ResponseSelector,
)
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa_fixes import FixedComponent
from bot.rasa_fixes.tensorflow_models import PredictingModel


class PredictingDIET2DIET(PredictingModel, DIET2DIET):
    """The selector's model with text labels, loaded and predicting as a server needs."""


class PredictingDIET2BOW(PredictingModel, DIET2BOW):
    """The selector's model with label ids, loaded and predicting as a server needs."""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class RetrievalResponseSelector(FixedComponent, ResponseSelector):
    """Selects a response only where the intent classifier found a retrieval intent."""

    @staticmethod
    def model_class(  # type: ignore[override]
        use_text_as_label: bool,
    ) -> type[RasaModel]:
        return PredictingDIET2DIET if use_text_as_label else PredictingDIET2BOW

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

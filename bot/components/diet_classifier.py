"""Rasa's DIETClassifier, its model loaded for prediction only and called through its
traced graph (``bot/rasa_fixes/tensorflow_models.py``)."""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIET, DIETClassifier
from rasa.utils.tensorflow.models import RasaModel

from bot.rasa_fixes import FixedComponent
from bot.rasa_fixes.tensorflow_models import PredictingModel


class PredictingDIET(PredictingModel, DIET):
    """DIET's model, loaded for prediction only and predicting through its traced graph."""


@DefaultV1Recipe.register(
    [
        DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER,
        DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    ],
    is_trainable=True,
)
class PredictingDIETClassifier(FixedComponent, DIETClassifier):
    """DIETClassifier whose model is a ``PredictingDIET``: trained as Rasa's, it loads
    without a training step and predicts without ``tf.function``'s matching."""

    @staticmethod
    def model_class() -> type[RasaModel]:
        return PredictingDIET

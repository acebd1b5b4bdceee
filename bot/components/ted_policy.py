"""Rasa's TEDPolicy, with its predictions remembered per dialogue state.

Without end-to-end stories TED sees a conversation only as its last few dialogue states
(intent, entity names, slots, active form, previous action), never as the citizen's
words, so the same states always give the same prediction. Citizens' conversations
fall into few such patterns, yet TED ran its TensorFlow model two or three times per
message: on these machines that was a quarter of Rasa's time per message.

It also reads the dialogue states every policy shares (``bot/rasa_fixes/dialogue_states.py``),
and its model is loaded for prediction only and called through its traced graph
(``bot/rasa_fixes/tensorflow_models.py``).
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import PolicyPrediction, SupportedData
from rasa.core.policies.ted_policy import TED, TEDPolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import TEXT

from bot.rasa_fixes import FixedComponent
from bot.rasa_fixes.dialogue_states import SharesDialogueStates
from bot.rasa_fixes.tensorflow_models import PredictingModel
from foundation.lru import LeastRecentlyUsed

PREDICTIONS_KEPT = 4096


class PredictingTED(PredictingModel, TED):
    """TED's model, loaded for prediction only and predicting through its traced graph."""


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITH_END_TO_END_SUPPORT, is_trainable=True
)
class CachedTEDPolicy(FixedComponent, SharesDialogueStates, TEDPolicy):
    """TEDPolicy that runs its model once per distinct sequence of dialogue states."""

    @staticmethod
    def model_class() -> type[TED]:
        return PredictingTED

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._predictions: LeastRecentlyUsed[PolicyPrediction] = LeastRecentlyUsed(
            PREDICTIONS_KEPT
        )

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        if self.model is None or TEXT in self.fake_features:
            # A model trained on user text reads the words too: nothing to share.
            return super().predict_action_probabilities(
                tracker, domain, rule_only_data, **kwargs
            )
        key = self._states_key(tracker, domain, rule_only_data)
        known = self._predictions.get(key)
        if known is None:
            known = super().predict_action_probabilities(
                tracker, domain, rule_only_data, **kwargs
            )
            self._predictions.put(key, known)
        return self._prediction(
            list(known.probabilities),
            is_end_to_end_prediction=known.is_end_to_end_prediction,
            optional_events=known.optional_events,
            diagnostic_data=known.diagnostic_data,
        )

    def _states_key(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None,
    ) -> tuple:
        """The states TED's featurizer would encode, the way it would build them."""
        ml_data_only = self.supported_data() == SupportedData.ML_DATA
        [states] = self.featurizer.prediction_states(
            [tracker],
            domain,
            use_text_for_last_user_input=self.only_e2e,
            ignore_rule_only_turns=ml_data_only,
            rule_only_data=rule_only_data,
            ignore_action_unlikely_intent=ml_data_only,
        )
        return tuple(DialogueStateTracker.freeze_current_state(s) for s in states)

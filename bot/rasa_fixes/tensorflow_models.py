"""Rasa's TensorFlow models (DIET, the response selector's, TED) as a server uses them.

- To load a model Rasa 3.6 first trains it for one step on an example so that its
  weights exist, then overwrites them with the trained ones. That step builds the whole
  training graph and optimiser state: about 650 MB of a replica's memory that
  prediction never uses. Loading the weights first and building the model by predicting
  the example restores every weight the same way (TensorFlow restores a variable when
  it is created) and gives identical predictions.
- Every prediction goes through ``tf.function``, which matches the batch against the
  traced graph's signature anew: about half a millisecond per call. Once the graph is
  traced, it is called directly with the batch as tensors, in the flat form the graph
  takes: matching them against its structured signature cost another 0.3 to 0.5 ms per
  call.

A subclass fix: ``PredictingModel`` goes before Rasa's model class in the model classes
that the components of ``config.yml`` name through their ``model_class()``
(``bot/components/diet_classifier.py``, ``retrieval_selector.py``, ``ted_policy.py``).
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf
from keras.utils import tf_utils
from rasa.shared.constants import DIAGNOSTIC_DATA


class PredictingModel:
    """Goes before a ``RasaModel`` class: loaded for prediction only, and predicting
    through its traced graph directly."""

    @classmethod
    def load(
        cls,
        model_file_name: str,
        model_data_example: Any,
        predict_data_example: Any = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        """``RasaModel.load`` building the model for prediction only."""
        if finetune_mode or predict_data_example is None:
            # Further training needs the optimiser state the training step builds.
            return super().load(  # type: ignore[misc]
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        model = cls(*args, **kwargs)
        # Only the optimiser's slots stay unrestored: prediction has none.
        model.load_weights(model_file_name).expect_partial()  # type: ignore[attr-defined]
        model.run_inference(predict_data_example)  # type: ignore[attr-defined]
        return model

    def _rasa_predict(self: Any, batch_in: tuple) -> dict[str, Any]:
        """``RasaModel._rasa_predict`` calling its traced prediction graph itself once
        it is traced, with the batch as tensors."""
        traced = self.__dict__.get("_traced_prediction")
        if (
            self._run_eagerly
            or traced is None
            or traced[0] is not self._tf_predict_step
            or len(batch_in) != traced[2]
        ):
            outputs = super()._rasa_predict(batch_in)  # type: ignore[misc]
            if not self._run_eagerly and self._tf_predict_step is not None:
                concrete = self._tf_predict_step.get_concrete_function()
                # Kept out of Keras's attribute tracking: not part of the model.
                self.__dict__["_traced_prediction"] = (
                    self._tf_predict_step,
                    concrete,
                    len(concrete.structured_input_signature[0][0]),
                )
            return outputs
        if self._training is not False:
            self._training = False
        concrete = traced[1]
        outputs = tf_utils.sync_to_numpy_or_python_type(
            concrete._call_flat(
                [tf.convert_to_tensor(part) for part in batch_in],
                concrete.captured_inputs,
            )
        )
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(
                outputs[DIAGNOSTIC_DATA]
            )
        return outputs

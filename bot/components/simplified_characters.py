"""Traditional input read in simplified characters, and given back as written.

``SimplifiedCharacters`` comes first in the pipeline: every tokenizer, featurizer and
extractor after it sees simplified text (``understanding.characters``). ``WrittenText``
comes last and puts back what the citizen wrote, so that a complaint filed from the
message keeps the citizen's own words; entity values stay simplified, which is what the
catalogue and the place names are matched against.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from understanding.characters import simplified

WRITTEN_TEXT = "written_text"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False
)
class SimplifiedCharacters(GraphComponent):
    """Runs before the tokenizer; keeps the written text for ``WrittenText``."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SimplifiedCharacters:
        return cls()

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            written = message.get(TEXT)
            if not written:
                continue
            converted = simplified(written)
            if converted != written:
                message.set(WRITTEN_TEXT, written)
                message.set(TEXT, converted)
        return messages


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class WrittenText(GraphComponent):
    """Runs last: the parse's text is the citizen's own again."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WrittenText:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            written = message.get(WRITTEN_TEXT)
            if written:
                message.set(TEXT, written)
        return messages

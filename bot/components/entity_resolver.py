"""One entity per stretch of text, whichever extractor found it.

Runs after every extractor and before the synonym mapper; the merge rules are the
core's (`understanding.entities`).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge_base.answers import INTENT_ASPECTS
from understanding import ServiceVocabulary, resolve_entities


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True
)
class EntityResolver(GraphComponent):
    """Settles every extractor's entities into one per span.

    Training keeps the service vocabulary (the ``service`` lookup table and the spans
    annotated as services), so the model carries the names service spans snap onto.
    """

    VOCABULARY_FILE = "service_vocabulary.json"

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Intents whose messages are about a service: there a catalogue name
            # written in full is a service entity even when DIET missed it.
            "service_intents": [*INTENT_ASPECTS, "start_application"],
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        vocabulary: ServiceVocabulary | None = None,
    ) -> None:
        self._service_intents = frozenset(config["service_intents"])
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or ServiceVocabulary()

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EntityResolver:
        return cls({**cls.get_default_config(), **config}, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self._vocabulary = ServiceVocabulary.from_training_data(
            training_data.lookup_tables,
            [(m.get(TEXT), m.get(ENTITIES, [])) for m in training_data.entity_examples],
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.VOCABULARY_FILE).write_text(
                self._vocabulary.to_json(), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EntityResolver:
        with model_storage.read_from(resource) as directory:
            saved = (directory / cls.VOCABULARY_FILE).read_text(encoding="utf-8")
        config = {**cls.get_default_config(), **config}
        return cls(config, model_storage, resource, ServiceVocabulary.from_json(saved))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            if text:
                intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
                resolved = resolve_entities(
                    text,
                    message.get(ENTITIES, []),
                    self._vocabulary,
                    add_written_services=intent in self._service_intents,
                )
                message.set(ENTITIES, resolved, add_to_output=True)
        return messages

"""Rule-based extractor for the places and times Shanghai citizens mention.

Districts, addresses and dates, found without training so that they work from the
first message. The grammars are the core's (`understanding.addresses`,
`understanding.dates`); this component hands them each message and its time.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from foundation import clock
from understanding import entities_in


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class ZhEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts Shanghai districts, addresses and dates from Chinese messages."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The component's default config (see parent class for full docstring)."""
        return {
            # Entity types to return: any of "district", "address" and "date".
            # None returns all three.
            "dimensions": None,
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Lists required dependencies (see parent class for full docstring)."""
        return ["spacy", "jieba"]

    def __init__(self, config: dict[str, Any]) -> None:
        """Creates the extractor; the spaCy pipeline is built on first use."""
        self._config = {**self.get_default_config(), **config}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ZhEntityExtractor:
        """Creates a new component (see parent class for full docstring)."""
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        """Appends the districts, addresses and dates found in each message.

        Args:
            messages: Messages to process.

        Returns:
            The same messages, each with this component's entities added after any
            entities that earlier components found.
        """
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            extracted = self.add_extractor_name(
                entities_in(text, reference_time(message))
            )
            extracted = self.filter_irrelevant_entities(
                extracted, self._config["dimensions"]
            )
            message.set(
                ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True
            )
        return messages


def reference_time(message: Message) -> datetime:
    """The moment relative dates in a message count from, in Shanghai time.

    Args:
        message: A message; its `time` (seconds since the epoch, as the Duckling
            extractor reads it) is used when set.

    Returns:
        The message's time, or now, as naive Shanghai time (see `foundation.clock`).
    """
    if message.time is not None:
        moment = datetime.fromtimestamp(float(message.time), tz=clock.SHANGHAI)
        return moment.replace(tzinfo=None)
    return clock.now()

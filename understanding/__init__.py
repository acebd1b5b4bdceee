"""What a citizen's message names: places and addresses, dates and times, scores, and
which reading of an entity wins; and which language to answer in.

Public functions:

- ``entities_in(text, now)``: the districts, addresses and dates a message names, by
  grammar alone (``addresses``, ``dates``).
- ``resolve_entities(text, entities, vocabulary)``: one clean entity per stretch of
  text out of every extractor's, service spans snapped onto a ``ServiceVocabulary``
  (``entities``).
- ``parse_rating(text)``: the satisfaction score (1 to 5) a message gives, if any
  (``ratings``).
- ``detect_language(text)``: ``en`` for a message in English, else Chinese
  (``language``).

Framework-free: the Rasa components in ``bot/components/`` only wrap these.
"""

from understanding.entities import ServiceVocabulary, entities_in, resolve_entities
from understanding.language import detect_language
from understanding.ratings import parse_rating

__all__ = [
    "ServiceVocabulary",
    "detect_language",
    "entities_in",
    "parse_rating",
    "resolve_entities",
]

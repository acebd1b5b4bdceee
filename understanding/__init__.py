"""What a citizen's message names: places and addresses, dates and times, scores, and
which reading of an entity wins; which language to answer in; and how many questions
it asks.

Public functions:

- ``entities_in(text, now)``: the districts, addresses and dates a message names, by
  grammar alone (``addresses``, ``dates``); ``tells_when(text)``: whether a message
  can answer when something happened, a day or only how often or how long (``dates``).
- ``resolve_entities(text, entities, vocabulary)``: one clean entity per stretch of
  text out of every extractor's, service spans snapped onto a ``ServiceVocabulary``
  (``entities``).
- ``parse_rating(text)``: the satisfaction score (1 to 5) a message gives, if any
  (``ratings``).
- ``detect_language(text, default)``: the language a message is written in, ``en`` or
  ``zh``; ``default`` for one written in neither ("ok", a number) (``language``).
- ``questions_in(text)``: the clauses of a message and the aspects each asks;
  ``answer_plan(index, text, ...)``: the (service, aspect) answers a message asking
  several things needs, in order, each once; ``tells_what_happened(text)``: whether a
  message tells of something that happened to the citizen and asks nothing
  (``compound``).
- ``ruled_intent(text)``: the intent a short message has by rule, whatever the model
  says: a status question naming its number or a number sent alone (or an English
  one about "my complaint"), or a lost tracking number; ``forgets_what_was_asked(text)``: a bare
  "忘了" said to a question for a number; ``names_the_query_code(text)``: whether a
  message is about the query code rather than the number (``status_queries``).
- ``praise_intent(text)``: ``give_praise`` for a short message that praises a unit or
  its staff (表扬, 点赞 someone, thanks to someone named for what they did) and
  complains of nothing and asks nothing; ``may_praise(text)``: whether the model may
  read a message as praise at all (a word of praise or thanks, no complaint);
  ``says_whom_or_what(text)``: whether a praise names someone to pass it on to, or
  only that the citizen wants to give it ("我要表扬") (``praise``).

Framework-free: the Rasa components in ``bot/components/`` only wrap these.
"""

from understanding.compound import Question, Step, answer_plan, questions_in
from understanding.entities import ServiceVocabulary, entities_in, resolve_entities
from understanding.language import detect_language
from understanding.ratings import parse_rating

__all__ = [
    "Question",
    "ServiceVocabulary",
    "Step",
    "answer_plan",
    "detect_language",
    "entities_in",
    "parse_rating",
    "questions_in",
    "resolve_entities",
]

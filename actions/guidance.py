"""Service guidance: steps, materials, fees, time limits, where, who, online."""

from __future__ import annotations

import datetime as dt
import json

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (
    db_session,
    describes_a_problem,
    entity_values,
    language_of,
    latest_intent,
    politely,
    search_engine,
    typed_text,
)
from knowledge_base.answers import (
    INTENT_ASPECTS,
    answer,
    bundle_answer,
    not_held_answer,
)
from knowledge_base.coverage import named_catalogue_services
from knowledge_base.offices import office_for
from knowledge_base.provenance import today
from knowledge_base.resolution import resolve_subject, worth_offering
from knowledge_base.search.ranking import SearchHit
from knowledge_base.services import get_bundle, get_service
from understanding.compound import Step, answer_plan


def choice_buttons(hits: list[SearchHit], lang: str) -> list[dict]:
    return [
        {
            "title": (hit.name_en or hit.name) if lang == "en" else hit.name,
            "payload": "/inform"
            + json.dumps({"service": hit.code}, ensure_ascii=False),
        }
        for hit in hits
    ]


def talk_to_a_person(lang: str) -> dict:
    return {
        "title": "Talk to a person" if lang == "en" else "转人工",
        "payload": "/request_human",
    }


def say_not_held(
    dispatcher: CollectingDispatcher,
    name: str,
    related: list[SearchHit],
    lang: str,
) -> None:
    """No guide for the service named: say so; related services only as choices."""
    dispatcher.utter_message(
        text=not_held_answer(name, lang, offers_related=bool(related)),
        buttons=[*choice_buttons(related, lang), talk_to_a_person(lang)],
    )


class ActionServiceGuidance(Action):
    def name(self) -> str:
        return "action_service_guidance"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        intent = latest_intent(tracker)
        if _a_problem_told_out_of_the_blue(tracker, intent):
            return _offer_guides_or_report(dispatcher, tracker, problem=True)
        # A button click (inform) answers the question asked before it.
        aspect = INTENT_ASPECTS.get(intent) or tracker.get_slot("aspect") or "overview"
        steps = _compound_steps(tracker, context_code=tracker.get_slot("service"))
        if steps:
            return answer_in_parts(dispatcher, tracker, steps)
        resolution = resolve_subject(
            search_engine().index,
            mentions=entity_values(tracker, "service"),
            context_code=tracker.get_slot("service"),
            text=typed_text(tracker),
        )
        if resolution.missing:
            say_not_held(dispatcher, resolution.missing, resolution.candidates, lang)
            return [SlotSet("service", None), SlotSet("aspect", None)]
        if resolution.candidates:
            dispatcher.utter_message(
                response="utter_choose_service",
                buttons=choice_buttons(resolution.candidates, lang),
            )
            return [SlotSet("aspect", aspect)]
        if not resolution.is_clear:
            # Inside a form, a "question" that names nothing is an answer the form could
            # not read ("我也不清楚是哪个区"): the form asks again, saying what else will
            # do, rather than this asking which service.
            if tracker.active_loop.get("name"):
                return [SlotSet("aspect", None)]
            if resolution.unheard:
                dispatcher.utter_message(response="utter_no_guide_found")
                return [SlotSet("service", None), SlotSet("aspect", None)]
            dispatcher.utter_message(response="utter_ask_which_service")
            return [SlotSet("aspect", aspect)]
        code = resolution.code
        dispatcher.utter_message(
            text=_answer_text(tracker, code, resolution.kind, aspect, lang)
        )
        return [SlotSet("service", code), SlotSet("aspect", None)]


def _a_problem_told_out_of_the_blue(tracker: Tracker, intent: str | None) -> bool:
    """An answer (inform) that answers no question and names no service, but a
    problem: the NLU took a described problem ("cars park on the bike lane every
    evening") for an answer, and searching it would give a guide that merely shares
    its words (vehicle inspection)."""
    return (
        intent == "inform"
        and not entity_values(tracker, "service")
        and not tracker.get_slot("aspect")
        and describes_a_problem(tracker)
    )


def _compound_steps(tracker: Tracker, context_code: str | None = None) -> list[Step]:
    """The answers a message asking several things needs; none for one question, which
    is told by a few regular expressions before anything is searched."""
    mentions = [
        (str(entity["value"]), entity.get("start"))
        for entity in tracker.latest_message.get("entities") or []
        if entity.get("entity") == "service" and entity.get("value")
    ]
    return answer_plan(
        search_engine().index,
        typed_text(tracker),
        mentions=mentions,
        context_code=context_code,
    )


def answer_in_parts(
    dispatcher: CollectingDispatcher, tracker: Tracker, steps: list[Step]
) -> list:
    """One message per answer, in the order asked, so that no question is dropped.

    A part the catalogue cannot place is asked about (or said not held) where it
    stands; the conversation goes on about the last service answered, and a choice
    offered keeps the aspect its button will answer.
    """
    lang = language_of(tracker)
    code: str | None = None
    pending: str | None = None
    for step in steps:
        resolution = step.resolution
        if resolution.missing:
            say_not_held(dispatcher, resolution.missing, resolution.candidates, lang)
        elif resolution.candidates:
            dispatcher.utter_message(
                response="utter_choose_service",
                buttons=choice_buttons(resolution.candidates, lang),
            )
            pending = step.aspect
        elif resolution.code is not None:
            code = resolution.code
            dispatcher.utter_message(
                text=_answer_text(tracker, code, resolution.kind, step.aspect, lang)
            )
    return [SlotSet("service", code), SlotSet("aspect", pending)]


def _answer_text(
    tracker: Tracker, code: str, kind: str | None, aspect: str, lang: str
) -> str:
    if kind == "bundle":
        return _remembered_bundle_text(code, lang)
    return _remembered_service_text(tracker, code, aspect, lang)


def _remembered_service_text(
    tracker: Tracker, code: str, aspect: str, lang: str
) -> str:
    """Kept per catalogue and per day: the answer says how long ago its guide was
    verified, so yesterday's text must not be served today."""
    district = tracker.get_slot("district")
    street = tracker.get_slot("street")
    on = today()
    return search_engine().remembered(
        ("service", code, aspect, lang, district, street, on),
        lambda: _service_text(code, aspect, lang, district, street, on),
    )


def _remembered_bundle_text(code: str, lang: str) -> str:
    on = today()  # as for a service: the answer tells the guide's age
    return search_engine().remembered(
        ("bundle", code, lang, on), lambda: _bundle_text(code, lang, on)
    )


def _bundle_text(code: str, lang: str, on: dt.date | None = None) -> str:
    with db_session() as session:
        return bundle_answer(get_bundle(session, code), lang, on)


def _service_text(
    code: str,
    aspect: str,
    lang: str,
    district: str | None,
    street: str | None = None,
    on: dt.date | None = None,
) -> str:
    """The answer about one aspect, at the office for where the citizen said they are:
    their street's community centre, their district's centre or a city office; with
    their district's variant of the guide, if it has one."""
    with db_session() as session:
        service = get_service(session, code)
        office = office_for(session, service, district, street)
        return answer(service, aspect, lang, office, district=district, on=on)


class ActionOfferSearchResults(Action):
    """First stage of the two-stage fallback: offer the three closest services."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        text = typed_text(tracker)
        # The NLU is unsure of a message that asks several things at once; when each
        # part names its service clearly, answering beats offering one of them.
        steps = _compound_steps(tracker)
        if steps and all(step.resolution.is_clear for step in steps):
            return answer_in_parts(dispatcher, tracker, steps)
        resolution = resolve_subject(search_engine().index, text=text)
        if resolution.missing:
            say_not_held(dispatcher, resolution.missing, resolution.candidates, lang)
            return [SlotSet("service", None)]
        # A problem described without "投诉" or "complain" is not lost in the
        # fallback: the citizen is offered to report it, in their own words.
        return _offer_guides_or_report(
            dispatcher, tracker, problem=describes_a_problem(tracker)
        )


def _offer_guides_or_report(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, problem: bool
) -> list:
    """The closest guides, if any are worth offering, and the offer to report the
    problem the message describes, if it describes one (``problem``: the caller has
    already read the message for it)."""
    lang = language_of(tracker)
    text = typed_text(tracker)
    hits = worth_offering(search_engine().index, text)
    none_of_these = {
        "title": "None of these" if lang == "en" else "都不是",
        "payload": "/deny",
    }
    report = {
        "title": "Report this problem" if lang == "en" else "登记这个问题",
        "payload": "/file_complaint",
    }
    if hits:
        dispatcher.utter_message(
            response="utter_search_suggestions",
            buttons=[
                *choice_buttons(hits, lang),
                *([report] if problem else []),
                none_of_these,
            ],
        )
    elif problem:
        dispatcher.utter_message(response="utter_offer_report")
    else:
        dispatcher.utter_message(response="utter_no_guide_found")
    return [SlotSet("problem_described", text if problem else None)]


class ActionOutOfScope(Action):
    """Outside the hotline's remit, said honestly, with a person or a callback on offer.

    The NLU calls some catalogued questions out of scope ("宠物狗登记怎么办"): a message
    that names a service of the catalogue, or one it does not hold, is answered as a
    guidance question instead.
    """

    def name(self) -> str:
        return "action_out_of_scope"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        steps = _compound_steps(tracker)
        if steps and all(step.resolution.is_clear for step in steps):
            return answer_in_parts(dispatcher, tracker, steps)
        text = typed_text(tracker)
        index = search_engine().index
        resolution = resolve_subject(index, text=text)
        if resolution.missing or (
            resolution.is_clear
            and resolution.code in named_catalogue_services(index, text)
        ):
            return ActionServiceGuidance().run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_out_of_scope")
        return []

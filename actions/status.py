"""Progress of an application or a work order, by its tracking number."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import db_session, language_of, politely
from cases.applications import STATUS_TEXT as APPLICATION_STATUS
from cases.applications import find_application
from cases.tracking import kind_of, normalise_number
from cases.work_orders import STATUS_TEXT as WORK_ORDER_STATUS
from cases.work_orders import find_work_order
from foundation.errors import NotFoundError
from knowledge_base.answers import service_name


class ValidateStatusForm(FormValidationAction):
    def name(self) -> str:
        return "validate_status_form"

    def validate_tracking_number(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict,
    ) -> dict:
        number = normalise_number(str(value or ""))
        if number is None:
            dispatcher.utter_message(response="utter_invalid_tracking_number")
        return {"tracking_number": number}


class ActionCheckStatus(Action):
    def name(self) -> str:
        return "action_check_status"

    @politely
    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict
    ) -> list:
        lang = language_of(tracker)
        number = tracker.get_slot("tracking_number")
        with db_session() as session:
            try:
                if kind_of(number) == "application":
                    application = find_application(session, number)
                    dispatcher.utter_message(
                        response="utter_application_status",
                        number=number,
                        service=service_name(application.service, lang),
                        status=APPLICATION_STATUS[lang][application.status],
                        updated=application.updated_at.strftime("%Y-%m-%d %H:%M"),
                    )
                else:
                    order = find_work_order(session, number)
                    dispatcher.utter_message(
                        response="utter_work_order_status",
                        number=number,
                        category=order.category.name_en
                        if lang == "en"
                        else order.category.name,
                        status=WORK_ORDER_STATUS[lang][order.status],
                        department=order.department.name_en
                        if lang == "en"
                        else order.department.name,
                        due_date=order.due_date.isoformat(),
                    )
            except NotFoundError:
                dispatcher.utter_message(
                    response="utter_tracking_not_found", number=number
                )
        return [SlotSet("tracking_number", None)]

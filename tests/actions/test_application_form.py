"""The application form asks consent first, starts with empty personal slots, and
shows a masked summary to confirm before submitting (issue 25, hole 8).

Before: an ID and a phone number said earlier (about a friend) were taken into the
form unasked when it started, consent was asked after everything was collected, and
the application went out without being shown back.
"""

from __future__ import annotations

import asyncio

import yaml

from actions.applications import (
    APPLICATION_SLOTS,
    ActionAskApplicationConfirmed,
    ActionSubmitApplication,
    ValidateApplicationForm,
)
from tests.actions.conftest import make_tracker
from tests.conftest import TESTS_DIR

DOMAIN = yaml.safe_load((TESTS_DIR.parent / "domain.yml").read_text("utf-8"))
FORM = DOMAIN["forms"]["application_form"]["required_slots"]
FRIEND = {
    "applicant_name": "李四",
    "id_number": "310104199001011233",
    "phone": "13812345678",
    "consent": True,
    "application_confirmed": True,
}


def _validate(tracker, dispatcher) -> dict:
    """What the form's validation sets, slot by slot (the last word wins)."""
    events = asyncio.run(ValidateApplicationForm().run(dispatcher, tracker, DOMAIN))
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def _starting(slots: dict) -> object:
    """The tracker Rasa validates a form's activation with: the form not yet active,
    what the slots already hold offered as slot candidates after the user's message."""
    return make_tracker(
        text="我要在线申请居住证",
        intent="start_application",
        slots={"service": "residence-permit", **slots},
        events=[
            {"event": "user", "text": "我要在线申请居住证"},
            *({"event": "slot", "name": k, "value": v} for k, v in slots.items()),
        ],
    )


def test_consent_is_asked_before_any_personal_detail():
    assert FORM.index("consent") < min(
        FORM.index(slot) for slot in ("applicant_name", "id_number", "phone")
    )
    assert FORM[-1] == "application_confirmed"


def test_the_form_starts_with_its_personal_slots_empty(dispatcher):
    set_at_start = _validate(_starting(FRIEND), dispatcher)
    assert {slot: set_at_start.get(slot, "kept") for slot in APPLICATION_SLOTS} == (
        dict.fromkeys(APPLICATION_SLOTS)
    )
    # Nothing said about the stale values, nor any asked for out of order.
    assert dispatcher.messages == []
    assert set_at_start.get("requested_slot") in (None, "consent")


def test_details_given_before_consent_are_not_taken(dispatcher):
    before_consent = make_tracker(
        text="13812345678",
        active_loop="application_form",
        slots={"requested_slot": "consent", "phone": "13812345678"},
        events=[{"event": "slot", "name": "phone", "value": "13812345678"}],
    )
    assert _validate(before_consent, dispatcher)["phone"] is None
    after_consent = make_tracker(
        text="13812345678",
        active_loop="application_form",
        slots={"requested_slot": "phone", "consent": True, "phone": "13812345678"},
        events=[{"event": "slot", "name": "phone", "value": "13812345678"}],
    )
    assert _validate(after_consent, dispatcher)["phone"] == "13812345678"


def test_refusing_consent_ends_the_form_at_once(dispatcher):
    refused = make_tracker(
        intent="deny",
        active_loop="application_form",
        slots={
            "requested_slot": "consent",
            "consent": False,
            "service": "residence-permit",
        },
        events=[{"event": "slot", "name": "consent", "value": False}],
    )
    assert _validate(refused, dispatcher)["requested_slot"] is None


def test_the_summary_shows_what_will_be_submitted_masked(dispatcher):
    tracker = make_tracker(
        slots={**FRIEND, "service": "residence-permit", "district": "徐汇区"}
    )
    ActionAskApplicationConfirmed().run(dispatcher, tracker, {})
    [summary] = dispatcher.messages
    assert summary["response"] == "utter_ask_application_confirmed"
    assert (
        summary["applicant_name"],
        summary["id_number"],
        summary["phone"],
        summary["district"],
    ) == ("李*", "310104********1233", "138****5678", "徐汇区")
    assert summary["service"] and summary["service"] != "residence-permit"


def test_a_summary_not_confirmed_submits_nothing_and_forgets_the_details(dispatcher):
    tracker = make_tracker(
        slots={
            **FRIEND,
            "application_confirmed": False,
            "service": "residence-permit",
            "district": "徐汇区",
        }
    )
    events = ActionSubmitApplication().run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["response"] == "utter_application_not_confirmed"
    assert {e["name"]: e["value"] for e in events} == dict.fromkeys(APPLICATION_SLOTS)

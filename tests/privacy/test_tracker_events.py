"""Rasa's stored events: personal slots sealed and restored, texts masked for good."""

from __future__ import annotations

import copy
import json

import pytest

from privacy.encryption import DecryptionError, FieldCipher
from privacy.tracker_events import (
    holds_sealed_values,
    seal_events,
    seal_stored_events,
    unseal_event,
)

ID_NUMBER = "310104199001011233"
PHONE = "13912345678"
TEXT = f"我的身份证号是{ID_NUMBER}，电话{PHONE}"


@pytest.fixture
def cipher() -> FieldCipher:
    return FieldCipher(bytes(range(32)))


def _user(text: str, *entities: dict) -> dict:
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": "inform", "confidence": 0.9},
            "entities": list(entities),
        },
        "metadata": {"channel": "web"},
    }


def _slot(name: str, value: object) -> dict:
    return {"event": "slot", "name": name, "value": value, "timestamp": 1.0}


def _stored(events: list[dict]) -> list[dict]:
    """Through JSON, as a tracker store keeps them."""
    return [json.loads(json.dumps(event)) for event in events]


def _conversation() -> list[dict]:
    return [
        _user("张伟"),
        _slot("applicant_name", "张伟"),
        _user(
            TEXT,
            {"entity": "id_number", "start": 7, "end": 25, "value": ID_NUMBER},
            {"entity": "phone", "start": 28, "end": 39, "value": PHONE},
        ),
        _slot("id_number", ID_NUMBER),
        _slot("phone", PHONE),
        _slot("service", "residence-permit"),
        _slot("consent", True),
        {
            "event": "bot",
            "text": f"好的，回电{PHONE}",
            "data": {},
            "metadata": {"utter_action": "utter_callback", "phone": PHONE},
        },
        {"event": "action", "name": "action_listen"},
    ]


def test_seal_events_keeps_no_number_or_name_and_changes_nothing_given(cipher):
    given = _conversation()
    before = copy.deepcopy(given)
    stored = json.dumps(seal_events(given, cipher))
    assert given == before
    for clear in (ID_NUMBER, PHONE, '"\\u5f20\\u4f1f"'):
        assert clear not in stored


def test_personal_slots_come_back_as_they_were_said(cipher):
    sealed = _stored(seal_events(_conversation(), cipher))
    # The quick test before parsing finds the three sealed slots, and no other event.
    assert [i for i, e in enumerate(sealed) if holds_sealed_values(json.dumps(e))] == [
        1,
        3,
        4,
    ]
    restored = [unseal_event(event, cipher) for event in sealed]
    slots = {e["name"]: e["value"] for e in restored if e["event"] == "slot"}
    assert slots == {
        "applicant_name": "张伟",
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "service": "residence-permit",
        "consent": True,
    }


def test_texts_and_entities_are_masked_in_place(cipher):
    name, _, given, *_, bot, _ = seal_events(_conversation(), cipher)
    masked = "我的身份证号是310104********1233，电话139****5678"
    assert given["text"] == given["parse_data"]["text"] == masked
    for entity in given["parse_data"]["entities"]:
        assert entity["value"] == masked[entity["start"] : entity["end"]]
    # A bare name is found by no pattern: hidden because the name slot took it.
    assert name["text"] == name["parse_data"]["text"] == "张*"
    assert bot["text"] == "好的，回电139****5678"
    assert bot["metadata"] == {"utter_action": "utter_callback", "phone": "139****5678"}
    assert given["metadata"] == {"channel": "web"}


def test_a_proof_of_ownership_said_at_its_prompt_is_hidden(cipher):
    said = [_user("尾号5678"), _slot("tracking_proof", "尾号5678")]
    text, proof = seal_events(said, cipher)
    assert text["text"] == "******"
    assert proof["value"].startswith("v1:")


def test_other_slots_are_sealed_only_when_they_hold_personal_data(cipher):
    complaint = f"楼上太吵，回电{PHONE}"
    sealed = seal_events(
        [
            _slot("complaint_text", "楼上每天半夜装修"),
            _slot("complaint_text", complaint),
            _slot("complaint_text", "v1:typed by a citizen"),
            _slot("rating", 4.0),
        ],
        cipher,
    )
    assert [e["value"] for e in sealed][0::3] == ["楼上每天半夜装修", 4.0]
    assert all(e["value"].startswith("v1:") for e in sealed[1:3])
    restored = [unseal_event(e, cipher)["value"] for e in _stored(sealed)]
    assert restored[1:3] == [complaint, "v1:typed by a citizen"]


def test_a_value_sealed_under_another_key_does_not_open(cipher):
    (sealed,) = _stored(seal_events([_slot("id_number", ID_NUMBER)], cipher))
    with pytest.raises(DecryptionError):
        unseal_event(sealed, FieldCipher(bytes(range(1, 33))))


def test_seal_stored_events_seals_what_is_clear_and_then_changes_nothing(cipher):
    stored = _stored(_conversation())
    first = seal_stored_events(stored, cipher)
    assert [event is not None for event in first] == [
        True,  # the bare name
        True,
        True,  # the numbers
        True,
        True,
        False,  # service
        False,  # consent
        True,  # the assistant's text
        False,
    ]
    sealed = [new or old for old, new in zip(stored, first, strict=True)]
    assert seal_stored_events(_stored(sealed), cipher) == [None] * len(stored)


def test_seal_stored_events_takes_a_stored_token_it_cannot_open_for_text(cipher):
    """Written before sealing began, in a slot that is not personal: a citizen's text."""
    stored = [_slot("complaint_text", "v1:AAAA")]
    (sealed,) = seal_stored_events(stored, cipher)
    assert unseal_event(dict(sealed), cipher)["value"] == "v1:AAAA"
    assert seal_stored_events([sealed], cipher) == [None]


def test_seal_stored_events_refuses_a_personal_slot_under_another_key(cipher):
    other = FieldCipher(bytes(range(1, 33)))
    stored = _stored(seal_events([_slot("phone", PHONE)], other))
    with pytest.raises(DecryptionError):
        seal_stored_events(stored, cipher)

"""What Rasa's tracker store may keep of a conversation: its events with the personal
data sealed.

Rasa stores a conversation as a list of events, each a JSON object
(``{"event": "user", "text": …, "parse_data": {"entities": […]}}``,
``{"event": "slot", "name": "id_number", "value": …}``, …). A conversation holds the
citizen's ID and phone numbers and name in three places: what they wrote, the entities
read from it, and the slots a form fills. Only the slots are needed again in a later
turn (an application is submitted turns after its ID number was given), so:

- **Slots are sealed, reversibly.** A slot in ``PERSONAL_SLOTS``, or any slot whose text
  holds personal data (``identity.find_personal_data``), is stored as
  ``FieldCipher.encrypt(json.dumps(value))``: a ``v1:`` token, restored by
  ``unseal_event`` when Rasa loads the conversation for its next turn. A value that
  merely looks like a token (a citizen may type ``v1:``) is sealed too, so every token
  in a stored slot is one of ours.
- **Texts are masked, irreversibly.** What the citizen wrote and the entities read from
  it were used in their own turn; the stored copy is ``identity.mask_personal_data``'s
  (``310104********1233``, ``139****5678``, ``我叫张*``), and a value a ``SAID_SLOTS``
  slot took from the text (a bare name at the name prompt, a proof of ownership),
  which no pattern recognises, is hidden wherever it was written. Masking keeps every
  other character where it was, so the entities' ``start`` and ``end`` still point at
  their place. The assistant's own texts are masked the same way.

Both directions take and return plain JSON objects (never Rasa's classes).
``seal_stored_events`` seals conversations stored before sealing, in place: what it
leaves is what the tracker store writes, and a second run changes nothing.

Public: ``PERSONAL_SLOTS``, ``SAID_SLOTS``, ``seal_events``, ``unseal_event``,
``holds_sealed_values``, ``seal_stored_events``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from privacy.encryption import DecryptionError, FieldCipher
from privacy.identity import find_personal_data, mask_name, mask_personal_data

# The slots of domain.yml that hold who a citizen is: sealed whatever they hold.
PERSONAL_SLOTS = frozenset(
    {"applicant_name", "id_number", "phone", "contact", "tracking_proof"}
)


def _stars(value: str) -> str:
    return "*" * len(value)


# Slots filled with what the citizen wrote at a form's prompt, and how what they wrote is
# hidden in the texts: a bare "张伟" at the name prompt is found by no pattern, and a
# proof of ownership (the phone's last four digits, a query code) opens a case.
SAID_SLOTS: Mapping[str, Callable[[str], str]] = {
    "applicant_name": mask_name,
    "tracking_proof": _stars,
}

_USER = "user"
_BOT = "bot"
_SLOT = "slot"
_ACTION = "action"
_ENTITIES = "entities"


def seal_events(
    events: Iterable[Mapping[str, Any]],
    cipher: FieldCipher,
    *,
    slots: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The events as the tracker store may keep them.

    Args:
        events: Rasa's events as JSON objects (``Event.as_dict()``); not changed.
        cipher: seals the slots (``privacy.keys.field_cipher()``).
        slots: the conversation's slot values now, for what ``SAID_SLOTS`` took from
            texts in earlier turns; the slot events among ``events`` are read anyway.

    Returns:
        New objects for the citizen's and the assistant's messages and for the events
        that held personal data, the others as given.
    """
    events = list(events)
    masker = _Masker(_said_values(events, slots or {}))
    return [_seal(event, cipher, masker) for event in events]


def unseal_event(event: dict[str, Any], cipher: FieldCipher) -> dict[str, Any]:
    """The event with its sealed slot value restored, in place; what was masked stays so.

    Args:
        event: one event as stored (freshly parsed: it is changed).
        cipher: the cipher it was sealed with.

    Raises:
        privacy.encryption.DecryptionError: a sealed value was altered, or sealed under
            another key.
    """
    if event.get("event") == _SLOT:
        value = event.get("value")
        if isinstance(value, str) and FieldCipher.is_token(value):
            event["value"] = json.loads(cipher.decrypt(value))
    return event


def seal_stored_events(
    stored: list[dict[str, Any]], cipher: FieldCipher
) -> list[dict[str, Any] | None]:
    """What one stored conversation's events become once sealed, to seal it in place.

    Args:
        stored: the conversation's events as stored, in order, sealed already, in part
            or not at all; not changed.
        cipher: the cipher Rasa seals with (the same ``HOTLINE_FIELD_KEY``).

    Returns:
        For each event, what to store instead, or None where it is already as sealing
        leaves it (a sealed slot would only get a new nonce).

    Raises:
        privacy.encryption.DecryptionError: a personal slot's sealed value does not
            open under ``cipher``: sealed under another key, it would be lost.
    """
    restored = [_restored(event, cipher) for event in stored]
    sealed = seal_events((event for event, _ in restored), cipher)
    return [
        None if before == after or (opened and after.get("event") == _SLOT) else after
        for before, (_, opened), after in zip(stored, restored, sealed, strict=True)
    ]


def _restored(
    event: dict[str, Any], cipher: FieldCipher
) -> tuple[dict[str, Any], bool]:
    """A stored event with its sealed slot opened, and whether there was one.

    A token in another slot that does not open was written by the citizen before
    sealing began ("v1:…" typed as a complaint): it is a value like any other.
    """
    value = event.get("value")
    if not (
        event.get("event") == _SLOT
        and isinstance(value, str)
        and FieldCipher.is_token(value)
    ):
        return event, False
    try:
        return unseal_event(dict(event), cipher), True
    except DecryptionError:
        if event.get("name") in PERSONAL_SLOTS:
            raise
        return event, False


def holds_sealed_values(serialised_event: str) -> bool:
    """Whether an event as stored (its JSON text) may hold a sealed value: a quick test
    before parsing, for the many events that hold none."""
    return '"v1:' in serialised_event


def _seal(
    event: Mapping[str, Any], cipher: FieldCipher, masker: _Masker
) -> dict[str, Any]:
    kind = event.get("event")
    if kind == _SLOT:
        value = event.get("value")
        if _to_seal(event.get("name"), value):
            return {**event, "value": cipher.encrypt(json.dumps(value))}
    elif kind == _USER:
        return _seal_user(event, masker)
    elif kind == _BOT:
        return _seal_bot(event, masker)
    elif kind == _ACTION:
        text = event.get("action_text")
        if isinstance(text, str) and masker.mask(text) != text:
            return {**event, "action_text": masker.mask(text)}
    elif kind == _ENTITIES:
        entities = event.get("entities")
        if isinstance(entities, list):
            masked_entities = _masked_entities(entities, None, None, masker)
            if masked_entities is not entities:
                return {**event, "entities": masked_entities}
    return event if isinstance(event, dict) else dict(event)


def _to_seal(name: object, value: object) -> bool:
    """Whether a slot's value is sealed: a personal slot's, personal data, or a value
    that would pass for a sealed one."""
    if value is None or isinstance(value, bool):
        return False
    if name in PERSONAL_SLOTS:
        return True
    if not isinstance(value, str):
        return False
    return FieldCipher.is_token(value) or bool(find_personal_data(value))


def _seal_bot(event: Mapping[str, Any], masker: _Masker) -> dict[str, Any]:
    """The text masked, and the response's arguments kept in its metadata (a summary's
    ``applicant_name``, ``id_number``), which the actions pass masked already."""
    sealed = dict(event)
    text = event.get("text")
    if isinstance(text, str):
        sealed["text"] = masker.mask(text)
    metadata = event.get("metadata")
    if isinstance(metadata, Mapping):
        sealed["metadata"] = {
            key: masker.mask(value) if isinstance(value, str) else value
            for key, value in metadata.items()
        }
    return sealed


def _seal_user(event: Mapping[str, Any], masker: _Masker) -> dict[str, Any]:
    sealed = dict(event)
    text = event.get("text")
    masked_text = masker.mask(text) if isinstance(text, str) else text
    sealed["text"] = masked_text
    parse_data = event.get("parse_data")
    if isinstance(parse_data, Mapping):
        parsed = dict(parse_data)
        parsed_text = parse_data.get("text")
        if isinstance(parsed_text, str):
            parsed["text"] = (
                masked_text if parsed_text == text else masker.mask(parsed_text)
            )
        entities = parse_data.get("entities")
        if isinstance(entities, list):
            spoken = parsed_text if isinstance(parsed_text, str) else None
            written = parsed.get("text") if spoken is not None else None
            parsed["entities"] = _masked_entities(entities, spoken, written, masker)
        sealed["parse_data"] = parsed
    return sealed


def _masked_entities(
    entities: list[Any], text: str | None, masked_text: str | None, masker: _Masker
) -> list[Any]:
    """Each entity's value masked as it is masked in the text it was read from.

    Returns ``entities`` itself when nothing in it is masked.
    """
    changed = False
    masked_entities: list[Any] = []
    for entity in entities:
        value = entity.get("value") if isinstance(entity, Mapping) else None
        if not isinstance(value, str):
            masked_entities.append(entity)
            continue
        start, end = entity.get("start"), entity.get("end")
        if (
            text is not None
            and masked_text is not None
            and isinstance(start, int)
            and isinstance(end, int)
            and text[start:end] == value
        ):
            masked = masked_text[start:end]
        else:
            masked = masker.mask(value)
        if masked != value:
            changed = True
            entity = {**entity, "value": masked}
        masked_entities.append(entity)
    return masked_entities if changed else entities


class _Masker:
    """Masks personal data in a text, and the values ``SAID_SLOTS`` took from texts."""

    def __init__(self, said: dict[str, str]) -> None:
        # The longest first: "张伟明" is hidden before a "张伟" inside it.
        self._said = sorted(said.items(), key=lambda item: -len(item[0]))

    def mask(self, text: str) -> str:
        masked = mask_personal_data(text)
        for value, hidden in self._said:
            if value in masked:
                masked = masked.replace(value, hidden)
        return masked


def _said_values(
    events: list[Mapping[str, Any]], slots: Mapping[str, Any]
) -> dict[str, str]:
    """What ``SAID_SLOTS`` hold or held in these events, each with its hidden form of
    the same length (so that entity positions still hold)."""
    taken: list[tuple[str, Any]] = [(name, slots.get(name)) for name in SAID_SLOTS]
    taken += [
        (str(event["name"]), event.get("value"))
        for event in events
        if event.get("event") == _SLOT and event.get("name") in SAID_SLOTS
    ]
    said: dict[str, str] = {}
    for name, value in taken:
        if not isinstance(value, str) or FieldCipher.is_token(value):
            continue
        value = value.strip()
        if len(value) < 2:
            continue
        hidden = SAID_SLOTS[name](value)
        if len(hidden) != len(value):
            hidden = value[0] + "*" * (len(value) - 1)
        said[value] = hidden
    return said

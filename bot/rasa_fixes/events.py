"""Event classes found once per type name.

To read an event (every event of a conversation, on every message) Rasa looks for its
class by walking all the subclasses of ``Event``, tens of them, anew each time. The
class found for a type name is remembered.

A patch: ``Event.resolve_by_type`` is the static method through which Rasa reads every
event, from tracker stores, the action server's answers and its HTTP API alike; there
is no class of events to configure.
"""

from __future__ import annotations


def find_each_event_class_once() -> None:
    """Makes ``Event.resolve_by_type`` remember the class found for each type name."""
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: dict[str, type] = {}

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        if type_name in found:
            return found[type_name]
        cls = original(type_name, default)
        if cls is not None and getattr(cls, "type_name", None) == type_name:
            found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)

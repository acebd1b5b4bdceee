"""The slot validators receive the domain, which Rasa sends only to actions that ask."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa_sdk.forms import ValidationAction

import actions

ROOT = Path(__file__).resolve().parents[2]


def _validators() -> list[str]:
    names = []
    for module in pkgutil.iter_modules(actions.__path__):
        loaded = importlib.import_module(f"actions.{module.name}")
        for _, cls in inspect.getmembers(loaded, inspect.isclass):
            if issubclass(cls, ValidationAction) and cls.__module__ == loaded.__name__:
                names.append(cls().name())
    return names


def test_every_slot_validator_is_sent_the_domain_it_reads_its_slots_from():
    domain = Domain.load(ROOT / "domain.yml")
    validators = _validators()
    assert "action_validate_slot_mappings" in validators
    assert len(validators) >= 5
    assert [
        n for n in validators if not domain.does_custom_action_explicitly_need_domain(n)
    ] == []

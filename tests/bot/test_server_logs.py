"""Rasa's log, as ``python -m bot.server`` starts it, prints no ID or phone number."""

from __future__ import annotations

import logging
import sys

import structlog

from bot import server
from bot.rasa_fixes import registry

ID_NUMBER = "310104199001011233"
PHONE = "13912345678"
TEXT = f"我的身份证号是{ID_NUMBER}，电话{PHONE}"


def test_rasas_debug_log_of_a_form_payload_is_masked(monkeypatch, caplog):
    import rasa.__main__
    from rasa.utils.log_utils import configure_structlog

    # The record factory and structlog's configuration are the process's: put back.
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())
    monkeypatch.setattr(registry, "FIXES", {})

    def rasas_command() -> None:
        # What Rasa's command sets up before it runs: structlog rendering its events
        # into records of the standard library, then the processor's debug events.
        configure_structlog(logging.DEBUG)
        log = structlog.get_logger("rasa.core.processor")
        log.debug(
            "processor.message.parse",
            parse_data_text=TEXT,
            parse_data_entities=[{"entity": "id_number", "value": ID_NUMBER}],
        )
        log.debug(
            "processor.extract.slots",
            rasa_events=[f"SlotSet(key: id_number, value: {ID_NUMBER})"],
        )
        logging.getLogger("rasa.core.actions.action").debug(
            "Calling action endpoint with %s", {"slots": {"phone": PHONE}}
        )

    monkeypatch.setattr(rasa.__main__, "main", rasas_command)
    monkeypatch.setattr(sys, "argv", ["bot.server", "--version"])
    caplog.set_level(logging.DEBUG)
    try:
        server.main()
    finally:
        structlog.reset_defaults()

    printed = caplog.text
    assert "processor.message.parse" in printed and "Calling action endpoint" in printed
    assert ID_NUMBER not in printed and PHONE not in printed
    assert "310104********1233" in printed and "139****5678" in printed

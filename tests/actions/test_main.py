"""``python -m actions``: rasa-sdk's action server, serving once the search is built."""

from __future__ import annotations

import logging
import sys

from actions import __main__ as action_server


def test_the_action_server_builds_the_search_before_it_serves_this_package(
    monkeypatch,
):
    happened = []

    class Search:
        def warm_up(self, *also) -> None:
            happened.append("search built")

    monkeypatch.setattr(action_server, "search_engine", lambda: Search())
    monkeypatch.setattr(
        action_server,
        "main_from_args",
        lambda args: happened.append(("serving", args.actions, args.port)),
    )
    monkeypatch.setattr(sys, "argv", ["actions", "--port", "5077"])
    action_server.main()
    assert happened == ["search built", ("serving", "actions", 5077)]


def test_the_action_server_masks_its_log(monkeypatch, caplog):
    """rasa-sdk's debug log prints the tracker it is sent: slots and messages."""
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())
    monkeypatch.setattr(action_server, "search_engine", lambda: _NoSearch())
    monkeypatch.setattr(
        action_server,
        "main_from_args",
        lambda args: logging.getLogger("rasa_sdk.executor").debug(
            "Received request to run 'validate_application_form' with %s",
            {"slots": {"id_number": "310104199001011233", "phone": "13912345678"}},
        ),
    )
    monkeypatch.setattr(sys, "argv", ["actions", "--port", "5077"])
    caplog.set_level(logging.DEBUG)
    action_server.main()
    assert "validate_application_form" in caplog.text
    assert "310104199001011233" not in caplog.text
    assert "13912345678" not in caplog.text


class _NoSearch:
    def warm_up(self, *also) -> None:
        pass

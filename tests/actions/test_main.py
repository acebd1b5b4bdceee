"""``python -m actions``: rasa-sdk's action server, serving once the search is built."""

from __future__ import annotations

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

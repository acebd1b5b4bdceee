"""Rasa's endpoints file: it sends the internal token to the action server, and nobody
but its owner can read it."""

from __future__ import annotations

import stat

import yaml

from foundation.internal_token import HEADER
from foundation.rasa_endpoints import endpoints_config, write_endpoints
from foundation.settings import Settings

TOKEN = "the-internal-token-rasa-must-send-to-actions"


def test_rasa_sends_the_internal_token_with_every_action_call():
    config = endpoints_config(Settings(internal_token=TOKEN))
    assert config["action_endpoint"]["headers"] == {HEADER: TOKEN}


def test_endpoints_file_is_private_even_where_an_older_one_was_readable(tmp_path):
    path = tmp_path / "endpoints.yml"
    path.write_text("# an older file, readable by all\n")
    path.chmod(0o644)
    write_endpoints(Settings(internal_token=TOKEN), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = yaml.safe_load(path.read_text())
    assert written["action_endpoint"]["headers"] == {HEADER: TOKEN}

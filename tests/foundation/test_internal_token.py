"""The secret the assistant's processes show each other: required outside dev, made once
in dev and kept private, compared without giving itself away."""

from __future__ import annotations

import concurrent.futures
import stat

import pytest
from pydantic import ValidationError

from foundation.internal_token import (
    DEV_TOKEN_FILE,
    HEADER,
    internal_headers,
    internal_token,
    is_internal_token,
)
from foundation.settings import Settings

TOKEN = "a-real-internal-token-of-32-chars-at-least"


def test_settings_outside_dev_refuse_to_start_without_an_internal_token():
    with pytest.raises(ValidationError, match="HOTLINE_INTERNAL_TOKEN"):
        Settings(environment="production", secret_key="real", internal_token="")


@pytest.mark.parametrize(
    "token",
    ["too-short", "x" * 31, "${HOTLINE_SECRET_KEY}" + "x" * 32, "with space " * 4],
    ids=["short", "31-characters", "substituted-by-rasa", "space"],
)
def test_settings_refuse_a_token_too_short_or_unfit_for_a_header(token):
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(internal_token=token)


def test_a_token_from_the_settings_is_used_and_no_file_is_made(tmp_path):
    settings = Settings(internal_token=TOKEN, var_dir=tmp_path)
    assert internal_token(settings) == TOKEN
    assert internal_headers(settings) == {HEADER: TOKEN}
    assert list(tmp_path.iterdir()) == []


def test_dev_token_is_made_once_kept_private_and_read_by_every_process(tmp_path):
    first = internal_token(Settings(var_dir=tmp_path))
    again = internal_token(Settings(var_dir=tmp_path))
    assert again == first and len(first) >= 32
    kept = tmp_path / DEV_TOKEN_FILE
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text().strip() == first


def test_processes_starting_together_agree_on_one_dev_token(tmp_path):
    settings = Settings(var_dir=tmp_path / "var")
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        tokens = set(pool.map(lambda _: internal_token(settings), range(64)))
    assert len(tokens) == 1
    # No candidate is left behind.
    assert [p.name for p in (tmp_path / "var").iterdir()] == [DEV_TOKEN_FILE]


@pytest.mark.parametrize(
    ("presented", "accepted"),
    [
        (TOKEN, True),
        (TOKEN[:-1], False),
        (TOKEN + "x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_the_token_itself_is_the_internal_token(presented, accepted):
    assert is_internal_token(presented, TOKEN) is accepted


def test_settings_refuse_a_trusted_proxy_that_is_no_address():
    assert Settings(trusted_proxies=["10.0.0.0/8", "192.0.2.7"]).trusted_proxies
    with pytest.raises(ValidationError, match="trusted_proxies"):
        Settings(trusted_proxies=["*"])

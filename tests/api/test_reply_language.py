"""The gateway's own replies (sensitive, with an agent, Rasa unavailable) over HTTP are
written in the citizen's language; the widget's 中/EN switch (``lang``) decides only a
message written in neither. None of them needs a trained model."""

from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from contact_centre.handoff import request_handoff, take_handoff
from foundation.db import session_scope
from knowledge_base.answers import UNAVAILABLE, WITH_AGENT
from privacy.auth import Staff, authenticate
from tests.api.test_emergencies import RecordingRasa
from tests.support.chat import Citizen, issued_session
from tests.support.live import serve

EXPAT_QUESTION = "How do I get a residence permit? Where do I go and when is it open?"


@pytest.fixture(scope="module")
def rasa():
    fake = RecordingRasa()
    with serve(fake.app) as url:
        fake.url = url
        yield fake


@pytest.fixture(scope="module")
def api(engine, rasa):
    with (
        serve(
            create_app(engine, rasa=RasaClient(rasa.url, "unchecked-by-the-fake"))
        ) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


def _first_reply(client, text: str, lang: str, **citizen) -> str:
    return Citizen(client, **citizen).say(text, lang=lang)["replies"][0]["text"]


def test_unavailable_reply_to_english_is_english_in_a_widget_set_to_chinese(client):
    # ``client``: the gateway of tests/api/conftest.py, whose Rasa nobody listens for.
    assert _first_reply(client, EXPAT_QUESTION, "zh") == UNAVAILABLE["en"]


def test_unavailable_reply_to_chinese_is_chinese_in_a_widget_set_to_english(client):
    assert (
        _first_reply(client, "我的residence permit快到期了", "en") == UNAVAILABLE["zh"]
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_unavailable_reply_to_ok_follows_the_widget(client, lang):
    assert _first_reply(client, "ok", lang) == UNAVAILABLE[lang]


def test_sensitive_reply_to_english_is_english_in_a_widget_set_to_chinese(api, rasa):
    text = "What do you think about the Communist Party?"
    body = Citizen(api).say(text, lang="zh")
    assert "I do not give views on political" in body["replies"][0]["text"]
    assert body["replies"][0]["buttons"][0]["title"] == "Talk to a person"
    assert text not in rasa.received


def test_sensitive_reply_to_chinese_is_chinese_in_a_widget_set_to_english(api):
    reply = _first_reply(api, "你支持共产党吗", "en")
    assert "不对政治、宗教、民族等话题发表看法" in reply


@pytest.mark.parametrize(
    "text, lang, language",
    [
        ("Are you still there?", "zh", "en"),
        ("还在吗", "en", "zh"),
        ("GD26120615424746", "en", "en"),
    ],
)
def test_with_agent_reply_is_in_the_language_written_or_else_the_widgets(
    api, engine, agent_token, text, lang, language
):
    session = issued_session()
    with session_scope(engine) as db:
        handoff = request_handoff(db, session.id, reason="转人工").handoff
        take_handoff(db, handoff.id, Staff.of(authenticate(db, agent_token)))
    assert _first_reply(api, text, lang, session=session) == WITH_AGENT[language]

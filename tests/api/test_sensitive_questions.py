"""Sensitive questions through the real gateway over HTTP: a neutral answer, a person on
offer, and the bot (a recording fake Rasa) never asked."""

from __future__ import annotations

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from tests.api.test_emergencies import RecordingRasa
from tests.support.chat import Citizen
from tests.support.live import serve


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


def _chat(api, text: str, citizen: Citizen | None = None) -> dict:
    return (citizen or Citizen(api)).say(text)


def test_political_question_gets_a_neutral_answer_and_a_person(api, rasa):
    body = _chat(api, "你对台湾问题怎么看")
    reply = body["replies"][0]
    assert "不对政治、宗教、民族等话题发表看法" in reply["text"]
    assert reply["buttons"] == [{"title": "转人工", "payload": "/request_human"}]
    assert body["intent"]["name"] == "sensitive_question"
    assert "你对台湾问题怎么看" not in rasa.received


def test_english_political_question_is_answered_in_english(api):
    reply = _chat(api, "What do you think about the Communist Party?")["replies"][0]
    assert "I do not give views on political" in reply["text"]
    assert reply["buttons"][0]["title"] == "Talk to a person"


def test_service_question_sharing_the_words_reaches_the_bot(api, rasa):
    body = _chat(api, "往来台湾通行证怎么办")
    assert body["replies"][0]["text"] == "已收到：往来台湾通行证怎么办"
    assert "往来台湾通行证怎么办" in rasa.received


def test_sensitive_question_inside_a_conversation_leaves_it_where_it_was(api, rasa):
    citizen = Citizen(api)
    _chat(api, "我要投诉楼下噪音", citizen)
    _chat(api, "你支持共产党吗", citizen)
    body = _chat(api, "每天晚上十一点以后", citizen)
    assert body["replies"][0]["text"] == "已收到：每天晚上十一点以后"

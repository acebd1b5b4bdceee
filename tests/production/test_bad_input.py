"""Bad input at scale against the live replicas: random, huge and malformed bodies.

Hypothesis sends chat and WeChat bodies of every shape (mixed scripts, emoji, control
characters, lone surrogates, deep nesting, wrong types, broken JSON and XML, bodies over
the size limit); schemathesis then walks the whole OpenAPI schema. Nothing may answer
5xx, no process may die, and a conversation held before and after still makes sense.
"""

from __future__ import annotations

import json
import subprocess

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.production.conftest import Citizen, all_replicas_up, wechat_query
from tests.support.stack import BIN

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

FRAGMENTS = [
    "居住证怎么办",
    "那要带啥？",
    "转人工",
    "😀👍🏽🇨🇳",
    "👨‍👩‍👧‍👦",
    "\u202eevil\u202c",
    "\x00\x07\x1b[31m",
    "\ufeff",
    "𠀀𪚥𰻞",
    "ئۇيغۇرچە",
    "русский текст",
    "ｆｕｌｌｗｉｄｔｈ",
    "<script>alert(1)</script>",
    "'; DROP TABLE services;--",
    "/restart",
    '/ask_service_guide{"service": "residence-permit"}',
    "/inform{",
    "${HOTLINE_SECRET_KEY}",
    "{{service}}",
    "SQ20260101000001",
]
TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=12
).map("".join)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)
SESSION_IDS = st.one_of(
    st.just("fuzz-shared"),
    st.from_regex(r"\Afuzz-[a-z0-9]{6}\Z"),
    # Shaped like the sessions the gateway issues, signed by nobody (or WeChat's).
    st.from_regex(
        r"\A(web|mp|wx|xx):[A-Za-z0-9_-]{20,23}\.[0-9]{1,8}\.[A-Za-z0-9_-]{20,23}\Z"
    ),
    st.text(max_size=140),
    JSON_VALUES,
)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=gbk",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/problem+json",
        "",
    ]
)


def _encode(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


CHAT_BODIES = st.one_of(
    st.builds(
        lambda session, text, lang: _encode(
            {"session_id": session, "text": text}
            | ({"lang": lang} if lang is not None else {})
        ),
        SESSION_IDS,
        st.one_of(TEXT, st.text(min_size=1990, max_size=2100), JSON_VALUES),
        st.sampled_from([None, "zh", "en", "fr", ""]),
    ),
    JSON_VALUES.map(_encode),
    st.binary(max_size=2000),
    st.sampled_from(
        [
            b'{"session_id": "fuzz-a", "text": "\\ud800"}',
            b'{"session_id": "fuzz-a", "text": "a\\u0000b"}',
            b'{"session_id": "fuzz-a", "text": "\\\\u0000 is literal"}',
            b'{"session_id": "fuzz-a", "text": "\\ud83d\\ude00 ok"}',
            b'{"session_id": "fuzz-a", "text": "\xed\xa0\x80"}',
            b'{"session_id": "fuzz-a", "text": 1e999}',
            b'{"session_id": "fuzz-a", "text": "x", "extra": 1}',
            b"[" * 50_000 + b"]" * 50_000,
            b'{"session_id": "fuzz-a", "text": "' + b"a" * 70_000 + b'"}',
            b'{"session_id": "fuzz-a"',
            b"",
        ]
    ),
)
WECHAT_XML = st.builds(
    lambda msg_type, openid, content, msg_id: (
        "<xml><ToUserName>gh_test</ToUserName>"
        f"<FromUserName>{openid}</FromUserName><CreateTime>1700000000</CreateTime>"
        f"<MsgType>{msg_type}</MsgType><Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id}</MsgId></xml>"
    ).encode("utf-8", "surrogatepass"),
    st.sampled_from(["text", "event", "image", "", "TEXT"]),
    st.one_of(st.from_regex(r"\Afuzz[A-Za-z0-9_-]{1,20}\Z"), st.text(max_size=70)),
    TEXT,
    st.one_of(st.integers(0, 10**12).map(str), st.text(max_size=20)),
)
WECHAT_BODIES = st.one_of(
    WECHAT_XML,
    st.builds(
        lambda fields: _encode(fields),
        st.dictionaries(
            st.sampled_from(["MsgType", "FromUserName", "Content", "MsgId", "Event"]),
            JSON_VALUES,
        ),
    ),
    st.binary(max_size=3000),
    st.sampled_from(
        [
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><xml>&a;</xml>',
            b"<xml>" * 20_000,
            b"<notxml/>",
            b"<xml><Content>" + b"\xff\xfe" * 100 + b"</Content></xml>",
        ]
    ),
)
FUZZ_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.large_base_example,
    ],
)


@pytest.fixture(scope="module")
def conversation(topology) -> Citizen:
    """A conversation held across the fuzzing: started before it, checked after it."""
    citizen = Citizen(all_replicas_up(topology))
    assert citizen.say("刚来上海工作，居住证要怎么办", via=0)["service"]["code"] == (
        "residence-permit"
    )
    return citizen


@pytest.fixture(scope="module")
def http() -> httpx.Client:
    with httpx.Client(timeout=90) as client:
        yield client


def _check(answer: httpx.Response) -> None:
    assert answer.status_code < 500, (answer.status_code, answer.text[:300])


def test_fuzzed_chat_bodies_never_get_a_5xx(conversation, replicas, http):
    gateways = [r.gateway_url for r in replicas.replicas]
    count = iter(range(10**9))

    @FUZZ_SETTINGS
    @given(body=CHAT_BODIES, content_type=CONTENT_TYPES)
    def post(body: bytes, content_type: str) -> None:
        gateway = gateways[next(count) % len(gateways)]
        headers = {"Content-Type": content_type} if content_type else {}
        _check(http.post(f"{gateway}/api/v1/chat", content=body, headers=headers))

    post()


def test_fuzzed_wechat_callbacks_never_get_a_5xx(conversation, replicas, http):
    gateways = [r.gateway_url for r in replicas.replicas]
    count = iter(range(10**9))

    @FUZZ_SETTINGS
    @given(
        body=WECHAT_BODIES,
        content_type=st.sampled_from(["text/xml", "application/json", "text/plain"]),
        signed=st.booleans(),
    )
    def post(body: bytes, content_type: str, signed: bool) -> None:
        gateway = gateways[next(count) % len(gateways)]
        query = wechat_query() if signed else wechat_query(token="forged")
        _check(
            http.post(
                f"{gateway}/api/v1/wechat",
                params=query,
                content=body,
                headers={"Content-Type": content_type},
            )
        )

    post()


def test_schemathesis_finds_no_server_error(conversation, replicas, tmp_path):
    gateway = replicas.replicas[1].gateway_url
    run = subprocess.run(
        [
            str(BIN / "schemathesis"),
            "run",
            f"{gateway}/openapi.json",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            "25",
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "2",
            "--seed",
            "12345",
            "--request-timeout",
            "90",
            "--suppress-health-check",
            "all",
            "--report",
            "junit",
            "--report-dir",
            str(tmp_path),
        ],
        # Schemathesis keeps a cache of crashes in its working directory.
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    print(run.stdout[-3000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


def test_nothing_crashed_and_the_conversation_still_makes_sense(conversation, replicas):
    for replica in replicas.replicas:
        for name, process in replica.processes.items():
            assert process.poll() is None, f"{replica.name} {name} died"
    follow_up = conversation.text("那要带啥？", via=1)
    assert "需要准备以下材料" in follow_up and "居住证" in follow_up
    assert conversation.user_texts()[:2] == [
        "刚来上海工作，居住证要怎么办",
        "那要带啥？",
    ]

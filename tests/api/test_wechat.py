"""The WeChat callback over real HTTP, with a fake Rasa and a fake WeChat API server."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI, Request
from wechatpy.crypto import WeChatCrypto

from api.main import create_app
from api.rasa_client import RasaClient
from api.routes import wechat
from api.wechat import CallbackVerifier, WeChatSender
from contact_centre.conversations import open_handoff
from contracts.rasa_gateway import (
    WEBHOOK_PATH,
    BotMessage,
    GatewayReply,
    intent_to_wire,
    reply_to_wire,
    request_from_wire,
)
from foundation.db import session_scope
from foundation.settings import get_settings
from tests.support.fake_wechat import FakeWeChat
from tests.support.live import serve

TOKEN = "hotline-callback-token"
APP_ID = "wx0123456789abcdef"
APP_SECRET = "fake-app-secret"
AES_KEY = base64.b64encode(b"0123456789abcdef0123456789abcdef").decode().rstrip("=")
MINI_PROGRAM = "gh_0123456789ab"


class FakeRasa:
    """Answers the gateway channel like a tiny bot and remembers what it was sent.

    It reads and answers through the gateway channel's contract, as the real one does.
    Serve ``app`` with ``tests.support.live.serve``.
    """

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.release = threading.Event()
        self.app = FastAPI()
        self.app.post(WEBHOOK_PATH)(self._handle)

    def messages_from(self, sender: str) -> list[str]:
        return [m["message"] for m in self.received if m["sender"] == sender]

    async def _handle(self, request: Request) -> dict:
        body = request_from_wire(await request.json())
        self.received.append(body)
        text = body["message"]
        if text == "等一下":
            deadline = time.monotonic() + 10
            while not self.release.is_set() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        if text == "居住证":
            buttons = [
                {"title": "办理材料", "payload": "/ask_materials"},
                {"title": "办理地点", "payload": "/ask_location"},
            ]
            return self._answer([{"text": "您想了解哪方面？", "buttons": buttons}])
        return self._answer([{"text": f"已收到：{text}"}])

    @staticmethod
    def _answer(messages: list[BotMessage]) -> GatewayReply:
        return reply_to_wire(messages, intent_to_wire("ask_service_guide", 0.93), {})


@pytest.fixture(scope="module")
def fake_wechat():
    fake = FakeWeChat(APP_ID, APP_SECRET)
    with serve(fake.app) as url:
        fake.url = url
        yield fake


@pytest.fixture(scope="module")
def rasa():
    fake = FakeRasa()
    with serve(fake.app) as url:
        fake.url = url
        yield fake


class Unlimited:
    """Rate limits are tested elsewhere; these tests send many messages quickly."""

    async def allow_request(self, address: str, bearer: str | None) -> bool:
        return True

    async def allow_session(self, session_id: str) -> bool:
        return True


def _served(engine, rasa: FakeRasa, configure: Callable | None = None):
    app = create_app(engine, rasa=RasaClient(rasa.url, "unchecked-by-the-fake"))
    app.include_router(wechat.router)
    app.state.limits = Unlimited()
    if configure:
        configure(app)
    return app


@pytest.fixture(scope="module")
def plain(engine, rasa, fake_wechat):
    """Plaintext mode, configured the production way: environment and settings."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("HOTLINE_WECHAT_TOKEN", TOKEN)
        env.setenv("HOTLINE_WECHAT_APP_ID", APP_ID)
        env.setenv("HOTLINE_WECHAT_APP_SECRET", APP_SECRET)
        env.setenv("HOTLINE_WECHAT_AES_KEY", "")
        env.setenv("HOTLINE_WECHAT_API_BASE_URL", fake_wechat.url)
        get_settings.cache_clear()
        try:
            app = _served(engine, rasa)
            with serve(app) as url:
                yield SimpleNamespace(app=app, url=f"{url}/api/v1/wechat")
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def safe(engine, rasa, fake_wechat):
    """Safe (AES) mode, with the verifier and sender built explicitly."""

    def configure(app) -> None:
        app.state.wechat_verifier = CallbackVerifier(
            TOKEN, app_id=APP_ID, aes_key=AES_KEY
        )
        app.state.wechat_sender = WeChatSender(
            APP_ID, APP_SECRET, base_url=fake_wechat.url
        )

    with serve(_served(engine, rasa, configure)) as url:
        yield SimpleNamespace(url=f"{url}/api/v1/wechat")


@pytest.fixture
def fresh_sender(plain, fake_wechat):
    """A sender with no cached token, so token fetches can be counted."""
    plain.app.state.wechat_sender = WeChatSender(
        APP_ID, APP_SECRET, base_url=fake_wechat.url
    )
    return fake_wechat.token_requests


def signed(
    timestamp: int | None = None, nonce: str | None = None, token: str = TOKEN
) -> dict:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or str(secrets.randbelow(10**10))
    signature = hashlib.sha1(
        "".join(sorted([token, stamp, nonce])).encode()
    ).hexdigest()
    return {"signature": signature, "timestamp": stamp, "nonce": nonce, "openid": "x"}


def new_openid() -> str:
    return "o" + secrets.token_urlsafe(20).replace("-", "_")


def text_xml(openid: str, content: str, msg_id: str | None = None) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{MINI_PROGRAM}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime>"
        "<MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content>"
        f"<MsgId>{msg_id or secrets.randbelow(10**17)}</MsgId></xml>"
    )


def text_json(openid: str, content: str) -> str:
    message = {
        "ToUserName": MINI_PROGRAM,
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": "text",
        "Content": content,
        "MsgId": secrets.randbelow(10**17),
    }
    return json.dumps(message, ensure_ascii=False)


def post(
    url: str, params: dict, body: str, content_type: str = "text/xml"
) -> httpx.Response:
    return httpx.post(
        url,
        params=params,
        content=body.encode("utf-8"),
        headers={"Content-Type": content_type},
        timeout=10,
    )


def eventually(probe: Callable[[], list], timeout: float = 5.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    return probe()


def assert_problem(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error", "detail"}


def test_url_verification_echoes_echostr_when_signed(plain):
    response = httpx.get(
        plain.url, params={**signed(), "echostr": "5837419270115533221"}
    )
    assert response.status_code == 200
    assert response.text == "5837419270115533221"
    assert response.headers["content-type"].startswith("text/plain")


def test_url_verification_with_forged_signature_is_403_json(plain):
    params = {**signed(token="guessed-token"), "echostr": "5837419270115533221"}
    assert_problem(httpx.get(plain.url, params=params), 403)


def test_plaintext_text_is_answered_through_customer_service_api(
    plain, rasa, fake_wechat
):
    openid = new_openid()
    response = post(plain.url, signed(), text_xml(openid, "办居住证要带什么"))
    assert response.status_code == 200
    assert response.text == "success"
    assert eventually(lambda: fake_wechat.texts_to(openid)) == [
        "已收到：办居住证要带什么"
    ]
    assert rasa.messages_from(f"wx:{openid}") == ["办居住证要带什么"]
    assert rasa.received[-1]["metadata"]["channel"] == "wechat"


def test_an_emergency_on_wechat_gets_the_number_first_and_never_reaches_the_bot(
    plain, rasa, engine, fake_wechat
):
    openid = new_openid()
    response = post(plain.url, signed(), text_xml(openid, "楼下着火了，好多烟"))
    assert response.status_code == 200
    texts = eventually(lambda: fake_wechat.texts_to(openid))
    assert len(texts) == 1 and "119" in texts[0].split("。")[0]
    assert rasa.messages_from(f"wx:{openid}") == []
    with session_scope(engine) as session:
        handoff = open_handoff(session, f"wx:{openid}")
        assert (handoff.urgent, handoff.emergency) == (True, "fire")
        assert handoff.channel == "wechat"


def test_callback_answers_success_before_the_bot_has_replied(plain, rasa, fake_wechat):
    openid = new_openid()
    rasa.release.clear()
    try:
        response = post(plain.url, signed(), text_xml(openid, "等一下"))
        assert response.text == "success"
        assert eventually(lambda: rasa.messages_from(f"wx:{openid}"))
        assert fake_wechat.texts_to(openid) == []
    finally:
        rasa.release.set()
    assert eventually(lambda: fake_wechat.texts_to(openid)) == ["已收到：等一下"]


def test_json_text_is_answered_through_customer_service_api(plain, fake_wechat):
    openid = new_openid()
    response = post(
        plain.url, signed(), text_json(openid, "社保卡丢了"), "application/json"
    )
    assert response.text == "success"
    assert eventually(lambda: fake_wechat.texts_to(openid)) == ["已收到：社保卡丢了"]


@pytest.mark.parametrize("body_format", ["xml", "json"])
def test_safe_mode_message_is_decrypted_and_answered(safe, fake_wechat, body_format):
    openid = new_openid()
    params = signed()
    crypto = WeChatCrypto(TOKEN, AES_KEY, APP_ID)
    inner = (
        text_xml(openid, "加密的问题")
        if body_format == "xml"
        else text_json(openid, "加密的问题")
    )
    envelope = crypto.encrypt_message(inner, params["nonce"], params["timestamp"])
    encrypt = envelope.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    msg_signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    if body_format == "xml":
        body, content_type = envelope, "text/xml"
    else:
        body = json.dumps({"ToUserName": MINI_PROGRAM, "Encrypt": encrypt})
        content_type = "application/json"
    query = {**params, "encrypt_type": "aes", "msg_signature": msg_signature}
    response = post(safe.url, query, body, content_type)
    assert response.text == "success"
    assert eventually(lambda: fake_wechat.texts_to(openid)) == ["已收到：加密的问题"]


def test_safe_mode_with_tampered_ciphertext_is_403(safe, fake_wechat):
    openid = new_openid()
    params = signed()
    envelope = WeChatCrypto(TOKEN, AES_KEY, APP_ID).encrypt_message(
        text_xml(openid, "篡改"), params["nonce"], params["timestamp"]
    )
    msg_signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    tampered = envelope.replace("<Encrypt><![CDATA[", "<Encrypt><![CDATA[AAAA")
    query = {**params, "encrypt_type": "aes", "msg_signature": msg_signature}
    assert_problem(post(safe.url, query, tampered), 403)


def test_safe_mode_refuses_plaintext_messages(safe, fake_wechat):
    openid = new_openid()
    assert_problem(post(safe.url, signed(), text_xml(openid, "明文")), 403)


def test_forged_signature_is_403_and_not_answered(plain, rasa):
    openid = new_openid()
    response = post(plain.url, signed(token="guessed-token"), text_xml(openid, "伪造"))
    assert_problem(response, 403)
    time.sleep(0.3)
    assert rasa.messages_from(f"wx:{openid}") == []


@pytest.mark.parametrize("offset_s", [-3600, 3600])
def test_timestamp_outside_clock_skew_is_403(plain, offset_s):
    params = signed(timestamp=int(time.time()) + offset_s)
    assert_problem(post(plain.url, params, text_xml(new_openid(), "过期")), 403)


def test_replayed_nonce_is_409(plain, fake_wechat):
    openid = new_openid()
    params, body = signed(), text_xml(openid, "只说一次")
    assert post(plain.url, params, body).status_code == 200
    assert_problem(post(plain.url, params, body), 409)
    assert eventually(lambda: fake_wechat.texts_to(openid)) == ["已收到：只说一次"]


def test_retried_message_id_is_answered_once(plain, fake_wechat):
    openid = new_openid()
    body = text_xml(openid, "重试", msg_id="24000000000000001")
    assert post(plain.url, signed(), body).text == "success"
    assert post(plain.url, signed(), body).text == "success"
    assert eventually(lambda: fake_wechat.texts_to(openid)) == ["已收到：重试"]
    time.sleep(0.3)
    assert fake_wechat.texts_to(openid) == ["已收到：重试"]


HOSTILE_XML = {
    "external_entity": (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<xml><FromUserName>{openid}</FromUserName><MsgType>text</MsgType>"
        "<Content>&xxe;</Content></xml>"
    ),
    "entity_expansion": (
        '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<xml><FromUserName>{openid}</FromUserName><MsgType>text</MsgType>"
        "<Content>&b;</Content></xml>"
    ),
    "bare_dtd": (
        "<!DOCTYPE xml SYSTEM 'http://127.0.0.1:9/evil.dtd'>"
        "<xml><FromUserName>{openid}</FromUserName><MsgType>text</MsgType>"
        "<Content>hi</Content></xml>"
    ),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE_XML))
def test_xml_with_dtd_or_entities_is_400_and_nothing_sent(
    plain, rasa, fake_wechat, attack
):
    openid = new_openid()
    response = post(plain.url, signed(), HOSTILE_XML[attack].format(openid=openid))
    assert_problem(response, 400)
    assert "DTD" in response.json()["detail"]
    time.sleep(0.3)
    assert rasa.messages_from(f"wx:{openid}") == []
    assert fake_wechat.texts_to(openid) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<xml><FromUserName>oAbc</FromUserName><MsgType>text", "text/xml"),
        ("<notxml><MsgType>text</MsgType></notxml>", "text/xml"),
        ('{"FromUserName": "oAbc", "MsgType": ', "application/json"),
        ('["not", "an", "object"]', "application/json"),
        (
            '{"FromUserName": "../../etc", "MsgType": "text", "Content": "x"}',
            "application/json",
        ),
    ],
    ids=["truncated_xml", "wrong_root", "truncated_json", "json_array", "bad_openid"],
)
def test_malformed_body_is_400(plain, body, content_type):
    assert_problem(post(plain.url, signed(), body, content_type), 400)


def test_unsupported_content_type_is_415(plain):
    body = "FromUserName=oAbc&MsgType=text&Content=hi"
    assert_problem(
        post(plain.url, signed(), body, "application/x-www-form-urlencoded"), 415
    )


def test_buttons_arrive_numbered_and_a_number_sends_the_payload(
    plain, rasa, fake_wechat
):
    openid = new_openid()
    post(plain.url, signed(), text_xml(openid, "居住证"))
    texts = eventually(lambda: fake_wechat.texts_to(openid))
    assert texts == ["您想了解哪方面？\n1. 办理材料\n2. 办理地点"]
    post(plain.url, signed(), text_xml(openid, "2"))
    assert eventually(lambda: rasa.messages_from(f"wx:{openid}")[1:]) == [
        "/ask_location"
    ]


def test_a_number_sent_to_another_replica_picks_the_same_button(
    plain, engine, rasa, fake_wechat
):
    openid = new_openid()
    post(plain.url, signed(), text_xml(openid, "居住证"))
    assert eventually(lambda: fake_wechat.texts_to(openid))
    with serve(_served(engine, rasa)) as other_replica:
        post(f"{other_replica}/api/v1/wechat", signed(), text_xml(openid, "1"))
        assert eventually(lambda: rasa.messages_from(f"wx:{openid}")[1:]) == [
            "/ask_materials"
        ]


def test_a_number_when_no_buttons_were_shown_reaches_the_bot_as_text(
    plain, rasa, fake_wechat
):
    openid = new_openid()
    post(plain.url, signed(), text_xml(openid, "你好"))
    assert eventually(lambda: fake_wechat.texts_to(openid))
    post(plain.url, signed(), text_xml(openid, "2"))
    assert eventually(lambda: rasa.messages_from(f"wx:{openid}")[1:]) == ["2"]


def test_image_message_gets_a_polite_text_only_notice(plain, rasa, fake_wechat):
    openid = new_openid()
    body = (
        f"<xml><ToUserName>{MINI_PROGRAM}</ToUserName><FromUserName>{openid}</FromUserName>"
        "<CreateTime>1700000000</CreateTime><MsgType>image</MsgType>"
        "<PicUrl>http://example.invalid/p.jpg</PicUrl><MediaId>m1</MediaId>"
        "<MsgId>24000000000000099</MsgId></xml>"
    )
    assert post(plain.url, signed(), body).text == "success"
    assert eventually(lambda: fake_wechat.texts_to(openid)) == [wechat.TEXT_ONLY]
    assert rasa.messages_from(f"wx:{openid}") == []


def test_entering_customer_service_gets_a_greeting(plain, fake_wechat):
    openid = new_openid()
    event = {
        "ToUserName": MINI_PROGRAM,
        "FromUserName": openid,
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": "user_enter_tempsession",
        "SessionFrom": "chat-page",
    }
    assert (
        post(plain.url, signed(), json.dumps(event), "application/json").text
        == "success"
    )
    assert eventually(lambda: fake_wechat.texts_to(openid)) == [wechat.GREETING]


def test_access_token_is_fetched_once_for_two_messages(
    plain, fake_wechat, fresh_sender
):
    first, second = new_openid(), new_openid()
    post(plain.url, signed(), text_xml(first, "第一条"))
    assert eventually(lambda: fake_wechat.texts_to(first))
    post(plain.url, signed(), text_xml(second, "第二条"))
    assert eventually(lambda: fake_wechat.texts_to(second))
    assert fake_wechat.token_requests - fresh_sender == 1


def test_expired_access_token_is_refreshed_and_message_resent(
    plain, fake_wechat, fresh_sender
):
    first, second = new_openid(), new_openid()
    post(plain.url, signed(), text_xml(first, "令牌之前"))
    assert eventually(lambda: fake_wechat.texts_to(first))
    fake_wechat.expire_tokens()
    post(plain.url, signed(), text_xml(second, "令牌过期"))
    assert eventually(lambda: fake_wechat.texts_to(second)) == ["已收到：令牌过期"]
    assert fake_wechat.token_requests - fresh_sender == 2

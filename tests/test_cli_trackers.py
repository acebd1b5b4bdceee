"""``hotline trackers mask``: conversations Rasa stored in clear, sealed in place, on
SQLite and on a real PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import CountingSQLTrackerStore
from cli.main import main
from harness.servers import postgres_cluster
from privacy.encryption import FieldCipher, generate_key
from privacy.tracker_events import seal_events

ROOT = Path(__file__).resolve().parents[1]
ID_NUMBER = "310104199001011233"
PHONE = "13912345678"
TEXT = f"我的身份证号是{ID_NUMBER}，电话{PHONE}"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory) -> Iterator[tuple[str, dict]]:
    """A tracker store database: its URL for the command, its keys for Rasa's store."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("trackers") / "rasa.db"
        yield f"sqlite:///{path}", {"dialect": "sqlite", "db": str(path)}
        return
    with postgres_cluster() as cluster:
        url = cluster.create_database("rasa_tracker")
        parts = urlsplit(url)
        yield (
            url,
            {
                "dialect": "postgresql",
                "host": parts.hostname,
                "port": parts.port,
                "db": "rasa_tracker",
                "username": parts.username,
            },
        )


def _application_turns() -> list:
    """A conversation into an application form, as Rasa records it."""
    entities = [
        {"entity": "id_number", "start": 7, "end": 25, "value": ID_NUMBER},
        {"entity": "phone", "start": 28, "end": 39, "value": PHONE},
    ]
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("张伟", {"name": "inform", "confidence": 0.9}),
        SlotSet("applicant_name", "张伟"),
        BotUttered("请输入申请人的18位居民身份证号码。"),
        ActionExecuted("action_listen"),
        UserUttered(TEXT, {"name": "inform", "confidence": 0.9}, entities),
        SlotSet("id_number", ID_NUMBER),
        SlotSet("phone", PHONE),
        SlotSet("complaint_text", f"楼上太吵，回电{PHONE}"),
        BotUttered("请问是在哪个区？"),
        ActionExecuted("action_listen"),
    ]


def _stored_by_rasa(keys: dict, domain: Domain) -> str:
    """A conversation saved by Rasa's own store, as before sealing: in clear."""
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker.from_events(
        sender, _application_turns(), slots=domain.slots
    )
    asyncio.run(SQLTrackerStore(domain=domain, **keys).save(tracker))
    return sender


def _rows(url: str) -> list[str]:
    engine = sa.create_engine(url, future=True)
    try:
        with engine.connect() as connection:
            return list(
                connection.execute(sa.text("SELECT data FROM events ORDER BY id"))
                .scalars()
                .all()
            )
    finally:
        engine.dispose()


def _mask(url: str, capsys, *more: str) -> tuple[int, str, str]:
    code = main(["trackers", "mask", "--url", url, *more])
    out, err = capsys.readouterr()
    return code, out, err


def test_trackers_mask_seals_stored_conversations_in_place_and_once(
    database, domain, capsys
):
    url, keys = database
    sender = _stored_by_rasa(keys, domain)
    assert any(ID_NUMBER in row for row in _rows(url))

    code, out, _ = _mask(url, capsys)
    assert code == 0 and " masked, in " in out

    stored = "\n".join(_rows(url))
    for clear in (ID_NUMBER, PHONE, '"张伟"', "\\u5f20\\u4f1f"):
        assert clear not in stored
    # The conversation goes on: the tracker store gives Rasa its slots back.
    tracker = asyncio.run(
        CountingSQLTrackerStore(domain=domain, **keys).retrieve(sender)
    )
    assert tracker.get_slot("id_number") == ID_NUMBER
    assert tracker.get_slot("phone") == PHONE
    assert tracker.get_slot("applicant_name") == "张伟"
    assert tracker.get_slot("complaint_text") == f"楼上太吵，回电{PHONE}"
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == ["张*", "我的身份证号是310104********1233，电话139****5678"]

    rows = _rows(url)
    code, out, _ = _mask(url, capsys)
    assert code == 0 and out.startswith(f"0 of {len(rows)} events masked")
    assert _rows(url) == rows


def test_trackers_mask_dry_run_counts_and_changes_nothing(database, domain, capsys):
    url, keys = database
    _stored_by_rasa(keys, domain)
    rows = _rows(url)
    code, out, _ = _mask(url, capsys, "--dry-run", "--batch", "1")
    assert code == 0 and "would be masked" in out and not out.startswith("0 of")
    assert _rows(url) == rows


def test_trackers_mask_refuses_slots_sealed_under_another_key(database, domain, capsys):
    url, keys = database
    _mask(url, capsys)  # whatever the other tests left is sealed already
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    other = FieldCipher(generate_key())
    tracker = DialogueStateTracker.from_events(
        sender, _application_turns(), slots=domain.slots
    )
    asyncio.run(SQLTrackerStore(domain=domain, **keys).save(tracker))
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        rows = connection.execute(
            sa.text("SELECT id, data FROM events WHERE sender_id = :s ORDER BY id"),
            {"s": sender},
        ).all()
        sealed = seal_events([json.loads(row.data) for row in rows], other)
        for row, event in zip(rows, sealed, strict=True):
            connection.execute(
                sa.text("UPDATE events SET data = :d WHERE id = :i"),
                {"d": json.dumps(event), "i": row.id},
            )
    engine.dispose()
    before = _rows(url)

    code, _, err = _mask(url, capsys)
    assert code == 1 and "HOTLINE_FIELD_KEY" in err
    assert _rows(url) == before


def test_trackers_mask_without_a_tracker_store_database_has_nothing_to_do(
    monkeypatch, capsys
):
    from foundation.settings import get_settings

    monkeypatch.setenv("HOTLINE_TRACKER_STORE_URL", "")
    get_settings.cache_clear()
    try:
        assert main(["trackers", "mask"]) == 0
    finally:
        get_settings.cache_clear()
    assert "nothing stored to mask" in capsys.readouterr().out

"""The tracker store that saves without counting: the same rows as Rasa's own store."""

from __future__ import annotations

import asyncio
import json
import re
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
from rasa.utils.endpoints import EndpointConfig

from bot import tracker_store
from bot.tracker_store import (
    SAVED_IN_THIS_TURN,
    CountingSQLTrackerStore,
    GatewayInMemoryTrackerStore,
)
from harness.servers import postgres_cluster

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store_keys(request, tmp_path_factory) -> Iterator[dict]:
    """The keys the endpoints file gives both stores, on a fresh database."""
    if request.param == "sqlite":
        yield {"dialect": "sqlite", "db": str(tmp_path_factory.mktemp("t") / "t.db")}
        return
    with postgres_cluster() as cluster:
        url = urlsplit(cluster.create_database("rasa_tracker"))
        yield {
            "dialect": "postgresql",
            "host": url.hostname,
            "port": url.port,
            "db": "rasa_tracker",
            "username": url.username,
            "password": url.password,
        }


@pytest.fixture
def stores(store_keys, domain):
    return (
        CountingSQLTrackerStore(domain=domain, **store_keys),
        SQLTrackerStore(domain=domain, **store_keys),
    )


def _turn(text: str, intent: str, answer: str) -> list:
    return [
        UserUttered(text, {"name": intent, "confidence": 0.98}),
        SlotSet("aspect", "materials"),
        ActionExecuted("utter_greet"),
        BotUttered(answer),
        ActionExecuted("action_listen"),
    ]


def _opening() -> list:
    return [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]


def _engines(store) -> list[sa.engine.Engine]:
    """The store's engine and, where it has a pool of its own (ours, on PostgreSQL),
    its autocommitting one: statements run through either."""
    own = getattr(store, "_autocommitting", store.engine)
    return [store.engine] if own.pool is store.engine.pool else [store.engine, own]


def _statements(store) -> list[str]:
    seen: list[str] = []
    for engine in _engines(store):
        sa.event.listen(
            engine,
            "before_cursor_execute",
            lambda conn, cursor, statement, *rest: seen.append(statement.lower()),
        )
    return seen


def test_a_conversation_saved_here_reads_back_the_same_through_rasas_own_store(
    stores, domain
):
    ours, rasas = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker.from_events(
        sender,
        [*_opening(), *_turn("护照怎么办", "ask_service_guide", "请带身份证")],
        slots=domain.slots,
    )
    asyncio.run(ours.save(tracker))

    again = asyncio.run(rasas.retrieve(sender))
    assert again.current_state() == tracker.current_state()
    assert asyncio.run(ours.retrieve(sender)).current_state() == tracker.current_state()


def test_a_loaded_conversation_saves_only_its_new_events_and_counts_nothing(
    stores, domain
):
    ours, rasas = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    first = DialogueStateTracker.from_events(
        sender,
        [*_opening(), *_turn("护照怎么办", "ask_service_guide", "a")],
        slots=domain.slots,
    )
    asyncio.run(ours.save(first))

    loaded = asyncio.run(ours.retrieve(sender))
    for event in _turn("要多久", "ask_time_limit", "b"):
        loaded.update(event)
    statements = _statements(ours)
    asyncio.run(ours.save(loaded))

    assert statements and not [s for s in statements if "count(" in s]
    stored = asyncio.run(rasas.retrieve(sender))
    assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in loaded.events]


def test_every_save_stores_what_rasas_own_store_stores(stores, domain):
    """Rasa answers a conversation it failed to read (PostgreSQL restarted) with a new
    tracker and saves it twice: the stored conversation must come out as with Rasa's
    store, not with the new tracker's turn appended."""
    ours, rasas = stores
    stored_turn = [*_opening(), *_turn("护照怎么办", "ask_service_guide", "a")]
    fresh_turn = [
        ActionExecuted("action_listen"),
        *_opening(),
        *_turn("要多久", "ask_time_limit", "b"),
        *_turn("在哪办", "ask_location", "c"),
    ]
    outcome = {}
    for name, store in (("ours", ours), ("rasa's", rasas)):
        sender = f"citizen-{uuid.uuid4().hex[:8]}"
        asyncio.run(store.save(DialogueStateTracker.from_events(sender, stored_turn)))
        loaded = asyncio.run(store.retrieve(sender))
        asyncio.run(store.save(loaded))  # loaded, saved with nothing new
        fresh = DialogueStateTracker.from_events(sender, fresh_turn[:1])
        asyncio.run(store.save(fresh))
        for event in fresh_turn[1:]:
            fresh.update(event)
        asyncio.run(store.save(fresh))
        asyncio.run(store.save(fresh))
        outcome[name] = [
            e.as_dict() for e in asyncio.run(rasas.retrieve_full_tracker(sender)).events
        ]
    assert outcome["ours"] == outcome["rasa's"]


def test_a_tracker_not_loaded_here_is_counted_and_not_stored_twice(stores, domain):
    ours, rasas = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    events = [*_opening(), *_turn("护照怎么办", "ask_service_guide", "a")]
    asyncio.run(rasas.save(DialogueStateTracker.from_events(sender, events)))

    longer = DialogueStateTracker.from_events(
        sender, [*events, *_turn("要多久", "ask_time_limit", "b")], slots=domain.slots
    )
    asyncio.run(ours.save(longer))

    stored = asyncio.run(rasas.retrieve(sender))
    assert len(stored.events) == len(longer.events)


def test_only_the_latest_session_is_loaded_as_rasa_loads_it(stores, domain):
    ours, rasas = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    events = [
        *_opening(),
        *_turn("护照怎么办", "ask_service_guide", "a"),
        *_opening(),
        *_turn("结婚登记", "ask_service_guide", "b"),
    ]
    asyncio.run(rasas.save(DialogueStateTracker.from_events(sender, events)))

    ours_loaded = asyncio.run(ours.retrieve(sender))
    rasas_loaded = asyncio.run(rasas.retrieve(sender))
    assert [e.as_dict() for e in ours_loaded.events] == [
        e.as_dict() for e in rasas_loaded.events
    ]
    assert ours_loaded.events[0] == SessionStarted()
    assert len(ours_loaded.events) < len(events)


def test_a_conversation_is_read_by_its_one_query_outside_any_transaction(
    stores, domain
):
    ours, _ = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        ours.save(DialogueStateTracker.from_events(sender, _opening(), domain.slots))
    )
    autocommit = _autocommit_flags(ours)
    asyncio.run(ours.retrieve(sender))
    # In a transaction the driver would send BEGIN before the query and the pool
    # ROLLBACK after it: two more round trips to the database per message.
    assert autocommit == [True]


def test_a_turn_is_saved_by_one_statement_outside_any_transaction_on_postgresql(
    stores, domain
):
    ours, rasas = stores
    if ours.engine.dialect.name != "postgresql":
        pytest.skip("SQLite inserts row by row, which needs the transaction")
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        ours.save(DialogueStateTracker.from_events(sender, _opening(), domain.slots))
    )
    loaded = asyncio.run(ours.retrieve(sender))
    for event in _turn("要多久", "ask_time_limit", "b"):
        loaded.update(event)
    autocommit = _autocommit_flags(ours)
    asyncio.run(ours.save(loaded))

    assert autocommit == [True]
    stored = asyncio.run(rasas.retrieve(sender))
    assert [e.as_dict() for e in stored.events] == [e.as_dict() for e in loaded.events]


def _autocommit_flags(store) -> list[bool]:
    """Whether each statement ``store`` runs from now on runs outside a transaction."""
    flags: list[bool] = []
    for engine in _engines(store):
        sa.event.listen(
            engine,
            "before_cursor_execute",
            lambda conn, *rest: flags.append(_autocommits(conn.connection.connection)),
        )
    return flags


def _autocommits(dbapi_connection) -> bool:
    """psycopg2's flag, or sqlite3's (no isolation level: no implicit BEGIN)."""
    if hasattr(dbapi_connection, "autocommit"):
        return bool(dbapi_connection.autocommit)
    return dbapi_connection.isolation_level is None


def test_an_unknown_conversation_is_none(stores):
    ours, _ = stores
    assert asyncio.run(ours.retrieve("nobody-here")) is None


def test_queries_run_off_the_event_loop_so_other_conversations_go_on(stores, domain):
    import threading

    ours, _ = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    threads: list[threading.Thread] = []
    for engine in _engines(ours):
        sa.event.listen(
            engine,
            "before_cursor_execute",
            lambda *args: threads.append(threading.current_thread()),
        )

    async def converse() -> threading.Thread:
        tracker = DialogueStateTracker.from_events(
            sender,
            [*_opening(), *_turn("护照怎么办", "ask_service_guide", "a")],
            slots=domain.slots,
        )
        await ours.save(tracker)
        await ours.retrieve(sender)
        return threading.current_thread()

    loop_thread = asyncio.run(converse())
    assert threads and loop_thread not in threads


async def _saved_in_turns(store, domain) -> tuple[list, list]:
    """What two concurrent gateway turns are handed; a save outside a turn goes by."""

    async def turn(sender: str) -> list:
        saved: list = []
        token = SAVED_IN_THIS_TURN.set(saved)
        try:
            tracker = DialogueStateTracker.from_events(sender, _opening(), domain.slots)
            await asyncio.sleep(0)  # the other turn saves meanwhile
            await store.save(tracker)
            return [t.sender_id for t in saved]
        finally:
            SAVED_IN_THIS_TURN.reset(token)

    first, second = await asyncio.gather(turn("first"), turn("second"))
    await store.save(DialogueStateTracker.from_events("outside", [], domain.slots))
    return first, second


def test_each_store_hands_a_tracker_it_saves_to_the_turn_that_saved_it(stores, domain):
    for store in (stores[0], GatewayInMemoryTrackerStore(domain)):
        assert asyncio.run(_saved_in_turns(store, domain)) == (["first"], ["second"])
        assert asyncio.run(store.retrieve("first")) is not None


# --- personal data: sealed in the store, restored for the next turn (issue 25) --------

ID_NUMBER = "310104199001011233"
PHONE = "13912345678"
GIVEN = f"我的身份证号是{ID_NUMBER}，电话{PHONE}"


def _giving_id_and_phone() -> list:
    """The turn of an application form in which the citizen gives both numbers."""
    entities = [
        {"entity": "id_number", "start": 7, "end": 25, "value": ID_NUMBER},
        {"entity": "phone", "start": 28, "end": 39, "value": PHONE},
    ]
    return [
        UserUttered(GIVEN, {"name": "inform", "confidence": 0.97}, entities),
        SlotSet("id_number", ID_NUMBER),
        SlotSet("phone", PHONE),
        SlotSet("requested_slot", "district"),
        BotUttered("请问是在哪个区？"),
        ActionExecuted("action_listen"),
    ]


def _application_so_far() -> list:
    return [
        *_opening(),
        UserUttered("我要在线申请居住证", {"name": "start_application"}),
        SlotSet("service", "residence-permit"),
        SlotSet("consent", True),
        ActionExecuted("action_listen"),
        UserUttered("张伟", {"name": "inform"}),
        SlotSet("applicant_name", "张伟"),
        ActionExecuted("action_listen"),
        *_giving_id_and_phone(),
    ]


def _raw(store, sender: str) -> str:
    """Everything the store keeps of a conversation, as kept."""
    if isinstance(store, GatewayInMemoryTrackerStore):
        return store.store[sender]
    with store.engine.connect() as connection:
        return "\n".join(
            connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalars()
        )


@pytest.fixture(params=["sql", "in-memory"])
def store(request, stores, domain):
    return stores[0] if request.param == "sql" else GatewayInMemoryTrackerStore(domain)


def test_a_turn_with_an_id_and_a_phone_is_stored_with_neither(store, domain):
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker.from_events(
        sender, _application_so_far(), slots=domain.slots
    )
    asyncio.run(store.save(tracker))

    raw = _raw(store, sender)
    for clear in (ID_NUMBER, PHONE, '"\\u5f20\\u4f1f"'):  # "张伟", as json.dumps writes
        assert clear not in raw
    assert "310104********1233" in raw and "139****5678" in raw


def test_the_next_turn_gets_the_numbers_back_and_the_api_gets_them_sealed(
    store, domain
):
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker.from_events(
        sender, _application_so_far(), slots=domain.slots
    )
    asyncio.run(store.save(tracker))

    loaded = asyncio.run(store.retrieve(sender))
    assert loaded.current_slot_values() == tracker.current_slot_values()
    given = [e for e in loaded.events if isinstance(e, UserUttered)][-1]
    assert given.text == "我的身份证号是310104********1233，电话139****5678"
    assert [e["value"] for e in given.entities] == ["310104********1233", "139****5678"]
    # GET /conversations/{id}/tracker reads the full tracker: as stored.
    shown = asyncio.run(store.retrieve_full_tracker(sender)).current_slot_values()
    assert shown["id_number"].startswith("v1:") and shown["phone"].startswith("v1:")
    assert shown["applicant_name"].startswith("v1:")
    assert shown["service"] == "residence-permit"


def test_rasas_own_store_reads_the_rows_sealed(stores, domain):
    ours, rasas = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        ours.save(
            DialogueStateTracker.from_events(
                sender, _application_so_far(), slots=domain.slots
            )
        )
    )
    slots = asyncio.run(rasas.retrieve(sender)).current_slot_values()
    assert slots["id_number"].startswith("v1:")
    assert ID_NUMBER not in json.dumps(slots)


def test_a_slot_sealed_under_another_key_fails_the_read_instead_of_passing_a_token(
    stores, domain, monkeypatch
):
    """Rasa's fail-safe store then answers as for a conversation it cannot read."""
    from privacy.encryption import DecryptionError, FieldCipher, generate_key

    ours, _ = stores
    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        ours.save(DialogueStateTracker.from_events(sender, _application_so_far()))
    )
    other = FieldCipher(generate_key())
    monkeypatch.setattr(tracker_store, "field_cipher", lambda: other)
    with pytest.raises(DecryptionError):
        asyncio.run(ours.retrieve(sender))


def test_an_application_is_submitted_from_the_tracker_read_back(store, domain, engine):
    """The form's last turn reads its slots from the stored tracker: the clear ID and
    phone reach the application, none of them the store."""
    from rasa.shared.core.trackers import EventVerbosity
    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    from actions.applications import ActionSubmitApplication
    from cases.repositories.applications import get_application
    from foundation.db import session_scope

    sender = f"citizen-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        store.save(
            DialogueStateTracker.from_events(
                sender, _application_so_far(), slots=domain.slots
            )
        )
    )
    for _ in range(2):  # district, then "yes": each turn read back and saved
        loaded = asyncio.run(store.retrieve(sender))
        loaded.update(UserUttered("徐汇区", {"name": "inform"}))
        loaded.update(SlotSet("district", "徐汇区"))
        asyncio.run(store.save(loaded))
    loaded = asyncio.run(store.retrieve(sender))
    loaded.update(UserUttered("是的", {"name": "affirm"}))
    loaded.update(SlotSet("application_confirmed", True))

    dispatcher = CollectingDispatcher()
    events = ActionSubmitApplication().run(
        # What Rasa sends the action server.
        dispatcher,
        Tracker.from_dict(loaded.current_state(EventVerbosity.ALL)),
        {},
    )
    assert dispatcher.messages[0]["response"] == "utter_application_submitted"
    with session_scope(engine) as session:
        filed = get_application(session, dispatcher.messages[0]["number"])
        assert (filed.applicant_name, filed.id_number, filed.phone) == (
            "张伟",
            ID_NUMBER,
            PHONE,
        )
    for event in events:
        loaded.update(SlotSet(event["name"], event["value"]))
    asyncio.run(store.save(loaded))
    assert ID_NUMBER not in _raw(store, sender) and PHONE not in _raw(store, sender)


@pytest.fixture(scope="module")
def action_server(engine, database_url, tmp_path_factory) -> Iterator[EndpointConfig]:
    """The real action server on the test database, without a Rasa server."""
    from foundation.internal_token import HEADER, internal_token
    from foundation.settings import Settings
    from foundation.topology import LOOPBACK, embedded
    from harness.processes import start, terminate_all, wait_ready
    from harness.servers import free_port

    settings = Settings(
        database_url=database_url,
        action_server_url=f"http://{LOOPBACK}:{free_port()}",
        rasa_url=f"http://{LOOPBACK}:{free_port()}",
    )
    actions = embedded(settings, model="unused").actions
    logs = tmp_path_factory.mktemp("actions-logs")
    token = internal_token(settings)
    running = start(actions, logs)
    try:
        wait_ready(actions, running, logs=logs, internal_token=token)
        yield EndpointConfig(
            f"{settings.action_server_url}/webhook", headers={HEADER: token}
        )
    finally:
        terminate_all([running])


@pytest.fixture(scope="module")
def agent(trained_model, action_server):
    from rasa.core.agent import Agent

    return Agent.load(str(trained_model), action_endpoint=action_server)


@pytest.mark.slow
def test_a_real_application_turn_stores_neither_number_and_the_form_still_submits(
    agent, store, engine
):
    """Through Rasa's message processor, the trained model and the action server: the
    numbers given in one message are in no stored row, and the form, reading its slots
    back from the store at each later turn, submits them."""
    from cases.models import Application
    from foundation.db import session_scope

    store.domain = agent.domain
    agent.tracker_store = agent.processor.tracker_store = store
    sender = f"citizen-{uuid.uuid4().hex[:8]}"

    async def say(text: str) -> str:
        replies = await agent.handle_text(text, sender_id=sender)
        return "\n".join(reply.get("text", "") for reply in replies)

    async def converse() -> list[str]:
        return [
            await say(text)
            for text in ("我要在线申请居住证", "同意", "张伟", GIVEN, "徐汇区", "是的")
        ]

    replies = asyncio.run(converse())
    assert "身份证" in replies[2] and "哪个区" in replies[3]
    assert "310104********1233" in replies[4] and "139****5678" in replies[4]
    number = re.search(r"SQ\d{14}", replies[5]).group()
    raw = _raw(store, sender)
    assert ID_NUMBER not in raw and PHONE not in raw
    with session_scope(engine) as session:
        filed = session.scalars(
            sa.select(Application).where(Application.number == number)
        ).one()
        assert (filed.applicant_name, filed.id_number, filed.phone) == (
            "张伟",
            ID_NUMBER,
            PHONE,
        )

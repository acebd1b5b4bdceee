"""Rasa's SQL tracker store, reading and writing each conversation with fewer queries.

Every message loads the conversation's events and saves the new ones. Rasa 3.6's
``SQLTrackerStore`` loads them as ORM objects, then, to know which events are new,
counts the stored ones again with the same query, and inserts the new events one ORM
object at a time: together about a quarter of a replica's CPU per message. Here:

- the events are read as their JSON column alone;
- the tracker remembers how many stored events it was loaded with, so its save needs
  no count: the lock store keeps every other writer out of the conversation meanwhile
  (a tracker not loaded here, or saved a second time, is counted as before: Rasa
  answers a conversation it failed to read with a new tracker, whose events must not
  be appended to the stored ones);
- the new events go in as one multi-row ``INSERT``;
- the queries run on a worker thread: Rasa's store runs them on the event loop, which
  then waits for the database and answers no other conversation meanwhile;
- they are built once and run on a plain connection, without an ORM session;
- a single statement runs in autocommit, as the read always is and the insert is on
  PostgreSQL (psycopg2 sends the rows as one ``INSERT``, atomic by itself): in a
  transaction psycopg2 would send ``BEGIN`` before it and ``COMMIT`` or ``ROLLBACK``
  after it, four more round trips to the database per message.

The table, its rows and the order of events are exactly Rasa's, so either store can
read what the other wrote. Configured in the endpoints file as ``tracker_store: {type:
bot.tracker_store.CountingSQLTrackerStore, dialect: …, url: …, db: …}``
(``foundation/rasa_endpoints.py`` writes it); without a database, ``type:
bot.tracker_store.GatewayInMemoryTrackerStore``, Rasa's in-memory store.

Both hand each tracker they save to the gateway turn being handled
(``SAVED_IN_THIS_TURN``), which ``bot.gateway_channel`` answers with: a tracker store
sees every tracker Rasa's message processor saves, so no patch of the processor is
needed (``hear_saved_trackers`` in ``bot/rasa_fixes/registry.py``).

Both keep no personal data in clear (``privacy.tracker_events``, issue 25): each event
is sealed as it is written (personal slots encrypted under ``HOTLINE_FIELD_KEY``,
texts and entities masked), and the slots are restored by ``retrieve``, which Rasa's
message processor reads a conversation with, so the running conversation gets its
ID and phone numbers back. ``retrieve_full_tracker``, which only Rasa's HTTP API
(``GET /conversations/{id}/tracker``, ``…/story``), ``rasa export`` and the markers
read, gives the conversation as stored: masked texts, sealed slots. Rasa's own
``SQLTrackerStore`` reads the rows as well, sealed.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import (
    InMemoryTrackerStore,
    SQLTrackerStore,
    create_engine_kwargs,
    is_postgresql_url,
)
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from foundation.db import (
    autocommit_engine,
    autocommitting,
    inserts_in_one_statement,
)
from privacy.keys import field_cipher
from privacy.tracker_events import (
    SAID_SLOTS,
    holds_sealed_values,
    seal_events,
    unseal_event,
)

# Set on a tracker by ``retrieve``: how many of its events are already in the table.
STORED_EVENTS = "_events_already_stored"

# The trackers saved while the task that set it handles one gateway message
# (``bot.gateway_channel``); None outside such a turn.
SAVED_IN_THIS_TURN: contextvars.ContextVar[list[DialogueStateTracker] | None] = (
    contextvars.ContextVar("saved_in_this_turn", default=None)
)


def hand_to_the_turn(tracker: DialogueStateTracker) -> None:
    """Hands a tracker being saved to the gateway turn being handled, if any.

    Before the write: when it fails, Rasa's fail-safe store saves the tracker in memory
    instead and answers all the same, as the turn then does.
    """
    saved = SAVED_IN_THIS_TURN.get()
    if saved is not None:
        saved.append(tracker)


class GatewayInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory tracker store, handing each tracker it saves to the turn and
    keeping it sealed."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        hand_to_the_turn(tracker)
        await self.stream_events(tracker)
        # Rasa's serialise_tracker, with the events sealed.
        dialogue = tracker.as_dialogue().as_dict()
        dialogue["events"] = seal_events(dialogue["events"], field_cipher())
        self.store[tracker.sender_id] = json.dumps(dialogue)

    def deserialise_tracker(
        self, sender_id: str, serialised_tracker: str | bytes
    ) -> DialogueStateTracker | None:
        """Rasa's, with the slots restored: what ``retrieve`` reads."""
        dialogue = json.loads(serialised_tracker)
        cipher = field_cipher()
        dialogue["events"] = [unseal_event(e, cipher) for e in dialogue["events"]]
        tracker = self.init_tracker(sender_id)
        tracker.recreate_from_dialogue(Dialogue.from_parameters(dialogue))
        return tracker

    async def retrieve_full_tracker(
        self, sender_id: str
    ) -> DialogueStateTracker | None:
        """The conversation as stored, sealed: for Rasa's HTTP API and exports."""
        serialised = self.store.get(sender_id)
        if serialised is None:
            return None
        return super().deserialise_tracker(sender_id, serialised)


class CountingSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` that knows which events of a tracker it has stored, and
    hands each tracker it saves to the turn."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built once: building and caching a statement anew cost more than running it.
        events = self.SQLEvent.__table__
        self._insert = sa.insert(events)
        self._latest_session_events = _latest_session_events(events)
        self._latest_session_count = sa.select(sa.func.count()).select_from(
            self._latest_session_events.subquery()
        )
        self._autocommitting = self._engines_that_check_connections()

    def _engines_that_check_connections(self) -> sa.engine.Engine:
        """On PostgreSQL: Rasa's engine again, checking each connection before use as
        the gateways' do, and an engine of its own in autocommit for the reads and
        inserts of every message; elsewhere Rasa's engine, switched to autocommit.

        Rasa's engine does not check its connections: after a database restart, the
        first read through each stale one failed. A connection of Rasa's pool switched
        to autocommit for each statement first rolled back the transaction its check
        had opened, and was switched back when returned: two more round trips per
        statement. Both engines take Rasa's own options (pool size, schema).
        """
        url = self.engine.url
        if not is_postgresql_url(url):
            return autocommitting(self.engine)
        options = create_engine_kwargs(url)
        stale, self.engine = (
            self.engine,
            sa.create_engine(url, pool_pre_ping=True, **options),
        )
        self.sessionmaker.configure(bind=self.engine)
        stale.dispose()
        return autocommit_engine(url, **options)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        serialised = await asyncio.to_thread(self._stored_events, sender_id)
        if not self.domain or not serialised:
            return None
        cipher = field_cipher()
        tracker = DialogueStateTracker.from_dict(
            sender_id,
            [
                unseal_event(json.loads(data), cipher)
                if holds_sealed_values(data)
                else json.loads(data)
                for data in serialised
            ],
            self.domain.slots,
        )
        setattr(tracker, STORED_EVENTS, len(serialised))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        hand_to_the_turn(tracker)
        await self.stream_events(tracker)
        stored = getattr(tracker, STORED_EVENTS, None)
        said = {n: s.value for n, s in tracker.slots.items() if n in SAID_SLOTS}
        await asyncio.to_thread(
            self._insert_new_events,
            tracker.sender_id,
            list(tracker.events),
            stored,
            said,
        )
        # Good for one save: a tracker saved again is counted, as Rasa counts it.
        vars(tracker).pop(STORED_EVENTS, None)

    def _stored_events(self, sender_id: str) -> list[str]:
        with self._autocommitting.connect() as connection:
            return list(
                connection.execute(
                    self._latest_session_events, {"sender_id": sender_id}
                ).scalars()
            )

    def _insert_new_events(
        self,
        sender_id: str,
        events: list[Any],
        stored: int | None,
        slots: dict[str, Any],
    ) -> None:
        if stored is not None and inserts_in_one_statement(
            self.engine, len(events) - stored
        ):
            with self._autocommitting.connect() as connection:
                self._insert_rows(connection, sender_id, events[stored:], slots)
            return
        with self.engine.begin() as connection:
            if stored is None:
                stored = connection.execute(
                    self._latest_session_count, {"sender_id": sender_id}
                ).scalar_one()
            self._insert_rows(connection, sender_id, events[stored:], slots)

    def _insert_rows(
        self,
        connection: sa.engine.Connection,
        sender_id: str,
        events: list[Any],
        slots: dict[str, Any],
    ) -> None:
        if not events:
            return
        sealed = seal_events(
            [event.as_dict() for event in events], field_cipher(), slots=slots
        )
        rows = [
            _row(sender_id, data, event.type_name)
            for data, event in zip(sealed, events, strict=True)
        ]
        connection.execute(self._insert, rows)


def _latest_session_events(events: sa.Table) -> sa.sql.Select:
    """The JSON of a conversation's events since its last session start, in order:
    Rasa's ``_event_query``, the same rows, without the ORM objects."""
    sender_id = sa.bindparam("sender_id")
    session_start = (
        sa.select(sa.func.max(events.c.timestamp))
        .where(
            events.c.sender_id == sender_id,
            events.c.type_name == SessionStarted.type_name,
        )
        .scalar_subquery()
    )
    return (
        sa.select(events.c.data)
        .where(
            events.c.sender_id == sender_id,
            sa.or_(events.c.timestamp >= session_start, session_start.is_(None)),
        )
        .order_by(events.c.id)
    )


def _row(sender_id: str, data: dict[str, Any], type_name: str) -> dict[str, Any]:
    """One event as Rasa's ``SQLTrackerStore.save`` writes it."""
    return {
        "sender_id": sender_id,
        "type_name": type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": data.get("parse_data", {})
        .get("intent", {})
        .get(INTENT_NAME_KEY),
        "action_name": data.get("name"),
        "data": json.dumps(data),
    }

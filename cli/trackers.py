"""``hotline trackers``: Rasa's tracker store, every conversation's events
(``HOTLINE_TRACKER_STORE_URL``, in production the ``rasa_tracker`` database).

``hotline trackers mask`` seals the events stored before the tracker store sealed what
it writes (``privacy.tracker_events``, docs/privacy.md): personal slots encrypted under
``HOTLINE_FIELD_KEY``, texts and entities masked, each row of Rasa's ``events`` table
rewritten in place. Run it once after upgrading, with the settings Rasa runs with (the
same field key); Rasa may keep serving meanwhile, since it only appends rows. What is
already sealed is left as it is, so a second run changes nothing and an interrupted run
is simply run again.

Without a tracker store database (the embedded setup), Rasa keeps conversations in
memory only, sealed since the upgrade: there is nothing stored to mask.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from foundation.settings import get_settings
from privacy.encryption import DecryptionError, FieldCipher
from privacy.keys import field_cipher
from privacy.tracker_events import seal_stored_events

# Rasa's table (rasa.core.tracker_store.SQLTrackerStore.SQLEvent), the columns read.
EVENTS = sa.table(
    "events",
    sa.column("id", sa.Integer),
    sa.column("sender_id", sa.String),
    sa.column("data", sa.Text),
)
DEFAULT_BATCH = 200


def register(commands: argparse._SubParsersAction) -> None:
    trackers = commands.add_parser(
        "trackers", help="Rasa's tracker store: the conversations' events"
    )
    actions = trackers.add_subparsers(dest="action", required=True)
    mask = actions.add_parser(
        "mask",
        help="mask and encrypt the personal data of the events already stored, in "
        "place; a second run changes nothing",
    )
    mask.add_argument(
        "--url",
        help="the tracker store's database, postgresql://… or sqlite:///… (default: "
        "HOTLINE_TRACKER_STORE_URL)",
    )
    mask.add_argument(
        "--batch",
        type=_positive,
        default=DEFAULT_BATCH,
        help=f"conversations per transaction (default {DEFAULT_BATCH})",
    )
    mask.add_argument(
        "--dry-run", action="store_true", help="count what would change, change nothing"
    )
    mask.set_defaults(handler=_mask)


@dataclass
class MaskReport:
    conversations: int = 0
    events: int = 0
    changed: int = 0


def mask_stored_events(
    engine: Engine,
    cipher: FieldCipher,
    *,
    batch: int = DEFAULT_BATCH,
    dry_run: bool = False,
) -> MaskReport:
    """Seal every stored conversation in place, ``batch`` conversations a transaction.

    Raises:
        privacy.encryption.DecryptionError: a personal slot is sealed under another
            key than ``cipher``'s; the conversations before it stay sealed.
    """
    report = MaskReport()
    after: str | None = None
    while True:
        with engine.begin() as connection:
            senders = _next_senders(connection, after, batch)
            if not senders:
                return report
            _mask_conversations(connection, senders, cipher, report, dry_run)
        after = senders[-1]


def _next_senders(connection: Connection, after: str | None, batch: int) -> list[str]:
    query = (
        sa.select(EVENTS.c.sender_id)
        .distinct()
        .order_by(EVENTS.c.sender_id)
        .limit(batch)
    )
    if after is not None:
        query = query.where(EVENTS.c.sender_id > after)
    return list(connection.execute(query).scalars())


def _mask_conversations(
    connection: Connection,
    senders: list[str],
    cipher: FieldCipher,
    report: MaskReport,
    dry_run: bool,
) -> None:
    rows = connection.execute(
        sa.select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
        .where(EVENTS.c.sender_id.in_(senders))
        .order_by(EVENTS.c.sender_id, EVENTS.c.id)
    ).all()
    changes = []
    for _, conversation in itertools.groupby(rows, key=lambda row: row.sender_id):
        stored = list(conversation)
        sealed = seal_stored_events([json.loads(row.data) for row in stored], cipher)
        changes += [
            {"row_id": row.id, "sealed": json.dumps(event)}
            for row, event in zip(stored, sealed, strict=True)
            if event is not None
        ]
        report.conversations += 1
        report.events += len(stored)
    report.changed += len(changes)
    if changes and not dry_run:
        connection.execute(
            sa.update(EVENTS)
            .where(EVENTS.c.id == sa.bindparam("row_id"))
            .values(data=sa.bindparam("sealed")),
            changes,
        )


def _mask(args: argparse.Namespace) -> int:
    url = args.url or get_settings().tracker_store_url
    if not url:
        print(
            "no tracker store database (HOTLINE_TRACKER_STORE_URL is empty): Rasa keeps "
            "conversations in memory; nothing stored to mask"
        )
        return 0
    engine = sa.create_engine(url, future=True)
    try:
        if not sa.inspect(engine).has_table(EVENTS.name):
            print("no events table: Rasa has stored no conversation there yet")
            return 0
        report = mask_stored_events(
            engine, field_cipher(), batch=args.batch, dry_run=args.dry_run
        )
    except DecryptionError as error:
        print(
            f"hotline trackers mask: a sealed slot does not open ({error}); run it "
            "with the HOTLINE_FIELD_KEY Rasa runs with",
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()
    verb = "would be masked" if args.dry_run else "masked"
    print(
        f"{report.changed} of {report.events} events {verb}, "
        f"in {report.conversations} conversations"
    )
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value

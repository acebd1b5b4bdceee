"""``hotline privacy``: citizens' personal data: the audit log of staff access, the
retention purge, and a citizen's rights to a copy of their data and to its erasure
(docs/privacy.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter

from contact_centre.citizen_rights import erase_personal_data, export_personal_data
from contact_centre.retention import DAILY_BATCH, TABLES, PurgeReport, cutoff, purge
from foundation import clock
from foundation.db import session_scope
from foundation.errors import HotlineError
from foundation.settings import get_settings
from privacy.audit import DEFAULT_LIMIT, MAX_LIMIT, RECORD_KINDS, query_access
from privacy.identity import normalise_phone


def register(commands: argparse._SubParsersAction) -> None:
    privacy = commands.add_parser(
        "privacy",
        help="personal data: the audit log, the retention purge, export and erasure",
    )
    actions = privacy.add_subparsers(dest="action", required=True)
    audit = actions.add_parser(
        "audit",
        help="who was shown which personal data, newest first",
    )
    audit.add_argument("--record", help="a case's number or a hand-off's id")
    audit.add_argument("--kind", choices=RECORD_KINDS)
    audit.add_argument("--actor", help="a staff member's name")
    audit.add_argument(
        "--since",
        type=dt.datetime.fromisoformat,
        help="from this day or time on, Shanghai time: YYYY-MM-DD[ HH:MM]",
    )
    audit.add_argument(
        "--limit",
        type=_limit,
        default=DEFAULT_LIMIT,
        help=f"at most this many (1 to {MAX_LIMIT}; default {DEFAULT_LIMIT})",
    )
    audit.add_argument("--json", action="store_true", help="one JSON object a line")
    audit.set_defaults(handler=_audit)

    purging = actions.add_parser(
        "purge",
        help="anonymise finished cases and conversations past HOTLINE_RETENTION_DAYS",
    )
    purging.add_argument(
        "--before",
        type=_day,
        help="only what was last active before this day, YYYY-MM-DD (default: the "
        "retention's cutoff; never later than it)",
    )
    purging.add_argument(
        "--dry-run", action="store_true", help="count what would be, change nothing"
    )
    purging.set_defaults(handler=_purge)

    export = actions.add_parser(
        "export", help="print (JSON) everything held about a phone's owner; audited"
    )
    export.add_argument("--phone", type=_phone, required=True, help="a mobile number")
    export.add_argument(
        "--operator", type=_text, required=True, help="your name, for the audit log"
    )
    export.set_defaults(handler=_export)

    erase = actions.add_parser(
        "erase",
        help="erase a phone's owner's personal data at their request; audited",
    )
    erase.add_argument("--phone", type=_phone, required=True, help="a mobile number")
    erase.add_argument(
        "--operator", type=_text, required=True, help="your name, for the record"
    )
    erase.add_argument(
        "--reason",
        type=_text,
        required=True,
        help="why: the citizen's request and its reference",
    )
    erase.set_defaults(handler=_erase)


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a day: write YYYY-MM-DD, e.g. 2026-06-01"
        ) from None


def _phone(value: str) -> str:
    phone = normalise_phone(value)
    if phone is None:
        # The value is not echoed: it may be most of a citizen's number.
        raise argparse.ArgumentTypeError(
            "not a mainland mobile number (11 digits, e.g. 13800001234)"
        )
    return phone


def _text(value: str) -> str:
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return value.strip()


def _limit(value: str) -> int:
    limit = int(value)
    if not 1 <= limit <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"between 1 and {MAX_LIMIT}")
    return limit


def _audit(args: argparse.Namespace) -> int:
    with session_scope() as session:
        entries = query_access(
            session,
            record=args.record,
            kind=args.kind,
            actor=args.actor,
            since=args.since,
            limit=args.limit,
        )
        rows = [
            {
                "at": e.at.isoformat(sep=" ", timespec="seconds"),
                "token_id": e.token_id,
                "actor": e.actor_name,
                "role": e.actor_role,
                "kind": e.record_kind,
                "record": e.record,
                "fields": e.fields,
                "client_address": e.client_address,
                "via": e.via,
            }
            for e in entries
        ]
    for row in rows:
        if args.json:
            print(json.dumps(row, ensure_ascii=False))
        else:
            who = (
                f"token {row['token_id']}, {row['role']}"
                if row["token_id"] is not None
                else f"{row['role']}, no token"
            )
            print(
                f"{row['at']}  {row['actor']} ({who}) "
                f"{row['kind']} {row['record']}: {', '.join(row['fields'])} "
                f"from {row['client_address'] or '?'} via {row['via'] or '?'}"
            )
    return 0


def _purge(args: argparse.Namespace) -> int:
    now = clock.now()
    latest = cutoff(now)
    before = latest
    if args.before is not None:
        before = dt.datetime.combine(args.before, dt.time())
        if before > latest:
            print(
                f"error: --before {args.before} is later than the retention allows: "
                f"records are kept {get_settings().retention_days} days "
                f"(HOTLINE_RETENTION_DAYS), so the latest is "
                f"{latest:%Y-%m-%d %H:%M}; erase one citizen's data with "
                "`hotline privacy erase`",
                file=sys.stderr,
            )
            return 2
    if args.dry_run:
        with session_scope() as session:
            report = purge(session, before=before, dry_run=True)
    else:
        # In batches, each committed: a long backlog holds no transaction for long,
        # and a purge broken off is taken up where it stopped.
        totals: Counter[str] = Counter()
        while True:
            with session_scope() as session:
                batch = purge(session, before=before, now=now, limit=DAILY_BATCH)
            totals.update(batch.counts)
            if not batch.more:
                break
        report = PurgeReport(before, {t: totals[t] for t in TABLES})
    verb = "would anonymise" if report.dry_run else "anonymised"
    print(f"last active before {before:%Y-%m-%d %H:%M}: {verb}")
    for table, count in report.counts.items():
        print(f"  {table:<22} {count}")
    return 0


def _export(args: argparse.Namespace) -> int:
    try:
        with session_scope() as session:
            held = export_personal_data(session, args.phone, operator=args.operator)
    except HotlineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(held, ensure_ascii=False, indent=2))
    return 0


def _erase(args: argparse.Namespace) -> int:
    try:
        with session_scope() as session:
            erased = erase_personal_data(
                session, args.phone, operator=args.operator, reason=args.reason
            )
    except HotlineError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if erased.tombstone_id is None:
        print("nothing is held for this phone")
    else:
        print(f"erased {len(erased.records)} record(s): {', '.join(erased.records)}")
        for table, count in erased.counts.items():
            print(f"  {table:<22} {count}")
    for e in erased.earlier:
        print(
            f"erased before, {e.at:%Y-%m-%d %H:%M} by {e.operator}: "
            f"{', '.join(e.records)} ({e.reason})"
        )
    return 0

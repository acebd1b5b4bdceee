"""``hotline privacy``: the audit log of staff access to citizens' personal data."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from foundation.db import session_scope
from privacy.audit import DEFAULT_LIMIT, MAX_LIMIT, RECORD_KINDS, query_access


def register(commands: argparse._SubParsersAction) -> None:
    privacy = commands.add_parser("privacy", help="personal data: the audit log")
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
            print(
                f"{row['at']}  {row['actor']} (token {row['token_id']}, {row['role']}) "
                f"{row['kind']} {row['record']}: {', '.join(row['fields'])} "
                f"from {row['client_address'] or '?'} via {row['via'] or '?'}"
            )
    return 0

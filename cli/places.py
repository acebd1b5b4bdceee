"""``hotline places``: load the official list of districts and streets, and try it."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
from pathlib import Path

from foundation.db import session_scope
from foundation.errors import CatalogueError, NotFoundError
from knowledge_base.divisions import import_divisions
from knowledge_base.importers.divisions import read_divisions
from knowledge_base.locations import locate


def register(commands: argparse._SubParsersAction) -> None:
    places = commands.add_parser("places", help="districts, streets and towns")
    actions = places.add_subparsers(dest="action", required=True)

    importing = actions.add_parser(
        "import-divisions",
        help="load the statistics bureau's list of streets and towns (CSV)",
    )
    importing.add_argument("file", type=Path)
    importing.add_argument(
        "--source", required=True, help="who published the list, and which compilation"
    )
    importing.add_argument(
        "--as-of",
        required=True,
        type=dt.date.fromisoformat,
        help="the date the list describes, YYYY-MM-DD",
    )
    importing.set_defaults(handler=_import_divisions)

    locating = actions.add_parser(
        "locate", help="the district and street a complaint names (stdin: one per line)"
    )
    locating.add_argument("text", nargs="?")
    locating.set_defaults(handler=_locate)


def _import_divisions(args: argparse.Namespace) -> int:
    try:
        records = read_divisions(args.file)
    except CatalogueError as exc:
        print("import failed, nothing was changed:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    with session_scope() as session:
        result = import_divisions(
            session, records, source=args.source, as_of=args.as_of
        )
    print(
        f"imported {len(records)} divisions as of {result.as_of} from {result.source}: "
        f"{result.added} added, {result.changed} changed, {result.removed} removed; "
        + ("this is the current list" if result.current else "a later list is current")
    )
    return 0


def _locate(args: argparse.Namespace) -> int:
    texts = (
        [args.text]
        if args.text is not None
        else [line.strip() for line in sys.stdin if line.strip()]
    )
    try:
        with session_scope() as session:
            for text in texts:
                location = locate(text, session=session)
                body = dataclasses.asdict(location) if location else None
                print(json.dumps(body, ensure_ascii=False))
    except NotFoundError:
        print(
            "no list of divisions: run `hotline places import-divisions`",
            file=sys.stderr,
        )
        return 1
    return 0

"""``hotline db``: schema migrations and the curated seed."""

from __future__ import annotations

import argparse

from foundation import migrate
from foundation.db import session_scope
from foundation.settings import get_settings
from knowledge_base.seed import seed_curated_catalogue


def register(commands: argparse._SubParsersAction) -> None:
    db = commands.add_parser("db", help="database schema and seed data")
    actions = db.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "upgrade", help="migrate the schema to the newest revision"
    ).set_defaults(handler=_upgrade)
    down = actions.add_parser("downgrade", help="migrate the schema down")
    down.add_argument("revision", nargs="?", default="-1")
    down.set_defaults(handler=_downgrade)
    actions.add_parser(
        "seed", help="load the curated catalogue (idempotent)"
    ).set_defaults(handler=_seed)


def _upgrade(args: argparse.Namespace) -> int:
    migrate.upgrade()
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    migrate.downgrade(revision=args.revision)
    return 0


def _seed(args: argparse.Namespace) -> int:
    with session_scope() as session:
        counts = seed_curated_catalogue(session, get_settings().catalogue_dir)
    print("seeded: " + ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    return 0

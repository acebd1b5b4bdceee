"""Entry point of the ``hotline`` command."""

from __future__ import annotations

import argparse
import sys

from cli import db, kb, places, privacy, routing, run, trackers, users, worker


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline", description="12345 hotline assistant"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    db.register(commands)
    kb.register(commands)
    places.register(commands)
    privacy.register(commands)
    routing.register(commands)
    run.register(commands)
    trackers.register(commands)
    users.register(commands)
    worker.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())

"""``hotline users``: bearer tokens for agents and admins."""

from __future__ import annotations

import argparse

from foundation.db import session_scope
from privacy.auth import create_token
from privacy.models import ROLES


def register(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="agents' and admins' access")
    actions = users.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create-token", help="print a new bearer token (its last line)"
    )
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument(
        "--name", default=None, help="who the token is for (default: the role)"
    )
    create.set_defaults(handler=_create_token)


def _create_token(args: argparse.Namespace) -> int:
    with session_scope() as session:
        token = create_token(session, args.role, args.name or args.role)
    print(
        f"New {args.role} token for {args.name or args.role} (shown once; keep it secret):"
    )
    print(token)
    return 0

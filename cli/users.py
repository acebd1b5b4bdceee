"""``hotline users``: bearer tokens for agents, admins, managers and handling units:
made, listed, revoked.

A handling unit's token (``--role department``) is scoped to its ``--unit``, named
exactly as work orders record their handling unit, e.g. "浦东新区生态环境局".
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from cases.department_desk import unit_has_orders
from foundation.db import session_scope
from foundation.errors import NotFoundError, ValidationFailed
from foundation.settings import get_settings
from privacy.auth import create_token, list_tokens, revoke_token
from privacy.models import DEPARTMENT, ROLES


def register(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser(
        "users", help="agents', admins', managers' and handling units' access"
    )
    actions = users.add_subparsers(dest="action", required=True)
    create = actions.add_parser(
        "create-token",
        aliases=["create"],
        help="print a new bearer token (its last line)",
    )
    create.add_argument("--role", choices=ROLES, required=True)
    create.add_argument(
        "--name", default=None, help="who the token is for (default: the role)"
    )
    create.add_argument(
        "--unit",
        default=None,
        help=f"for --role {DEPARTMENT} only, and required there: the handling unit, "
        "as work orders name it (e.g. 浦东新区生态环境局)",
    )
    create.set_defaults(handler=_create_token)

    listing = actions.add_parser(
        "list", help="every token: id, role, name, made, expires, revoked (no secret)"
    )
    listing.add_argument("--json", action="store_true", help="one JSON array")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser("revoke", help="refuse a token from now on")
    revoke.add_argument(
        "id", type=int, help="the token's id, from `hotline users list`"
    )
    revoke.set_defaults(handler=_revoke)


def _create_token(args: argparse.Namespace) -> int:
    name = args.name or args.role
    try:
        with session_scope() as session:
            token = create_token(session, args.role, name, unit=args.unit)
            known = args.unit is None or unit_has_orders(session, args.unit)
    except ValidationFailed as error:
        print(f"hotline users: {error.field}: {error.message}", file=sys.stderr)
        return 2
    if not known:
        print(
            f"note: no work order has been sent to {args.unit!r} yet; check that "
            "the name is spelt as work orders record it",
            file=sys.stderr,
        )
    days = get_settings().token_ttl_days
    scope = f" of {args.unit}" if args.unit else ""
    print(
        f"New {args.role} token for {name}{scope}, valid {days} days "
        "(shown once; keep it secret):"
    )
    print(token)
    return 0


def _list(args: argparse.Namespace) -> int:
    with session_scope() as session:
        tokens = list_tokens(session)
    if args.json:
        print(
            json.dumps(
                [dataclasses.asdict(t) for t in tokens], ensure_ascii=False, default=str
            )
        )
        return 0
    print(f"{'id':>4}  {'role':<10} {'status':<8} {'created':<16} {'expires':<16} name")
    for t in tokens:
        print(
            f"{t.id:>4}  {t.role:<10} {t.status:<8} {t.created_at:%Y-%m-%d %H:%M} "
            f"{t.expires_at:%Y-%m-%d %H:%M} {t.name}"
            + (f" · {t.unit}" if t.unit else "")
            + (f" (revoked {t.revoked_at:%Y-%m-%d %H:%M})" if t.revoked_at else "")
        )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    try:
        with session_scope() as session:
            revoked = revoke_token(session, args.id)
    except NotFoundError:
        print(f"no token has id {args.id}", file=sys.stderr)
        return 1
    print(
        f"token {args.id} revoked"
        if revoked
        else f"token {args.id} was revoked already"
    )
    return 0

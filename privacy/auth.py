"""Bearer tokens for agents, admins, managers and handling units: made, checked, listed,
revoked.

Only a token's SHA-256 is stored. A ``department`` token belongs to one handling unit
(承办单位), named as work orders record it (``WorkOrder.unit_name``): it must name one,
and the centre's roles must not. A token is valid from when it is made until
``HOTLINE_TOKEN_TTL_DAYS`` later, or until it is revoked; an expired or revoked token
is refused exactly like an unknown one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from foundation import clock
from foundation.errors import NotFoundError, ValidationFailed
from foundation.settings import get_settings
from privacy.models import DEPARTMENT, ROLES, SUPERVISING_ROLES, ApiToken
from privacy.repositories.tokens import (
    add_token,
    all_tokens,
    get_active_token,
    get_token,
)

# As long as WorkOrder.unit_name may be.
MAX_UNIT_CHARS = 200


@dataclass(frozen=True)
class Staff:
    """Who is signed in, as the core needs to know it: the token, its holder's name
    (for showing), role (for what they may do) and, for a department, its unit."""

    token_id: int
    name: str
    role: str
    unit: str | None = None

    @classmethod
    def of(cls, token: ApiToken) -> Staff:
        return cls(token_id=token.id, name=token.name, role=token.role, unit=token.unit)

    @property
    def supervises(self) -> bool:
        """May act on what another member of staff has taken."""
        return self.role in SUPERVISING_ROLES


@dataclass(frozen=True)
class TokenInfo:
    """A token as ``hotline users list`` shows it: nothing of the secret."""

    id: int
    role: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    status: str  # "active", "expired" or "revoked"
    unit: str | None = None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    session: Session,
    role: str,
    name: str,
    *,
    unit: str | None = None,
    ttl: dt.timedelta | None = None,
    now: dt.datetime | None = None,
) -> str:
    """A new random token; shown once, never stored in clear.

    Args:
        unit: for the ``department`` role, and only for it: the handling unit's name
            exactly as work orders record it, e.g. "浦东新区生态环境局".
        ttl: how long it is valid; ``HOTLINE_TOKEN_TTL_DAYS`` by default.

    Raises:
        ValidationFailed: an unknown role, a department without its unit or another
            role with one, or a ttl that is not positive.
    """
    if role not in ROLES:
        raise ValidationFailed("role", f"one of {', '.join(ROLES)}")
    unit = _unit(role, unit)
    if ttl is None:
        ttl = dt.timedelta(days=get_settings().token_ttl_days)
    if ttl <= dt.timedelta(0):
        raise ValidationFailed("ttl", "a token must be valid for some time")
    made = now or clock.now()
    token = f"hl_{secrets.token_urlsafe(32)}"
    add_token(
        session,
        ApiToken(
            token_hash=token_digest(token),
            role=role,
            name=name,
            unit=unit,
            created_at=made,
            expires_at=made + ttl,
        ),
    )
    return token


def authenticate(
    session: Session, token: str, now: dt.datetime | None = None
) -> ApiToken | None:
    """The token's row if it is known, not revoked and not expired; else None."""
    if not token or len(token) > 200:
        return None
    return get_active_token(session, token_digest(token), now or clock.now())


def list_tokens(session: Session, now: dt.datetime | None = None) -> list[TokenInfo]:
    """Every token ever made, oldest first, with its status at ``now``."""
    at = now or clock.now()
    return [
        TokenInfo(
            id=token.id,
            role=token.role,
            name=token.name,
            created_at=token.created_at,
            expires_at=token.expires_at,
            revoked_at=token.revoked_at,
            status=_status(token, at),
            unit=token.unit,
        )
        for token in all_tokens(session)
    ]


def revoke_token(
    session: Session, token_id: int, now: dt.datetime | None = None
) -> bool:
    """Refuse the token from now on.

    Returns:
        True if it was revoked now, False if it had been already.

    Raises:
        NotFoundError: no token has this id.
    """
    token = get_token(session, token_id)
    if token is None:
        raise NotFoundError("token", str(token_id))
    if token.revoked_at is not None:
        return False
    token.revoked_at = now or clock.now()
    session.flush()
    return True


def _unit(role: str, unit: str | None) -> str | None:
    """The unit a token of ``role`` is scoped to, checked: a department's only."""
    unit = " ".join((unit or "").split()) or None
    if role != DEPARTMENT:
        if unit is not None:
            raise ValidationFailed("unit", f"only a {DEPARTMENT} token has a unit")
        return None
    if unit is None:
        raise ValidationFailed(
            "unit", "a department token needs its unit, as work orders name it"
        )
    if len(unit) > MAX_UNIT_CHARS:
        raise ValidationFailed("unit", f"at most {MAX_UNIT_CHARS} characters")
    return unit


def _status(token: ApiToken, at: dt.datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.expires_at > at else "expired"

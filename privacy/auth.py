"""Bearer tokens for agents and admins. Only a token's SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy.orm import Session

from foundation import clock
from foundation.errors import ValidationFailed
from privacy.models import ROLES, ApiToken
from privacy.repositories.tokens import add_token, get_active_token


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, role: str, name: str) -> str:
    """A new random token; shown once, never stored in clear."""
    if role not in ROLES:
        raise ValidationFailed("role", f"one of {', '.join(ROLES)}")
    token = f"hl_{secrets.token_urlsafe(32)}"
    add_token(
        session,
        ApiToken(
            token_hash=token_digest(token), role=role, name=name, created_at=clock.now()
        ),
    )
    return token


def authenticate(session: Session, token: str) -> ApiToken | None:
    if not token or len(token) > 200:
        return None
    return get_active_token(session, token_digest(token))

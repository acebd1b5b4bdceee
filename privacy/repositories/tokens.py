from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacy.models import ApiToken


def get_active_token(session: Session, token_hash: str) -> ApiToken | None:
    statement = select(ApiToken).where(
        ApiToken.token_hash == token_hash, ApiToken.revoked_at.is_(None)
    )
    return session.scalars(statement).first()


def add_token(session: Session, token: ApiToken) -> ApiToken:
    session.add(token)
    session.flush()
    return token

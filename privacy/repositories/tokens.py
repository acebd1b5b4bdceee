"""The tokens' repository; only ``privacy`` itself calls it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from privacy.models import ApiToken


def get_active_token(
    session: Session, token_hash: str, now: dt.datetime
) -> ApiToken | None:
    """The token with this digest, unless revoked or expired at ``now``."""
    statement = select(ApiToken).where(
        ApiToken.token_hash == token_hash,
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > now,
    )
    return session.scalars(statement).first()


def get_token(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def all_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id)))


def add_token(session: Session, token: ApiToken) -> ApiToken:
    session.add(token)
    session.flush()
    return token

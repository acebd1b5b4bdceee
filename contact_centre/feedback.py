"""Citizens' ratings of the service, 1 to 5 with an optional comment."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from contact_centre.models import Feedback
from contact_centre.repositories.feedback import add_feedback
from foundation import clock
from foundation.errors import ValidationFailed
from privacy.identity import mask_personal_data

MAX_COMMENT_CHARS = 2000


def record_feedback(
    session: Session,
    rating: int,
    comment: str | None = None,
    *,
    session_id: str | None = None,
    channel: str = "web",
    now: dt.datetime | None = None,
) -> Feedback:
    """Store a rating; personal data in the comment is masked before it is kept for analytics."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationFailed("rating", "give a whole number from 1 to 5")
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT_CHARS:
        raise ValidationFailed("comment", f"at most {MAX_COMMENT_CHARS} characters")
    return add_feedback(
        session,
        Feedback(
            session_id=session_id,
            rating=rating,
            comment=mask_personal_data(comment) if comment else None,
            channel=channel,
            created_at=now or clock.now(),
        ),
    )

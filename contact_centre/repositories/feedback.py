from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from contact_centre.models import Feedback


def add_feedback(session: Session, feedback: Feedback) -> Feedback:
    session.add(feedback)
    session.flush()
    return feedback


def low_ratings(
    session: Session, since: dt.datetime, until: dt.datetime, *, at_most: int
) -> list[Feedback]:
    """Ratings of a conversation from ``since`` to before ``until`` of ``at_most``."""
    statement = (
        select(Feedback)
        .where(
            Feedback.session_id.is_not(None),
            Feedback.rating <= at_most,
            Feedback.created_at >= since,
            Feedback.created_at < until,
        )
        .order_by(Feedback.id)
    )
    return list(session.scalars(statement))

from __future__ import annotations

from sqlalchemy.orm import Session

from contact_centre.models import Feedback


def add_feedback(session: Session, feedback: Feedback) -> Feedback:
    session.add(feedback)
    session.flush()
    return feedback

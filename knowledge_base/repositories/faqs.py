from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge_base.catalogue import FAQRecord
from knowledge_base.models import FAQ, Bundle, Service


def list_faqs(session: Session) -> list[FAQ]:
    statement = (
        select(FAQ)
        .options(selectinload(FAQ.service), selectinload(FAQ.bundle))
        .order_by(FAQ.id)
    )
    return list(session.scalars(statement))


def upsert_faq(
    session: Session,
    record: FAQRecord,
    *,
    service: Service | None = None,
    bundle: Bundle | None = None,
) -> FAQ:
    """FAQs have no code: the subject and the question identify one."""
    if service:
        subject = FAQ.service_id == service.id
    else:
        assert bundle is not None  # the import gives one subject or the other
        subject = FAQ.bundle_id == bundle.id
    statement = select(FAQ).where(subject, FAQ.question == record.question)
    faq = session.scalars(statement).first() or FAQ(question=record.question)
    faq.service = service
    faq.bundle = bundle
    faq.answer = record.answer
    faq.question_en = record.question_en
    faq.answer_en = record.answer_en
    session.add(faq)
    return faq

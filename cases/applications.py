"""Starting an application for a service on a citizen's behalf."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases import tracking
from cases.idempotency import check_retry, fingerprint, scoped_key
from cases.models import Application
from cases.repositories import applications as repository
from foundation import clock
from foundation.errors import NotFoundError, ValidationFailed
from knowledge_base.places import normalise_district
from knowledge_base.repositories.services import get_service
from privacy.identity import normalise_id_number, normalise_phone

STATUS_TEXT = {
    "zh": {
        "submitted": "已提交，等待受理",
        "accepted": "已受理",
        "in_review": "审核中",
        "completed": "已办结",
        "rejected": "未通过",
        "withdrawn": "已撤回",
    },
    "en": {
        "submitted": "submitted, waiting to be accepted",
        "accepted": "accepted",
        "in_review": "under review",
        "completed": "completed",
        "rejected": "not approved",
        "withdrawn": "withdrawn",
    },
}


@dataclass(frozen=True)
class ApplicationRequest:
    service_code: str
    applicant_name: str
    id_number: str
    phone: str
    district: str
    consent: bool
    channel: str = "web"
    session_id: str | None = None
    idempotency_key: str | None = None
    # Who sent the key (cases.idempotency): a key counts only within its scope.
    idempotency_scope: str | None = None


def submit_application(
    session: Session, request: ApplicationRequest, now: dt.datetime | None = None
) -> Application:
    """Validate and record an application; an idempotency key repeated within its
    scope with the same request returns the first (``cases.idempotency``).

    Raises:
        ValidationFailed: a field is missing or invalid (named in the error).
        NotFoundError: the service does not exist.
        Conflict: the key was used in this scope for a different request.
    """
    key = scoped_key(request.idempotency_scope, request.idempotency_key)
    request_fingerprint = fingerprint(request)
    if key:
        existing = repository.get_by_idempotency_key(session, key)
        if existing is not None:
            check_retry(existing.request_fingerprint, request_fingerprint)
            return existing
    if not request.consent:
        raise ValidationFailed(
            "consent", "the applicant must agree to the use of personal data"
        )
    name = (request.applicant_name or "").strip()
    if not 2 <= len(name) <= 50:
        raise ValidationFailed("applicant_name", "give the applicant's full name")
    id_number = normalise_id_number(request.id_number)
    if id_number is None:
        raise ValidationFailed("id_number", "not a valid resident ID number")
    phone = normalise_phone(request.phone)
    if phone is None:
        raise ValidationFailed("phone", "not a valid mainland mobile number")
    district = normalise_district(request.district)
    if district is None:
        raise ValidationFailed("district", "not a Shanghai district")
    service = get_service(session, request.service_code)
    if service is None:
        raise NotFoundError("service", request.service_code)
    now = now or clock.now()
    number = tracking.new_number(
        tracking.APPLICATION_PREFIX,
        now.date(),
        lambda n: repository.number_exists(session, n),
    )
    application = Application(
        number=number,
        service=service,
        applicant_name=name,
        id_number=id_number,
        phone=phone,
        district=district,
        consent=True,
        status="submitted",
        channel=request.channel,
        session_id=request.session_id,
        idempotency_key=key,
        request_fingerprint=request_fingerprint if key else None,
        created_at=now,
        updated_at=now,
    )
    try:
        # A savepoint, so that losing a race on the idempotency key leaves the
        # caller's transaction usable for reading the winner's record.
        with session.begin_nested():
            return repository.add_application(session, application)
    except IntegrityError:
        if key:
            existing = repository.get_by_idempotency_key(session, key)
            if existing is not None:
                check_retry(existing.request_fingerprint, request_fingerprint)
                return existing
        raise


def next_steps(application: Application, lang: str = "zh") -> str:
    """What happens after submission, from the service's own time limit and channel."""
    service = application.service
    english = lang == "en"
    days = (
        service.promised_days
        if service.promised_days is not None
        else service.statutory_days
    )
    if english:
        when = f" within {days} working days" if days else ""
        return f"The department will review it{when} and contact you on the mobile number you gave."
    when = f"在{days}个工作日内" if days else ""
    return f"承办部门将{when}完成审核，并通过您留的手机号与您联系。"


def find_application(session: Session, number: str) -> Application:
    application = repository.get_application(session, number)
    if application is None:
        raise NotFoundError("application", number)
    return application

"""Applications, work orders and feedback: what citizens and agents create and track.

Creating accepts an ``Idempotency-Key`` header: a client that retries after a timeout gets
the record it already created, never a second one.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Request
from sqlalchemy.orm import Session

from api.deps import get_db, get_search, require_agent
from api.schemas import (
    ApplicationCreate,
    ApplicationPublic,
    FeedbackCreate,
    FeedbackOut,
    WorkOrderCreate,
    WorkOrderPublic,
    WorkOrderUpdateIn,
)
from cases.applications import STATUS_TEXT as APPLICATION_STATUS
from cases.applications import (
    ApplicationRequest,
    find_application,
    next_steps,
    submit_application,
)
from cases.disclosure import applicant_shown, contact_shown
from cases.models import Application, WorkOrder
from cases.routing.classify import complaint_classifier
from cases.work_orders import STATUS_TEXT as WORK_ORDER_STATUS
from cases.work_orders import (
    WorkOrderRequest,
    change_status,
    file_work_order,
    find_work_order,
)
from contact_centre.feedback import record_feedback
from knowledge_base.search.engine import SearchEngine
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1", tags=["cases"])
IdempotencyKey = Header(None, alias="Idempotency-Key", max_length=128)


def _channel(request: Request) -> str:
    return request.headers.get("X-Hotline-Channel", "web")[:32]


def application_public(application: Application, lang: str = "zh") -> ApplicationPublic:
    applicant = applicant_shown(application)
    return ApplicationPublic(
        number=application.number,
        service={"code": application.service.code, "name": application.service.name},
        applicant_name=applicant.name,
        id_number=applicant.id_number,
        phone=applicant.phone,
        district=application.district,
        status=application.status,
        status_text=APPLICATION_STATUS[lang][application.status],
        next_steps=next_steps(application, lang),
        created_at=application.created_at,
        updated_at=application.updated_at,
    )


def work_order_public(order: WorkOrder, lang: str = "zh") -> WorkOrderPublic:
    contact = contact_shown(order)
    return WorkOrderPublic(
        number=order.number,
        category=order.category.code,
        category_name=order.category.name,
        department=order.department.code,
        department_name=order.department.name,
        district=order.district,
        address=order.address,
        occurred_at=order.occurred_at,
        description=order.description,
        contact_name=contact.name,
        contact_phone=contact.phone,
        anonymous=order.anonymous,
        status=order.status,
        status_text=WORK_ORDER_STATUS[lang][order.status],
        due_date=order.due_date,
        created_at=order.created_at,
        history=[
            {
                "status": u.status,
                "note": u.note,
                "actor": u.actor,
                "created_at": u.created_at,
            }
            for u in order.updates
        ],
    )


@router.post("/applications", response_model=ApplicationPublic, status_code=201)
def create_application(
    body: ApplicationCreate,
    request: Request,
    idempotency_key: str | None = IdempotencyKey,
    db: Session = Depends(get_db, scope="function"),
) -> ApplicationPublic:
    application = submit_application(
        db,
        ApplicationRequest(
            service_code=body.service_code,
            applicant_name=body.applicant_name,
            id_number=body.id_number,
            phone=body.phone,
            district=body.district,
            consent=body.consent,
            channel=_channel(request),
            session_id=body.session_id,
            idempotency_key=idempotency_key,
        ),
    )
    return application_public(application)


@router.get("/applications/{number}", response_model=ApplicationPublic)
def read_application(
    number: str, db: Session = Depends(get_db, scope="function")
) -> ApplicationPublic:
    return application_public(find_application(db, number.upper()))


@router.post("/work-orders", response_model=WorkOrderPublic, status_code=201)
def create_work_order(
    body: WorkOrderCreate,
    request: Request,
    idempotency_key: str | None = IdempotencyKey,
    db: Session = Depends(get_db, scope="function"),
    search: SearchEngine = Depends(get_search),
) -> WorkOrderPublic:
    order = file_work_order(
        db,
        WorkOrderRequest(
            description=body.description,
            category_code=body.category,
            district=body.district,
            address=body.address,
            occurred_at=body.occurred_at,
            contact_name=body.contact_name,
            contact_phone=body.contact_phone,
            anonymous=body.anonymous,
            channel=_channel(request),
            session_id=body.session_id,
            idempotency_key=idempotency_key,
        ),
        complaint_classifier(search),
    )
    return work_order_public(order)


@router.get("/work-orders/{number}", response_model=WorkOrderPublic)
def read_work_order(
    number: str, db: Session = Depends(get_db, scope="function")
) -> WorkOrderPublic:
    return work_order_public(find_work_order(db, number.upper()))


@router.patch("/work-orders/{number}", response_model=WorkOrderPublic)
def update_work_order(
    number: str,
    body: WorkOrderUpdateIn,
    db: Session = Depends(get_db, scope="function"),
    agent: ApiToken = Depends(require_agent),
) -> WorkOrderPublic:
    return work_order_public(
        change_status(db, number.upper(), body.status, actor=agent.name, note=body.note)
    )


@router.post("/feedback", response_model=FeedbackOut, status_code=201)
def create_feedback(
    body: FeedbackCreate,
    request: Request,
    db: Session = Depends(get_db, scope="function"),
) -> FeedbackOut:
    feedback = record_feedback(
        db,
        body.rating,
        body.comment,
        session_id=body.session_id,
        channel=_channel(request),
    )
    return FeedbackOut(
        id=feedback.id, rating=feedback.rating, created_at=feedback.created_at
    )

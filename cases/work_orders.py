"""Filing hotline work orders (工单) and routing them to the department that handles them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases import tracking
from cases.models import WorkOrder, WorkOrderUpdate
from cases.repositories import work_orders as repository
from cases.routing.classify import ComplaintClassifier
from cases.workdays import add_working_days
from foundation import clock
from foundation.errors import NotFoundError, ValidationFailed
from knowledge_base.models import WorkOrderCategory
from knowledge_base.places import normalise_district
from knowledge_base.repositories.work_order_categories import get_category
from privacy.identity import normalise_phone

MAX_DESCRIPTION_CHARS = 5000
# Which status may follow which: a closed order is reopened by filing a new one.
NEXT_STATUSES = {
    "registered": {"dispatched", "in_progress", "replied", "closed"},
    "dispatched": {"in_progress", "replied", "closed"},
    "in_progress": {"replied", "closed"},
    "replied": {"in_progress", "closed"},
    "closed": set(),
}
STATUS_TEXT = {
    "zh": {
        "registered": "已登记",
        "dispatched": "已派单至承办部门",
        "in_progress": "承办部门处理中",
        "replied": "已答复",
        "closed": "已办结",
    },
    "en": {
        "registered": "registered",
        "dispatched": "sent to the handling department",
        "in_progress": "being handled",
        "replied": "answered",
        "closed": "closed",
    },
}


@dataclass(frozen=True)
class WorkOrderRequest:
    description: str
    category_code: str | None = None
    district: str | None = None
    address: str | None = None
    occurred_at: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    anonymous: bool = False
    channel: str = "web"
    session_id: str | None = None
    idempotency_key: str | None = None


def callback_description(question: str | None) -> str:
    """A callback request's work order says what to phone back about, as the citizen put it.

    In Chinese whatever the citizen's language: the hotline's staff read it.
    """
    question = (question or "").strip()
    if not question:
        return "市民请求热线工作人员回电，未说明具体事项。"
    return (
        f"市民请求热线工作人员回电。咨询事项：{question[: MAX_DESCRIPTION_CHARS - 40]}"
    )


def route_to_department(
    session: Session,
    description: str,
    classifier: ComplaintClassifier,
    category_code: str | None = None,
) -> WorkOrderCategory:
    """The category a complaint belongs to: the one confirmed by the citizen, else the guess."""
    code = category_code or classifier.classify(description).category
    category = get_category(session, code)
    if category is None:
        raise ValidationFailed("category", f"unknown work-order category {code!r}")
    return category


def file_work_order(
    session: Session,
    request: WorkOrderRequest,
    classifier: ComplaintClassifier,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """Record a work order routed to its department with its due date.

    A repeated idempotency key returns the order filed the first time.

    Raises:
        ValidationFailed: the description is empty or too long, or a contact detail is invalid.
    """
    # A blank key is no key: it must not make every later blank-keyed request a retry.
    key = (request.idempotency_key or "").strip() or None
    if key:
        existing = repository.get_by_idempotency_key(session, key)
        if existing is not None:
            return existing
    description = (request.description or "").strip()
    if not description:
        raise ValidationFailed("description", "describe the problem")
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ValidationFailed(
            "description", f"at most {MAX_DESCRIPTION_CHARS} characters"
        )
    phone = None
    if not request.anonymous and request.contact_phone:
        phone = normalise_phone(request.contact_phone)
        if phone is None:
            raise ValidationFailed(
                "contact_phone", "not a valid mainland mobile number"
            )
    district = normalise_district(request.district) if request.district else None
    if request.district and district is None:
        raise ValidationFailed("district", "not a Shanghai district")
    category = route_to_department(
        session, description, classifier, request.category_code
    )
    now = now or clock.now()
    number = tracking.new_number(
        tracking.WORK_ORDER_PREFIX,
        now.date(),
        lambda n: repository.number_exists(session, n),
    )
    work_order = WorkOrder(
        number=number,
        category=category,
        department=category.department,
        district=district,
        address=(request.address or "").strip() or None,
        occurred_at=(request.occurred_at or "").strip() or None,
        description=description,
        contact_name=None
        if request.anonymous
        else (request.contact_name or "").strip() or None,
        contact_phone=phone,
        anonymous=request.anonymous,
        status="registered",
        due_date=add_working_days(now.date(), category.time_limit_days),
        channel=request.channel,
        session_id=request.session_id,
        idempotency_key=key,
        created_at=now,
        updated_at=now,
    )
    work_order.updates = [
        WorkOrderUpdate(status="registered", actor="hotline-assistant", created_at=now)
    ]
    try:
        # Two concurrent requests with one key: the loser reads the winner's order.
        with session.begin_nested():
            return repository.add_work_order(session, work_order)
    except IntegrityError:
        if key:
            existing = repository.get_by_idempotency_key(session, key)
            if existing is not None:
                return existing
        raise


def find_work_order(session: Session, number: str) -> WorkOrder:
    work_order = repository.get_work_order(session, number)
    if work_order is None:
        raise NotFoundError("work order", number)
    return work_order


def change_status(
    session: Session,
    number: str,
    status: str,
    actor: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """Move a work order along its life cycle, keeping the history.

    Raises:
        NotFoundError: no such work order.
        ValidationFailed: the status is unknown or cannot follow the current one.
    """
    work_order = find_work_order(session, number)
    if status not in NEXT_STATUSES:
        raise ValidationFailed("status", f"unknown status {status!r}")
    if status not in NEXT_STATUSES[work_order.status]:
        raise ValidationFailed(
            "status", f"a {work_order.status} work order cannot become {status}"
        )
    now = now or clock.now()
    work_order.status = status
    work_order.updated_at = now
    work_order.updates.append(
        WorkOrderUpdate(status=status, note=note, actor=actor, created_at=now)
    )
    session.flush()
    return work_order

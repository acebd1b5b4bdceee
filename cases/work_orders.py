"""Filing hotline work orders (工单) and routing them to the department that handles them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cases import lifecycle, merging, tracking
from cases.duplicates import Report
from cases.idempotency import added_later, check_retry, fingerprint, scoped_key
from cases.models import (
    PRAISE,
    PROBLEM,
    RoutingCorrection,
    WorkOrder,
    WorkOrderUpdate,
)
from cases.repositories import work_orders as repository
from cases.repositories.routing_models import add_correction
from cases.routing.learned import load_top_level_map
from cases.routing.router import Router, Routing
from cases.routing.units import HandlingUnit, handling_unit
from cases.workdays import add_working_days
from foundation import clock
from foundation.errors import Conflict, NotFoundError, ValidationFailed
from knowledge_base.locations import Place, locate
from knowledge_base.models import WorkOrderCategory
from knowledge_base.places import get_places, normalise_district
from knowledge_base.repositories.work_order_categories import get_category
from privacy.identity import mask_personal_data, normalise_phone

MAX_DESCRIPTION_CHARS = 5000


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
    # The language the citizen is told of the order's progress in ("zh" or "en").
    language: str = "zh"
    idempotency_key: str | None = None
    # Who sent the key (cases.idempotency): a key counts only within its scope.
    idempotency_scope: str | None = None
    # Join the open order of the same event, if there is one (cases.merging): what
    # the chat does; an agent filing from a call merges in the console instead.
    join_duplicates: bool = False
    # A problem, or praise passed on to the unit (cases.praise).
    appeal_kind: str = added_later(PROBLEM)
    # What routing reads when not the description: praise without its words of thanks.
    routing_text: str | None = added_later(None)


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


def _category(session: Session, code: str) -> WorkOrderCategory:
    category = get_category(session, code)
    if category is None:
        raise ValidationFailed("category", f"unknown work-order category {code!r}")
    return category


def route_to_department(
    session: Session,
    description: str,
    router: Router,
    category_code: str | None = None,
) -> tuple[WorkOrderCategory, Routing, bool]:
    """The category a complaint belongs to, how it was routed, and whether it goes out
    without an agent.

    The category the citizen confirmed wins; it goes out automatically only if the
    model, confident enough, agrees with it.
    """
    routing = router.route(description)
    code = category_code or routing.category
    automatic = routing.automatic and code == routing.category
    return _category(session, code), routing, automatic


def file_work_order(
    session: Session,
    request: WorkOrderRequest,
    router: Router,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """Record a work order routed to its department with its due date; dispatched at
    once when the routing is confident enough, else left in the review queue. Asked to
    join duplicates, a report of an event already open is merged into its order.

    An idempotency key repeated within its scope with the same request returns the
    order filed the first time (``cases.idempotency``).

    Raises:
        ValidationFailed: the description is empty or too long, or a contact detail is invalid.
        Conflict: the key was used in this scope for a different request.
    """
    key = scoped_key(request.idempotency_scope, request.idempotency_key)
    request_fingerprint = fingerprint(request)
    if key:
        existing = repository.get_by_idempotency_key(session, key)
        if existing is not None:
            check_retry(existing.request_fingerprint, request_fingerprint)
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
    praise = request.appeal_kind == PRAISE
    category, routing, automatic = route_to_department(
        session, request.routing_text or description, router, request.category_code
    )
    # Praise is passed on at once (cases.praise): nothing waits for review or signing.
    automatic = automatic and not praise
    address = (request.address or "").strip() or None
    district, street = _place(session, district, f"{address or ''} {description}")
    unit = handling_unit(session, category, district, street.name if street else None)
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
        street_code=street.code if street else None,
        street=street.name if street else None,
        unit_level=unit.level,
        unit_name=unit.name,
        address=address,
        occurred_at=(request.occurred_at or "").strip() or None,
        description=description,
        contact_name=None
        if request.anonymous
        else (request.contact_name or "").strip() or None,
        contact_phone=phone,
        anonymous=request.anonymous,
        appeal_kind=PRAISE if praise else PROBLEM,
        status="dispatched" if automatic else "registered",
        due_date=add_working_days(now.date(), category.time_limit_days),
        channel=request.channel,
        session_id=request.session_id,
        language="en" if request.language == "en" else "zh",
        idempotency_key=key,
        request_fingerprint=request_fingerprint if key else None,
        created_at=now,
        updated_at=now,
        top_level=router.top_level_of(category.code),
        routing_confidence=routing.confidence,
        routing_model=routing.model_version,
        routing_suggestions=[s.__dict__ for s in routing.suggestions],
        dispatch_method="automatic" if automatic else None,
    )
    work_order.updates = [
        WorkOrderUpdate(status="registered", actor="hotline-assistant", created_at=now)
    ]
    duplicates = (
        merging.find_duplicates(
            session,
            Report(
                key=number,
                text=description,
                reported_at=now,
                category=category.code,
                district=district,
                street=street.name if street else None,
                address=address,
            ),
            category.id,
            street.code if street else None,
            limit=1,
            filed_before=True,
        )
        if request.join_duplicates and not praise
        else []
    )
    if duplicates:
        work_order.dispatch_method = None
        merging.join(
            work_order, duplicates[0].order, duplicates[0].match, merging.ASSISTANT, now
        )
    elif automatic:
        work_order.sign_due_date = lifecycle.sign_due(now.date())
        work_order.updates.append(
            WorkOrderUpdate(
                status="dispatched",
                action="dispatch",
                note=f"自动派单至{unit.name}（{unit.reason}）：置信度 "
                f"{routing.confidence:.2f}，模型 {routing.model_version}",
                actor="hotline-assistant",
                created_at=now,
            )
        )
    try:
        # Two concurrent requests with one key: the loser reads the winner's order.
        with session.begin_nested():
            return repository.add_work_order(session, work_order)
    except IntegrityError:
        if key:
            existing = repository.get_by_idempotency_key(session, key)
            if existing is not None:
                check_retry(existing.request_fingerprint, request_fingerprint)
                return existing
        raise


def dispatch_work_order(
    session: Session,
    number: str,
    category_code: str,
    agent: str,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """An agent sends a waiting or returned order to the unit of ``category_code``.

    Keeping the routed category confirms it; choosing another corrects it (改派), and
    the correction (with personal data masked) is kept to train the next model on.

    Raises:
        NotFoundError: no such work order.
        ValidationFailed: unknown category.
        Conflict: the order is not waiting for dispatch (another agent was first).
    """
    work_order = repository.lock_work_order(session, number)
    if work_order is None:
        raise NotFoundError("work order", number)
    if work_order.status not in ("registered", "returned"):
        raise Conflict(
            f"work order {number} is {work_order.status}: not waiting for dispatch"
        )
    category = _category(session, category_code)
    now = now or clock.now()
    routed = work_order.category.code
    corrected = category.code != routed
    if corrected:
        add_correction(
            session,
            RoutingCorrection(
                work_order_id=work_order.id,
                text=mask_personal_data(work_order.description),
                suggested_category=routed,
                category=category.code,
                agent=agent,
                created_at=now,
            ),
        )
        work_order.category = category
        work_order.department = category.department
        work_order.due_date = add_working_days(
            work_order.created_at.date(), category.time_limit_days
        )
    unit = handling_unit(session, category, work_order.district, work_order.street)
    work_order.unit_level = unit.level
    work_order.unit_name = unit.name
    work_order.top_level = load_top_level_map().get(category.code)
    work_order.dispatch_method = "agent-corrected" if corrected else "agent-confirmed"
    said = f"改派：{routed} → {category.code}" if corrected else "人工确认派单"
    return lifecycle.apply(
        session,
        number,
        lifecycle.Step(
            "dispatch",
            agent,
            lifecycle.CENTRE,
            # The agent's own words when given; else what was done, and to whom.
            note=note or f"{said}，承办单位：{unit.name}",
        ),
        now,
    )


def _place(
    session: Session, district: str | None, text: str
) -> tuple[str | None, Place | None]:
    """The district (the one given wins) and the street the words locate.

    Without an imported list of divisions, a district named in full in the text
    ("徐汇区") is still read; streets are not.
    """
    try:
        location = locate(text, session=session)
    except NotFoundError:
        return district or _district_named_in(text), None
    if location is None:
        return district, None
    if district is not None and location.district.name != district:
        return district, None
    return location.district.name, location.street


def planned_unit(
    session: Session, category_code: str, text: str, district: str | None = None
) -> HandlingUnit:
    """The unit an order of ``category_code`` about ``text`` would go to now: what the
    citizen is told before it is filed.

    Raises:
        ValidationFailed: unknown category.
    """
    category = _category(session, category_code)
    district, street = _place(session, district, text)
    return handling_unit(session, category, district, street.name if street else None)


def _district_named_in(text: str) -> str | None:
    named = {d.name for d in get_places().districts if d.name in text}
    return named.pop() if len(named) == 1 else None


def review_queue(session: Session, limit: int = 50) -> list[WorkOrder]:
    """Orders waiting for an agent to confirm or change their routing, oldest first."""
    return repository.waiting_for_review(session, limit)


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
    """The centre moves an order to ``status``: the lifecycle action that leads there.

    Raises:
        NotFoundError: no such work order.
        ValidationFailed: the status is unknown, or not the centre's to set from the
            order's state (a unit signs and handles its own orders).
        Conflict: dispatching an order no longer waiting for it.
    """
    action = lifecycle.ACTION_FOR_STATUS.get(status)
    if action is None:
        raise ValidationFailed(
            "status",
            f"unknown status {status!r}; one of {', '.join(lifecycle.ACTION_FOR_STATUS)}",
        )
    if action == "dispatch":
        order = find_work_order(session, number)
        if order.status in ("registered", "returned"):
            return dispatch_work_order(
                session, number, order.category.code, actor, note, now
            )
    return lifecycle.apply(
        session, number, lifecycle.Step(action, actor, lifecycle.CENTRE, note), now
    )

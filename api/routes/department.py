"""The handling units' desk (承办单位工作台): a unit's queue, its orders, what it does.

Every route needs a ``department`` token, scoped to one unit (``hotline users create
--role department --unit …``), and answers for that unit's orders only: another unit's
order gets the same 404 as a number that does not exist. What a unit is shown, and
when the contact is in clear (audited), is ``cases.department_desk``'s decision. Its
notices (``/notices``) carry an order's number and dates only, so reading them is not
an access to personal data and is not audited.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from api.audit import StaffAccess, department_access
from api.deps import get_db, require_department
from api.schemas import (
    DeadlineOut,
    DepartmentActionIn,
    DepartmentHistoryOut,
    DepartmentNotice,
    DepartmentNotices,
    DepartmentOrder,
    DepartmentQueue,
    DepartmentQueueItem,
)
from cases import department_desk
from cases.department_desk import Deadline, UnitView
from cases.lifecycle import STATUS_TEXT
from privacy.models import ApiToken

router = APIRouter(prefix="/api/v1/department", tags=["department"])

AUTH_RESPONSES: dict[int | str, dict] = {
    401: {"description": "no valid bearer token"},
    403: {"description": "the token is not a department's (agents use /agent)"},
}
ORDER_RESPONSES: dict[int | str, dict] = {
    **AUTH_RESPONSES,
    404: {
        "description": "no such order, or another unit's: the same answer, so that "
        "a unit cannot learn which numbers are in use"
    },
}
ACTION_RESPONSES: dict[int | str, dict] = {
    **ORDER_RESPONSES,
    409: {"description": "a conflict the core reports, as everywhere in the API"},
    422: {
        "description": "the action does not apply to the order's state (two people "
        "acting at once are applied one after the other: the second may find the "
        "order moved on), or lacks what it needs (a result, a reason, 1 to 30 "
        "working days)"
    },
}


def _unit(token: ApiToken) -> str:
    # The database's rule guarantees a department token its unit.
    return token.unit or ""


def _deadline(deadline: Deadline | None) -> DeadlineOut | None:
    if deadline is None:
        return None
    return DeadlineOut(kind=deadline.kind, due=deadline.due, urgency=deadline.urgency)


def _order_out(view: UnitView) -> DepartmentOrder:
    order = view.order
    return DepartmentOrder(
        number=order.number,
        category=order.category.code,
        category_name=order.category.name,
        department_name=order.department.name,
        unit_name=order.unit_name,
        unit_level=order.unit_level,
        district=order.district,
        street=order.street,
        address=view.address,
        occurred_at=order.occurred_at,
        description=view.description,
        contact_in_clear=bool(view.in_clear),
        contact_name=view.contact.name,
        contact_phone=view.contact.phone,
        anonymous=order.anonymous,
        status=order.status,
        status_text=STATUS_TEXT["zh"][order.status],
        created_at=order.created_at,
        sign_due_date=order.sign_due_date,
        signed_at=order.signed_at,
        due_date=order.due_date,
        deadline=_deadline(view.deadline),
        extension_days=order.extension_days,
        supervision_count=order.supervision_count or 0,
        reopened_count=order.reopened_count or 0,
        reporters=1 + len(order.joined),
        result=view.result,
        completed_at=order.completed_at,
        actions=view.actions,
        history=[
            DepartmentHistoryOut(
                status=update.status,
                action=update.action,
                note=note,
                actor=update.actor,
                created_at=update.created_at,
            )
            for update, note in zip(order.updates, view.notes, strict=True)
        ],
    )


def _shown(view: UnitView, audit: StaffAccess) -> DepartmentOrder:
    """The order for the unit; what it shows in clear goes to the audit log first."""
    audit.work_order_fields(view.order.number, view.in_clear)
    return _order_out(view)


@router.get(
    "/work-orders",
    response_model=DepartmentQueue,
    summary="The unit's queue, the nearest deadline first",
    responses=AUTH_RESPONSES,
)
def queue(
    limit: int = Query(
        department_desk.DEFAULT_LIMIT, ge=1, le=department_desk.MAX_LIMIT
    ),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_department),
) -> DepartmentQueue:
    """Orders waiting for the token's unit (派单 not yet signed for, signed, being
    handled), sorted by the deadline that matters now: the signing deadline (签收)
    for an order not yet signed for, the handling deadline (办结) after; each marked
    overdue, near (today or the next working day) or on time. No personal data in
    clear: the description's start is masked."""
    unit = _unit(token)
    found = department_desk.unit_queue(db, unit, limit=limit)
    return DepartmentQueue(
        unit=unit,
        total=found.total,
        orders=[
            DepartmentQueueItem(
                number=entry.order.number,
                category=entry.order.category.code,
                category_name=entry.order.category.name,
                status=entry.order.status,
                status_text=STATUS_TEXT["zh"][entry.order.status],
                district=entry.order.district,
                street=entry.order.street,
                excerpt=entry.excerpt,
                created_at=entry.order.created_at,
                deadline=DeadlineOut(
                    kind=entry.deadline.kind,
                    due=entry.deadline.due,
                    urgency=entry.deadline.urgency,
                ),
                extension_days=entry.order.extension_days,
                supervised=bool(entry.order.supervision_count),
                reopened=bool(entry.order.reopened_count),
            )
            for entry in found.entries
        ],
    )


@router.get(
    "/notices",
    response_model=DepartmentNotices,
    summary="What the centre told the unit: time limits near or passed, 督办",
    responses=AUTH_RESPONSES,
)
def notices(
    limit: int = Query(
        department_desk.DEFAULT_NOTICE_LIMIT,
        ge=1,
        le=department_desk.MAX_NOTICE_LIMIT,
    ),
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_department),
) -> DepartmentNotices:
    """The notices sent to the token's unit, the newest first: an order not signed
    for by its signing day (escalated, 督办), one at 80% of its handling time, one past
    its due date (escalated), and praise passed on to it (市民表扬). Only the unit's
    own: it never sees another unit's.
    ``in_queue`` says whether the order still waits for the unit (a notice about an
    order since done with, or dispatched elsewhere, stays listed but cannot open it).
    """
    unit = _unit(token)
    found = department_desk.unit_notices(db, unit, limit=limit)
    return DepartmentNotices(
        unit=unit,
        total=found.total,
        notices=[
            DepartmentNotice(
                id=notice.id,
                number=notice.number,
                kind=notice.kind,
                text=notice.text,
                created_at=notice.created_at,
                in_queue=notice.in_queue,
            )
            for notice in found.notices
        ],
    )


@router.get(
    "/work-orders/{number}",
    response_model=DepartmentOrder,
    summary="One of the unit's orders, with what it may do now",
    responses=ORDER_RESPONSES,
)
def read_order(
    number: str,
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_department),
    audit: StaffAccess = Depends(department_access),
) -> DepartmentOrder:
    """The order in full while the unit handles it (signed, being handled): the
    contact's name and phone to call the citizen back, the description and address
    as filed; that read is in the audit log. Before signing and after completion
    the personal data is masked and nothing is logged. ``actions`` lists the buttons
    to offer."""
    return _shown(department_desk.unit_view(db, _unit(token), number.upper()), audit)


@router.post(
    "/work-orders/{number}/actions",
    response_model=DepartmentOrder,
    summary="Sign, start, complete, return or ask for an extension",
    responses=ACTION_RESPONSES,
)
def take_action(
    number: str,
    body: DepartmentActionIn,
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_department),
    audit: StaffAccess = Depends(department_access),
) -> DepartmentOrder:
    """The unit acts on its order through the work-order lifecycle:

    - ``sign`` (签收) a dispatched order;
    - ``start`` (开始办理) a signed one;
    - ``complete`` (办结) with the 办理结果 in ``note``;
    - ``return`` (退回) a dispatched or signed order that is not the unit's, with the
      reason in ``note``: the centre dispatches it again (改派);
    - ``request_extension`` (申请延期) of ``days`` working days with the reason in
      ``note``; the centre approves or refuses it.

    Returns the order as the unit is now shown it."""
    order = department_desk.act(
        db,
        _unit(token),
        token.name,
        number.upper(),
        body.action,
        note=body.note,
        days=body.days,
    )
    return _shown(department_desk.view_of(order), audit)

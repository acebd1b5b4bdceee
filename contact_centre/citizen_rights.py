"""A citizen's rights over their personal data: a copy of it, and its erasure.

PIPL 2021 gives a citizen the right to access and copy what is held about them (art.
45) and to have it erased (art. 47). The centre serves both by the citizen's mobile
number, at an operator's hands (``hotline privacy export``, ``erase``), each audited:

- what is held is found through the phone's keyed hash (``privacy.keys``), never by
  decrypting every record: the applications (``phone_hash``) and work orders
  (``contact_phone_hash``) of that phone, and the conversations they were filed from
  (by session id), with their hand-offs and ratings;
- an export is everything held, in clear, for the citizen: a case's facts, history and
  notices, the conversations' messages;
- an erasure anonymises what the purge anonymises (``contact_centre.retention``), now
  and for open cases too. An open work order keeps what its unit needs to handle it,
  as an anonymous report: category, unit, place and address, the description with
  names and numbers masked; its contact and conversation go, and the citizen is told
  nothing more of it. An open application cannot be decided without its applicant: it
  is withdrawn. A tombstone (``privacy.erasures``) records the erasure without clear
  personal data, so that a repeated request is answered with what was done.

Conversations in which a citizen gave their number but filed nothing cannot be found
without reading them all; they are purged with the rest after the retention period.

Public functions: ``export_personal_data``, ``erase_personal_data``; ``Erased``,
``PastErasure``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cases.disclosure import application_personal_fields, work_order_personal_fields
from cases.lifecycle import OPEN as OPEN_WORK_ORDERS
from cases.models import Application, Notification, WorkOrder, WorkOrderUpdate
from cases.notifications import CITIZEN
from contact_centre.caller_cases import cases_by_phone
from contact_centre.models import ConversationMessage, Feedback, Handoff
from contact_centre.retention import (
    OPEN_APPLICATIONS,
    OPEN_HANDOFFS,
    TABLES,
    anonymise_application,
    anonymise_conversations,
    anonymise_work_order,
)
from foundation import clock
from foundation.errors import ValidationFailed
from privacy.audit import record_operator_access
from privacy.erasures import erasures_of, record_erasure
from privacy.identity import normalise_phone
from privacy.models import Erasure

EXPORT_VIA = "hotline privacy export"
ERASE_VIA = "hotline privacy erase"
TRANSCRIPT = "transcript"
# What the unit reads in an open order's history after its citizen's erasure.
CONTACT_ERASED_NOTE = (
    "应市民要求删除其个人信息（《个人信息保护法》第四十七条）：联系人、联系电话及对话记录"
    "已删除，请按匿名工单继续办理。"
)


@dataclass(frozen=True)
class PastErasure:
    """An erasure as its tombstone tells it (``privacy.models.Erasure``)."""

    at: dt.datetime
    operator: str
    reason: str
    records: list[str]

    @classmethod
    def of(cls, erasure: Erasure) -> PastErasure:
        return cls(erasure.at, erasure.operator, erasure.reason, list(erasure.records))


@dataclass(frozen=True)
class Erased:
    """What an erasure did.

    Attributes:
        records: the numbers of the applications and work orders erased.
        counts: rows anonymised per table (``retention.TABLES``).
        tombstone_id: the tombstone left; None when nothing was held.
        earlier: the erasures asked for by the same phone before this one.
    """

    records: list[str]
    counts: dict[str, int]
    tombstone_id: int | None
    earlier: list[PastErasure] = field(default_factory=list)


@dataclass(frozen=True)
class _Held:
    applications: Sequence[Application]
    work_orders: Sequence[WorkOrder]
    session_ids: list[str]

    @property
    def cases(self) -> list[Application | WorkOrder]:
        return [*self.applications, *self.work_orders]


def export_personal_data(
    session: Session, phone: str, *, operator: str, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything held about the owner of ``phone``, as JSON-ready data; audited.

    Args:
        phone: the citizen's mainland mobile number, however written.
        operator: who exports it, for the audit log.

    Raises:
        ValidationFailed: not a mobile number, or no operator named.
    """
    now = now or clock.now()
    if not operator.strip():
        raise ValidationFailed("operator", "name who does this")
    held = _held(session, phone)
    with_transcript = _with_transcript(session, held)
    for application in held.applications:
        _audit(
            session,
            operator,
            "application",
            application.number,
            application_personal_fields(application),
            with_transcript,
            EXPORT_VIA,
            now,
        )
    for order in held.work_orders:
        _audit(
            session,
            operator,
            "work_order",
            order.number,
            work_order_personal_fields(order),
            with_transcript,
            EXPORT_VIA,
            now,
        )
    return {
        "phone": normalise_phone(phone),
        "exported_at": _time(now),
        "applications": [_application(a) for a in held.applications],
        "work_orders": [_work_order(session, o) for o in held.work_orders],
        "conversations": [
            conversation
            for conversation in (
                _conversation(session, sid, held) for sid in held.session_ids
            )
            if conversation["messages"]
            or conversation["handoffs"]
            or conversation["feedback"]
        ],
        "erasures": [
            dataclasses.asdict(PastErasure.of(e)) | {"at": _time(e.at)}
            for e in erasures_of(session, phone)
        ],
    }


def erase_personal_data(
    session: Session,
    phone: str,
    *,
    operator: str,
    reason: str,
    now: dt.datetime | None = None,
) -> Erased:
    """Erase the personal data of the owner of ``phone``, leave a tombstone; audited.

    Erasing again finds nothing more and leaves no second tombstone.

    Raises:
        ValidationFailed: not a mobile number, or no operator or reason given.
    """
    now = now or clock.now()
    if not operator.strip():
        raise ValidationFailed("operator", "name who does this")
    if not reason.strip():
        raise ValidationFailed("reason", "say why (e.g. the request's reference)")
    held = _held(session, phone)
    earlier = [PastErasure.of(e) for e in erasures_of(session, phone)]
    with_transcript = _with_transcript(session, held)
    counts: Counter[str] = Counter()
    for application in held.applications:
        fields = application_personal_fields(application)
        if application.status in OPEN_APPLICATIONS:
            # Nobody can decide an application whose applicant is gone.
            application.status = "withdrawn"
            application.updated_at = now
        counts.update(anonymise_application(application, now))
        _audit(
            session,
            operator,
            "application",
            application.number,
            fields,
            with_transcript,
            ERASE_VIA,
            now,
        )
    for order in held.work_orders:
        fields = work_order_personal_fields(order)
        still_open = order.status in OPEN_WORK_ORDERS
        counts.update(anonymise_work_order(session, order, now, still_open=still_open))
        if still_open:
            # The unit finds the contact gone, and why, in the order's history.
            order.updates.append(
                WorkOrderUpdate(
                    status=order.status,
                    note=CONTACT_ERASED_NOTE,
                    actor=operator.strip()[:100],
                    created_at=now,
                )
            )
        _audit(
            session,
            operator,
            "work_order",
            order.number,
            fields,
            with_transcript,
            ERASE_VIA,
            now,
        )
    # A person waiting for or talking with the citizen under that session id would
    # be talking to nobody: the hand-off is closed.
    session.execute(
        update(Handoff)
        .where(
            Handoff.session_id.in_(held.session_ids),
            Handoff.status.in_(OPEN_HANDOFFS),
        )
        .values(status="returned", closed_at=now)
        .execution_options(synchronize_session=False)
    )
    counts.update(anonymise_conversations(session, held.session_ids))
    records = sorted(case.number for case in held.cases)
    tombstone = None
    if records:
        tombstone = record_erasure(
            session,
            phone=phone,
            operator=operator,
            reason=reason,
            records=records,
            counts={table: counts[table] for table in TABLES},
            now=now,
        )
    session.flush()
    return Erased(
        records=records,
        counts={table: counts[table] for table in TABLES},
        tombstone_id=tombstone.id if tombstone else None,
        earlier=earlier,
    )


def _held(session: Session, phone: str) -> _Held:
    """The records of a phone, by its keyed hash, and the conversations they came from."""
    applications, work_orders = cases_by_phone(session, phone)
    cases: list[Application | WorkOrder] = [*applications, *work_orders]
    session_ids = sorted({case.session_id for case in cases if case.session_id})
    return _Held(applications, work_orders, session_ids)


def _with_transcript(session: Session, held: _Held) -> set[str]:
    """The numbers of the cases whose conversation holds messages."""
    talked = set(
        session.scalars(
            select(ConversationMessage.session_id)
            .where(ConversationMessage.session_id.in_(held.session_ids))
            .distinct()
        )
    )
    return {case.number for case in held.cases if case.session_id in talked}


def _audit(
    session: Session,
    operator: str,
    kind: str,
    number: str,
    fields: Sequence[str],
    with_transcript: set[str],
    via: str,
    now: dt.datetime,
) -> None:
    if number in with_transcript:
        fields = (*fields, TRANSCRIPT)
    record_operator_access(
        session, operator, kind=kind, record=number, fields=fields, via=via, now=now
    )


def _conversation(session: Session, session_id: str, held: _Held) -> dict[str, Any]:
    """A conversation as its citizen may read it; named by its cases, not its session
    id, which lets whoever holds it read the conversation."""
    messages = session.scalars(
        select(ConversationMessage)
        .where(ConversationMessage.session_id == session_id)
        .order_by(ConversationMessage.id)
    )
    handoffs = session.scalars(
        select(Handoff).where(Handoff.session_id == session_id).order_by(Handoff.id)
    )
    ratings = session.scalars(
        select(Feedback).where(Feedback.session_id == session_id).order_by(Feedback.id)
    )
    return {
        "cases": sorted(
            case.number for case in held.cases if case.session_id == session_id
        ),
        "messages": [
            {"at": _time(m.created_at), "sender": m.sender, "text": m.text}
            for m in messages
        ],
        "handoffs": [
            {
                "requested_at": _time(h.requested_at),
                "reason": h.reason,
                "status": h.status,
                "urgent": h.urgent,
                "taken_at": _time(h.taken_at),
                "closed_at": _time(h.closed_at),
            }
            for h in handoffs
        ],
        "feedback": [
            {"at": _time(f.created_at), "rating": f.rating, "comment": f.comment}
            for f in ratings
        ],
    }


def _application(application: Application) -> dict[str, Any]:
    return {
        "number": application.number,
        "service": application.service.name,
        "applicant_name": application.applicant_name,
        "id_number": application.id_number,
        "phone": application.phone,
        "district": application.district,
        "consent": application.consent,
        "status": application.status,
        "channel": application.channel,
        "created_at": _time(application.created_at),
        "updated_at": _time(application.updated_at),
    }


def _work_order(session: Session, order: WorkOrder) -> dict[str, Any]:
    notices = session.scalars(
        select(Notification)
        .where(Notification.work_order_id == order.id, Notification.audience == CITIZEN)
        .order_by(Notification.id)
    )
    return {
        "number": order.number,
        "category": order.category.name,
        "unit": order.unit_name or order.department.name,
        "district": order.district,
        "street": order.street,
        "address": order.address,
        "occurred_at": order.occurred_at,
        "description": order.description,
        "contact_name": order.contact_name,
        "contact_phone": order.contact_phone,
        "status": order.status,
        "channel": order.channel,
        "created_at": _time(order.created_at),
        "updated_at": _time(order.updated_at),
        "due_date": order.due_date.isoformat(),
        "result": order.result,
        "completed_at": _time(order.completed_at),
        "satisfaction": order.satisfaction,
        "history": [
            {
                "at": _time(u.created_at),
                "status": u.status,
                "action": u.action,
                "note": u.note,
            }
            for u in order.updates
        ],
        "notifications": [
            {"at": _time(n.created_at), "text": n.text, "sent_at": _time(n.sent_at)}
            for n in notices
        ],
    }


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat(sep=" ", timespec="seconds") if value else None

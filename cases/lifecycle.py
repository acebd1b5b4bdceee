"""A work order's life after filing, as a state machine: who may move it where, and why.

已受理 (registered) → 已派单 (dispatched) → 已签收 (signed) → 处理中 (in_progress) →
已办结 (completed) → 已回访 (visited) → 已结案 (closed). Besides the main line:

- 退回 (return): the unit says the order is not theirs, with a reason; the centre
  dispatches it again (改派), to the same category or another.
- 延期 (extension): the unit asks for more working days with a reason; the centre
  approves (the due date moves) or refuses. One request is pending at a time.
- 督办 (supervision): the centre, or the scheduler for an overdue order, escalates an
  open order; it stays where it is, marked and counted.
- 重办 (reopening): a 不满意 回访 sends a completed order back to its unit once;
  a second 不满意 escalates it instead.

Each action names the roles that may take it: the centre (agents and admins), the unit
(the department handling it), the citizen (their 回访), and the system (the scheduler).
Every step is kept in the order's history with who, when and why, and an action that
does not apply to the order's state is refused with the reason. Transitions lock the
order's row first, so two people acting at once are applied one after the other and
neither update is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cases import notifications
from cases.models import PRAISE, WorkOrder, WorkOrderUpdate
from cases.repositories import work_orders as repository
from cases.routing.units import unit_as_read, unit_in_english
from cases.workdays import add_working_days
from foundation import clock
from foundation.errors import NotFoundError, ValidationFailed

CENTRE, UNIT, CITIZEN, SYSTEM = "centre", "unit", "citizen", "system"
OPEN = ("registered", "dispatched", "signed", "in_progress", "returned")
# Open and with the centre, which has yet to send it (again) to a unit: no unit is
# handling it.
AWAITING_DISPATCH = ("registered", "returned")
SIGNING_DAYS = 1
MAX_EXTENSION_DAYS = 30
SATISFACTION = ("satisfied", "basically_satisfied", "dissatisfied")
REOPENINGS_ALLOWED = 1

STATUS_TEXT = {
    "zh": {
        "registered": "已受理",
        "dispatched": "已派单至承办单位",
        "signed": "承办单位已签收",
        "in_progress": "承办单位处理中",
        "completed": "已办结",
        "visited": "已回访",
        "closed": "已结案",
        "returned": "承办单位已退回，正在重新派单",
        "merged": "已与同一事件的工单合并办理",
    },
    "en": {
        "registered": "registered",
        "dispatched": "sent to the handling unit",
        "signed": "accepted by the handling unit",
        "in_progress": "being handled",
        "completed": "handled",
        "visited": "followed up with you",
        "closed": "closed",
        "returned": "returned by the unit; being sent on again",
        "merged": "handled together with a work order about the same problem",
    },
}
SATISFACTION_TEXT = {
    "satisfied": "满意",
    "basically_satisfied": "基本满意",
    "dissatisfied": "不满意",
}


@dataclass(frozen=True)
class Action:
    name: str
    # The statuses it applies to, and where it leads (None: the status stays).
    sources: tuple[str, ...]
    target: str | None
    roles: frozenset[str]
    needs_note: bool = False


ACTIONS = {
    action.name: action
    for action in (
        Action("dispatch", AWAITING_DISPATCH, "dispatched", frozenset({CENTRE})),
        Action("sign", ("dispatched",), "signed", frozenset({UNIT})),
        Action("start", ("signed",), "in_progress", frozenset({UNIT})),
        Action(
            "complete",
            ("signed", "in_progress"),
            "completed",
            frozenset({UNIT}),
            needs_note=True,
        ),
        Action(
            "return",
            ("dispatched", "signed"),
            "returned",
            frozenset({UNIT}),
            needs_note=True,
        ),
        Action(
            "request_extension",
            ("signed", "in_progress"),
            None,
            frozenset({UNIT}),
            needs_note=True,
        ),
        Action(
            "approve_extension", ("signed", "in_progress"), None, frozenset({CENTRE})
        ),
        Action(
            "refuse_extension",
            ("signed", "in_progress"),
            None,
            frozenset({CENTRE}),
            needs_note=True,
        ),
        Action("supervise", OPEN, None, frozenset({CENTRE, SYSTEM})),
        Action(
            "visit", ("completed",), "visited", frozenset({CENTRE, CITIZEN, SYSTEM})
        ),
        Action(
            "close",
            ("registered", "dispatched", "returned", "completed", "visited"),
            "closed",
            frozenset({CENTRE, SYSTEM}),
        ),
    )
}
# What an agent's "set the status to …" means, for the older status-only API.
ACTION_FOR_STATUS = {
    "dispatched": "dispatch",
    "signed": "sign",
    "in_progress": "start",
    "completed": "complete",
    "returned": "return",
    "visited": "visit",
    "closed": "close",
}


@dataclass(frozen=True)
class Step:
    """What someone asks of an order; the fields an action needs are checked by it."""

    action: str
    actor: str
    role: str
    note: str | None = None
    days: int | None = None
    satisfaction: str | None = None


def handled_order(work_order: WorkOrder) -> WorkOrder:
    """The order that is handled for this one: itself, or the one it was merged into."""
    return work_order.merged_into or work_order


def status_text(work_order: WorkOrder, language: str) -> str:
    """The order's status as its citizen reads it; a merged report's is its event's."""
    if work_order.appeal_kind == PRAISE:
        return _praise_passed_on(work_order, language)
    texts = STATUS_TEXT["en" if language == "en" else "zh"]
    handled = work_order.merged_into
    if handled is None:
        return texts[work_order.status]
    if language == "en":
        return (
            f"handled together with work order {handled.number}, which is "
            f"{texts[handled.status]}"
        )
    return f"已与工单 {handled.number} 合并办理，{texts[handled.status]}"


def _praise_passed_on(work_order: WorkOrder, language: str) -> str:
    unit = unit_as_read(
        work_order.unit_level, work_order.unit_name, work_order.department, language
    )
    return f"praise passed on to {unit}" if language == "en" else f"表扬已转达{unit}"


def awaiting_visit(session: Session, session_id: str) -> WorkOrder | None:
    """The conversation's newest completed order, waiting for its 回访."""
    return repository.completed_in_conversation(session, session_id)


def sign_due(dispatched_on: dt.date) -> dt.date:
    """A unit signs for an order within one working day of its dispatch."""
    return add_working_days(dispatched_on, SIGNING_DAYS)


def allowed_actions(work_order: WorkOrder, role: str) -> list[str]:
    """The actions ``role`` may take on the order now, for a page's buttons."""
    return [
        name
        for name, action in ACTIONS.items()
        if role in action.roles and _refusal(work_order, action, None) is None
    ]


def apply(
    session: Session, number: str, step: Step, now: dt.datetime | None = None
) -> WorkOrder:
    """Take ``step`` on the order ``number``, locking it first, and record it.

    Raises:
        NotFoundError: no such order.
        ValidationFailed: the action is unknown, not the role's, does not apply to the
            order's state, or lacks what it needs (a reason, days, a satisfaction).
    """
    action = ACTIONS.get(step.action)
    if action is None:
        raise ValidationFailed(
            "action", f"unknown action {step.action!r}; one of {', '.join(ACTIONS)}"
        )
    if step.role not in action.roles:
        raise ValidationFailed("action", f"{step.action} is not for the {step.role}")
    work_order = repository.lock_work_order(session, number)
    if work_order is None:
        raise NotFoundError("work order", number)
    refusal = _refusal(work_order, action, step)
    if refusal:
        raise ValidationFailed("action", refusal)
    now = now or clock.now()
    outcome = _EFFECTS[action.name](work_order, step, now)
    before = work_order.status
    work_order.status = outcome.status or action.target or work_order.status
    work_order.updated_at = now
    work_order.updates.append(
        WorkOrderUpdate(
            status=work_order.status,
            action=action.name,
            note=outcome.note,
            actor=step.actor,
            created_at=now,
        )
    )
    session.flush()
    if work_order.status != before:
        tell_citizen(session, work_order, now)
    return work_order


def tell_citizen(session: Session, work_order: WorkOrder, now: dt.datetime) -> None:
    """What the citizen hears of a step, on their channel and in their language:
    dispatch, signing, and on completion the result with the 回访 question. Every
    report merged into the order (cases.merging) hears it too, on its own channel."""
    round_ = str(work_order.reopened_count or 0)
    joined = work_order.joined
    if work_order.status == "completed":
        for reporter in (None, *joined):
            notifications.owe(
                session,
                reporter or work_order,
                "visit_request",
                round_,
                notifications.CITIZEN,
                visit_question(work_order, reporter),
                now,
            )
        return
    # A returned order sent on (改派) is news again: the citizen hears of the new unit.
    returns = sum(1 for update in work_order.updates if update.action == "return")
    key = f"{work_order.status}-{round_}" + (f"-r{returns}" if returns else "")
    for reporter in (None, *joined):
        said = _progress_text(work_order, returns > 0, reporter)
        if said:
            notifications.owe(
                session,
                reporter or work_order,
                "status",
                key,
                notifications.CITIZEN,
                said,
                now,
            )


def visit_question(work_order: WorkOrder, reporter: WorkOrder | None = None) -> str:
    """The 回访: the result, and how satisfied the citizen is with it.

    ``reporter`` is a report merged into the order: its citizen is asked in their own
    language, about their own number. The result is quoted as the unit wrote it, in
    Chinese: an English reader is told so, rather than given a translation nobody
    checked.
    """
    result = (work_order.result or "").rstrip("。.！!；;，, ")
    if (reporter or work_order).language == "en":
        return (
            f"Your report ({_reference_en(work_order, reporter)}) has been handled. "
            + (
                f"The handling unit's reply, in Chinese: {result}. "
                if result
                else "The handling unit has replied to it. "
            )
            + 'How satisfied are you with the result? Reply "satisfied", '
            '"basically satisfied" or "dissatisfied"; you may add a comment.'
        )
    return (
        f"您反映的问题（{_reference_zh(work_order, reporter)}）已办结。办理结果："
        f"{result or '请见承办单位答复'}。请您对办理结果进行评价："
        "回复“满意”“基本满意”或“不满意”，也可以留下您的意见。"
    )


def _reference_zh(work_order: WorkOrder, reporter: WorkOrder | None) -> str:
    if reporter is None:
        return f"工单编号 {work_order.number}"
    return f"工单编号 {reporter.number}，与工单 {work_order.number} 合并办理"


def _reference_en(work_order: WorkOrder, reporter: WorkOrder | None) -> str:
    if reporter is None:
        return f"work order {work_order.number}"
    return (
        f"work order {reporter.number}, handled together with work order "
        f"{work_order.number}"
    )


def _progress_text(
    work_order: WorkOrder, redispatched: bool, reporter: WorkOrder | None = None
) -> str | None:
    if work_order.status == "closed":
        return _closed_text(work_order, reporter)
    unit = work_order.unit_name or work_order.department.name
    if (reporter or work_order).language == "en":
        unit_en = unit_in_english(
            work_order.unit_level, work_order.unit_name, work_order.department
        )
        reference = _reference_en(work_order, reporter)
        return {
            "dispatched": f"Your report ({reference}) has been "
            f"{'passed on' if redispatched else 'sent'} to {unit_en}, which is to "
            f"reply by {work_order.due_date.isoformat()}.",
            "signed": f"{unit_en[0].upper()}{unit_en[1:]} has accepted your "
            + (
                f"work order {work_order.number}"
                if reporter is None
                else f"report ({reference})"
            )
            + " and is handling it.",
        }.get(work_order.status)
    return {
        "dispatched": f"您反映的问题（{_reference_zh(work_order, reporter)}）已"
        f"{'改派' if redispatched else '派'}至{unit}办理，"
        f"答复期限为 {work_order.due_date.isoformat()}。",
        "signed": f"{unit}已签收您的工单 {work_order.number}，正在办理。"
        if reporter is None
        else f"{unit}已签收您反映的问题（{_reference_zh(work_order, reporter)}），"
        "正在办理。",
    }.get(work_order.status)


def _closed_text(work_order: WorkOrder, reporter: WorkOrder | None) -> str | None:
    """Closed by the centre before any unit handled it (a report already answered, not
    the hotline's to handle): the citizen is told why. One closed after its 回访 has
    been told everything already."""
    if work_order.completed_at is not None:
        return None
    why = (work_order.updates[-1].note or "").strip().rstrip("。.")
    if (reporter or work_order).language == "en":
        return (
            f"Your report ({_reference_en(work_order, reporter)}) has been closed"
            + (f". The hotline's note, in Chinese: {why}." if why else ".")
        )
    return f"您反映的问题（{_reference_zh(work_order, reporter)}）已结案" + (
        f"。说明：{why}。" if why else "。"
    )


@dataclass(frozen=True)
class _Outcome:
    note: str | None
    # Where the order goes when not where the action leads (a reopening).
    status: str | None = None


def _refusal(work_order: WorkOrder, action: Action, step: Step | None) -> str | None:
    """Why the action cannot be taken now, or None."""
    if work_order.status not in action.sources:
        return (
            f"cannot {action.name.replace('_', ' ')} a {work_order.status} work order"
        )
    pending = work_order.extension_days is not None
    if action.name == "request_extension" and pending:
        return "an extension request is already waiting for the centre"
    if action.name in ("approve_extension", "refuse_extension") and not pending:
        return "no extension has been requested"
    if step is None:
        return None
    if action.needs_note and not (step.note or "").strip():
        return f"{action.name.replace('_', ' ')} needs a reason or result in the note"
    if action.name == "request_extension" and not (
        step.days and 0 < step.days <= MAX_EXTENSION_DAYS
    ):
        return f"ask for 1 to {MAX_EXTENSION_DAYS} working days"
    if action.name == "visit" and step.satisfaction not in SATISFACTION:
        return f"the satisfaction is one of {', '.join(SATISFACTION)}"
    return None


def _dispatch(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    work_order.sign_due_date = sign_due(now.date())
    work_order.signed_at = None
    return _Outcome(step.note)


def _sign(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    work_order.signed_at = now
    return _Outcome(step.note)


def _complete(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    work_order.result = (step.note or "").strip()
    work_order.completed_at = now
    return _Outcome(step.note)


def _request_extension(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    work_order.extension_days = step.days
    return _Outcome(f"申请延期 {step.days} 个工作日：{(step.note or '').strip()}")


def _approve_extension(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    days = work_order.extension_days or 0
    work_order.due_date = add_working_days(work_order.due_date, days)
    work_order.extension_days = None
    return _Outcome(
        f"同意延期 {days} 个工作日，办理期限至 {work_order.due_date.isoformat()}"
        + (f"。{step.note}" if step.note else "")
    )


def _refuse_extension(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    work_order.extension_days = None
    return _Outcome(f"不同意延期：{(step.note or '').strip()}")


def _supervise(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    work_order.supervised_at = now
    work_order.supervision_count = (work_order.supervision_count or 0) + 1
    return _Outcome(step.note or "督办")


def _visit(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    satisfaction = step.satisfaction or ""
    work_order.satisfaction = satisfaction
    work_order.visited_at = now
    said = f"回访：{SATISFACTION_TEXT[satisfaction]}" + (
        f"。{step.note}" if step.note else ""
    )
    if satisfaction != "dissatisfied":
        return _Outcome(said)
    if (work_order.reopened_count or 0) < REOPENINGS_ALLOWED:
        # 重办: back to the same unit, with a new time limit from today.
        work_order.reopened_count = (work_order.reopened_count or 0) + 1
        work_order.due_date = add_working_days(
            now.date(), work_order.category.time_limit_days
        )
        work_order.sign_due_date = sign_due(now.date())
        work_order.signed_at = None
        work_order.completed_at = None
        return _Outcome(f"{said}；重办，退回承办单位重新办理", status="dispatched")
    work_order.supervised_at = now
    work_order.supervision_count = (work_order.supervision_count or 0) + 1
    return _Outcome(f"{said}；已重办仍不满意，转督办")


def _note_only(work_order: WorkOrder, step: Step, now: dt.datetime) -> _Outcome:
    return _Outcome(step.note)


_EFFECTS = {
    "dispatch": _dispatch,
    "sign": _sign,
    "start": _note_only,
    "complete": _complete,
    "return": _note_only,
    "request_extension": _request_extension,
    "approve_extension": _approve_extension,
    "refuse_extension": _refuse_extension,
    "supervise": _supervise,
    "visit": _visit,
    "close": _note_only,
}

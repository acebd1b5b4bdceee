"""Praise (表扬件): a citizen's thanks to a unit or its staff, passed on to that unit.

Citizens phone 12345 to thank as well as to complain, and a centre that only takes
complaints makes a grateful citizen file one. Praise is recorded as a work order of its
own kind (``WorkOrder.appeal_kind``) so that it has a number, reaches the unit it names
(routed like a report: the category from the words, the unit where it happened) and can
be counted per unit. It asks nothing of the unit, so it is closed as soon as it is
passed on: no signing, time limit, 督办 or 回访 applies, the review queue and the
duplicate search never see it, and the centre's figures on reports leave it out. The
unit is told by a notice on its workbench and may open the order, masked as every
finished order is.

A citizen who asks after their praise is told it reached the unit
(``cases.lifecycle.status_text``).

Public function: ``pass_on_praise``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from cases import notifications
from cases.models import PRAISE, WorkOrder, WorkOrderUpdate
from cases.routing.router import Router
from cases.routing.units import district_unit_name, street_unit_name
from cases.work_orders import WorkOrderRequest, file_work_order
from foundation import clock
from knowledge_base.models import Department
from knowledge_base.repositories.departments import get_department
from knowledge_base.search.text import normalise

PASSED_ON = "closed"
UNIT_NAMES_PATH = Path(__file__).resolve().parent / "data" / "unit_names.yml"
STREET_OFFICE = "street"
# Who hears a street office's praise when the street is not known (民政局).
COMMUNITY_GUIDANCE = "civil-affairs"
# The words of thanks themselves: routing reads the praise without them, as the words
# name no unit ("表扬" is a keyword of the catch-all category).
_THANKS = re.compile(
    r"表扬信|表扬一下|表扬|点个赞|点赞|称赞|赞扬|夸奖|感谢信|感谢|谢谢|致谢|锦旗|好评|"
    r"\b(?:praise|compliments?|commend|thanks?)\b",
    re.IGNORECASE,
)


def pass_on_praise(
    session: Session,
    request: WorkOrderRequest,
    router: Router,
    now: dt.datetime | None = None,
) -> WorkOrder:
    """File the praise, tell its unit, and close it; a retried request (same
    idempotency key) returns the praise passed on the first time.

    Raises:
        ValidationFailed: the praise is empty or too long, or a contact detail is invalid.
        Conflict: the key was used in this scope for a different request.
    """
    now = now or clock.now()
    order = file_work_order(
        session,
        dataclasses.replace(
            request,
            appeal_kind=PRAISE,
            join_duplicates=False,
            routing_text=_THANKS.sub(" ", request.description or ""),
        ),
        router,
        now,
    )
    if order.status == PASSED_ON:
        return order
    named = _unit_named(session, order.description, order.district, order.street)
    if named is not None:
        order.unit_level, order.unit_name, department = named
        order.department = department or order.department
    unit = order.unit_name or order.department.name
    order.status = PASSED_ON
    order.due_date = now.date()
    order.updated_at = now
    order.updates.append(
        WorkOrderUpdate(
            status=PASSED_ON,
            action="pass_on_praise",
            note=f"表扬已转达{unit}，无需办理和回访",
            actor="hotline-assistant",
            created_at=now,
        )
    )
    session.flush()
    notifications.owe(
        session,
        order,
        "praise",
        order.number,
        notifications.UNIT,
        f"市民通过 12345 热线表扬贵单位（工单 {order.number}），内容可在工单中查看。",
        now,
    )
    return order


def _unit_named(
    session: Session, text: str, district: str | None, street: str | None
) -> tuple[str, str, Department | None] | None:
    """The unit the praise names, where it happened: its district's counterpart of
    the department, or the street's office (no department: the routed one stays);
    None when it names none.

    A 居委会 or 网格员 of a street not known is praised to the civil-affairs bureau,
    which guides the neighbourhood committees, rather than to whatever bureau the
    words of the praise would route a complaint to."""
    code = _department_named(text)
    if code is None:
        return None
    if code == STREET_OFFICE:
        if street is not None:
            return "street", street_unit_name(street), None
        code = COMMUNITY_GUIDANCE
    department = get_department(session, code)
    if department is None:
        return None
    counterpart = district_unit_name(department, district) if district else None
    if counterpart:
        return "district", counterpart, department
    return "city", department.name, department


def _department_named(text: str) -> str | None:
    """The code of the department whose name comes first in the text."""
    written = normalise(text)
    found = [
        (written.find(name), -len(name), code)
        for name, code in _unit_names()
        if name in written
    ]
    return min(found)[2] if found else None


@functools.cache
def _unit_names() -> tuple[tuple[str, str], ...]:
    departments = yaml.safe_load(UNIT_NAMES_PATH.read_text(encoding="utf-8"))
    return tuple(
        (normalise(name), code)
        for code, names in departments["departments"].items()
        for name in names
    )

"""Work orders with known times, for the managers' figures (contact_centre.performance).

Written straight into the tables, as the lifecycle would have left them, so that every
time is chosen: who signed late, what is overdue, which 回访 was 不满意. Each order's
history gets the steps the trend lines count (已办结, 已结案).

Two units, A and B, over the seven days up to ``today`` (day -n is n days before):

=====  ====  ==========  ============  ============  ==============  ============
order  unit  filed       signing       handling      回访             dispatch
=====  ====  ==========  ============  ============  ==============  ============
A1     A     -5 noise    -4, on time   -2 ≤ -1       -1 满意          automatic
A2     A     -5 noise    -3 > -4 late  open, due +5  —               confirmed
A3     A     -6 pollut.  none, due -5  open, due -1  —               corrected
B1     B     -3 noise    -2, on time   -1 > -2 late  0 不满意 (督办)  automatic
B2     B     -2 pollut.  -2, on time   -1 ≤ +3       -1 基本满意      automatic
old    —     -10 noise   —             closed -9     —               none
=====  ====  ==========  ============  ============  ==============  ============

A3 is overdue (1 day) and was escalated on day -1; B1 was escalated on day 0.

Three praises (表扬件), passed on and closed when filed, as ``cases.praise`` leaves them:
P1 to A on day -3, P2 to A on day -1, P3 to B on day 0. They count in no figure but
the praise per unit, and their closing step in no trend.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.models import WorkOrder, WorkOrderUpdate
from knowledge_base.models import WorkOrderCategory

DESCRIPTIONS = {
    "noise": "长寿路145号旁边工地每天夜里施工，噪音太大，电话13900001111",
    "pollution": "长寿路145号楼下饭店油烟直排，窗户都不能开，电话13900001111",
}
PRAISE = "表扬执法队员，长寿路145号工地夜间施工当晚就停了，电话13900001111"


@dataclass(frozen=True)
class Seeded:
    today: dt.date
    unit_a: str
    unit_b: str
    numbers: dict[str, str]  # "A1" → its work-order number, "GD<tag>A1"


def seed_orders(session: Session, today: dt.date, tag: str | None = None) -> Seeded:
    """The orders of the table above, in units named uniquely by ``tag``."""
    tag = tag or uuid.uuid4().hex[:6]
    unit_a = f"测试区生态环境局{tag}"
    unit_b = f"测试街道办事处{tag}"
    categories = {
        c.code: c
        for c in session.scalars(
            select(WorkOrderCategory).where(
                WorkOrderCategory.code.in_(("noise", "pollution"))
            )
        )
    }

    def at(offset: int, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(today + dt.timedelta(days=offset), dt.time(hour))

    def day(offset: int) -> dt.date:
        return today + dt.timedelta(days=offset)

    def order(key: str, category: str, filed: int, **fields) -> WorkOrder:
        steps = fields.pop("steps", ())
        praised = fields.get("appeal_kind") == "praise"
        work_order = WorkOrder(
            number=f"GD{tag}{key}",
            category_id=categories[category].id,
            department_id=categories[category].department_id,
            district="测试区",
            # The words of one event per category, so that hot topics find them; with
            # a phone and a name, so that showing them masked is checked.
            description=PRAISE if praised else DESCRIPTIONS[category],
            address="长寿路145号",
            contact_phone="13900001111",
            contact_name="王先生",
            created_at=at(filed, 9),
            updated_at=at(filed, 9),
            **fields,
        )
        for status, offset in steps:
            work_order.updates.append(
                WorkOrderUpdate(status=status, actor="test", created_at=at(offset))
            )
        session.add(work_order)
        return work_order

    orders = [
        order(
            "A1",
            "noise",
            -5,
            unit_name=unit_a,
            status="visited",
            dispatch_method="automatic",
            sign_due_date=day(-4),
            signed_at=at(-4),
            due_date=day(-1),
            completed_at=at(-2),
            satisfaction="satisfied",
            visited_at=at(-1),
            steps=(("completed", -2), ("visited", -1)),
        ),
        order(
            "A2",
            "noise",
            -5,
            unit_name=unit_a,
            status="in_progress",
            dispatch_method="agent-confirmed",
            sign_due_date=day(-4),
            signed_at=at(-3),
            due_date=day(5),
        ),
        order(
            "A3",
            "pollution",
            -6,
            unit_name=unit_a,
            status="dispatched",
            dispatch_method="agent-corrected",
            sign_due_date=day(-5),
            due_date=day(-1),
            supervision_count=1,
            supervised_at=at(-1),
        ),
        order(
            "B1",
            "noise",
            -3,
            unit_name=unit_b,
            status="visited",
            dispatch_method="automatic",
            sign_due_date=day(-2),
            signed_at=at(-2),
            due_date=day(-2),
            completed_at=at(-1),
            satisfaction="dissatisfied",
            visited_at=at(0, 8),
            supervision_count=1,
            supervised_at=at(0, 8),
            steps=(("completed", -1), ("visited", 0)),
        ),
        order(
            "B2",
            "pollution",
            -2,
            unit_name=unit_b,
            status="closed",
            dispatch_method="automatic",
            sign_due_date=day(-1),
            signed_at=at(-2),
            due_date=day(3),
            completed_at=at(-1),
            satisfaction="basically_satisfied",
            visited_at=at(-1),
            steps=(("completed", -1), ("visited", -1), ("closed", 0)),
        ),
        *(
            order(
                key,
                "noise",
                filed,
                unit_name=unit,
                appeal_kind="praise",
                status="closed",
                due_date=day(filed),
                steps=(("closed", filed),),
            )
            for key, unit, filed in (
                ("P1", unit_a, -3),
                ("P2", unit_a, -1),
                ("P3", unit_b, 0),
            )
        ),
        order(
            "old",
            "noise",
            -10,
            status="closed",
            due_date=day(-5),
            steps=(("closed", -9),),
        ),
    ]
    session.flush()
    return Seeded(
        today=today,
        unit_a=unit_a,
        unit_b=unit_b,
        numbers={o.number.removeprefix(f"GD{tag}"): o.number for o in orders},
    )

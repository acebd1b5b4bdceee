"""A simulated month of the centre: 5,000 work orders filed over the Mid-Autumn and
National Day holidays of 2026, handled by their units, watched by the worker and
followed up with their citizens, on a clock the test controls.

Each order gets a fate (handled promptly, signed late, handled late, returned and sent
on, an extension approved or refused, one or two 不满意 回访, never signed) and lives
it through the real core: filing with routing, ``cases.lifecycle`` for every step, the
citizen's 回访 read from their words, and ``contact_centre.follow_up`` every simulated
hour for the time limits and the notifications, WeChat ones through wechatpy to a fake
WeChat server. Halfway, the worker is killed in the middle of a delivery and another
takes over once its lease expires.

The end is checked against the rules computed here independently: every due date
counts the right number of China's working days (holidays and 调休 from the
``holidays`` package), every order ends in the state its fate leads to, escalations
and warnings happen exactly where a time limit was passed, and every citizen's
notification was delivered exactly once. The counts are written to
``test-output/simulated-month.json`` for the closing note.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import heapq
import itertools
import json
import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path

import holidays
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cases.lifecycle import CENTRE, UNIT, Step, apply
from cases.models import Notification, WorkOrder
from cases.routing.router import build_router
from cases.work_orders import WorkOrderRequest, dispatch_work_order, file_work_order
from contact_centre.conversations import messages
from contact_centre.follow_up import run_due_work, wechat_sender
from contact_centre.visits import answer_visit
from foundation.db import make_engine, session_scope
from foundation.settings import Settings
from tests.support.fake_wechat import FakeWeChat
from tests.support.live import serve

ORDERS = 5_000
FIRST_DAY = dt.date(2026, 9, 14)
FILING_DAYS = 33  # to 16 October: the Mid-Autumn and National Day holidays inside
LAST_DAY = dt.date(2026, 11, 30)
WORKER_HOURS = range(8, 21)  # the worker runs every simulated hour from 8:00 to 20:00
LEASE_S = 3 * 3600
CRASH_AT = dt.datetime(2026, 10, 9, 13, 0)
APP_ID, APP_SECRET = "wx-simulated-month", "simulated-month-secret"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "simulated-month.json"

# (fate, share of orders)
FATES = (
    ("prompt", 0.50),
    ("late_sign", 0.08),
    ("overdue", 0.08),
    ("returned", 0.08),
    ("extension_approved", 0.06),
    ("extension_refused", 0.04),
    ("dissatisfied_once", 0.08),
    ("dissatisfied_twice", 0.03),
    ("never_signed", 0.05),
)
# Sample complaints as citizens word them, in several districts and categories.
COMPLAINTS = (
    "徐汇区田林街道小区楼上每天半夜装修，电钻声很吵",
    "浦东新区张江镇一家饭店油烟直排，熏得窗户都不能开",
    "静安区某小区物业不管电梯故障，已经停了一个星期",
    "闵行区七宝镇路边有人违章搭建彩钢板房",
    "杨浦区五角场附近人行道上长期乱停车，行人无法通行",
    "黄浦区南京东路街道垃圾桶满了几天没人清运",
    "宝山区某公司拖欠工资三个月不发",
    "普陀区小区停水两天了，没有任何通知",
    "长宁区一家培训机构收了学费后关门跑路",
    "嘉定区小区里有人饲养大型犬不拴绳，吓到老人孩子",
    "虹口区有群租房，一套房子住了二十多个人",
    "松江区某超市卖过期食品",
)
OTHER_CATEGORY = {"pollution": "city-appearance"}  # where a returned order goes next


def _working(day: dt.date, calendar: holidays.HolidayBase) -> bool:
    return bool(calendar.is_working_day(day))


@dataclass
class Story:
    """One order's fate and what the simulation did to it, for checking the end."""

    fate: str
    channel: str
    session_id: str | None
    filed_at: dt.datetime
    number: str = ""
    limit_days: int = 0
    # Each due date the order had while being handled, and from when to when.
    due_periods: list[tuple[dt.date, dt.datetime, dt.datetime | None]] = field(
        default_factory=list
    )
    visits: list[str] = field(default_factory=list)


@dataclass
class Month:
    """The simulation's clock and queue: each order's life is a generator that yields
    the time of its next step and is resumed with a session then."""

    engine: object
    calendar: holidays.HolidayBase
    queue: list[tuple[dt.datetime, int, Generator]] = field(default_factory=list)
    counter: itertools.count = field(default_factory=itertools.count)
    now: dt.datetime = dt.datetime.combine(FIRST_DAY, dt.time(0))

    def schedule(self, at: dt.datetime, life: Generator) -> None:
        heapq.heappush(self.queue, (at, next(self.counter), life))

    def run_until(self, until: dt.datetime, session: Session) -> None:
        while self.queue and self.queue[0][0] <= until:
            at, _, life = heapq.heappop(self.queue)
            self.now = at
            with contextlib.suppress(StopIteration):
                self.schedule(life.send(session), life)

    def working_day(self, after: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``after`` (0: ``after`` if it is one)."""
        day = after
        if n == 0:
            while not _working(day, self.calendar):
                day += dt.timedelta(days=1)
            return day
        while n:
            day += dt.timedelta(days=1)
            n -= _working(day, self.calendar)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        return sum(
            _working(start + dt.timedelta(days=i), self.calendar)
            for i in range(1, (end - start).days + 1)
        )


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def _life(month: Month, story: Story, router, rng: random.Random) -> Generator:
    """An order's month, from filing to its end, as its fate has it."""
    session = yield story.filed_at
    order = file_work_order(
        session,
        WorkOrderRequest(
            description=rng.choice(COMPLAINTS),
            contact_phone=f"139{rng.randrange(10**8):08d}",
            channel=story.channel,
            session_id=story.session_id,
        ),
        router,
        now=story.filed_at,
    )
    story.number, number = order.number, order.number
    story.limit_days = order.category.time_limit_days
    session = yield story.filed_at + dt.timedelta(minutes=30)
    order = _order(session, number)
    if order.status == "registered":
        dispatch_work_order(
            session, number, order.category.code, "坐席王丽", now=month.now
        )
    story.due_periods.append((order.due_date, month.now, None))
    if story.fate == "returned":
        session = yield _at(month.working_day(month.now.date(), 1), 10)
        apply(
            session,
            number,
            Step("return", "承办人", UNIT, note="经核实不属于本单位职责，请改派"),
            month.now,
        )
        _end_period(story, month.now)
        session = yield month.now + dt.timedelta(hours=3)
        order = _order(session, number)
        other = OTHER_CATEGORY.get(order.category.code, "pollution")
        dispatch_work_order(session, number, other, "坐席王丽", now=month.now)
        story.limit_days = _order(session, number).category.time_limit_days
        story.due_periods.append((_order(session, number).due_date, month.now, None))
    if story.fate == "never_signed":
        return
    yield from _handle(month, story, rng, late_sign=story.fate == "late_sign")


def _handle(
    month: Month, story: Story, rng: random.Random, late_sign: bool
) -> Generator:
    """The unit signs, handles and completes; the citizen is asked; the centre closes."""
    number = story.number
    dispatched_on = month.now.date()
    session = yield _at(month.working_day(dispatched_on, 2 if late_sign else 1), 10)
    apply(session, number, Step("sign", "承办人", UNIT), month.now)
    due = _order(session, number).due_date
    created = _order(session, number).created_at.date()
    total = month.working_days_between(created, due)
    if story.fate == "overdue" and not story.visits:
        finish = month.working_day(due, 3)
    elif story.fate in ("extension_approved", "extension_refused") and not story.visits:
        session = yield _at(month.working_day(created, max(1, total // 2)), 11)
        apply(
            session,
            number,
            Step("request_extension", "承办人", UNIT, note="需协调多个部门", days=5),
            month.now,
        )
        session = yield month.now + dt.timedelta(hours=4)
        if story.fate == "extension_approved":
            apply(session, number, Step("approve_extension", "坐席王丽", CENTRE))
            new_due = _order(session, number).due_date
            _end_period(story, month.now)
            story.due_periods.append((new_due, month.now, None))
            finish = month.working_day(due, 2)
        else:
            apply(
                session,
                number,
                Step("refuse_extension", "坐席王丽", CENTRE, note="请按期办结"),
            )
            finish = due
    elif late_sign:
        finish = max(month.now.date(), min(due, month.working_day(month.now.date(), 1)))
    else:
        finish = month.working_day(created, max(1, total // 2))
    finish = max(finish, month.now.date())
    session = yield _at(finish, 15)
    apply(
        session,
        number,
        Step("complete", "承办人", UNIT, note="已现场核查并督促整改，问题已解决"),
        month.now,
    )
    _end_period(story, month.now)
    # The citizen answers the 回访 the next evening; a caller is phoned by the centre.
    answer = "满意"
    if story.fate == "dissatisfied_once" and not story.visits:
        answer = "不满意，问题还是没有解决"
    elif story.fate == "dissatisfied_twice":
        answer = "不满意，还是老样子"
    elif rng.random() < 0.3:
        answer = "基本满意，希望以后加强巡查"
    session = yield _at(month.now.date() + dt.timedelta(days=1), 19, 30)
    story.visits.append(answer)
    if story.session_id:
        said = answer_visit(session, story.session_id, answer, month.now)
        assert said is not None and said.number == number, (story, answer)
    else:
        degree = {"满": "satisfied", "基": "basically_satisfied", "不": "dissatisfied"}
        apply(
            session,
            number,
            Step(
                "visit",
                "回访员赵敏",
                CENTRE,
                note=answer,
                satisfaction=degree[answer[0]],
            ),
            month.now,
        )
    order = _order(session, number)
    if order.status == "dispatched":  # 重办: the unit handles it again
        story.due_periods.append((order.due_date, month.now, None))
        yield from _handle(month, story, rng, late_sign=False)
        return
    if order.status == "visited" and order.satisfaction != "dissatisfied":
        session = yield _at(month.working_day(month.now.date(), 1), 16)
        apply(session, number, Step("close", "坐席王丽", CENTRE), month.now)


def _end_period(story: Story, at: dt.datetime) -> None:
    due, start, _ = story.due_periods[-1]
    story.due_periods[-1] = (due, start, at)


def _order(session: Session, number: str) -> WorkOrder:
    return session.scalars(select(WorkOrder).where(WorkOrder.number == number)).one()


@pytest.fixture
def fake_wechat():
    fake = FakeWeChat(APP_ID, APP_SECRET)
    with serve(fake.app) as url:
        fake.url = url
        yield fake


def _stories(rng: random.Random) -> list[Story]:
    fates = [fate for fate, share in FATES for _ in range(round(share * ORDERS))]
    rng.shuffle(fates)
    stories = []
    for index, fate in enumerate(fates):
        day = FIRST_DAY + dt.timedelta(days=index * FILING_DAYS // len(fates))
        filed_at = _at(day, rng.randrange(7, 22), rng.randrange(60))
        draw = rng.random()
        if draw < 0.6:
            channel, session_id = "web", f"web-month-{index}"
        elif draw < 0.85:
            channel, session_id = "wechat", f"wx:openid-month-{index}"
        else:
            channel, session_id = "phone", None
        stories.append(Story(fate, channel, session_id, filed_at))
    return stories


def test_a_month_of_five_thousand_orders_ends_where_the_rules_say(
    seeded_database, fake_wechat
):
    engine = make_engine(seeded_database)
    calendar = holidays.country_holidays("CN", years=(2026, 2027))
    month = Month(engine, calendar)
    rng = random.Random(12345)
    stories = _stories(rng)
    with session_scope(engine) as session:
        router = build_router(session)
    for story in stories:
        life = _life(month, story, router, rng)
        month.schedule(next(life), life)
    settings = Settings(
        wechat_app_id=APP_ID,
        wechat_app_secret=APP_SECRET,
        wechat_api_base_url=fake_wechat.url,
    )
    wechat = wechat_sender(settings)
    assert wechat is not None
    crashing = _CrashingSender(wechat, crash_on_call=5)
    holder, refused, crashed, sweeps = "worker-1", 0, False, collections.Counter()

    hour = month.now
    while hour.date() <= LAST_DAY:
        with session_scope(engine) as session:
            month.run_until(hour, session)
        if hour.hour in WORKER_HOURS:
            sender: Callable = wechat
            if hour >= CRASH_AT and not crashed:
                sender = crashing
            try:
                done = run_due_work(
                    engine,
                    holder,
                    lease_s=LEASE_S,
                    now=hour,
                    senders={"wechat": sender},
                )
            except _WorkerKilled:
                # The process died mid-delivery; another replica's worker starts.
                crashed, holder = True, "worker-2"
            else:
                if not done.held_lease:
                    refused += 1
                else:
                    report = done.sweep
                    assert report is not None
                    sweeps["sign_overdue"] += report.sign_overdue
                    sweeps["overdue"] += report.overdue
                    sweeps["warned"] += report.warned
                    sweeps["visits_asked"] += report.visits_asked
                    sweeps["sent"] += done.sent
                    assert done.failed == 0
        hour += dt.timedelta(hours=1)

    assert not month.queue, "every order's life has run to its end"
    assert crashed and crashing.calls == 5
    # The new worker waited for the dead one's lease to expire.
    assert refused >= 1
    counts = _check_the_end(engine, month, stories, fake_wechat)
    counts["worker"] = dict(sweeps) | {"refused_while_lease_held": refused}
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(counts, ensure_ascii=False, indent=2) + "\n")
    engine.dispose()


class _WorkerKilled(BaseException):
    """The worker's process dying: no handler in the worker catches it."""


class _CrashingSender:
    def __init__(self, sender: Callable, crash_on_call: int) -> None:
        self.sender, self.crash_on_call, self.calls = sender, crash_on_call, 0

    def __call__(self, notification: Notification) -> None:
        self.calls += 1
        if self.calls == self.crash_on_call:
            raise _WorkerKilled
        self.sender(notification)


def _check_the_end(engine, month: Month, stories: list[Story], fake_wechat) -> dict:
    """Every order against its fate; returns the month's counts."""
    statuses: collections.Counter = collections.Counter()
    fates: collections.Counter = collections.Counter()
    notices: collections.Counter = collections.Counter()
    units: collections.Counter = collections.Counter()
    wechat_texts = collections.defaultdict(list)
    for message in fake_wechat.sent:
        wechat_texts[message["touser"]].append(message["text"]["content"])
    with session_scope(engine) as session:
        by_order = collections.defaultdict(list)
        for notification in session.scalars(select(Notification)):
            by_order[notification.work_order_id].append(notification)
        for story in stories:
            order = _order(session, story.number)
            statuses[order.status] += 1
            units[order.unit_name] += 1
            fates[story.fate] += 1
            owed = by_order[order.id]
            for notification in owed:
                notices[f"{notification.audience}:{notification.kind}"] += 1
            _check_order(month, story, order, owed)
            _check_delivery(session, story, owed, wechat_texts)
        undelivered = session.scalars(
            select(Notification).where(Notification.sent_at.is_(None))
        ).all()
        assert undelivered == []
    # The book is spread over the city's and the districts' units.
    assert len(units) >= 20, units
    return {
        "orders": len(stories),
        "fates": dict(fates),
        "final_status": dict(statuses),
        "units": len(units),
        "orders_per_unit": dict(units.most_common()),
        "notifications": dict(sorted(notices.items())),
        "wechat_messages": len(fake_wechat.sent),
    }


EXPECTED_STATUS = {
    "never_signed": "dispatched",
    "dissatisfied_twice": "visited",
}


def _check_order(month: Month, story: Story, order: WorkOrder, owed) -> None:
    assert order.status == EXPECTED_STATUS.get(story.fate, "closed"), story
    # The due date in force at the end counts the category's working days from
    # filing (from the 回访 after a reopening), plus an approved extension.
    start = _due_start(order)
    extension = 5 if story.fate == "extension_approved" else 0
    assert _working(order.due_date, month.calendar), story
    assert (
        month.working_days_between(start, order.due_date)
        == story.limit_days + extension
    ), (story, start, order.due_date)
    kinds = collections.Counter((n.kind, n.key) for n in owed if n.audience == "unit")
    assert all(count == 1 for count in kinds.values()), kinds
    unit = collections.Counter(n.kind for n in owed if n.audience == "unit")
    sign_overdue = story.fate in ("late_sign", "never_signed")
    overdue = story.fate in ("overdue", "never_signed")
    assert unit["sign_overdue"] == sign_overdue, story
    assert unit["overdue"] == overdue, story
    supervised = sign_overdue + overdue + (story.fate == "dissatisfied_twice")
    assert order.supervision_count == supervised, story
    # Warned exactly for each due date whose 80% point passed while being handled.
    warned = {n.key for n in owed if n.kind == "due_warning"}
    expected = {
        str(due)
        for due, start_at, end_at in story.due_periods
        if _warning_passed(month, order, due, start_at, end_at)
    }
    assert warned == expected, (story, warned, expected)
    if story.fate == "returned":
        assert any(u.action == "return" and u.note for u in order.updates)
        assert order.dispatch_method == "agent-corrected"
    reopened = story.fate.startswith("dissatisfied")
    assert order.reopened_count == reopened, story
    citizen = sorted((n.kind, n.key) for n in owed if n.audience == "citizen")
    if story.session_id is None:
        assert citizen == []
        return
    expected_citizen = [("status", "dispatched-0")]
    if story.fate == "returned":
        expected_citizen = [("status", "dispatched-0"), ("status", "dispatched-0-r1")]
    if story.fate != "never_signed":
        signed = "signed-0-r1" if story.fate == "returned" else "signed-0"
        expected_citizen += [("status", signed), ("visit_request", "0")]
    if reopened:
        expected_citizen += [
            ("status", "dispatched-1"),
            ("status", "signed-1"),
            ("visit_request", "1"),
        ]
    assert citizen == sorted(expected_citizen), story


def _due_start(order: WorkOrder) -> dt.date:
    """Where the handling time counts from: filing, or the 回访 that reopened it."""
    reopenings = [
        u for u in order.updates if u.action == "visit" and u.status == "dispatched"
    ]
    return reopenings[-1].created_at.date() if reopenings else order.created_at.date()


def _warning_passed(
    month: Month,
    order: WorkOrder,
    due: dt.date,
    start_at: dt.datetime,
    end_at: dt.datetime | None,
) -> bool:
    """Whether a worker round found the order handled, with this due date, on or after
    the working day by which 80% of its working days from filing had passed."""
    created = order.created_at.date()
    total = month.working_days_between(created, due)
    warn_on = month.working_day(created, -(-total * 4 // 5)) if total else created
    end_at = end_at or dt.datetime.combine(LAST_DAY, dt.time(23))
    rounds = (
        _at(start_at.date() + dt.timedelta(days=d), h)
        for d in range((end_at.date() - start_at.date()).days + 1)
        for h in WORKER_HOURS
    )
    return any(
        start_at <= moment < end_at and warn_on <= moment.date() <= due
        for moment in rounds
    )


def _check_delivery(session: Session, story: Story, owed, wechat_texts) -> None:
    """Each citizen notification reached them exactly once, on their channel."""
    texts = [n.text for n in owed if n.audience == "citizen"]
    if story.channel == "web":
        said = [
            m.text
            for m in messages(session, story.session_id or "")
            if m.sender == "bot"
        ]
        assert sorted(said) == sorted(texts), story
    elif story.channel == "wechat":
        openid = (story.session_id or "").removeprefix("wx:")
        assert sorted(wechat_texts[openid]) == sorted(texts), story

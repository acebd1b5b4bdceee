"""The work order's life: each action only where the rules allow it, by whom they allow,
recorded with who, when and why; and no update lost when two act at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy.orm import Session

from cases import lifecycle
from cases.lifecycle import CENTRE, CITIZEN, SYSTEM, UNIT, Step, allowed_actions, apply
from cases.routing.router import build_router
from cases.work_orders import (
    WorkOrderRequest,
    change_status,
    dispatch_work_order,
    file_work_order,
    find_work_order,
)
from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.errors import Conflict, ValidationFailed
from foundation.settings import get_settings
from harness.servers import postgres_server
from knowledge_base.seed import seed_curated_catalogue

MONDAY = dt.datetime(2026, 12, 7, 9, 0)


def _dispatched(session, router, text="楼下饭店油烟太大，窗户都不能开") -> str:
    order = file_work_order(
        session, WorkOrderRequest(description=text), router, now=MONDAY
    )
    dispatch_work_order(
        session, order.number, order.category.code, "agent-li", now=MONDAY
    )
    return order.number


def _step(session, number, action, role=UNIT, **fields):
    return apply(session, number, Step(action, f"{role}-user", role, **fields), MONDAY)


def test_the_main_line_runs_from_dispatch_to_close_with_every_step_recorded(
    session, router
):
    number = _dispatched(session, router)
    order = _step(session, number, "sign")
    assert order.status == "signed" and order.signed_at == MONDAY
    assert order.sign_due_date == dt.date(2026, 12, 8)
    _step(session, number, "start")
    _step(session, number, "complete", note="已约谈饭店，加装油烟净化器")
    assert order.result == "已约谈饭店，加装油烟净化器"
    _step(session, number, "visit", role=CITIZEN, satisfaction="satisfied")
    _step(session, number, "close", role=CENTRE)
    assert order.status == "closed"
    assert [(u.status, u.action) for u in order.updates] == [
        ("registered", None),
        ("dispatched", "dispatch"),
        ("signed", "sign"),
        ("in_progress", "start"),
        ("completed", "complete"),
        ("visited", "visit"),
        ("closed", "close"),
    ]
    assert all(u.actor and u.created_at for u in order.updates)


@pytest.mark.parametrize(
    ("action", "role", "fields", "reason"),
    [
        ("complete", UNIT, {"note": "已处理"}, "cannot complete a dispatched"),
        ("sign", CENTRE, {}, "not for the centre"),
        ("return", UNIT, {}, "needs a reason"),
        ("visit", CITIZEN, {"satisfaction": "satisfied"}, "cannot visit"),
        ("approve_extension", CENTRE, {}, "cannot approve extension a dispatched"),
        ("teleport", CENTRE, {}, "unknown action"),
    ],
)
def test_an_action_the_rules_do_not_allow_is_refused_with_the_reason(
    session, router, action, role, fields, reason
):
    number = _dispatched(session, router)
    with pytest.raises(ValidationFailed, match=reason):
        _step(session, number, action, role=role, **fields)


def test_a_returned_order_is_dispatched_again_to_another_unit(session, router):
    number = _dispatched(session, router)
    _step(session, number, "return", note="油烟问题属市场监管，不属本局")
    order = dispatch_work_order(session, number, "consumer-rights", "agent-wang")
    assert order.status == "dispatched" and order.category.code == "consumer-rights"
    assert order.dispatch_method == "agent-corrected"
    assert [u.action for u in order.updates][-2:] == ["return", "dispatch"]
    with pytest.raises(Conflict):
        dispatch_work_order(session, number, "noise", "agent-zhao")


def test_an_extension_moves_the_due_date_by_working_days_once_approved(session, router):
    number = _dispatched(session, router)
    order = _step(session, number, "sign")
    due = order.due_date
    _step(session, number, "request_extension", days=5, note="需联系产权单位")
    with pytest.raises(ValidationFailed, match="already waiting"):
        _step(session, number, "request_extension", days=3, note="再延")
    _step(session, number, "approve_extension", role=CENTRE)
    assert order.due_date > due and order.extension_days is None
    _step(session, number, "request_extension", days=2, note="仍需时间")
    _step(session, number, "refuse_extension", role=CENTRE, note="期限内办结")
    assert order.extension_days is None


def test_an_extension_asks_for_a_bounded_number_of_days(session, router):
    number = _dispatched(session, router)
    _step(session, number, "sign")
    for days in (0, 31, None):
        with pytest.raises(ValidationFailed, match="1 to 30"):
            _step(session, number, "request_extension", days=days, note="理由")


def test_dissatisfaction_reopens_once_then_escalates(session, router):
    number = _dispatched(session, router)
    _step(session, number, "sign")
    _step(session, number, "complete", note="已处理")
    order = _step(session, number, "visit", role=CITIZEN, satisfaction="dissatisfied")
    assert order.status == "dispatched" and order.reopened_count == 1
    assert order.signed_at is None and order.completed_at is None
    _step(session, number, "sign")
    _step(session, number, "complete", note="再次处理")
    order = _step(session, number, "visit", role=CITIZEN, satisfaction="dissatisfied")
    assert order.status == "visited" and order.supervision_count == 1


def test_supervision_keeps_the_status_and_counts(session, router):
    number = _dispatched(session, router)
    order = _step(session, number, "supervise", role=SYSTEM, note="超期督办")
    _step(session, number, "supervise", role=CENTRE)
    assert order.status == "dispatched" and order.supervision_count == 2


def test_a_page_is_offered_only_the_actions_that_apply(session, router):
    number = _dispatched(session, router)
    order = _step(session, number, "sign")
    assert set(allowed_actions(order, UNIT)) == {
        "start",
        "complete",
        "return",
        "request_extension",
    }
    assert set(allowed_actions(order, CENTRE)) == {"supervise"}


def test_the_centre_status_api_maps_onto_actions_and_refuses_the_units_own(
    session, router
):
    order = file_work_order(session, WorkOrderRequest(description="路灯不亮"), router)
    change_status(session, order.number, "dispatched", "agent-li")
    with pytest.raises(ValidationFailed, match="not for the centre"):
        change_status(session, order.number, "in_progress", "agent-li")
    with pytest.raises(ValidationFailed, match="unknown status"):
        change_status(session, order.number, "replied", "agent-li")
    assert change_status(session, order.number, "closed", "agent-li").status == "closed"


@pytest.fixture(scope="module")
def postgres_engine():
    with postgres_server() as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            seed_curated_catalogue(session, get_settings().catalogue_dir)
        yield engine
        engine.dispose()


@pytest.mark.postgres
def test_parallel_transitions_on_postgresql_lose_no_update(postgres_engine):
    with session_scope(postgres_engine) as session:
        router = build_router(session)
        number = _dispatched(session, router)
    errors: list[Exception] = []
    start = threading.Barrier(12)

    def act(action: str, role: str) -> None:
        start.wait()
        try:
            with Session(postgres_engine) as session, session.begin():
                apply(session, number, Step(action, f"{role}-{action}", role))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [
        threading.Thread(target=act, args=("supervise", CENTRE)) for _ in range(10)
    ]
    threads += [
        threading.Thread(target=act, args=("sign", UNIT)),
        threading.Thread(target=act, args=("sign", UNIT)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(postgres_engine) as session:
        order = find_work_order(session, number)
        assert order.supervision_count == 10
        assert order.status == "signed"
        actions = [u.action for u in order.updates]
        assert actions.count("supervise") == 10 and actions.count("sign") == 1
    # The second signature came after the first and was refused, not lost silently.
    assert len(errors) == 1 and "cannot sign a signed" in str(errors[0])


def test_status_texts_cover_every_status():
    from cases.models import WORK_ORDER_STATUSES

    for language in ("zh", "en"):
        assert set(lifecycle.STATUS_TEXT[language]) == set(WORK_ORDER_STATUSES)

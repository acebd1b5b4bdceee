"""Who may read a case by its number: the owner with proof, the same 404 otherwise."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import cases.access as access
from cases import tracking
from cases.access import (
    AttemptLimit,
    issue_query_code,
    open_application,
    open_case,
    open_work_order,
    proof_in,
)
from cases.applications import ApplicationRequest, submit_application
from cases.routing.router import build_router
from cases.work_orders import WorkOrderRequest, file_work_order
from foundation.errors import NotFoundError, NothingMatches, TooManyAttempts


def _attempts() -> AttemptLimit:
    return AttemptLimit("memory://", "5/hour;10/day")


def _order(session, phone: str | None = "13700001111", **fields):
    return file_work_order(
        session,
        WorkOrderRequest(
            description=fields.pop("description", "路灯坏了，联系我13700001111"),
            category_code="noise",
            contact_name="李娜" if phone else None,
            contact_phone=phone,
            anonymous=phone is None,
            **fields,
        ),
        build_router(session),
    )


def _application(session):
    return submit_application(
        session,
        ApplicationRequest(
            service_code="passport",
            applicant_name="张伟",
            id_number="310104199001011233",
            phone="13812345678",
            district="徐汇区",
            consent=True,
        ),
    )


def test_new_numbers_carry_eight_random_digits_after_the_date():
    number = tracking.new_number("GD", dt.date(2026, 12, 6), lambda n: False)
    assert re.fullmatch(r"GD261206\d{8}", number)
    assert tracking.kind_of(number) == "work_order"


def test_old_numbers_are_still_read_found_and_told_apart():
    assert tracking.normalise_number("sq 2026 1123 000123") == "SQ20261123000123"
    assert tracking.kind_of("GD20261120000456") == "work_order"
    assert tracking.find_numbers("查一下GD20261120000456和SQ26120648271903") == [
        "GD20261120000456",
        "SQ26120648271903",
    ]


def test_owner_opens_a_work_order_with_the_last_four_digits(session):
    order = _order(session)
    assert open_case(session, order.number, "1111", _attempts()) is order
    assert open_work_order(session, order.number.lower(), " 1111 ", _attempts()) is (
        order
    )


def test_owner_opens_an_application_with_the_last_four_digits(session):
    application = _application(session)
    assert open_application(session, application.number, "5678", _attempts()) is (
        application
    )


def test_wrong_digits_are_refused_exactly_as_an_unknown_number(session):
    order = _order(session)
    unknown = "GD26010112345678"
    with pytest.raises(NothingMatches) as wrong:
        open_case(session, order.number, "1112", _attempts())
    with pytest.raises(NothingMatches) as missing:
        open_case(session, unknown, "1111", _attempts())
    assert (
        str(wrong.value)
        == str(missing.value)
        == "no work order matches this number and proof"
    )
    assert isinstance(wrong.value, NotFoundError)


def test_no_proof_opens_nothing(session):
    order = _order(session)
    for proof in (None, "", order.number):
        with pytest.raises(NothingMatches):
            open_case(session, order.number, proof, _attempts())


def test_a_number_of_the_other_kind_is_not_found(session):
    order = _order(session)
    with pytest.raises(NothingMatches):
        open_application(session, order.number, "1111", _attempts())


def test_wrong_and_unknown_cost_the_same_work(session, monkeypatch):
    """Two HMACs and one constant-time comparison, whether the record exists or not."""
    order = _order(session)
    calls: list[str] = []
    digest = access._digest
    monkeypatch.setattr(access, "_digest", lambda v: calls.append("hmac") or digest(v))
    compare = access.hmac.compare_digest

    def counted_compare(a, b):
        calls.append("compare")
        return compare(a, b)

    monkeypatch.setattr(access.hmac, "compare_digest", counted_compare)
    work = {}
    for name, number in (("wrong", order.number), ("unknown", "GD26010187654321")):
        calls.clear()
        with pytest.raises(NothingMatches):
            open_case(session, number, "0000", _attempts())
        work[name] = list(calls)
    calls.clear()
    open_case(session, order.number, "1111", _attempts())
    work["right"] = list(calls)
    assert (
        work["wrong"]
        == work["unknown"]
        == work["right"]
        == [
            "hmac",
            "hmac",
            "compare",
        ]
    )


def test_the_sixth_failure_on_a_number_is_refused_even_with_the_right_digits(session):
    order = _order(session)
    attempts = _attempts()
    for _ in range(5):
        with pytest.raises(NothingMatches):
            open_case(session, order.number, "9999", attempts)
    with pytest.raises(TooManyAttempts) as refused:
        open_case(session, order.number, "1111", attempts)
    assert 3500 <= refused.value.retry_after_s <= 3600
    # Another number is not affected.
    other = _order(session)
    assert open_case(session, other.number, "1111", attempts) is other


def test_unknown_numbers_are_limited_too_so_the_limit_reveals_nothing(session):
    attempts = _attempts()
    unknown = "SQ26010100000001"
    for _ in range(5):
        with pytest.raises(NothingMatches):
            open_case(session, unknown, "1234", attempts)
    with pytest.raises(TooManyAttempts):
        open_case(session, unknown, "1234", attempts)


def test_ten_failures_a_day_lock_a_number_for_the_day(session, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr("limits.storage.memory.time.time", lambda: now[0])
    attempts = AttemptLimit("memory://", "5/hour;10/day", clock=lambda: now[0])
    order = _order(session)
    for _ in range(2):
        for _ in range(5):
            with pytest.raises(NothingMatches):
                open_case(session, order.number, "9999", attempts)
        with pytest.raises(TooManyAttempts) as refused:
            open_case(session, order.number, "1111", attempts)
        assert 3500 <= refused.value.retry_after_s <= 3600
        now[0] += 3601
    # Two hours on, the hourly window is clear but the day's is not.
    with pytest.raises(TooManyAttempts) as refused:
        open_case(session, order.number, "1111", attempts)
    assert refused.value.retry_after_s > 20 * 3600


def test_the_owners_success_starts_the_count_again(session):
    order = _order(session)
    attempts = _attempts()
    for _ in range(4):
        with pytest.raises(NothingMatches):
            open_case(session, order.number, "9999", attempts)
    assert open_case(session, order.number, "1111", attempts) is order
    for _ in range(5):
        with pytest.raises(NothingMatches):
            open_case(session, order.number, "9999", attempts)
    with pytest.raises(TooManyAttempts):
        open_case(session, order.number, "1111", attempts)


def test_parallel_guesses_get_no_more_tries_than_patient_ones(session, engine):
    import concurrent.futures

    from foundation.db import session_scope

    with session_scope(engine) as own:
        number = _order(own).number
    attempts = _attempts()

    def guess(proof: str) -> str:
        with session_scope(engine) as each:
            try:
                open_case(each, number, proof, attempts)
            except NothingMatches:
                return "404"
            except TooManyAttempts:
                return "429"
            return "200"

    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(guess, [f"{n:04d}" for n in range(2000, 2040)]))
    assert answers.count("404") == 5 and answers.count("429") == 35


def test_an_unreachable_store_refuses_rather_than_counting_nothing(session):
    order = _order(session)
    down = AttemptLimit("redis://127.0.0.1:1/0")
    with pytest.raises(TooManyAttempts):
        open_case(session, order.number, "1111", down)


def test_an_anonymous_order_gets_a_query_code_once_and_only_its_hash_is_kept(session):
    order = _order(session, phone=None)
    code = issue_query_code(order)
    assert code is not None and re.fullmatch(r"\d{8}", code)
    assert order.query_code_hash and code not in order.query_code_hash
    assert issue_query_code(order) is None  # a retried filing is not told again
    assert open_case(session, order.number, code, _attempts()) is order
    assert open_case(session, order.number, f"{code[:4]} {code[4:]}", _attempts()) is (
        order
    )
    with pytest.raises(NothingMatches):
        open_case(session, order.number, "0000", _attempts())


def test_a_record_with_a_phone_gets_no_query_code(session):
    assert issue_query_code(_order(session)) is None
    assert issue_query_code(_application(session)) is None


def test_an_old_anonymous_order_without_a_code_opens_for_nobody(session):
    order = _order(session, phone=None)
    for proof in ("0000", "00000000", ""):
        with pytest.raises(NothingMatches):
            open_case(session, order.number, proof, _attempts())


@pytest.mark.parametrize(
    ("text", "proof"),
    [
        ("5678", "5678"),
        ("尾号5678", "5678"),
        ("手机号后四位是 ５６７８", "5678"),
        ("13812345678", "5678"),
        ("我的手机是138 1234 5678", "5678"),
        ("查询码 4827 1903", "48271903"),
        ("my query code is 48271903", "48271903"),
        ("不知道", None),
        ("123", None),
        ("GD26120648271903", None),
    ],
)
def test_proof_is_read_from_what_a_citizen_answers(text, proof):
    assert proof_in(text) == proof


def test_failures_are_counted_in_redis_for_every_process_alike(session):
    """A gateway and the action server (two limits on one Redis) share each count."""
    from harness.servers import redis_server

    order = _order(session)
    with redis_server() as redis_url:
        gateway, actions = AttemptLimit(redis_url), AttemptLimit(redis_url)
        for attempts in (gateway, actions, gateway, actions, gateway):
            with pytest.raises(NothingMatches):
                open_case(session, order.number, "0000", attempts)
        with pytest.raises(TooManyAttempts) as refused:
            open_case(session, order.number, "1111", actions)
        assert 3500 <= refused.value.retry_after_s <= 3600

"""What a citizen is told will happen after submitting an application."""

from __future__ import annotations

from cases.applications import next_steps
from cases.models import Application
from knowledge_base.models import Service


def _application(promised_days, statutory_days) -> Application:
    service = Service(promised_days=promised_days, statutory_days=statutory_days)
    return Application(service=service)


def test_next_steps_name_the_promised_time_limit_in_chinese_and_english():
    application = _application(promised_days=10, statutory_days=15)
    assert (
        next_steps(application)
        == "承办部门将在10个工作日内完成审核，并通过您留的手机号与您联系。"
    )
    assert "review it within 10 working days and contact you" in next_steps(
        application, "en"
    )


def test_next_steps_fall_back_to_the_statutory_limit_then_to_no_date():
    assert "在15个工作日内" in next_steps(_application(None, 15))
    assert (
        next_steps(_application(None, None))
        == "承办部门将完成审核，并通过您留的手机号与您联系。"
    )
    assert next_steps(_application(None, None), "en").startswith(
        "The department will review it and contact you"
    )

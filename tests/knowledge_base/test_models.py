"""Database constraints hold whatever the caller forgets to check."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge_base.models import FAQ, Department, Service, ServiceMaterial
from knowledge_base.repositories.departments import get_department


def _service(department: Department, **overrides) -> Service:
    fields = dict(
        code="test-service",
        name="测试事项",
        department=department,
        category="其他",
        source="测试",
        notice="以官方指南为准",
        updated_at=dt.date(2026, 1, 1),
    )
    fields.update(overrides)
    return Service(**fields)


def _flush_fails(session: Session, *objects) -> None:
    session.add_all(objects)
    with pytest.raises(IntegrityError):
        session.flush()


def test_service_code_is_unique(session):
    department = get_department(session, "psb")
    _flush_fails(session, _service(department, code="residence-permit"))


def test_service_audience_is_one_of_the_known_kinds(session):
    _flush_fails(session, _service(get_department(session, "psb"), audience="aliens"))


def test_service_time_limits_are_not_negative(session):
    _flush_fails(session, _service(get_department(session, "psb"), promised_days=-1))


def test_service_needs_a_department(session):
    _flush_fails(session, _service(None))


def test_material_count_is_at_least_one(session):
    service = _service(get_department(session, "psb"))
    service.materials = [
        ServiceMaterial(position=1, name="身份证", form="original", count=0)
    ]
    _flush_fails(session, service)


def test_material_form_is_one_of_the_known_forms(session):
    service = _service(get_department(session, "psb"))
    service.materials = [
        ServiceMaterial(position=1, name="身份证", form="photo", count=1)
    ]
    _flush_fails(session, service)


def test_faq_belongs_to_exactly_one_subject(session):
    _flush_fails(session, FAQ(question="问", answer="答"))


def test_deleting_a_department_in_use_is_refused(session):
    session.delete(get_department(session, "psb"))
    with pytest.raises(IntegrityError):
        session.flush()

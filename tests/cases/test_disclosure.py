"""What of a case is shown by its number: personal fields masked, the rest as filed."""

from __future__ import annotations

from cases.disclosure import (
    applicant_shown,
    contact_shown,
    text_shown,
    work_order_text_shown,
)
from cases.models import Application, WorkOrder


def test_an_applicants_name_id_and_phone_are_shown_masked():
    application = Application(
        applicant_name="张伟", id_number="310104199001011236", phone="13800001234"
    )
    shown = applicant_shown(application)
    assert (shown.name, shown.id_number, shown.phone) == (
        "张*",
        "310104********1236",
        "138****1234",
    )


def test_a_work_orders_contact_is_shown_masked_and_an_anonymous_one_not_at_all():
    named = contact_shown(WorkOrder(contact_name="李娜", contact_phone="13900005678"))
    assert (named.name, named.phone, named.id_number) == ("李*", "139****5678", None)
    anonymous = contact_shown(WorkOrder(contact_name=None, contact_phone=None))
    assert (anonymous.name, anonymous.phone) == (None, None)


def test_staff_see_an_applicant_and_a_contact_as_filed():
    application = Application(
        applicant_name="张伟", id_number="310104199001011236", phone="13800001234"
    )
    shown = applicant_shown(application, staff=True)
    assert (shown.name, shown.id_number, shown.phone) == (
        "张伟",
        "310104199001011236",
        "13800001234",
    )
    order = WorkOrder(contact_name="李娜", contact_phone="13900005678")
    assert contact_shown(order, staff=True).phone == "13900005678"


def test_free_text_is_masked_for_the_owner_and_shown_to_staff_as_written():
    order = WorkOrder(contact_name="李娜", contact_phone="13900005678")
    note = "已联系李娜，电话139 0000 5678"
    assert work_order_text_shown(order, note) == "已联系李*，电话139 **** 5678"
    assert work_order_text_shown(order, note, staff=True) == note
    assert text_shown(None) is None

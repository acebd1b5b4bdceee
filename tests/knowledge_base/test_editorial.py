"""Guides change through review: drafts, two people, publishing to the live catalogue,
history, diffs, rollback, validation and bulk batches (knowledge_base.editorial)."""

from __future__ import annotations

import copy
import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from cases.applications import ApplicationRequest, submit_application
from foundation import clock
from foundation.errors import Conflict, Forbidden, NotFoundError, ValidationFailed
from knowledge_base import editorial
from knowledge_base.answers import answer
from knowledge_base.catalogue import Catalogue, load_catalogue
from knowledge_base.models import FAQ, GuideVersion
from knowledge_base.repositories.catalogue_revision import current_revision
from knowledge_base.services import get_bundle, get_service
from knowledge_base.synthetic import synthetic_catalogue

CODE = "residence-permit"
NEW_FEES = "不收费（样例修改）"
NEW_FEES_EN = "Free of charge (sample edit)"


def _live(session, code=CODE):
    return editorial.published_content(session, kind="service", code=code)


def _edited(session, **changes):
    content = copy.deepcopy(_live(session))
    content.update(changes)
    return content


def _published_edit(session, **changes):
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, **changes),
        author="张编辑",
        reason="样例：更正收费",
    )
    editorial.submit(session, draft.id, actor="张编辑")
    return editorial.approve(
        session,
        draft.id,
        reviewer="李审核",
        comment="核对无误",
        acknowledge_warnings=True,
    )


def test_draft_submit_approve_publishes_to_live_service_and_answer(session):
    revision = current_revision(session)
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, fees=NEW_FEES, fees_en=NEW_FEES_EN),
        author="张编辑",
        reason="样例：更正收费",
    )
    assert get_service(session, CODE).fees != NEW_FEES  # a draft is not live
    editorial.submit(session, draft.id, actor="张编辑")
    published = editorial.approve(
        session, draft.id, reviewer="李审核", comment="核对无误"
    )

    assert published.status == "published" and published.published_at is not None
    session.expire_all()
    service = get_service(session, CODE)
    assert service.fees == NEW_FEES
    assert NEW_FEES in answer(service, "fee", "zh")
    assert service.verified_at == clock.now().date()
    assert service.verified_by == "李审核"
    assert current_revision(session) == revision + 1


def test_first_draft_records_live_guide_as_published_version_one(session):
    live = _live(session)
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, fees=NEW_FEES, fees_en=NEW_FEES_EN),
        author="张编辑",
        reason="样例",
    )
    first, second = editorial.history(session, kind="service", code=CODE)
    assert (first.number, first.status, first.author) == (1, "published", "catalogue")
    assert first.content == live
    assert (second.id, second.number, second.based_on) == (draft.id, 2, 1)


def test_author_cannot_approve_own_change(session):
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, fees=NEW_FEES, fees_en=NEW_FEES_EN),
        author="张编辑",
        reason="样例",
    )
    editorial.submit(session, draft.id, actor="张编辑")
    with pytest.raises(Forbidden):
        editorial.approve(session, draft.id, reviewer="张编辑", comment="自己批")
    assert editorial.get_version(session, draft.id).status == "in_review"


def test_only_the_author_edits_or_submits_a_draft(session):
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, fees=NEW_FEES, fees_en=NEW_FEES_EN),
        author="张编辑",
        reason="样例",
    )
    with pytest.raises(Forbidden):
        editorial.update_draft(
            session, draft.id, content=_live(session), author="王编辑", reason="改"
        )
    with pytest.raises(Forbidden):
        editorial.submit(session, draft.id, actor="王编辑")


def test_second_draft_of_a_guide_in_hand_is_refused(session):
    editorial.start_draft(
        session, kind="service", code=CODE, content=_live(session),
        author="张编辑", reason="样例",
    )  # fmt: skip
    with pytest.raises(Conflict):
        editorial.start_draft(
            session, kind="service", code=CODE, content=_live(session),
            author="王编辑", reason="样例",
        )  # fmt: skip


def test_chinese_changed_without_english_is_a_warning_to_acknowledge(session):
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, fees=NEW_FEES),
        author="张编辑",
        reason="样例：只改了中文",
    )
    submitted = editorial.submit(session, draft.id, actor="张编辑")
    assert submitted.warnings == ["收费的中文有改动，英文（fees_en）未随之修改，请核对"]
    with pytest.raises(ValidationFailed) as refused:
        editorial.approve(session, draft.id, reviewer="李审核", comment="可以")
    assert "须先确认" in refused.value.message
    published = editorial.approve(
        session,
        draft.id,
        reviewer="李审核",
        comment="英文另行翻译",
        acknowledge_warnings=True,
    )
    assert published.status == "published" and published.warnings_acknowledged


def test_missing_english_for_changed_step_is_a_warning(session):
    content = _live(session)
    content["steps"][0] = {"title": "样例：网上预约"}
    findings = editorial.validate("service", content, _live(session))
    assert findings.ok
    assert findings.warnings == [
        "办理步骤第1项的标题的中文有改动，英文（title_en）缺失"
    ]


def test_reject_keeps_comment_and_returns_draft_to_author(session):
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, fees=NEW_FEES, fees_en=NEW_FEES_EN),
        author="张编辑",
        reason="样例",
    )
    editorial.submit(session, draft.id, actor="张编辑")
    with pytest.raises(ValidationFailed):
        editorial.reject(session, draft.id, reviewer="李审核", comment=" ")
    returned = editorial.reject(
        session, draft.id, reviewer="李审核", comment="收费标准请附文件依据"
    )
    assert (returned.status, returned.review_comment) == (
        "draft",
        "收费标准请附文件依据",
    )
    again = editorial.update_draft(
        session,
        draft.id,
        content=_edited(
            session, fees=NEW_FEES, fees_en=NEW_FEES_EN, legal_basis="样例依据"
        ),
        author="张编辑",
        reason="补依据",
    )
    assert again.review_comment == "收费标准请附文件依据"
    assert editorial.submit(session, draft.id, actor="张编辑").status == "in_review"


def test_rollback_in_one_step_restores_old_text_and_retires_current(session):
    old_fees = get_service(session, CODE).fees
    edit = _published_edit(session, fees=NEW_FEES, fees_en=NEW_FEES_EN)
    revision = current_revision(session)

    restored = editorial.rollback(
        session, kind="service", code=CODE, to_number=1, actor="李审核",
        reason="样例：收费改动有误",
    )  # fmt: skip

    session.expire_all()
    assert get_service(session, CODE).fees == old_fees
    assert (restored.number, restored.status) == (3, "published")
    assert editorial.get_version(session, edit.id).status == "retired"
    statuses = [v.status for v in editorial.history(session, kind="service", code=CODE)]
    assert statuses == ["retired", "retired", "published"]
    assert current_revision(session) == revision + 1


def test_rollback_to_the_published_version_or_an_unknown_one_is_refused(session):
    _published_edit(session, fees=NEW_FEES, fees_en=NEW_FEES_EN)
    with pytest.raises(Conflict):
        editorial.rollback(
            session, kind="service", code=CODE, to_number=2, actor="李审核", reason="x"
        )
    with pytest.raises(NotFoundError):
        editorial.rollback(
            session, kind="service", code=CODE, to_number=9, actor="李审核", reason="x"
        )


def test_history_and_diff_show_who_why_and_which_fields(session):
    before = _live(session)
    edit = _published_edit(session, fees=NEW_FEES, fees_en=NEW_FEES_EN)
    first, second = editorial.history(session, kind="service", code=CODE)
    assert (second.author, second.reason, second.reviewer) == (
        "张编辑",
        "样例：更正收费",
        "李审核",
    )
    changes = editorial.diff(first.content, edit.content)
    assert [(c.field, c.old, c.new) for c in changes] == [
        ("fees", before["fees"], NEW_FEES),
        ("fees_en", before.get("fees_en"), NEW_FEES_EN),
    ]


def test_diff_names_list_items_by_position():
    old = {"materials": [{"name": "身份证"}, {"name": "照片"}], "aliases": ["a"]}
    new = {
        "materials": [{"name": "身份证"}, {"name": "近期照片"}, {"name": "样例"}],
        "aliases": ["a", "b"],
    }
    assert [(c.field, c.old, c.new) for c in editorial.diff(old, new)] == [
        ("materials[1].name", "照片", "近期照片"),
        ("materials[2]", None, {"name": "样例"}),
        ("aliases", ["a"], ["a", "b"]),
    ]


def test_validation_errors_refuse_submission(session):
    content = _edited(session, steps=[], online_url="yct.sh.gov.cn 预约")
    content["materials"][0]["name"] = " "
    draft = editorial.start_draft(
        session, kind="service", code=CODE, content=content,
        author="张编辑", reason="样例",
    )  # fmt: skip
    with pytest.raises(editorial.GuideInvalid) as refused:
        editorial.submit(session, draft.id, actor="张编辑")
    assert refused.value.errors == [
        "没有办理步骤：请至少写一步",
        "申请材料第1项没有名称",
        "网上办理链接格式不对：「yct.sh.gov.cn 预约」不是完整网址，"
        "应以 http:// 或 https:// 开头",
    ]
    assert editorial.get_version(session, draft.id).status == "draft"


def test_variant_link_is_checked_too(session):
    content = _edited(
        session,
        variants=[{"district": "徐汇区", "online_url": "htp://xuhui"}],
    )
    errors = editorial.validate("service", content).errors
    assert errors == [
        "徐汇区区县差异的网上办理链接格式不对：「htp://xuhui」不是完整网址，"
        "应以 http:// 或 https:// 开头"
    ]


def test_new_guide_is_published_as_version_one(session):
    content = copy.deepcopy(_live(session))
    content.update(
        code="sample-new-service",
        name="样例新事项",
        name_en="Sample new service",
        faqs=[{"question": "样例问题？", "answer": "样例回答。"}],
        examples=["样例新事项怎么办"],
        variants=[],
    )
    draft = editorial.start_draft(
        session,
        kind="service",
        code="sample-new-service",
        content=content,
        author="张编辑",
        reason="样例：新增事项",
    )
    assert (draft.number, draft.based_on) == (1, None)
    editorial.submit(session, draft.id, actor="张编辑")
    editorial.approve(
        session, draft.id, reviewer="李审核", comment="同意", acknowledge_warnings=True
    )
    service = get_service(session, "sample-new-service")
    assert service.name == "样例新事项" and service.examples == ["样例新事项怎么办"]
    assert session.scalars(
        select(FAQ.question).where(FAQ.service_id == service.id)
    ).all() == ["样例问题？"]


def test_faq_change_is_a_version_of_its_bundle(session):
    bundle = get_bundle(session, "newborn-bundle")
    content = editorial.published_content(session, kind="bundle", code=bundle.code)
    content["faqs"] = [
        *content["faqs"],
        {"question": "样例：可以代办吗？", "answer": "样例回答。"},
    ]
    draft = editorial.start_draft(
        session, kind="bundle", code=bundle.code, content=content,
        author="张编辑", reason="样例：补常见问题",
    )  # fmt: skip
    editorial.submit(session, draft.id, actor="张编辑")
    editorial.approve(
        session, draft.id, reviewer="李审核", comment="同意", acknowledge_warnings=True
    )
    questions = session.scalars(select(FAQ.question).where(FAQ.bundle_id == bundle.id))
    assert "样例：可以代办吗？" in list(questions)


def test_verify_records_last_checked_without_a_new_version(session):
    editorial.verify(
        session, kind="service", code=CODE, verifier="李审核", on=dt.date(2026, 12, 1)
    )
    service = get_service(session, CODE)
    assert (service.verified_at, service.verified_by) == (
        dt.date(2026, 12, 1),
        "李审核",
    )
    assert editorial.history(session, kind="service", code=CODE) == []


def test_effective_date_given_at_approval_reaches_live_guide(session):
    draft = editorial.start_draft(
        session,
        kind="service",
        code=CODE,
        content=_edited(session, fees=NEW_FEES, fees_en=NEW_FEES_EN),
        author="张编辑",
        reason="样例",
    )
    editorial.submit(session, draft.id, actor="张编辑")
    editorial.approve(
        session,
        draft.id,
        reviewer="李审核",
        comment="同意",
        effective_date=dt.date(2027, 1, 1),
    )
    assert get_service(session, CODE).effective_date == dt.date(2027, 1, 1)


def _published_new_guide(session) -> str:
    """A guide nobody has applied for yet, under a code of its own."""
    code = f"sample-{uuid.uuid4().hex[:8]}"
    content = copy.deepcopy(_live(session))
    content.update(code=code, name=f"样例事项{code[-4:]}", examples=[], variants=[])
    draft = editorial.start_draft(
        session,
        kind="service",
        code=code,
        content=content,
        author="张编辑",
        reason="样例",
    )
    editorial.submit(session, draft.id, actor="张编辑")
    editorial.approve(
        session, draft.id, reviewer="李审核", comment="同意", acknowledge_warnings=True
    )
    return code


def test_withdrawn_guide_comes_back_by_rollback(session):
    code = _published_new_guide(session)
    withdrawn = editorial.withdraw(session, kind="service", code=code, actor="管理员")
    assert withdrawn.status == "retired"
    assert get_service(session, code) is None
    editorial.rollback(
        session, kind="service", code=code, to_number=1, actor="李审核", reason="误删"
    )
    assert get_service(session, code) is not None


def test_a_service_citizens_applied_for_is_not_withdrawn(session):
    code = _published_new_guide(session)
    submit_application(
        session,
        ApplicationRequest(
            service_code=code,
            applicant_name="张三",
            id_number="11010519491231002X",
            phone="13800138000",
            district="徐汇区",
            consent=True,
        ),
    )
    with pytest.raises(Conflict):
        editorial.withdraw(session, kind="service", code=code, actor="管理员")
    assert get_service(session, code) is not None
    (published,) = [
        v
        for v in editorial.history(session, kind="service", code=code)
        if v.status == "published"
    ]
    assert published.number == 1


def test_bulk_batch_is_submitted_and_published_in_one_go(empty_engine):
    from foundation.db import session_scope

    catalogue = Catalogue.parse_obj(synthetic_catalogue(services=120, faqs=300))
    with session_scope(empty_engine) as session:
        batch = editorial.import_batch(
            session, catalogue, author="张编辑", reason="样例：整批导入"
        )
        batch_id = batch.id
    with session_scope(empty_engine) as session:
        submitted = editorial.submit_batch(session, batch_id, actor="张编辑")
        assert (submitted.moved, submitted.refused) == (120, [])
        with pytest.raises(Forbidden):
            editorial.approve_batch(session, batch_id, reviewer="张编辑", comment="")
    with session_scope(empty_engine) as session:
        revision = current_revision(session)
        report = editorial.approve_batch(
            session,
            batch_id,
            reviewer="李审核",
            comment="整批核对",
            acknowledge_warnings=True,
        )
        assert report.moved == 120
        assert current_revision(session) == revision + 1
    with session_scope(empty_engine) as session:
        statuses = set(
            session.scalars(
                select(GuideVersion.status).where(GuideVersion.batch_id == batch_id)
            )
        )
        assert statuses == {"published"}
        code = catalogue.services[0].code
        assert get_service(session, code).verified_by == "李审核"


def test_bulk_batch_over_live_guides_keeps_their_history(engine, session):
    from foundation.settings import get_settings

    catalogue = load_catalogue([get_settings().catalogue_dir])
    batch = editorial.import_batch(
        session, catalogue, author="张编辑", reason="样例：重导"
    )
    drafts = session.scalars(
        select(GuideVersion).where(GuideVersion.batch_id == batch.id)
    ).all()
    assert len(drafts) == len(catalogue.services) + len(catalogue.offices) + len(
        catalogue.bundles
    )
    assert {d.number for d in drafts} == {2}
    report = editorial.submit_batch(session, batch.id, actor="张编辑")
    assert report.refused == [] and report.with_warnings == 0


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("fees", "收费"),
        ("materials[2].name", "申请材料·第3项·名称"),
        ("variants[1].hours_en", "区县差异·第2项·办公时间（英文）"),
    ],
)
def test_a_change_is_labelled_as_an_editor_names_the_field(field, label):
    assert editorial.FieldChange(field, "旧", "新").label == label

"""Importing Guangdong's real catalogue beside the curated one (read from ../shared/data)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from foundation import migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from knowledge_base.catalogue import load_catalogue
from knowledge_base.importers import gdzwfw
from knowledge_base.importers.catalogue import import_catalogue
from knowledge_base.models import Department, Service
from knowledge_base.search.build import build_service_index
from tests.conftest import SHARED_DATA_DIR, load_yaml

POLICY = SHARED_DATA_DIR / "gd_services" / "policy.jsonl"
pytestmark = pytest.mark.skipif(
    not POLICY.exists(), reason=f"shared data not found at {POLICY}"
)


@pytest.fixture(scope="module")
def combined(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('gd') / 'combined.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        import_catalogue(session, load_catalogue([get_settings().catalogue_dir]))
    catalogue, rejected = gdzwfw.read_catalogue(POLICY)
    with session_scope(engine) as session:
        import_catalogue(session, catalogue)
    yield engine, catalogue, rejected
    engine.dispose()


def _count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(model.id)))


def test_every_record_is_imported_or_reported(combined):
    engine, catalogue, rejected = combined
    print(
        f"\nGuangdong import: {len(catalogue.services)} services, {len(catalogue.departments)} departments, {len(rejected)} rejected"
    )
    assert len(catalogue.services) + len(rejected) == 2262
    assert _count(engine, Service) == 64 + len(catalogue.services)


def test_importing_twice_changes_nothing(combined):
    engine, catalogue, _ = combined
    before = (_count(engine, Service), _count(engine, Department))
    with session_scope(engine) as session:
        import_catalogue(session, catalogue)
    assert (_count(engine, Service), _count(engine, Department)) == before


def test_fields_are_mapped_from_the_portal_format(combined):
    _, catalogue, _ = combined
    service = next(
        s for s in catalogue.services if s.name == "临时价格干预范围事项提价申报"
    )
    assert service.statutory_days == 30 and service.promised_days == 7
    assert service.region == "广东省" and service.department.startswith("gd-")
    assert [m.name for m in service.materials] == ["提价申报申请报告"]
    assert (
        service.offline_where.startswith("广州市越秀区")
        and "广东政务服务网" in service.notice
    )


def test_bad_lines_are_reported_by_line_and_reason(tmp_path):
    good = POLICY.read_text(encoding="utf-8").splitlines()[0]
    broken = dict(json.loads(good), handle_time="二十天", TASK_CODE="X1")
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        "\n".join(
            [
                good,
                "{not json",
                json.dumps(broken, ensure_ascii=False),
                json.dumps({"matter_name": "无编码事项"}),
            ]
        ),
        encoding="utf-8",
    )
    catalogue, rejected = gdzwfw.read_catalogue(path)
    assert len(catalogue.services) == 1
    assert rejected[0].startswith("line 2: not valid JSON")
    assert rejected[1].startswith("line 3: handle_time '二十天'")
    assert rejected[2] == "line 4: TASK_CODE is missing"


def test_curated_shanghai_answers_still_rank_first(combined):
    engine, _, _ = combined
    with session_scope(engine) as session:
        index = build_service_index(session)
    questions = load_yaml("search_questions.yml")["questions"]
    curated_first = sum(
        index.search(q["q"], limit=1)[0].code == q["expect"] for q in questions
    )
    print(
        f"\ntop-1 with Guangdong imported: {curated_first / len(questions):.3f} on {len(questions)} Shanghai questions"
    )
    assert curated_first / len(questions) >= 0.9

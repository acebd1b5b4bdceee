"""Import and export: round trips, and bad files rejected whole with precise reasons."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from sqlalchemy import func, select

from foundation.db import session_scope
from foundation.errors import CatalogueError
from foundation.settings import get_settings
from knowledge_base.catalogue import load_catalogue
from knowledge_base.importers.catalogue import (
    export_catalogue,
    import_catalogue,
    render_export,
)
from knowledge_base.models import FAQ, Service


def _count(engine, model) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(model.id)))


def _import_file(engine, path):
    with session_scope(engine) as session:
        return import_catalogue(session, load_catalogue([path]))


def test_curated_catalogue_meets_content_minimums():
    counts = load_catalogue([get_settings().catalogue_dir]).counts()
    assert counts["services"] >= 60
    assert counts["bundles"] >= 5
    assert counts["faqs"] >= 100
    assert counts["offices"] >= 16
    assert counts["work_order_categories"] >= 16
    catalogue = load_catalogue([get_settings().catalogue_dir])
    assert len({s.department for s in catalogue.services}) >= 15
    district_offices = [o for o in catalogue.offices if o.level == "district"]
    assert len({o.district for o in district_offices}) == 16
    assert all(s.source and s.notice for s in catalogue.services)


def test_export_then_import_into_empty_database_gives_same_catalogue(
    engine, empty_engine, tmp_path
):
    with session_scope(engine) as session:
        exported = export_catalogue(session)
    for fmt, suffix in (("yaml", ".yml"), ("json", ".json")):
        path = tmp_path / f"export{suffix}"
        path.write_text(render_export(exported, fmt), encoding="utf-8")
        _import_file(empty_engine, path)
        with session_scope(empty_engine) as session:
            reimported = export_catalogue(session)
        assert json.dumps(reimported, default=str, sort_keys=True) == json.dumps(
            exported, default=str, sort_keys=True
        )


def test_importing_same_file_twice_changes_nothing(engine, empty_engine, tmp_path):
    path = tmp_path / "catalogue.yml"
    with session_scope(engine) as session:
        path.write_text(
            render_export(export_catalogue(session), "yaml"), encoding="utf-8"
        )
    _import_file(empty_engine, path)
    counts = (_count(empty_engine, Service), _count(empty_engine, FAQ))
    _import_file(empty_engine, path)
    assert (_count(empty_engine, Service), _count(empty_engine, FAQ)) == counts


def test_csv_export_has_one_row_per_service(engine):
    with session_scope(engine) as session:
        exported = export_catalogue(session)
    text = render_export(exported, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(exported["services"])
    assert rows[0]["steps"].startswith("1. ")


GOOD_DEPARTMENT = {"code": "test-dept", "name": "测试局", "name_en": "Test Bureau"}
GOOD_SERVICE = {
    "code": "test-service",
    "name": "测试事项",
    "department": "test-dept",
    "category": "其他",
    "source": "测试",
    "notice": "以官方指南为准",
    "updated_at": "2026-01-01",
}


def _write(tmp_path, content, name="bad.yml"):
    path = tmp_path / name
    path.write_text(
        yaml.safe_dump(content, allow_unicode=True)
        if not isinstance(content, str)
        else content,
        encoding="utf-8",
    )
    return path


def _problems_of(engine, path) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        _import_file(engine, path)
    return caught.value.problems


def test_bad_field_is_reported_with_record_and_field_and_nothing_is_imported(
    empty_engine, tmp_path
):
    bad = dict(
        GOOD_SERVICE,
        code="bad-one",
        audience="aliens",
        materials=[{"name": "x", "count": 0}],
    )
    path = _write(
        tmp_path, {"departments": [GOOD_DEPARTMENT], "services": [GOOD_SERVICE, bad]}
    )
    problems = _problems_of(empty_engine, path)
    assert any("services[1] (bad-one): audience" in p for p in problems)
    assert any("services[1] (bad-one): materials.0.count" in p for p in problems)
    assert _count(empty_engine, Service) == 0


def test_unknown_reference_rolls_back_the_whole_import(empty_engine, tmp_path):
    orphan = dict(GOOD_SERVICE, code="orphan", department="no-such-dept")
    path = _write(
        tmp_path, {"departments": [GOOD_DEPARTMENT], "services": [GOOD_SERVICE, orphan]}
    )
    problems = _problems_of(empty_engine, path)
    assert problems == ["services[1] (orphan): department: unknown code 'no-such-dept'"]
    assert _count(empty_engine, Service) == 0


def test_malformed_yaml_is_reported_not_raised(empty_engine, tmp_path):
    problems = _problems_of(
        empty_engine, _write(tmp_path, "services: [ {code: x, name: ")
    )
    assert "not valid YAML" in problems[0]


def test_non_utf8_file_is_reported(empty_engine, tmp_path):
    path = tmp_path / "gbk.yml"
    path.write_bytes("services: []\n# 居住证".encode("gbk"))
    assert "not UTF-8" in _problems_of(empty_engine, path)[0]


def test_unknown_section_and_duplicate_codes_are_reported(empty_engine, tmp_path):
    path = _write(
        tmp_path, {"departments": [GOOD_DEPARTMENT, GOOD_DEPARTMENT], "servises": []}
    )
    problems = _problems_of(empty_engine, path)
    assert any("unknown section 'servises'" in p for p in problems)
    assert any("code 'test-dept' appears more than once" in p for p in problems)


def test_promised_days_beyond_statute_is_rejected(empty_engine, tmp_path):
    bad = dict(GOOD_SERVICE, statutory_days=5, promised_days=10)
    problems = _problems_of(
        empty_engine,
        _write(tmp_path, {"departments": [GOOD_DEPARTMENT], "services": [bad]}),
    )
    assert "promised_days cannot exceed statutory_days" in problems[0]

"""The knowledge workbench's endpoints over real HTTP: an editor's change reaches
citizens only once a reviewer other than its author approves it; a rollback brings the
old text back in one step; warnings must be acknowledged, errors refused with reasons;
each role reaches only its own actions; unknown guides and versions are 404s.

The gateway runs on a database of its own: publishing changes the live catalogue, which
the rest of the run's tests read as the curated seed.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator

import httpx
import pytest

from api.main import create_app
from api.rasa_client import RasaClient
from foundation import clock, migrate
from foundation.db import make_engine, session_scope
from foundation.settings import get_settings
from harness.servers import free_port
from knowledge_base.seed import seed_curated_catalogue
from privacy.auth import create_token
from tests.support.live import serve

API = "/api/v1/knowledge"


@pytest.fixture(scope="module")
def bench_engine(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('knowledge') / 'bench.db'}"
    migrate.upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as session:
        seed_curated_catalogue(session, get_settings().catalogue_dir)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def bench_url(bench_engine) -> Iterator[str]:
    nowhere = f"http://127.0.0.1:{free_port()}"
    app = create_app(
        bench_engine,
        rasa=RasaClient(nowhere, "nobody-listens"),
        action_server_url=nowhere,
    )
    with serve(app) as url:
        yield url


def _token(engine, role: str, name: str) -> str:
    with session_scope(engine) as db:
        return create_token(db, role, name)


def _client(base_url: str, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=base_url, timeout=60, headers=headers)


@pytest.fixture(scope="module")
def editor(bench_url, bench_engine) -> Iterator[httpx.Client]:
    with _client(bench_url, _token(bench_engine, "editor", "陈编辑")) as client:
        yield client


@pytest.fixture(scope="module")
def reviewer(bench_url, bench_engine) -> Iterator[httpx.Client]:
    with _client(bench_url, _token(bench_engine, "reviewer", "周审核")) as client:
        yield client


def _published(client: httpx.Client, code: str, kind: str = "service") -> dict:
    response = client.get(f"{API}/guides/{kind}/{code}")
    assert response.status_code == 200, response.text
    return response.json()


def _draft(client: httpx.Client, code: str, content: dict, reason: str) -> dict:
    response = client.post(
        f"{API}/guides/service/{code}/drafts",
        json={"content": content, "reason": reason},
    )
    assert response.status_code == 201, response.text
    return response.json()


def _submit(client: httpx.Client, version_id: int) -> dict:
    response = client.post(f"{API}/versions/{version_id}/submit")
    assert response.status_code == 200, response.text
    return response.json()


def _approve(client: httpx.Client, version_id: int, **body) -> httpx.Response:
    return client.post(
        f"{API}/versions/{version_id}/approve", json={"comment": "同意", **body}
    )


def _fee(base_url: str, code: str, lang: str = "zh") -> str:
    with _client(base_url) as anonymous:
        response = anonymous.get(f"/api/v1/services/{code}", params={"lang": lang})
        assert response.status_code == 200
        return response.json()["fees"]


def test_approved_fee_change_is_what_citizens_read(editor, reviewer, bench_url):
    guide = _published(editor, "residence-permit")
    old_fee = guide["published"]["fees"]
    content = copy.deepcopy(guide["published"])
    content["fees"] = "免费（示例修改：工本费由财政承担）"
    content["fees_en"] = "Free (sample change: the card fee is paid by the city)"

    draft = _draft(editor, "residence-permit", content, "更新收费说明（示例）")
    assert draft["status"] == "draft"
    assert _fee(bench_url, "residence-permit") == old_fee  # a draft answers nobody

    _submit(editor, draft["id"])
    queue = reviewer.get(f"{API}/versions").json()["versions"]
    assert draft["id"] in [v["id"] for v in queue]
    detail = reviewer.get(f"{API}/versions/{draft['id']}").json()
    changed = {change["field"]: change for change in detail["diff"]}
    assert changed["fees"]["old"] == old_fee
    assert changed["fees"]["new"] == content["fees"]
    assert changed["fees"]["label"] == "收费"
    assert detail["findings"]["errors"] == []

    approved = _approve(reviewer, draft["id"])
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "published"
    assert approved.json()["reviewer"] == "周审核"
    assert _fee(bench_url, "residence-permit") == content["fees"]
    assert _fee(bench_url, "residence-permit", "en") == content["fees_en"]

    after = _published(reviewer, "residence-permit")
    assert after["published_number"] == approved.json()["number"]
    assert after["verified_by"] == "周审核"
    assert after["verified_at"] == clock.now().date().isoformat()
    assert after["stale"] is False


def test_rollback_brings_the_old_fee_back_in_one_step(editor, reviewer, bench_url):
    guide = _published(editor, "marriage-registration")
    old_fee, before = guide["published"]["fees"], guide["published_number"]
    content = copy.deepcopy(guide["published"])
    content["fees"] = "示例收费：每对 9 元"
    content["fees_en"] = "Sample fee: 9 yuan per couple"
    draft = _draft(editor, "marriage-registration", content, "示例修改")
    _submit(editor, draft["id"])
    assert _approve(reviewer, draft["id"]).status_code == 200
    assert _fee(bench_url, "marriage-registration") == content["fees"]

    history = _published(reviewer, "marriage-registration")["history"]
    first = min(v["number"] for v in history)
    assert before in (None, first)
    response = reviewer.post(
        f"{API}/guides/service/marriage-registration/rollback",
        json={"to_number": first, "reason": "示例修改有误，恢复原收费说明"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "published"
    assert _fee(bench_url, "marriage-registration") == old_fee
    statuses = {
        v["number"]: v["status"]
        for v in _published(reviewer, "marriage-registration")["history"]
    }
    assert statuses[draft["number"]] == "retired"
    assert statuses[response.json()["number"]] == "published"


def test_an_author_cannot_approve_their_own_change(bench_url, bench_engine, editor):
    same_person = _token(bench_engine, "editor", "吴同一")
    same_person_reviewing = _token(bench_engine, "reviewer", "吴同一")
    content = copy.deepcopy(_published(editor, "senior-allowance")["published"])
    content["summary"] += "（示例补充）"
    content["summary_en"] = content.get("summary_en", "") + " (sample addition)"
    with _client(bench_url, same_person) as author:
        draft = _draft(author, "senior-allowance", content, "补充说明")
        _submit(author, draft["id"])
        refused_by_role = _approve(author, draft["id"])
    assert refused_by_role.status_code == 403
    with _client(bench_url, same_person_reviewing) as own_reviewer:
        refused = _approve(own_reviewer, draft["id"])
        assert refused.status_code == 403
        assert "审核" in refused.json()["detail"] or "本人" in refused.json()["detail"]
        # Sent back instead, so the guide is free for the next test's draft.
        rejected = own_reviewer.post(
            f"{API}/versions/{draft['id']}/reject", json={"comment": "请他人审核"}
        )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "draft"
    assert rejected.json()["review_comment"] == "请他人审核"


def test_warnings_must_be_acknowledged_before_approval(editor, reviewer, bench_url):
    content = copy.deepcopy(_published(editor, "disability-certificate")["published"])
    content["fees"] = "示例：办理免费，照片自备"  # the English left as it was
    draft = _draft(editor, "disability-certificate", content, "收费说明（示例）")
    submitted = _submit(editor, draft["id"])
    assert submitted["warnings"], "a Chinese change without its English is a warning"
    detail = reviewer.get(f"{API}/versions/{draft['id']}").json()
    assert detail["findings"]["warnings"]

    refused = _approve(reviewer, draft["id"])
    assert refused.status_code in (409, 422)
    assert refused.json()["detail"]
    assert _fee(bench_url, "disability-certificate") != content["fees"]

    accepted = _approve(reviewer, draft["id"], acknowledge_warnings=True)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["warnings_acknowledged"] is True
    assert _fee(bench_url, "disability-certificate") == content["fees"]


@pytest.mark.parametrize(
    ("code", "breaks", "says"),
    [
        ("kindergarten-enrolment", lambda c: c.update(steps=[]), "步骤"),
        (
            "primary-school-enrolment",
            lambda c: c["materials"][0].update(name=" "),
            "材料",
        ),
        (
            "medical-reimbursement",
            lambda c: c.update(online_url="zwdt.sh.gov.cn 网上办"),
            "链接",
        ),
    ],
    ids=["no steps", "a material without a name", "a broken link"],
)
def test_submitting_an_invalid_guide_is_refused_with_the_reason(
    editor, code, breaks, says
):
    content = copy.deepcopy(_published(editor, code)["published"])
    breaks(content)
    created = editor.post(
        f"{API}/guides/service/{code}/drafts",
        json={"content": content, "reason": "示例"},
    )
    if created.status_code == 422:  # refused already as a draft
        assert says in created.json()["detail"]
        return
    assert created.status_code == 201, created.text
    version = created.json()
    detail = editor.get(f"{API}/versions/{version['id']}").json()
    assert any(says in error for error in detail["findings"]["errors"])
    refused = editor.post(f"{API}/versions/{version['id']}/submit")
    assert refused.status_code == 422
    assert says in refused.json()["detail"]
    assert "refused" in refused.json()["detail"]


def test_a_request_body_that_is_not_a_guide_is_refused_with_422(editor):
    no_reason = editor.post(
        f"{API}/guides/service/residence-permit/drafts", json={"content": {}}
    )
    assert no_reason.status_code == 422
    other_code = editor.post(
        f"{API}/guides/service/residence-permit/drafts",
        json={"content": {"code": "passport"}, "reason": "示例"},
    )
    assert other_code.status_code == 422
    assert "不一致" in other_code.json()["detail"]
    assert "must match" in other_code.json()["detail"]


def test_the_workbench_refuses_requests_without_a_token(bench_url):
    with _client(bench_url) as anonymous:
        assert anonymous.get(f"{API}/guides").status_code == 401
        assert anonymous.get(f"{API}/versions/1").status_code == 401
        assert anonymous.post(f"{API}/versions/1/approve", json={}).status_code == 401


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_other_staff_cannot_reach_the_workbench(bench_url, bench_engine, role):
    with _client(bench_url, _token(bench_engine, role, "李四")) as client:
        response = client.get(f"{API}/guides")
        assert response.status_code == 403
        assert "editor" in response.json()["detail"]


def test_an_admin_reads_but_changes_nothing(bench_url, bench_engine):
    with _client(bench_url, _token(bench_engine, "admin", "管理员")) as admin:
        assert admin.get(f"{API}/guides", params={"q": "居住证"}).status_code == 200
        assert admin.get(f"{API}/guides/service/passport").status_code == 200
        refused = admin.post(
            f"{API}/guides/service/passport/drafts",
            json={"content": {}, "reason": "示例"},
        )
        assert refused.status_code == 403
        assert (
            admin.post(f"{API}/guides/service/passport/verify", json={}).status_code
            == 403
        )


def test_editors_and_reviewers_keep_to_their_own_actions(editor, reviewer):
    assert (
        reviewer.post(
            f"{API}/guides/service/passport/drafts",
            json={"content": {}, "reason": "示例"},
        ).status_code
        == 403
    )
    assert (
        editor.post(
            f"{API}/guides/service/passport/rollback",
            json={"to_number": 1, "reason": "示例"},
        ).status_code
        == 403
    )
    assert (
        editor.post(f"{API}/guides/service/passport/verify", json={}).status_code == 403
    )
    assert (
        editor.post(f"{API}/versions/1/reject", json={"comment": "x"}).status_code
        == 403
    )


def test_search_finds_a_guide_by_its_chinese_name(editor):
    response = editor.get(f"{API}/guides", params={"q": "居住证", "kind": "service"})
    assert response.status_code == 200
    codes = [g["code"] for g in response.json()["guides"]]
    assert "residence-permit" in codes
    assert response.json()["stale_days"] == get_settings().guide_stale_days


def test_verify_records_the_reviewer_and_the_day(reviewer):
    response = reviewer.post(f"{API}/guides/office/office-xuhui/verify", json={})
    assert response.status_code == 200, response.text
    assert response.json()["verified_by"] == "周审核"
    assert response.json()["verified_at"] == clock.now().date().isoformat()
    future = reviewer.post(
        f"{API}/guides/office/office-xuhui/verify", json={"on": "2099-01-01"}
    )
    assert future.status_code == 422


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/guides/service/no-such-service", 404),
        ("/guides/planet/residence-permit", 404),
        ("/versions/987654", 404),
        ("/versions/0", 422),
        ("/versions/99999999999999999999", 422),
    ],
)
def test_unknown_guides_and_versions_are_refused(editor, path, status):
    response = editor.get(API + path)
    assert response.status_code == status
    assert response.json()["detail"]


def test_acting_on_an_unknown_version_is_a_404(editor, reviewer):
    assert editor.post(f"{API}/versions/987654/submit").status_code == 404
    assert _approve(reviewer, 987654).status_code == 404
    assert (
        reviewer.post(
            f"{API}/guides/service/residence-permit/rollback",
            json={"to_number": 999, "reason": "示例"},
        ).status_code
        == 404
    )


def test_a_catalogue_file_is_drafted_reviewed_and_published_as_one_batch(
    editor, reviewer, bench_url
):
    guide = _published(editor, "invoice-application")["published"]
    service = {
        k: v for k, v in guide.items() if k not in ("faqs", "variants", "examples")
    }
    service["fees"] = "示例：批量导入后的收费说明"
    service["fees_en"] = "Sample: the fee text after a bulk import"
    created = editor.post(
        f"{API}/batches",
        params={"reason": "年度目录批量更新（示例）"},
        json={"services": [service]},
    )
    assert created.status_code == 201, created.text
    batch = created.json()
    assert batch["counts"] == {"draft": 1}
    submitted = editor.post(f"{API}/batches/{batch['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["counts"] == {"in_review": 1}
    approved = reviewer.post(
        f"{API}/batches/{batch['id']}/approve",
        json={"comment": "同意", "acknowledge_warnings": True},
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["counts"] == {"published": 1}
    assert _fee(bench_url, "invoice-application") == service["fees"]


def test_a_batch_that_is_not_a_catalogue_is_refused_with_the_reason(editor):
    for body, says in (
        (b"", "没有目录内容"),
        (b"{not json", "无法解析"),
        (b'{"services": [{"code": "x"}]}', "目录内容有误"),
    ):
        response = editor.post(
            f"{API}/batches",
            params={"reason": "示例"},
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 422, response.text
        assert says in response.json()["detail"]
    assert editor.post(f"{API}/batches/987654/submit").status_code == 404

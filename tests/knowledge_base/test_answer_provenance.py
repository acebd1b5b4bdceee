"""Every answer says where its guide comes from and when it was last verified; a guide
not verified for longer than HOTLINE_GUIDE_STALE_DAYS says so and names the official
portal, so a citizen never acts on an old guide without being told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from foundation.settings import get_settings
from knowledge_base.answers import ASPECTS, answer, bundle_answer
from knowledge_base.models import Bundle
from knowledge_base.portal import official_portal
from knowledge_base.services import get_service
from tests.knowledge_base.test_english_answers import stray_cjk

TODAY = dt.date(2026, 12, 6)


@pytest.fixture
def stale_after_30_days(monkeypatch) -> Iterator[None]:
    monkeypatch.setenv("HOTLINE_GUIDE_STALE_DAYS", "30")
    get_settings.cache_clear()
    yield
    monkeypatch.delenv("HOTLINE_GUIDE_STALE_DAYS")
    get_settings.cache_clear()


@pytest.mark.parametrize("aspect", ASPECTS)
def test_every_aspect_ends_with_source_and_verified_date_in_chinese(
    session: Session, aspect: str
) -> None:
    service = get_service(session, "passport")
    service.verified_at = dt.date(2026, 11, 2)
    text = answer(service, aspect, "zh", on=TODAY)
    assert text.splitlines()[-1].startswith(
        f"信息来源：{service.source}；最近核验：2026年11月2日。"
    )


@pytest.mark.parametrize("aspect", ASPECTS)
def test_every_aspect_ends_with_source_and_verified_date_in_english(
    session: Session, aspect: str
) -> None:
    service = get_service(session, "passport")
    service.verified_at = dt.date(2026, 11, 2)
    service.verified_by = "张三"
    text = answer(service, aspect, "en", on=TODAY)
    assert text.splitlines()[-1].startswith(
        f"Source: {service.source_en}; last verified 2 November 2026."
    )
    assert "张三" not in text and stray_cjk(text) == []


def test_a_guide_never_verified_gives_its_update_date_not_a_verification(
    session: Session,
) -> None:
    service = get_service(session, "passport")
    service.verified_at = None
    zh = answer(service, "fee", "zh", on=TODAY)
    en = answer(service, "fee", "en", on=TODAY)
    updated = service.updated_at
    assert f"更新日期：{updated.year}年{updated.month}月{updated.day}日" in zh
    assert "最近核验" not in zh
    assert "last updated" in en and "last verified" not in en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_guide_verified_over_180_days_ago_says_so_with_the_portal_link(
    session: Session, lang: str
) -> None:
    service = get_service(session, "passport")
    service.verified_at = TODAY - dt.timedelta(days=181)
    text = answer(service, "materials", lang, on=TODAY)
    portal = official_portal()
    expected = (
        "This guide has not been verified for more than 180 days and may have "
        f"changed; please rely on the {portal.name_en}: {portal.url}"
        if lang == "en"
        else "该指南已超过180天未核验，内容可能已有变化，"
        f"请以“一网通办”总门户为准：{portal.url}"
    )
    assert text.endswith(expected)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_guide_verified_within_180_days_gives_no_warning(
    session: Session, lang: str
) -> None:
    service = get_service(session, "passport")
    service.verified_at = TODAY - dt.timedelta(days=180)
    text = answer(service, "materials", lang, on=TODAY)
    assert "未核验" not in text and "not been verified" not in text
    assert official_portal().url not in text


def test_an_unverified_guide_goes_stale_from_its_update_date(session: Session) -> None:
    service = get_service(session, "passport")
    service.verified_at = None
    later = service.updated_at + dt.timedelta(days=181)
    assert "该指南已超过180天未核验" in answer(service, "fee", "zh", on=later)


def test_the_stale_setting_moves_the_threshold(
    session: Session, stale_after_30_days: None
) -> None:
    service = get_service(session, "passport")
    service.verified_at = TODAY - dt.timedelta(days=31)
    assert "该指南已超过30天未核验" in answer(service, "fee", "zh", on=TODAY)
    service.verified_at = TODAY - dt.timedelta(days=30)
    assert "未核验" not in answer(service, "fee", "zh", on=TODAY)


def test_a_stale_setting_under_a_week_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("HOTLINE_GUIDE_STALE_DAYS", "0")
    get_settings.cache_clear()
    try:
        with pytest.raises(ValueError, match="between 7 and 3650"):
            get_settings()
    finally:
        monkeypatch.delenv("HOTLINE_GUIDE_STALE_DAYS")
        get_settings.cache_clear()


def test_the_overview_keeps_its_notice_after_the_source(session: Session) -> None:
    service = get_service(session, "passport")
    service.verified_at = dt.date(2026, 11, 2)
    text = answer(service, "overview", "zh", on=TODAY)
    assert text.endswith(
        f"信息来源：{service.source}；最近核验：2026年11月2日。{service.notice}"
    )
    assert text.count("信息来源") == 1


def test_the_curated_catalogue_is_seeded_with_verified_dates(session: Session) -> None:
    service = get_service(session, "residence-permit")
    assert service.verified_at == service.updated_at


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("zh", "；最近核验：2026年11月2日。"), ("en", "; last verified 2 November 2026.")],
)
def test_a_bundle_answer_ends_with_its_source_and_verified_date(
    session: Session, lang: str, expected: str
) -> None:
    bundle = session.scalars(select(Bundle).order_by(Bundle.code)).first()
    bundle.verified_at = dt.date(2026, 11, 2)
    text = bundle_answer(bundle, lang, on=TODAY)
    assert expected in text.split("\n\n")[-1]
    assert lang == "zh" or stray_cjk(text) == []


def test_a_bundle_never_verified_gives_its_source_without_a_date(
    session: Session,
) -> None:
    bundle = session.scalars(select(Bundle).order_by(Bundle.code)).first()
    bundle.verified_at = None
    text = bundle_answer(bundle, "zh", on=TODAY)
    assert text.endswith(f"信息来源：{bundle.source}。{bundle.notice}")

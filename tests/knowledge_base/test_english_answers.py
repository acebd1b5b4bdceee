"""English replies carry no Chinese but proper names beside their English rendering.

A reader of English may not read Chinese at all, so a Chinese text in an English reply
is a text they are not given. The one exception is a name they may need to show or
type, written after its English: "Xuhui District Administrative Service Center
(徐汇区行政服务中心)". The walk covers every answer the catalogue can give in English,
so a service imported without its English fails here rather than in a citizen's chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from contact_centre import handoff
from knowledge_base.answers import (
    ASPECTS,
    UNAVAILABLE,
    WITH_AGENT,
    answer,
    bundle_answer,
    not_held_answer,
)
from knowledge_base.models import FAQ, Bundle, Office, Service
from knowledge_base.offices import office_for

ROOT = Path(__file__).resolve().parents[2]

# Han characters, CJK punctuation (，。「」) and full-width forms (（）：；).
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
# A bracketed Chinese name is allowed only right after Latin text (a word, a number or
# closing punctuation of it), which is where its English rendering ends.
NAME_AFTER_ENGLISH = re.compile(
    r"(?<=[A-Za-z0-9.'\"’)]) ?\([^()]*[\u4e00-\u9fff][^()]*\)"
)


def stray_cjk(text: str) -> list[str]:
    """The Chinese characters of an English text that are not a name after its English."""
    return CJK.findall(NAME_AFTER_ENGLISH.sub("", text))


def test_stray_cjk_flags_bare_chinese_hours():
    assert stray_cjk("Opening hours for X: 周一至周五 9:00-17:00（法定节假日除外）")


def test_stray_cjk_allows_a_name_after_its_english():
    assert (
        stray_cjk(
            "Xuhui District Administrative Service Center (徐汇区行政服务中心), "
            'search for "Residence Registration" (居住登记).'
        )
        == []
    )


def test_stray_cjk_flags_a_bracketed_name_without_english_before_it():
    assert stray_cjk("(徐汇区行政服务中心) is the place.")
    assert stray_cjk("Opening hours: (周一至周五)")
    assert stray_cjk("Go to 徐汇区 (徐汇区行政服务中心).")


def test_stray_cjk_flags_full_width_brackets_after_english():
    assert stray_cjk(
        "Xuhui District Administrative Service Center（徐汇区行政服务中心）"
    )


def _english_answers(session: Session) -> Iterator[tuple[str, str]]:
    """(where, text) for every English answer the seeded catalogue can give."""
    districts = sorted(
        {d for d in session.scalars(select(Office.district)) if d is not None}
    )
    for service in session.scalars(select(Service).order_by(Service.code)):
        offices: dict[str, Office | None] = {"": None}
        for district in districts:
            office = office_for(session, service, district)
            if office is not None:
                offices.setdefault(office.code, office)
        for aspect in ASPECTS:
            for code, office in offices.items():
                where = f"{service.code}/{aspect}" + (f"@{code}" if code else "")
                yield where, answer(service, aspect, "en", office)
    for bundle in session.scalars(select(Bundle).order_by(Bundle.code)):
        yield f"bundle {bundle.code}", bundle_answer(bundle, "en")
    for faq in session.scalars(select(FAQ).order_by(FAQ.id)):
        subject = faq.service.code if faq.service else faq.bundle.code
        yield f"faq {faq.id} ({subject})", faq.answer_en or "<no English answer>"
        if faq.question_en:
            yield f"faq {faq.id} question", faq.question_en


def _english_responses() -> Iterator[tuple[str, str]]:
    """What a citizen reads of domain.yml's English variants: texts and button titles."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    for name, variants in domain["responses"].items():
        for variant in variants:
            conditions = variant.get("condition") or []
            if not any(
                c.get("name") == "language" and c.get("value") == "en"
                for c in conditions
            ):
                continue
            yield name, variant.get("text") or ""
            for button in variant.get("buttons") or []:
                yield f"{name} button", button["title"]


def _strings(tree: object) -> Iterator[str]:
    if isinstance(tree, dict):
        for value in tree.values():
            yield from _strings(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _strings(value)
    elif isinstance(tree, str):
        yield tree


def _fixed_english_texts() -> Iterator[tuple[str, str]]:
    """Error, hand-off and safety texts a citizen may be shown in English."""
    yield "UNAVAILABLE", UNAVAILABLE["en"]
    yield "WITH_AGENT", WITH_AGENT["en"]
    # The name echoed is the one the citizen wrote, in English here.
    yield "not held", not_held_answer("dog licence", "en", offers_related=True)
    for name in dir(handoff):
        value = getattr(handoff, name)
        if name.isupper() and isinstance(value, dict) and "en" in value:
            for text in _strings(value["en"]):
                yield f"handoff.{name}", text
    replies = yaml.safe_load(
        (ROOT / "safety" / "data" / "replies.yml").read_text(encoding="utf-8")
    )
    for text in _strings(replies["en"]):
        yield "safety reply", text


def test_english_answers_carry_no_stray_chinese(engine):
    with Session(engine) as session:
        texts = [
            *_english_answers(session),
            *_english_responses(),
            *_fixed_english_texts(),
        ]
    strays = [
        (where, "".join(stray_cjk(text)), text)
        for where, text in texts
        if not text.strip() or stray_cjk(text)
    ]
    print(f"English texts walked: {len(texts)}; with stray Chinese: {len(strays)}")
    assert len(texts) > 500
    assert strays == []


@pytest.mark.parametrize("aspect", ["hours", "materials", "time", "overview"])
def test_english_answer_falls_back_to_the_portal_without_english(engine, aspect):
    with Session(engine) as session:
        session.begin()
        try:
            service = session.scalars(
                select(Service).where(Service.code == "housing-fund-withdrawal-rent")
            ).one()
            service.hours_en = None
            service.time_limit_note_en = None
            service.source_en = None
            for material in service.materials:
                material.notes_en = None
            for step in service.steps:
                step.title_en = None
            text = answer(service, aspect, "en")
        finally:
            session.rollback()
    assert stray_cjk(text) == []
    if aspect in ("hours", "overview"):
        assert "official guide" in text

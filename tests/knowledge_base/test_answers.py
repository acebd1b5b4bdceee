"""Answers read as sentences written by hand, for every service in the catalogue."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge_base.answers import ASPECTS, answer
from knowledge_base.models import Service

DOUBLED_STOP = re.compile(r"[。！？.!?][。.]")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_answer_of_any_service_ends_a_sentence_twice(engine, lang):
    with Session(engine) as session:
        services = session.scalars(select(Service)).all()
        doubled = [
            (service.code, aspect)
            for service in services
            for aspect in ASPECTS
            if DOUBLED_STOP.search(answer(service, aspect, lang))
        ]
    assert services and doubled == []

"""Service guidance as plain data: what a citizen, an agent or an API client is told.

Both the Rasa actions and the HTTP API render from these views, so an answer reads the
same wherever it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge_base.models import Service

MATERIAL_FORMS_ZH = {
    "original": "原件",
    "copy": "复印件",
    "original_and_copy": "原件及复印件",
    "electronic": "电子材料",
}
MATERIAL_FORMS_EN = {
    "original": "original",
    "copy": "copy",
    "original_and_copy": "original and copy",
    "electronic": "electronic",
}


@dataclass(frozen=True)
class Step:
    title: str
    detail: str


@dataclass(frozen=True)
class Material:
    name: str
    required: bool
    form: str
    count: int
    notes: str | None


def steps_of(service: Service, lang: str = "zh") -> list[Step]:
    """The steps in the reader's language.

    In English a step without an English title is left out rather than shown in
    Chinese, so a service whose steps are not all in English has none; its answer
    then points to the official guide instead.
    """
    if lang == "en":
        if not all(s.title_en for s in service.steps):
            return []
        return [Step(s.title_en or "", s.detail_en or "") for s in service.steps]
    return [Step(s.title, s.detail) for s in service.steps]


def materials_of(service: Service, lang: str = "zh") -> list[Material]:
    forms = MATERIAL_FORMS_EN if lang == "en" else MATERIAL_FORMS_ZH
    return [
        Material(
            name=(m.name_en or f"A document named in Chinese ({m.name})")
            if lang == "en"
            else m.name,
            required=m.required,
            form=forms[m.form],
            count=m.count,
            # An English reply shows no note rather than a Chinese one.
            notes=m.notes_en if lang == "en" else m.notes,
        )
        for m in service.materials
    ]


def time_limit_text(service: Service, lang: str = "zh") -> str:
    if lang == "en":
        if service.time_limit_note_en:
            return service.time_limit_note_en
        parts = []
        if service.promised_days == 0:
            parts.append("done on the spot")
        elif service.promised_days is not None:
            parts.append(f"promised within {service.promised_days} working days")
        if service.statutory_days is not None:
            parts.append(f"statutory limit {service.statutory_days} working days")
        return "; ".join(parts) or "see the official guide"
    if service.time_limit_note:
        return service.time_limit_note
    parts = []
    if service.promised_days == 0:
        parts.append("即时办结")
    elif service.promised_days is not None:
        parts.append(f"承诺时限{service.promised_days}个工作日")
    if service.statutory_days is not None:
        parts.append(f"法定时限{service.statutory_days}个工作日")
    return "，".join(parts) or "请以官方办事指南为准"

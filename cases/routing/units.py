"""Which unit handles a work order, at which level: 属地派单.

Most complaints in a 12345 centre are handled where they happen: a street office or town
government (街道/镇) for what its grid (网格) sees every day, a district bureau for what
needs an inspector, a city department for what runs city-wide. Each category names its
level, its lead department (主办) and assisting departments (协办); the place comes from
the citizen's words (``knowledge_base.locations``). When the place is not known to the
level the category asks for, the order goes one level up rather than nowhere, and says
why, so the agent or the receiving unit can send it down.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from knowledge_base.models import Department, WorkOrderCategory
from knowledge_base.repositories.departments import get_department


@dataclass(frozen=True)
class HandlingUnit:
    level: str
    name: str
    lead_department: str
    assisting: tuple[str, ...]
    duty: str
    # Why this unit: in the hotline staff's words, shown with the dispatch.
    reason: str
    # What an English reply calls it.
    name_en: str
    # The level the category is handled at locally ("district", "street") while the
    # place is not known yet: the order would go to the city department only for want
    # of a place, so a citizen not yet asked where is told it goes where it happened.
    awaiting_place: str | None = None


def street_unit_name(street: str) -> str:
    """The office of a street or town as it signs its name; a zone's is its own."""
    if street.endswith("街道"):
        return f"{street}办事处"
    if street.endswith("镇"):
        return f"{street}人民政府"
    return f"{street}管理机构"


def district_unit_name(department: Department, district: str) -> str | None:
    """The department's counterpart in ``district``; None where none is recorded."""
    if not department.district_unit:
        return None
    short = district.removesuffix("新区").removesuffix("区")
    return department.district_unit.format(district=district, short=short)


def unit_in_english(level: str | None, name: str | None, department: Department) -> str:
    """The handling unit for an English reader: what it is in English, its name as it
    signs in brackets (units below the city have no official English name)."""
    unit = name or department.name
    if level == "street":
        kind = (
            "town government"
            if unit.endswith("人民政府")
            else "management office"
            if unit.endswith("管理机构")
            else "sub-district office"
        )
        return f"the local {kind} ({unit})"
    if level == "district":
        return (
            f"the district office of the {department.name_en} ({unit})"
            if department.name_en
            else f"the district office responsible ({unit})"
        )
    return (
        f"the {department.name_en} ({unit})"
        if department.name_en
        else f"the department responsible ({unit})"
    )


def unit_as_read(
    level: str | None, name: str | None, department: Department, language: str
) -> str:
    """The handling unit as a citizen reading ``language`` is told it: its own name in
    Chinese, what it is in English (``unit_in_english``)."""
    if language == "en":
        return unit_in_english(level, name, department)
    return name or department.name


def handling_unit(
    session: Session,
    category: WorkOrderCategory,
    district: str | None,
    street: str | None,
) -> HandlingUnit:
    """The unit at the category's level where the complaint is, or the next level up."""
    department = category.department
    assisting = tuple(
        found.name
        for code in category.assisting
        if (found := get_department(session, code)) is not None
    )

    def unit(
        level: str, name: str, reason: str, awaiting_place: str | None = None
    ) -> HandlingUnit:
        return HandlingUnit(
            level,
            name,
            department.code,
            assisting,
            category.duty,
            reason,
            unit_in_english(level, name, department),
            awaiting_place,
        )

    if category.level == "city":
        return unit("city", department.name, "市级部门承办")
    if category.level == "street" and street:
        return unit("street", street_unit_name(street), "街镇属地承办")
    counterpart = district_unit_name(department, district) if district else None
    if counterpart:
        return unit(
            "district",
            counterpart,
            "区级对口部门承办"
            if category.level == "district"
            else f"应由街镇属地承办，未能确定街镇，先派{district}对口部门",
        )
    if district:
        return unit(
            "city",
            department.name,
            f"{district}对口部门未登记，派市级部门转办",
        )
    return unit(
        "city", department.name, "未能确定所在区，派市级部门转办", category.level
    )


def unit_where_it_happens(level: str, lang: str) -> str:
    """The local unit an order of a category handled at ``level`` goes to, said
    before the citizen has said where: no office is named that the place may change."""
    if lang == "en":
        return (
            "the sub-district office or town government where it happened"
            if level == "street"
            else "the responsible office of the district where it happened"
        )
    return (
        "问题发生地的街道办事处或镇政府"
        if level == "street"
        else "问题发生地所在区的对口部门"
    )

"""Guidance answers as citizens read them, in Chinese or English.

The assistant, the agent console's suggestions and the API all speak through these
functions, so a service is explained the same way wherever it is asked about.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge_base.guidance import (
    MATERIAL_FORMS_EN,
    MATERIAL_FORMS_ZH,
    Material,
    materials_of,
    steps_of,
    time_limit_text,
)
from knowledge_base.models import Bundle, Office, Service, ServiceVariant
from knowledge_base.offices import STREET_CENTRE, STREET_CENTRE_EN
from knowledge_base.places import english_district_name
from knowledge_base.portal import map_search, official_portal
from knowledge_base.provenance import (
    checked_on,
    date_en,
    date_zh,
    is_stale,
    stale_days,
)

ASPECTS = (
    "overview",
    "materials",
    "fee",
    "time",
    "location",
    "hours",
    "eligibility",
    "online",
)
SAMPLE_NOTICE_EN = "This guidance is sample data; the official guide prevails."
INTENT_ASPECTS = {
    "ask_service_guide": "overview",
    "ask_materials": "materials",
    "ask_fee": "fee",
    "ask_processing_time": "time",
    "ask_location": "location",
    "ask_office_hours": "hours",
    "ask_eligibility": "eligibility",
    "ask_online_handling": "online",
}


def service_name(service: Service, lang: str) -> str:
    return localised_name(service.name, service.name_en, lang)


def localised_name(name: str, name_en: str | None, lang: str) -> str:
    return name_en if lang == "en" and name_en else name


def ended(text: str, stop: str) -> str:
    """The text as a sentence: the stop is added only when it has none of its own."""
    return text if text.endswith(("。", "！", "？", ".", "!", "?")) else text + stop


def numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, 1))


def see_official_guide(opening: bool = False) -> str:
    """Where an English reader is sent for a text the catalogue has only in Chinese.

    An English reply never shows the bare Chinese, which its reader may not be able to
    read; the official portal has the full guide.
    """
    portal = official_portal()
    please = "Please" if opening else "please"
    return f"{please} see the official guide on the {portal.name_en} ({portal.url})"


def _service_hours_en(local: _Local) -> str | None:
    """The service's own hours in English; None when it records no hours at all."""
    if local.hours_en:
        return local.hours_en
    if local.hours:
        return see_official_guide(opening=True)
    return None


@dataclass(frozen=True)
class _Local:
    """What may differ by district, as it holds where the citizen is: a district
    variant's fields where it sets them, the city-wide guide's elsewhere.

    A variant's Chinese and English of one field come together: a variant naming a
    place in Chinese only is not given the city-wide English place instead.
    """

    district: str | None  # the variant's district; None when the guide is city-wide
    varied: frozenset[str]  # the fields the variant sets
    offline_where: str
    offline_where_en: str | None
    hours: str | None
    hours_en: str | None
    phone: str | None
    online_url: str | None
    extra_materials: tuple[Mapping[str, Any], ...] = ()


# The fields of a variant each aspect's answer reads, so the district is named only
# where the answer says something of the variant's.
_ASPECT_FIELDS = {
    "overview": {"online_url"},
    "materials": {"extra_materials"},
    "location": {"offline_where", "phone", "online_url"},
    "hours": {"hours"},
    "online": {"online_url"},
}


def district_variant(service: Service, district: str | None) -> ServiceVariant | None:
    """The service's variant for the citizen's district (official name), if it has one."""
    if not district:
        return None
    return next((v for v in service.variants if v.district == district), None)


def _local(service: Service, variant: ServiceVariant | None) -> _Local:
    general = _Local(
        district=None,
        varied=frozenset(),
        offline_where=service.offline_where,
        offline_where_en=service.offline_where_en,
        hours=service.hours,
        hours_en=service.hours_en,
        phone=None,  # the city-wide phone is the guide's, not said per answer
        online_url=service.online_url,
    )
    if variant is None:
        return general
    varied = {
        field
        for field in ("offline_where", "hours", "phone", "online_url")
        if getattr(variant, field)
    }
    if variant.extra_materials:
        varied.add("extra_materials")
    if not varied:
        return general
    return _Local(
        district=variant.district,
        varied=frozenset(varied),
        offline_where=variant.offline_where or general.offline_where,
        offline_where_en=(
            variant.offline_where_en
            if variant.offline_where
            else general.offline_where_en
        ),
        hours=variant.hours or general.hours,
        hours_en=variant.hours_en if variant.hours else general.hours_en,
        phone=variant.phone,
        online_url=variant.online_url or general.online_url,
        extra_materials=tuple(variant.extra_materials or ()),
    )


def _district_of(office: Office | None) -> str | None:
    """The citizen's district as the office chosen for them places it; a city office
    serves everyone and places no one."""
    if office is None or office.level == "city":
        return None
    return office.district


def _district_heading(district: str, english: bool) -> str:
    if english:
        district_en = english_district_name(district)
        return (
            f"For {district_en} ({district}):" if district_en else "For your district:"
        )
    return f"以下为{district}的办理信息："


def answer(
    service: Service,
    aspect: str,
    lang: str = "zh",
    office: Office | None = None,
    district: str | None = None,
    on: dt.date | None = None,
) -> str:
    """The answer about one aspect of a service, ending with its source and 最近核验.

    Args:
        office: the office for where the citizen is (their street's or district's
            centre, or a city office).
        district: the citizen's district (official name, 徐汇区); without it, the
            office's. The service's variant for it replaces the city-wide place,
            hours, phone and online link, adds its materials, and the answer says
            which district it is for.
        on: the day it is answered (today); a guide last verified longer than the
            stale setting before it says so. Callers that keep answers key them by it.
    """
    english = lang == "en"
    local = _local(service, district_variant(service, district or _district_of(office)))
    text = _answer_body(service, aspect, english, office, local)
    if local.district is not None and _ASPECT_FIELDS.get(aspect, set()) & local.varied:
        text = f"{_district_heading(local.district, english)}\n{text}"
    # One aspect's answer is one chat message (each paragraph is a message of its
    # own), its source on the line after it; the overview's closes its paragraphs.
    overview = aspect == "overview"
    between = "\n\n" if overview else "\n"
    return f"{text}{between}{provenance_text(service, lang, on, overview)}"


def provenance_text(
    guide: Service | Bundle,
    lang: str = "zh",
    on: dt.date | None = None,
    notice: bool = False,
) -> str:
    """Where the guide comes from and when it was last verified; for a guide past the
    stale setting, that it may have changed and where the official text is.

    Args:
        notice: adds the guide's notice (sample data, the official guide prevails).
    """
    checked = checked_on(guide)
    portal = official_portal()
    if lang == "en":
        line = f"Source: {_source_en(guide)}"
        if checked.on is not None:
            label = "last verified" if checked.verified else "last updated"
            line += f"; {label} {date_en(checked.on)}"
        line = ended(line, ".") + (f" {SAMPLE_NOTICE_EN}" if notice else "")
        if is_stale(checked, on):
            line += (
                f"\nThis guide has not been verified for more than {stale_days()} "
                "days and may have changed; please rely on the "
                f"{portal.name_en}: {portal.url}"
            )
        return line
    line = f"信息来源：{guide.source}"
    if checked.on is not None:
        label = "最近核验" if checked.verified else "更新日期"
        line += f"；{label}：{date_zh(checked.on)}"
    line = ended(line, "。") + (guide.notice if notice else "")
    if is_stale(checked, on):
        line += (
            f"\n该指南已超过{stale_days()}天未核验，内容可能已有变化，"
            f"请以{portal.name_zh}为准：{portal.url}"
        )
    return line


def _answer_body(
    service: Service,
    aspect: str,
    english: bool,
    office: Office | None,
    local: _Local,
) -> str:
    lang = "en" if english else "zh"
    name = service_name(service, lang)
    if aspect == "materials":
        materials = materials_of(service, lang) + _extra_materials(local, lang)
        if not materials:
            return (
                f"{name}: no documents are listed; bring your ID."
                if english
                else f"{name}：无需额外提交材料，带好本人身份证件即可。"
            )
        lines = [_material_line(m, english) for m in materials]
        head = f"Documents for {name}:" if english else f"{name}需要准备以下材料："
        return f"{head}\n{numbered(lines)}"
    if aspect == "fee":
        fees = (service.fees_en or see_official_guide()) if english else service.fees
        return f"{name} — fees: {fees}" if english else f"{name}的收费标准：{fees}"
    if aspect == "time":
        limit = time_limit_text(service, lang)
        return (
            f"{name} — time limit: {ended(limit, '.')}"
            if english
            else f"{name}的办理时限：{ended(limit, '。')}"
        )
    if aspect == "location":
        return _location(service, english, office, local)
    if aspect == "hours":
        service_hours = _service_hours_en(local) if english else local.hours
        hours = service_hours or (office.hours if office else None)
        if office is not None:
            office_hours = _office_hours(office, english)
            between = "; " if english else "；"
            hours = (
                f"{service_hours}{between}{office_hours}"
                if service_hours
                else office_hours
            )
        if not hours:
            return (
                "Please check the opening hours with the service centre, or call 12345."
                if english
                else "具体办公时间请以办理窗口公布为准，也可拨打12345咨询。"
            )
        return (
            f"Opening hours for {name}: {hours}"
            if english
            else f"{name}的办理时间：{hours}"
        )
    if aspect == "eligibility":
        eligibility = (
            (service.eligibility_en or see_official_guide())
            if english
            else service.eligibility
        )
        return (
            f"Who can apply for {name}: {eligibility}"
            if english
            else f"{name}的申请条件：{eligibility}"
        )
    if aspect == "online":
        return _online(service, english, local)
    return _overview(service, english, local)


def _extra_materials(local: _Local, lang: str) -> list[Material]:
    """A district variant's materials, after the city-wide list, read like it."""
    forms = MATERIAL_FORMS_EN if lang == "en" else MATERIAL_FORMS_ZH
    return [
        Material(
            name=(m.get("name_en") or f"A document named in Chinese ({m['name']})")
            if lang == "en"
            else m["name"],
            required=m.get("required", True),
            form=forms[m.get("form") or "original"],
            count=m.get("count") or 1,
            notes=m.get("notes_en") if lang == "en" else m.get("notes"),
        )
        for m in local.extra_materials
    ]


def _material_line(material: Material, english: bool) -> str:
    count = f" ×{material.count}" if material.count > 1 else ""
    optional = (
        "" if material.required else (" (if applicable)" if english else "（如适用）")
    )
    notes = f" — {material.notes}" if material.notes else ""
    if english:
        return f"{material.name} ({material.form}{count}){optional}{notes}"
    return f"{material.name}（{material.form}{count}）{optional}{notes}"


def _overview(service: Service, english: bool, local: _Local) -> str:
    lang = "en" if english else "zh"
    name = service_name(service, lang)
    summary = (
        (service.summary_en or f"{see_official_guide(opening=True)}.")
        if english
        else service.summary
    )
    steps = [
        f"{s.title}: {s.detail}" if english else f"{s.title}：{s.detail}"
        for s in steps_of(service, lang)
    ]
    parts = [f"{name}\n{summary}"]
    if steps:
        parts.append(
            ("How to apply:\n" if english else "办理步骤：\n") + numbered(steps)
        )
    elif english and service.steps:
        parts.append(f"For how to apply, {see_official_guide()}.")
    parts.append(_online(service, english, local))
    parts.append(
        "Ask me about documents, fees, time limits or where to go."
        if english
        else "您还可以问我：要带什么材料、收不收费、多久办好、去哪里办。"
    )
    # The source, 最近核验 and notice end it, as every answer (``answer``).
    return "\n\n".join(parts)


def _source_en(guide: Service | Bundle) -> str:
    # Unlike a missing hours text, a missing source cannot be the portal: it would
    # credit the portal with a guide it may not have published.
    source_en = guide.source_en if isinstance(guide, Service) else None
    return source_en or f"a guide published in Chinese; {see_official_guide()}"


def _online(service: Service, english: bool, local: _Local) -> str:
    online_url = local.online_url
    if service.online_available and online_url:
        return (
            f"You can apply online: {online_url}"
            if english
            else f"可以在网上办理：{online_url}（也可在“随申办”App搜索办理）"
        )
    if online_url:
        return (
            f"Online information and booking: {online_url}; the application itself is made in person."
            if english
            else f"可先在网上查询或预约：{online_url}，申请需到现场办理。"
        )
    return "This service is handled in person." if english else "该事项需要到现场办理。"


def _location(
    service: Service, english: bool, office: Office | None, local: _Local
) -> str:
    """The guide's rule, then the office for where the citizen is, if we know one.

    An office whose address, hours or phone we hold no recorded source for is named
    without them, with the places that do publish them; nothing is filled in by guess.
    """
    if english:
        where = local.offline_where_en or (
            see_official_guide(opening=True)
            if "offline_where" in local.varied
            else local.offline_where
        )
    else:
        where = local.offline_where
    lines = [
        f"Where to apply for {service.name_en or service.name}: {where}"
        if english
        else f"{service.name}的办理地点：{where}"
    ]
    if local.phone and local.district:
        district_en = english_district_name(local.district)
        lines.append(
            f"Phone for {district_en} ({local.district}): {local.phone}"
            if english and district_en
            else (f"Phone: {local.phone}" if english else f"咨询电话：{local.phone}")
        )
    if office is not None:
        lines.append(_office_for_citizen(office, english))
        lines.append(_office_details(office, english))
    elif "street" in (service.handled_at or ()):
        lines.append(
            "Tell me which subdistrict or town you live in, and I will name its "
            "community affairs acceptance service center."
            if english
            else "请告诉我您所在的街道或镇，我可以告诉您对应的社区事务受理服务中心。"
        )
    lines.append(_online(service, english, local))
    return "\n".join(lines)


def _office_for_citizen(office: Office, english: bool) -> str:
    """Which office, and for which street or district it is the one to go to."""
    district = office.district or ""
    district_en = english_district_name(district) if district else None
    if english:
        named = f"{office.name_en} ({office.name})"
        district_part = f"{district_en} ({district})" if district_en else ""
        if office.level == "street":
            street = office.name.removesuffix(STREET_CENTRE)
            street_en = office.name_en.removesuffix(f" {STREET_CENTRE_EN}")
            return f"For {street_en} ({street}), {district_part}: {named}."
        if office.level == "district" and district_part:
            return f"For {district_part}: {named}."
        return f"Citywide: {named}."
    if office.level == "street":
        street = office.name.removesuffix(STREET_CENTRE)
        return f"您提到的{district}{street}，可前往{office.name}办理。"
    if office.level == "district":
        return f"您所在的{district}，可前往{office.name}办理。"
    return f"全市可前往{office.name}办理。"


def _office_details(office: Office, english: bool) -> str:
    """Address, hours and phone as far as recorded; where to find the rest."""
    portal = official_portal()
    if english:
        address = office.address_en if office.address else None
        known = [
            ("address", address),
            ("opening hours", office.hours_en if office.hours else None),
            ("phone", office.phone),
        ]
        parts = [f"{label}: {value}" for label, value in known if value]
        unknown = [label for label, value in known if not value]
        text = "; ".join(parts) + "." if parts else ""
        text = text[:1].upper() + text[1:]
        if unknown:
            gap = (
                f"Its {_joined_en(unknown)} {'is' if len(unknown) == 1 else 'are'} "
                "not in our records. Please check the "
                f"{portal.name_en} ({portal.url})"
            )
            if address is None:
                maps = map_search()
                gap += (
                    f", search for it on {maps.name_en} ({maps.url_for(office.name)})"
                )
            gap += ", or call 12345."
            text = f"{text} {gap}".strip()
        return text
    known_zh = [
        ("地址", office.address),
        ("办公时间", office.hours),
        ("咨询电话", office.phone),
    ]
    parts = [f"{label}：{value}" for label, value in known_zh if value]
    unknown_zh = [label for label, value in known_zh if not value]
    text = "；".join(parts) + "。" if parts else ""
    if unknown_zh:
        gap = (
            f"该{'中心' if office.level == 'street' else '机构'}的"
            f"{'、'.join(unknown_zh)}本目录暂未收录，"
            f"请以{portal.name_zh}（{portal.url}）公布的信息为准"
        )
        if office.address is None:
            maps = map_search()
            gap += f"，也可在{maps.name_zh}搜索“{office.name}”（{maps.url_for(office.name)}）"
        gap += "，或拨打12345咨询。"
        text += gap
    return text


def _office_hours(office: Office, english: bool) -> str:
    """The office's hours under its name, or plainly that we have not recorded them."""
    if english:
        named = f"{office.name_en} ({office.name})"
        if office.hours and office.hours_en:
            return f"{named}: {office.hours_en}"
        portal = official_portal()
        return (
            f"{named}: opening hours not in our records; please check the "
            f"{portal.name_en} ({portal.url}) or call 12345"
        )
    if office.hours:
        return f"{office.name}：{office.hours}"
    portal = official_portal()
    return (
        f"{office.name}的办公时间本目录暂未收录，请以{portal.name_zh}（{portal.url}）"
        "公布的信息为准，或拨打12345咨询"
    )


def _joined_en(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def bundle_answer(bundle: Bundle, lang: str = "zh", on: dt.date | None = None) -> str:
    """A bundle explained as one journey: what it covers, then its combined steps,
    ending like a service's answer with its source and 最近核验 (``provenance_text``)."""
    english = lang == "en"
    services = [(s.name_en or s.name) if english else s.name for s in bundle.services]
    steps = [
        f"{s.title_en or s.title}: {s.detail_en or s.detail}"
        if english
        else f"{s.title}：{s.detail}"
        for s in bundle.steps
    ]
    if english:
        head = f"{bundle.name_en}\n{bundle.summary_en}\n\nOne application covers: {'; '.join(services)}."
        tail = f"Apply online: {bundle.online_url}" if bundle.online_url else ""
        said = provenance_text(bundle, lang, on, notice=True)
        return "\n\n".join(
            p for p in (head, "Steps:\n" + numbered(steps), tail, said) if p
        )
    head = (
        f"{bundle.name}\n{bundle.summary}\n\n一次申请即可办理：{'、'.join(services)}。"
    )
    tail = f"网上办理入口：{bundle.online_url}" if bundle.online_url else ""
    said = provenance_text(bundle, lang, on, notice=True)
    return "\n\n".join(
        p for p in (head, "办理步骤：\n" + numbered(steps), tail, said) if p
    )


UNAVAILABLE = {
    "zh": "抱歉，系统暂时繁忙，请稍后再试，或直接拨打12345由人工为您服务。",
    "en": "Sorry, the assistant is busy right now. Please try again in a moment, or call 12345 to speak to an agent.",
}
WITH_AGENT = {
    "zh": "您的消息已转给人工客服，请稍候，工作人员会在这里回复您。",
    "en": "Your message has been passed to a hotline agent, who will reply here shortly.",
}


def not_held_answer(name: str, lang: str = "zh", offers_related: bool = False) -> str:
    """The honest answer when the catalogue has no guide for the service named.

    Another service's guide is never given in its place: a related one may only be offered
    as a choice, which the caller adds.
    """
    portal = official_portal()
    if lang == "en":
        return (
            f'Sorry, our guides do not cover "{name}" yet, so I cannot tell you how to '
            f"apply for it. You can search for it on the {portal.name_en} "
            f"({portal.url}), or talk to a hotline agent, who can look it up for you."
            + (
                " If you meant one of the services below, choose it."
                if offers_related
                else ""
            )
        )
    return (
        f"抱歉，目前办事指南库暂未收录“{name}”，无法为您准确解答。"
        f"建议您登录{portal.name_zh}（{portal.url}）搜索该事项，"
        "也可以转人工，由热线工作人员为您查询。"
        + ("如果您要问的是下列事项，请点击选择。" if offers_related else "")
    )

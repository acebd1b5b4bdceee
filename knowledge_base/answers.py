"""Guidance answers as citizens read them, in Chinese or English.

The assistant, the agent console's suggestions and the API all speak through these
functions, so a service is explained the same way wherever it is asked about.
"""

from __future__ import annotations

from knowledge_base.guidance import Material, materials_of, steps_of, time_limit_text
from knowledge_base.models import Bundle, Office, Service
from knowledge_base.portal import official_portal

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


def answer(
    service: Service, aspect: str, lang: str = "zh", office: Office | None = None
) -> str:
    """The answer about one aspect of a service; ``office`` is the citizen's district centre."""
    english = lang == "en"
    name = service_name(service, lang)
    if aspect == "materials":
        materials = materials_of(service, lang)
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
        fees = (service.fees_en or service.fees) if english else service.fees
        return f"{name} — fees: {fees}" if english else f"{name}的收费标准：{fees}"
    if aspect == "time":
        limit = time_limit_text(service, lang)
        return (
            f"{name} — time limit: {ended(limit, '.')}"
            if english
            else f"{name}的办理时限：{ended(limit, '。')}"
        )
    if aspect == "location":
        return _location(service, english, office)
    if aspect == "hours":
        hours = service.hours or (office.hours if office else None)
        if office is not None:
            office_hours = (
                (office.hours_en or office.hours) if english else office.hours
            )
            hours = (
                f"{hours}; {office.name_en if english else office.name}: {office_hours}"
                if service.hours
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
            (service.eligibility_en or service.eligibility)
            if english
            else service.eligibility
        )
        return (
            f"Who can apply for {name}: {eligibility}"
            if english
            else f"{name}的申请条件：{eligibility}"
        )
    if aspect == "online":
        return _online(service, english)
    return _overview(service, english)


def _material_line(material: Material, english: bool) -> str:
    count = f" ×{material.count}" if material.count > 1 else ""
    optional = (
        "" if material.required else (" (if applicable)" if english else "（如适用）")
    )
    notes = f" — {material.notes}" if material.notes and not english else ""
    if english:
        return f"{material.name} ({material.form}{count}){optional}"
    return f"{material.name}（{material.form}{count}）{optional}{notes}"


def _overview(service: Service, english: bool) -> str:
    lang = "en" if english else "zh"
    name = service_name(service, lang)
    summary = (service.summary_en or service.summary) if english else service.summary
    steps = [
        f"{s.title}: {s.detail}" if english else f"{s.title}：{s.detail}"
        for s in steps_of(service, lang)
    ]
    parts = [f"{name}\n{summary}"]
    if steps:
        parts.append(
            ("How to apply:\n" if english else "办理步骤：\n") + numbered(steps)
        )
    parts.append(_online(service, english))
    parts.append(
        "Ask me about documents, fees, time limits or where to go."
        if english
        else "您还可以问我：要带什么材料、收不收费、多久办好、去哪里办。"
    )
    parts.append(
        f"Source: {service.source}. {SAMPLE_NOTICE_EN}"
        if english
        else f"信息来源：{service.source}。{service.notice}"
    )
    return "\n\n".join(parts)


def _online(service: Service, english: bool) -> str:
    if service.online_available and service.online_url:
        return (
            f"You can apply online: {service.online_url}"
            if english
            else f"可以在网上办理：{service.online_url}（也可在“随申办”App搜索办理）"
        )
    if service.online_url:
        return (
            f"Online information and booking: {service.online_url}; the application itself is made in person."
            if english
            else f"可先在网上查询或预约：{service.online_url}，申请需到现场办理。"
        )
    return "This service is handled in person." if english else "该事项需要到现场办理。"


def _location(service: Service, english: bool, office: Office | None) -> str:
    where = (
        (service.offline_where_en or service.offline_where)
        if english
        else service.offline_where
    )
    lines = [
        f"Where to apply for {service.name_en or service.name}: {where}"
        if english
        else f"{service.name}的办理地点：{where}"
    ]
    if office is not None:
        if english:
            lines.append(
                f"In your district: {office.name_en}, {office.address_en or office.address} ({office.hours_en or office.hours}; tel. {office.phone})."
            )
        else:
            lines.append(
                f"您所在区的{office.name}：{office.address}（{office.hours}，电话{office.phone}）。"
            )
    lines.append(_online(service, english))
    return "\n".join(lines)


def bundle_answer(bundle: Bundle, lang: str = "zh") -> str:
    """A bundle explained as one journey: what it covers, then its combined steps."""
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
        return "\n\n".join(
            p for p in (head, "Steps:\n" + numbered(steps), tail, SAMPLE_NOTICE_EN) if p
        )
    head = (
        f"{bundle.name}\n{bundle.summary}\n\n一次申请即可办理：{'、'.join(services)}。"
    )
    tail = f"网上办理入口：{bundle.online_url}" if bundle.online_url else ""
    return "\n\n".join(
        p for p in (head, "办理步骤：\n" + numbered(steps), tail, bundle.notice) if p
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

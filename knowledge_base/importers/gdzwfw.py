"""Import of Guangdong's government-service portal catalogue (广东政务服务网, JSON lines).

An operator's catalogue rarely matches our model. This maps the portal's fields onto it:
``matter_name`` → name, ``DEPT_NAME``/``ORGCODE`` → department, ``accept_standard`` →
eligibility, ``material_intro`` (a string or a list) → materials, ``handle_time`` such as
"20(工作日)" → statutory days, and so on. The portal has no step-by-step field, so no steps
are invented. Records that cannot be mapped are reported by line and reason; the rest
import in one transaction, keyed by the portal's stable ``TASK_CODE``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from foundation.errors import CatalogueError
from knowledge_base.catalogue import (
    Audience,
    Catalogue,
    DepartmentRecord,
    MaterialRecord,
    ServiceRecord,
)

NOTICE = "本事项导入自广东政务服务网公开数据，具体以广东政务服务网官方办事指南为准。"
_EMPTY = {"", "无", "暂无", "null", "None"}
_DAYS = re.compile(r"^\s*(\d+)\s*[（(]\s*(工作日|自然日|日|天)\s*[)）]\s*$")
_MATERIAL_SPLIT = re.compile(r"[\n；;]+|(?<=[。])\s*|\s*\d+[、.．]\s*")
_LOCATION_PREFIX = re.compile(r"^\s*办理地点[:：]\s*")


def read_catalogue(path: Path) -> tuple[Catalogue, list[str]]:
    """Map every line of the file; return the catalogue and the rejected lines' reasons.

    Raises:
        CatalogueError: the file itself cannot be read (missing, not UTF-8).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise CatalogueError(
            [f"{path.name}: not UTF-8 text ({exc.reason} at byte {exc.start})"]
        ) from exc
    except OSError as exc:
        raise CatalogueError([f"{path.name}: cannot read ({exc.strerror})"]) from exc

    departments: dict[str, DepartmentRecord] = {}
    services: dict[str, ServiceRecord] = {}
    rejected: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            department, service = map_record(raw)
        except (ValueError, KeyError, ValidationError) as exc:
            rejected.append(f"line {number}: {_reason(exc)}")
            continue
        if service.code in services:
            rejected.append(
                f"line {number}: duplicate TASK_CODE {raw.get('TASK_CODE')}"
            )
            continue
        departments.setdefault(department.code, department)
        services[service.code] = service
    return Catalogue(
        departments=list(departments.values()), services=list(services.values())
    ), rejected


def map_record(raw: dict[str, Any]) -> tuple[DepartmentRecord, ServiceRecord]:
    task_code = _text(raw.get("TASK_CODE"))
    name = _text(raw.get("matter_name")) or _text(raw.get("TASK_NAME"))
    department_name = _text(raw.get("DEPT_NAME"))
    org_code = _text(raw.get("ORGCODE"))
    for field, value in (
        ("TASK_CODE", task_code),
        ("matter_name", name),
        ("DEPT_NAME", department_name),
        ("ORGCODE", org_code),
    ):
        if not value:
            raise ValueError(f"{field} is missing")
    assert task_code and name and department_name and org_code  # checked just above
    department = DepartmentRecord(code=f"gd-{org_code.lower()}", name=department_name)
    statutory = _days(raw.get("handle_time"), "handle_time")
    promised = _days(raw.get("handle_time_limit"), "handle_time_limit")
    if statutory is not None and promised is not None and promised > statutory:
        promised = None
    themes = [t for t in raw.get("theme_category") or [] if _text(t) and t != "其他"]
    kind = (
        _text(raw.get("TASK_TYPE_TEXT")) or _text(raw.get("matter_type")) or "政务服务"
    )
    location = _LOCATION_PREFIX.sub("", _text(raw.get("handle_location")) or "")
    short_name = _text(raw.get("matter_short"))
    service = ServiceRecord(
        code=f"gd-{task_code.lower()}",
        name=name,
        department=department.code,
        category=themes[0] if themes else kind,
        audience=_audience(raw.get("service_object_name") or []),
        region=_text(raw.get("AREA_CODE_TEXT")) or "广东省",
        aliases=[
            a for a in {short_name, _text(raw.get("TASK_NAME"))} - {name, None} if a
        ],
        keywords=themes,
        summary=f"{kind}事项，由{department_name}办理。",
        eligibility=_text(raw.get("accept_standard")) or "",
        materials=[
            MaterialRecord(name=m) for m in _materials(raw.get("material_intro"))
        ],
        fees="请以官方办事指南为准",
        is_free=False,
        statutory_days=statutory,
        promised_days=promised,
        time_limit_note=_time_note(raw),
        online_url=_text(raw.get("URL")),
        online_available=_text(raw.get("ONLINECHECK")) == "1",
        offline_where=location
        if location and location != "无线下办理窗口"
        else "无线下办理窗口，请在网上办理",
        phone=_text(raw.get("consult_phone")),
        source=f"广东政务服务网（事项编码 {task_code}）",
        source_url=_text(raw.get("URL")),
        notice=NOTICE,
        updated_at=_published(raw),
    )
    return department, service


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in _EMPTY else text


def _days(value: Any, field: str) -> int | None:
    text = _text(value)
    if text is None:
        return None
    match = _DAYS.match(text)
    if not match:
        raise ValueError(f"{field} {text!r} is not a time limit such as '20(工作日)'")
    return int(match.group(1))


def _time_note(raw: dict[str, Any]) -> str | None:
    parts = []
    if _text(raw.get("handle_time")):
        parts.append(f"法定办结时限：{raw['handle_time']}")
    if _text(raw.get("handle_time_limit")):
        parts.append(f"承诺办结时限：{raw['handle_time_limit']}")
    return "；".join(parts) or None


def _materials(value: Any) -> list[str]:
    if isinstance(value, list):
        items = [_text(item) for item in value]
    else:
        items = [_text(part) for part in _MATERIAL_SPLIT.split(_text(value) or "")]
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item[:300], None)
    return list(seen)


def _audience(objects: list[str]) -> Audience:
    people = "自然人" in objects
    organisations = any(o != "自然人" for o in objects)
    if people and organisations:
        return "both"
    return "enterprise" if organisations else "individual"


def _published(raw: dict[str, Any]) -> dt.date:
    """The MongoDB ObjectId of the record starts with the time it was stored."""
    oid = (
        (raw.get("_id") or {}).get("$oid", "")
        if isinstance(raw.get("_id"), dict)
        else ""
    )
    if re.fullmatch(r"[0-9a-f]{24}", oid):
        return dt.datetime.fromtimestamp(int(oid[:8], 16), tz=dt.timezone.utc).date()
    return dt.date.today()


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg})"
    return str(exc)

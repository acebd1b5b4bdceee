"""Reading the statistics bureau's list of Shanghai's streets and towns (CSV).

The file has one row per township-level division: ``code`` (nine digits),
``name``, ``district_code`` (the code's first six digits) and ``district``; the list
in ``shared/data/shanghai_divisions`` is one. Every problem is reported with its line,
so an operator fixes a file in one pass and nothing is half-imported.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from foundation.errors import CatalogueError
from knowledge_base.divisions import DivisionRecord

COLUMNS = ("code", "name", "district_code", "district")
_TOWNSHIP_CODE = re.compile(r"\d{9}")
_DISTRICT_CODE = re.compile(r"31\d{4}")


def read_divisions(path: Path) -> list[DivisionRecord]:
    """The divisions a CSV file lists.

    Raises:
        CatalogueError: the file cannot be read, lacks a column, or has rows that are
            not divisions of Shanghai; every problem is listed.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.DictReader(file)
            rows = list(reader)
            header = reader.fieldnames or ()
    except UnicodeDecodeError as exc:
        raise CatalogueError([f"{path.name}: not UTF-8 text ({exc.reason})"]) from exc
    except OSError as exc:
        raise CatalogueError([f"{path.name}: cannot read ({exc.strerror})"]) from exc
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise CatalogueError([f"{path.name}: no column {', '.join(missing)}"])

    records: list[DivisionRecord] = []
    problems: list[str] = []
    district_names: dict[str, str] = {}
    for line, row in enumerate(rows, start=2):
        record = DivisionRecord(
            **{column: (row[column] or "").strip() for column in COLUMNS}
        )
        problem = _problem(record, district_names.get(record.district_code))
        if problem:
            problems.append(f"{path.name} line {line}: {problem}")
            continue
        district_names[record.district_code] = record.district
        records.append(record)
    seen: set[str] = set()
    for record in records:
        if record.code in seen:
            problems.append(f"{path.name}: code {record.code} is listed twice")
        seen.add(record.code)
    if not records and not problems:
        problems.append(f"{path.name}: no divisions")
    if problems:
        raise CatalogueError(problems)
    return records


def _problem(record: DivisionRecord, known_district: str | None) -> str | None:
    if not _TOWNSHIP_CODE.fullmatch(record.code):
        return f"code {record.code!r} is not nine digits"
    if not _DISTRICT_CODE.fullmatch(record.district_code):
        return f"district code {record.district_code!r} is not one of Shanghai's"
    if not record.code.startswith(record.district_code):
        return f"code {record.code} is not in district {record.district_code}"
    if not record.name or not record.district:
        return "a name is empty"
    if known_district is not None and known_district != record.district:
        return (
            f"district {record.district_code} is called both {known_district} "
            f"and {record.district}"
        )
    return None

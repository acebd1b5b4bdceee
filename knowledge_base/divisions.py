"""Shanghai's official list of districts and streets (街道/镇), kept in the database.

The statistics bureau's township-level list is what every location resolves to, by
code. Streets merge and are renamed now and then, so each imported list keeps its
source and the date it describes: importing the same edition again changes only what
differs, and an edition describing a later date becomes the current one without
erasing the older.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from foundation import clock
from knowledge_base.models import Division
from knowledge_base.offices import sync_street_centres
from knowledge_base.repositories.catalogue_revision import mark_catalogue_changed
from knowledge_base.repositories.divisions import (
    add_division_list,
    current_list_version,
    get_division_list,
)

# Lists imported by this process. What it derives from the current list (the locator)
# follows its own imports at once and other processes' within the catalogue check
# interval: see ``locations``.
_imports_here = 0


def imports_made_here() -> int:
    """How many imports this process has made that changed a list."""
    return _imports_here


@dataclass(frozen=True)
class DivisionRecord:
    """A street, town or township-level zone as the official list gives it."""

    code: str  # 310104014
    name: str  # 徐家汇街道
    district_code: str  # 310104
    district: str  # 徐汇区


@dataclass(frozen=True)
class ImportedList:
    """What an import did, for the operator who ran it."""

    source: str
    as_of: dt.date
    added: int
    changed: int
    removed: int
    current: bool


def import_divisions(
    session: Session,
    records: Iterable[DivisionRecord],
    *,
    source: str,
    as_of: dt.date,
) -> ImportedList:
    """Stores one edition of the list in the caller's transaction.

    Args:
        records: The list's divisions, already checked (``importers.divisions``).
        source: Where the list comes from, e.g. the publisher and the compilation.
        as_of: The date the list describes (not the day of the import).

    Returns:
        How many divisions were added, changed and removed against the same edition
        imported before (all added the first time), and whether it is now current.
    """
    division_list = get_division_list(session, source, as_of)
    if division_list is None:
        division_list = add_division_list(session, source, as_of, clock.now())
    stored = {division.code: division for division in division_list.divisions}
    wanted = {record.code: record for record in records}
    added = changed = 0
    for code, record in wanted.items():
        division = stored.get(code)
        if division is None:
            division_list.divisions.append(_division(record))
            added += 1
        elif _record(division) != record:
            division.name = record.name
            division.district_code = record.district_code
            division.district = record.district
            changed += 1
    removed = [division for code, division in stored.items() if code not in wanted]
    for division in removed:
        division_list.divisions.remove(division)
    if stored and (added or changed or removed):
        # Processes rebuild what they derived from the list when this time changes.
        division_list.imported_at = clock.now()
    session.flush()
    # Each street's community centre is derived from the current list; answers that
    # name one are rebuilt by every process when the catalogue's revision moves.
    sync_street_centres(session)
    if added or changed or removed:
        mark_catalogue_changed(session)
        global _imports_here
        _imports_here += 1
    current = current_list_version(session)
    return ImportedList(
        source=source,
        as_of=as_of,
        added=added,
        changed=changed,
        removed=len(removed),
        current=current is not None and current[0] == division_list.id,
    )


def _division(record: DivisionRecord) -> Division:
    return Division(
        code=record.code,
        name=record.name,
        district_code=record.district_code,
        district=record.district,
    )


def _record(division: Division) -> DivisionRecord:
    return DivisionRecord(
        code=division.code,
        name=division.name,
        district_code=division.district_code,
        district=division.district,
    )

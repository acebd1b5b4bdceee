"""A centre's archive of routed messages, read for training whatever form it comes in.

Centres export their past work orders as they can: a ``text<TAB>label`` dump, a
spreadsheet saved as CSV, or JSON lines from another system. Each line's label is one
of our work-order category codes or one of the top-level category names, and one archive
uses one kind throughout, so the model learns either the fine categories or the top level.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

TEXT_COLUMNS = ("text", "description", "content", "title", "诉求", "内容")
LABEL_COLUMNS = ("label", "category", "category_code", "top_level", "类别", "分类")
MAX_TEXT_CHARS = 5000


@dataclass(frozen=True)
class Archive:
    texts: list[str]
    labels: list[str]
    # "category" when the labels are work-order codes, "top_level" when they are names.
    label_kind: str
    source: str


class ArchiveError(ValueError):
    """The archive cannot be read: the message names the file and the line."""


def read_archive(
    path: Path,
    category_codes: Collection[str],
    top_level_names: Collection[str],
    label_names: dict[str, str] | None = None,
) -> Archive:
    """The labelled messages of an archive file (``.tsv``/``.txt``, ``.csv``, ``.jsonl``).

    Args:
        label_names: maps labels as written (ids such as "3") to a code or a name first.

    Raises:
        ArchiveError: unreadable, no messages, a label neither a code nor a name, or
            codes and names mixed.
    """
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ArchiveError(f"{path}: cannot read it as UTF-8 text ({error})") from error
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(path, raw)
    elif suffix in (".jsonl", ".json", ".ndjson"):
        rows = _json_rows(path, raw)
    else:
        rows = _tsv_rows(path, raw)
    names = label_names or {}
    texts, labels, kinds = [], [], set()
    for where, text, label in rows:
        text = " ".join(text.split())[:MAX_TEXT_CHARS]
        label = names.get(label.strip(), label.strip())
        if not text:
            continue
        if label in category_codes:
            kinds.add("category")
        elif label in top_level_names:
            kinds.add("top_level")
        else:
            raise ArchiveError(
                f"{where}: label {label!r} is neither a work-order category code nor "
                f"a top-level category ({', '.join(sorted(top_level_names))})"
            )
        texts.append(text)
        labels.append(label)
    if not texts:
        raise ArchiveError(f"{path}: no labelled messages")
    if len(kinds) > 1:
        raise ArchiveError(
            f"{path}: mixes category codes and top-level names; use one kind"
        )
    return Archive(texts, labels, kinds.pop(), path.name)


def read_label_names(path: Path) -> dict[str, str]:
    """An ``id<TAB>name`` file (a header line is skipped) as a mapping."""
    names = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        key, tab, name = line.partition("\t")
        if tab and key.strip() != "id":
            names[key.strip()] = name.strip()
    return names


def _tsv_rows(path: Path, raw: str) -> list[tuple[str, str, str]]:
    rows = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        text, tab, label = line.rpartition("\t")
        if not tab:
            raise ArchiveError(f"{path}:{number}: expected text<TAB>label")
        rows.append((f"{path}:{number}", text, label))
    return rows


def _column(path: Path, fields: Collection[str], wanted: tuple[str, ...]) -> str:
    for name in wanted:
        if name in fields:
            return name
    raise ArchiveError(
        f"{path}: no column named {' or '.join(wanted)} (found {', '.join(fields)})"
    )


def _csv_rows(path: Path, raw: str) -> list[tuple[str, str, str]]:
    reader = csv.DictReader(io.StringIO(raw))
    fields = [f.strip() for f in reader.fieldnames or []]
    reader.fieldnames = fields
    text_column = _column(path, fields, TEXT_COLUMNS)
    label_column = _column(path, fields, LABEL_COLUMNS)
    return [
        (f"{path}:{number}", row[text_column] or "", row[label_column] or "")
        for number, row in enumerate(reader, 2)
    ]


def _json_rows(path: Path, raw: str) -> list[tuple[str, str, str]]:
    rows = []
    for number, line in enumerate(raw.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise ArchiveError(f"{path}:{number}: not JSON ({error.msg})") from error
        if not isinstance(record, dict):
            raise ArchiveError(f"{path}:{number}: expected an object per line")
        text_key = _column(path, record, TEXT_COLUMNS)
        label_key = _column(path, record, LABEL_COLUMNS)
        rows.append((f"{path}:{number}", str(record[text_key]), str(record[label_key])))
    return rows

"""Tables as CSV files a manager opens in Excel: UTF-8 with a BOM, and no formulas.

Excel reads a CSV file without a byte-order mark in the system's code page (GBK on a
Chinese Windows), which garbles every Chinese header and unit name; the BOM makes it
read UTF-8. A cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return, which Excel strips before looking) is taken for a formula, so a unit or
category name crafted as ``=HYPERLINK(…)`` would run on the manager's machine (CSV
injection, OWASP): such text cells get a leading apostrophe, which Excel shows as
text. Numbers are ours, not anyone's text, and stay numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence

from fastapi.responses import Response

BOM = "\ufeff"
MEDIA_TYPE = "text/csv; charset=utf-8"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | dt.date | None


def cell(value: Cell) -> str | int | float:
    """One value as the file holds it: text that could be a formula defused."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> Response:
    """A download of ``rows`` under ``header``, named ``filename`` (ASCII)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([cell(h) for h in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type=MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )

"""The real citizen messages of the TipDM 2020 board (``../shared/data/tipdm2020``):
titles, bodies, and the board's subjects and bodies, for tests that a rule reads none
of them wrongly. Read from the shared folder, never copied into the repository."""

from __future__ import annotations

from collections.abc import Iterator

from tests.conftest import SHARED_DATA_DIR

TIPDM_DIR = SHARED_DATA_DIR / "tipdm2020"


def real_citizen_messages() -> Iterator[str]:
    """Every title and body, without its label or the board's header and columns."""
    for name in ("train.tsv", "dev.tsv", "dev_bodies.tsv"):
        for line in (TIPDM_DIR / name).read_text(encoding="utf-8").splitlines():
            yield line.rsplit("\t", 1)[0]
    rows = (TIPDM_DIR / "board_messages.tsv").read_text(encoding="utf-8").splitlines()
    for row in rows[1:]:
        fields = row.split("\t")
        if len(fields) >= 4:
            yield fields[2]
            yield fields[3]

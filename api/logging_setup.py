"""Logs never carry personal data: every record is masked before any handler sees it."""

from __future__ import annotations

from privacy.logs import mask_personal_data_in_logs


def install_masking() -> None:
    """Mask every record of the gateway's process, uvicorn's access log included.

    A filter on the root logger's and uvicorn's handlers did it before; it missed the
    records of other loggers that reach handlers made later, and it took uvicorn's
    access records' arguments away, which uvicorn's formatter reads back
    (``privacy/logs.py``).
    """
    mask_personal_data_in_logs()

"""Logs never carry personal data: every record is masked before any handler sees it."""

from __future__ import annotations

import logging

from privacy.identity import mask_personal_data


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str):
            record.msg = mask_personal_data(record.msg)
        return True


def install_masking() -> None:
    """Mask on the root logger's handlers and on uvicorn's, whose access log shows URLs."""
    masking = MaskPersonalData()
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "api"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskPersonalData) for f in logger.filters):
            logger.addFilter(masking)
        for handler in logger.handlers:
            if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
                handler.addFilter(masking)

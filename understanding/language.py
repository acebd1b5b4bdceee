"""Which language to answer in: the citizen's own."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str, default: str = "zh") -> str:
    """``en`` for text written in English alone; Chinese, mixed or empty text keeps ``default``.

    Mixed text ("我的residence permit快到期了") is a Chinese speaker using an English term.
    """
    text = text or ""
    if text.startswith("/"):
        return default
    if _CJK.search(text):
        return "zh"
    return "en" if _LATIN.search(text) else default

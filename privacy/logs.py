"""Logs never carry personal data: every log record is masked as it is made.

Each process (the gateway, Rasa, the action server) calls ``mask_personal_data_in_logs``
once as it starts. It wraps the logging module's record factory, so every record of
every logger is masked (``identity.mask_personal_data``) before any filter, handler or
formatter sees it, whichever handlers the framework adds afterwards: Rasa sets up its
own (and structlog's, which renders its events into the records of the standard
library) only once its command runs. A filter on a handler would miss the handlers
made after it, and one on a logger the records of its children.

Only records at a level that is logged are made, so what is not logged costs nothing;
a record costs its message formatted and searched once more: 7 µs for an access-log
line, 15 to 40 µs for one of Rasa's JSON lines.

A record keeps its arguments when masking them one by one masks its message: uvicorn's
access log reads its five arguments back, and would fail on a record without them.
A traceback logged with a record is formatted and masked with it. JSON whose non-ASCII
is escaped (Rasa's structlog lines when its output is not a terminal) is read with
its escapes undone: ``"\\u662f310104…"`` hides the number behind a letter.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from privacy.identity import find_personal_data, mask_personal_data

_MARK = "_masks_personal_data"


def mask_personal_data_in_logs() -> None:
    """Mask every log record this process makes from now on; again, it does nothing."""
    made = logging.getLogRecordFactory()
    if getattr(made, _MARK, False):
        return

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = made(*args, **kwargs)
        mask_record(record)
        return record

    setattr(masked_record, _MARK, True)
    logging.setLogRecordFactory(masked_record)


def mask_record(record: logging.LogRecord) -> None:
    """Mask the personal data in a record's message, traceback and stack, in place."""
    try:
        message = record.getMessage()
    except (TypeError, ValueError, KeyError):
        return  # a broken format is reported by the handler, as it would have been
    if ("web:" in message or "mp:" in message) and _SIGNATURE.search(message):
        _hide_session_signatures(record)
        message = record.getMessage()
    if "\\u" in message:
        # JSON with its non-ASCII escaped, as Rasa logs when its output is no terminal:
        # "\u662f310104…" hides a number behind a letter, and names from their intro.
        readable = _unescaped(message)
        if find_personal_data(readable):
            record.msg, record.args = mask_personal_data(readable), ()
    elif find_personal_data(message):
        _mask_message(record, message)
    if record.exc_info and not record.exc_text:
        # What a formatter would print, masked; formatters print exc_text when set.
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_personal_data(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_personal_data(record.stack_info)


# A chat session's token (privacy.chat_sessions) reads its transcript: its id and day
# may be logged, to follow a conversation, its signature never. A poll's path has it.
_SIGNATURE = re.compile(
    r"((?:web|mp):[A-Za-z0-9_-]{22}\.[0-9]{1,6}\.)[A-Za-z0-9_-]{22}"
)


def _hide_session_signatures(record: logging.LogRecord) -> None:
    def hidden(value: object) -> object:
        return _SIGNATURE.sub(r"\1***", value) if isinstance(value, str) else value

    record.msg = hidden(record.msg)
    if isinstance(record.args, tuple):
        record.args = tuple(hidden(arg) for arg in record.args)


def _mask_message(record: logging.LogRecord, message: str) -> None:
    args = record.args
    if isinstance(record.msg, str) and isinstance(args, tuple) and args:
        masked_args = tuple(_masked(arg) for arg in args)
        masked_format = mask_personal_data(record.msg)
        try:
            if not find_personal_data(masked_format % masked_args):
                record.msg, record.args = masked_format, masked_args
                return
        except (TypeError, ValueError):
            pass
    # Personal data made of the format and an argument together, or in an argument
    # that is no text (a phone number as an int): the message, masked, without them.
    record.msg, record.args = mask_personal_data(message), ()


# An escaped backslash (kept as it is: a "u4e00" after it is text), a surrogate pair,
# or one escaped character.
_ESCAPE = re.compile(
    r"\\\\|\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|\\u[0-9a-fA-F]{4}"
)


def _unescaped(text: str) -> str:
    """JSON's ``\\uXXXX`` escapes of characters beyond ASCII as those characters: the
    same JSON, readable; quotes, backslashes and control characters stay escaped."""
    return _ESCAPE.sub(_character, text)


def _character(escape: re.Match[str]) -> str:
    written = escape.group()
    if len(written) == 12:
        high, low = int(written[2:6], 16), int(written[8:12], 16)
        return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    if len(written) == 6:
        code = int(written[2:], 16)
        if code >= 0x80 and not 0xD800 <= code <= 0xDFFF:
            return chr(code)
    return written


def _masked(arg: object) -> object:
    return mask_personal_data(arg) if isinstance(arg, str) else arg

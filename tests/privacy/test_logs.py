"""Every log record of a process is masked as it is made, whoever prints it."""

from __future__ import annotations

import io
import json
import logging

import pytest
from uvicorn.logging import AccessFormatter

from privacy.logs import mask_personal_data_in_logs

ID_NUMBER = "310104199001011233"
PHONE = "13912345678"


@pytest.fixture
def masking(monkeypatch):
    """Records masked for this test only: the record factory is put back after it."""
    monkeypatch.setattr(logging, "_logRecordFactory", logging.getLogRecordFactory())
    mask_personal_data_in_logs()


def _logger(name: str, formatter: logging.Formatter | None = None):
    """A logger with a handler made now, after masking was put in place."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter or logging.Formatter("%(message)s"))
    logger = logging.getLogger(name)
    logger.handlers = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, out


def test_mask_personal_data_in_logs_masks_loggers_and_handlers_made_afterwards(
    masking,
):
    logger, out = _logger("tests.privacy.later")
    logger.debug("我的身份证号是%s，电话%s", ID_NUMBER, PHONE)
    logger.info("payload %s", {"id_number": ID_NUMBER})
    printed = out.getvalue()
    assert ID_NUMBER not in printed and PHONE not in printed
    assert "310104********1233" in printed and "139****5678" in printed


def test_mask_personal_data_in_logs_masks_a_number_given_as_an_int(masking):
    logger, out = _logger("tests.privacy.int")
    logger.warning("callback to %d", int(PHONE))
    assert out.getvalue() == "callback to 139****5678\n"


def test_mask_personal_data_in_logs_masks_tracebacks(masking):
    logger, out = _logger("tests.privacy.traceback")
    try:
        raise ValueError(f"not an ID number: {ID_NUMBER}")
    except ValueError:
        logger.exception("validation failed")
    printed = out.getvalue()
    assert "Traceback" in printed and "310104********1233" in printed
    assert ID_NUMBER not in printed


def test_uvicorns_access_log_keeps_its_arguments_and_is_masked(masking):
    """uvicorn's formatter reads the record's five arguments back: a record whose
    arguments were merged into its message failed to print ("--- Logging error ---")."""
    logger, out = _logger(
        "tests.privacy.access",
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'),
    )
    logger.info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:50000",
        "GET",
        f"/api/v1/callbacks?phone={PHONE}",
        "1.1",
        200,
    )
    assert out.getvalue() == (
        '127.0.0.1:50000 - "GET /api/v1/callbacks?phone=139****5678 HTTP/1.1" 200 OK\n'
    )


def test_records_without_personal_data_are_left_as_they_were_made(masking):
    record = logging.getLogger("tests.privacy.plain").makeRecord(
        "tests.privacy.plain",
        logging.INFO,
        __file__,
        1,
        "order %s due %s",
        ("GD1", "2026-12-20"),
        None,
    )
    assert (record.msg, record.args) == ("order %s due %s", ("GD1", "2026-12-20"))


def test_mask_personal_data_in_logs_twice_masks_once(masking):
    factory = logging.getLogRecordFactory()
    mask_personal_data_in_logs()
    assert logging.getLogRecordFactory() is factory


def test_json_with_escaped_chinese_is_read_unescaped_and_masked(masking):
    """Rasa's structlog lines off a terminal: "\\u662f310104…" puts a letter before
    the number, which alone would keep it from being masked."""
    logger, out = _logger("tests.privacy.json")
    logger.debug(json.dumps({"text": f"我叫张伟，身份证号是{ID_NUMBER}", "event": "x"}))
    printed = out.getvalue()
    assert ID_NUMBER not in printed and "张伟" not in printed
    assert json.loads(printed) == {
        "text": "我叫张*，身份证号是310104********1233",
        "event": "x",
    }


def test_a_chat_sessions_signature_never_reaches_the_access_log(masking):
    """A poll's path carries the token that reads the transcript: the log keeps the
    conversation's id and day, to follow it, and hides the signature."""
    from privacy.chat_sessions import WEB, new_session

    session = new_session(WEB)
    logger, out = _logger(
        "tests.privacy.poll",
        AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s'),
    )
    logger.info(
        '%s - "%s %s HTTP/%s" %d',
        "127.0.0.1:50000",
        "GET",
        f"/api/v1/chat/{session.token}/messages?after=3",
        "1.1",
        200,
    )
    id_and_day, signature = session.token.rsplit(".", 1)
    assert signature not in out.getvalue()
    assert f"GET /api/v1/chat/{id_and_day}.***/messages?after=3 HTTP/1.1" in (
        out.getvalue()
    )

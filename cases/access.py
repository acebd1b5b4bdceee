"""Who may read a case by its number: its owner with proof, staff with their token.

A tracking number is written on receipts and read out on the phone, so it is not a
password. A citizen reads an application or a work order with its number and proof:

- the last four digits of the mobile number given when filing, or
- for a record filed without a phone (an anonymous work order), the query code it was
  given at filing (``issue_query_code``): eight random digits, shown once, of which
  only a keyed hash is kept (``privacy.encryption.lookup_hash``, under a key derived
  from the settings' secret key; changing the secret voids the codes).

``open_case`` answers a wrong proof exactly as an unknown number: the same
``NothingMatches`` (a ``NotFoundError`` whose message names no number), after the
same work (one indexed query for the proof's columns, two HMACs and a constant-time
comparison, against a dummy when there is no record).

Failures are counted per number, wherever they come from (the API, the chat, any
address): after ``rate_limit_per_case`` failures (5 in an hour, 10 in a day) the
number is refused with ``TooManyAttempts`` for everyone, the right proof included,
so that the limit tells nothing either; the owner's success starts the count again.
Each attempt is counted before it is checked, so parallel guesses get no more tries
than patient ones. The count lives where the gateway's rate limits do: in the
process in the embedded setup, in Redis (``HOTLINE_REDIS_URL``) in production, shared
by the gateways and the action server. If that store cannot be reached the number is
refused: a status question can wait, personal data cannot be guessed.

Odds for someone guessing: a number they know falls to 10 guesses a day out of 10**4
phone endings (1 in 1,000 a day), a query code to 10 out of 10**8 (1 in 10**7); a
guessed number (``cases.tracking``: 10**8 a day) exists about once in 10**4 tries on
a day with 10,000 cases, and needs the proof as well: about 1 in 10**8 a request.

Staff (agents and admins, signed in by ``privacy.auth``) read any record in full;
what each audience is shown is ``cases.disclosure``'s business.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import math
import re
import secrets
import threading
import time
from collections.abc import Callable

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy.orm import Session

from cases import tracking
from cases.applications import find_application
from cases.models import Application, WorkOrder
from cases.repositories import applications as application_repository
from cases.repositories import work_orders as work_order_repository
from cases.work_orders import find_work_order
from foundation.errors import NothingMatches, TooManyAttempts
from foundation.settings import Settings, get_settings
from privacy.encryption import derive_key, lookup_hash
from privacy.identity import fold_width, normalise_phone

logger = logging.getLogger(__name__)

PHONE_DIGITS = 4
QUERY_CODE_DIGITS = 8
# How long a call to the attempts' store (Redis) may take before the number is refused.
STORE_TIMEOUT_S = 2.0
_KIND_LABEL = {"application": "application", "work_order": "work order"}
# Compared against when there is no record, or no code: no proof ever matches it.
_NO_MATCH = secrets.token_hex(32)
_DUMMY_PHONE_END = "0000"


class AttemptLimit:
    """Attempts at proving a tracking number, counted in the rate limits' store.

    Each attempt is counted before its proof is looked at (``reserve``), atomically
    (a Lua script in Redis, a lock in the process), so that a burst of parallel
    guesses gets no more tries than a patient guesser; the owner's success forgets
    the number's count (``succeeded``), so what is limited is failures.

    Args:
        storage_url: ``memory://`` (one process) or ``redis://…`` (shared), as for the
            gateway's rate limits.
        limits: attempts allowed per number, one window or several, the shortest
            first: ``"5/hour;10/day"``.
        clock: seconds since the epoch, as the store counts them.
    """

    def __init__(
        self,
        storage_url: str,
        limits: str = "5/hour;10/day",
        clock: Callable[[], float] = time.time,
    ) -> None:
        options = {}
        if storage_url.startswith("redis"):
            options = {
                "socket_timeout": STORE_TIMEOUT_S,
                "socket_connect_timeout": STORE_TIMEOUT_S,
            }
        # The limiter keeps only a weak reference to its storage: hold it here.
        self._storage = storage_from_string(storage_url, **options)
        self._limiter = MovingWindowRateLimiter(self._storage)
        self._limits: list[RateLimitItem] = parse_many(limits)
        self._clock = clock
        # The in-process store checks and counts in two steps: one thread at a time.
        self._lock = threading.Lock()

    def reserve(self, number: str) -> int | None:
        """Count an attempt on ``number``; None if it may go ahead, else the seconds
        until one may. A store that cannot be reached refuses for the shortest window.
        """
        with self._lock:
            try:
                for limit in self._limits:
                    if not self._limiter.hit(limit, "case-proof", number):
                        reset, _ = self._limiter.get_window_stats(
                            limit, "case-proof", number
                        )
                        return max(1, math.ceil(reset - self._clock()))
            except Exception:  # noqa: BLE001 - a shared store (Redis) may be down
                logger.warning(
                    "case attempts' store unavailable; refusing", exc_info=True
                )
                return min(int(limit.get_expiry()) for limit in self._limits)
        return None

    def succeeded(self, number: str) -> None:
        """The owner proved ``number``: its count starts again."""
        try:
            for limit in self._limits:
                self._storage.clear(limit.key_for("case-proof", number))
        except Exception:  # noqa: BLE001 - a shared store (Redis) may be down
            logger.warning("case attempts' store unavailable", exc_info=True)


def attempt_limit(settings: Settings | None = None) -> AttemptLimit:
    """The limit the settings describe, in the store the gateway's rate limits use."""
    settings = settings or get_settings()
    return AttemptLimit(
        settings.redis_url or settings.rate_limit_storage_url,
        settings.rate_limit_per_case,
    )


@functools.lru_cache(maxsize=4)
def _hash_key(secret: str) -> bytes:
    # The secret key is any string; HKDF needs 32 bytes, so it is hashed to them first.
    return derive_key(hashlib.sha256(secret.encode("utf-8")).digest(), "case-query")


def _digest(value: str) -> str:
    return lookup_hash(value, _hash_key(get_settings().secret_key))


def issue_query_code(record: Application | WorkOrder) -> str | None:
    """A query code for a new record its owner cannot prove by phone, to show once.

    Only the code's keyed hash is stored on the record (the caller's transaction
    saves it). None for a record with a phone, and for one that already has a code:
    a retried filing returns the first record, whose code was shown the first time.
    """
    phone = record.phone if isinstance(record, Application) else record.contact_phone
    if phone or record.query_code_hash:
        return None
    code = f"{secrets.randbelow(10**QUERY_CODE_DIGITS):0{QUERY_CODE_DIGITS}d}"
    record.query_code_hash = _digest(code)
    return code


def proof_in(text: str) -> str | None:
    """The phone digits or the query code in what a citizen answered, or None.

    ``"尾号5678"`` gives ``"5678"``, a whole mobile number its last four digits,
    ``"查询码 4827 1903"`` ``"48271903"``; full width, spaces and dashes are ignored.
    """
    folded = re.sub(r"(?<=\d)[\s-]+(?=\d)", "", fold_width(text or ""))
    phone = re.search(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)", folded)
    if phone:
        return (normalise_phone(phone.group()) or phone.group())[-PHONE_DIGITS:]
    found = re.search(
        rf"(?<!\d)(\d{{{QUERY_CODE_DIGITS}}}|\d{{{PHONE_DIGITS}}})(?!\d)", folded
    )
    return found.group(1) if found else None


def open_case(
    session: Session,
    number: str,
    proof: str | None,
    attempts: AttemptLimit,
    *,
    kind: str | None = None,
) -> Application | WorkOrder:
    """The case ``number`` names, for its owner who gave ``proof``.

    Args:
        number: as the citizen typed it.
        proof: the last four digits of the phone given when filing, or the query code.
        attempts: where failures are counted per number.
        kind: ``"application"`` or ``"work_order"`` to accept only that kind.

    Raises:
        NothingMatches: the number is unknown, of another kind, or the proof is
            wrong; the same error, with the same message, whichever it is.
        TooManyAttempts: the number failed too often lately; nothing was looked at.
    """
    canonical = tracking.normalise_number(number)
    found_kind = tracking.kind_of(canonical) if canonical else None
    if canonical is None or found_kind is None or kind not in (None, found_kind):
        # Its shape or prefix already says that no such record exists.
        raise NothingMatches(_KIND_LABEL.get(kind or "", "case"))
    wait = attempts.reserve(canonical)
    if wait is not None:
        raise TooManyAttempts(canonical, wait)
    repository = (
        application_repository if found_kind == "application" else work_order_repository
    )
    held = repository.proof_columns(session, canonical)
    phone, code_hash = held if held is not None else (None, None)
    # The same two HMACs and one comparison whether or not the record exists.
    given = _digest(_canonical_proof(proof))
    by_phone = _digest((phone or _DUMMY_PHONE_END)[-PHONE_DIGITS:])
    expected = by_phone if phone else (code_hash or _NO_MATCH)
    matched = hmac.compare_digest(given.encode(), expected.encode())
    if not matched or held is None:
        raise NothingMatches(_KIND_LABEL[found_kind])
    attempts.succeeded(canonical)
    if found_kind == "application":
        return find_application(session, canonical)
    return find_work_order(session, canonical)


def open_application(
    session: Session, number: str, proof: str | None, attempts: AttemptLimit
) -> Application:
    """``open_case`` for an application only."""
    record = open_case(session, number, proof, attempts, kind="application")
    assert isinstance(record, Application)
    return record


def open_work_order(
    session: Session, number: str, proof: str | None, attempts: AttemptLimit
) -> WorkOrder:
    """``open_case`` for a work order only."""
    record = open_case(session, number, proof, attempts, kind="work_order")
    assert isinstance(record, WorkOrder)
    return record


def _canonical_proof(proof: str | None) -> str:
    return re.sub(r"[\s-]", "", fold_width(proof or ""))

"""One error hierarchy for the whole assistant.

    HotlineError
    ├── NotFoundError            a code or number that does not exist
    │   └── NothingMatches       no record matches a number and its proof
    ├── CatalogueError           an import file that cannot be loaded; lists every problem
    ├── ValidationFailed         a value a citizen or client gave is not acceptable
    ├── Forbidden                signed in, but this is someone else's to act on
    ├── TooManyAttempts          a record was tried with wrong proof too often lately
    └── ExternalServiceError     Rasa, the action server, WeChat or a department is down
        ├── ServiceTimeout
        ├── RateLimited          the service refuses for now: try again later
        └── OutsideReplyWindow   WeChat takes no more messages to this user until they write

Adapters map these to their own world: the API to HTTP status codes, actions to polite
responses. Nothing here is ever shown raw to a citizen.
"""

from __future__ import annotations


class HotlineError(Exception):
    """Base of every error the assistant raises on purpose."""


class NotFoundError(HotlineError):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class NothingMatches(NotFoundError):
    """No record matches a number and its proof. Said the same way whether the number
    is unknown or the proof wrong, and without the number: the answer depends on the
    record's existence in no way at all."""

    def __init__(self, kind: str) -> None:
        HotlineError.__init__(self, f"no {kind} matches this number and proof")
        self.kind = kind
        self.key = ""


class CatalogueError(HotlineError):
    """Raised with every problem found, so an operator fixes a file in one pass."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in the catalogue:\n" + "\n".join(problems)
        )
        self.problems = problems


class ValidationFailed(HotlineError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class Conflict(HotlineError):
    """The request was valid, but the record has moved on (another agent was first)."""


class Forbidden(HotlineError):
    """The member of staff is signed in but may not do this: the record is another's
    (a conversation another agent has taken). The message says whose, and who may."""


class TooManyAttempts(HotlineError):
    """Refused without looking: ``key`` failed too often, whoever asks and from where."""

    def __init__(self, key: str, retry_after_s: int) -> None:
        super().__init__(f"too many failed attempts for {key!r}")
        self.key = key
        self.retry_after_s = retry_after_s


class ExternalServiceError(HotlineError):
    def __init__(self, service: str, detail: str = "") -> None:
        super().__init__(f"{service} unavailable{': ' + detail if detail else ''}")
        self.service = service


class ServiceTimeout(ExternalServiceError):
    pass


class RateLimited(ExternalServiceError):
    """The service refuses calls for now (WeChat's 45009, 45047): nothing was sent, and
    the message is not at fault, so it waits for a later round without using a try."""


class OutsideReplyWindow(ExternalServiceError):
    """WeChat refuses a customer-service message more than 48 hours after the user last
    wrote (45015): no retry can succeed until they write again."""

"""What staff routes tell the audit log (``privacy.audit``): who was shown which
personal fields of which record, and from where.

A route that shows a citizen's personal data in clear to staff depends on
``staff_access`` and passes what it shows through it; a manager's read of the
performance figures goes through ``manager_access``. The entry is written in the
request's transaction, committed before the response leaves: nothing is shown that
is not logged.
"""

from __future__ import annotations

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.deps import get_db, require_agent, require_department, require_manager
from cases.disclosure import application_personal_fields, work_order_personal_fields
from cases.models import Application, WorkOrder
from privacy.audit import record_access
from privacy.auth import Staff
from privacy.models import ApiToken


class StaffAccess:
    """Records, for one request, what of a record its member of staff is shown."""

    def __init__(self, db: Session, token: ApiToken, request: Request) -> None:
        self._db = db
        self.staff = Staff.of(token)
        # The client's address: ProxyHeadersMiddleware has put X-Forwarded-For's there
        # when, and only when, a trusted proxy connected.
        self._address = request.client.host if request.client else None
        self._via = f"{request.method} {request.url.path}"

    def work_order(self, order: WorkOrder) -> WorkOrder:
        self._record("work_order", order.number, work_order_personal_fields(order))
        return order

    def application(self, application: Application) -> Application:
        self._record(
            "application",
            application.number,
            application_personal_fields(application),
        )
        return application

    def handoff(self, handoff_id: int, fields: tuple[str, ...]) -> None:
        self._record("handoff", str(handoff_id), fields)

    def report(self, name: str, sections: tuple[str, ...]) -> None:
        """A manager's read of the performance figures: which report, which sections."""
        self._record("report", name, sections)

    def work_order_fields(self, number: str, fields: tuple[str, ...]) -> None:
        """A partial view of an order (a handling unit's) showed ``fields`` in clear."""
        self._record("work_order", number, fields)

    def application_fields(self, number: str, fields: tuple[str, ...]) -> None:
        """A partial view of an application (a caller's list) showed ``fields``."""
        self._record("application", number, fields)

    def _record(self, kind: str, record: str, fields: tuple[str, ...]) -> None:
        record_access(
            self._db,
            self.staff,
            kind=kind,
            record=record,
            fields=fields,
            client_address=self._address,
            via=self._via,
        )


def staff_access(
    request: Request,
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_agent),
) -> StaffAccess:
    return StaffAccess(db, token, request)


def department_access(
    request: Request,
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_department),
) -> StaffAccess:
    """The audit of a handling unit's reads: its token, its member's name, its role."""
    return StaffAccess(db, token, request)


def manager_access(
    request: Request,
    db: Session = Depends(get_db, scope="function"),
    token: ApiToken = Depends(require_manager),
) -> StaffAccess:
    """The audit of a manager's (or an admin's) reads of the performance figures."""
    return StaffAccess(db, token, request)

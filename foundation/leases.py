"""Leases in the database: one process at a time does a job, whichever replica it runs on.

Every gateway replica runs the work-order scheduler; only the holder of its lease sweeps.
A lease expires unless renewed, so a crashed holder is replaced within one lease time,
and taking or renewing it is one conditional write that only one process can win, on
PostgreSQL or SQLite alike, with or without Redis.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, String, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session

from foundation.orm import Base


class WorkerLease(Base):
    __tablename__ = "worker_leases"

    name: Mapped[str] = Column(String(64), primary_key=True)
    holder: Mapped[str] = Column(String(128), nullable=False)
    expires_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)


def take_lease(
    session: Session, name: str, holder: str, now: dt.datetime, seconds: float
) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``now + seconds``.

    True if ``holder`` has it now: it held it already, it had expired, or nobody had
    taken it. Commit promptly: the row stays locked until then.
    """
    until = now + dt.timedelta(seconds=seconds)
    renewed = session.execute(
        update(WorkerLease)
        .where(WorkerLease.name == name)
        .where((WorkerLease.holder == holder) | (WorkerLease.expires_at < now))
        .values(holder=holder, expires_at=until)
        .execution_options(synchronize_session=False)
    )
    if renewed.rowcount:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        return True
    try:
        with session.begin_nested():
            session.execute(
                insert(WorkerLease).values(name=name, holder=holder, expires_at=until)
            )
    except IntegrityError:
        # Someone holds it and it has not expired.
        return False
    return True

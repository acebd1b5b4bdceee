"""Guide versions and the batches they were drafted in. Never commits."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from knowledge_base.models import GuideBatch, GuideVersion

OPEN_STATUSES = ("draft", "in_review")


def get_version(session: Session, version_id: int) -> GuideVersion | None:
    return session.get(GuideVersion, version_id)


def versions_of(session: Session, kind: str, code: str) -> list[GuideVersion]:
    """Oldest first."""
    statement = (
        select(GuideVersion)
        .where(GuideVersion.kind == kind, GuideVersion.code == code)
        .order_by(GuideVersion.number)
    )
    return list(session.scalars(statement))


def version_by_number(
    session: Session, kind: str, code: str, number: int
) -> GuideVersion | None:
    statement = select(GuideVersion).where(
        GuideVersion.kind == kind,
        GuideVersion.code == code,
        GuideVersion.number == number,
    )
    return session.scalars(statement).first()


def published_version(session: Session, kind: str, code: str) -> GuideVersion | None:
    statement = select(GuideVersion).where(
        GuideVersion.kind == kind,
        GuideVersion.code == code,
        GuideVersion.status == "published",
    )
    return session.scalars(statement).first()


def open_version(session: Session, kind: str, code: str) -> GuideVersion | None:
    """The draft or the version in review, if the guide has one in hand."""
    statement = select(GuideVersion).where(
        GuideVersion.kind == kind,
        GuideVersion.code == code,
        GuideVersion.status.in_(OPEN_STATUSES),
    )
    return session.scalars(statement).first()


def last_number(session: Session, kind: str, code: str) -> int:
    number: int | None = session.scalar(
        select(func.max(GuideVersion.number)).where(
            GuideVersion.kind == kind, GuideVersion.code == code
        )
    )
    return number or 0


def standing(
    session: Session, kind: str, codes: Iterable[str]
) -> dict[str, tuple[int, int | None, bool]]:
    """For many guides at once: by code, the last number, the published number and
    whether one is in hand. Codes without versions are left out."""
    wanted = list(codes)
    result: dict[str, tuple[int, int | None, bool]] = {}
    # IN lists of a few thousand are fine on both databases; chunked to stay so.
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(GuideVersion.code, GuideVersion.number, GuideVersion.status).where(
                GuideVersion.kind == kind, GuideVersion.code.in_(chunk)
            )
        )
        for code, number, status in rows:
            last, published, in_hand = result.get(code, (0, None, False))
            result[code] = (
                max(last, number),
                number if status == "published" else published,
                in_hand or status in OPEN_STATUSES,
            )
    return result


def add_version(session: Session, version: GuideVersion) -> GuideVersion:
    session.add(version)
    session.flush()
    return version


def add_versions(session: Session, versions: list[GuideVersion]) -> None:
    session.add_all(versions)
    session.flush()


def retire_published(
    session: Session, kind: str, codes: Iterable[str], *, keep: Iterable[int] = ()
) -> None:
    """Retire the published versions of these guides, except the ids in ``keep``."""
    wanted, kept = list(codes), list(keep)
    for start in range(0, len(wanted), 500):
        statement = update(GuideVersion).where(
            GuideVersion.kind == kind,
            GuideVersion.code.in_(wanted[start : start + 500]),
            GuideVersion.status == "published",
        )
        if kept:
            statement = statement.where(GuideVersion.id.not_in(kept))
        session.execute(
            statement.values(status="retired").execution_options(
                synchronize_session="fetch"
            )
        )


def add_batch(session: Session, batch: GuideBatch) -> GuideBatch:
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, batch_id: int) -> GuideBatch | None:
    return session.get(GuideBatch, batch_id)


def versions_in_batch(
    session: Session, batch_id: int, *, status: str | None = None
) -> list[GuideVersion]:
    statement = (
        select(GuideVersion)
        .where(GuideVersion.batch_id == batch_id)
        .order_by(GuideVersion.id)
    )
    if status is not None:
        statement = statement.where(GuideVersion.status == status)
    return list(session.scalars(statement))

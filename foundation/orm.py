"""The declarative base every domain's tables are mapped on, so one metadata holds them all.

Each core package keeps its own ``models`` module; they share this base so that foreign
keys between domains (a work order's category, an application's service) resolve, and
Alembic sees one schema.

For mypy (SQLAlchemy's plugin), a column without annotation is read as Optional: a NOT
NULL column, a foreign key and a relationship are annotated ``Mapped[...]``.
"""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

# Named constraints keep migrations portable between SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
Base = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))

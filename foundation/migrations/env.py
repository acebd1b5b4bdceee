"""Alembic environment: URL from settings (or the caller's config), metadata from models."""

from typing import cast

from alembic import context
from sqlalchemy.future import Connection as FutureConnection

# Every domain maps its tables on the one base; importing them fills its metadata.
import cases.models  # noqa: F401
import contact_centre.models  # noqa: F401
import foundation.leases  # noqa: F401
import knowledge_base.models  # noqa: F401
import privacy.models  # noqa: F401
from foundation.db import make_engine
from foundation.orm import Base
from foundation.settings import get_settings

config = context.config
url = config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(url)
    # make_engine builds 2.0-style ("future") engines, whose connections commit.
    with cast(FutureConnection, engine.connect()) as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite changes a constraint by copying the table; with foreign keys on,
            # dropping the old copy of a referenced table fails. Off for the migration
            # (it cannot change inside a transaction), checked after it.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    # Every new connection turns them on again (foundation.db).
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""Alembic environment: URL from settings (or the caller's config), metadata from models."""

from alembic import context

# Every domain maps its tables on the one base; importing them fills its metadata.
import cases.models  # noqa: F401
import contact_centre.models  # noqa: F401
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
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=Base.metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

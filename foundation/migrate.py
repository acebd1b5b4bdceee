"""Schema migrations through Alembic, callable from the CLI, tests and start-up."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from foundation.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Percent signs in passwords would be read as interpolation by ConfigParser.
    config.set_main_option(
        "sqlalchemy.url",
        (database_url or get_settings().database_url).replace("%", "%%"),
    )
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)

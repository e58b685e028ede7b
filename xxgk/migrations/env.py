"""Alembic environment for the xxgk database: the archive index and the crawler's ledger
and the parsers' reports database share one metadata and one migration history."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

import archive.models  # noqa: F401 - registers the archive index on the shared metadata
import crawler.models  # noqa: F401 - and the ledger
import parsers.database.models  # noqa: F401 - and the reports database
import scheduler.models  # noqa: F401 - and the scheduler's tables
from xxgk.base.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # called from xxgk.base.db.create_schema with a live connection
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(config.get_section(config.config_ini_section, {}),
                                prefix="sqlalchemy.", poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

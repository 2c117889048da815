"""Alembic environment: the URL comes from the Config built by sync_server.db.migrate."""

from __future__ import annotations

from alembic import context

from sync_server.db.engine import make_engine
from sync_server.db.models import Base


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("sqlalchemy.url is not set (use sync_server.db.migrate.upgrade)")
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()

"""The ASGI application: ``create_app(settings)``; ``sync-server run`` serves it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI

from sync_server import __version__
from sync_server.api import events, feed, health, kiosks, metrics, people, punches, templates
from sync_server.api import tasks as reminder_tasks
from sync_server.api.middleware import AuditDoor, BodyLimitAndClock
from sync_server.db.engine import make_engine, session_factory
from sync_server.problems import install_problem_handlers
from sync_server.service import audit, day_results
from sync_server.settings import ServerSettings, load_server_settings
from sync_server.web import install as install_web


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Build the app; the database must already be migrated (``sync-server migrate``)."""
    settings = settings or load_server_settings()
    engine = make_engine(settings.database.url, settings.database.pool_size,
                         settings.database.echo)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(title="Face attendance sync server", version=__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    install_problem_handlers(app)
    for module in (health, metrics, punches, events, feed, kiosks, people, templates):
        app.include_router(module.router)
    app.include_router(reminder_tasks.router)  # reminders: other systems' tasks
    app.add_middleware(BodyLimitAndClock, max_body_bytes=settings.api.max_body_bytes,
                       max_upload_bytes=settings.api.max_upload_bytes)
    app.add_middleware(AuditDoor)
    audit.install_guard(strict=settings.audit.strict)
    day_results.install_invalidation()  # stored report days follow every change
    install_web(app)  # HR and admin pages under /hr
    return app


def create_app_from_environment() -> FastAPI:
    """Factory for uvicorn workers: settings from ``$SYNC_SERVER_CONFIG`` and environment."""
    return create_app(load_server_settings())

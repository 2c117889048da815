"""Helpers shared by the server and kiosk-sync tests (real server, real databases)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.orm import Session, sessionmaker

from kiosk.sync import DeviceReport, KioskCredential, provision
from sync_server.db.engine import make_engine, session_factory, transaction
from sync_server.db.migrate import upgrade
from sync_server.service import admins, kiosk_enrolments, kiosks, people
from sync_server.settings import ApiSettings, DatabaseSettings, ServerSettings

ADMIN_PASSWORD = "correct horse battery staple"
RECOGNIZER = "sface-2021dec"


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'server.sqlite3'}"


def migrated_settings(url: str, max_body_bytes: int = 1024 * 1024) -> ServerSettings:
    upgrade(url)
    return ServerSettings(database=DatabaseSettings(url=url),  # type: ignore[call-arg]
                          api=ApiSettings(max_body_bytes=max_body_bytes))  # type: ignore[call-arg]


def sessions_for(settings: ServerSettings) -> sessionmaker[Session]:
    return session_factory(make_engine(settings.database.url))


def make_admin(sessions: sessionmaker[Session], username: str = "admin") -> tuple[str, str]:
    with transaction(sessions) as session:
        admins.create_admin(session, username, ADMIN_PASSWORD, actor="test")
    return username, ADMIN_PASSWORD


def provision_kiosk(sessions: sessionmaker[Session], server_url: str, name: str,
                    recognizer_id: str = RECOGNIZER) -> KioskCredential:
    """Make a one-time code in the database and exchange it over HTTP, like a real kiosk."""
    with transaction(sessions) as session:
        _kiosk_id, code = kiosks.create_provisioning_code(session, name, ttl_s=600, actor="test")
    return provision(server_url, code, DeviceReport(software_version="test",
                                                    recognizer_id=recognizer_id),
                     verify_tls=False)


def add_person(sessions: sessionmaker[Session], name: str = "Nguyen Van A",
               department: str | None = "Finance") -> uuid.UUID:
    with transaction(sessions) as session:
        return people.create_person(session, name, department=department, actor="test").id


def approve_enrolments(sessions: sessionmaker[Session], actor: str = "hr-reviewer") -> int:
    """Approve every kiosk enrolment awaiting review (what HR does on the web page); returns
    how many."""
    with transaction(sessions) as session:
        pending = kiosk_enrolments.list_pending(session)
        for enrolment in pending:
            kiosk_enrolments.approve(session, enrolment.id, actor)
    return len(pending)


def table_names(url: str) -> set[str]:
    """The tables of the database at ``url`` (for migration tests)."""
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

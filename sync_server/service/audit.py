"""The append-only audit log: every admin/HR action, with who, when, what and details.

Entries are inserted in the caller's transaction, so an action and its audit entry commit
(or roll back) together. Nothing here updates or deletes a row.

Services that change people's or the site's data take the actor and write the entry
themselves, whatever door the call came through (web, JSON API, CLI, a kiosk). The guard
below holds them to it: inside a door (``door(...)``: every HTTP request, every CLI
command) a transaction that changes an audited table and writes no audit entry is an
error. Strict (tests, ``audit.strict``) raises ``AuditMissing`` and rolls back; otherwise it
is logged as an error and the change stands.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session

from sync_server.clock import utc_now
from sync_server.db.web_models import AuditEntry

log = logging.getLogger(__name__)

# Tables whose changes are somebody's decision about people or the site. Machine traffic
# (punches, kiosk events, the feed, deliveries, nonces, sessions, login failures) is not.
AUDITED_TABLES = frozenset({
    "people", "consents", "templates", "chips", "alt_checkin_credentials", "kiosks",
    "admin_users", "web_users", "erasures", "access_requests", "reminder_tasks",
    "integrations", "webhook_subscriptions", "digest_recipients", "departments",
    "shift_types", "shift_assignments", "holidays", "leaves", "corrections",
    "kiosk_enrolments", "lookalike_pairs", "sites",
    "leave_types", "leave_requests",
    "report_subscriptions",
})
# Columns a kiosk's own heartbeat and sync keep current: telemetry, not decisions.
TELEMETRY_COLUMNS = frozenset({
    ("kiosks", "last_seen_at"), ("kiosks", "software_version"), ("kiosks", "recognizer_id"),
    ("kiosks", "backlog"), ("kiosks", "clock_offset_s"), ("kiosks", "feed_cursor"),
    ("kiosks", "previous_credential_hash"), ("kiosks", "measured_offset_s"),
    ("kiosks", "measured_at"), ("kiosks", "punch_batch_at"), ("kiosks", "decision_rule"),
    ("kiosks", "feed_resync"),  # cleared when a moved kiosk reads its feed again from 0
})

_door: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_door", default=None)
_TOUCHED = "audit_touched"
_AUDITED = "audit_written"


class AuditMissing(RuntimeError):
    """A change to audited data through a door, with no audit entry in its transaction."""


def record(session: Session, actor: str, action: str, entity: str,
           entity_id: uuid.UUID | str | None = None,
           detail: dict[str, Any] | None = None) -> AuditEntry:
    """Append one entry; ``detail`` must be JSON-serialisable."""
    entry = AuditEntry(id=uuid.uuid4(), at=utc_now(), actor=actor, action=action,
                       entity=entity, entity_id=None if entity_id is None else str(entity_id),
                       detail=detail or {})
    session.add(entry)
    session.info[_AUDITED] = True
    return entry


def recent(session: Session, limit: int = 200, entity: str | None = None,
           actor: str | None = None) -> list[AuditEntry]:
    """The newest entries first, optionally only one entity kind or one actor."""
    query = select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id).limit(limit)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    return list(session.scalars(query))


@contextlib.contextmanager
def door(name: str) -> Iterator[None]:
    """Mark the calls inside as coming through ``name`` (e.g. "http", "cli enroll-folder")."""
    token = _door.set(name)
    try:
        yield
    finally:
        _door.reset(token)


_strict = [False]


def install_guard(strict: bool) -> None:
    """Watch every session's transactions (idempotent; ``strict`` as in the module doc)."""
    _strict[0] = _strict[0] or strict
    if not event.contains(Session, "before_flush", _note_changes):
        event.listen(Session, "before_flush", _note_changes)
        event.listen(Session, "do_orm_execute", _note_statement)
        event.listen(Session, "before_commit", _check_commit)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_rollback", _forget)


def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
    if _door.get() is None:
        return
    touched: set[str] = session.info.setdefault(_TOUCHED, set())
    for obj in (*session.new, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table in AUDITED_TABLES:
            touched.add(table)
    for obj in session.dirty:
        table = getattr(obj, "__tablename__", None)
        if table in AUDITED_TABLES and _changed_columns(obj, table):
            touched.add(table)


def _changed_columns(obj: object, table: str) -> list[str]:
    state = inspect(obj)
    return [attr.key for attr in state.attrs
            if attr.history.has_changes() and (table, attr.key) not in TELEMETRY_COLUMNS]


def _note_statement(state: ORMExecuteState) -> None:
    """Bulk INSERT/UPDATE/DELETE statements bypass the unit of work: note their table."""
    if _door.get() is None or not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in AUDITED_TABLES:
        state.session.info.setdefault(_TOUCHED, set()).add(table)


def _check_commit(session: Session) -> None:
    _note_changes(session, None, None)  # what the commit's own flush is about to write
    touched = session.info.get(_TOUCHED)
    if not touched or session.info.get(_AUDITED):
        return
    message = (f"{_door.get()}: changed {', '.join(sorted(touched))} without an audit entry "
               "(the service that changes it must record one)")
    _forget(session)
    if _strict[0]:
        raise AuditMissing(message)
    log.error("%s", message)


def _forget(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(_AUDITED, None)

"""The audit trail as sentences HR can read: "HR Nguyễn An excused Trần Lan's lateness on
11/11/2026", with names instead of ids, dates dd/mm/yyyy and times in the site's zone.

The stored entries stay as they are (actor username, action, entity id, JSON detail); this
module only words them, in the user's language (catalogue keys "audit_" + action).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.db.models import Kiosk, Person, Punch
from sync_server.db.web_models import AuditEntry, WebUser
from sync_server.web import i18n


@dataclass(frozen=True)
class Sentence:
    """One entry in words: when (site time), what happened, and the reason if any."""

    when: str
    text: str
    reason: str


@dataclass
class _Names:
    people: dict[str, str]
    kiosks: dict[str, str]
    actors: dict[str, tuple[str, str]]  # username -> (role, name to show)
    punches: dict[str, datetime]


def _names(session: Session, entries: list[AuditEntry]) -> _Names:
    people = {str(i): n for i, n in session.execute(select(Person.id, Person.display_name))}
    kiosks = {str(i): n for i, n in session.execute(select(Kiosk.id, Kiosk.name))}
    actors = {}
    for account in session.scalars(select(WebUser)):
        shown = people.get(str(account.person_id), account.username) if account.person_id \
            else account.username
        actors[account.username] = (account.role, shown)
    punch_ids = [uuid.UUID(e.detail["punch_id"]) for e in entries
                 if isinstance(e.detail, dict) and e.detail.get("punch_id")]
    punches = {str(i): at for i, at in session.execute(
        select(Punch.id, Punch.occurred_at).where(Punch.id.in_(punch_ids)))} if punch_ids else {}
    return _Names(people, kiosks, actors, punches)


def sentences(session: Session, language: str, entries: list[AuditEntry]) -> list[Sentence]:
    """Each entry of ``entries`` in words, in the same order."""
    names = _names(session, entries)
    return [_sentence(language, entry, names) for entry in entries]


def _actor(language: str, username: str, names: _Names) -> str:
    """"HR Nguyễn An" for a web user; "Thiết bị lobby" for a kiosk; else the name as is."""
    if username.startswith("kiosk:"):
        return f"{i18n.translate(language, 'kiosk')} {username.removeprefix('kiosk:')}"
    role, shown = names.actors.get(username, ("", username))
    return f"{i18n.translate(language, 'role_' + role)} {shown}" if role else shown


def _day(language: str, text: Any) -> str:
    try:
        return i18n.format_date(language, date.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def _instant(language: str, text: Any) -> str:
    try:
        return i18n.local_datetime(language, datetime.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def _sentence(language: str, entry: AuditEntry, names: _Names) -> Sentence:
    detail: dict[str, Any] = entry.detail if isinstance(entry.detail, dict) else {}
    params: dict[str, object] = {
        "actor": _actor(language, entry.actor, names),
        "person": names.people.get(entry.entity_id or "")
        or names.people.get(str(detail.get("person_id", "")), ""),
        "name": detail.get("name") or detail.get("to") or detail.get("username")
        or names.kiosks.get(entry.entity_id or "", ""),
        "old": detail.get("from", ""), "action": entry.action}
    for field in ("day", "start", "end"):
        if detail.get(field):
            params[field] = _day(language, detail[field])
    if detail.get("instant") or detail.get("occurred_at"):
        params["instant"] = _instant(language, detail.get("instant") or detail["occurred_at"])
    elif detail.get("punch_id") in names.punches:
        params["instant"] = i18n.local_datetime(language, names.punches[detail["punch_id"]])
    if entry.action == "correction.undo":
        what = i18n.translate(language, str(detail.get("kind", "")))
        when = params.get("day") or params.get("instant") or ""
        params["what"] = f"{what} {when}".strip()
    key = "audit_" + entry.action.replace(".", "_")
    if key not in i18n.TEXTS["en"]:
        key = "audit_other"  # an action without words yet: its name, rather than nothing
    return Sentence(i18n.local_datetime(language, entry.at), i18n.message(language, key, **params),
                    str(detail.get("reason", "")))

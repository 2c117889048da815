"""Corrections (add a missed punch, void a wrong one, excuse a late entry, undo any of them)
and the audit trail read as sentences.

A refused correction shows the page again with what was typed and the reason next to the
field. Every POST checks the role and the CSRF token; the services write the audit entries
in the same transaction as the change.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import attendance
from sync_server.db.engine import transaction
from sync_server.db.models import Punch
from sync_server.db.web_models import AuditEntry, CorrectionRow
from sync_server.errors import BadRequest, ServerError
from sync_server.service import corrections, reports, schedules, users
from sync_server.service.users import Role
from sync_server.web import audit_words, common, paging
from sync_server.web.common import PAGES, PREFIX, User

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]
KINDS = ("add_punch", "void_punch", "excuse_late")


def _uuid(text: str, field: str = "person_id") -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not an id", "not_an_id", field) from None


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"{text!r} is not a date YYYY-MM-DD", "not_a_date", "day",
                         value=text) from None


def _page(request: Request, user: users.CurrentUser, selected: uuid.UUID | None,
          status_code: int = 200, listing: tuple[str, int] = ("", 1), /,
          **form: object) -> Response:
    """The corrections page; ``listing`` is the list's search and page number."""
    q, page = listing
    zone = ZoneInfo(schedules.SITE_ZONE)
    with transaction(common.sessions_of(request)) as session:
        everyone = reports.load_people(session, include_inactive=True)
        names = {p.id: p.display_name for p in everyone}
        rows, pager = _listed(session, names, q, page, str(selected or ""))
        punches = list(session.scalars(
            select(Punch).where(Punch.person_id == selected)
            .order_by(Punch.occurred_at.desc()).limit(50))) if selected else []
        voided = set(session.scalars(select(CorrectionRow.punch_id).where(
            CorrectionRow.kind == "void_punch",
            CorrectionRow.person_id == selected))) if selected else set()
    return PAGES.render(request, "corrections.html", user, status_code=status_code,
                        people=everyone, rows=rows, names=names, q=q, pager=pager,
                        selected=selected, punches=[p for p in punches if p.id not in voided],
                        zone=zone, form=form)


def _listed(session: Session, names: dict[uuid.UUID, str], q: str, page: int, person: str
            ) -> tuple[list[CorrectionRow], paging.Pager]:
    """The page's corrections and pager, read a page at a time in SQL; a search (accents
    ignored: person, reason, who made it) reads those fields only, then the page's rows."""
    query = {"person": person, "q": q}
    if q.strip():
        ids = [i for i, person_id, reason, by in corrections.correction_texts(session)
               if paging.matches(q, (names.get(person_id), reason, by))]
        where = paging.pager(len(ids), page, query)
        return corrections.corrections_by_id(
            session, ids[where.offset:where.offset + where.size]), where
    where = paging.pager(corrections.count_corrections(session), page, query)
    return corrections.correction_page(session, where.offset, where.size), where


@router.get("/corrections")
def corrections_page(request: Request, user: User, person: str = "", q: str = "",
                     page: int = 1) -> Response:
    """Corrections made, searched (``q``: person, reason, who made it) and paginated."""
    common.require(user, Role.HR)
    return _page(request, user, _uuid(person) if person else None, 200, (q, page))


def _apply(session: Session, user: users.CurrentUser, person: uuid.UUID, kind: str,
           fields: dict[str, str]) -> None:
    if kind == "add_punch":
        try:
            local = datetime.fromisoformat(fields["instant"])
        except ValueError:
            raise BadRequest("the missed punch needs a date and time", "not_a_time",
                             "instant") from None
        if local.tzinfo is None:
            local = local.replace(tzinfo=ZoneInfo(schedules.SITE_ZONE))
        corrections.add_missed_punch(session, person, local,
                                     attendance.PunchKind(fields["punch_kind"] or "auto"),
                                     fields["reason"], user.username)
    elif kind == "void_punch":
        corrections.void_punch(session, person, _uuid(fields["punch_id"], "punch_id"),
                               fields["reason"], user.username)
    elif kind == "excuse_late":
        corrections.excuse_late(session, person, _day(fields["day"]), fields["reason"],
                                user.username)
    else:
        raise BadRequest(f"unknown correction kind {kind!r}", "unknown_correction")


@router.post("/corrections")
def make_correction(request: Request, user: User, csrf_token: Text, kind: Text,
                    person_id: Text, reason: Text, punch_id: OptionalText = "",
                    instant: OptionalText = "", day: OptionalText = "",
                    punch_kind: OptionalText = "auto") -> Response:
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    person = _uuid(person_id)
    if punch_kind not in {k.value for k in attendance.PunchKind}:
        punch_kind = "auto"
    fields = {"reason": reason, "punch_id": punch_id, "instant": instant, "day": day,
              "punch_kind": punch_kind}

    def refused(error: ServerError) -> Response:
        return _page(request, user, person, error.status, ("", 1), kind=kind,
                     error=error, **fields)

    return common.form_or_page(request, f"{PREFIX}/corrections?person={person}",
                               lambda session: _apply(session, user, person, kind, fields),
                               refused)


@router.post("/corrections/{correction_id}/undo")
def undo_correction(request: Request, user: User, correction_id: uuid.UUID,
                    csrf_token: Text, person: OptionalText = "") -> Response:
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    back = f"{PREFIX}/corrections" + (f"?person={_uuid(person)}" if person else "")
    return common.form_action(
        request, back, lambda session: corrections.undo(session, correction_id, user.username))


@router.get("/audit")
def audit_page(request: Request, user: User, entity: str = "", actor: str = "",
               page: int = 1) -> Response:
    """The audit trail, newest first, filtered (entity kind, actor contains) and paginated."""
    common.require(user, Role.HR)
    language = common.language_of(request)
    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if actor.strip():
        query = query.where(func.lower(AuditEntry.actor).contains(actor.strip().lower()))
    with transaction(common.sessions_of(request)) as session:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        pager = paging.pager(total, page, {"entity": entity, "actor": actor})
        entries = list(session.scalars(query.order_by(AuditEntry.at.desc(), AuditEntry.id)
                                       .offset(pager.offset).limit(pager.size)))
        sentences = audit_words.sentences(session, language, entries)
    return PAGES.render(request, "audit.html", user, entries=entries, sentences=sentences,
                        entity=entity, actor=actor, pager=pager)

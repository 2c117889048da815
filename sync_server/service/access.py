"""Data-subject access requests: a log with 30-day deadlines, and the export itself.

The export holds everything this server keeps about one person: the person record, consent
records (with withdrawals), template metadata (recognizer, size, when, from which kiosk; the
vectors themselves are numbers meaningful only to the recognizer and are not exported),
enrollment chips (the face images, decrypted), punches, and erasure records. HR data kept by
the web module (corrections, schedules) is exported by that module.
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server import texts
from sync_server.clock import utc_now
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.models import (
    AccessRequest,
    Chip,
    ConsentRecord,
    Erasure,
    Person,
    Punch,
    Template,
)
from sync_server.errors import NotFound
from sync_server.service import audit, datakeys, schedules

DEADLINE = timedelta(days=30)


def open_request(session: Session, person_id: uuid.UUID, requested_by: str,
                 received_at: datetime | None = None) -> AccessRequest:
    """Log a request received at ``received_at`` (default now); due 30 days later."""
    if session.get(Person, person_id) is None:
        raise NotFound(f"no person {person_id}", "no_person")
    received = received_at or utc_now()
    request = AccessRequest(id=uuid.uuid4(), person_id=person_id, requested_by=requested_by,
                            received_at=received, due_at=received + DEADLINE)
    session.add(request)
    session.flush()
    audit.record(session, requested_by, "access_request.open", "person", person_id,
                 {"request_id": str(request.id), "due_at": request.due_at.isoformat()})
    return request


def requests_log(session: Session, open_only: bool = False) -> list[AccessRequest]:
    query = select(AccessRequest).order_by(AccessRequest.due_at)
    if open_only:
        query = query.where(AccessRequest.fulfilled_at.is_(None))
    return list(session.scalars(query))


def export_person(session: Session, person_id: uuid.UUID,
                  request_id: uuid.UUID | None = None, actor: str = "system") -> dict[str, Any]:
    """Everything held about the person, JSON-ready; marks ``request_id`` fulfilled.

    Audited (``person.export``, by ``actor``): an export is itself a disclosure.
    """
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    keyring = None
    chips = []
    for chip in session.scalars(select(Chip).where(Chip.person_id == person_id)):
        keyring = keyring or datakeys.keyring_for(session)
        image = datakeys.open_blob(keyring, chip.image, datakeys.chip_context(chip.id))
        chips.append({"id": str(chip.id), "image_format": chip.image_format,
                      "created_at": chip.created_at.isoformat(),
                      "image_base64": base64.b64encode(image).decode()})
    data = {
        "exported_at": utc_now().isoformat(),
        "person": {"id": str(person.id), "display_name": person.display_name,
                   "employee_code": person.employee_code, "department": person.department,
                   "active": person.active, "created_at": person.created_at.isoformat()},
        "consents": [_consent(c) for c in session.scalars(
            select(ConsentRecord).where(ConsentRecord.person_id == person_id))],
        "templates": [{"id": str(t.id), "recognizer_id": t.recognizer_id, "dim": t.dim,
                       "created_at": t.created_at.isoformat(),
                       "source_kiosk_id": str(t.source_kiosk_id) if t.source_kiosk_id else None}
                      for t in session.scalars(select(Template)
                                               .where(Template.person_id == person_id))],
        "chips": chips,
        "punches": [{"id": str(p.id), "kind": p.kind, "source": p.source,
                     "occurred_at": p.occurred_at.isoformat(), "kiosk_id": str(p.kiosk_id)}
                    for p in session.scalars(select(Punch).where(Punch.person_id == person_id)
                                             .order_by(Punch.occurred_at))],
        "erasures": [{"id": str(e.id), "reason": e.reason, "requested_at":
                      e.requested_at.isoformat(), "templates_erased": e.templates_erased,
                      "chips_erased": e.chips_erased}
                     for e in session.scalars(select(Erasure)
                                              .where(Erasure.person_id == person_id))],
    }
    if request_id is not None:
        request = session.get(AccessRequest, request_id)
        if request is None or request.person_id != person_id:
            raise NotFound(f"no access request {request_id} for person {person_id}",
                           "no_access_request")
        request.fulfilled_at = request.fulfilled_at or utc_now()
    data["checkin_methods"] = _checkin_methods(session, person_id)
    audit.record(session, actor, "person.export", "person", person_id,
                 {"request_id": str(request_id) if request_id else None})
    return data


def _checkin_methods(session: Session, person_id: uuid.UUID) -> dict[str, Any]:
    """Whether a PIN or QR badge is issued, and when (never the hashes themselves)."""
    row = session.get(AltCheckinCredential, person_id)
    return {"pin_set_at": row.pin_set_at.isoformat() if row and row.pin_set_at else None,
            "badge_issued_at": (row.badge_issued_at.isoformat()
                                if row and row.badge_issued_at else None)}


def _consent(consent: ConsentRecord) -> dict[str, Any]:
    return {"id": str(consent.id), "given_at": consent.given_at.isoformat(),
            "notice_version": consent.notice_version, "collected_by": consent.collected_by,
            "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None}


def summary(export: dict[str, Any], language: str = texts.DEFAULT_LANGUAGE) -> str:
    """A plain-language summary of an export, for the person, in ``language`` ("vi" or
    "en"; the words from the catalogue, times in the site's zone)."""
    person, consents, punches = export["person"], export["consents"], export["punches"]
    given = [c for c in consents if c["withdrawn_at"] is None]
    exported = texts.local_datetime(language, datetime.fromisoformat(export["exported_at"]),
                                    schedules.SITE_ZONE)
    status = texts.translate(language, "active" if person["active"] else "inactive")
    lines = [
        texts.message(language, "access_summary_head", name=person["display_name"],
                      id=person["id"], at=exported),
        texts.message(language, "access_summary_status", status=status,
                      department=person["department"] or "-",
                      code=person["employee_code"] or "-"),
        texts.message(language, "access_summary_consents", records=len(consents),
                      in_force=len(given)),
        texts.message(language, "access_summary_templates", count=len(export["templates"])),
        texts.message(language, "access_summary_chips", count=len(export["chips"])),
        texts.message(language, "access_summary_punches", count=len(punches)) if not punches
        else texts.message(language, "access_summary_punches_span", count=len(punches),
                           first=_day(language, punches[0]["occurred_at"]),
                           last=_day(language, punches[-1]["occurred_at"])),
        texts.message(language, "access_summary_erasures", count=len(export["erasures"])),
    ]
    return "\n".join(lines) + "\n"


def _day(language: str, instant: str) -> str:
    """The site's calendar day of an ISO instant, as the language writes dates."""
    local = datetime.fromisoformat(instant).astimezone(ZoneInfo(schedules.SITE_ZONE))
    return texts.format_date(language, local.date())

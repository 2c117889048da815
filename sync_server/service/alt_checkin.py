"""Issuing and revoking PINs and QR badges (the check-in alternatives to a face).

A PIN is entered twice by HR or generated here; a badge token is always generated here.
Either is returned to the caller exactly once (to be shown on one page) and only its hash is
stored (attendance.pins). Every change is audited and republishes the person to the feed,
which carries the current hashes (service.feed.alt_checkin_fields) to every kiosk.
"""

from __future__ import annotations

import enum
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attendance import pins
from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.alt_checkin_models import AltCheckinCredential
from sync_server.db.models import Person
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import audit, feed, people, reminders

GENERATED_PIN_DIGITS = 6


class Method(enum.Enum):
    PIN = "pin"
    BADGE = "badge"


@dataclass(frozen=True)
class CredentialStatus:
    """What a person has, for the person's check-in page (never the secrets)."""

    person_id: uuid.UUID
    display_name: str
    employee_code: str | None
    has_pin: bool
    pin_set_at: datetime | None
    has_badge: bool
    badge_issued_at: datetime | None


def status(session: Session, person_id: uuid.UUID) -> CredentialStatus:
    person = _person(session, person_id)
    row = session.get(AltCheckinCredential, person_id)
    return CredentialStatus(
        person_id=person.id, display_name=person.display_name,
        employee_code=person.employee_code,
        has_pin=bool(row and row.pin_hash), pin_set_at=row.pin_set_at if row else None,
        has_badge=bool(row and row.badge_hash),
        badge_issued_at=row.badge_issued_at if row else None)


def generate_pin() -> str:
    """A random acceptable PIN of GENERATED_PIN_DIGITS digits (trivial draws are redrawn)."""
    while True:
        candidate = "".join(secrets.choice("0123456789") for _ in range(GENERATED_PIN_DIGITS))
        try:
            pins.validate_pin(candidate)
        except ValueError:
            continue
        return candidate


def issue_pin(session: Session, person_id: uuid.UUID, actor: str,
              pin: str | None = None) -> str:
    """Set the person's PIN (``pin``, or a generated one); returns the PIN to show once.

    The kiosk keypad asks for the employee code with the PIN, so a person without a code
    cannot be given one (BadRequest).
    """
    person = _person(session, person_id)
    if not person.employee_code:
        raise BadRequest("give the person an employee code first: the kiosk asks for it "
                         "with the PIN", "pin_needs_code")
    if not person.active:
        raise Conflict(f"{person.display_name} is inactive", "person_inactive",
                       name=person.display_name)
    chosen = pin if pin is not None else generate_pin()
    try:
        hashed = pins.hash_pin(chosen)
    except ValueError as exc:
        well_formed = chosen.isascii() and chosen.isdigit() and (
            pins.PIN_MIN_DIGITS <= len(chosen) <= pins.PIN_MAX_DIGITS)
        raise BadRequest(str(exc), "pin_trivial" if well_formed else "pin_format", "pin",
                         low=pins.PIN_MIN_DIGITS, high=pins.PIN_MAX_DIGITS) from None
    row = _row(session, person_id)
    had_credential = bool(row.pin_hash or row.badge_hash)
    row.pin_hash, row.pin_set_at, row.pin_set_by = hashed, utc_now(), actor
    _publish(session, person, actor, "checkin.pin_issue",
             {"generated": pin is None})
    _reminders_now_visible(session, person_id, had_credential)
    return chosen


def issue_badge(session: Session, person_id: uuid.UUID, actor: str) -> str:
    """Issue a new QR badge (replacing any earlier one); returns the token to print once."""
    person = _person(session, person_id)
    if not person.active:
        raise Conflict(f"{person.display_name} is inactive", "person_inactive",
                       name=person.display_name)
    token = pins.new_badge_token()
    row = _row(session, person_id)
    replaced = row.badge_hash is not None
    had_credential = bool(row.pin_hash or row.badge_hash)
    row.badge_hash = pins.badge_token_hash(token)
    row.badge_issued_at, row.badge_issued_by = utc_now(), actor
    _publish(session, person, actor, "checkin.badge_issue", {"replaced": replaced})
    _reminders_now_visible(session, person_id, had_credential)
    return token


def revoke(session: Session, person_id: uuid.UUID, method: Method, actor: str) -> bool:
    """Revoke the person's PIN or badge; False (nothing published) when none was issued."""
    person = _person(session, person_id)
    row = session.get(AltCheckinCredential, person_id)
    if method is Method.PIN:
        if row is None or row.pin_hash is None:
            return False
        row.pin_hash = row.pin_set_at = row.pin_set_by = None
    else:
        if row is None or row.badge_hash is None:
            return False
        row.badge_hash = row.badge_issued_at = row.badge_issued_by = None
    _publish(session, person, actor, f"checkin.{method.value}_revoke", {})
    return True


def people_with_credentials(session: Session) -> dict[uuid.UUID, tuple[bool, bool]]:
    """person id -> (has PIN, has badge), for the people list."""
    return {row.person_id: (row.pin_hash is not None, row.badge_hash is not None)
            for row in session.scalars(select(AltCheckinCredential))}


def _person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    return person


def _row(session: Session, person_id: uuid.UUID) -> AltCheckinCredential:
    row = session.get(AltCheckinCredential, person_id)
    if row is None:
        row = AltCheckinCredential(person_id=person_id)
        session.add(row)
    return row


def _reminders_now_visible(session: Session, person_id: uuid.UUID,
                           had_credential: bool) -> None:
    """A first PIN or badge makes the person's reminders visible at every kiosk."""
    if not had_credential:
        reminders.republish_live(session, person_id)


def _publish(session: Session, person: Person, actor: str, action: str,
             detail: dict[str, object]) -> None:
    session.flush()
    person.updated_at = utc_now()
    feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, person.id, people.person_data(person))
    audit.record(session, actor, action, "person", person.id, detail)

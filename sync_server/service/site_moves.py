"""Moving people, departments and kiosks between sites, and what the kiosks receive for it.

A person whose site changes (their own site, their department's, or their department) is
removed at the old site's kiosks (a person tombstone for that site only: their templates,
PIN and badge hashes and reminders are deleted there) and published whole to the new site's
kiosks (person with hashes, every approved template, live reminders). A kiosk moved to
another site must end with exactly its new site's people: it is told to read the feed again
from 0 (``Kiosk.feed_resync``; the kiosk drops every person the new reading did not carry).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from protocol.feed import FeedEntity, FeedOp
from sync_server.clock import utc_now
from sync_server.db.models import ConsentRecord, Kiosk, Person, Template
from sync_server.db.web_models import Department
from sync_server.errors import Conflict, NotFound
from sync_server.service import audit, datakeys, feed, people, reminders, sites
from sync_server.service.schedules import department_uuid


def follow(session: Session, person_id: uuid.UUID, old_site: uuid.UUID | None) -> bool:
    """Publish a person's move when their site is no longer ``old_site``; True if moved."""
    new_site = sites.person_site(session, person_id)
    if old_site is None or new_site is None or new_site == old_site:
        return False
    person = session.get(Person, person_id)
    if person is None:
        return False
    feed.publish(session, FeedEntity.PERSON, FeedOp.DELETE, person_id,
                 {"moved": True}, site_id=old_site)
    feed.publish(session, FeedEntity.PERSON, FeedOp.UPSERT, person_id,
                 people.person_data(person))
    if person.active:
        republish_templates(session, person_id)
        reminders.republish_live(session, person_id)
    return True


def republish_templates(session: Session, person_id: uuid.UUID) -> int:
    """Publish every approved template of the person again (to their current site)."""
    keyring = None
    count = 0
    for template in session.scalars(select(Template).where(
            Template.person_id == person_id, Template.enrolment_id.is_(None))):
        consent = session.get(ConsentRecord, template.consent_id)
        if consent is None or consent.withdrawn_at is not None:
            continue
        keyring = keyring or datakeys.keyring_for(session)
        raw = datakeys.open_blob(keyring, template.embedding,
                                 datakeys.template_context(template.id))
        people.publish_template(session, keyring, template, consent, raw)
        count += 1
    return count


def assign_person(session: Session, person_id: uuid.UUID, site_id: uuid.UUID | None, *,
                  actor: str) -> bool:
    """Give a person their own site (None: follow their department); audited. True when
    their site changed (the kiosks are told)."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    if site_id is not None:
        sites.get_site(session, site_id)
    if person.site_id == site_id:
        return False
    old = sites.person_site(session, person_id)
    person.site_id = site_id
    person.updated_at = utc_now()
    session.flush()
    audit.record(session, actor, "person.site", "person", person_id,
                 {"site_id": None if site_id is None else str(site_id),
                  "name": _site_name(session, site_id)})
    return follow(session, person_id, old)


def assign_department(session: Session, name: str, site_id: uuid.UUID | None, *,
                      actor: str) -> int:
    """Put a department (by name) at a site (None: the default site); its people without a
    site of their own move with it. Audited; returns how many people moved."""
    if site_id is not None:
        sites.get_site(session, site_id)
    members = list(session.scalars(select(Person.id).where(Person.department == name,
                                                           Person.site_id.is_(None))))
    before = {pid: sites.person_site(session, pid) for pid in members}
    row = session.scalars(select(Department).where(Department.name == name)).first()
    if row is None:  # named by people only: give it its row now
        row = Department(id=department_uuid(name), name=name, created_at=utc_now())
        session.add(row)
    row.site_id = site_id
    session.flush()
    audit.record(session, actor, "department.site", "department", row.id,
                 {"name": f"{name} → {_site_name(session, site_id)}"})
    return sum(follow(session, pid, old) for pid, old in before.items())


def assign_kiosk(session: Session, kiosk_id: uuid.UUID, site_id: uuid.UUID, *,
                 actor: str) -> Kiosk:
    """Move a kiosk to another site; audited. Its next feed read starts again from 0."""
    kiosk = session.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise NotFound(f"no kiosk {kiosk_id}", "no_kiosk")
    site = sites.get_site(session, site_id)
    if sites.kiosk_site(session, kiosk) == site_id:
        return kiosk
    if kiosk.revoked_at is not None:
        raise Conflict(f"kiosk {kiosk.name!r} was revoked", "kiosk_revoked", name=kiosk.name)
    kiosk.site_id = site_id
    kiosk.feed_resync = True
    audit.record(session, actor, "kiosk.site", "kiosk", kiosk_id,
                 {"name": f"{kiosk.name} → {site.name}"})
    return kiosk


def _site_name(session: Session, site_id: uuid.UUID | None) -> str:
    return sites.get_site(session, site_id or sites.default_site_id(session)).name

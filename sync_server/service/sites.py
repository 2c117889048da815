"""Sites (buildings): which site each person and kiosk belongs to, and the sites' CRUD.

The rule, one place: a person's site is their own ``site_id`` when set, else the site of
their department (``departments.site_id``), else the default site. A kiosk's site is its
``site_id``, else the default site. The change feed sends a kiosk only the entries of its own
site (service.feed); moving people and kiosks between sites is service.site_moves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.models import Kiosk, Person, Site
from sync_server.db.web_models import Department
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import audit
from sync_server.service.cell_text import refuse_formula_start

_DEFAULT_KEY = "default_site_id"  # session.info cache: the default site never changes


def default_site_id(session: Session) -> uuid.UUID:
    """The default site's id (made by migration 0550_sites)."""
    cached = session.info.get(_DEFAULT_KEY)
    if cached is None:
        cached = session.scalar(select(Site.id).where(Site.is_default.is_(True)))
        if cached is None:
            raise NotFound("no default site: run `sync-server migrate`", "no_default_site")
        session.info[_DEFAULT_KEY] = cached
    return uuid.UUID(str(cached))


def person_site(session: Session, person_id: uuid.UUID) -> uuid.UUID | None:
    """The site of a person by the rule above; None for an unknown person."""
    row = session.execute(
        select(Person.site_id, Department.site_id)
        .outerjoin(Department, Department.name == Person.department)
        .where(Person.id == person_id)).first()
    if row is None:
        return None
    return row[0] or row[1] or default_site_id(session)


def sites_of_people(session: Session) -> dict[uuid.UUID, uuid.UUID]:
    """Every person's site, in one query."""
    default = default_site_id(session)
    rows = session.execute(
        select(Person.id, Person.site_id, Department.site_id)
        .outerjoin(Department, Department.name == Person.department))
    return {person_id: own or department or default for person_id, own, department in rows}


def kiosk_site(session: Session, kiosk: Kiosk) -> uuid.UUID:
    return kiosk.site_id or default_site_id(session)


def own_site_for(session: Session, department: str | None, site_id: uuid.UUID) -> uuid.UUID | None:
    """The own site a new person of ``department`` needs to be at ``site_id``: None when
    the department already places them there (they then follow it)."""
    by_department = department_sites(session).get(department or "") if department else None
    return None if (by_department or default_site_id(session)) == site_id else site_id


def department_sites(session: Session) -> dict[str, uuid.UUID]:
    """Department name -> its site (departments without one: the default site)."""
    default = default_site_id(session)
    return {name: site or default
            for name, site in session.execute(select(Department.name, Department.site_id))}


@dataclass(frozen=True)
class SiteSummary:
    """A site for the Sites page: its kiosks (names) and how many active people it holds."""

    id: uuid.UUID
    name: str
    is_default: bool
    kiosks: list[str]
    people: int


def list_sites(session: Session) -> list[Site]:
    """Every site, the default first, then by name."""
    return list(session.scalars(select(Site).order_by(Site.is_default.desc(), Site.name)))


def summaries(session: Session) -> list[SiteSummary]:
    active = set(session.scalars(select(Person.id).where(Person.active.is_(True))))
    counts: dict[uuid.UUID, int] = {}
    for person_id, site in sites_of_people(session).items():
        if person_id in active:
            counts[site] = counts.get(site, 0) + 1
    default = default_site_id(session)
    kiosks: dict[uuid.UUID, list[str]] = {}
    for kiosk in session.scalars(select(Kiosk).where(Kiosk.revoked_at.is_(None))
                                 .order_by(Kiosk.name)):
        kiosks.setdefault(kiosk.site_id or default, []).append(kiosk.name)
    return [SiteSummary(site.id, site.name, site.is_default, kiosks.get(site.id, []),
                        counts.get(site.id, 0)) for site in list_sites(session)]


def get_site(session: Session, site_id: uuid.UUID) -> Site:
    row = session.get(Site, site_id)
    if row is None:
        raise NotFound(f"no site {site_id}", "site_unknown", "site_id")
    return row


def find_site(session: Session, name_or_id: str) -> Site:
    """A site by its id or its exact name (the command line names sites either way)."""
    try:
        row = session.get(Site, uuid.UUID(name_or_id))
    except ValueError:
        row = session.scalars(select(Site).where(Site.name == name_or_id.strip())).first()
    if row is None:
        raise NotFound(f"no site named or numbered {name_or_id!r}", "site_unknown", "site")
    return row


def _checked_name(session: Session, name: str, site_id: uuid.UUID | None) -> str:
    name = name.strip()
    if not name:
        raise BadRequest("a site needs a name", "name_needed", "name")
    refuse_formula_start("name", name)
    taken = session.scalar(select(func.count()).select_from(Site).where(
        Site.name == name, Site.id != site_id) if site_id else
        select(func.count()).select_from(Site).where(Site.name == name))
    if taken:
        raise Conflict(f"site {name!r} exists", "site_exists", "name", name=name)
    return name


def create_site(session: Session, name: str, *, actor: str) -> Site:
    """A new site (no kiosks or people yet); audited."""
    row = Site(id=uuid.uuid4(), name=_checked_name(session, name, None), is_default=False,
               created_at=utc_now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "site.create", "site", row.id, {"name": row.name})
    return row


def rename_site(session: Session, site_id: uuid.UUID, name: str, *, actor: str) -> Site:
    """Give a site another (unique) name; audited."""
    row = get_site(session, site_id)
    new = _checked_name(session, name, site_id)
    audit.record(session, actor, "site.rename", "site", site_id, {"from": row.name, "to": new})
    row.name = new
    return row

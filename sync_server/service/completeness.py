"""How complete the server's punches are: each kiosk's last sync, and which kiosks are silent.

Reports count a person's day as final only once every active kiosk of the person's site has
synced past the end of that day's shift (the watermark per site,
:func:`sync_server.service.reports.sync_watermarks`); the days after a silent kiosk's last
sync stay PENDING for that site's people. The pages name the silent kiosks, so HR knows why
and whom to call, instead of seeing figures change without a word. A page about some people
(a department, one person) names only the kiosks of those people's sites: another
building's silent kiosk changes none of its figures.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.db.models import Kiosk
from sync_server.service import sites

SILENT_AFTER = timedelta(hours=1)  # a kiosk syncs every few seconds; an hour is an outage


@dataclass(frozen=True)
class KioskSync:
    """One active kiosk's last contact (UTC; None: never synced since provisioning)."""

    id: uuid.UUID
    name: str
    last_seen_at: datetime | None
    silent: bool


@dataclass(frozen=True)
class Completeness:
    """Every active kiosk's last sync and the watermark they give (UTC)."""

    kiosks: list[KioskSync]

    @property
    def silent(self) -> list[KioskSync]:
        return [k for k in self.kiosks if k.silent]

    @property
    def watermark(self) -> datetime | None:
        seen = [k.last_seen_at for k in self.kiosks if k.last_seen_at is not None]
        return min(seen) if seen else None


def completeness(session: Session, now: datetime,
                 people: Collection[uuid.UUID] | None = None) -> Completeness:
    """Active (provisioned, unrevoked) kiosks, oldest contact first; silent when not heard
    from within :data:`SILENT_AFTER` of ``now``. ``people``: only the kiosks of these
    people's sites (None: every kiosk, the whole ministry's view)."""
    rows = session.execute(select(Kiosk.id, Kiosk.name, Kiosk.last_seen_at, Kiosk.site_id)
                           .where(Kiosk.provisioned_at.is_not(None), Kiosk.revoked_at.is_(None)))
    wanted = None if people is None else _sites_of(session, people)
    default = None if not wanted else sites.default_site_id(session)
    kiosks = [KioskSync(kiosk_id, name, seen, seen is None or now - seen > SILENT_AFTER)
              for kiosk_id, name, seen, site in rows
              if wanted is None or (site or default) in wanted]
    kiosks.sort(key=lambda k: (k.last_seen_at is not None, k.last_seen_at or now, k.name))
    return Completeness(kiosks)


def _sites_of(session: Session, people: Collection[uuid.UUID]) -> set[uuid.UUID]:
    """The sites of ``people`` (service.sites: own site, else department's, else default)."""
    if not people:
        return set()
    placed = sites.sites_of_people(session)
    return {placed[person_id] for person_id in people if person_id in placed}

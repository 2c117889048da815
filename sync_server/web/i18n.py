"""The pages' side of the one catalogue (``sync_server.texts``: the words go there, not
here): the language of a request's ``lang`` cookie, and times in the site's zone.
"""

from __future__ import annotations

from datetime import datetime

from sync_server import texts
from sync_server.service.schedules import SITE_ZONE
from sync_server.texts import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    TEXTS,
    error_text,
    format_date,
    format_number,
    format_time,
    message,
    pick_language,
    translate,
)

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "TEXTS", "error_text", "format_date",
           "format_number", "format_time", "local_datetime", "message", "pick_language",
           "silent_kiosk_line", "translate"]


def local_datetime(language: str, value: datetime | None, zone: str = SITE_ZONE) -> str:
    """An aware instant as the site's wall clock: "dd/mm/yyyy HH:MM" (vi) or ISO (en)."""
    return texts.local_datetime(language, value, zone)


def silent_kiosk_line(language: str, kiosk: str, last_seen: datetime | None) -> str:
    """"lobby: last sync 24/11/2026 08:05" (site time), for banners and exports."""
    when = (local_datetime(language, last_seen) if last_seen is not None
            else translate(language, "never_synced"))
    return message(language, "silent_kiosk", kiosk=kiosk, when=when)

"""The one catalogue of every word users read: pages, refusals, statuses, exports and
e-mails, in Vietnamese (the default: the users are a Vietnamese ministry) and English.

Where words go (each key in ``EN`` and ``VI`` of the same module; the catalogue test fails
on a key used but missing in either language):

- ``pages``: the pages' menus, labels and columns;
- ``hr``: day statuses, punch kinds, roles, field labels, sync completeness, confirmations,
  a person's data export;
- ``refusals``: form errors and refusals (``err_`` + the error's key);
- ``audit``: the audit trail's sentences;
- ``leave``: leave types, staff requests, leaders' decisions, the self-service pages;
- ``sites``: the Sites page, the site pickers, their refusals and audit sentences;
- ``hrops``: search and pages, person pickers, working-day boxes, holiday departments, the
  lateness report's overtime columns, the report e-mail settings page;
- ``mail``: what the server sends by e-mail (subject and body lines);
- ``calendar``: the shift calendar page.

Both the web pages and the services import this package; it imports neither. Vietnamese
dates are dd/mm/yyyy with a decimal comma; English dates are ISO yyyy-mm-dd with a decimal
point. Unknown keys fall back to English, then to the key itself.
"""

from __future__ import annotations

import string
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sync_server.errors import ServerError
from sync_server.texts import audit, calendar, hr, hrops, leave, mail, pages, refusals, sites

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
_MODULES = (pages, hr, refusals, audit, leave, sites, mail, hrops, calendar)
TEXTS: dict[str, dict[str, str]] = {
    "en": {key: text for module in _MODULES for key, text in module.EN.items()},
    "vi": {key: text for module in _MODULES for key, text in module.VI.items()},
}


def pick_language(choice: str | None) -> str:
    """``choice`` when it is a language of the catalogue, else Vietnamese."""
    return choice if choice in LANGUAGES else DEFAULT_LANGUAGE


def translate(language: str, key: str) -> str:
    return TEXTS.get(language, TEXTS["en"]).get(key) or TEXTS["en"].get(key) or key


def format_date(language: str, value: date | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if language == "vi" else value.isoformat()


def message(language: str, key: str, **params: object) -> str:
    """The catalogue's text for ``key`` with its ``{name}`` fields filled from ``params``
    (a field without a value stays as written, so a missing one shows, never crashes)."""
    template = translate(language, key)
    values = {name: params.get(name, "{" + name + "}")
              for _, name, _, _ in string.Formatter().parse(template) if name}
    return template.format(**values)


def error_text(language: str, error: ServerError) -> str:
    """What a page shows for a refused input: the catalogue's words when the error names its
    message (``key``), else the English detail (the service has no translation for it yet)."""
    if error.key is None:
        return error.detail
    params = {name: format_date(language, value) if isinstance(value, date) else value
              for name, value in error.params.items()}
    return message(language, "err_" + error.key, **params)


def local_datetime(language: str, value: datetime | None, zone: str) -> str:
    """An aware instant as the wall clock of ``zone`` (an IANA name such as
    "Asia/Ho_Chi_Minh"): "dd/mm/yyyy HH:MM" (vi) or "yyyy-mm-dd HH:MM" (en)."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(zone))
    return f"{format_date(language, local.date())} {local.strftime('%H:%M')}"


def format_time(value: datetime | None) -> str:
    """Local wall time HH:MM (24-hour in both languages)."""
    return "" if value is None else value.strftime("%H:%M")


def format_number(language: str, value: float, decimals: int = 1) -> str:
    text = f"{value:,.{decimals}f}"
    if language == "vi":  # 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text

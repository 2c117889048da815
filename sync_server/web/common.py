"""Shared plumbing of the web pages: templates, the logged-in user, roles, CSRF, forms.

Runs in FastAPI's thread pool (the page handlers are sync). The session cookie is
HttpOnly and SameSite=Strict, and Secure whenever the request came over https (directly or
through a trusted proxy that says so: sync_server.api.proxies).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest, Conflict, Forbidden, NotFound, ServerError, Unauthorized
from sync_server.service import reports, schedules, users
from sync_server.service.users import CurrentUser, Role
from sync_server.web import i18n

log = logging.getLogger(__name__)

SESSION_COOKIE = "hr_session"
LANGUAGE_COOKIE = "lang"
PREFIX = "/hr"
HERE = Path(__file__).resolve().parent


class LoginRequired(Unauthorized):
    """No valid session: pages redirect to the login form, APIs answer 401."""


class RoleRefused(Forbidden):
    """Logged in, but the role may not see this (or the CSRF token is wrong)."""


class TooManyAttempts(ServerError):
    status = 429
    title = "Too many requests"


def is_https(request: Request) -> bool:
    """Over TLS: the scheme as sync_server.api.proxies set it (a trusted proxy's word)."""
    return request.url.scheme == "https"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def sessions_of(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


def language_of(request: Request) -> str:
    return i18n.pick_language(request.cookies.get(LANGUAGE_COOKIE))


def current_user(request: Request) -> CurrentUser:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with transaction(sessions_of(request)) as session:
            user = users.resolve_session(session, token)
        if user is not None:
            return user
    raise LoginRequired("please log in", "login_required")


User = Annotated[CurrentUser, Depends(current_user)]


def require(user: CurrentUser, *roles: Role) -> None:
    """Refuse unless the user has one of ``roles`` (admins may do everything)."""
    if user.role is not Role.ADMIN and user.role not in roles:
        raise RoleRefused(f"role {user.role.value} may not do this", "role_refused")


def scope_of(user: CurrentUser) -> reports.Scope:
    """Whose records the user may see: leaders their department, staff themselves."""
    if user.sees_everyone:
        return reports.Scope()
    if user.role is Role.LEADER:
        return reports.Scope(department=user.department or "\0none")
    return reports.Scope(person_id=user.person_id)


def check_csrf(user: CurrentUser, token: str) -> None:
    if not hmac.compare_digest(user.csrf_token.encode(), token.encode()):
        raise RoleRefused("the form's CSRF token is missing or wrong; reload the page", "csrf")


class Pages:
    """Renders templates with the user's language, formatters and CSRF token."""

    def __init__(self) -> None:
        self.templates = Jinja2Templates(directory=str(HERE / "templates"))

    def render(self, request: Request, name: str, user: CurrentUser | None,
               status_code: int = 200, **context: Any) -> HTMLResponse:
        language = language_of(request)
        context.update(
            request=request, user=user, lang=language, prefix=PREFIX,
            t=lambda key: i18n.translate(language, key),
            fdate=lambda value: i18n.format_date(language, value),
            ftime=i18n.format_time,
            fnum=lambda value, decimals=1: i18n.format_number(language, value, decimals),
            fdatetime=lambda value: i18n.local_datetime(language, value),
            msg=lambda key, **params: i18n.message(language, key, **params),
            errtext=lambda error: i18n.error_text(language, error),
            kiosk_line=lambda k: i18n.silent_kiosk_line(language, k.name, k.last_seen_at),
            csrf=user.csrf_token if user else "",
            error=request.query_params.get("error"), Role=Role)
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


PAGES = Pages()


def error_redirect(request: Request, back: str, error: ServerError) -> RedirectResponse:
    """Back to ``back`` with the refusal, in the user's language, as ``?error=``."""
    separator = "&" if "?" in back else "?"
    text = i18n.error_text(language_of(request), error)
    return RedirectResponse(f"{back}{separator}error={quote(text)}", status_code=303)


def form_action(request: Request, back: str, action: Callable[[Session], object]) -> Response:
    """Run ``action`` in one transaction, then go back to ``back`` (with the refusal as
    ``?error=`` when the service refused the input)."""
    try:
        with transaction(sessions_of(request)) as session:
            action(session)
    except (BadRequest, Conflict, NotFound) as exc:
        return error_redirect(request, back, exc)
    return RedirectResponse(back, status_code=303)


def form_or_page(request: Request, back: str, action: Callable[[Session], object],
                 refused: Callable[[ServerError], Response]) -> Response:
    """Run ``action`` in one transaction, then go back to ``back``; when the service refuses
    the input, answer ``refused(error)`` instead: the same page again, with the user's
    input and the reason next to the field."""
    try:
        with transaction(sessions_of(request)) as session:
            action(session)
    except (BadRequest, Conflict, NotFound) as exc:
        return refused(exc)
    return RedirectResponse(back, status_code=303)


def site_today() -> date:
    """Today's date in the site's zone."""
    return utc_now().astimezone(ZoneInfo(schedules.SITE_ZONE)).date()


def month_asked(month: str | None) -> tuple[str, date, date]:
    """The month a page shows ("YYYY-MM", this month in the site's zone when none is asked)
    and its first and last day; a month that is not one is the page's form error."""
    month = month or site_today().strftime("%Y-%m")
    try:
        first, last = reports.month_bounds(month)
    except ValueError:
        raise BadRequest(f"{month!r} is not a month YYYY-MM", "not_a_month", "month",
                         value=month) from None
    return month, first, last

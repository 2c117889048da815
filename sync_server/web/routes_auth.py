"""Login, logout and the language switch."""

from __future__ import annotations

import hmac
import logging
import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from sync_server.db.engine import transaction
from sync_server.errors import Unauthorized
from sync_server.service import audit, users
from sync_server.service.login_throttle import LoginThrottle
from sync_server.service.users import Role
from sync_server.web import common, i18n
from sync_server.web.common import PAGES, PREFIX, SESSION_COOKIE, User

log = logging.getLogger(__name__)
router = APIRouter(prefix=PREFIX, include_in_schema=False)

LOGIN_CSRF_COOKIE = "hr_login_csrf"


def _throttle(request: Request) -> LoginThrottle:
    return request.app.state.web_login_throttle  # type: ignore[no-any-return]


def home_for(user: users.CurrentUser) -> str:
    if user.role is Role.STAFF:
        return f"{PREFIX}/timesheet/{user.person_id}"
    return f"{PREFIX}/"


def _login_page(request: Request, message: str | None = None, status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = PAGES.render(request, "login.html", None, status_code=status_code,
                            login_csrf=token, message=message)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=common.is_https(request), path=PREFIX)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    return _login_page(request)


@router.post("/login")
def login(request: Request, username: Annotated[str, Form()],
          password: Annotated[str, Form()], csrf_token: Annotated[str, Form()]) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        return _login_page(request, "refused_text", status_code=403)
    address = common.client_address(request)
    throttle = _throttle(request)
    sessions = common.sessions_of(request)
    with transaction(sessions) as session:
        wait = throttle.retry_after(session, username, address)
        if wait > 0:
            throttle.refused(session, username, address)  # hammering lengthens the wait
    if wait > 0:
        log.warning("login throttled for %r from %s (%.0f s)", username, address, wait)
        response = _login_page(request, "too_many", status_code=429)
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    try:
        with transaction(sessions) as session:
            account = users.authenticate(session, username, password)
            token = users.open_session(session, account)
            throttle.succeeded(session, username, address)
            audit.record(session, account.username, "login", "web_user", account.id,
                         {"address": address})
            current = users.resolve_session(session, token)
    except Unauthorized:
        with transaction(sessions) as session:
            throttle.failed(session, username, address)
        return _login_page(request, "login_failed", status_code=401)
    response = RedirectResponse(home_for(current) if current else PREFIX + "/",
                                status_code=303)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict",
                        secure=common.is_https(request), path="/",
                        max_age=int(users.SESSION_TTL.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/logout")
def logout(request: Request, user: User, csrf_token: Annotated[str, Form()]) -> Response:
    common.check_csrf(user, csrf_token)
    with transaction(common.sessions_of(request)) as session:
        users.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse(f"{PREFIX}/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{language}")
def switch_language(request: Request, language: str) -> Response:
    """Set the language cookie and go back (only to a page of this application)."""
    back = request.headers.get("referer", "")
    target = back if back.startswith(str(request.base_url).rstrip("/") + PREFIX) else PREFIX + "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(common.LANGUAGE_COOKIE, i18n.pick_language(language),
                        max_age=365 * 86400, samesite="lax", secure=common.is_https(request),
                        path="/")
    return response

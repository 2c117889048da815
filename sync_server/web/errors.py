"""How the web application answers refusals: pages get HTML (or a redirect to the login
form); ``/hr/api/*`` and every path outside ``/hr`` keep the server's problem JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response

from sync_server.errors import BadRequest, Forbidden, NotFound, ServerError
from sync_server.problems import problem_response, validation_problem
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX

Handler = Callable[[Request, Exception], Awaitable[Response]]


def _is_page(request: Request) -> bool:
    path = request.url.path
    return path.startswith(PREFIX + "/") and not path.startswith(PREFIX + "/api/")


def _problem(request: Request, exc: Exception) -> Response:
    error = exc if isinstance(exc, ServerError) else ServerError(str(exc))
    return problem_response(error.status, error.title, error.detail, request.url.path)


async def _login_required(request: Request, exc: Exception) -> Response:
    if not _is_page(request):
        return _problem(request, exc)
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{PREFIX}/login?next={quote(target)}", status_code=303)


async def _refused_page(request: Request, exc: Exception) -> Response:
    if not _is_page(request) or not isinstance(exc, ServerError):
        return _problem(request, exc)
    try:
        user = common.current_user(request)
    except common.LoginRequired:
        user = None
    return PAGES.render(request, "refused.html", user, status_code=exc.status,
                        problem=exc)


async def _invalid_input_page(request: Request, exc: Exception) -> Response:
    """Input a page cannot use (a bad date, an unknown id, an unreadable query value): the
    reason in the user's language, never "Forbidden" (that is for permissions only)."""
    if not _is_page(request):
        if isinstance(exc, RequestValidationError):
            return validation_problem(request, exc)
        return _problem(request, exc)
    error = exc if isinstance(exc, ServerError) else BadRequest("bad query", "bad_query")
    try:
        user = common.current_user(request)
    except common.LoginRequired:
        user = None
    return PAGES.render(request, "invalid.html", user, status_code=error.status,
                        problem=error)


def install_handlers(app: FastAPI) -> None:
    """Handlers for the web's exception classes (more specific than ServerError's), and
    for input refused on a page (bad date, unknown person), shown on a page too."""
    app.add_exception_handler(common.LoginRequired, _login_required)
    for refusal in (Forbidden, common.TooManyAttempts):  # a service's refusal too
        app.add_exception_handler(refusal, _refused_page)
    for invalid in (BadRequest, NotFound, RequestValidationError):
        app.add_exception_handler(invalid, _invalid_input_page)

"""Every error as RFC 9457 problem details (``application/problem+json``)."""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from sync_server.errors import ServerError

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_response(status: int, title: str, detail: str, instance: str | None = None,
                     **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status,
                            "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE,
                        headers=headers)


def _with_retry_after(response: JSONResponse, exc: ServerError) -> JSONResponse:
    """A 429's ``Retry-After`` (whole seconds) when the error knows it."""
    retry_after_s = getattr(exc, "retry_after_s", None)
    if retry_after_s is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil(retry_after_s)))
    return response


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ServerError, _server_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _data_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)


async def _server_error(request: Request, exc: ServerError) -> JSONResponse:
    return _with_retry_after(
        problem_response(exc.status, exc.title, exc.detail, request.url.path), exc)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    return validation_problem(request, exc)


def validation_problem(request: Request, exc: RequestValidationError) -> JSONResponse:
    """422 with each refused field's location and message (the schema's words)."""
    errors = [{"loc": list(err.get("loc", ())), "msg": str(err.get("msg", ""))}
              for err in exc.errors()[:20]]
    return problem_response(422, "Unprocessable content", "the request does not match the "
                            "schema; nothing was stored", request.url.path, errors=errors)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return problem_response(exc.status_code, _reason(exc.status_code), str(exc.detail),
                            request.url.path)


async def _data_error(request: Request, exc: DataError) -> JSONResponse:
    # Input the schema allowed but the database refuses, e.g. PostgreSQL and a NUL character
    # in a text field. The transaction was rolled back: a client error, not a 500.
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path,
                exc.orig)
    return problem_response(422, "Unprocessable content", "a value cannot be stored (for "
                            "example a NUL character in a text field); nothing was stored",
                            request.url.path)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(500, "Internal server error", "unexpected error; see server log",
                            request.url.path)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"

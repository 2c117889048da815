"""ASGI middleware: request body size limit (413), the server clock and security headers on
every response.

``X-Server-Time`` (ISO 8601 UTC, microseconds) is stamped when the request arrives; kiosks
measure their clock offset NTP-style from it and their own send/receive times.
Security headers (CSP with ``frame-ancestors 'none'``, nosniff, no referrer, no framing) are
added unless a route set its own; the interactive API docs get a CSP that lets them load.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

import protocol.api
from sync_server.clock import utc_now
from sync_server.service import audit

SERVER_TIME_HEADER = protocol.api.SERVER_TIME_HEADER.encode()
STRICT_CSP = (b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
              b"form-action 'self'; frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages load their scripts from a CDN with an inline bootstrap.
DOCS_CSP = b"frame-ancestors 'none'; object-src 'none'; base-uri 'none'"
DOCS_PATHS = ("/docs", "/redoc")
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


def security_headers(path: str, present: list[tuple[bytes, bytes]]
                     ) -> list[tuple[bytes, bytes]]:
    """The security headers to add to a response for ``path`` that has ``present``."""
    names = {name.lower() for name, _value in present}
    csp = DOCS_CSP if path.startswith(DOCS_PATHS) else STRICT_CSP
    wanted = [*SECURITY_HEADERS, (b"content-security-policy", csp)]
    return [(name, value) for name, value in wanted if name not in names]


UPLOAD_PATHS = re.compile(r"^/hr/people/(?:enrol-zip|[^/]+/enrol)$")
"""Photo enrolment uploads: several phone photos, or a ZIP of a whole site."""


class BodyLimitAndClock:
    """``max_body_bytes`` for every request, ``max_upload_bytes`` for UPLOAD_PATHS."""

    def __init__(self, app: ASGIApp, max_body_bytes: int,
                 max_upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes or max_body_bytes

    def limit_for(self, path: str) -> int:
        return self.max_upload_bytes if UPLOAD_PATHS.match(path) else self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        stamp = utc_now().isoformat(timespec="microseconds").encode()
        limit = self.limit_for(scope.get("path", ""))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await self._too_large(scope, send, stamp, limit)
            return
        received = 0
        too_large = False
        replaced = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def stamped_send(message: Message) -> None:
            nonlocal replaced
            if too_large:
                # Whatever the app made of the aborted read (FastAPI answers 400), the truth
                # is 413: send that instead, once.
                if not replaced:
                    replaced = True
                    await self._too_large(scope, send, stamp, limit)
                return
            if message["type"] == "http.response.start":
                present = list(message.get("headers", []))
                message["headers"] = [*present, (SERVER_TIME_HEADER, stamp),
                                      *security_headers(scope.get("path", ""), present)]
            await send(message)

        try:
            await self.app(scope, limited_receive, stamped_send)
        except _BodyTooLarge:
            if not replaced:
                await self._too_large(scope, send, stamp, limit)

    async def _too_large(self, scope: Scope, send: Send, stamp: bytes, limit: int) -> None:
        body = json.dumps({"type": "about:blank", "title": "Content too large", "status": 413,
                           "detail": f"request bodies are limited to {limit} "
                           "bytes; nothing was stored", "instance": scope.get("path")}).encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/problem+json"),
            (b"content-length", str(len(body)).encode()), (SERVER_TIME_HEADER, stamp),
            (b"connection", b"close"), *security_headers(scope.get("path", ""), [])]})
        await send({"type": "http.response.body", "body": body})


class _BodyTooLarge(Exception):
    pass


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class AuditDoor:
    """Every HTTP request is a door for the audit guard (sync_server.service.audit)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with audit.door(f"{scope.get('method', '')} {scope.get('path', '')}"):
            await self.app(scope, receive, send)

"""The server's exception tree; the API turns each into an RFC 9457 problem response.

    ServerError                 (500 unless a subclass says otherwise)
    ├── BadRequest              400/422: input the service refuses (nothing stored)
    ├── NotFound                404
    ├── Conflict                409
    ├── Unauthorized            401: missing or wrong credential / code
    ├── Forbidden               403: revoked kiosk, not allowed
    └── PayloadTooLarge         413

``detail`` is English (the API's problem document); ``key`` and ``params`` name the same
message in the catalogue (``sync_server.texts``, "err_" + key), so a page can show
it in the user's language. ``field`` names the form field the message belongs to, if any.
"""

from __future__ import annotations


class ServerError(Exception):
    """Base of every error the server raises on purpose."""

    status = 500
    title = "Internal server error"

    def __init__(self, detail: str, key: str | None = None, field: str | None = None,
                 **params: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.key = key
        self.field = field
        self.params = params


class BadRequest(ServerError):
    status = 422
    title = "Unprocessable content"


class NotFound(ServerError):
    status = 404
    title = "Not found"


class Conflict(ServerError):
    status = 409
    title = "Conflict"


class Unauthorized(ServerError):
    status = 401
    title = "Unauthorized"


class Forbidden(ServerError):
    status = 403
    title = "Forbidden"


class PayloadTooLarge(ServerError):
    status = 413
    title = "Content too large"

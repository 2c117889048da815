"""Dependencies shared by the routers: sessions, kiosk and admin authentication."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from sqlalchemy.orm import Session, sessionmaker

from sync_server.api import ratelimit
from sync_server.db.engine import transaction
from sync_server.errors import Unauthorized
from sync_server.service import admins, kiosks
from sync_server.service.login_throttle import LoginThrottle
from sync_server.settings import ServerSettings

bearer = HTTPBearer(auto_error=False, description="kiosk credential from provisioning")
basic = HTTPBasic(auto_error=False, description="admin username and password")


def get_sessions(request: Request) -> sessionmaker[Session]:
    return request.app.state.sessions  # type: ignore[no-any-return]


def get_settings(request: Request) -> ServerSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


Sessions = Annotated[sessionmaker[Session], Depends(get_sessions)]
Settings = Annotated[ServerSettings, Depends(get_settings)]


@dataclass(frozen=True)
class KioskIdentity:
    id: uuid.UUID
    name: str
    recognizer_id: str | None


def current_kiosk(sessions: Sessions, token: Annotated[HTTPAuthorizationCredentials | None,
                                                       Depends(bearer)]) -> KioskIdentity:
    if token is None:
        raise Unauthorized("a kiosk credential is required (Authorization: Bearer ...)")
    with transaction(sessions) as session:
        kiosk = kiosks.authenticate(session, token.credentials)
        return KioskIdentity(kiosk.id, kiosk.name, kiosk.recognizer_id)


ADMIN_THROTTLE = LoginThrottle("api")
"""Admin API logins: growing delays per (username, address), as on the web login form."""


def current_admin(request: Request, sessions: Sessions,
                  login: Annotated[HTTPBasicCredentials | None, Depends(basic)]) -> str:
    """The admin's username; 401 on a wrong login, 429 while a delay after failures runs."""
    if login is None:
        raise Unauthorized("admin login required")
    address = ratelimit.client_address(request)
    with transaction(sessions) as session:
        wait = ADMIN_THROTTLE.retry_after(session, login.username, address)
        if wait > 0:
            ADMIN_THROTTLE.refused(session, login.username, address)
    if wait > 0:
        raise ratelimit.TooManyRequests(f"too many failed admin logins for this user from this "
                                        f"address; wait {math.ceil(wait)} s", wait)
    try:
        with transaction(sessions) as session:
            admin = admins.authenticate_admin(session, login.username, login.password)
            ADMIN_THROTTLE.succeeded(session, login.username, address)
            return admin.username
    except Unauthorized:
        with transaction(sessions) as session:
            ADMIN_THROTTLE.failed(session, login.username, address)
        raise


Kiosk = Annotated[KioskIdentity, Depends(current_kiosk)]
Admin = Annotated[str, Depends(current_admin)]

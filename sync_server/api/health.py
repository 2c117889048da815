"""GET /api/v1/health: liveness and the server clock (no authentication)."""

from __future__ import annotations

from fastapi import APIRouter

from protocol.api import API_PREFIX
from protocol.health import HealthOut
from sync_server import __version__
from sync_server.clock import utc_now

router = APIRouter(prefix=API_PREFIX, tags=["health"])



@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    return HealthOut(status="ok", version=__version__, server_time=utc_now())

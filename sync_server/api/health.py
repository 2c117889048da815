"""GET /api/v1/health: liveness and the server clock (no authentication)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel

from sync_server import __version__
from sync_server.clock import utc_now

router = APIRouter(prefix="/api/v1", tags=["health"])


class HealthOut(BaseModel):
    status: str
    version: str
    server_time: datetime


@router.get("/health", response_model=HealthOut)
def health() -> HealthOut:
    return HealthOut(status="ok", version=__version__, server_time=utc_now())

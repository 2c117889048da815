"""``GET /api/v1/health``: liveness, the server's version and clock (no authentication)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class HealthOut(BaseModel):
    status: str
    version: str
    server_time: datetime

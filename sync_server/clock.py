"""The server's clock (UTC, timezone aware), one place to read it."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)

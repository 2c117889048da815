"""GET /metrics: the server's state in Prometheus' text format, read from the database.

Gauges are computed at scrape time (so every uvicorn worker answers the same): punches
stored, active people, kiosks by state, and per kiosk the seconds since it was last seen,
its reported backlog and clock offset -- what an alert on a kiosk that has gone quiet needs.
Access: with ``api.metrics_token`` set, only ``Authorization: Bearer <token>`` is answered
(401 otherwise); without one and with ``api.metrics_loopback_only`` (the default), only
clients on the loopback interface (403 otherwise; the address is the one
sync_server.api.proxies settled, so a proxied outsider is an outsider). Only finite
numbers are exported: a stored offset that is not finite is left out. The nginx site also
denies the path from outside.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.api.deps import Sessions, Settings
from sync_server.api.proxies import is_loopback
from sync_server.api.ratelimit import client_address
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk, Person, Punch
from sync_server.errors import Forbidden, Unauthorized
from sync_server.settings import ServerSettings

router = APIRouter(tags=["health"])
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class DatabaseCollector(Collector):
    """One scrape's worth of metrics from the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def collect(self) -> Iterator[Metric]:
        with transaction(self._sessions) as session:
            yield CounterMetricFamily("attendance_punches", "Punches stored",
                                      value=session.scalar(select(func.count(Punch.id))) or 0)
            yield GaugeMetricFamily("attendance_people_active", "Active people",
                                    value=session.scalar(select(func.count(Person.id))
                                                         .where(Person.active)) or 0)
            yield from kiosk_metrics(list(session.scalars(select(Kiosk))))


def kiosk_metrics(kiosks: list[Kiosk]) -> Iterator[Metric]:
    states = GaugeMetricFamily("attendance_kiosks", "Kiosks by state", labels=["state"])
    for state in ("active", "revoked", "pending"):
        states.add_metric([state], sum(1 for k in kiosks if _state(k) == state))
    yield states
    now = utc_now()
    seen = GaugeMetricFamily("attendance_kiosk_last_seen_age_seconds",
                             "Seconds since the kiosk last reached the server", labels=["kiosk"])
    backlog = GaugeMetricFamily("attendance_kiosk_backlog_punches",
                                "Punches waiting on the kiosk (as last reported)",
                                labels=["kiosk"])
    offset = GaugeMetricFamily("attendance_kiosk_clock_offset_seconds",
                               "Server time minus kiosk time (as last measured)",
                               labels=["kiosk"])
    for kiosk in kiosks:
        if _state(kiosk) != "active":
            continue
        if kiosk.last_seen_at is not None:
            seen.add_metric([kiosk.name], (now - kiosk.last_seen_at).total_seconds())
        if kiosk.backlog is not None:
            backlog.add_metric([kiosk.name], kiosk.backlog)
        if kiosk.clock_offset_s is not None and math.isfinite(kiosk.clock_offset_s):
            offset.add_metric([kiosk.name], kiosk.clock_offset_s)
    yield from (seen, backlog, offset)


def _state(kiosk: Kiosk) -> str:
    if kiosk.revoked_at is not None:
        return "revoked"
    return "active" if kiosk.credential_hash else "pending"


def check_metrics_access(request: Request, settings: ServerSettings) -> None:
    """Raise Unauthorized / Forbidden unless this request may read the metrics."""
    token = settings.api.metrics_token
    if token:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Unauthorized("/metrics needs 'Authorization: Bearer <api.metrics_token>'")
    elif settings.api.metrics_loopback_only and not is_loopback(client_address(request)):
        raise Forbidden("/metrics answers loopback clients only (api.metrics_loopback_only)")


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request, sessions: Sessions, settings: Settings) -> Response:
    check_metrics_access(request, settings)
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseCollector(sessions))
    return Response(generate_latest(registry), media_type=CONTENT_TYPE)

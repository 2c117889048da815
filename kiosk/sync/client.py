"""SyncClient: the kiosk's HTTP conversation with the sync server (httpx, blocking).

Errors are translated into kiosk.errors: 401/403 -> AuthError; network failures, timeouts,
429 and 5xx -> ServerUnavailable (retry later); other 4xx -> SyncError with the server's
problem detail. Every exchange measures the clock offset (server minus kiosk, seconds) from
the ``X-Server-Time`` header, NTP style: server stamp minus the midpoint of send and receive;
every request carries the kiosk's clock in ``X-Kiosk-Time`` so the server measures it too
(it holds punches whose offset disagrees).

Not thread safe: one client per thread (the sync worker's).
"""

from __future__ import annotations

import base64
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt

from kiosk.errors import (
    AuthError,
    FeedCursorRefused,
    FeedResyncRequired,
    RateLimited,
    ServerUnavailable,
    SyncError,
)
from kiosk.store.records import Chip, Consent, FeedChange, FeedEntity, FeedOp, KioskEvent, Punch
from kiosk.sync.credentials import KioskCredential
from protocol.api import API_PREFIX, KIOSK_TIME_HEADER, SERVER_TIME_HEADER
from protocol.enrolment import ChipBody, ConsentBody, EnrollmentIn, EnrollmentOut, NewPersonBody
from protocol.events import EventAck, EventBatch
from protocol.feed import CURSOR_BEYOND_FEED, FEED_RESYNC, FeedPageOut
from protocol.kiosks import (
    CredentialOut,
    DeviceReport,
    ErasureConfirmationIn,
    ErasureConfirmationOut,
    ProvisionIn,
)
from protocol.punches import PunchAck, PunchBatch, Verdict

log = logging.getLogger(__name__)

__all__ = ["DeviceReport", "FeedPage", "SyncClient", "provision"]


@dataclass(frozen=True)
class FeedPage:
    changes: list[FeedChange]
    next_cursor: int
    has_more: bool


class SyncClient:
    """Talks to one server with one kiosk credential. ``verify_tls`` only off for tests."""

    def __init__(self, credential: KioskCredential, timeout_s: float = 10.0,
                 verify_tls: bool = True, transport: httpx.BaseTransport | None = None,
                 wall_clock: Callable[[], datetime] | None = None) -> None:
        """``wall_clock``: the kiosk's clock as sent in ``X-Kiosk-Time`` (default: the
        system clock; a drill that fakes the kiosk's clock passes the same fake here)."""
        self.credential = credential
        self._wall_clock = wall_clock
        self.clock_offset_s: float | None = None
        self.round_trip_s: float | None = None
        self._http = _http_client(credential.server_url, timeout_s, verify_tls, transport)
        self._http.headers["Authorization"] = f"Bearer {credential.credential}"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def push_punches(self, punches: Sequence[Punch]) -> list[uuid.UUID]:
        """Send a batch; returns the ids the server acknowledged (stored durably there).

        A punch the server holds for review is acknowledged too (never sent again): it is
        logged here with the server's reasons, and counts once HR approves it.
        """
        batch = PunchBatch(punches=[p.to_wire() for p in punches])
        body = self._call("POST", "/punches", json=batch.model_dump(mode="json"))
        answer = PunchAck.model_validate(body)
        for verdict in answer.verdicts:
            if verdict.verdict is Verdict.HELD:
                log.warning("punch %s is held for review by the server: %s", verdict.id,
                            ", ".join(verdict.reasons))
        return answer.acknowledged

    def confirm_erasures(self, erasure_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
        """Tell the server these erasures were applied here; returns the ids it is done with
        (confirmed, or unknown to it: nothing to confirm)."""
        sent = ErasureConfirmationIn(erasure_ids=list(erasure_ids))
        body = self._call("POST", "/kiosks/me/erasures/confirm", json=sent.model_dump(mode="json"))
        answer = ErasureConfirmationOut.model_validate(body)
        return [*answer.confirmed, *answer.unknown]

    def push_events(self, events: Sequence[KioskEvent]) -> list[uuid.UUID]:
        """Send a batch of outbox events; returns the ids the server stored durably."""
        batch = EventBatch(events=[e.to_wire() for e in events])
        body = self._call("POST", "/events", json=batch.model_dump(mode="json"))
        return EventAck.model_validate(body).acknowledged

    def pull_feed(self, after: int, limit: int = 500) -> FeedPage:
        """One page of changes after ``after``; unknown entity kinds are skipped (logged)."""
        page = FeedPageOut.model_validate(
            self._call("GET", "/feed", params={"after": after, "limit": limit}))
        changes = []
        for item in page.changes:
            try:
                entity, op = FeedEntity(item.entity), FeedOp(item.op)
            except ValueError:
                log.warning("skipping feed change %s of unknown kind %s/%s", item.seq,
                            item.entity, item.op)
                continue
            changes.append(FeedChange(seq=item.seq, entity=entity, op=op,
                                      entity_id=item.entity_id, data=dict(item.data)))
        return FeedPage(changes, page.next_cursor, page.has_more)

    def heartbeat(self, report: DeviceReport) -> None:
        self._call("POST", "/kiosks/me/heartbeat",
                   json=report.model_dump(mode="json", exclude_none=True))

    def rotate_credential(self) -> KioskCredential:
        """Get a new credential (the old one stops working); the caller saves it."""
        body = CredentialOut.model_validate(self._call("POST", "/kiosks/me/rotate"))
        self.credential = KioskCredential(self.credential.server_url, body.kiosk_id, body.name,
                                          body.credential)
        self._http.headers["Authorization"] = f"Bearer {self.credential.credential}"
        return self.credential

    def upload_enrollment(self, person_id: uuid.UUID, recognizer_id: str, consent: Consent,
                          embeddings: npt.NDArray[np.float32], chips: Sequence[Chip] = (),
                          new_person_name: str | None = None,
                          template_ids: Sequence[uuid.UUID] | None = None,
                          new_person_department: str | None = None,
                          rolling: bool = False,
                          confirmed_different: Sequence[uuid.UUID] = ()) -> list[uuid.UUID]:
        """Send a kiosk enrollment (templates + chips + its consent record) to the server;
        ``rolling``: one rolling template (kiosk.store.rolling) instead.

        ``template_ids`` (one per embedding row) become the server's template ids: the upload
        is then idempotent (a retry after a lost answer stores nothing new) and the feed
        later replaces the kiosk's own rows instead of adding copies.
        """
        matrix = np.atleast_2d(np.asarray(embeddings, dtype="<f4"))
        body = EnrollmentIn(
            person_id=person_id, recognizer_id=recognizer_id,
            consent=ConsentBody(id=consent.id, given_at=consent.given_at,
                                notice_version=consent.notice_version,
                                collected_by=consent.collected_by),
            embeddings=[base64.b64encode(row.tobytes()).decode() for row in matrix],
            chips=[ChipBody(image=base64.b64encode(c.image).decode(),
                            image_format=c.image_format, alignment=c.alignment)
                   for c in chips],
            template_ids=list(template_ids) if template_ids is not None else None,
            new_person=(NewPersonBody(display_name=new_person_name,
                                      department=new_person_department)
                        if new_person_name is not None else None),
            rolling=rolling, confirmed_different=list(confirmed_different))
        answer = self._call("POST", "/templates",
                            json=body.model_dump(mode="json", exclude_none=True))
        return EnrollmentOut.model_validate(answer).template_ids

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        sent = time.time()
        kiosk_time = self._wall_clock() if self._wall_clock else datetime.fromtimestamp(sent, UTC)
        headers = {KIOSK_TIME_HEADER: kiosk_time.isoformat()}
        try:
            response = self._http.request(method, API_PREFIX + path, headers=headers, **kwargs)
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
        received = time.time()
        self._measure_clock(response, sent, received)
        _raise_for_problem(response, method, path)
        if response.status_code == 204:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise SyncError(f"{method} {path}: the server answered non-JSON") from exc

    def _measure_clock(self, response: httpx.Response, sent: float, received: float) -> None:
        stamp = response.headers.get(SERVER_TIME_HEADER)
        if stamp is None:
            return
        try:
            server = datetime.fromisoformat(stamp).timestamp()
        except ValueError:
            return
        self.clock_offset_s = server - (sent + received) / 2
        self.round_trip_s = received - sent


def provision(server_url: str, code: str, report: DeviceReport, timeout_s: float = 10.0,
              verify_tls: bool = True,
              transport: httpx.BaseTransport | None = None) -> KioskCredential:
    """Exchange a one-time provisioning code for this kiosk's credential (save it after)."""
    with _http_client(server_url, timeout_s, verify_tls, transport) as http:
        try:
            body = ProvisionIn(code=code, **report.model_dump())
            response = http.post(API_PREFIX + "/kiosks/provision",
                                 json=body.model_dump(mode="json", exclude_none=True))
        except httpx.TransportError as exc:
            raise ServerUnavailable(f"provisioning: {type(exc).__name__}: {exc}") from exc
        _raise_for_problem(response, "POST", "/kiosks/provision")
        answer = CredentialOut.model_validate(response.json())
    return KioskCredential(server_url=server_url, kiosk_id=answer.kiosk_id, name=answer.name,
                           credential=answer.credential)


def _http_client(server_url: str, timeout_s: float, verify_tls: bool,
                 transport: httpx.BaseTransport | None) -> httpx.Client:
    return httpx.Client(base_url=server_url.rstrip("/"), timeout=timeout_s, verify=verify_tls,
                        transport=transport, headers={"User-Agent": "face-attendance-kiosk"})


def _raise_for_problem(response: httpx.Response, method: str, path: str) -> None:
    status = response.status_code
    if status < 400:
        return
    try:
        problem = response.json()
        detail, title = str(problem.get("detail", response.text[:200])), problem.get("title")
    except (ValueError, AttributeError):
        detail, title = response.text[:200], None
    message = f"{method} {path}: {status} {detail}"
    if status in (401, 403):
        raise AuthError(message)
    if status == 409 and title == CURSOR_BEYOND_FEED:
        raise FeedCursorRefused(message)
    if status == 409 and title == FEED_RESYNC:
        raise FeedResyncRequired(message)
    if status == 429:
        raise RateLimited(message)
    if status >= 500:
        raise ServerUnavailable(message)
    raise SyncError(message)

"""One sync exchange (``sync_once``) and the loop that repeats it (``SyncWorker``).

The loop is a plain thread (no Qt): the UI wraps it and reads ``status()``. Punches leave
the outbox only after the server acknowledged them; a feed page and its cursor are applied
in one transaction; a process killed at any point loses and duplicates nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TypeVar
from uuid import UUID

from kiosk.errors import (
    EXPECTED_ERRORS,
    AuthError,
    FeedCursorRefused,
    FeedResyncRequired,
    ServerUnavailable,
)
from kiosk.store import KioskStore
from kiosk.store.operating_point import reported_rule
from kiosk.store.records import utc_now
from kiosk.sync.backoff import Backoff
from kiosk.sync.client import DeviceReport, SyncClient
from kiosk.sync.enrollments import upload_enrollments

log = logging.getLogger(__name__)

T = TypeVar("T")

EVENT_BATCH = 20  # events may carry a snapshot: keep a batch well under the body limit


@dataclass(frozen=True)
class SyncReport:
    """What one exchange did."""

    pushed: int
    pulled: int
    backlog: int
    clock_offset_s: float | None
    events_pushed: int = 0
    enrollments_uploaded: int = 0


@dataclass(frozen=True)
class SyncState:
    """The worker's status for the UI. ``online`` is None before the first attempt."""

    online: bool | None = None
    auth_failed: bool = False
    last_success_at: datetime | None = None
    last_error: str | None = None
    backlog: int = 0
    clock_offset_s: float | None = None


def drain(pending: Callable[[], Sequence[T]], send: Callable[[Sequence[T]], list[UUID]],
          acknowledge: Callable[[list[UUID]], object]) -> int:
    """Send batches from an outbox until it is empty; returns how many were acknowledged.

    Rows leave the outbox only once the server acknowledged them. A batch the server
    acknowledged none of ends the round (try again next round rather than spin).
    """
    sent = 0
    while True:
        batch = pending()
        if not batch:
            return sent
        acknowledged = send(batch)
        acknowledge(acknowledged)
        sent += len(acknowledged)
        if not acknowledged:
            return sent


def push_all(store: KioskStore, client: SyncClient, batch_size: int) -> int:
    """Push every unacknowledged punch in batches; returns how many were acknowledged."""

    def acknowledge(ids: list[UUID]) -> None:
        store.punches.mark_synced(ids)
        if client.clock_offset_s is not None:
            store.settings.set_clock_offset_s(client.clock_offset_s)

    return drain(lambda: store.punches.pending(batch_size), client.push_punches, acknowledge)


def push_events(store: KioskStore, client: SyncClient, batch_size: int) -> int:
    """Push every unacknowledged event in batches; returns how many were acknowledged.

    Events go after punches: a punch is what a person was promised, an event (a reminder
    seen, a refused attempt) is bookkeeping that must not delay it.
    """
    return drain(lambda: store.events.pending(batch_size), client.push_events,
                 store.events.mark_synced)


def pull_all(store: KioskStore, client: SyncClient, page_size: int) -> int:
    """Apply feed pages from the stored cursor until caught up; returns changes applied."""
    pulled = 0
    while True:
        after = int(store.feed.cursor() or 0)
        try:
            page = client.pull_feed(after, page_size)
        except FeedCursorRefused as exc:  # the feed shrank after the heartbeat: a restore
            restart_feed(store, exc)
            continue
        store.feed.apply_page(page.changes, str(page.next_cursor))
        pulled += len(page.changes)
        if not page.has_more or page.next_cursor <= after:
            if store.feed.finish_resync():  # a site move's re-reading has caught up
                pulled += 1
            return pulled


ERASURE_BATCH = 500  # ids per confirmation request


def confirm_erasures(store: KioskStore, client: SyncClient) -> int:
    """Confirm the erasures applied here (recorded with the feed page that carried them);
    returns how many the server is done with. The only proof of erasure the server takes."""
    done = 0
    pending = store.feed.erasures_to_confirm()
    for start in range(0, len(pending), ERASURE_BATCH):
        answered = client.confirm_erasures(pending[start:start + ERASURE_BATCH])
        store.feed.mark_erasures_confirmed(answered)
        done += len(answered)
    return done


def restart_feed(store: KioskStore, refusal: FeedCursorRefused) -> None:
    """The server's feed ends before our cursor (restored from an older backup): read it
    again from the start. Every entry is idempotent (upserts replace, tombstones delete).
    After a move to another site, the people that reading does not carry are then dropped
    (``FeedCache.finish_resync``)."""
    if isinstance(refusal, FeedResyncRequired):
        log.warning("this kiosk was moved to another site (%s): reading its people again",
                    refusal)
        store.feed.begin_resync()
        return
    log.warning("the server refused feed cursor %s (%s): reading its feed from the start",
                store.feed.cursor(), refusal)
    store.feed.apply_page([], "0")  # moves the cursor only, in one transaction


def sync_once(store: KioskStore, client: SyncClient, batch_size: int = 200,
              page_size: int = 500, software_version: str | None = None,
              recognizer_id: str | None = None) -> SyncReport:
    """Heartbeat, push the outbox, pull the feed. Raises SyncError subclasses, StoreError."""
    try:
        client.heartbeat(_device_report(store, software_version, recognizer_id))
    except FeedCursorRefused as exc:
        restart_feed(store, exc)
        client.heartbeat(_device_report(store, software_version, recognizer_id))
    if client.clock_offset_s is not None:
        store.settings.set_clock_offset_s(client.clock_offset_s)
    # Enrollments first: a person created at this kiosk must exist on the server before
    # their punches arrive there.
    uploaded = upload_enrollments(store, client)
    pushed = push_all(store, client, batch_size)
    events = push_events(store, client, EVENT_BATCH)
    pulled = pull_all(store, client, page_size)
    confirm_erasures(store, client)
    if pulled:
        # Report the new cursor at once: it is how the server learns which templates this
        # kiosk holds (erasures are confirmed by id, above).
        client.heartbeat(_device_report(store, software_version, recognizer_id))
    return SyncReport(pushed, pulled, store.punches.backlog(), client.clock_offset_s, events,
                      enrollments_uploaded=uploaded)


class SyncWorker(threading.Thread):
    """Runs ``sync_once`` every ``interval_s`` on its own thread, backing off on failure.

    ``on_state`` (optional) is called on this worker thread after every attempt: a UI must
    hop to its own thread (e.g. emit a Qt signal) before touching widgets.
    """

    def __init__(self, store: KioskStore, client: SyncClient, interval_s: float = 10.0,
                 batch_size: int = 200, backoff: Backoff | None = None,
                 software_version: str | None = None, recognizer_id: str | None = None,
                 on_state: Callable[[SyncState], None] | None = None) -> None:
        super().__init__(name="sync-worker", daemon=True)
        self._store = store
        self._client = client
        self._interval_s = interval_s
        self._batch_size = batch_size
        self._backoff = backoff or Backoff(base_s=1.0, max_s=max(60.0, interval_s))
        self._identity = (software_version, recognizer_id)
        self._on_state = on_state
        self._stop_event = threading.Event()
        self._wake_event = threading.Event()
        self._lock = threading.Lock()
        self._state = SyncState()

    @property
    def client(self) -> SyncClient:
        """The worker's client: only touch it from the worker thread or before start()."""
        return self._client

    def state(self) -> SyncState:
        with self._lock:
            return self._state

    def online(self) -> bool | None:
        return self.state().online

    def wake(self) -> None:
        """Sync now (e.g. right after a punch) instead of at the next interval."""
        self._wake_event.set()

    def stop(self, timeout_s: float | None = 10.0) -> None:
        self._stop_event.set()
        self._wake_event.set()
        if self.is_alive():
            self.join(timeout_s)

    def run(self) -> None:
        while not self._stop_event.is_set():
            delay = self._attempt()
            self._wake_event.wait(delay)
            self._wake_event.clear()

    def _attempt(self) -> float:
        """One exchange; returns how long to wait before the next."""
        version, recognizer = self._identity
        try:
            report = sync_once(self._store, self._client, self._batch_size,
                               software_version=version, recognizer_id=recognizer)
        except AuthError as exc:
            log.error("sync refused: %s", exc)
            self._publish(online=False, auth_failed=True, last_error=str(exc))
            return self._backoff.max_s
        except ServerUnavailable as exc:
            delay = self._backoff.next_delay()
            log.info("server unavailable (%s); retrying in %.1f s", exc, delay)
            self._publish(online=False, auth_failed=False, last_error=str(exc))
            return delay
        except EXPECTED_ERRORS as exc:
            delay = self._backoff.next_delay()
            log.warning("sync failed (%s); retrying in %.1f s", exc, delay)
            self._publish(online=True, auth_failed=False, last_error=str(exc))
            return delay
        self._backoff.reset()
        self._publish(online=True, auth_failed=False, last_error=None,
                      last_success_at=utc_now(), backlog=report.backlog,
                      clock_offset_s=report.clock_offset_s)
        return self._interval_s

    def _publish(self, **changes: object) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)  # type: ignore[arg-type]
            state = self._state
        if self._on_state is not None:
            self._on_state(state)


def _device_report(store: KioskStore, software_version: str | None,
                   recognizer_id: str | None) -> DeviceReport:
    return DeviceReport(software_version=software_version, recognizer_id=recognizer_id,
                        backlog=store.punches.backlog(),
                            clock_offset_s=store.settings.clock_offset_s(),
                        feed_cursor=int(store.feed.cursor() or 0),
                        decision_rule=reported_rule(store))

"""The today board as versioned snapshots, so a browser polling every few seconds gets only
what changed since its last poll.

A snapshot is everyone's board entry in one scope at one minute; its ``version`` is a hash
of the scope and the entries (equal boards, equal versions). Snapshots are memoised on the
people, the day's data version (``reports.data_version``: any punch, correction, leave,
person or schedule change moves it) and the minute (states also change with the clock: not
yet -> absent once the grace is over), so polls between changes cost a few indexed queries.
The last ``KEPT_VERSIONS`` snapshots are kept to answer "changes since version v"; an
unknown or evicted version gets the whole board.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from sync_server.db.models import Person
from sync_server.service import reports, schedules
from sync_server.service.reports import BoardEntry

KEPT_VERSIONS = 256  # snapshots kept for deltas (a few per scope and minute of the day)


@dataclass(frozen=True)
class Snapshot:
    version: str
    entries: dict[uuid.UUID, BoardEntry]  # in board order (department, name)


@dataclass(frozen=True)
class Changes:
    """What a poll sends: everything (``full``) or what changed since the client's version."""

    snapshot: Snapshot
    full: bool
    changed: list[BoardEntry]
    removed: list[uuid.UUID]


class _Lru:
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[object, Snapshot] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> Snapshot | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: object, snapshot: Snapshot) -> None:
        with self._lock:
            self._items[key] = snapshot
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_BY_KEY = _Lru(KEPT_VERSIONS)  # (people, day, data version, minute) -> snapshot
_BY_VERSION = _Lru(KEPT_VERSIONS)


def _hash(parts: Sequence[object]) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


def snapshot(session: Session, people: list[Person], now: datetime) -> Snapshot:
    """The board of ``people`` at ``now`` (memoised; see the module doc)."""
    today = now.astimezone(ZoneInfo(schedules.SITE_ZONE)).date()
    scope = _hash(sorted(str(p.id) for p in people))
    key = (scope, today, reports.data_version(session, today, today),
           now.replace(second=0, microsecond=0))
    found = _BY_KEY.get(key)
    if found is not None:
        return found
    entries = reports.today_board(session, people, now)
    made = Snapshot(_hash([scope, *entries]), {e.person_id: e for e in entries})
    _BY_KEY.put(key, made)
    _BY_VERSION.put(made.version, made)
    return made


def changes_since(current: Snapshot, version: str | None) -> Changes:
    """The entries that differ from snapshot ``version``'s (the whole board when unknown)."""
    previous = _BY_VERSION.get(version) if version else None
    if previous is None:
        return Changes(current, True, list(current.entries.values()), [])
    changed = [e for pid, e in current.entries.items() if previous.entries.get(pid) != e]
    removed = [pid for pid in previous.entries if pid not in current.entries]
    return Changes(current, False, changed, removed)

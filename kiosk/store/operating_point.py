"""The gallery-aware operating point kept in the kiosk store, and the gallery's signature.

The recognizer (inference worker) writes the point it chose, with its inputs, as JSON under
the ``settings`` key OPERATING_POINT_KEY whenever the gallery changes; the sync worker sends
it in the heartbeat and ``kiosk doctor`` reads it from the file (read-only, no data key).
``Biometrics.gallery_signature`` changes whenever templates or active people change (feed
apply, enrolment, erasure), so the worker can tell that the gallery must be rebuilt.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import StoreError

if TYPE_CHECKING:
    from kiosk.store.store import KioskStore

OPERATING_POINT_KEY = "vision.operating_point"


def save_operating_point(store: KioskStore, point: dict[str, Any],
                         at: datetime | None = None) -> None:
    """Store ``point`` (OperatingPoint.to_dict()) with the UTC time it was computed."""
    stamped = {**point, "computed_at": (at or datetime.now(UTC)).isoformat()}
    store.settings.set(OPERATING_POINT_KEY, json.dumps(stamped))


def stored_operating_point(store: KioskStore) -> dict[str, Any] | None:
    text = store.settings.get(OPERATING_POINT_KEY)
    return json.loads(text) if text else None


REPORTED_FIELDS = ("people", "templates", "threshold_1n", "threshold_1to1", "target_fpir",
                   "expected_fpir", "face_only_success", "computed_at")


def reported_rule(store: KioskStore) -> dict[str, Any] | None:
    """What the heartbeat tells the server of the stored point (None before there is one)."""
    point = stored_operating_point(store)
    return None if point is None else {k: point.get(k) for k in REPORTED_FIELDS}


def read_operating_point(store_path: Path) -> dict[str, Any] | None:
    """The stored point from the file, read-only (``kiosk doctor``); None when absent."""
    if not Path(store_path).is_file():
        return None
    try:
        conn = sqlite3.connect(f"{Path(store_path).resolve().as_uri()}?mode=ro", uri=True,
                               timeout=5.0)
        try:
            rows = conn.execute("SELECT value FROM settings WHERE key = ?",
                                (OPERATING_POINT_KEY,)).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot read the operating point from {store_path}: {exc}") from exc
    return json.loads(rows[0][0]) if rows else None

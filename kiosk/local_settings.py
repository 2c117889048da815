"""The kiosk's own settings, changed on its admin screen, kept in the store's ``settings`` table.

Each is a row ``local.<dotted settings key>`` whose value is JSON (``"vi"``, ``0.62``, a list
of ids, ...). kiosk.settings lays them over the settings file at startup; the admin screen
writes them with ``store.settings.set_local`` (kiosk.store.device_settings). Reading here
needs no data key and never creates or migrates the file: a kiosk without a store yet simply
has no local settings.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from kiosk.errors import SettingsError

PREFIX = "local."


def read_local_settings(store_path: Path) -> dict[str, Any]:
    """``{dotted key: value}`` saved on the admin screen; {} when there is no store yet."""
    if not Path(store_path).is_file():
        return {}
    try:
        conn = sqlite3.connect(f"{Path(store_path).resolve().as_uri()}?mode=ro", uri=True,
                               timeout=5.0)
    except sqlite3.Error as exc:
        raise SettingsError(f"cannot read the kiosk's own settings from {store_path}: {exc}") \
            from exc
    try:
        rows = conn.execute("SELECT key, value FROM settings WHERE key LIKE ?",
                            (PREFIX + "%",)).fetchall()
    except sqlite3.OperationalError:
        return {}  # a store from before the settings table: nothing saved yet
    finally:
        conn.close()
    values = {}
    for key, text in rows:
        try:
            values[key[len(PREFIX):]] = json.loads(text)
        except ValueError:
            raise SettingsError(f"{store_path}: the saved setting {key} is not JSON") from None
    return values

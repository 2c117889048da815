"""The kiosk's credential file: server URL, kiosk id and the secret bearer credential.

Written atomically (temp file + rename) with mode 0600; never logged.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import AuthError
from protocol.files import write_private


@dataclass(frozen=True)
class KioskCredential:
    server_url: str
    kiosk_id: uuid.UUID
    name: str
    credential: str

    def __repr__(self) -> str:  # keep the secret out of logs and tracebacks
        return f"KioskCredential({self.server_url!r}, {self.kiosk_id}, {self.name!r}, ***)"


def save_credential(path: Path, credential: KioskCredential) -> None:
    """Write ``credential`` to ``path`` atomically, readable by its owner only."""
    write_private(path, json.dumps({
        "server_url": credential.server_url, "kiosk_id": str(credential.kiosk_id),
        "name": credential.name, "credential": credential.credential}))


def load_credential(path: Path) -> KioskCredential:
    """Read the credential file; AuthError if it is missing or unreadable (not provisioned)."""
    try:
        data = json.loads(path.read_text())
        return KioskCredential(server_url=str(data["server_url"]),
                               kiosk_id=uuid.UUID(data["kiosk_id"]), name=str(data["name"]),
                               credential=str(data["credential"]))
    except FileNotFoundError:
        raise AuthError(f"no kiosk credential at {path}: provision this kiosk first") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AuthError(f"kiosk credential file {path} is unreadable: {exc}") from None

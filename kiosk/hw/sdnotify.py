"""systemd's notify protocol (READY=1, WATCHDOG=1, STATUS=...) without a dependency.

Under a unit with ``Type=notify`` and ``WatchdogSec=``, the kiosk says READY once its first
frame is processed, then pings the watchdog from the loop that proves it is alive (the frame
worker), at least every WatchdogSec/2. Outside systemd (no $NOTIFY_SOCKET) every call is a
no-op, so the same code runs on a laptop.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


def notify(message: str) -> bool:
    """Send one notify datagram; True if sent, False when not running under systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return False
    if address.startswith("@"):  # abstract namespace socket
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            # Never block the caller (the frame loop): a full queue drops this one message.
            sock.setblocking(False)
            sock.connect(address)
            sock.sendall(message.encode("utf-8"))
    except OSError as exc:
        log.warning("systemd notify failed: %s", exc)
        return False
    return True


def ready(status: str = "running") -> bool:
    return notify(f"READY=1\nSTATUS={status}")


def watchdog_ping() -> bool:
    return notify("WATCHDOG=1")


def watchdog_interval_s() -> float | None:
    """Half the watchdog period systemd asks for, in seconds; None when there is none."""
    usec = os.environ.get("WATCHDOG_USEC")
    if not usec or not usec.isdigit():
        return None
    return int(usec) / 2_000_000

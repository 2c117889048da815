"""Server time between syncs that survives the kiosk's own clock jumping.

A kiosk learns the server's time at every sync (kiosk.sync measures the offset NTP style).
Storing only "server minus kiosk" goes stale the moment the kiosk's wall clock jumps (an NTP
step, a Raspberry Pi without a real-time clock, someone setting the time by hand): every
punch until the next sync would carry the old offset and land hours off on the server.

So each measurement is also kept as a reference on the boot clock (CLOCK_BOOTTIME on Linux:
seconds since boot, suspend included, never set by anyone): the server's time at the
reference plus the boot-clock seconds elapsed since then is the server's time now, whatever
the wall clock says. The reference is tied to the boot it was made in (Linux ``boot_id``);
after a reboot, or where the platform has no boot id, the last measured offset is used as it
was, until the next sync.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
JUMP_TOLERANCE_S = 1.0
"""Wall and boot clocks parting by less than this since the measurement is not a jump (NTP
slewing, reading two clocks at slightly different moments): the measured offset stands."""


def boot_seconds() -> float:
    """Seconds on a clock nobody sets: CLOCK_BOOTTIME where there is one, else monotonic."""
    clock = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(clock) if clock is not None else time.monotonic()


def boot_id() -> str | None:
    """This boot's id (Linux), or None where the platform has none."""
    try:
        return BOOT_ID_FILE.read_text().strip() or None
    except OSError:
        return None


@dataclass(frozen=True)
class ClockReference:
    """The server's time at boot-clock second ``boot_s`` of boot ``boot``."""

    boot: str
    boot_s: float
    server_at: datetime

    def server_now(self, boot_now_s: float) -> datetime:
        return self.server_at + timedelta(seconds=boot_now_s - self.boot_s)

    def offset_now(self, measured_s: float, boot_now_s: float, wall_now: datetime) -> float:
        """Server minus kiosk clock now. ``measured_s`` (the offset this reference was made
        with) as it is while the wall clock kept pace with the boot clock, so punches made
        at one instant carry one offset; the boot-clock estimate once it jumped."""
        wall_then = self.server_at - timedelta(seconds=measured_s)
        drift_s = (wall_now - wall_then).total_seconds() - (boot_now_s - self.boot_s)
        if abs(drift_s) < JUMP_TOLERANCE_S:
            return measured_s
        return (self.server_now(boot_now_s) - wall_now).total_seconds()

    def to_json(self) -> str:
        return json.dumps({"boot": self.boot, "boot_s": self.boot_s,
                           "server_at": self.server_at.isoformat()})

    @classmethod
    def from_json(cls, text: str) -> ClockReference | None:
        try:
            data = json.loads(text)
            return cls(str(data["boot"]), float(data["boot_s"]),
                       datetime.fromisoformat(data["server_at"]))
        except (ValueError, KeyError, TypeError):
            return None

"""The real kiosk window under cage, the Wayland kiosk compositor the kiosk boots into
(hardware/systemd/face-kiosk.service): headless, with the software renderer. The kiosk says
READY=1 on systemd's notify socket (the unit is ``Type=notify``), fills the output exactly
(no title bar or borders drawn by Qt's Wayland client) and exits cleanly.

Skips where cage or Xwayland (cage 0.1.4 does not start without it) is absent, or where the
test runs as root and no user namespace can be made (cage refuses to run as root); under
CI=true each of these fails instead (scripts/setup.sh installs both).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kiosk.app.helpers import kiosk_settings, lfw_photo, photo_folder

pytestmark = [pytest.mark.shared]

# cage's headless backend makes one 1280x720 output
OUTPUT = (1280, 720)
# cage drops privileges and will not run as root; as root the test runs it in a user
# namespace as this uid (files keep their real owner, so the kiosk still reads them)
NAMESPACE_UID = 1000


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason)
    pytest.skip(reason)


def _cage_command() -> list[str]:
    """The command prefix that starts cage as a non-root user, headless."""
    cage = shutil.which("cage")
    if cage is None:
        _missing("cage not installed (scripts/setup.sh installs cage and xwayland)")
    if shutil.which("Xwayland") is None:
        _missing("Xwayland not installed: cage 0.1.4 does not start without it "
                 "(scripts/setup.sh installs xwayland)")
    if os.geteuid() != 0:
        return [str(cage), "--"]
    unshare = shutil.which("unshare")
    probe = [str(unshare), "--user", f"--map-user={NAMESPACE_UID}", "true"]
    if unshare is None or subprocess.run(probe, capture_output=True, check=False).returncode:
        _missing("running as root and no user namespace can be made; cage refuses root")
    return [str(unshare), "--user", f"--map-user={NAMESPACE_UID}",
            f"--map-group={NAMESPACE_UID}", str(cage), "--"]


def _cage_environment(runtime_dir: Path, notify_socket: Path) -> dict[str, str]:
    """What the unit gives the kiosk: no X display, no Qt platform chosen (Qt picks wayland
    from cage's WAYLAND_DISPLAY), a private runtime directory, systemd's notify socket."""
    unset = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return {**env, "XDG_RUNTIME_DIR": str(runtime_dir), "WLR_BACKENDS": "headless",
            "WLR_RENDERER": "pixman", "WLR_LIBINPUT_NO_DEVICES": "1",
            "NOTIFY_SOCKET": str(notify_socket)}


def _received(sock: socket.socket) -> list[str]:
    messages = []
    while True:
        try:
            messages.append(sock.recv(4096).decode("utf-8"))
        except BlockingIOError:
            return messages


def test_real_window_under_cage_is_ready_and_fills_the_output(
        installed_pack, faces_dev, tmp_path: Path) -> None:
    prefix = _cage_command()
    pack, models_dir = installed_pack
    camera = photo_folder(tmp_path / "camera", [lfw_photo(faces_dev, "Colin_Powell", 1),
                                                faces_dev / "people" / "clapton-1.jpg"])
    data = kiosk_settings(tmp_path, pack=pack, models_dir=models_dir,
                          camera=str(camera)).model_dump(mode="json")
    data["ui"]["fullscreen"] = True
    runtime_dir = tmp_path / "runtime"
    runtime_dir.mkdir(mode=0o700)
    notify_path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as notify:
        notify.bind(str(notify_path))
        notify.setblocking(False)
        done = subprocess.run(
            [*prefix, sys.executable, "-m", "tests.kiosk.app.real_window_child",
             json.dumps(data), "-"],
            capture_output=True, text=True, timeout=180, cwd=Path(__file__).parents[3],
            env=_cage_environment(runtime_dir, notify_path))
        messages = _received(notify)
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["platform"] == "wayland"
    assert any("READY=1" in message.splitlines() for message in messages), messages
    assert facts["exit_code"] == 0 and facts["threads_stopped"]
    assert facts["screen"] == [0, 0, *OUTPUT]
    assert facts["window"] == facts["screen"]  # no client-side title bar or borders
    assert facts["frames_shown"] >= 5 and facts["states"]

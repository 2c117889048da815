"""Run in a child process by test_real_window.py (xcb under Xvfb) and test_cage_window.py
(wayland under cage): the real kiosk window.

Usage: python -m tests.kiosk.app.real_window_child SETTINGS_JSON SCREENSHOT_PNG|-
Starts the full kiosk (full screen, looping image-folder camera) on the platform Qt is given,
waits until the preview has shown camera frames and the engine has sent a state, grabs the
X root window into SCREENSHOT_PNG (skipped with ``-``: a Wayland client cannot read the
screen), closes the window and prints one JSON object: the platform, the window's and the
screen's geometry (pixels), frames shown, the state kinds seen and the exit code.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.app.runtime import KioskRuntime
from kiosk.settings import KioskSettings
from kiosk.ui.app import RunLimits, RunReport, run_kiosk_app
from kiosk.ui.window import KioskWindow


def main(settings_json: str, screenshot: Path) -> None:
    settings = KioskSettings.model_validate(json.loads(settings_json))
    runtime = KioskRuntime(settings, loop_recording=True)
    seen: list[str] = []
    facts: dict[str, object] = {}
    app = QApplication.instance() or QApplication([])

    def look() -> None:
        window = next((w for w in app.topLevelWidgets() if isinstance(w, KioskWindow)), None)
        if window is None or not window.isVisible():
            return
        if window.preview.frames_shown >= 5 and seen:
            screen = window.screen()
            rect, screen_rect = window.geometry(), screen.geometry()
            facts.update(window=[rect.x(), rect.y(), rect.width(), rect.height()],
                         screen=[screen_rect.x(), screen_rect.y(), screen_rect.width(),
                                 screen_rect.height()],
                         frames_shown=window.preview.frames_shown)
            if str(screenshot) != "-":
                screen.grabWindow(0).save(str(screenshot))
            window.close()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(200)
    report = RunReport()
    code = run_kiosk_app(runtime, RunLimits(max_seconds=90), report=report,
                         observer=lambda state: seen.append(type(state).__name__) and None)
    timer.stop()
    print(json.dumps({"platform": app.platformName(), "exit_code": code, "states": seen,
                      "threads_stopped": report.threads_stopped, **facts}))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))

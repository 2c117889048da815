"""The quick start leaves a site a newcomer can look at: after the demo the server keeps
running with a sample ministry, the last lines give the HR web's address and a login, and
that login shows the sample month in Chromium."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, need_shared
from tests.sync_server.web.test_browser import browser

__all__ = ["browser"]  # the Chromium fixture of the web tests


def _last_lines(process: subprocess.Popen[str], deadline_s: float) -> list[str]:
    """stdout lines up to the login line (the demo's last line while it serves)."""
    lines: list[str] = []
    deadline = time.monotonic() + deadline_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("Log in:"):
            return lines
    raise AssertionError("no login line:\n" + "\n".join(lines[-20:]))


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_quickstart_serves_the_sample_ministry(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    models = need_shared("models")
    photos = need_shared("datasets", "faces-dev")
    process = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "scripts" / "demo.py"), "--workdir",
         str(tmp_path / "demo"), "--models-from", str(models), "--photos-from", str(photos),
         "--serve-seconds", "300"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True)
    try:
        lines = _last_lines(process, 800)
        assert process.poll() is None  # still serving after the demo
        address = re.fullmatch(r"HR web: (http://127\.0\.0\.1:\d+/hr/)", lines[-2])
        login = re.fullmatch(r"Log in: (\S+) / (\S+)", lines[-1])
        assert address and login, lines[-4:]
        page = browser.new_context().new_page()
        page.goto(address.group(1))
        page.fill("input[name=username]", login.group(1))
        page.fill("input[name=password]", login.group(2))
        page.click("#login-form button[type=submit]")
        page.wait_for_selector("#board")
        today = date.today()
        page.goto(f"{address.group(1)}reports/lateness?start={today - timedelta(days=30)}"
                  f"&end={today - timedelta(days=1)}")
        rows = page.locator("#by-person tbody tr[data-person]")
        assert rows.count() >= 30  # the sample ministry's people
        overall = page.locator("#by-department tr.total td")
        assert int(overall.nth(2).inner_text().replace(".", "")) > 300  # days worked
        assert "Vụ Kế hoạch - Tài chính" in page.inner_text("#by-department")
        page.goto(f"{address.group(1)}reminders")
        assert "Nộp báo cáo tháng" in page.inner_text("main")
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl-C does
        assert process.wait(timeout=60) is not None

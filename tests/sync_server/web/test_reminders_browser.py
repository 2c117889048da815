"""Playwright driving Debian's Chromium: a leader gives a task through the reminders form,
finds it in the list, opens it and nudges it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.reminder_models import ReminderTask
from sync_server.service import datakeys
from tests.sync_server.helpers import sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


@pytest.mark.timeout(120)
def test_a_leader_gives_and_nudges_a_task_in_the_browser(
        browser: Any, web_server: WebServer, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    page = browser.new_page()
    try:
        _log_in(page, web_server, "leader")
        page.goto(f"{web_server.url}/hr/lang/en")
        page.click("#nav-reminders")
        page.fill("#task-person", "van")  # the person picker offers their department only
        page.wait_for_selector("#task-person-list option", state="attached")
        options = page.eval_on_selector_all("#task-person-list option",
                                            "els => els.map(e => e.value)")
        assert any("Nguyen Van An" in o for o in options)
        assert not any("Hoang Van Cuong" in o for o in options)  # another department
        page.fill("#task-person", "")
        page.fill("#task-form input[name=title]", "Archive the 2025 files")
        page.select_option("#task-form select[name=assignee]", "department:Finance")
        page.fill("#task-form input[name=due]", "2030-05-04T16:00")
        page.select_option("#task-form select[name=priority]", "2")
        page.click("#task-form button[type=submit]")
        page.click("#tasks a:has-text('Archive the 2025 files')")
        rows = page.inner_text("#deliveries")
        assert "Nguyen Van An" in rows and "Pham Thi Binh" in rows and "Not shown yet" in rows
        page.click("#task-nudge")
        assert re.search(r"Urgent", page.inner_text("#task-summary"))
    finally:
        page.close()
    with sessions() as session:
        task = session.scalars(select(ReminderTask)).one()
        assert (task.priority, task.urgent, task.assignee_department) == (2, True, "Finance")

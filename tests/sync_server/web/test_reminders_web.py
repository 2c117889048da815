"""Reminder pages over HTTP against the real server: leaders give tasks to their own
department only, see who was shown what where and when, nudge, close, and import tasks."""

from __future__ import annotations

import contextlib
import io
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.db.reminder_models import ReminderTask
from sync_server.service import datakeys, events, reminders
from sync_server.service.reminders import TaskIn
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf
from tests.sync_server.web.scenario import make_kiosk


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@contextlib.contextmanager
def _client(server: WebServer, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=True, timeout=30) as client:
        assert log_in(client, username).status_code == 200
        yield client


def _tasks(sessions: sessionmaker[Session]) -> list[ReminderTask]:
    with sessions() as session:
        return list(session.scalars(select(ReminderTask).order_by(ReminderTask.created_at)))


def test_a_leader_gives_tasks_to_their_own_department_only(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    with _client(web_server, "leader") as leader:
        page = leader.get("/hr/reminders")
        assert page.status_code == 200 and "Hoang Van Cuong" not in page.text  # Operations
        csrf = page_csrf(leader, "/hr/reminders")
        made = leader.post("/hr/reminders", data={
            "csrf_token": csrf, "title": "Prepare the audit", "assignee":
            f"person:{staffing.finance_a}", "due": "2030-01-02T09:30", "priority": "2",
            "details": "bring the ledgers"})
        assert made.status_code == 200 and "Prepare the audit" in made.text
        refused = leader.post("/hr/reminders", data={
            "csrf_token": csrf, "title": "Not yours", "assignee": f"person:{staffing.ops_c}"})
        assert refused.status_code == 403
        refused = leader.post("/hr/reminders", data={
            "csrf_token": csrf, "title": "Not yours", "assignee": "department:Operations"})
        assert refused.status_code == 403
        assert leader.post("/hr/reminders", data={"csrf_token": "wrong", "title": "x",
                                                  "assignee": "department:Finance"}
                           ).status_code == 403
    [task] = _tasks(sessions)
    assert (task.title, task.priority, task.assigned_by) == ("Prepare the audit", 2, "leader")
    assert task.due_at == datetime(2030, 1, 2, 2, 30, tzinfo=UTC)  # 09:30 in Hanoi
    with transaction(sessions) as session:
        ops, _ = reminders.create_task(session, TaskIn("Ops work", person_id=staffing.ops_c),
                                       "hr")
    with _client(web_server, "leader") as leader:
        assert leader.get(f"/hr/reminders/{ops.id}").status_code == 403
        assert "Ops work" not in leader.get("/hr/reminders").text
    with _client(web_server, "hr") as hr:
        assert "Ops work" in hr.get("/hr/reminders").text
    with _client(web_server, "staff") as staff:
        assert staff.get("/hr/reminders").status_code == 403


def test_the_leader_view_shows_where_and_when_each_person_saw_it(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    kiosk_id = make_kiosk(sessions, "Lobby east")
    with transaction(sessions) as session:
        task, _ = reminders.create_task(session, TaskIn(
            "Team meeting notes", department="Finance",
            due_at=datetime.now(UTC) - timedelta(hours=1)), "leader")
        shown_at = datetime(2026, 11, 24, 1, 15, tzinfo=UTC)  # 08:15 in Hanoi
        entity = reminders.reminder_id(task.id, staffing.finance_a)
        events.ingest(session, kiosk_id, [
            events.IncomingEvent(uuid.uuid4(), "reminder_shown", staffing.finance_a, shown_at,
                                 {"reminder_id": str(entity), "urgent": False}),
            events.IncomingEvent(uuid.uuid4(), "reminder_ack", staffing.finance_a,
                                 shown_at + timedelta(seconds=4), {"reminder_id": str(entity)})])
    with _client(web_server, "leader") as leader:
        listing = leader.get("/hr/reminders").text
        overdue = listing.split('id="overdue"')[1].split("</div>")[0]
        assert "Team meeting notes" in overdue
        never = re.search(r'<ul id="never-seen">(.*?)</ul>', listing, re.S)
        assert never and "Pham Thi Binh" in never.group(1) and "Nguyen Van An" not in never.group(1)
        leader.cookies.set("lang", "en")
        detail = leader.get(f"/hr/reminders/{task.id}").text
        row_a = re.search(rf'data-person="{staffing.finance_a}">(.*?)</tr>', detail, re.S)
        row_b = re.search(rf'data-person="{staffing.finance_b}">(.*?)</tr>', detail, re.S)
        assert row_a and row_b
        assert "Shown at kiosk Lobby east at 24/11/2026 08:15" in row_a.group(1)
        assert "Acknowledged 24/11/2026 08:15 (Lobby east)" in row_a.group(1)
        assert "Not shown yet" in row_b.group(1) and "Not acknowledged" in row_b.group(1)

        csrf = page_csrf(leader, f"/hr/reminders/{task.id}")
        nudged = leader.post(f"/hr/reminders/{task.id}/nudge", data={"csrf_token": csrf})
        assert nudged.status_code == 200 and "Nudge delivered" in nudged.text
        done = leader.post(f"/hr/reminders/{task.id}/done", data={"csrf_token": csrf})
        assert re.search(r'id="task-status">Done<', done.text)
        tasks_table = re.compile(r'<table class="data" id="tasks">(.*?)</table>', re.S)
        open_only = tasks_table.search(leader.get("/hr/reminders").text)
        with_closed = tasks_table.search(leader.get("/hr/reminders?closed=1").text)
        assert open_only and "Team meeting notes" not in open_only.group(1)
        assert with_closed and "Team meeting notes" in with_closed.group(1)
        reopened = leader.post(f"/hr/reminders/{task.id}/reopen", data={"csrf_token": csrf})
        assert re.search(r'id="task-status">Open<', reopened.text)
    [row] = _tasks(sessions)
    assert row.urgent and row.status == "open"


def test_tasks_import_from_csv_and_xlsx_reports_rejected_rows(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    csv_text = ("title,code,department,due,priority,external_id\n"
                "Submit timesheet,F001,,2030-03-01,high,X-1\n"
                ",F002,,,,\n"
                "Clean desks,,Finance,2030-03-02 17:00,1,\n"
                "Wrong person,Z999,,,,\n"
                "Bad due,F002,,next week,,\n"
                "Bad priority,F002,,,urgent,\n"
                "Not my team,O001,,,,\n")
    with _client(web_server, "leader") as leader:
        leader.cookies.set("lang", "en")
        csrf = page_csrf(leader, "/hr/reminders")
        answer = leader.post("/hr/reminders-import", data={"csrf_token": csrf},
                             files={"upload": ("tasks.csv", csv_text.encode(), "text/csv")})
        assert answer.status_code == 200
        summary = re.search(r'id="import-summary">(.*?)</p>', answer.text, re.S)
        assert summary and re.sub(r"<[^>]+>", "", summary.group(1)).split(" · ") == [
            "Created: 2", "Updated: 0", "Rejected: 5"]
        lines = re.findall(r"<tr><td>(\d+)</td><td>([^<]*)</td></tr>", answer.text)
        assert [int(n) for n, _ in lines] == [3, 5, 6, 7, 8]
        assert "Z999" in dict(lines)["5"] and "your department" in dict(lines)["8"]

        book = Workbook()
        sheet = book.active
        sheet.append(["tiêu đề", "mã", "hạn", "mã việc"])
        sheet.append(["Submit timesheet (v2)", "F001", datetime(2030, 3, 5, 12, 0), "X-1"])
        buffer = io.BytesIO()
        book.save(buffer)
        again = leader.post("/hr/reminders-import", data={"csrf_token": csrf}, files={
            "upload": ("tasks.xlsx", buffer.getvalue(), "application/octet-stream")})
        assert "Updated: <b>1</b>" in again.text
    titles = {t.title: t for t in _tasks(sessions)}
    assert set(titles) == {"Submit timesheet (v2)", "Clean desks"}
    assert titles["Submit timesheet (v2)"].due_at == datetime(2030, 3, 5, 5, 0, tzinfo=UTC)
    assert titles["Clean desks"].assignee_department == "Finance"


def _listed(client: httpx.Client, query: str) -> tuple[list[str], str]:
    """The task ids on one tasks page, and its number of pages."""
    html = client.get(f"/hr/reminders?{query}").text
    return (re.findall(r'<tr data-task="([0-9a-f-]+)">', html),
            re.findall(r'data-pages="(\d+)"', html)[0])


def test_every_task_is_reachable_past_the_first_500(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    start = datetime(2030, 1, 1, tzinfo=UTC)
    with transaction(sessions) as session:  # due one hour apart: the page order is known
        ids = [str(reminders.create_task(session, TaskIn(
            f"Việc {n}", person_id=staffing.finance_a, due_at=start + timedelta(hours=n)),
            "hr")[0].id) for n in range(520)]
    for task_id in ids[:10]:  # closed one after the other: ids[0] the longest ago
        with transaction(sessions) as session:
            reminders.set_status(session, uuid.UUID(task_id), reminders.Status.DONE, "hr")
    with _client(web_server, "hr") as hr:
        first, pages = _listed(hr, "page=1")
        assert pages == "11" and first == ids[10:60]  # 510 live, due soonest first
        last, _pages = _listed(hr, "page=11")
        assert last == ids[510:]
        with_closed, pages = _listed(hr, "closed=1&page=11")
        assert pages == "11" and with_closed == ids[510:] + ids[9::-1]  # the oldest last
        found, pages = _listed(hr, "closed=1&q=viec+519")
        assert (found, pages) == ([ids[519]], "1")  # a search reaches them too

"""PDFs made on the server: the department timesheet and the lateness report, read back
with pypdf; Vietnamese names and labels must come out intact (an embedded Unicode font)."""

from __future__ import annotations

import io
from datetime import date

import httpx
import pytest
from pypdf import PdfReader

from sync_server.db.engine import transaction
from sync_server.service import people, schedules
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in
from tests.sync_server.web.scenario import local, make_kiosk, store_punches

NAME = "Nguyễn Thị Ánh Tuyết"
DEPARTMENT = "Phòng Tổ chức Cán bộ"


def _text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def vietnamese_month(sessions, staffing: Staffing) -> None:  # type: ignore[no-untyped-def]
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        person = people.create_person(session, NAME, "TC007", DEPARTMENT, actor="test").id
        shift = schedules.save_shift_type(session, schedules.ShiftTypeIn(
            "Hành chính", "08:00", "17:00"), actor="test")
        schedules.save_assignment(session, shift.id, date(2026, 1, 1), None,
                                  department=DEPARTMENT, actor="test")
        store_punches(session, kiosk_id, person,
                      [local(date(2026, 3, 2), 8, 25), local(date(2026, 3, 2), 17, 0)])
        store_punches(session, kiosk_id, staffing.finance_a,
                      [local(date(2026, 3, 2), 8, 10), local(date(2026, 3, 2), 17, 0)])


def _hr(server: WebServer, language: str) -> httpx.Client:
    client = httpx.Client(base_url=server.url, timeout=60, cookies={"lang": language})
    log_in(client, "hr")
    return client


@pytest.mark.timeout(120)
def test_timesheet_pdf_keeps_vietnamese(web_server: WebServer,
                                        vietnamese_month) -> None:  # type: ignore[no-untyped-def]
    answer = _hr(web_server, "vi").get("/hr/timesheets", params={"month": "2026-03",
                                                                 "format": "pdf"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    text = _text(answer.content)
    assert NAME in text and DEPARTMENT in text
    assert "Bảng chấm công 03/2026" in text
    assert "Kỳ: 01/03/2026 - 31/03/2026" in text
    assert "Người lập: hr" in text
    assert "M = Đi muộn" in text  # the legend
    assert "Nguyen Van An" in text  # the other departments, on their own pages
    assert len(PdfReader(io.BytesIO(answer.content)).pages) == 3


@pytest.mark.timeout(120)
def test_lateness_pdf_lists_minutes_late(web_server: WebServer,
                                         vietnamese_month) -> None:  # type: ignore[no-untyped-def]
    hr = _hr(web_server, "vi")
    answer = hr.get("/hr/reports/lateness/pdf", params={"start": "2026-03-01",
                                                        "end": "2026-03-31"})
    assert answer.status_code == 200
    text = _text(answer.content)
    assert "Báo cáo đi muộn" in text
    line = next(row for row in text.splitlines() if NAME in row)
    assert DEPARTMENT in line
    # expected days, worked, late entries, late minutes: 22 weekdays; one worked, 25 late
    assert line.split(DEPARTMENT)[1].split()[:4] == ["22", "1", "1", "25"]
    english = _hr(web_server, "en").get("/hr/reports/lateness/pdf",
                                        params={"start": "2026-03-01", "end": "2026-03-31",
                                                "department": DEPARTMENT})
    text = _text(english.content)
    assert "Lateness report" in text and NAME in text and "Nguyen Van An" not in text
    assert hr.get("/hr/reports/lateness/pdf", params={"start": "2026-03-31",
                                                      "end": "2026-03-01"}).status_code == 422

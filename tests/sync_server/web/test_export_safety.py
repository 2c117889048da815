"""Exports are data, never formulas; formula-like names are refused at every input; file
names of downloads are ASCII-safe. Against the real server on 127.0.0.1."""

from __future__ import annotations

import base64
import csv
import io
import re
import uuid
from datetime import timedelta
from urllib.parse import unquote

import httpx
import numpy as np
from openpyxl import load_workbook
from sqlalchemy.orm import Session, sessionmaker

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from tests.sync_server.helpers import RECOGNIZER, make_admin, provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import WebServer, log_in, page_csrf
from tests.sync_server.web.scenario import ZONE, local, make_kiosk, store_punches

HYPERLINK = '=HYPERLINK("http://attacker.invalid/","Click")'
DDE = "=cmd|'/c calc'!A0"


def _client(server: WebServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=True, timeout=30)


def _stored_before_the_check(sessions: sessionmaker[Session], person_id: uuid.UUID,
                             name: str, department: str) -> None:
    """A name already in the database (stored before input was checked)."""
    with transaction(sessions) as session:
        row = session.get(Person, person_id)
        assert row is not None
        row.display_name, row.department = name, department


def test_a_formula_named_person_is_exported_as_text(web_server: WebServer, staffing: Staffing,
                                                    sessions: sessionmaker[Session]) -> None:
    day = utc_now().astimezone(ZONE).date() - timedelta(days=1)
    _stored_before_the_check(sessions, staffing.finance_b, HYPERLINK, "Finance")
    with transaction(sessions) as session:
        store_punches(session, make_kiosk(sessions), staffing.finance_b,
                      [local(day, 8, 0), local(day, 17, 0)])
    with _client(web_server) as client:
        client.get("/hr/lang/en")
        log_in(client, "hr")
        query = f"/hr/reports/lateness?start={day}&end={day}"
        text = client.get(query + "&format=csv").content.decode("utf-8-sig")
        names = [row[0] for row in csv.reader(io.StringIO(text))]
        assert "'" + HYPERLINK in names and HYPERLINK not in names
        board = client.get("/hr/?format=csv").content.decode("utf-8-sig")
        assert [row[1] for row in csv.reader(io.StringIO(board)) if "HYPERLINK" in row[1]] \
            == ["'" + HYPERLINK]
        book = load_workbook(io.BytesIO(client.get(query + "&format=xlsx").content))
        cells = [row[0] for row in book.active.iter_rows(min_row=2)
                 if "HYPERLINK" in str(row[0].value)]
        assert [(cell.value, cell.data_type) for cell in cells] == [(HYPERLINK, "s")]
        for row in book.active.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_formula_names_are_refused_at_every_input(web_server: WebServer, staffing: Staffing,
                                                  sessions: sessionmaker[Session]) -> None:
    with _client(web_server) as client:
        log_in(client, "hr")
        answer = client.post("/hr/people", data={"csrf_token": page_csrf(client, "/hr/people"),
                                                  "display_name": DDE, "employee_code": "Z9"})
        assert answer.status_code == 422  # the form again, the reason beside the name
        assert "Họ tên không được bắt đầu bằng =" in answer.text
        text = f"name,code,department\n\"{DDE}\",Z1,Finance\nSafe Name,Z2,+Finance\n" \
               "Le Van Tot,Z3,Finance\n"
        answer = client.post("/hr/people/import",
                             data={"csrf_token": page_csrf(client, "/hr/people")},
                             files={"upload": ("people.csv", text.encode())})
        summary = re.sub(r"<[^>]+>", "", answer.text.split('id="import-summary">')[1]
                         .split("</p>")[0])
        assert re.findall(r"\d+", summary) == ["1", "0", "2"]  # created, updated, rejected
        listing = client.get("/hr/people").text
        assert "Le Van Tot" in listing and "calc" not in listing
        answer = client.post("/hr/departments", data={
            "csrf_token": page_csrf(client, "/hr/people"), "name": "@Phòng Công Thức"})
        assert answer.status_code == 422  # the form again, the reason beside the name
        assert "Phòng ban không được bắt đầu bằng =" in answer.text
        assert "Công Thức" not in client.get("/hr/people").text
    username, password = make_admin(sessions)
    answer = httpx.post(web_server.url + "/api/v1/people", auth=(username, password),
                        json={"display_name": "@SUM(1+1)*cmd|' /C calc'!A0"})
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    credential = provision_kiosk(sessions, web_server.url, "gate")
    vector = np.ones(128, dtype="<f4") / np.sqrt(128)
    answer = httpx.post(web_server.url + "/api/v1/templates", headers={
        "Authorization": f"Bearer {credential.credential}"}, json={
        "person_id": str(uuid.uuid4()), "new_person": {"display_name": HYPERLINK},
        "recognizer_id": RECOGNIZER,
        "consent": {"id": str(uuid.uuid4()), "given_at": utc_now().isoformat(),
                    "notice_version": "v1", "collected_by": "kiosk admin"},
        "embeddings": [base64.b64encode(vector.tobytes()).decode()]})
    assert answer.status_code == 422, answer.text
    assert "may not start with" in answer.json()["detail"]


def test_a_vietnamese_code_gives_an_ascii_file_name(web_server: WebServer, staffing: Staffing,
                                                    sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        row = session.get(Person, staffing.finance_a)
        assert row is not None
        row.employee_code = "Đ-ư01"
    month = utc_now().astimezone(ZONE).strftime("%Y-%m")
    with _client(web_server) as client:
        log_in(client, "hr")
        for kind in ("csv", "xlsx"):
            answer = client.get(f"/hr/timesheet/{staffing.finance_a}?month={month}"
                                f"&format={kind}")
            assert answer.status_code == 200
            disposition = answer.headers["content-disposition"]
            assert disposition.isascii()
            assert f'filename="timesheet-D-u01-{month}.{kind}"' in disposition
            encoded = disposition.split("filename*=UTF-8''")[1]
            assert unquote(encoded) == f"timesheet-Đ-ư01-{month}.{kind}"

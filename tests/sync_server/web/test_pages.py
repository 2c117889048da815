"""The web application over HTTP against the real server: login, roles, CSRF, throttling,
exports, corrections and the audit trail."""

from __future__ import annotations

import argparse
import csv
import io
import re
from datetime import timedelta

import httpx
import pytest
from openpyxl import load_workbook

from sync_server.cli.web_users import register_commands
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.service import audit, users
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import PASSWORD, WebServer, log_in, login_token, page_csrf
from tests.sync_server.web.scenario import ZONE, local, make_kiosk, store_punches


def _client(server: WebServer) -> httpx.Client:
    return httpx.Client(base_url=server.url, follow_redirects=True, timeout=30)


def _yesterday():  # type: ignore[no-untyped-def]
    return utc_now().astimezone(ZONE).date() - timedelta(days=1)


def test_login_sets_a_protected_session_and_pages_need_it(web_server: WebServer,
                                                          staffing: Staffing) -> None:
    with httpx.Client(base_url=web_server.url, timeout=30) as client:
        assert client.get("/hr/").status_code == 303  # to the login form
        assert client.get("/hr/api/today").status_code == 401
        token = login_token(client)
        answer = client.post("/hr/login", data={"username": "hr", "password": PASSWORD,
                                                "csrf_token": token})
        assert answer.status_code == 303
        cookie = next(v for k, v in answer.headers.multi_items()
                      if k == "set-cookie" and v.startswith("hr_session="))
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
        assert client.get("/hr/").status_code == 200
        assert client.get("/hr/api/today").json()["departments"]


def test_session_cookie_is_secure_behind_https(web_server: WebServer,
                                               staffing: Staffing) -> None:
    """Behind a trusted proxy (api.trusted_proxies) that says the client used https."""
    api = web_server.settings.api.model_copy(update={"trusted_proxies": ("127.0.0.1",)})
    proxied = WebServer(web_server.settings.model_copy(update={"api": api})).start()
    try:
        with httpx.Client(base_url=proxied.url, timeout=30,
                          headers={"X-Forwarded-Proto": "https"}) as client:
            answer = client.post("/hr/login", data={"username": "hr", "password": PASSWORD,
                                                    "csrf_token": login_token(client)})
            assert "Secure" in answer.headers["set-cookie"]
    finally:
        proxied.stop()


def test_login_without_csrf_token_and_form_posts_without_it_are_refused(
        web_server: WebServer, staffing: Staffing) -> None:
    with _client(web_server) as client:
        refused = client.post("/hr/login", data={"username": "hr", "password": PASSWORD,
                                                 "csrf_token": "forged"})
        assert refused.status_code == 403
        log_in(client, "hr")
        answer = client.post("/hr/corrections", data={
            "csrf_token": "forged", "kind": "excuse_late", "person_id": str(staffing.finance_a),
            "day": _yesterday().isoformat(), "reason": "x"})
        assert answer.status_code == 403


def test_login_is_throttled_per_username(web_server: WebServer, staffing: Staffing) -> None:
    with _client(web_server) as client:
        for _ in range(5):
            assert log_in(client, "hr", "wrong password!!").status_code == 401
        assert log_in(client, "hr").status_code == 429  # even the right password now
        assert log_in(client, "leader").status_code == 200  # other users are not locked


def test_staff_sees_only_their_own_record(web_server: WebServer, staffing: Staffing) -> None:
    with _client(web_server) as client:
        home = log_in(client, "staff")
        assert home.url.path == f"/hr/timesheet/{staffing.finance_a}"
        for path in ("/hr/", "/hr/reports/lateness", "/hr/corrections", "/hr/audit",
                     "/hr/people", "/hr/shifts", "/hr/kiosks", "/hr/users",
                     f"/hr/timesheet/{staffing.finance_b}"):
            assert client.get(path).status_code == 403, path
        assert client.get("/hr/api/today").status_code == 403


def test_leader_sees_only_their_department(web_server: WebServer, staffing: Staffing) -> None:
    with _client(web_server) as client:
        log_in(client, "leader")
        report = client.get("/hr/reports/lateness")
        assert "Nguyen Van An" in report.text and "Hoang Van Cuong" not in report.text
        board = client.get("/hr/api/today").json()
        assert set(board["departments"]) == {"Finance"}
        assert client.get(f"/hr/timesheet/{staffing.ops_c}").status_code == 403
        assert client.get("/hr/corrections").status_code == 403


def _csv_rows(client: httpx.Client, day: str) -> dict[str, dict[str, str]]:
    answer = client.get(f"/hr/reports/lateness?start={day}&end={day}&format=csv")
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_exports_corrections_and_audit(web_server: WebServer, staffing: Staffing,
                                       sessions) -> None:  # type: ignore[no-untyped-def]
    day = _yesterday()
    kiosk_id = make_kiosk(sessions)
    with transaction(sessions) as session:
        store_punches(session, kiosk_id, staffing.finance_a, [local(day, 8, 20),
                                                              local(day, 17, 0)])
    with _client(web_server) as client:
        client.get("/hr/lang/en")
        log_in(client, "hr")
        rows = _csv_rows(client, day.isoformat())
        assert rows["Nguyen Van An"]["Minutes late (total)"] == "20"
        assert rows["Nguyen Van An"]["Late entries"] == "1"
        assert rows["Pham Thi Binh"]["Absences"] == "1"
        xlsx = client.get(f"/hr/reports/lateness?start={day}&end={day}&format=xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        values = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        header = [cell.value for cell in sheet[1]]
        assert values["Nguyen Van An"][header.index("Minutes late (total)")] == 20

        today = client.get("/hr/?format=csv").content.decode("utf-8-sig").splitlines()
        assert today[0] == "Department,Name,Status,Late (min),First in,Last out"
        assert any(line.startswith("Operations,Hoang Van Cuong,") for line in today[1:])

        token = page_csrf(client)
        answer = client.post("/hr/corrections", data={
            "csrf_token": token, "kind": "excuse_late", "person_id": str(staffing.finance_a),
            "day": day.isoformat(), "reason": "train strike"})
        assert answer.status_code == 200 and "train strike" in answer.text
        assert _csv_rows(client, day.isoformat())["Nguyen Van An"]["Minutes late (total)"] \
            == "0"
        assert "HR hr excused Nguyen Van An&#39;s lateness on" in client.get("/hr/audit").text
        sheet_csv = client.get(f"/hr/timesheet/{staffing.finance_a}?month={day:%Y-%m}"
                               "&format=csv").content.decode("utf-8-sig")
        assert f"{day.isoformat()},08:20,17:00,8.67,Present,0,0,yes,yes" in sheet_csv
    with transaction(sessions) as session:
        assert any(e.action == "correction.excuse_late" and e.actor == "hr"
                   for e in audit.recent(session))


def test_refused_input_is_reported_not_stored(web_server: WebServer,
                                              staffing: Staffing) -> None:
    with _client(web_server) as client:
        log_in(client, "hr")
        answer = client.post("/hr/corrections", data={
            "csrf_token": page_csrf(client), "kind": "excuse_late",
            "person_id": str(staffing.finance_a), "day": "2026-01-01", "reason": "   "})
        assert answer.status_code == 422  # the form again, with the reason by the field
        assert 'id="error-reason"' in answer.text and "Điều chỉnh cần có lý do" in answer.text
        assert "Nguyen Van An" not in re.sub(r"<select.*?</select>", "",
                                             client.get("/hr/corrections").text, flags=re.S)


def test_languages_switch_with_a_cookie(web_server: WebServer, staffing: Staffing) -> None:
    with _client(web_server) as client:
        log_in(client, "hr")
        assert "Báo cáo đi muộn" in client.get("/hr/").text  # Vietnamese by default
        client.get("/hr/lang/en")
        assert "Lateness report" in client.get("/hr/").text


def test_create_user_command(server_settings, sessions) -> None:  # type: ignore[no-untyped-def]
    parser = argparse.ArgumentParser()
    register_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["create-user", "--username", "hr2", "--role", "hr"])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SYNC_USER_PASSWORD", PASSWORD)
        assert args.handler(args, server_settings) == 0
    with transaction(sessions) as session:
        assert users.authenticate(session, "hr2", PASSWORD).role == "hr"


def test_admin_provisions_renames_and_revokes_a_kiosk(web_server: WebServer,
                                                      staffing: Staffing) -> None:
    with _client(web_server) as client:
        log_in(client, "admin")
        page = client.post("/hr/kiosks", data={"csrf_token": page_csrf(client, "/hr/kiosks"),
                                               "name": "Gate 2"})
        code = re.search(r'id="one-time-code">Gate 2: <b>([A-Z0-9-]+)</b>', page.text)
        assert code is not None
        exchanged = httpx.post(f"{web_server.url}/api/v1/kiosks/provision", json={
            "code": code.group(1), "software_version": "t", "recognizer_id": "sface-2021dec"},
            timeout=30)
        assert exchanged.status_code < 300, exchanged.text
        kiosk_id = re.search(r'/hr/kiosks/([0-9a-f-]+)/rename', client.get("/hr/kiosks").text)
        assert kiosk_id is not None
        client.post(f"/hr/kiosks/{kiosk_id.group(1)}/rename",
                    data={"csrf_token": page_csrf(client, "/hr/kiosks"), "name": "Gate 3"})
        client.post(f"/hr/kiosks/{kiosk_id.group(1)}/revoke",
                    data={"csrf_token": page_csrf(client, "/hr/kiosks")})
        listing = client.get("/hr/kiosks").text
        assert "Gate 3" in listing and "Đã thu hồi" in listing
        assert "Quản trị admin đã thu hồi thiết bị Gate 3" in client.get("/hr/audit").text
    with _client(web_server) as client:
        log_in(client, "hr")  # HR sees kiosks but may not provision them
        assert client.post("/hr/kiosks", data={"csrf_token": page_csrf(client, "/hr/kiosks"),
                                               "name": "Gate 9"}).status_code == 403


def test_people_import_from_csv_and_xlsx_reports_refused_rows(
        web_server: WebServer, staffing: Staffing, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    text = ("Họ tên,Mã,Phòng ban\nDo Van Moi,N100,Planning\n,N101,Planning\n"
            "Nguyen Van An Renamed,F001,Finance\nTwice,N100,Planning\n")
    with _client(web_server) as client:
        log_in(client, "hr")
        answer = client.post("/hr/people/import",
                             data={"csrf_token": page_csrf(client, "/hr/people")},
                             files={"upload": ("people.csv", text.encode("utf-8-sig"))})
        summary = re.sub(r"<[^>]+>", "", answer.text.split('id="import-summary">')[1]
                         .split("</p>")[0])
        assert re.findall(r"\d+", summary) == ["1", "1", "2"]  # created, updated, rejected
        assert "Thiếu họ tên" in answer.text and "xuất hiện hai lần" in answer.text
        listing = client.get("/hr/people").text
        assert "Do Van Moi" in listing and "Nguyen Van An Renamed" in listing
        book = Workbook()
        book.active.append(["name", "code", "department"])
        book.active.append(["Ly Thi Excel", "X1", "Finance"])
        path = tmp_path / "people.xlsx"
        book.save(path)
        answer = client.post("/hr/people/import",
                             data={"csrf_token": page_csrf(client, "/hr/people")},
                             files={"upload": ("people.xlsx", path.read_bytes())})
        assert answer.status_code == 200 and "Ly Thi Excel" in client.get("/hr/people").text
        assert "Nhân sự hr đã nhập danh sách nhân viên" in client.get("/hr/audit").text


def test_deactivating_a_person_on_the_web_erases_their_biometrics(
        web_server: WebServer, staffing: Staffing, sessions) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from sync_server.db.models import Erasure, Person

    with _client(web_server) as client:
        log_in(client, "hr")
        client.post(f"/hr/people/{staffing.ops_c}/active",
                    data={"csrf_token": page_csrf(client, "/hr/people"), "active": "0"})
        assert "Nhân sự hr đã ngừng" in client.get("/hr/audit").text
    with transaction(sessions) as session:
        assert session.get(Person, staffing.ops_c).active is False
        records = session.scalars(select(Erasure).where(
            Erasure.person_id == staffing.ops_c)).all()
        assert [r.reason for r in records] == ["deactivated"]
        assert records[0].requested_by == "hr"

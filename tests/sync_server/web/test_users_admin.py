"""Admins manage web users on the real server: change role, reset a password, deactivate;
the last admin cannot lock everyone out; every change is audited; others are refused."""

from __future__ import annotations

import re

import httpx

from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import PASSWORD, WebServer, log_in, page_csrf

NEW_PASSWORD = "another long enough password"


def _user_id(client: httpx.Client, username: str) -> str:
    row = re.search(rf'<tr data-user="{username}">.*?/hr/users/([0-9a-f-]+)/edit',
                    client.get("/hr/users").text, re.S)
    assert row is not None, f"{username} not listed"
    return row.group(1)


def test_admin_edits_resets_and_deactivates_users(web_server: WebServer,
                                                  staffing: Staffing) -> None:
    with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=30) as leader:
        log_in(leader, "leader")
        assert leader.get("/hr/reports/lateness").status_code == 200
        with httpx.Client(base_url=web_server.url, follow_redirects=True,
                          timeout=30) as admin:
            log_in(admin, "admin")
            leader_id = _user_id(admin, "leader")
            csrf = page_csrf(admin, "/hr/users")
            # A leader without a department is refused, with the reason.
            refused = admin.post(f"/hr/users/{leader_id}/edit",
                                 data={"csrf_token": csrf, "role": "leader", "department": ""})
            assert "Lãnh đạo cần có phòng ban" in refused.text
            # Demoted to staff of their own record: the change applies at the next request.
            admin.post(f"/hr/users/{leader_id}/edit", data={
                "csrf_token": csrf, "role": "staff", "person_id": str(staffing.finance_b)})
            assert leader.get("/hr/reports/lateness").status_code == 403
            # A password reset ends their sessions; the new password works, the old does not.
            admin.post(f"/hr/users/{leader_id}/password",
                       data={"csrf_token": csrf, "password": NEW_PASSWORD})
            assert leader.get("/hr/", follow_redirects=False).status_code == 303  # to login
            assert log_in(leader, "leader", PASSWORD).status_code == 401
            home = log_in(leader, "leader", NEW_PASSWORD)
            assert home.url.path == f"/hr/timesheet/{staffing.finance_b}"  # now staff
            # Deactivated: logged out at once and cannot log in.
            admin.post(f"/hr/users/{leader_id}/active", data={"csrf_token": csrf, "active": "0"})
            assert leader.get(home.url.path, follow_redirects=False).status_code == 303
            assert log_in(leader, "leader", NEW_PASSWORD).status_code == 401
            audit = admin.get("/hr/audit").text
            for sentence in ("Quản trị admin đã sửa tài khoản leader",
                             "Quản trị admin đã đặt lại mật khẩu của leader",
                             "Quản trị admin đã ngừng tài khoản leader"):
                assert sentence in audit


def test_the_last_admin_cannot_be_demoted_or_deactivated(web_server: WebServer,
                                                         staffing: Staffing) -> None:
    with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=30) as admin:
        log_in(admin, "admin")
        admin_id = _user_id(admin, "admin")
        csrf = page_csrf(admin, "/hr/users")
        demoted = admin.post(f"/hr/users/{admin_id}/edit",
                             data={"csrf_token": csrf, "role": "hr"})
        assert "quản trị viên cuối cùng" in demoted.text
        gone = admin.post(f"/hr/users/{admin_id}/active", data={"csrf_token": csrf,
                                                                 "active": "0"})
        assert "quản trị viên cuối cùng" in gone.text
        assert admin.get("/hr/users", follow_redirects=False).status_code == 200


def test_only_admins_manage_users(web_server: WebServer, staffing: Staffing) -> None:
    with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=30) as admin:
        log_in(admin, "admin")
        leader_id = _user_id(admin, "leader")
    with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=30) as hr:
        log_in(hr, "hr")
        csrf = page_csrf(hr, "/hr/corrections")
        for path, data in ((f"/hr/users/{leader_id}/edit", {"role": "admin"}),
                           (f"/hr/users/{leader_id}/password", {"password": NEW_PASSWORD}),
                           (f"/hr/users/{leader_id}/active", {"active": "0"})):
            assert hr.post(path, data={"csrf_token": csrf, **data}).status_code == 403


def test_the_login_throttle_is_shared_by_every_server_process(web_server: WebServer,
                                                              staffing: Staffing) -> None:
    """Two servers on one database (as with uvicorn --workers): failures counted together."""
    second = WebServer(web_server.settings).start()
    try:
        with httpx.Client(base_url=web_server.url, follow_redirects=True, timeout=30) as one, \
                httpx.Client(base_url=second.url, follow_redirects=True, timeout=30) as two:
            for attempt in range(5):
                client = one if attempt % 2 else two
                assert log_in(client, "hr", "wrong password!!").status_code == 401
            assert log_in(one, "hr").status_code == 429
            assert log_in(two, "hr").status_code == 429
            assert log_in(two, "leader").status_code == 200  # others are not locked
    finally:
        second.stop()

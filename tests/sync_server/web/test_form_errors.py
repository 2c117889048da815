"""A refused form comes back as the same form, in Chromium: the input kept, the reason in
Vietnamese next to the field, no "Không được phép" (that is only for permissions). The
holiday, shift assignment, person (new and edit), web user and kiosk (provision and rename)
and department forms, on the real server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.service import schedules, sites
from tests.sync_server.helpers import provision_kiosk, sqlite_url
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import PASSWORD, WebServer
from tests.sync_server.web.test_browser import _log_in, browser

__all__ = ["browser"]  # the Chromium fixture of test_browser


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """One browser run is enough: on SQLite (the services run on both in other tests)."""
    return sqlite_url(tmp_path)


def _open(browser, server: WebServer, username: str, path: str):  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    _log_in(page, server, username)
    page.goto(f"{server.url}/hr{path}")
    return page


def _same_form_not_refused(page, form: str) -> None:  # type: ignore[no-untyped-def]
    """The answer is the page with ``form`` again (not a redirect with ``?error=`` on top),
    and the words of a permission refusal are nowhere."""
    assert "error=" not in page.url, page.url
    assert page.locator(form).count() == 1
    text = page.inner_text("body")
    assert "Không được phép" not in text and "Forbidden" not in text


@pytest.mark.timeout(180)
def test_a_refused_holiday_keeps_the_day_and_says_why_beside_the_name(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, "hr", "/shifts")
    page.fill("#holiday-form input[name=day]", "2026-12-24")
    page.fill("#holiday-form input[name=name]", "   ")
    page.check("#holiday-departments input[value='Finance']")
    page.click("#holiday-form button[type=submit]")
    _same_form_not_refused(page, "#holiday-form")
    assert page.inner_text("#error-holiday-name") == "Cần có tên."
    assert page.input_value("#holiday-form input[name=day]") == "2026-12-24"
    assert page.is_checked("#holiday-departments input[value='Finance']")
    assert page.locator("#holidays tbody tr").count() == 0
    page.fill("#holiday-form input[name=name]", "Giáng sinh")
    page.click("#holiday-form button[type=submit]")
    assert "24/12/2026" in page.inner_text("#holidays tbody")
    assert page.locator("#error-holiday-name").count() == 0


@pytest.mark.timeout(180)
def test_a_refused_assignment_keeps_the_choices_and_says_why_beside_the_field(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, "hr", "/shifts")
    before = page.locator("#assignments tbody tr").count()
    page.fill("#assignment-person", "binh")  # the person picker
    option = "#assignment-person-list option[value^='Pham Thi Binh']"
    page.wait_for_selector(option, state="attached")
    page.fill("#assignment-person", page.get_attribute(option, "value") or "")
    page.fill("#assignment-form input[name=start]", "2026-12-10")
    page.fill("#assignment-form input[name=end]", "2026-12-01")
    page.click("#assignment-form button[type=submit]")
    _same_form_not_refused(page, "#assignment-form")
    assert page.inner_text("#error-assignment-end") == "Ngày kết thúc trước ngày bắt đầu."
    assert page.input_value("#assignment-person-value") == str(staffing.finance_b)
    assert page.input_value("#assignment-person") == "Pham Thi Binh"
    assert page.input_value("#assignment-form input[name=start]") == "2026-12-10"
    assert page.input_value("#assignment-form input[name=end]") == "2026-12-01"
    page.select_option("#assignment-form select[name=department]", "Finance")
    page.fill("#assignment-form input[name=end]", "2026-12-31")
    page.click("#assignment-form button[type=submit]")  # a person and a department
    assert "không phải cả hai" in page.inner_text("#error-assignment-person_id")
    assert page.input_value("#assignment-form select[name=department]") == "Finance"
    assert page.locator("#error-assignment-end").count() == 0
    assert page.locator("#assignments tbody tr").count() == before


@pytest.mark.timeout(180)
def test_a_refused_person_keeps_the_input_and_says_why_beside_the_field(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, "hr", "/people")
    page.fill("#person-form input[name=display_name]", "Lê Văn Dũng")
    page.fill("#person-form input[name=employee_code]", "F001")  # An's code
    page.fill("#person-form input[name=department]", "Finance")
    page.click("#person-form button[type=submit]")
    _same_form_not_refused(page, "#person-form")
    assert page.inner_text("#error-person-employee_code") == "Đã có người mang mã F001."
    assert page.input_value("#person-form input[name=display_name]") == "Lê Văn Dũng"
    assert page.input_value("#person-form input[name=department]") == "Finance"
    page.fill("#person-form input[name=display_name]", "=HYPERLINK(\"x\")")
    page.fill("#person-form input[name=employee_code]", "F009")
    page.click("#person-form button[type=submit]")
    assert "Họ tên không được bắt đầu bằng =" in page.inner_text("#error-person-display_name")
    assert page.input_value("#person-form input[name=employee_code]") == "F009"

    page.goto(f"{web_server.url}/hr/people?edit={staffing.finance_b}")  # Binh takes An's code
    page.fill("#person-form input[name=employee_code]", "F001")
    page.click("#person-form button[type=submit]")
    _same_form_not_refused(page, "#person-form")
    assert page.inner_text("#error-person-employee_code") == "Đã có người mang mã F001."
    assert page.input_value("#person-form input[name=display_name]") == "Pham Thi Binh"
    assert page.input_value("#person-form input[name=person_id]") == str(staffing.finance_b)


@pytest.mark.timeout(180)
def test_a_refused_user_keeps_the_choices_and_says_why_beside_the_field(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, "admin", "/users")
    page.fill("#user-form input[name=username]", "truong-phong")
    page.fill("#user-form input[name=password]", PASSWORD)
    page.select_option("#user-form select[name=role]", "leader")
    page.click("#user-form button[type=submit]")  # a leader without a department
    _same_form_not_refused(page, "#user-form")
    assert page.inner_text("#error-user-department") == "Lãnh đạo cần có phòng ban."
    assert page.input_value("#user-form input[name=username]") == "truong-phong"
    assert page.input_value("#user-form select[name=role]") == "leader"
    assert page.input_value("#user-form input[name=password]") == ""  # never sent back
    page.fill("#user-form input[name=password]", "short")
    page.select_option("#user-form select[name=department]", "Finance")
    page.click("#user-form button[type=submit]")
    assert "Mật khẩu cần ít nhất" in page.inner_text("#error-user-password")
    assert page.input_value("#user-form select[name=department]") == "Finance"
    page.fill("#user-form input[name=username]", "hr")
    page.fill("#user-form input[name=password]", PASSWORD)
    page.click("#user-form button[type=submit]")
    assert page.inner_text("#error-user-username") == "Tên đăng nhập hr đã có người dùng."
    assert page.locator("#users tr[data-user='truong-phong']").count() == 0


@pytest.mark.timeout(180)
def test_a_refused_kiosk_name_is_kept_and_explained_beside_it(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    provision_kiosk(sessions, web_server.url, "Sảnh chính")
    page = _open(browser, web_server, "admin", "/kiosks")
    page.fill("#provision-form input[name=name]", "Sảnh chính")
    page.click("#provision-form button[type=submit]")
    _same_form_not_refused(page, "#provision-form")
    assert "Thiết bị Sảnh chính đã được cài đặt" in page.inner_text("#error-provision-name")
    assert page.input_value("#provision-form input[name=name]") == "Sảnh chính"
    assert page.locator("#one-time-code").count() == 0
    page.fill("#provision-form input[name=name]", "Cổng sau")
    page.click("#provision-form button[type=submit]")
    assert "Cổng sau" in page.inner_text("#one-time-code")

    row = page.locator("#kiosks tr", has_text="Cổng sau")
    row.locator("form.rename-kiosk input[name=name]").fill("Sảnh chính")
    row.locator("form.rename-kiosk button[type=submit]").click()
    _same_form_not_refused(page, "#provision-form")
    assert page.inner_text("#error-rename-name") == "Đã có thiết bị khác tên Sảnh chính."
    renamed = page.locator("#kiosks form.rename-kiosk", has=page.locator("#error-rename-name"))
    assert renamed.locator("input[name=name]").input_value() == "Sảnh chính"
    assert page.locator("#error-provision-name").count() == 0


@pytest.mark.timeout(180)
def test_refused_forms_fit_a_phone(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    """At 390 px the pages with a refused form and its reason are no wider than the screen."""
    provision_kiosk(sessions, web_server.url, "Sảnh chính của trụ sở Bộ, tầng một, cửa đông")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    _log_in(page, web_server, "admin")

    def fits(error: str) -> None:
        assert page.locator(error).count() == 1
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= 390, f"{page.url} is {wide} px wide with {error}"

    page.goto(f"{web_server.url}/hr/shifts")
    page.fill("#assignment-form input[name=start]", "2026-12-10")
    page.fill("#assignment-form input[name=end]", "2026-12-01")
    page.click("#assignment-form button[type=submit]")
    fits("#error-assignment-person_id")
    page.goto(f"{web_server.url}/hr/people")
    page.fill("#person-form input[name=display_name]", "=" + "Nguyễn Văn Một Cái Tên Rất Dài " * 3)
    page.click("#person-form button[type=submit]")
    fits("#error-person-display_name")
    page.goto(f"{web_server.url}/hr/users")
    page.fill("#user-form input[name=username]", "hr")
    page.fill("#user-form input[name=password]", PASSWORD)
    page.click("#user-form button[type=submit]")
    fits("#error-user-username")
    page.goto(f"{web_server.url}/hr/kiosks")
    page.fill("#provision-form input[name=name]", "Cổng sau")
    page.click("#provision-form button[type=submit]")
    row = page.locator("#kiosks tr", has_text="Cổng sau")
    row.locator("form.rename-kiosk input[name=name]").fill(
        "Sảnh chính của trụ sở Bộ, tầng một, cửa đông")
    row.locator("form.rename-kiosk button[type=submit]").click()
    fits("#error-rename-name")
    context.close()


@pytest.mark.timeout(180)
def test_a_refused_change_of_an_account_is_explained_in_its_row(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    page = _open(browser, web_server, "admin", "/users")
    leader = page.locator("#users tr[data-user='leader']")
    leader.locator("form.edit-user select[name=role]").select_option("staff")
    leader.locator("form.edit-user button[type=submit]").click()
    _same_form_not_refused(page, "#user-form")
    assert (page.inner_text("#users tr[data-user='leader'] #error-user-row-person_id")
            == "Tài khoản nhân viên cần gắn với người dùng nó.")
    leader = page.locator("#users tr[data-user='leader']")
    assert leader.locator("form.edit-user select[name=role]").input_value() == "staff"
    assert leader.locator("form.edit-user select[name=department]").input_value() == "Finance"
    hr = page.locator("#users tr[data-user='hr']")
    hr.locator("form.reset-password input[name=password]").fill("short")
    hr.locator("form.reset-password button[type=submit]").click()
    assert "Mật khẩu cần ít nhất" in page.inner_text(
        "#users tr[data-user='hr'] #error-user-row-password")
    page.once("dialog", lambda dialog: dialog.accept())  # "Deactivate?" - yes
    page.locator("#users tr[data-user='admin'] button", has_text="Ngừng").click()
    assert "quản trị viên cuối cùng" in page.inner_text(
        "#users tr[data-user='admin'] #error-user-row")


@pytest.mark.timeout(180)
def test_a_refused_department_keeps_the_input_and_says_why_beside_the_name(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing,
        sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        branch = str(sites.create_site(session, "Chi nhánh Đà Nẵng", actor="test").id)
        schedules.create_department(session, "Kho vận", actor="test")
    page = _open(browser, web_server, "hr", "/people")
    form = "#department-form"
    page.fill(f"{form} input[name=name]", " Kho vận ")
    page.select_option(f"{form} select[name=site_id]", branch)
    page.click(f"{form} button[type=submit]")
    _same_form_not_refused(page, form)
    assert page.inner_text("#error-department-name") == "Phòng ban Kho vận đã có."
    assert page.input_value(f"{form} input[name=name]") == " Kho vận "
    assert page.input_value(f"{form} select[name=site_id]") == branch
    page.select_option(f"{form} select[name=old_name]", "Finance")
    page.fill(f"{form} input[name=name]", "=SUM(A1)")
    page.click(f"{form} button[type=submit]")  # a rename to a formula
    assert "Phòng ban không được bắt đầu bằng =" in page.inner_text("#error-department-name")
    assert page.input_value(f"{form} select[name=old_name]") == "Finance"
    page.fill(f"{form} input[name=name]", "Kho vận")
    page.click(f"{form} button[type=submit]")  # a rename onto another department
    assert page.inner_text("#error-department-name") == "Phòng ban Kho vận đã có."
    page.fill(f"{form} input[name=name]", "Tài chính")
    page.click(f"{form} button[type=submit]")
    assert page.locator("#error-department-name").count() == 0
    assert "Tài chính" in page.inner_text(f"{form} ul")
    assert "Finance" not in page.inner_text(f"{form} ul")


@pytest.mark.timeout(180)
def test_a_leave_for_nobody_picked_says_so_beside_the_person_and_keeps_the_dates(  # type: ignore[no-untyped-def]
        browser, web_server: WebServer, staffing: Staffing) -> None:
    """A name typed into the picker that matched no one sends no id: the leave form comes
    back with the reason beside the person, not the generic "check your input" page."""
    page = _open(browser, web_server, "hr", "/shifts")
    page.fill("#leave-person", "không có ai tên này")
    page.fill("#leave-form input[name=start]", "2026-12-14")
    page.fill("#leave-form input[name=end]", "2026-12-15")
    page.click("#leave-form button[type=submit]")
    _same_form_not_refused(page, "#leave-form")
    assert page.inner_text("#error-leave-person_id") == (
        "Gõ tên hoặc mã rồi chọn người trong danh sách gợi ý.")
    assert page.input_value("#leave-form input[name=start]") == "2026-12-14"
    assert page.input_value("#leave-form input[name=end]") == "2026-12-15"

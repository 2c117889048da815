"""Text that a spreadsheet could run: the OWASP "CSV injection" prefixes, checked at input.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel, LibreOffice and Google Sheets as a formula (``=HYPERLINK(...)``, DDE such as
``=cmd|'/c calc'!A0``). Exports neutralise such cells (sync_server.web.exports); people's
names, codes and departments are refused with such a start wherever they come in (web form,
import, admin API, kiosk enrolment), so that nobody is surprised by an altered name later.
"""

from __future__ import annotations

from sync_server.errors import BadRequest

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_FIELDS = {"name": ("Họ tên", "A name"), "code": ("Mã nhân viên", "An employee code"),
           "department": ("Phòng ban", "A department")}


def starts_like_formula(text: str | None) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (see FORMULA_PREFIXES)."""
    return bool(text) and str(text).startswith(FORMULA_PREFIXES)


def refuse_formula_start(field: str, text: str | None) -> None:
    """BadRequest (Vietnamese, then English) when ``text`` starts like a formula.

    ``field`` is "name", "code" or "department".
    """
    if not starts_like_formula(text):
        return
    vi, en = _FIELDS[field]
    raise BadRequest(f"{vi} không được bắt đầu bằng =, +, -, @, tab hoặc xuống dòng (bảng "
                     f"tính có thể chạy nó như công thức): {text!r} / {en} may not start with "
                     f"=, +, -, @, a tab or a carriage return (a spreadsheet could run it as "
                     f"a formula)")


def check_person_fields(display_name: str, employee_code: str | None,
                        department: str | None) -> None:
    """Refuse a person whose name, code or department starts like a formula."""
    refuse_formula_start("name", display_name)
    refuse_formula_start("code", employee_code)
    refuse_formula_start("department", department)

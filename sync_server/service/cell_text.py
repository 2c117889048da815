"""Text that a spreadsheet could run (the rule: attendance.names), checked at the server's
inputs: people's names, codes and departments are refused with a formula-like start wherever
they come in (web form, import, admin API, kiosk enrolment), so that nobody is surprised by an
altered name later. Exports neutralise such cells anyway (sync_server.web.exports).
"""

from __future__ import annotations

from attendance.names import FORMULA_REFUSAL, starts_like_formula
from sync_server.errors import BadRequest

__all__ = ["check_person_fields", "refuse_formula_start", "starts_like_formula"]

_FIELDS = {"name": ("Họ tên", "A name"), "code": ("Mã nhân viên", "An employee code"),
           "department": ("Phòng ban", "A department")}
# The form field of each, and the refusal's key in the catalogue ("err_formula_" + field).
_FORM_FIELDS = {"name": "display_name", "code": "employee_code", "department": "department"}


def refuse_formula_start(field: str, text: str | None) -> None:
    """BadRequest when ``text`` starts like a formula: its detail Vietnamese, then English
    (the API's problem document), its key ``formula_`` + ``field`` (the pages' message).

    ``field`` is "name", "code" or "department".
    """
    if not starts_like_formula(text):
        return
    vi, en = _FIELDS[field]
    raise BadRequest(f"{vi} {FORMULA_REFUSAL[0]}: {text!r} / {en} {FORMULA_REFUSAL[1]}",
                     "formula_" + field, _FORM_FIELDS[field], value=text)


def check_person_fields(display_name: str, employee_code: str | None,
                        department: str | None) -> None:
    """Refuse a person whose name, code or department starts like a formula."""
    refuse_formula_start("name", display_name)
    refuse_formula_start("code", employee_code)
    refuse_formula_start("department", department)

"""One catalogue for every word the HR web shows: each key used in a template or in the code
(pages, refusals, statuses, punch kinds, roles, audit sentences) exists in Vietnamese and in
English, and the two languages have the same keys."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import attendance
from sync_server.service.reports import BoardState
from sync_server.service.users import Role
from sync_server.web import i18n

ROOT = Path(__file__).resolve().parents[3] / "sync_server"
TEMPLATES = ROOT / "web" / "templates"
ERRORS = {"ServerError", "BadRequest", "NotFound", "Conflict", "Forbidden", "Unauthorized",
          "RoleRefused", "PayloadTooLarge"}
CALLS = {"translate": 1, "message": 1, "t": 0, "msg": 0}  # function -> index of the key


def template_keys() -> set[str]:
    keys: set[str] = set()
    for page in TEMPLATES.glob("*.html"):
        keys |= set(re.findall(r"\bt\(\s*'([a-z0-9_]+)'\s*\)", page.read_text()))
        keys |= set(re.findall(r"\bmsg\(\s*'([a-z0-9_]+)'", page.read_text()))
    return keys


def code_keys() -> set[str]:
    """Literal keys given to the translators, and the message keys of raised errors."""
    keys: set[str] = set()
    for source in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else \
                node.func.id if isinstance(node.func, ast.Name) else ""
            if name in CALLS and len(node.args) > CALLS[name]:
                key = node.args[CALLS[name]]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.add(key.value)
            if name in ERRORS and len(node.args) > 1:
                key = node.args[1]
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.add("err_" + key.value)
    return keys


def composed_keys() -> set[str]:
    """Keys the pages compose from a value: statuses, punch kinds, roles, board states."""
    keys = {"day_status_" + s.value for s in attendance.DayStatus}
    keys |= {"punch_kind_" + k.value for k in attendance.PunchKind}
    keys |= {"role_" + r.value for r in Role}
    keys |= {"state_" + v for k, v in vars(BoardState).items() if k.isupper()}
    return keys


def test_every_key_in_use_is_in_both_languages() -> None:
    used = template_keys() | code_keys() | composed_keys()
    assert len(used) > 150  # the scan found the keys (not an empty pass)
    for language in i18n.LANGUAGES:
        missing = sorted(k for k in used if k not in i18n.TEXTS[language])
        assert not missing, f"untranslated in {language}: {missing}"


def test_both_languages_have_the_same_keys() -> None:
    assert set(i18n.TEXTS["vi"]) ^ set(i18n.TEXTS["en"]) == set()


def test_a_refused_input_reads_in_the_users_language() -> None:
    from sync_server.errors import BadRequest

    error = BadRequest("the range spans more than 366 days", "range_too_long", "end",
                       days=366)
    assert i18n.error_text("vi", error) == "Khoảng thời gian dài tối đa 366 ngày."
    assert i18n.error_text("en", error) == "The range can span at most 366 days."

"""One catalogue (``sync_server.texts``) for every word users read: each key used in a
template or in the code (pages, refusals, statuses, punch kinds, roles, audit sentences,
e-mails) exists in Vietnamese and in English, and the two languages have the same keys."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

import attendance
from sync_server import texts
from sync_server.errors import ServerError
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
    keys |= {"legend_" + s.value for s in attendance.DayStatus}
    keys |= {"mail_request_status_" + s for s in ("approved", "refused")}
    return keys


def untranslated(used: set[str]) -> dict[str, list[str]]:
    """The keys of ``used`` missing from each language (languages with none left out)."""
    missing = {language: sorted(k for k in used if k not in texts.TEXTS[language])
               for language in texts.LANGUAGES}
    return {language: keys for language, keys in missing.items() if keys}


def test_every_key_in_use_is_in_both_languages() -> None:
    used = template_keys() | code_keys() | composed_keys()
    assert len(used) > 150  # the scan found the keys (not an empty pass)
    assert untranslated(used) == {}


def test_an_untranslated_e_mail_key_fails_the_check() -> None:
    """The digest e-mail's words are catalogue keys the scan finds in the service layer; one
    missing from the catalogue is reported in both languages."""
    mail_keys = {key for key in code_keys() if key.startswith("mail_")}
    assert {"mail_digest_subject", "mail_digest_task", "mail_digest_overdue"} <= mail_keys
    assert untranslated(mail_keys) == {}
    assert untranslated(mail_keys | {"mail_digest_unwritten"}) == {
        "vi": ["mail_digest_unwritten"], "en": ["mail_digest_unwritten"]}


def test_the_web_reads_the_same_catalogue_as_the_services() -> None:
    assert i18n.TEXTS is texts.TEXTS and i18n.translate is texts.translate


def test_both_languages_have_the_same_keys() -> None:
    assert set(texts.TEXTS["vi"]) ^ set(texts.TEXTS["en"]) == set()


def test_a_refused_input_reads_in_the_users_language() -> None:
    from sync_server.errors import BadRequest

    error = BadRequest("the range spans more than 366 days", "range_too_long", "end",
                       days=366)
    assert i18n.error_text("vi", error) == "Khoảng thời gian dài tối đa 366 ngày."
    assert i18n.error_text("en", error) == "The range can span at most 366 days."


def error_classes() -> set[str]:
    """The server's error classes that take their message key as the second argument: the
    base tree and every subclass (anywhere under sync_server) without an ``__init__`` of its
    own (one with its own sets its key itself)."""
    classes = [node for source in ROOT.rglob("*.py")
               for node in ast.walk(ast.parse(source.read_text()))
               if isinstance(node, ast.ClassDef)]
    names = set(ERRORS)
    while True:
        more = {c.name for c in classes if c.name not in names
                and any(isinstance(b, ast.Name) and b.id in names for b in c.bases)
                and not any(isinstance(f, ast.FunctionDef) and f.name == "__init__"
                            for f in c.body)}
        if not more:
            return names
        names |= more


def unnamed_refusals(source: Path, errors: set[str] = ERRORS) -> list[str]:
    """The refusals raised in ``source`` that name no catalogue message (no key): a page
    would show their English detail."""
    found = []
    for node in ast.walk(ast.parse(source.read_text())):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        call = node.exc
        name = call.func.attr if isinstance(call.func, ast.Attribute) else \
            call.func.id if isinstance(call.func, ast.Name) else ""
        if name in errors and len(call.args) < 2 and not any(
                keyword.arg == "key" for keyword in call.keywords):
            found.append(f"{source.name}:{node.lineno}")
    return found


def web_services() -> set[Path]:
    """The service modules the web pages call (imported by a module of sync_server/web):
    their refusals reach a page through the form and error handlers."""
    names: set[str] = set()
    for source in (ROOT / "web").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if not (isinstance(node, ast.ImportFrom) and node.module):
                continue
            if node.module == "sync_server.service":
                names |= {alias.name for alias in node.names}
            elif node.module.startswith("sync_server.service."):
                names.add(node.module.split(".")[2])
    return {ROOT / "service" / f"{name}.py" for name in names}


def test_every_refusal_a_page_shows_names_its_message() -> None:
    """The web's own refusals, and those of every service module (those behind the HR pages,
    those the web reaches through them, the kiosk API's, and any new one), carry a catalogue
    key, so no English detail reaches a Vietnamese page."""
    services = sorted((ROOT / "service").rglob("*.py"))
    assert web_services() <= set(services)
    assert {ROOT / "service" / f"{name}.py" for name in (
        "admins", "digest", "reminder_webhooks", "erasure", "access", "punches",
        "punch_trust", "retention", "datakeys", "feed")} <= set(services)
    errors = error_classes()
    assert {"RollingRefused", "CursorBeyondFeed", "DataKeyUnavailable"} <= errors
    assert "AlreadyEnrolled" not in errors  # names its message itself
    sources = [*sorted((ROOT / "web").glob("*.py")), *services]
    assert [where for source in sources for where in unnamed_refusals(source, errors)] == []


def test_the_refusal_scan_finds_an_unnamed_refusal(tmp_path: Path) -> None:
    """A new module raising a refusal without a key (directly or through a subclass without
    its own ``__init__``) is reported; one naming its key is not."""
    module = tmp_path / "new_service.py"
    module.write_text(
        "class Refused(Conflict):\n    pass\n\n\n"
        "def a():\n    raise NotFound('no such thing')\n\n\n"
        "def b():\n    raise Refused('not now')\n\n\n"
        "def c():\n    raise BadRequest('bad', 'bad_thing')\n\n\n"
        "def d():\n    raise Conflict('taken', key='taken')\n")
    assert unnamed_refusals(module, error_classes() | {"Refused"}) == [
        "new_service.py:6", "new_service.py:10"]


def test_a_refusal_behind_the_pages_reads_in_the_users_language(
        sessions: sessionmaker[Session]) -> None:
    """The admin accounts' and the integrations' refusals carry their catalogue message."""
    from sync_server.service import admins, reminder_webhooks

    with sessions() as session:
        with pytest.raises(ServerError) as short:
            admins.create_admin(session, "root", "short", actor="cli")
        with pytest.raises(ServerError) as unnamed:
            reminder_webhooks.create_integration(session, "web", actor="cli")
    assert i18n.error_text("vi", short.value) == "Mật khẩu cần ít nhất 12 ký tự."
    assert i18n.error_text("en", unnamed.value).startswith("An integration needs a name")
    assert i18n.error_text("vi", unnamed.value).startswith("Kết nối cần có tên")


def test_no_key_is_written_in_two_catalogue_modules() -> None:
    """Each key lives in one module of the catalogue, and every module is merged: a second
    entry would silently replace the first when the modules are merged."""
    seen: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(texts.__path__):
        module = importlib.import_module(f"sync_server.texts.{info.name}")
        for key in module.EN:
            seen.setdefault(key, []).append(info.name)
    assert set(seen) == set(texts.TEXTS["en"])
    assert {key: where for key, where in seen.items() if len(where) > 1} == {}


def test_a_face_already_enrolled_reads_in_the_users_language() -> None:
    """The look-alike refusal (raised by its own class) names its message and the people."""
    import uuid

    from sync_server.service.lookalikes import AlreadyEnrolled, Resemblance

    match = Resemblance(uuid.uuid4(), "Trần Lan", "F007", 0.91)
    assert i18n.error_text("vi", AlreadyEnrolled([match])).startswith(
        "Khuôn mặt này đã được đăng ký cho Trần Lan (F007)")


def test_the_report_e_mails_words_are_catalogue_keys_the_check_covers() -> None:
    """The scheduled report e-mails' words are literal catalogue keys the scan finds in the
    service layer (no text of their own); one missing in a language fails the check."""
    report_keys = {key for key in code_keys() if key.startswith("mail_report_")}
    assert {"mail_report_daily_subject", "mail_report_late_line", "mail_report_absent",
            "mail_report_monthly_subject", "mail_report_own_subject",
            "mail_report_attached"} <= report_keys
    assert untranslated(report_keys) == {}
    assert untranslated(report_keys | {"mail_report_unwritten"}) == {
        "vi": ["mail_report_unwritten"], "en": ["mail_report_unwritten"]}

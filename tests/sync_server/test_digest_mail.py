"""The leaders' digest e-mail speaks one language, from the one catalogue: Vietnamese by
default (no English word in the subject or the body), English when the ``[mail]`` section
says so. A real SMTP server (aiosmtpd) on 127.0.0.1, the digest sent by the ``sync-server
digest`` command over a real database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server import cli, texts
from sync_server.db.engine import transaction
from sync_server.service import datakeys, digest, reminders, users
from sync_server.service.reminders import TaskIn
from sync_server.settings import ServerSettings
from sync_server.texts import mail
from tests.sync_server.helpers import add_person
from tests.sync_server.reminder_helpers import SmtpServer

DUE = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)  # 08:30 on 02/11/2026 at the site


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _send(sessions: sessionmaker[Session], settings: ServerSettings, smtp: SmtpServer,
          tmp_path: Path, language: str | None) -> EmailMessage:
    """One overdue and one unacknowledged task of Phòng Tài chính; the digest as received."""
    person = add_person(sessions, "Vũ Thị Em", department="Phòng Tài chính")
    with transaction(sessions) as session:
        users.create_user(session, "truong-phong", "a long enough password",
                          users.Role.LEADER, department="Phòng Tài chính", actor="test")
        reminders.create_task(session, TaskIn("Nộp báo cáo quý", person_id=person,
                                              due_at=DUE), "truong-phong")
        reminders.create_task(session, TaskIn("Đọc công văn mới",
                                              department="Phòng Tài chính"), "truong-phong")
        digest.set_recipient(session, "truong-phong", "tp@example.test", None)
    config = tmp_path / "server.toml"
    config.write_text(f'[database]\nurl = "{settings.database.url}"\n'
                      f'[mail]\nenabled = true\nhost = "127.0.0.1"\nport = {smtp.port}\n'
                      + (f'language = "{language}"\n' if language else ""))
    assert cli.main(["--config", str(config), "digest"]) == 0
    [(_sender, recipients, message)] = smtp.messages
    assert recipients == ["tp@example.test"]
    return message


def _words(text: str) -> set[str]:
    """The words of ``text``, a template's ``{fields}`` left out."""
    return {word.lower() for word in re.findall(r"[^\W\d_]+", re.sub(r"\{\w+\}", "", text))}


def test_the_digest_reads_in_vietnamese_with_no_english_word(
        sessions: sessionmaker[Session], server_settings: ServerSettings, smtp: SmtpServer,
        tmp_path: Path) -> None:
    message = _send(sessions, server_settings, smtp, tmp_path, language=None)
    subject, body = str(message["Subject"]), message.get_content()
    assert subject == "Nhắc việc: 1 quá hạn, 1 chưa xác nhận - Phòng Tài chính"
    assert "Phòng ban: Phòng Tài chính" in body
    overdue, unacknowledged = body.split("Chưa xác nhận (1)")
    assert "Quá hạn (1)" in overdue
    assert ("- Nộp báo cáo quý | Vũ Thị Em | hạn 02/11/2026 08:30 | đã xác nhận 0/1 | "
            "chưa hiển thị 1") in overdue
    assert "Đọc công văn mới" in unacknowledged and "không có hạn" in unacknowledged
    english = set().union(*(_words(text) for text in mail.EN.values()))
    english -= set().union(*(_words(text) for text in mail.VI.values()))
    assert {"overdue", "department", "acknowledged", "due"} <= english  # the check has teeth
    assert not (_words(subject) | _words(body)) & english


def test_the_digest_is_english_when_the_mail_section_says_so(
        sessions: sessionmaker[Session], server_settings: ServerSettings, smtp: SmtpServer,
        tmp_path: Path) -> None:
    message = _send(sessions, server_settings, smtp, tmp_path, language="en")
    assert str(message["Subject"]) == ("Reminders: 1 overdue, 1 not acknowledged - "
                                       "Phòng Tài chính")
    body = message.get_content()
    assert "- Nộp báo cáo quý | Vũ Thị Em | due 2026-11-02 08:30 | acknowledged 0/1" in body
    assert "quá hạn" not in body.lower() and "no due date" in body


def test_every_digest_word_is_in_the_catalogue_in_both_languages() -> None:
    assert set(mail.EN) == set(mail.VI)
    for language in texts.LANGUAGES:
        for key in mail.EN:
            assert texts.TEXTS[language][key] == (mail.VI if language == "vi" else mail.EN)[key]

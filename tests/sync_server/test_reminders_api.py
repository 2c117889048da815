"""Reminders for other systems and leaders: the REST API with integration tokens, the signed
inbound webhook, outbound webhooks with retries, and the daily digest by e-mail. A real
server on 127.0.0.1, a real webhook receiver and a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sync_server import cli
from sync_server.db.engine import transaction
from sync_server.db.models import Change
from sync_server.db.reminder_models import (
    Integration,
    ReminderTask,
    WebhookDelivery,
    WebhookSubscription,
)
from sync_server.service import datakeys, digest, reminder_webhooks, reminders, users
from sync_server.service.reminders import Status, TaskIn
from sync_server.settings import MailSettings, ServerSettings
from tests.sync_server.helpers import add_person
from tests.sync_server.live import LiveServer
from tests.sync_server.reminder_helpers import Receiver, SmtpServer


@pytest.fixture(autouse=True)
def _key_file_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(datakeys.KEY_ENV, raising=False)
    monkeypatch.delenv(datakeys.KEY_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))


@pytest.fixture
def integration(sessions: sessionmaker[Session]) -> reminder_webhooks.IssuedIntegration:
    with transaction(sessions) as session:
        return reminder_webhooks.create_integration(session, "hrm", actor="test")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.stop()


def _api(server: LiveServer, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.url + "/api/v1", headers=headers, timeout=10)


def test_rest_api_is_authenticated_and_idempotent_on_the_external_id(
        live_server: LiveServer, sessions: sessionmaker[Session],
        integration: reminder_webhooks.IssuedIntegration) -> None:
    person = add_person(sessions, "Tran Van Duc")
    body = {"external_id": "T-1", "title": "Approve leave", "person_id": str(person),
            "due_at": "2026-12-01T09:00:00+07:00", "priority": 2, "details": "for Mai"}
    with _api(live_server, None) as anonymous:
        assert anonymous.post("/tasks", json=body).status_code == 401
    with _api(live_server, "not-a-token") as wrong:
        assert wrong.get("/tasks").status_code == 401
    with _api(live_server, integration.token) as client:
        first = client.post("/tasks", json=body)
        assert first.status_code == 201, first.text
        assert first.json()["due_at"] == "2026-12-01T02:00:00+00:00"  # kept in UTC
        again = client.post("/tasks", json={**body, "title": "Approve Mai's leave"})
        assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
        assert again.json()["title"] == "Approve Mai's leave" and again.json()["people"] == 1
        listed = client.get("/tasks", params={"external_id": "T-1"}).json()["tasks"]
        assert [t["id"] for t in listed] == [first.json()["id"]]
        task_id = first.json()["id"]
        changed = client.patch(f"/tasks/{task_id}", json={"due_at": None, "priority": 0})
        assert (changed.json()["due_at"], changed.json()["priority"]) == (None, 0)
        with sessions() as session:  # the kiosks get the change (never the details)
            latest = session.scalars(select(Change).where(Change.entity == "reminder")
                                     .order_by(Change.seq.desc())).first()
            assert latest is not None and latest.data["priority"] == 0
            assert latest.data["due_at"] is None and "details" not in latest.data
        done = client.patch(f"/tasks/{task_id}", json={"status": "done"})
        assert done.status_code == 200 and done.json()["status"] == "done"
        assert client.post("/tasks", json={**body, "external_id": "T-2",
                                           "priority": 9}).status_code == 422
    with transaction(sessions) as session:
        other = reminder_webhooks.create_integration(session, "erp", actor="test")
        assert session.scalars(select(ReminderTask)).one().status == "done"
    with _api(live_server, other.token) as client:
        assert client.get(f"/tasks/{task_id}").status_code == 403
        assert client.get("/tasks").json()["tasks"] == []


def _signed(secret: str, body: bytes, *, nonce: str | None = None,
            at: datetime | None = None) -> dict[str, str]:
    timestamp = str(int((at or datetime.now(UTC)).timestamp()))
    nonce = nonce or uuid.uuid4().hex
    mac = hmac.new(secret.encode(), f"{timestamp}.{nonce}.".encode() + body, hashlib.sha256)
    return {"X-Integration": "hrm", "X-Timestamp": timestamp, "X-Nonce": nonce,
            "X-Signature": "sha256=" + mac.hexdigest(), "Content-Type": "application/json"}


def test_inbound_webhook_refuses_unsigned_forged_stale_and_replayed_requests(
        live_server: LiveServer, sessions: sessionmaker[Session],
        integration: reminder_webhooks.IssuedIntegration) -> None:
    add_person(sessions, "Tran Van Duc", department="Finance")
    body = json.dumps({"external_id": "W-1", "title": "Budget review",
                       "department": "Finance"}).encode()
    url = live_server.url + "/api/v1/webhooks/tasks"
    headers = _signed(integration.secret, body)
    assert httpx.post(url, content=body, headers=headers).status_code == 201
    refusals = {
        "unsigned": {"X-Integration": "hrm", "Content-Type": "application/json"},
        "replayed": headers,
        "forged": _signed("0" * 64, body),
        "stale": _signed(integration.secret, body, at=datetime.now(UTC) - timedelta(minutes=6)),
        "tampered": {**_signed(integration.secret, body), "X-Integration": "hrm"},
    }
    for name, bad in refusals.items():
        content = body.replace(b"Budget", b"Xudget") if name == "tampered" else body
        answer = httpx.post(url, content=content, headers=bad)
        assert answer.status_code == 401, (name, answer.text)
    close = json.dumps({"external_id": "W-1", "status": "cancelled"}).encode()
    answer = httpx.post(url, content=close, headers=_signed(integration.secret, close))
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    with sessions() as session:
        [task] = session.scalars(select(ReminderTask)).all()
        assert (task.title, task.source, task.system) == ("Budget review", "webhook", "hrm")


def test_outbound_webhook_is_signed_and_retried_with_backoff(
        sessions: sessionmaker[Session], receiver: Receiver) -> None:
    person = add_person(sessions)
    receiver.answers = [503]
    with transaction(sessions) as session:
        _sub, secret = reminder_webhooks.subscribe(session, receiver.url)
        task, _ = reminders.create_task(session, TaskIn("File taxes", person_id=person), "boss")
        reminders.set_status(session, task.id, Status.DONE, "boss")
    first = reminder_webhooks.deliver_due(sessions)
    assert (first.delivered, first.failed) == (0, 1)
    assert reminder_webhooks.deliver_due(sessions).delivered == 0  # not due yet: backoff
    later = datetime.now(UTC) + reminder_webhooks.backoff(1) + timedelta(seconds=1)
    assert reminder_webhooks.deliver_due(sessions, now=later).delivered == 1
    assert len(receiver.received) == 2
    got = receiver.received[-1]
    expected = reminder_webhooks.sign(secret.encode(), got.headers["x-timestamp"],
                                      got.headers["x-nonce"], got.body)
    assert hmac.compare_digest(got.headers["x-signature"], expected)
    payload = json.loads(got.body)
    assert payload["event"] == "task.status" and payload["task"]["status"] == "done"
    assert payload["task"]["id"] == str(task.id)
    with sessions() as session:
        row = session.scalars(select(WebhookDelivery)).one()
        assert row.attempts == 2 and row.delivered_at is not None


def test_daily_digest_mails_each_leader_their_overdue_and_unacknowledged_tasks(
        sessions: sessionmaker[Session], server_settings: ServerSettings,
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    mine, theirs = add_person(sessions, "Vu Thi Em"), add_person(sessions, "Ngo Van Phu",
                                                                  department="Operations")
    past = datetime.now(UTC) - timedelta(days=2)
    with transaction(sessions) as session:
        users.create_user(session, "lead-fin", "a long enough password", users.Role.LEADER,
                          department="Finance", actor="test")
        users.create_user(session, "lead-ops", "a long enough password", users.Role.LEADER,
                          department="Operations", actor="test")
        reminders.create_task(session, TaskIn("Overdue audit", person_id=mine, due_at=past),
                              "lead-fin")
        reminders.create_task(session, TaskIn("Read the memo", department="Finance"),
                              "lead-fin")
        reminders.create_task(session, TaskIn("Ops only", person_id=theirs), "lead-ops")
        digest.set_recipient(session, "lead-fin", "fin@example.test", None)
    smtp = SmtpServer().start()
    try:
        config = tmp_path / "server.toml"
        config.write_text(f'[database]\nurl = "{server_settings.database.url}"\n'
                          f'[mail]\nenabled = true\nhost = "127.0.0.1"\nport = {smtp.port}\n'
                          'from = "attendance@example.test"\n')
        assert cli.main(["--config", str(config), "digest"]) == 0
        assert "e-mailed 1" in capsys.readouterr().out
        [(sender, recipients, message)] = smtp.messages
    finally:
        smtp.stop()
    assert sender == "attendance@example.test" and recipients == ["fin@example.test"]
    assert "1 quá hạn, 1 chưa xác nhận" in str(message["Subject"])
    text = message.get_content()
    overdue, unacknowledged = text.split("Chưa xác nhận (")
    assert "Overdue audit" in overdue and "Vu Thi Em" in overdue
    assert "Read the memo" in unacknowledged and "Overdue audit" not in unacknowledged
    assert "Ops only" not in text


def test_digest_sends_nothing_while_mail_is_off(sessions: sessionmaker[Session]) -> None:
    person = add_person(sessions)
    with transaction(sessions) as session:
        users.create_user(session, "lead", "a long enough password", users.Role.LEADER,
                          department="Finance", actor="test")
        reminders.create_task(session, TaskIn("Late", person_id=person,
                                              due_at=datetime.now(UTC) - timedelta(hours=1)),
                              "lead")
        digest.set_recipient(session, "lead", "lead@example.test", None)
    report = digest.send_digests(sessions, MailSettings())  # type: ignore[call-arg]
    assert (report.emailed, report.errors) == (0, [])


def test_digest_goes_to_a_leader_webhook_as_json(sessions: sessionmaker[Session],
                                                 receiver: Receiver) -> None:
    person = add_person(sessions, "Dinh Van Giang")
    with transaction(sessions) as session:
        users.create_user(session, "lead", "a long enough password", users.Role.LEADER,
                          department="Finance", actor="test")
        task, _ = reminders.create_task(session, TaskIn(
            "Close the books", person_id=person,
            due_at=datetime.now(UTC) - timedelta(days=1)), "lead")
        digest.set_recipient(session, "lead", None, receiver.url)
    report = digest.send_digests(sessions, MailSettings())  # type: ignore[call-arg]
    assert (report.posted, report.emailed, report.errors) == (1, 0, [])
    body = json.loads(receiver.received[0].body)
    assert body["department"] == "Finance" and body["unacknowledged"] == []
    assert [(t["task_id"], t["assignee"], t["never_shown"]) for t in body["overdue"]] == [
        (str(task.id), "Dinh Van Giang", 1)]


def test_key_rotation_reencrypts_integration_and_webhook_secrets(
        sessions: sessionmaker[Session], server_settings: ServerSettings,
        integration: reminder_webhooks.IssuedIntegration) -> None:
    """After a rotation that drops the old key, the stored signing secrets still open."""
    url = server_settings.database.url
    with transaction(sessions) as session:
        _sub_id, sub_secret = reminder_webhooks.subscribe(session, "http://127.0.0.1:9/hook")
    with transaction(sessions) as session:
        count, _key = datakeys.rotate(session, url, actor="test")
    datakeys.drop_old_keys(url)
    assert count >= 2
    with sessions() as session:
        keyring = datakeys.keyring_for(session)
        assert keyring.others == ()  # only the new key is left
        row = session.scalars(select(Integration)).one()
        assert reminder_webhooks.integration_secret(session, row) == integration.secret.encode()
        sub = session.scalars(select(WebhookSubscription)).one()
        assert reminder_webhooks._subscription_secret(session, sub) == sub_secret.encode()

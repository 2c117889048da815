"""hardware/server/backup.sh then restore.sh into a fresh database reproduces the data.

Run on SQLite and on a real throw-away PostgreSQL (pg_dump / pg_restore), through the same
scripts the production timer runs.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sync_server.db.engine import transaction
from sync_server.db.models import Base, Person
from sync_server.service import kiosks, people, punches
from tests.sync_server.helpers import migrated_settings, sessions_for

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "hardware" / "server"


def fill(sessions: sessionmaker[Session]) -> None:
    with transaction(sessions) as session:
        kiosk_id, _ = kiosks.create_provisioning_code(session, "gate-1", 3600, actor="test")
        staff = [people.create_person(session, f"Nhân viên {n}", f"NV{n:03d}", "Tài chính",
                                      actor="test")
                 for n in range(12)]
        start = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
        batch = [punches.IncomingPunch(uuid.uuid4(), person.id, "auto", "face",
                                       start + timedelta(days=d, minutes=n), 0.2)
                 for d in range(5) for n, person in enumerate(staff)]
        punches.ingest(session, kiosk_id, batch)


def counts(sessions: sessionmaker[Session]) -> dict[str, int]:
    with transaction(sessions) as session:
        return {table.name: session.scalar(select(func.count()).select_from(table)) or 0
                for table in Base.metadata.sorted_tables}


def run(script: str, url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(["bash", str(SCRIPTS / script), *args], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def fresh_url(database_url: str, tmp_path: Path, request) -> str:  # type: ignore[no-untyped-def]
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    return request.getfixturevalue("postgres").create_database()


def test_backup_then_restore_into_a_fresh_database(database_url: str, sessions,
                                                    # type: ignore[no-untyped-def]
                                                   tmp_path: Path, request) -> None:
    fill(sessions)
    before = counts(sessions)
    assert before["punches"] == 60 and before["people"] == 12
    backup = run("backup.sh", database_url, str(tmp_path / "backups")).strip().splitlines()[-1]
    assert Path(backup).is_file() and Path(backup).stat().st_size > 0

    target = fresh_url(database_url, tmp_path, request)
    run("restore.sh", target, backup)
    restored = sessions_for(migrated_settings(target))  # a no-op upgrade: already at head
    try:
        assert counts(restored) == before
        with transaction(restored) as session:
            names = sorted(p.display_name for p in session.scalars(select(Person)))
        assert names[0] == "Nhân viên 0" and len(names) == 12
    finally:
        restored.kw["bind"].dispose()


def test_backups_keep_only_the_newest(database_url: str, sessions, tmp_path: Path,
                                       # type: ignore[no-untyped-def]
                                      monkeypatch) -> None:
    fill(sessions)
    folder = tmp_path / "backups"
    folder.mkdir()
    for n in range(4):  # older backups left by earlier days
        (folder / f"face-attendance-2026010{n}T000000Z.dump").write_bytes(b"old")
    monkeypatch.setenv("KEEP", "2")
    run("backup.sh", database_url, str(folder))
    remaining = sorted(p.name for p in folder.iterdir())
    assert len(remaining) == 2 and not remaining[-1].startswith("face-attendance-20260103")


def test_restore_refuses_a_non_empty_sqlite_target(tmp_path: Path) -> None:
    target = tmp_path / "busy.sqlite3"
    target.write_bytes(b"something")
    (tmp_path / "b.gz").write_bytes(b"")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{target}"}
    done = subprocess.run(["bash", str(SCRIPTS / "restore.sh"), str(tmp_path / "b.gz")], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2 and "not empty" in done.stderr

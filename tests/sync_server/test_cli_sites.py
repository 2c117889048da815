"""`sync-server sites`: list, create, rename and assign, audited as the command's user."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from sync_server.cli import main
from sync_server.db.engine import make_engine, session_factory, transaction
from sync_server.db.models import Kiosk, Person
from sync_server.db.web_models import AuditEntry
from sync_server.service import people, sites


def _line(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if f"  {name}" in line)


def test_sites_from_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", url)
    assert main(["migrate"]) == 0
    assert main(["provision-kiosk", "--name", "hall-b"]) == 0
    sessions = session_factory(make_engine(url))
    with transaction(sessions) as session:
        for name, code in (("Lê Thị Hoa", "NV001"), ("Trần Văn Nam", "NV002")):
            people.create_person(session, name, code, "Tài chính", actor="test")
    # Once through a real process, as the console entry point runs it.
    made = subprocess.run([sys.executable, "-m", "sync_server.cli", "sites", "create",
                           "Tòa nhà B"], env=dict(os.environ), capture_output=True, text=True,
                          timeout=120, check=False)
    assert made.returncode == 0, made.stderr
    assert "site Tòa nhà B (" in made.stdout
    capsys.readouterr()
    assert main(["sites", "create", "Tòa nhà B"]) == 2  # names are unique
    assert "exists" in capsys.readouterr().err
    assert main(["sites", "rename", "Tòa nhà B", "Tòa nhà Bắc"]) == 0
    assert "site Tòa nhà B is now Tòa nhà Bắc" in capsys.readouterr().out
    assert main(["sites", "assign", "Tòa nhà Bắc", "--kiosk", "hall-b",
                 "--department", "Tài chính"]) == 0
    out = capsys.readouterr().out
    assert "kiosk hall-b is at Tòa nhà Bắc" in out
    assert "department Tài chính is at Tòa nhà Bắc (2 people moved)" in out
    assert main(["sites", "assign", "nowhere", "--kiosk", "hall-b"]) == 2
    assert "no site named or numbered 'nowhere'" in capsys.readouterr().err

    assert main(["sites", "list"]) == 0
    listing = capsys.readouterr().out
    assert "(default)  0 people  kiosks: -" in listing.splitlines()[0]
    assert _line(listing, "Tòa nhà Bắc").endswith("Tòa nhà Bắc  2 people  kiosks: hall-b")
    with transaction(sessions) as session:
        site = sites.find_site(session, "Tòa nhà Bắc")
        assert sites.find_site(session, str(site.id)) is site
        kiosk = session.scalars(select(Kiosk).where(Kiosk.name == "hall-b")).one()
        assert kiosk.site_id == site.id and kiosk.feed_resync
        moved = session.scalars(select(Person.id)).all()
        assert {sites.person_site(session, pid) for pid in moved} == {site.id}
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
            ("site.create", "site.rename", "kiosk.site", "department.site")))
            .order_by(AuditEntry.at)).all()
    assert [e.action for e in entries] == ["site.create", "site.rename", "kiosk.site",
                                           "department.site"]
    assert {e.actor for e in entries} == {f"cli:{getpass.getuser()}"}


def test_assign_needs_something_to_assign(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    with pytest.raises(SystemExit, match="name a --kiosk or a --department"):
        main(["sites", "assign", "Tòa nhà B"])

"""``sync-server enroll-folder`` on a temporary folder of real faces-dev photos, with the
session's installed models: progress per person, a rejection report, templates stored."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sync_server.cli import main
from sync_server.db.engine import transaction
from sync_server.db.models import ConsentRecord, Template
from sync_server.service import people
from tests.sync_server.helpers import migrated_settings, sessions_for, sqlite_url


def _photo_folder(faces_dev: Path, root: Path) -> Path:
    """E001/ (3 Powell photos + a cat), E002_*.jpg (3 Blair photos + a group photo), and a
    folder for a code nobody has."""
    lfw = faces_dev / "lfw_color_10x10"
    (root / "E001").mkdir(parents=True)
    for photo in sorted((lfw / "Colin_Powell").glob("*.jpg"))[:3]:
        shutil.copy(photo, root / "E001" / photo.name)
    shutil.copy(faces_dev / "no_face" / "cat.png", root / "E001" / "cat.png")
    for index, photo in enumerate(sorted((lfw / "Tony_Blair").glob("*.jpg"))[:3]):
        shutil.copy(photo, root / f"E002_{index}.jpg")
    shutil.copy(faces_dev / "multi_face" / "obama-biden-2faces.jpg", root / "E002_group.jpg")
    (root / "Z999").mkdir()
    shutil.copy(faces_dev / "people" / "lennon-1.jpg", root / "Z999" / "lennon.jpg")
    (root / "E001" / "notes.txt").write_text("ignored: not a photo")
    return root


def test_enroll_folder_prints_progress_and_a_rejection_report(
        tmp_path: Path, installed_models: Path, faces_dev: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "server").mkdir()
    url = sqlite_url(tmp_path / "server")
    sessions = sessions_for(migrated_settings(url))
    with transaction(sessions) as session:
        powell = people.create_person(session, "Tran Van Powell", "E001", "Finance",
                                      actor="test").id
        blair = people.create_person(session, "Le Thi Blair", "e002", "Finance", actor="test").id
    folder = _photo_folder(faces_dev, tmp_path / "photos")
    monkeypatch.setenv("SYNC_SERVER_DATABASE__URL", url)
    monkeypatch.setenv("SYNC_SERVER_VISION__MODELS_DIR", str(installed_models))

    status = main(["enroll-folder", str(folder), "--consent-notice", "notice-v2",
                   "--collected-by", "HR desk"])
    out = capsys.readouterr().out
    assert status == 1, out  # Z999 is nobody: not every person found was enrolled
    lines = out.splitlines()
    assert lines[0] == f"9 photos found under {folder}"
    assert lines[1:4] == [
        "[1/3] E001 Tran Van Powell: 3 templates (1 photos rejected)",
        "[2/3] e002 Le Thi Blair: 3 templates (1 photos rejected)",
        "[3/3] Z999: not enrolled: no person has the employee code 'Z999'"]
    assert "enrolled 2 of 3 people" in lines
    report = lines[lines.index("rejected photos:") + 1:]
    assert report == ["  E001/cat.png: no face found",
                      "  E002_group.jpg: several faces: the photo must show only this person"]
    with sessions() as session:
        counts = dict(session.execute(select(Template.person_id, func.count())
                                      .group_by(Template.person_id)).all())
        consents = session.scalar(select(func.count()).select_from(ConsentRecord)
                                  .where(ConsentRecord.notice_version == "notice-v2"))
    assert counts == {powell: 3, blair: 3} and consents == 2

    # A second run without consent flags uses each person's consent on record; someone
    # without one is refused (and nothing of theirs stored).
    shutil.rmtree(folder / "Z999")
    with transaction(sessions) as session:
        newcomer = people.create_person(session, "Vo Van Chirac", "E003", actor="test").id
    (folder / "E003").mkdir()
    for photo in sorted((faces_dev / "lfw_color_10x10" / "Jacques_Chirac").glob("*.jpg"))[:3]:
        shutil.copy(photo, folder / "E003" / photo.name)
    assert main(["enroll-folder", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "[2/3] e002 Le Thi Blair: 3 templates (1 photos rejected)" in out
    assert "[3/3] E003 Vo Van Chirac: not enrolled: no consent on record" in out
    with sessions() as session:
        counts = dict(session.execute(select(Template.person_id, func.count())
                                      .group_by(Template.person_id)).all())
        consents = session.scalar(select(func.count()).select_from(ConsentRecord))
    assert counts == {powell: 6, blair: 6} and newcomer not in counts and consents == 2
    sessions.kw["bind"].dispose()

"""The spoken greeting through the real espeak-ng (Debian package), written to WAV files."""

from __future__ import annotations

import shutil
import wave
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest

from kiosk.app.desk import StoreDesk
from kiosk.hw.speech import GreetingSpeaker, build_speaker, greeting_line, speech_enabled
from kiosk.settings import GreetingSettings, KioskSettings
from kiosk.store import FeedChange, FeedEntity, FeedOp, Person, open_store

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                  reason="espeak-ng is not installed (apt install espeak-ng)")

NOW = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)  # 07:30 in Ho Chi Minh City


def test_the_line_is_name_verdict_and_how_many_reminders_wait() -> None:
    assert greeting_line("Lê Văn Nam", "Đi muộn 12 phút", 2, "vi") == (
        "Xin chào Lê Văn Nam. Đi muộn 12 phút. Bạn có 2 việc cần làm.")
    assert greeting_line("Colin Powell", "On time", 1, "en") == (
        "Hello Colin Powell. On time. You have 1 reminder.")
    assert greeting_line("Colin Powell", "", 0, "en") == "Hello Colin Powell."


def test_unset_means_on_exactly_when_espeak_ng_is_installed() -> None:
    assert speech_enabled(GreetingSettings()) is (shutil.which("espeak-ng") is not None)
    assert speech_enabled(GreetingSettings(speech=False)) is False
    assert build_speaker(GreetingSettings(speech=False)) is None


@needs_espeak
@pytest.mark.parametrize("language,voice", [("vi", "vi"), ("en", "en")])
def test_say_returns_at_once_and_writes_a_wav(tmp_path: Path, language: str,
                                              voice: str) -> None:
    speaker = GreetingSpeaker(GreetingSettings(wav_dir=tmp_path / "wav"))
    try:
        speaker.say(greeting_line("Nguyễn Thị An", "Đúng giờ", 1, language), language)
        assert speaker.spoken[-1][1:3] == ["-v", voice]
        assert speaker.wait() == [0]
    finally:
        speaker.close()
    [wav] = (tmp_path / "wav").glob("greeting-*.wav")
    with wave.open(str(wav)) as audio:  # a real, non-empty WAV: more than 0.5 s of speech
        assert audio.getnframes() / audio.getframerate() > 0.5


def _desk_with_person(tmp_path: Path, greeting: dict[str, object]) -> tuple[StoreDesk, Person]:
    settings = KioskSettings.model_validate({
        "store": {"path": str(tmp_path / "kiosk.sqlite3")},
        "models": {"dir": str(tmp_path / "models")}, "ui": {"language": "en"},
        "greeting": greeting})
    person = Person(id=uuid4(), display_name="Colin Powell")
    store = open_store(settings.store.path)
    store.biometrics.upsert_person(person)
    store.feed.apply_page([FeedChange(1, FeedEntity.REMINDER, FeedOp.UPSERT, uuid4(), {
        "person_id": str(person.id), "title": "Quarterly report", "due_at": None,
        "priority": 1, "status": "open", "urgent": False, "created_at": NOW.isoformat()})],
        cursor="1")
    store.close()
    desk = StoreDesk.open(settings)
    desk.speaker = build_speaker(settings.greeting)  # what kiosk.app.runtime does
    return desk, person


@needs_espeak
def test_a_greeting_is_spoken_once_and_a_repeat_is_not(tmp_path: Path) -> None:
    wav_dir = tmp_path / "spoken"
    desk, person = _desk_with_person(tmp_path, {"speech": True, "wav_dir": str(wav_dir)})
    try:
        desk.punch(person.id, NOW)
        desk.punch(person.id, NOW.replace(minute=31))  # within the cooldown: a repeat
        assert desk.speaker is not None
        assert [cmd[-1] for cmd in desk.speaker.spoken] == [
            "Hello Colin Powell. No shift today. You have 1 reminder."]
        assert desk.speaker.wait() == [0]
    finally:
        desk.close()
    [wav] = wav_dir.glob("*.wav")
    assert wav.stat().st_size > 10_000


def test_with_speech_off_nothing_runs(tmp_path: Path) -> None:
    wav_dir = tmp_path / "spoken"
    desk, person = _desk_with_person(tmp_path, {"speech": False, "wav_dir": str(wav_dir)})
    try:
        assert desk.speaker is None
        assert desk.punch(person.id, NOW).verdict_text
    finally:
        desk.close()
    assert not wav_dir.exists()

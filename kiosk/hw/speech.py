"""The spoken greeting: one neutral line through espeak-ng, offline, in Vietnamese or English.

"Xin chào Lê Văn Nam. Đúng giờ. Bạn có 2 việc cần làm." / "Hello Lê Văn Nam. On time. You have
2 reminders." Only the name, the verdict already on the card and how many reminders wait:
nothing a passer-by should not hear (never a reminder's title).

espeak-ng (Debian package ``espeak-ng``) runs as a child process started with Popen: ``say``
returns at once, so neither the decision worker nor the GUI waits on audio. A new greeting
cuts the previous one short (the next person is at the door); finished children are reaped
at the next call and on ``close``. With ``GreetingSettings.wav_dir`` each line is written to
a WAV file there instead of played (samples for a site, tests on machines without audio).
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from kiosk.settings import GreetingSettings

log = logging.getLogger(__name__)

ESPEAK = "espeak-ng"

_PHRASES = {
    "vi": {"hello": "Xin chào {name}.", "reminders": "Bạn có {count} việc cần làm."},
    "en": {"hello": "Hello {name}.", "reminders": "You have {count} {noun}."},
}


def greeting_line(name: str, verdict: str, reminders: int, language: str) -> str:
    """The one line spoken for a greeting (``reminders``: how many still need the person)."""
    phrases = _PHRASES["vi" if language == "vi" else "en"]
    parts = [phrases["hello"].format(name=name.strip())]
    if verdict.strip():
        parts.append(verdict.strip().rstrip(".") + ".")
    if reminders > 0:
        noun = "reminder" if reminders == 1 else "reminders"
        parts.append(phrases["reminders"].format(count=reminders, noun=noun))
    return " ".join(parts)


def speech_enabled(settings: GreetingSettings) -> bool:
    """``settings.speech`` when set; otherwise on exactly when espeak-ng is installed."""
    if settings.speech is not None:
        return settings.speech
    return shutil.which(ESPEAK) is not None


class GreetingSpeaker:
    """Speaks greeting lines with espeak-ng in the background. Any thread (one at a time).

    ``spoken`` keeps the command lines started (newest last, at most 20), for the logs and
    tests. Built only when speech is enabled (``build_speaker``).
    """

    def __init__(self, settings: GreetingSettings, executable: str | None = None) -> None:
        found = executable or shutil.which(ESPEAK)
        if found is None:
            raise FileNotFoundError(f"{ESPEAK} is not installed (apt install espeak-ng), "
                                    "or set greeting.speech = false")
        self._exe = found
        self._settings = settings
        self._running: list[subprocess.Popen[bytes]] = []
        self.spoken: list[list[str]] = []

    def command(self, line: str, language: str) -> list[str]:
        """The espeak-ng command for ``line`` (played, or written to a WAV in ``wav_dir``)."""
        voice = self._settings.voice_vi if language == "vi" else self._settings.voice_en
        cmd = [self._exe, "-v", voice, "-s", str(self._settings.rate_wpm)]
        if self._settings.wav_dir is not None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
            cmd += ["-w", str(Path(self._settings.wav_dir) / f"greeting-{stamp}.wav")]
        return [*cmd, "--", line]

    def say(self, line: str, language: str) -> None:
        """Start speaking ``line`` and return at once; a line still playing is cut short
        (a WAV still being written is left to finish)."""
        self._reap(stop=self._settings.wav_dir is None)
        if self._settings.wav_dir is not None:
            Path(self._settings.wav_dir).mkdir(parents=True, exist_ok=True)
        cmd = self.command(line, language)
        try:
            child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        except OSError as exc:  # the greeting on screen matters more than the voice
            log.warning("spoken greeting failed: %s", exc)
            return
        self._running.append(child)
        self.spoken = [*self.spoken[-19:], cmd]

    def wait(self, timeout_s: float = 10.0) -> list[int]:
        """Wait for every line started to finish (tests, recordings); their exit codes."""
        codes = [child.wait(timeout_s) for child in self._running]
        self._running.clear()
        return codes

    def close(self) -> None:
        """Stop speaking and reap every child process."""
        self._reap(stop=True)

    def _reap(self, *, stop: bool) -> None:
        still = []
        for child in self._running:
            if child.poll() is not None:
                continue
            if not stop:
                still.append(child)
                continue
            child.terminate()
            try:
                child.wait(1.0)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self._running = still


def build_speaker(settings: GreetingSettings) -> GreetingSpeaker | None:
    """The speaker the settings ask for: None when speech is off (or auto without espeak-ng)."""
    if not speech_enabled(settings):
        return None
    try:
        return GreetingSpeaker(settings)
    except FileNotFoundError as exc:
        log.warning("spoken greeting off: %s", exc)
        return None

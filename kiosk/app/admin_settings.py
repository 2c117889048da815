"""The admin settings screen, worker side: validate, save, audit and apply kiosk settings.

Runs on the inference worker thread (it reads the store and may stat camera devices). The
values are the kiosk's own settings (kiosk.settings.LOCAL_KEYS) saved in its store, laid over
the settings file at the next start, and applied at once where the running kiosk allows:
- thresholds: the recognizer is rebuilt with them, so the next decision uses them;
- the camera source: the camera thread closes the old source and opens the new one;
- the language and the kiosk name: the desk's greetings and audit use them at once, the
  screen switches its texts when it receives SettingsSaved.
Also admin face entry: a recognized person on the admin list opens admin mode.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any
from uuid import UUID

from kiosk.app.ports import AttendanceDesk, DecisionKind, FaceDecision, Recognizer
from kiosk.app.requests import SaveSettings
from kiosk.app.state import (
    AdminFaceEntry,
    LocalSettingsView,
    SettingsProblem,
    SettingsSaved,
)
from kiosk.errors import CameraError, SettingsError
from kiosk.settings import KioskSettings, with_local_settings

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
MAX_NAME = 64



def settings_view(desk: AttendanceDesk, recognizer: Recognizer | None) -> LocalSettingsView:
    """The screen's current values: the desk's effective settings."""
    settings = desk.settings
    pack_threshold = recognizer.pack_match_threshold if recognizer is not None else None
    return LocalSettingsView(
        kiosk_name=settings.kiosk_name, camera_source=settings.camera.source,
        match_threshold=settings.vision.match_threshold,
        pack_match_threshold=float(pack_threshold) if pack_threshold is not None else None,
        liveness_threshold=settings.vision.liveness_threshold, language=settings.ui.language,
        face_entry=settings.admin.face_entry, admin_people=settings.admin.face_people,
        people=desk.people())


def save_settings(request: SaveSettings, desk: AttendanceDesk, recognizer: Recognizer | None,
                  camera: Any) -> SettingsSaved:
    """Validate ``request``; if it is all valid save the changed values, audit, and apply."""
    values, problems = _parse(request, {p.person_id for p in desk.people()})
    if problems:
        return SettingsSaved(False, settings_view(desk, recognizer), tuple(problems))
    current = desk.settings.model_dump(mode="json")
    changed = {key: value for key, value in values.items() if _dig(current, key) != value}
    if not changed:
        return SettingsSaved(True, settings_view(desk, recognizer))
    try:
        updated = with_local_settings(desk.settings, changed)
    except SettingsError as exc:
        return SettingsSaved(False, settings_view(desk, recognizer),
                             (SettingsProblem("", "invalid", str(exc)),))
    desk.store.settings.set_local(changed)
    desk.store.audit_log.record(request.actor, "settings", desk.settings.kiosk_name,
                     {"changed": {key: [_dig(current, key), value]
                                  for key, value in changed.items()}})
    desk.apply_settings(updated)
    _apply_running(updated, changed, recognizer, camera)
    log.info("admin settings changed: %s", ", ".join(sorted(changed)))
    return SettingsSaved(True, settings_view(desk, recognizer), (), tuple(sorted(changed)))


def admin_face_entry(decision: FaceDecision, desk: AttendanceDesk) -> AdminFaceEntry | None:
    """AdminFaceEntry when the site allows it and ``decision`` recognized a listed admin.

    Only a MATCH counts: the recognizer's liveness check already turned photos and screens
    into SPOOF decisions. The entry is audited under the person's id.
    """
    admin = desk.settings.admin
    if (not admin.face_entry or decision.kind is not DecisionKind.MATCH
            or decision.person_id is None or decision.person_id not in admin.face_people):
        return None
    person = desk.store.biometrics.person(decision.person_id)
    if person is None or not person.active:
        return None
    desk.store.audit_log.record(str(person.id), "admin_face_entry", desk.settings.kiosk_name,
                     {"score": round(decision.score, 4)})
    return AdminFaceEntry(person.id, person.display_name)


def camera_source_problem(spec: str) -> SettingsProblem | None:
    """Why ``spec`` cannot be a camera source, or None (see kiosk.camera.open_source).

    Devices, folders and files must exist; a GStreamer pipeline or the Pi camera can only be
    checked by opening them: the status bar shows the camera state after the switch.
    """
    text = spec.strip()
    if not text:
        return SettingsProblem("camera_source", "camera_empty")
    if text.startswith("gst:") or " ! " in text or text.lower() == "picamera2":
        return None
    path = Path(f"/dev/video{text}") if text.isdigit() else Path(text).expanduser()
    if not path.exists():
        return SettingsProblem("camera_source", "camera_missing", text)
    return None


def _parse(request: SaveSettings,
           known_people: set[UUID]) -> tuple[dict[str, Any], list[SettingsProblem]]:
    problems: list[SettingsProblem] = []
    name = request.kiosk_name.strip()
    if not name or len(name) > MAX_NAME:
        problems.append(SettingsProblem("kiosk_name", "name", str(MAX_NAME)))
    camera = camera_source_problem(request.camera_source)
    if camera is not None:
        problems.append(camera)
    match = _threshold(request.match_threshold, "match_threshold", problems, optional=True,
                       low=0.0, high=1.0, open_low=True, open_high=True)
    liveness = _threshold(request.liveness_threshold, "liveness_threshold", problems,
                          optional=False, low=0.0, high=1.0)
    if request.language not in LANGUAGES:
        problems.append(SettingsProblem("language", "language", request.language))
    unknown = [str(p) for p in request.admin_people if p not in known_people]
    if unknown:
        problems.append(SettingsProblem("admin_people", "unknown_people", ", ".join(unknown)))
    values = {"kiosk_name": name, "camera.source": request.camera_source.strip(),
              "vision.match_threshold": match, "vision.liveness_threshold": liveness,
              "ui.language": request.language,
              "admin.face_people": sorted(str(p) for p in set(request.admin_people))}
    return values, problems


def _threshold(text: str, field: str, problems: list[SettingsProblem], *, optional: bool,
               low: float, high: float, open_low: bool = False,
               open_high: bool = False) -> float | None:
    """The typed threshold (a decimal comma is accepted), or None and a problem."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned and optional:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    below = value <= low if open_low else value < low
    above = value >= high if open_high else value > high
    if math.isnan(value) or below or above:
        problems.append(SettingsProblem(field, field, text.strip()))
        return None
    return value


def _dig(data: dict[str, Any], dotted: str) -> Any:
    """The JSON value at ``dotted``; lists sorted (as saved), so order alone is no change."""
    node: Any = data
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return sorted(node) if isinstance(node, list) else node


def _apply_running(updated: KioskSettings, changed: dict[str, Any],
                   recognizer: Recognizer | None,
                   camera: Any) -> None:
    """Apply what the running kiosk can take without a restart (worker thread)."""
    if any(key.startswith("vision.") for key in changed) and recognizer is not None:
        recognizer.use_vision(updated.vision)
    if "camera.source" in changed and camera is not None:
        from kiosk.camera import open_source

        cam = updated.camera
        try:
            camera.switch_source(open_source(cam.source, width=cam.width, height=cam.height,
                                             fps=cam.fps))
        except CameraError as exc:  # checked above; a device may vanish meanwhile
            log.warning("camera source %s not switched: %s", cam.source, exc)

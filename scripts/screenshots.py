"""Screenshots of the kiosk screen, taken offscreen with QWidget.grab().

Writes PNGs of the check-in card, the reminders panel, the "not recognized" card beside the
preview, admin enrollment, the admin settings and the full-screen states into
docs/screenshots/ (or --out), then the main kiosk screens (greeting, refusal, PIN keypad,
guided enrolment) at each ``--sizes`` panel size, laid out at that size
(``kiosk-<screen>-<W>x<H>.png``). The preview shows a SYNTHETIC face drawn with shapes: real
people's photos must never end up in the repository.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--language vi|en]
                                            [--sizes 800x480,1280x800,480x800]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def synthetic_frame(width: int = 1280, height: int = 720) -> np.ndarray:
    """A drawn stand-in for a camera frame: a wall, a door and a cartoon face (no person)."""
    frame = np.full((height, width, 3), (58, 52, 46), np.uint8)
    cv2.rectangle(frame, (80, 60), (420, 700), (90, 110, 140), -1)  # a door
    centre = (width // 2, height // 2)
    cv2.ellipse(frame, (centre[0], centre[1] + 260), (260, 170), 0, 180, 360, (120, 80, 60), -1)
    cv2.ellipse(frame, centre, (130, 170), 0, 0, 360, (150, 185, 225), -1)  # the face
    for dx in (-50, 50):
        cv2.circle(frame, (centre[0] + dx, centre[1] - 30), 14, (60, 40, 30), -1)
    cv2.ellipse(frame, (centre[0], centre[1] + 70), (50, 20), 0, 0, 180, (70, 60, 160), 6)
    cv2.line(frame, (centre[0], centre[1] - 10), (centre[0] - 10, centre[1] + 35), (110, 140, 190),
             5)
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--language", choices=("vi", "en"), default="vi")
    parser.add_argument("--sizes", type=_sizes, default=[(800, 480), (1280, 800), (480, 800)],
                        help="panel sizes for the kiosk screens, WxH pixels, comma-separated")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    from kiosk.app.admin_pin import hash_pin
    from kiosk.app.doctor import CheckResult
    from kiosk.app.state import (
        CameraPhase,
        CameraState,
        DoctorReport,
        EnrollmentFinished,
        EnrollmentProgress,
        FaceOutline,
        Greeting,
        Guidance,
        GuidanceKey,
        LocalSettingsView,
        NotRecognized,
        PeopleDirectory,
        PersonChoice,
        PunchDirection,
        ReminderItem,
        StatusBar,
    )
    from kiosk.ui.app import vietnamese_font_families
    from kiosk.ui.window import KioskWindow

    app = QApplication.instance() or QApplication([])
    fonts = vietnamese_font_families()
    if fonts:
        QApplication.setFont(QFont("DejaVu Sans" if "DejaVu Sans" in fonts else fonts[0], 14))
    zone = ZoneInfo("Asia/Ho_Chi_Minh")
    window = KioskWindow(language=args.language, zone=zone, card_seconds=600,
                         admin_timeout_s=600, admin_pin_hash=hash_pin("2468"))
    window.resize(1280, 800)
    window.show()
    frame = synthetic_frame()
    window.preview.show_frame(frame)
    window.show_state(StatusBar(online=True, backlog=3, camera=CameraPhase.LIVE,
                            pack="yunet-intel0095", kiosk_name="Cổng chính"))
    window.show_state(Guidance(GuidanceKey.CHECKING, (FaceOutline((510, 190, 260, 340), True),),
                           (1280, 720), primary_track=1))
    now = datetime(2026, 11, 23, 1, 12, tzinfo=UTC)
    # the drawn face twice: as enrolled (tight) and as the kiosk saw it now (with context)
    enrolled = cv2.imencode(".jpg", cv2.resize(frame[190:530, 470:810], (112, 112)))[1]
    live = cv2.imencode(".jpg", frame[110:610, 420:860])[1]
    window.show_state(Greeting(
        person_id=uuid4(), person_name="Nguyễn Thị Hồng", department="Vụ Tổ chức cán bộ",
        at=now, direction=PunchDirection.CHECK_IN, verdict_text="Đi muộn 12 phút"
        if args.language == "vi" else "Late by 12 minutes",
        reminders=(ReminderItem("1", "Nộp báo cáo quý III", overdue=True, urgent=True),
                   ReminderItem("2", "Họp giao ban lãnh đạo Vụ", due_at=now + timedelta(hours=2)),
                   ReminderItem("3", "Góp ý dự thảo quy chế", due_at=now + timedelta(days=2))),
        enrolled_chip=enrolled.tobytes(), live_face=live.tobytes(), track_id=1))
    args.out.mkdir(parents=True, exist_ok=True)
    written = []

    def save(widget: object, name: str) -> None:
        app.processEvents()  # type: ignore[union-attr]
        path = args.out / name
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        written.append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))

    save(window, "checkin_card.png")
    save(window.card.reminders, "reminders_panel.png")
    window.show_state(NotRecognized(at=now, track_id=1))
    save(window, "not_recognized.png")
    window._clear_card()
    window.enter_admin()
    window.admin.pin_page.field.setText("2468")
    window.admin.pin_page.submit()
    window.show_state(PeopleDirectory((PersonChoice(uuid4(), "Trần Văn Bình", "Văn phòng Bộ"),)))
    window.admin.person_picker.setCurrentIndex(0)  # the dropdown starts with nobody chosen
    window.admin.consent.setChecked(True)
    save(window, "admin_enrollment_form.png")
    window.admin.start_enrollment()  # the capture view: live camera, oval, pose asked
    window.admin.show_camera_frame(frame)
    height, width = frame.shape[:2]
    window.show_state(EnrollmentProgress("Trần Văn Bình", 1, 4, GuidanceKey.HOLD_STILL,
                                         pose="left", in_oval=True,
                                         face_box=(width * 0.4, height * 0.3, width * 0.2,
                                                   height * 0.3), frame_size=(width, height)))
    save(window, "admin_enrollment.png")
    window.admin.cancel_capture()
    window.show_state(EnrollmentFinished(None, "", 0, 0, ok=False, error="cancelled"))
    window.admin.open_settings()
    admins = (PersonChoice(uuid4(), "Trần Văn Bình", "Văn phòng Bộ"),
              PersonChoice(uuid4(), "Lê Thị Mai", "Vụ Tổ chức cán bộ"))
    window.show_state(LocalSettingsView(
        kiosk_name="Cổng chính", camera_source="/dev/video0", match_threshold=None,
        pack_match_threshold=0.62, liveness_threshold=0.7, language=args.language,
        face_entry=True, admin_people=(admins[1].person_id,), people=admins))
    checks = (CheckResult("models", True, "sha256 ok; installed packs: yunet-intel0095"),
              CheckResult("disk space", True, "21.4 GiB free at /var/lib/face-attendance"),
              CheckResult("server", True, "https://cham-cong.example.vn answers"))
    window.show_state(DoctorReport(tuple(c.line() for c in checks), True))
    save(window, "admin_settings.png")
    window.leave_admin()
    window.show_state(CameraState(CameraPhase.OFFLINE))
    save(window, "camera_offline.png")
    window.shutdown()
    window.close()
    for size in args.sizes:
        print(f"kiosk screens at {size[0]}x{size[1]}", file=sys.stderr)
        written += kiosk_screens(args.language, size, args.out, frame)
    print(json.dumps({"written": written}))
    return 0


def _sizes(value: str) -> list[tuple[int, int]]:
    """"800x480,1280x800" -> [(800, 480), (1280, 800)] (pixels)."""
    try:
        return [(int(w), int(h)) for w, h in (part.lower().split("x") for part in
                                              value.split(","))]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not WxH[,WxH...]: {value!r}") from exc


def kiosk_screens(language: str, size: tuple[int, int], out: Path,
                  frame: np.ndarray) -> list[str]:
    """Greeting, refusal, PIN keypad and guided enrolment on a window fixed to ``size``
    (width, height pixels, as full screen fixes it); the paths written."""
    from PySide6.QtWidgets import QApplication

    from kiosk.app.admin_pin import hash_pin
    from kiosk.app.state import CameraPhase, NotRecognized, StatusBar
    from kiosk.ui.window import KioskWindow

    window = KioskWindow(language=language, zone=ZoneInfo("Asia/Ho_Chi_Minh"),  # type: ignore[arg-type]
                         card_seconds=600, admin_timeout_s=600, admin_pin_hash=hash_pin("2468"))
    window.setFixedSize(*size)
    window.show()
    window.preview.show_frame(frame)
    window.show_state(StatusBar(online=True, backlog=0, camera=CameraPhase.LIVE,
                                pack="yunet-intel0095", kiosk_name="Cổng chính"))
    written: list[str] = []

    def save(name: str) -> None:
        QApplication.processEvents()
        path = out / f"kiosk-{name}-{size[0]}x{size[1]}.png"
        window.grab().save(str(path))
        written.append(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path))

    window.show_state(_greeting(language, frame))
    save("greeting")
    window.show_state(NotRecognized(at=datetime.now(UTC), track_id=2))
    save("refusal")
    window._clear_card()  # noqa: SLF001 - the card's own timer would clear it
    window.open_keypad()
    save("pin")
    window.close_keypad()
    _start_capture(window, frame)
    save("enrolment")
    window.admin.cancel_capture()
    window.shutdown()
    window.close()
    return written


def _greeting(language: str, frame: np.ndarray) -> object:
    """A late check-in with one reminder, the drawn face as enrolled chip and live face."""
    from kiosk.app.state import Greeting, PunchDirection, ReminderItem

    now = datetime(2026, 11, 23, 1, 12, tzinfo=UTC)
    enrolled = cv2.imencode(".jpg", cv2.resize(frame[190:530, 470:810], (112, 112)))[1]
    live = cv2.imencode(".jpg", frame[110:610, 420:860])[1]
    return Greeting(person_id=uuid4(), person_name="Nguyễn Thị Hồng",
                    department="Vụ Tổ chức cán bộ", at=now,
                    direction=PunchDirection.CHECK_IN,
                    verdict_text="Đi muộn 12 phút" if language == "vi" else "Late by 12 minutes",
                    reminders=(ReminderItem("1", "Nộp báo cáo quý III", overdue=True,
                                            urgent=True),),
                    enrolled_chip=enrolled.tobytes(), live_face=live.tobytes(), track_id=1)


def _start_capture(window: object, frame: np.ndarray) -> None:
    """Admin mode, a new person with consent, the capture view on the second pose."""
    from kiosk.app.state import EnrollmentProgress, GuidanceKey, PeopleDirectory

    window.enter_admin()  # type: ignore[attr-defined]
    admin = window.admin  # type: ignore[attr-defined]
    admin.pin_page.field.setText("2468")
    admin.pin_page.submit()
    window.show_state(PeopleDirectory(()))  # type: ignore[attr-defined]
    admin.new_name.setText("Trần Văn Bình")
    admin.consent.setChecked(True)
    admin.start_enrollment()
    admin.show_camera_frame(frame)
    height, width = frame.shape[:2]
    window.show_state(EnrollmentProgress(  # type: ignore[attr-defined]
        "Trần Văn Bình", 1, 4, GuidanceKey.HOLD_STILL, pose="left", in_oval=True,
        face_box=(width * 0.4, height * 0.3, width * 0.2, height * 0.3),
        frame_size=(width, height)))


if __name__ == "__main__":
    sys.exit(main())

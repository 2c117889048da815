"""Benchmark the kiosk screen end to end: preview frame rate and face-to-greeting latency.

Runs the real app offscreen (camera thread, inference worker, Qt window) on a video file or an
image folder replayed in real time at the source's frame rate, exactly like a live camera:
frames inference cannot keep up with are dropped. Measures
  - frames shown per second by the preview (target: the camera's frame rate),
  - the time from a face entering the frame (capture time of the first frame with a face
    after frames without one) to the greeting card being rendered.
With --enroll DIR (one sub-folder of photos per person) those people are enrolled first
into a throw-away store, so the camera's faces can be recognized.

    .venv/bin/python scripts/bench_kiosk.py --camera VIDEO_OR_FOLDER [--enroll DIR]
        [--models-dir DIR] [--pack auto] [--fps 15] [--hold-seconds 2] [--max-seconds 120]

The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class LatencyObserver:
    """Pairs 'a face entered the frame' with the next greeting (GUI thread)."""

    def __init__(self) -> None:
        self.entered_at: float | None = None
        self.last_empty_at: float | None = None
        self.empty_before_entry: float | None = None
        self.face_present = False
        self.latencies_ms: list[float] = []
        self.upper_latencies_ms: list[float] = []
        self.greetings = 0
        self.not_recognized = 0
        self.liveness_failed = 0
        self.decision_latencies_ms: list[float] = []  # to any decision, greeting or refusal

    def __call__(self, state: object) -> None:
        from kiosk.app.state import Greeting, Guidance, LivenessFailed, NotRecognized

        if isinstance(state, Guidance):
            has_face = bool(state.faces)
            if has_face and not self.face_present:
                self.entered_at = state.captured_monotonic_s
                self.empty_before_entry = self.last_empty_at
            if not has_face:
                self.last_empty_at = state.captured_monotonic_s
            self.face_present = has_face
        elif isinstance(state, (Greeting, NotRecognized, LivenessFailed)):
            self._decided(state)

    def _decided(self, state: object) -> None:
        from kiosk.app.state import Greeting, NotRecognized

        now = time.monotonic()
        if self.entered_at is not None:
            self.decision_latencies_ms.append((now - self.entered_at) * 1000.0)
        if isinstance(state, NotRecognized):
            self.not_recognized += 1
        elif not isinstance(state, Greeting):
            self.liveness_failed += 1
        else:
            self.greetings += 1
            if self.entered_at is not None:
                self.latencies_ms.append((now - self.entered_at) * 1000.0)
                self.entered_at = None
            if self.empty_before_entry is not None:
                self.upper_latencies_ms.append((now - self.empty_before_entry) * 1000.0)
                self.empty_before_entry = None
        self.entered_at = None
        self.empty_before_entry = None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _enroll(settings: object, folder: Path) -> int:
    from kiosk.app.runtime import enroll_from_folder

    enrolled = 0
    for person_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        result = enroll_from_folder(settings, person_id=None,  # type: ignore[arg-type]
                                    name=person_dir.name.replace("_", " "), department="Bench",
                                    folder=person_dir, consent_version="bench",
                                    collected_by="bench_kiosk")
        enrolled += int(result.ok)
        print(f"enrolled {result.person_name}: {result.templates_saved} templates "
              f"({result.rejected} rejected){' ' + result.error if result.error else ''}")
    return enrolled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--camera", required=True, help="a video file or an image folder")
    parser.add_argument("--enroll", type=Path, help="folder of <person>/<photos> to enroll")
    parser.add_argument("--models-dir", type=Path, help="installed models (default: settings)")
    parser.add_argument("--pack", default="auto")
    parser.add_argument("--fps", type=float, default=15.0, help="image-folder frame rate")
    parser.add_argument("--hold-seconds", type=float, default=2.0,
                        help="how long each folder image stays in front of the camera")
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--match-threshold", type=float,
                        help="override the pack's match threshold (cosine)")
    parser.add_argument("--liveness-threshold", type=float, default=0.7,
                        help="mean P(real) needed; 0 lets photos through (a video of photos)")
    args = parser.parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from kiosk.app.runtime import KioskRuntime
    from kiosk.settings import KioskSettings
    from kiosk.ui.app import RunLimits, RunReport, run_kiosk_app

    data = Path(tempfile.mkdtemp(prefix="bench_kiosk_"))
    values: dict[str, object] = {
        "camera": {"source": args.camera, "fps": args.fps},
        "vision": {"pack": args.pack, "threads": args.threads,
                   "match_threshold": args.match_threshold,
                   "liveness_threshold": args.liveness_threshold},
        "store": {"path": str(data / "kiosk.sqlite3")},
        "sync": {"credential_file": str(data / "credential.json")},
        "ui": {"fullscreen": False, "card_seconds": 1.0},
        "attendance": {"cooldown_s": 0},
    }
    if args.models_dir:
        values["models"] = {"dir": str(args.models_dir)}
    settings = KioskSettings.model_validate(values)
    if args.enroll:
        _enroll(settings, args.enroll)
    hold = max(1, round(args.hold_seconds * args.fps))
    runtime = KioskRuntime(settings, folder_hold_frames=hold,
                           folder_blank_frames=max(1, hold // 2))
    observer = LatencyObserver()
    report = RunReport()
    code = run_kiosk_app(runtime, RunLimits(max_seconds=args.max_seconds,
                                            exit_when_camera_ends=True),
                         offscreen=True, report=report, observer=observer)
    seconds = max(report.seconds, 1e-6)
    result = {
        "camera": args.camera,
        "source_fps": round(runtime.camera.source.fps, 2),
        "seconds": round(seconds, 2),
        "frames_read": runtime.camera.frames_read,
        "frames_shown": report.frames_shown,
        "frames_shown_per_s": round(report.frames_shown / seconds, 2),
        "frames_analysed": report.frames_analysed,
        "frames_analysed_per_s": round(report.frames_analysed / seconds, 2),
        "frames_dropped": report.frames_dropped,
        "greetings": observer.greetings,
        "not_recognized": observer.not_recognized,
        "liveness_failed": observer.liveness_failed,
        "face_to_decision_ms_p50": _percentile(observer.decision_latencies_ms, 0.5),
        "face_to_greeting_ms_p50": _percentile(observer.latencies_ms, 0.5),
        "face_to_greeting_ms_p90": _percentile(observer.latencies_ms, 0.9),
        "face_to_greeting_ms_mean": round(statistics.fmean(observer.latencies_ms), 1)
        if observer.latencies_ms else None,
        # The face appeared between the last analysed empty frame and the first analysed frame
        # with it (frames in between may have been dropped): this bound counts from the former.
        "face_to_greeting_ms_upper_p50": _percentile(observer.upper_latencies_ms, 0.5),
        "exit_code": code,
    }
    print(json.dumps(result))
    return code


if __name__ == "__main__":
    sys.exit(main())

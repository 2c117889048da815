"""Benchmark the kiosk screen end to end: preview frame rate and face-to-greeting latency.

Runs the real app offscreen (camera thread, inference worker, Qt window) on a video file or an
image folder replayed in real time at the source's frame rate, exactly like a live camera:
frames inference cannot keep up with are dropped. Measures
  - frames shown per second by the preview (target: the camera's frame rate),
  - the time from a face entering the frame (capture time of the first frame with a face
    after frames without one) to the greeting card being rendered.
With --enroll DIR (one sub-folder of photos per person) those people are enrolled first
into a throw-away store, so the camera's faces can be recognized.

Walk-up mode (--walkup DIR, one sub-folder of photos per person): the first
--enroll-per-person (3) photos of each person are enrolled, and every other photo walks up to
the camera: its face grows from --start-face-px (60) to --full-face-px (200) wide over
--approach-seconds (1.5) on a drawn background, stays --walkup-hold-seconds, then leaves
(scripts/walkup_frames.py writes the frames to a temporary folder). Latency is then counted
from the first analysed frame where the face passes the kiosk's quality gate (big and sharp
enough to decide) to the greeting: ``walkup_to_greeting_ms_p50/p95``. Liveness is on at the
kiosk's default threshold unless --liveness-threshold says otherwise. --load N starts N busy
processes (one core each) beside the kiosk for the run. Afterwards, unless --no-dlib, the
walk-up photos go once through the pack and once through native dlib, one thread each
(scripts/bench_pipeline.py), for the per-face time ratio. The 1-minute load average before
and after the run is printed with the figures: this machine is shared.

    .venv/bin/python scripts/bench_kiosk.py --camera VIDEO_OR_FOLDER [--enroll DIR]
        [--models-dir DIR] [--pack auto] [--fps 15] [--hold-seconds 2] [--max-seconds 120]
    .venv/bin/python scripts/bench_kiosk.py --walkup DIR [--enroll-per-person 3] [--load N]
        [--models-dir DIR] [--no-dlib]

Progress goes to stderr; the last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp"}


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
        self.decidable_at: float | None = None  # first analysed frame past the quality gate
        self.walkup_latencies_ms: list[float] = []  # from decidable_at to the greeting
        self.frames_since_decidable = 0  # analysed frames from decidable_at on (load-free)
        self.walkup_frames: list[float] = []  # ... counted up to each greeting

    def __call__(self, state: object) -> None:
        from kiosk.app.state import Greeting, Guidance, LivenessFailed, NotRecognized

        if isinstance(state, Guidance):
            has_face = bool(state.faces)
            if has_face and not self.face_present:
                self.entered_at = state.captured_monotonic_s
                self.empty_before_entry = self.last_empty_at
                self.decidable_at = None
            if self.decidable_at is None and any(face.good for face in state.faces):
                self.decidable_at = state.captured_monotonic_s
                self.frames_since_decidable = 0
            if self.decidable_at is not None:
                self.frames_since_decidable += 1
            if not has_face:
                self.last_empty_at = state.captured_monotonic_s
                self.decidable_at = None
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
            if self.decidable_at is not None:
                self.walkup_latencies_ms.append((now - self.decidable_at) * 1000.0)
                self.walkup_frames.append(float(self.frames_since_decidable))
            if self.entered_at is not None:
                self.latencies_ms.append((now - self.entered_at) * 1000.0)
                self.entered_at = None
            if self.empty_before_entry is not None:
                self.upper_latencies_ms.append((now - self.empty_before_entry) * 1000.0)
                self.empty_before_entry = None
        self.entered_at = None
        self.empty_before_entry = None
        self.decidable_at = None


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def _enroll(settings: object, folder: Path) -> set[str]:
    """Enrol every <person> sub-folder; the names of the folders enrolled."""
    from kiosk.app.runtime import enroll_from_folder

    enrolled = set()
    for person_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        result = enroll_from_folder(settings, person_id=None,  # type: ignore[arg-type]
                                    name=person_dir.name.replace("_", " "), department="Bench",
                                    folder=person_dir, consent_version="bench",
                                    collected_by="bench_kiosk")
        if result.ok:
            enrolled.add(person_dir.name)
        print(f"enrolled {result.person_name}: {result.templates_saved} templates "
              f"({result.rejected} rejected){' ' + result.error if result.error else ''}",
              file=sys.stderr, flush=True)
    return enrolled


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--camera", help="a video file or an image folder")
    source.add_argument("--walkup", type=Path, help="<person>/<photos>: enrol some, walk up "
                        "with the others")
    parser.add_argument("--enroll", type=Path, help="folder of <person>/<photos> to enroll")
    parser.add_argument("--enroll-per-person", type=int, default=3,
                        help="walk-up mode: photos of each person enrolled (3)")
    parser.add_argument("--people", type=int, default=None,
                        help="walk-up mode: the first N people only (all)")
    parser.add_argument("--models-dir", type=Path, help="installed models (default: settings)")
    parser.add_argument("--pack", default="auto")
    parser.add_argument("--fps", type=float, default=15.0, help="image-folder frame rate")
    parser.add_argument("--hold-seconds", type=float, default=2.0,
                        help="how long each folder image stays in front of the camera")
    parser.add_argument("--approach-seconds", type=float, default=1.5)
    parser.add_argument("--walkup-hold-seconds", type=float, default=1.0)
    parser.add_argument("--gap-seconds", type=float, default=1.0)
    parser.add_argument("--start-face-px", type=float, default=60.0)
    parser.add_argument("--full-face-px", type=float, default=200.0)
    parser.add_argument("--load", type=int, default=0, help="busy processes beside the kiosk")
    parser.add_argument("--no-dlib", action="store_true", help="skip the native dlib timing")
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--match-threshold", type=float,
                        help="override the pack's match threshold (cosine)")
    parser.add_argument("--liveness-threshold", type=float, default=None,
                        help="mean P(real) needed (default: the kiosk's); 0 lets photos through")
    parser.add_argument("--early-frames", type=int, default=None,
                        help="vision.early_frames (default: the kiosk's; 0: off)")
    return parser.parse_args(argv)


def _settings(args: argparse.Namespace, camera: str, data: Path) -> Any:
    from kiosk.settings import KioskSettings

    vision: dict[str, object] = {"pack": args.pack, "threads": args.threads,
                                 "match_threshold": args.match_threshold}
    if args.liveness_threshold is not None:
        vision["liveness_threshold"] = args.liveness_threshold
    if args.early_frames is not None:
        vision["early_frames"] = args.early_frames
    values: dict[str, object] = {
        "camera": {"source": camera, "fps": args.fps}, "vision": vision,
        "store": {"path": str(data / "kiosk.sqlite3")},
        "sync": {"credential_file": str(data / "credential.json")},
        "ui": {"fullscreen": False, "card_seconds": 1.0},
        "attendance": {"cooldown_s": 0},
    }
    if args.models_dir:
        values["models"] = {"dir": str(args.models_dir)}
    return KioskSettings.model_validate(values)


def _split_people(folder: Path, enrol: int, data: Path,
                  people: int | None) -> tuple[Path, list[Path]]:
    """(a folder of <person>/<first ``enrol`` photos> as links, every other photo), for the
    first ``people`` people (all: None)."""
    enroll_dir, probes = data / "enroll", []
    for person in sorted(p for p in folder.iterdir() if p.is_dir())[:people]:
        photos = sorted(p for p in person.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if len(photos) <= enrol:
            continue
        (enroll_dir / person.name).mkdir(parents=True)
        for photo in photos[:enrol]:
            (enroll_dir / person.name / photo.name).symlink_to(photo.resolve())
        probes += photos[enrol:]
    return enroll_dir, probes


def _prepare_walkup(args: argparse.Namespace, data: Path) -> tuple[list[Path], int]:
    """Enrol, then write the walk-ups of the enrolled people's other photos to data/frames;
    (probe photos, walk-ups written)."""
    from walkup_frames import WalkUp, write_walkups

    from faceid.packs import load_pack

    enroll_dir, probes = _split_people(args.walkup, args.enroll_per_person, data, args.people)
    settings = _settings(args, str(data / "frames"), data)
    enrolled = _enroll(settings, enroll_dir)
    probes = [p for p in probes if p.parent.name in enrolled]
    pack = load_pack(args.pack, settings.models.dir, threads=1)
    walkup = WalkUp(fps=args.fps, approach_s=args.approach_seconds,
                    hold_s=args.walkup_hold_seconds, gap_s=args.gap_seconds,
                    start_face_px=args.start_face_px, full_face_px=args.full_face_px)
    count = write_walkups(pack.detector, probes, data / "frames", walkup)
    print(f"{count} walk-ups of {len(probes)} photos written", file=sys.stderr, flush=True)
    return probes, count


def _busy() -> None:
    while True:  # one core's worth of load until terminated
        pass


def _per_face_vs_dlib(args: argparse.Namespace, probes: list[Path]) -> dict[str, Any]:
    """Per-face p50 of the pack and of native dlib on the same photos (one thread each)."""
    import bench_pipeline
    import bench_verification as common

    images = [common.read_image(p) for p in probes]
    pack = common.load_kiosk_pack(args.pack, args.models_dir or common.default_models_dir())
    gallery = bench_pipeline.random_gallery(pack.recognizer_id, 5000, pack.embedder.dim)
    kiosk = bench_pipeline.kiosk_stages(pack, images, gallery)["per_face"]["p50_ms"]
    try:
        dlib = bench_pipeline.dlib_stages(images)["per_face"]["p50_ms"]
    except (ImportError, RuntimeError) as exc:  # dlib-bin or its .dat files missing
        print(f"native dlib unavailable: {exc}", file=sys.stderr)
        return {"kiosk_per_face_ms_p50": kiosk}
    return {"kiosk_per_face_ms_p50": kiosk, "dlib_per_face_ms_p50": dlib,
            "per_face_time_ratio_vs_dlib": round(kiosk / dlib, 3)}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from kiosk.app.runtime import KioskRuntime
    from kiosk.ui.app import RunLimits, RunReport, run_kiosk_app

    data = Path(tempfile.mkdtemp(prefix="bench_kiosk_"))
    camera, walkups = args.camera, 0
    probes: list[Path] = []
    if args.walkup:
        probes, walkups = _prepare_walkup(args, data)
        camera = str(data / "frames")
    settings = _settings(args, camera, data)
    if args.enroll:
        _enroll(settings, args.enroll)
    hold = 1 if args.walkup else max(1, round(args.hold_seconds * args.fps))
    runtime = KioskRuntime(settings, folder_hold_frames=hold,
                           folder_blank_frames=0 if args.walkup else max(1, hold // 2))
    busy = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(args.load)]
    for process in busy:
        process.start()
    load_before = os.getloadavg()[0]
    observer = LatencyObserver()
    report = RunReport()
    try:
        code = run_kiosk_app(runtime, RunLimits(max_seconds=args.max_seconds,
                                                exit_when_camera_ends=True),
                             offscreen=True, report=report, observer=observer)
    finally:
        load_after = os.getloadavg()[0]
        for process in busy:
            process.terminate()
            process.join()
    result = _figures(args, runtime, report, observer, code)
    result.update({"walkups": walkups, "busy_processes": args.load,
                   "liveness_threshold": settings.vision.liveness_threshold,
                   "early_frames": settings.vision.early_frames,
                   "load_average_1min_before": round(load_before, 2),
                   "load_average_1min_after": round(load_after, 2)})
    if probes and not args.no_dlib:
        result.update(_per_face_vs_dlib(args, probes))
        result["load_average_1min_after_dlib"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))
    return code


def _figures(args: argparse.Namespace, runtime: Any, report: Any, observer: LatencyObserver,
             code: int) -> dict[str, Any]:
    seconds = max(report.seconds, 1e-6)
    return {
        "camera": "walk-up" if args.walkup else args.camera,
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
        "walkup_to_greeting_ms_p50": _percentile(observer.walkup_latencies_ms, 0.5),
        "walkup_to_greeting_ms_p95": _percentile(observer.walkup_latencies_ms, 0.95),
        # analysed frames from that first frame to the greeting: the same under any load
        "walkup_to_greeting_frames_p50": _percentile(observer.walkup_frames, 0.5),
        "walkup_to_greeting_frames_mean": round(statistics.fmean(observer.walkup_frames), 2)
        if observer.walkup_frames else None,
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


if __name__ == "__main__":
    sys.exit(main())

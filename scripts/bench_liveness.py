"""Benchmark passive liveness: APCER / BPCER (ISO/IEC 30107-3) and the time it adds per face.

    .venv/bin/python scripts/bench_liveness.py --data DIR [--models-dir DIR] [--threshold 0.7]
        [--detector PATH] [--repeat 3] [--verbose] [--extra-attacks DIR]
        [--calibrate --attempt-frames 3 --max-bpcer-image 0.05 --max-bpcer-attempt 0.02]

DIR has ``live/`` (bona fide presentations) and ``attack/`` (presentation attacks: prints,
screen replays, ...) sub-folders of images, one face each (the largest detected face is
used); sub-folders below them are walked too. ``--models-dir`` is either the installed layout
(``minifasnet-v2/2.7_80x80_MiniFASNetV2.onnx``, ``minifasnet-v1se/4_0_0_...onnx``,
``yunet-2023mar/face_detection_yunet_2023mar.onnx``) or a flat folder holding those files.

  APCER = attack presentations accepted as live / attack presentations with a face
  BPCER = bona fide presentations refused as attacks / bona fide presentations with a face
  (images where no face is found are listed and left out of both rates)

``--extra-attacks DIR`` adds a flat folder of attack images (file names without "live"; e.g.
faces-dev/spoof's print and replay) to every split. ``--calibrate`` chooses the threshold by
the rule in scripts/liveness_calibration.py (NUAA-style file names give subject and capture)
on all the data, and checks the rule leave-one-subject-out (held out), per image and per attempt of
``--attempt-frames`` frames (the kiosk's mean-over-frames rule).

The time is that of the liveness stage alone (crop + resize + both models, single-threaded
ONNX Runtime) per face, best of ``--repeat`` runs per image; p50 / p95 in milliseconds.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.liveness_calibration import (  # noqa: E402
    Record,
    choose_threshold,
    leave_one_subject_out,
    rates,
)

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
YUNET_FILE = "face_detection_yunet_2023mar.onnx"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="folder with live/ and attack/ sub-folders of single-face images")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models dir or a flat folder (default: the kiosk "
                             "settings' models dir)")
    parser.add_argument("--detector", type=Path, default=None,
                        help=f"YuNet {YUNET_FILE} (default: looked up in --models-dir)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="P(real) at or above which a face is live (default: the kiosk "
                             "settings' vision.liveness_threshold, 0.7)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per face (best kept)")
    parser.add_argument("--verbose", action="store_true", help="one line per image")
    parser.add_argument("--extra-attacks", type=Path, action="append", default=[],
                        help="flat folder whose images without 'live' in the name are attacks")
    parser.add_argument("--calibrate", action="store_true",
                        help="choose the threshold; check the rule leave-one-subject-out")
    parser.add_argument("--attempt-frames", type=int, default=3,
                        help="frames averaged per attempt (the kiosk's min_frames)")
    parser.add_argument("--max-bpcer-image", type=float, default=0.05,
                        help="target: real images refused, fraction")
    parser.add_argument("--max-bpcer-attempt", type=float, default=0.02,
                        help="target: real attempts refused, fraction")
    return parser.parse_args(argv)


def find_model(models_dir: Path, installed: Path) -> Path:
    """``models_dir/installed`` or, for a flat folder, ``models_dir/<file name>``."""
    for candidate in (models_dir / installed, models_dir / installed.name):
        if candidate.is_file():
            return candidate
    raise SystemExit(f"error: {installed.name} not found in {models_dir}")


def list_images(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise SystemExit(f"error: {folder} is not a folder (need live/ and attack/)")
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def measure(path: Path, detector: object, liveness: object, repeat: int
            ) -> tuple[float, list[float], float] | None:
    """(P(real), per-model P(real), best time in ms) for the largest face, None without one."""
    import cv2

    image = cv2.imread(str(path))
    if image is None:
        raise SystemExit(f"error: cannot read image {path}")
    faces = detector.detect(image)  # type: ignore[attr-defined]
    if not faces:
        return None
    face = max(faces, key=lambda d: d.box[2] * d.box[3])
    best_ms = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        score = liveness.real_probability(image, face)  # type: ignore[attr-defined]
        best_ms = min(best_ms, (time.perf_counter() - start) * 1000.0)
    per_model = liveness.model_probabilities(image, face)  # type: ignore[attr-defined]
    return score, per_model, best_ms


def run(args: argparse.Namespace) -> dict[str, object]:
    from faceid.detectors.yunet import YuNetDetector
    from faceid.liveness import V1SE_FILE, V2_FILE, MiniFasNetLiveness, MiniFasNetModel
    from kiosk.settings import load_kiosk_settings

    settings = load_kiosk_settings()  # $KIOSK_CONFIG and KIOSK_* variables, else defaults
    models_dir = args.models_dir or settings.models.dir
    threshold = settings.vision.liveness_threshold if args.threshold is None else args.threshold
    detector_path = args.detector or find_model(models_dir, Path("yunet-2023mar") / YUNET_FILE)
    detector = YuNetDetector(detector_path, threads=1)
    liveness = MiniFasNetLiveness([MiniFasNetModel(find_model(models_dir, f), threads=1)
                                   for f in (V2_FILE, V1SE_FILE)])
    records, no_face, times_ms = score_images(args, detector, liveness, threshold)
    scores = {kind: [r.score for r in records if r.kind == kind] for kind in ("live", "attack")}
    summary = summarise(scores, no_face, times_ms, threshold)
    summary["at_threshold"] = rates(records, threshold, args.attempt_frames)
    if args.calibrate:
        summary.update(calibrate(records, args))
    return summary


def score_images(args: argparse.Namespace, detector: object, liveness: object,
                 threshold: float) -> tuple[list[Record], list[str], list[float]]:
    """(records, images without a face, liveness ms per face) over every labelled image."""
    records: list[Record] = []
    no_face: list[str] = []
    times_ms: list[float] = []
    for kind, path, every_split in labelled_images(args):
        print(f"{kind} {path.name}", file=sys.stderr)
        result = measure(path, detector, liveness, args.repeat)
        if result is None:
            no_face.append(_shown(path, args.data))
            continue
        score, per_model, elapsed_ms = result
        records.append(Record(kind, path.name, score, every_split))
        times_ms.append(elapsed_ms)
        if args.verbose:
            models = " ".join(f"{p:.3f}" for p in per_model)
            verdict = "live" if score >= threshold else "REFUSED"
            print(f"{kind:6s} {score:.3f} [{models}] {verdict:7s} {_shown(path, args.data)}")
    return records, no_face, times_ms


def _shown(path: Path, data: Path) -> str:
    """An image as the output names it: relative to --data, else its file name."""
    return str(path.relative_to(data)) if path.is_relative_to(data) else path.name


def labelled_images(args: argparse.Namespace) -> list[tuple[str, Path, bool]]:
    """(kind, path, in every split) for --data's live/ and attack/, then --extra-attacks."""
    images = [(kind, path, False) for kind in ("live", "attack")
              for path in list_images(args.data / kind)]
    for folder in args.extra_attacks:
        images += [("attack", p, True) for p in list_images(folder)
                   if "live" not in p.name.lower()]
    return images


def calibrate(records: list[Record], args: argparse.Namespace) -> dict[str, object]:
    """The threshold chosen on all the data, its figures, and the held-out check."""
    targets = (args.attempt_frames, args.max_bpcer_image, args.max_bpcer_attempt)
    chosen = choose_threshold(records, *targets)
    return {"chosen_threshold": chosen,
            "at_chosen": rates(records, chosen, args.attempt_frames),
            "held_out": leave_one_subject_out(records, *targets)}


def summarise(scores: dict[str, list[float]], no_face: list[str], times_ms: list[float],
              threshold: float) -> dict[str, object]:
    live, attack = np.array(scores["live"]), np.array(scores["attack"])
    refused_live = int((live < threshold).sum())
    accepted_attacks = int((attack >= threshold).sum())
    return {
        "threshold": threshold,
        "bona_fide": int(live.size), "attacks": int(attack.size),
        "bpcer": refused_live / live.size if live.size else None,
        "apcer": accepted_attacks / attack.size if attack.size else None,
        "refused_bona_fide": refused_live, "accepted_attacks": accepted_attacks,
        "live_score_min": float(live.min()) if live.size else None,
        "attack_score_max": float(attack.max()) if attack.size else None,
        "ms_per_face_p50": float(np.percentile(times_ms, 50)) if times_ms else None,
        "ms_per_face_p95": float(np.percentile(times_ms, 95)) if times_ms else None,
        "no_face": no_face,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    summary = run(args)
    print(f"BPCER {summary['bpcer']}  APCER {summary['apcer']}  at P(real) >= "
          f"{summary['threshold']}; liveness p50 {summary['ms_per_face_p50']} ms/face")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

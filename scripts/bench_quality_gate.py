"""How many real photos pass the enrolment quality gate, as taken and as a 1 m webcam sees them.

    .venv/bin/python scripts/bench_quality_gate.py [--data DIR ...] [--models-dir DIR]
        [--old-min-face-px 80] [--new-min-face-px 56] [--webcam-face-px 60 70 80]

Each ``--data`` folder (default: ../shared/datasets/nuaa-dev/live and asian-dev) is walked for
images; the largest face of each is gated (faceid.quality.assess_face) four ways:

- ``as_taken``: the photo itself;
- ``webcam_<N>px``: the photo scaled so that the face box's shorter side is N pixels, its
  edge pixels repeated out to a 640x480 frame: what a 640x480 webcam sees of a face at about
  1 m (N = 60-80);
- ``blurred``: the 60 px webcam frame after a Gaussian blur of sigma 1.5 px (a moving or
  out-of-focus face): must be refused;
- ``tiny``: the face at 40 px on the 640x480 frame: must be refused.

Each way is counted under the old minimum face size and the new one (the shorter side of the
detector's box, pixels; same check as the kiosk's ``vision.min_face_px``). Progress goes to
stderr; the last line printed is one JSON object (counts and percentages of photos).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
DATASETS = ROOT.parent / "shared" / "datasets"
DEFAULT_DATA = (DATASETS / "nuaa-dev" / "live", DATASETS / "asian-dev")
FRAME_W, FRAME_H = 640, 480
BLUR_SIGMA_PX = 1.5
TINY_FACE_PX = 40


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", default=None,
                        help="folder of real photos (repeatable; default nuaa-dev/live and "
                             "asian-dev)")
    parser.add_argument("--models-dir", type=Path, default=None,
                        help="installed models dir (default: the kiosk settings' one)")
    parser.add_argument("--old-min-face-px", type=int, default=80,
                        help="the former minimum face size (box shorter side, pixels)")
    parser.add_argument("--new-min-face-px", type=int, default=None,
                        help="the minimum face size now (box shorter side, pixels; "
                             "default faceid.quality.MIN_FACE_PX)")
    parser.add_argument("--webcam-face-px", type=int, nargs="+", default=[60, 70, 80],
                        help="face sizes simulated on a 640x480 frame (pixels)")
    return parser.parse_args(argv)


def on_webcam_frame(image: Any, face_px: float, target_px: int, blur: float = 0.0) -> Any:
    """``image`` scaled so its face is ``target_px`` tall/wide, centred on a 640x480 frame."""
    import cv2

    scale = target_px / max(face_px, 1.0)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if blur > 0:
        small = cv2.GaussianBlur(small, (0, 0), blur)
    small = small[:FRAME_H, :FRAME_W]
    height, width = small.shape[:2]
    top, left = (FRAME_H - height) // 2, (FRAME_W - width) // 2
    # the photo's own edge pixels repeated outwards: no artificial sharp border at the face
    return cv2.copyMakeBorder(small, top, FRAME_H - height - top, left,
                              FRAME_W - width - left, cv2.BORDER_REPLICATE)


def gate(detector: Any, image: Any, min_face_px: int) -> str:
    """"ok" or the gate's reason (or "no_face") for the largest face of ``image``."""
    from faceid.quality import assess_face

    faces = detector.detect(image)
    if not faces:
        return "no_face"
    face = max(faces, key=lambda d: d.box[2] * d.box[3])
    quality = assess_face(image, face, min_face_px)
    return "ok" if quality.reason is None else quality.reason.value


def variants(detector: Any, image: Any, sizes: list[int]) -> dict[str, Any]:
    """The ways one photo is gated (module docstring); empty when it has no face."""
    faces = detector.detect(image)
    if not faces:
        return {}
    face = max(faces, key=lambda d: d.box[2] * d.box[3])
    side = float(min(face.box[2], face.box[3]))
    ways = {"as_taken": image}
    ways.update({f"webcam_{n}px": on_webcam_frame(image, side, n) for n in sizes})
    ways["blurred"] = on_webcam_frame(image, side, min(sizes), BLUR_SIGMA_PX)
    ways["tiny"] = on_webcam_frame(image, side, TINY_FACE_PX)
    return ways


def measure(args: argparse.Namespace, detector: Any) -> dict[str, Any]:
    import cv2

    folders = args.data or list(DEFAULT_DATA)
    paths = sorted(p for folder in folders for p in Path(folder).rglob("*")
                   if p.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise SystemExit(f"error: no images under {', '.join(map(str, folders))}")
    counts: dict[str, dict[str, int]] = {}
    reasons: dict[str, dict[str, int]] = {}
    photos = 0
    for number, path in enumerate(paths, 1):
        image = cv2.imread(str(path))
        ways = variants(detector, image, args.webcam_face_px) if image is not None else {}
        if not ways:
            continue
        photos += 1
        for way, frame in ways.items():
            for label, floor in (("old", args.old_min_face_px), ("new", args.new_min_face_px)):
                verdict = gate(detector, frame, floor)
                key = f"{way}_{label}"
                counts.setdefault(key, {"passed": 0})
                counts[key]["passed"] += verdict == "ok"
                reasons.setdefault(key, {})
                reasons[key][verdict] = reasons[key].get(verdict, 0) + 1
        if number % 50 == 0:
            print(f"{number}/{len(paths)} photos", file=sys.stderr)
    return {"photos": photos, "counts": counts, "reasons": reasons}


def summarise(args: argparse.Namespace, measured: dict[str, Any]) -> dict[str, Any]:
    photos = measured["photos"]
    summary: dict[str, Any] = {"photos": photos, "old_min_face_px": args.old_min_face_px,
                               "new_min_face_px": args.new_min_face_px,
                               "blur_sigma_px": BLUR_SIGMA_PX, "tiny_face_px": TINY_FACE_PX}
    for key, count in sorted(measured["counts"].items()):
        summary[f"{key}_passed_photos"] = count["passed"]
        summary[f"{key}_passed_pct"] = round(100.0 * count["passed"] / max(photos, 1), 1)
    summary["reasons"] = measured["reasons"]
    return summary


def main(argv: list[str] | None = None) -> int:
    from faceid.detectors.yunet import YuNetDetector
    from faceid.quality import MIN_FACE_PX
    from kiosk.settings import load_kiosk_settings

    args = parse_args(argv)
    if args.new_min_face_px is None:
        args.new_min_face_px = MIN_FACE_PX
    models_dir = args.models_dir or load_kiosk_settings().models.dir
    detector = YuNetDetector(models_dir / "yunet-2023mar" / "face_detection_yunet_2023mar.onnx",
                             threads=1)
    summary = summarise(args, measure(args, detector))
    for way in ("as_taken", *(f"webcam_{n}px" for n in args.webcam_face_px), "blurred", "tiny"):
        print(f"{way}: {summary[f'{way}_old_passed_pct']}% pass at "
              f"{args.old_min_face_px} px, {summary[f'{way}_new_passed_pct']}% at "
              f"{args.new_min_face_px} px", file=sys.stderr)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

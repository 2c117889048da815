#!/usr/bin/env python3
"""How long a gallery change blocks the inference thread, with the operating point chosen on
it (as before) and off it (kiosk.app.point_worker).

Method: the kiosk's own recognizer (kiosk.app.recognition.PipelineRecognizer over the
installed pack) on a synthetic gallery of ``--people`` people with ``--templates`` unit
random templates each (the cost of choosing the point is the number of cross-person template
pairs, not what the faces look like). Measured: ``reload_gallery(wait=True)`` (the point
chosen on the calling thread), ``refresh_if_changed()`` after the gallery changed (the
calling thread only rebuilds the gallery; the old point decides meanwhile), and the time
until the new point is ready. Progress goes to stderr; the last stdout line is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _gallery(people: int, templates: int, dim: int, seed: int) -> tuple[list[uuid.UUID], Any]:
    import numpy as np

    rng = np.random.default_rng(seed)
    owners = [uuid.UUID(int=p + 1) for p in range(people) for _ in range(templates)]
    matrix = rng.normal(size=(len(owners), dim)).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return owners, matrix


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--templates", type=int, default=2, help="per person")
    parser.add_argument("--pack", default="auto")
    parser.add_argument("--models-dir", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)

    from faceid.packs import choose_auto_pack, load_pack
    from faceid.registry import load_registry
    from kiosk.app.recognition import PipelineRecognizer
    from kiosk.settings import VisionSettings

    name = args.pack if args.pack != "auto" else choose_auto_pack(load_registry(),
                                                                  args.models_dir)
    pack = load_pack(str(name), args.models_dir, threads=1)
    dim = int(pack.embedder.dim) if hasattr(pack.embedder, "dim") else 256
    owners, matrix = _gallery(args.people, args.templates, dim, args.seed)
    version = [0]
    recognizer = PipelineRecognizer(pack, VisionSettings(), lambda _r: (owners, matrix),
                                    signature=lambda _r: (version[0],))
    print(f"gallery: {args.people} people x {args.templates} templates ({dim}-d), pack "
          f"{pack.name}", file=sys.stderr)
    start = time.perf_counter()
    recognizer.reload_gallery(wait=True)
    blocked_before = time.perf_counter() - start
    print(f"point chosen on the calling thread: {blocked_before:.2f} s", file=sys.stderr)
    version[0] += 1
    start = time.perf_counter()
    recognizer.refresh_if_changed()
    blocked_after = time.perf_counter() - start
    recognizer.wait_for_point(600.0)
    ready = time.perf_counter() - start
    recognizer.close()
    print(f"point chosen off it: calling thread blocked {blocked_after:.3f} s, new point "
          f"ready after {ready:.2f} s", file=sys.stderr)
    print(json.dumps({"pack": pack.name, "people": args.people,
                      "templates_per_person": args.templates,
                      "blocked_on_thread_s": round(blocked_before, 3),
                      "blocked_off_thread_s": round(blocked_after, 3),
                      "new_point_ready_s": round(ready, 3)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

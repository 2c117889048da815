"""Model packs: a detector + an alignment + a recognizer (+ liveness later), ready to run.

``load_pack(name, models_dir)`` builds the pack's components from the installed files
(``<models_dir>/<model_id>/<file>``, written by ``kiosk models install``); "auto" picks the
best legally deployable pack that is installed (registry ``priority``: Intel 0095 >
MobileFaceNet > dlib, YuNet > MTCNN). ``pack_status`` feeds ``kiosk doctor``.

Loading opens ONNX Runtime sessions: call it from a worker thread or at start-up, never from
the GUI thread. The pack's ``align``/``embed_detections`` run on the caller's (worker) thread.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from faceid.errors import ModelError, ModelIntegrityError, ModelMissingError
from faceid.registry import (
    ModelSpec,
    ModelState,
    PackSpec,
    Registry,
    Thresholds,
    load_registry,
    model_state,
)
from faceid.types import Detection, Detector, Embedder, FloatArray, ImageBGR

__all__ = ["ModelPack", "PackStatus", "Thresholds", "choose_auto_pack", "load_pack",
           "pack_status"]

log = logging.getLogger(__name__)

INSIGHTFACE_PREFIX = "insightface-"


@dataclass(frozen=True)
class ModelPack:
    """Everything the pipeline needs to turn a frame into embeddings.

    ``thresholds`` are cosine similarities (match: accept at or above; margin: top-1 minus
    top-2 must be at least this; consensus_frames: agreeing frames before a punch).
    ``recognizer_id`` is stored with every template made by this pack.
    """

    name: str
    detector: Detector
    embedder: Embedder
    recognizer_id: str
    thresholds: Thresholds
    liveness: Any = None
    licence_note: str = ""

    def align(self, image: ImageBGR, landmarks: FloatArray) -> ImageBGR:
        """The chip the embedder expects (its own template and size), cut from ``image``."""
        from faceid.align import align_face

        template = self.embedder.template  # type: ignore[attr-defined]  # every embedder has it
        return align_face(image, landmarks, template, self.embedder.chip_size)

    def embed_detections(self, image: ImageBGR, detections: list[Detection]) -> FloatArray:
        """(len(detections), dim) L2-normalised float32 rows, one per detection."""
        if not detections:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        chips = [self.align(image, d.landmarks) for d in detections]
        return self.embedder.embed(chips)


@dataclass(frozen=True)
class PackStatus:
    """One pack's installation state, for ``kiosk doctor`` and ``kiosk models list``."""

    name: str
    installed: bool
    missing_models: tuple[str, ...]
    corrupt_models: tuple[str, ...]
    licence_note: str
    priority: int = 0
    auto: bool = True
    liveness_missing: tuple[str, ...] = ()


def licence_note(registry: Registry, pack: PackSpec) -> str:
    """One line: each model's licence and training-data caveat."""
    parts = []
    for model_id in pack.model_ids():
        spec = registry.model(model_id)
        parts.append(f"{model_id}: {spec.licence} (trained on {spec.training_data})")
    return "; ".join(parts)


def pack_status(models_dir: Path, registry: Registry | None = None) -> list[PackStatus]:
    """State of every registry pack, highest priority first (re-hashes installed files)."""
    registry = registry or load_registry()
    states = {m: model_state(spec, models_dir) for m, spec in registry.models.items()}
    result = []
    for pack in sorted(registry.packs.values(), key=lambda p: -p.priority):
        ids = pack.required_ids()
        missing = tuple(m for m in ids if states[m] is ModelState.MISSING)
        corrupt = tuple(m for m in pack.model_ids() if states[m] is ModelState.CORRUPT)
        liveness_missing = tuple(m for m in pack.liveness if states[m] is ModelState.MISSING)
        result.append(PackStatus(pack.name, not missing and not corrupt, missing, corrupt,
                                 licence_note(registry, pack), pack.priority, pack.auto,
                                 liveness_missing))
    return result


def choose_auto_pack(registry: Registry, models_dir: Path) -> str | None:
    """The installed pack with the highest priority among those allowed for "auto"."""
    for status in pack_status(models_dir, registry):
        if status.installed and status.auto:
            return status.name
    return None


def load_pack(name: str, models_dir: Path, threads: int = 1,
              registry: Registry | None = None) -> ModelPack:
    """Build pack ``name`` ("auto" = best installed) with ``threads`` ONNX Runtime threads.

    Raises ModelMissingError (naming the install command) when files are absent,
    ModelIntegrityError when an installed file fails its sha256, ModelError for unknown names.
    """
    if name.startswith(INSIGHTFACE_PREFIX):
        from faceid.embedders.insightface_pack import load_insightface_pack

        return load_insightface_pack(name, models_dir, threads=threads)
    registry = registry or load_registry()
    if name == "auto":
        chosen = choose_auto_pack(registry, models_dir)
        if chosen is None:
            raise ModelMissingError(f"no complete model pack is installed in {models_dir}: run "
                                    "`kiosk models install` (or `kiosk models install --from "
                                    "DIR`)")
        log.info("pack 'auto' resolved to %s", chosen)
        name = chosen
    pack = registry.pack(name)
    _require_installed(registry, pack, models_dir)
    detector = _build(registry.model(pack.detector), models_dir, threads)
    embedder = _build(registry.model(pack.recognizer), models_dir, threads)
    recognizer_id = str(getattr(embedder, "recognizer_id", pack.recognizer))
    if recognizer_id != pack.recognizer:
        log.warning("embedder reports recognizer_id %r, registry says %r", recognizer_id,
                    pack.recognizer)
    return ModelPack(name=pack.name, detector=detector, embedder=embedder,
                     recognizer_id=recognizer_id, thresholds=pack.thresholds,
                     liveness=_load_liveness(registry, pack, models_dir, threads),
                     licence_note=licence_note(registry, pack))


def _load_liveness(registry: Registry, pack: PackSpec, models_dir: Path,
                   threads: int) -> Any:
    """The pack's liveness models combined, or None (logged) when they are not installed."""
    if not pack.liveness:
        return None
    states = {m: model_state(registry.model(m), models_dir) for m in pack.liveness}
    corrupt = [m for m, state in states.items() if state is ModelState.CORRUPT]
    if corrupt:
        # A damaged (or tampered) file is not "not installed": never drop liveness silently.
        raise ModelIntegrityError(f"pack {pack.name}: {', '.join(corrupt)} failed the sha256 "
                                  f"check in {models_dir}: run `kiosk models verify`, then "
                                  f"`kiosk models install --force {' '.join(corrupt)}`")
    absent = [m for m, state in states.items() if state is not ModelState.INSTALLED]
    if absent:
        log.warning("pack %s: liveness models %s are not installed; printed photos and phone "
                    "screens will not be refused (kiosk models install %s --from DIR)",
                    pack.name, ", ".join(absent), " ".join(absent))
        return None
    from faceid.liveness import MiniFasNetLiveness

    return MiniFasNetLiveness([_build(registry.model(m), models_dir, threads)
                               for m in pack.liveness])


def _require_installed(registry: Registry, pack: PackSpec, models_dir: Path) -> None:
    states = {m: model_state(registry.model(m), models_dir) for m in pack.required_ids()}
    missing = [m for m, s in states.items() if s is ModelState.MISSING]
    corrupt = [m for m, s in states.items() if s is ModelState.CORRUPT]
    if missing:
        raise ModelMissingError(f"pack {pack.name} needs {', '.join(missing)}, not installed in "
                                f"{models_dir}: run `kiosk models install {pack.name}`")
    if corrupt:
        raise ModelIntegrityError(f"pack {pack.name}: {', '.join(corrupt)} failed the sha256 "
                                  f"check in {models_dir}: run `kiosk models verify`, then "
                                  f"`kiosk models install --force {pack.name}`")


def _build(spec: ModelSpec, models_dir: Path, threads: int) -> Any:
    """Instantiate the registry ``loader`` with the model's file (or folder if several)."""
    module_name, _, class_name = spec.loader.partition(":")
    if not module_name or not class_name:
        raise ModelError(f"registry model {spec.id} has no loader (module:Class)")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ModelError(f"{spec.id}: its code ({module_name}) is not available in this "
                         f"installation: {exc}") from exc
    files = spec.installed_files()
    model_dir = models_dir / spec.id
    target = model_dir / files[0][0] if len(files) == 1 else model_dir
    return getattr(module, class_name)(target, threads=threads)

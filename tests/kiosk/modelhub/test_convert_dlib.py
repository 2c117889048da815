"""convert_dlib on the real .dat: byte-determinism, bad input, and parity with native dlib.

The .dat comes the way the installer gets it: the registry's PyPI source (the
face-recognition-models sdist) through the shared download cache
(~/.cache/face-attendance/downloads or $FACE_ATTENDANCE_CACHE), filled by scripts/test.sh's
prefetch step (~100 MB, downloaded once); the tests themselves never download.
Native dlib (dlib-bin) is the oracle: its own HOG detector, 5-point predictor and
get_face_chip make the chips, and both networks embed the same chips.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from faceid.embedders.dlib_resnet import DlibResnetEmbedder
from faceid.registry import SourceKind, load_registry
from kiosk.errors import ConversionError
from kiosk.modelhub.convert_dlib import convert, parse_dat
from kiosk.modelhub.sources import (
    DownloadCache,
    FetchContext,
    SourceUnavailable,
    default_cache_dir,
    fetch,
)
from tests.conftest import PROJECT_ROOT, need_prefetched, need_shared

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
from dlib_reference import DlibReference  # noqa: E402

PARITY_TOLERANCE = 1e-4


def fetch_dlib_dat() -> Path:
    """The verified .dat from the registry's PyPI source via the download cache, or skip
    (fail under CI=true). Tests never download: PyPI is a closed loopback port here."""
    spec = load_registry().model("dlib-resnet-v1")
    artifact = spec.artifacts[0]
    ctx = FetchContext(cache=DownloadCache(default_cache_dir()), timeout_s=10.0)
    reasons = []
    for source in artifact.sources:
        if source.kind is not SourceKind.PYPI:
            continue
        try:
            return fetch(source, ctx)
        except SourceUnavailable as exc:
            reasons.append(str(exc))
    need_prefetched("dlib's .dat", "; ".join(reasons) or "no PyPI source")


@pytest.fixture(scope="module")
def dat_path() -> Path:
    return fetch_dlib_dat()


@pytest.fixture(scope="module")
def onnx_path(dat_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("dlib") / "dlib.onnx"
    convert([dat_path], output)
    return output


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_parse_finds_the_resnet_layers(dat_path: Path) -> None:
    means, layers = parse_dat(dat_path.read_bytes())
    kinds = [layer.kind for layer in layers if layer is not None]
    assert kinds.count("con") == 29
    assert kinds[-1] == "fc"
    assert 100 < means[0] < 130 and 100 < means[2] < 130  # dlib's RGB training means


def test_output_is_byte_deterministic(dat_path: Path, onnx_path: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.onnx"
    stages: list[str] = []
    convert([dat_path], again, progress=lambda label, fraction: stages.append(label))
    assert sha256(again) == sha256(onnx_path)
    assert stages and stages[-1] == "done"


def test_rejects_bad_inputs(dat_path: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.dat"
    truncated.write_bytes(dat_path.read_bytes()[:5_000_000])
    garbage = tmp_path / "garbage.dat"
    garbage.write_bytes(bytes(range(256)) * 10)
    for bad in (truncated, garbage, tmp_path / "absent.dat"):
        with pytest.raises(ConversionError):
            convert([bad], tmp_path / "out.onnx")
    with pytest.raises(ConversionError):
        convert([dat_path, dat_path], tmp_path / "out.onnx")
    assert not (tmp_path / "out.onnx").exists()


def test_onnx_matches_native_dlib_on_real_chips(onnx_path: Path) -> None:
    faces_dir = need_shared("datasets", "faces-dev")
    photos = sorted((faces_dir / "people").glob("*.jpg"))[:4]
    photos += sorted((faces_dir / "lfw_color_10x10").glob("*/*_0001.jpg"))[:4]
    reference = DlibReference()
    chips = []
    for photo in photos:
        rgb = np.ascontiguousarray(cv2.imread(str(photo))[:, :, ::-1])
        chips += [face.chip_rgb for face in reference.faces(rgb)[:1]]
    assert len(chips) >= 6, "dlib found too few faces to compare"
    native = reference.descriptors(chips)
    embedder = DlibResnetEmbedder(onnx_path)
    converted = embedder.raw_descriptors([np.ascontiguousarray(c[:, :, ::-1]) for c in chips])
    worst = float(np.abs(converted - native).max())
    assert worst <= PARITY_TOLERANCE, f"max per-component difference {worst}"
    assert np.all(np.abs(np.linalg.norm(native, axis=1) - 1.0) < 0.6)

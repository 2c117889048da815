"""A corrupted liveness model stops the pack from loading with ModelIntegrityError (never a
silent "not installed" and a kiosk running without liveness)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from faceid.packs import load_pack
from faceid.registry import ModelState, load_registry, model_state
from kiosk.errors import ModelIntegrityError

PACK = "yunet-intel0095"


@pytest.mark.shared
def test_corrupt_liveness_model_is_an_integrity_error(installed_models: Path,
                                                      tmp_path: Path) -> None:
    registry = load_registry()
    spec = registry.pack(PACK)
    ids = spec.required_ids() + list(spec.liveness)
    if any(model_state(registry.model(m), installed_models) is not ModelState.INSTALLED
           for m in ids):
        pytest.skip(f"pack {PACK} is not fully installed in the session's models dir")
    for model_id in ids:
        shutil.copytree(installed_models / model_id, tmp_path / model_id)
    target = next(p for p in (tmp_path / "minifasnet-v1se").iterdir() if p.suffix == ".onnx")
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(ModelIntegrityError, match="minifasnet-v1se failed the sha256"):
        load_pack(PACK, tmp_path)

"""Deployment files: systemd units pass `systemd-analyze verify`, shell scripts pass shellcheck."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "hardware" / "systemd").glob("*.service")) + sorted(
    (ROOT / "hardware" / "systemd").glob("*.timer"))
SCRIPTS = sorted(ROOT.glob("hardware/*/*.sh")) + sorted(ROOT.glob("scripts/*.sh")) + [
    ROOT / ".ci" / "run"]


def need_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/setup.sh --dev installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def render(unit: Path, target_dir: Path) -> Path:
    """Fill the placeholders the install scripts fill, pointing at this checkout's venv."""
    text = unit.read_text(encoding="utf-8")
    text = (text.replace("@PREFIX@", str(ROOT)).replace("@USER@", getpass.getuser())
            .replace("@DATA@", str(target_dir)))
    target = target_dir / unit.name
    target.write_text(text, encoding="utf-8")
    return target


def test_units_exist() -> None:
    names = {u.name for u in UNITS}
    assert {"face-kiosk.service", "sync-server.service", "sync-server-backup.timer"} <= names


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_systemd_unit_verifies(unit: Path, tmp_path: Path) -> None:
    tool = need_tool("systemd-analyze")
    for name in ("kiosk", "sync-server"):
        if not (ROOT / ".venv" / "bin" / name).exists():
            pytest.fail(f".venv/bin/{name} is missing: run scripts/setup.sh")
    rendered = [render(u, tmp_path) for u in UNITS]
    target = tmp_path / unit.name
    assert target in rendered
    done = subprocess.run([tool, "verify", str(target)], capture_output=True, text=True,
                          timeout=60, check=False, cwd=tmp_path)
    # Warnings about the host (no such user, unknown groups) are not the unit's fault.
    errors = [line for line in done.stderr.splitlines()
              if line.strip() and "configured, this is not safe" not in line]
    assert done.returncode == 0 and not errors, done.stderr


def test_an_invalid_unit_is_caught(tmp_path: Path) -> None:
    tool = need_tool("systemd-analyze")
    bad = tmp_path / "broken.service"
    bad.write_text("[Service]\nExecStart=/nonexistent/binary\nRestart=sometimes\n")
    done = subprocess.run([tool, "verify", str(bad)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode != 0 or done.stderr.strip()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_shell_script_passes_shellcheck(script: Path) -> None:
    tool = need_tool("shellcheck")
    done = subprocess.run([tool, "-x", str(script.relative_to(ROOT))], capture_output=True,
                          text=True, timeout=60, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr

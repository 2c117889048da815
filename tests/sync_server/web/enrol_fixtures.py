"""Shared pieces of the face-enrollment tests: server settings with the session's installed
models, real faces-dev photos, and ZIPs built in memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sync_server.settings import ServerSettings, VisionSettings
from tests.sync_server.helpers import migrated_settings, sqlite_url

LFW = ("lfw_color_10x10",)


def enrol_settings(folder: Path, models_dir: Path) -> ServerSettings:
    """A migrated SQLite server whose [vision] section uses ``models_dir`` (pack "auto");
    bodies up to 16 MB (several photos in one upload)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = migrated_settings(sqlite_url(folder), max_body_bytes=16 * 1024 * 1024)
    return base.model_copy(update={"vision": VisionSettings(models_dir=models_dir)})


def lfw_photos(faces_dev: Path, identity: str) -> list[Path]:
    return sorted((faces_dev.joinpath(*LFW, identity)).glob("*.jpg"))


def build_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(name: str, megabytes: int) -> bytes:
    """One member of ``megabytes`` MB of zeros (deflates about 1000 times)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as handle:
            chunk = bytes(8 * 1024 * 1024)
            for _ in range(megabytes // 8):
                handle.write(chunk)
    return buffer.getvalue()


def zip_with_symlink(name: str, target: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo(name)
        info.create_system = 3  # unix: external_attr holds the mode
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, target)
    return buffer.getvalue()

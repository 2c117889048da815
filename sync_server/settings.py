"""The server's settings: one typed object from TOML plus ``SYNC_SERVER_SECTION__KEY``.

The file is ``--config``, else ``$SYNC_SERVER_CONFIG``, else built-in defaults. A database
password belongs in the URL given through the environment (``SYNC_SERVER_DATABASE__URL``).
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from kiosk.config import load_settings
from kiosk.settings import default_data_dir


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DatabaseSettings(Section):
    url: str = Field(default_factory=lambda: "sqlite:///" + str(default_data_dir()
                                                                / "sync-server.sqlite3"),
                     description="SQLAlchemy URL: sqlite:///path or postgresql+psycopg://...")
    pool_size: int = Field(10, ge=1, le=200)
    echo: bool = False


class ApiSettings(Section):
    max_body_bytes: int = Field(4 * 1024 * 1024, ge=1024, description="bigger bodies get 413")
    max_batch_punches: int = Field(2000, ge=1, le=20000)
    feed_page_max: int = Field(1000, ge=1, le=10000)


class HttpSettings(Section):
    host: str = "127.0.0.1"
    port: int = Field(8600, ge=0, le=65535)
    workers: int = Field(1, ge=1, le=64)


class ProvisioningSettings(Section):
    code_ttl_s: int = Field(24 * 3600, ge=60, description="one-time codes expire after this")


class ServerSettings(Section):
    database: DatabaseSettings = DatabaseSettings()  # type: ignore[call-arg]
    api: ApiSettings = ApiSettings()  # type: ignore[call-arg]
    http: HttpSettings = HttpSettings()  # type: ignore[call-arg]
    provisioning: ProvisioningSettings = ProvisioningSettings()  # type: ignore[call-arg]


def load_server_settings(path: Path | None = None) -> ServerSettings:
    """Load from ``path`` (or ``$SYNC_SERVER_CONFIG``) and ``SYNC_SERVER_*`` variables."""
    if path is None and os.environ.get("SYNC_SERVER_CONFIG"):
        path = Path(os.environ["SYNC_SERVER_CONFIG"])
    return load_settings(ServerSettings, path, "SYNC_SERVER_")

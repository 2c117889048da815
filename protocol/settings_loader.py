"""Loading one typed settings object per process: a TOML file, then environment variables.

Unknown keys are rejected with the key's dotted path. Secrets are never read from the TOML
file: a field whose name ends in ``_secret``/``password``/``token``/``key`` set in the file is
an error; such values come from the environment or a credentials file.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from protocol.errors import SettingsError

SettingsT = TypeVar("SettingsT", bound=BaseModel)

SECRET_SUFFIXES = ("_secret", "password", "_token", "_key")
RESERVED_VARIABLES = ("CONFIG", "DATA_KEY", "DATA_KEY_FILE", "ADMIN_PIN_HASH", "NEW_ADMIN_PIN")


def load_settings(
    model: type[SettingsT],
    toml_path: Path | None,
    env_prefix: str,
    environ: dict[str, str] | None = None,
    layers: Sequence[tuple[str, Mapping[str, Any]]] = (),
) -> SettingsT:
    """Build ``model`` from ``toml_path`` (optional) overlaid with ``{env_prefix}SECTION__KEY``.

    Example: ``KIOSK_CAMERA__SOURCE=/dev/video2`` sets ``camera.source``. ``layers`` are
    (origin, {dotted key: value}) overlays applied in order between the file and the
    environment (the kiosk's own admin-screen settings, see kiosk.settings).
    Raises SettingsError naming the file, the dotted key and what is wrong.
    """
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, Any] = {}
    origin = "defaults"
    if toml_path is not None:
        data = _read_toml(toml_path)
        _reject_secrets_in_file(data, toml_path)
        origin = str(toml_path)
    for layer_origin, values in layers:
        overlay_dotted(data, values)
        origin += f" + {layer_origin}"
    _overlay_environment(data, env_prefix, environ)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {_friendly(err)}" for err in exc.errors()
        )
        raise SettingsError(f"invalid settings ({origin} + {env_prefix}* environment): "
                            f"{problems}") from None


def overlay_dotted(data: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Set each ``{"section.key": value}`` in the nested ``data`` (sections created)."""
    for dotted, value in values.items():
        _set_path(data, dotted.split("."), value, dotted)


def _set_path(data: dict[str, Any], path: list[str], value: Any, where: str) -> None:
    """Set ``data[path[0]]...[path[-1]] = value``, creating sections; ``where`` names the
    source in the error when a section on the way is a plain value."""
    node = data
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise SettingsError(f"{where}: {part} is not a section")
        node = child
    node[path[-1]] = value


def _friendly(err: Any) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown key"
    return str(err["msg"])


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise SettingsError(f"settings file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path} is not valid TOML: {exc}") from None


def _reject_secrets_in_file(data: dict[str, Any], path: Path, prefix: str = "") -> None:
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            _reject_secrets_in_file(value, path, dotted + ".")
        elif key.lower().endswith(SECRET_SUFFIXES):
            raise SettingsError(
                f"{path}: {dotted} looks like a secret; secrets come from the environment "
                "or a credentials file, never from the settings file"
            )


def _overlay_environment(data: dict[str, Any], prefix: str, environ: dict[str, str]) -> None:
    for name, value in environ.items():
        # the settings file's own path and secrets read by their owners, not settings keys
        if not name.startswith(prefix) or name[len(prefix):] in RESERVED_VARIABLES:
            continue
        path = [part.lower() for part in name[len(prefix):].split("__") if part]
        if path:
            _set_path(data, path, value, f"environment {name}")

"""Shared fixtures: where ../shared is, and a rule for tests that need it.

Tests that need ../shared (datasets, model files) skip with the reason where it is absent,
but fail under CI=true: CI always has it, and a silent skip there would hide a broken test.

Loopback only: for the whole session a connect to (or a name lookup of) anything but
127.0.0.1 / localhost raises NetworkAccessDenied naming the test, and pip/npm are pointed at
a closed loopback port. ``installed_models`` is the one session-wide models dir.
"""

from __future__ import annotations

import functools
import importlib
import ipaddress
import os
import pkgutil
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _import_anyio_eagerly() -> None:
    """Import every anyio module now, on the main thread.

    anyio imports its submodules lazily, and pytest rewrites the asserts of a plugin's whole
    distribution (anyio ships a pytest plugin), so the first static file a live test server
    sends would parse an anyio module on the server's thread while the main thread parses
    too; CPython 3.11 then fails with "AST constructor recursion depth mismatch" and the
    server drops the connection."""
    import anyio

    for module in pkgutil.walk_packages(anyio.__path__, "anyio."):
        if "trio" not in module.name and "pytest_plugin" not in module.name:
            importlib.import_module(module.name)


_import_anyio_eagerly()
SHARED = Path(os.environ.get("FACE_ATTENDANCE_SHARED", PROJECT_ROOT.parent / "shared"))


def skip_or_fail(reason: str) -> NoReturn:
    """Skip with ``reason``; under CI=true fail instead (CI has every input prepared)."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def need_shared(*relative: str) -> Path:
    """Return ../shared/<relative> or skip (fail under CI=true) when it is missing."""
    path = SHARED.joinpath(*relative)
    if not path.exists():
        skip_or_fail(f"{path} is missing (../shared beside the project root holds it)")
    return path


def need_prefetched(what: str, detail: str = "") -> NoReturn:
    """Skip (fail under CI=true): ``what`` is not in the download cache and tests never
    download. scripts/test.sh's prefetch step fills the cache before pytest runs."""
    from kiosk.modelhub.sources import default_cache_dir

    skip_or_fail(f"{what}: not in the download cache {default_cache_dir()} (run "
                 f"scripts/test.sh: its prefetch step fills it){': ' + detail if detail else ''}")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return need_shared()


@pytest.fixture(scope="session")
def faces_dev() -> Path:
    return need_shared("datasets", "faces-dev")


@pytest.fixture(scope="session")
def shared_models() -> Path:
    return need_shared("models")


# ---------------------------------------------------------------- loopback only
# Every network test talks only to 127.0.0.1 / localhost. In-process sockets are checked by
# the guard below; subprocesses (pip, npm, the kiosk CLI) are pointed at a closed loopback
# port through their registry settings, so they fail fast instead of reaching the internet.

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class NetworkAccessDenied(RuntimeError):
    """A test tried to reach a non-loopback address. Deliberately not an OSError: network
    code catches OSError and falls through to another source, and this must fail loudly."""


_current_test = ["(collection or session setup)"]
_violations: list[str] = []


def _is_loopback_host(host: object) -> bool:
    if host is None or host == "" or (isinstance(host, str) and host.lower() in LOOPBACK_NAMES):
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback or \
            str(host).startswith("::ffff:127.")
    except ValueError:
        return False


def _deny(what: str) -> NetworkAccessDenied:
    message = (f"test {_current_test[0]} tried to reach {what}: tests may only talk to "
               "127.0.0.1 / localhost (fill the download cache with scripts/test.sh's "
               "prefetch, or serve files with tests/registry_server.py)")
    _violations.append(message)
    return NetworkAccessDenied(message)


def _guarded_connect(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def connect(sock: socket.socket, address: Any, *args: Any, **kwargs: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) \
                and not _is_loopback_host(address[0]):
            raise _deny(f"{address[0]}:{address[1]}")
        return original(sock, address, *args, **kwargs)
    return connect


def _guarded_getaddrinfo(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback_host(host):
            raise _deny(f"host {host!r} (address lookup)")
        return original(host, *args, **kwargs)
    return getaddrinfo


def closed_loopback_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session", autouse=True)
def loopback_only() -> Iterator[None]:
    """Refuse non-loopback connects and name lookups for the whole session (in-process), and
    point pip and npm (subprocesses too) at closed loopback ports."""
    patch = pytest.MonkeyPatch()
    patch.setattr(socket.socket, "connect", _guarded_connect(socket.socket.connect))
    patch.setattr(socket.socket, "connect_ex", _guarded_connect(socket.socket.connect_ex))
    patch.setattr(socket, "getaddrinfo", _guarded_getaddrinfo(socket.getaddrinfo))
    closed = f"http://127.0.0.1:{closed_loopback_port()}"
    patch.setenv("PIP_INDEX_URL", f"{closed}/simple")
    patch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    patch.setenv("PIP_RETRIES", "0")
    patch.setenv("NPM_CONFIG_REGISTRY", f"{closed}/")
    patch.setenv("NPM_CONFIG_FETCH_RETRIES", "0")
    patch.setenv("NPM_CONFIG_UPDATE_NOTIFIER", "false")
    try:
        yield
    finally:
        patch.undo()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    _current_test[0] = item.nodeid
    yield


@pytest.fixture(autouse=True)
def no_network_violation(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test even when its code caught the NetworkAccessDenied raised for it."""
    before = len(_violations)
    yield
    if len(_violations) > before:
        pytest.fail("; ".join(_violations[before:]), pytrace=False)


# ---------------------------------------------------------------- installed models


@pytest.fixture(scope="session")
def installed_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models dir with every non-optional registry model, installed once per session by the
    real installer from ../shared/models plus the download cache (no network: the cache is
    filled by scripts/test.sh's prefetch). Treat it as read-only: copy what you corrupt.

    A model that cannot be installed fails the session's users under CI=true (CI prefetches
    everything) and is left missing otherwise (the tests that need it skip or fail then).
    """
    from faceid.registry import load_registry
    from kiosk.modelhub.installer import Installer
    from kiosk.modelhub.sources import default_cache_dir

    shared_models = need_shared("models")
    models_dir = tmp_path_factory.mktemp("installed-models")
    reports = Installer(load_registry(), models_dir, cache_dir=default_cache_dir(),
                        from_dir=shared_models, timeout_s=10.0).install([])
    failed = [f"{r.model_id}: {r.error}" for r in reports if not r.ok]
    if failed and os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        need_prefetched("some models' files", " | ".join(failed))
    return models_dir


@pytest.fixture(scope="session", autouse=True)
def strict_audit() -> None:
    """Inside every door of an in-process server (each HTTP request) or CLI command, a change
    to audited data that writes no audit entry fails the test (sync_server.service.audit)."""
    try:
        from sync_server.service import audit
    except ImportError:  # a kiosk-only install (scripts/check_extras.sh): no server here
        return
    audit.install_guard(strict=True)

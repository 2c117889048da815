"""The session's loopback-only guard (tests/conftest.py) and the local package registry.

192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so even a broken guard cannot reach anyone.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import httpx
import pytest

from faceid.registry import SourceKind, sha256_of
from tests import conftest
from tests.registry_server import LocalPackageRegistry, PackageFile, pypi_project


def _forget_violations(before: int) -> list[str]:
    """The violations this test provoked on purpose (removed so its teardown passes)."""
    provoked = conftest._violations[before:]
    del conftest._violations[before:]
    return provoked


def test_a_non_loopback_connect_fails_loudly_naming_the_test(request: pytest.FixtureRequest
                                                             ) -> None:
    before = len(conftest._violations)
    with socket.socket() as sock, pytest.raises(conftest.NetworkAccessDenied) as denied:
        sock.connect(("192.0.2.1", 80))
    assert request.node.nodeid in str(denied.value)
    assert "192.0.2.1:80" in str(denied.value)
    # Through httpx too: not an OSError, so no network code can quietly fall back.
    with pytest.raises(conftest.NetworkAccessDenied):
        httpx.get("http://192.0.2.1/", timeout=1)
    with pytest.raises(conftest.NetworkAccessDenied, match="pypi.org"):
        socket.getaddrinfo("pypi.org", 443)
    assert len(_forget_violations(before)) == 3


def test_loopback_and_subprocess_settings() -> None:
    assert conftest._is_loopback_host("127.0.0.1") and conftest._is_loopback_host("::1")
    assert conftest._is_loopback_host("localhost")
    assert not conftest._is_loopback_host("10.0.0.1")
    assert not conftest._is_loopback_host("registry.npmjs.org")
    for variable in ("PIP_INDEX_URL", "NPM_CONFIG_REGISTRY"):
        assert os.environ[variable].startswith("http://127.0.0.1:"), variable
    with pytest.raises(httpx.ConnectError):  # a closed loopback port: refused at once
        httpx.get(os.environ["PIP_INDEX_URL"] + "/numpy/", timeout=2)


def test_registry_server_serves_pypi_and_npm_layouts(tmp_path: Path) -> None:
    sdist = tmp_path / "a.tar.gz"
    sdist.write_bytes(b"sdist bytes")
    tgz = tmp_path / "b.tgz"
    tgz.write_bytes(b"tarball bytes")
    files = [PackageFile(SourceKind.PYPI, "Some_Pkg", "1.0", "some_pkg-1.0.tar.gz", sdist,
                         sha256_of(sdist)),
             PackageFile(SourceKind.NPM, "some-npm", "2.0", "some-npm-2.0.tgz", tgz,
                         sha256_of(tgz))]
    assert pypi_project("Some_Pkg") == "some-pkg"
    with LocalPackageRegistry(files) as server:
        page = httpx.get(f"{server.pypi_index_url}/some-pkg/").text
        assert f"/files/some_pkg-1.0.tar.gz#sha256={sha256_of(sdist)}" in page
        urls = httpx.get(f"{server.base_url}/pypi/Some_Pkg/1.0/json").json()["urls"]
        assert httpx.get(urls[0]["url"]).content == b"sdist bytes"
        document = httpx.get(f"{server.npm_registry_url}some-npm").json()
        tarball = document["versions"]["2.0"]["dist"]["tarball"]
        assert httpx.get(tarball).content == b"tarball bytes"
        server.disabled.add("json")
        assert httpx.get(f"{server.base_url}/pypi/Some_Pkg/json").status_code == 404
        assert httpx.get(f"{server.base_url}/pypi/other/json").status_code == 404
        assert server.requests[0] == "/simple/some-pkg/"

"""A PyPI + npm package registry on 127.0.0.1 serving archives from the download cache.

Tests of the installer's PyPI and npm source code paths point it here (``PIP_INDEX_URL``,
``NPM_CONFIG_REGISTRY``) instead of the internet. The archives are the ones the registry's
PyPI and npm sources pin (``archive_sha256``), read from the content-addressed download cache
that ``scripts/test.sh`` fills before pytest runs (see tests/prefetch_models.py).

Layouts served (only what pip, npm and kiosk/modelhub/sources.py ask for):
  PyPI simple index (PEP 503)  /simple/<project>/  links ``/files/<file>#sha256=<hex>``
  PyPI JSON API               /pypi/<package>/json, /pypi/<package>/<version>/json
  npm package document        /<package>    (``versions[v].dist.tarball``, shasum, integrity)
  npm tarball                 /<package>/-/<basename>-<version>.tgz
Every request path is recorded in ``LocalPackageRegistry.requests``; a family of endpoints can
be switched off (HTTP 404) through ``LocalPackageRegistry.disabled`` ({"json", "simple",
"npm"}) to force the installer down the next path. The server thread is a daemon; requests are
answered on the server's own threads.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import json
import re
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from faceid.registry import Registry, SourceKind


@dataclass(frozen=True)
class PackageFile:
    """One archive served: a PyPI dist file or an npm tarball, held in the cache as ``path``."""

    kind: SourceKind
    package: str
    version: str
    filename: str
    path: Path
    sha256: str


def pypi_project(package: str) -> str:
    """PEP 503 normalised name: runs of ``-_.`` become ``-``, lowercase."""
    return re.sub(r"[-_.]+", "-", package).lower()


def _pypi_filename(package: str, version: str, path: Path) -> str:
    # A zip from PyPI is a wheel or a .zip sdist; pip needs the sdist name to parse.
    stem = f"{re.sub(r'[-_.]+', '_', package).lower()}-{version}"
    return f"{stem}.zip" if zipfile.is_zipfile(path) else f"{stem}.tar.gz"


def cached_package_files(registry: Registry, cache_dir: Path) -> list[PackageFile]:
    """Every pinned PyPI/npm archive of ``registry`` present in ``cache_dir`` (deduplicated)."""
    found: dict[str, PackageFile] = {}
    for spec in registry.models.values():
        for artifact in spec.artifacts:
            for source in artifact.sources:
                if source.kind not in (SourceKind.PYPI, SourceKind.NPM):
                    continue
                path = cache_dir / source.archive_sha256
                if not source.archive_sha256 or not path.is_file():
                    continue
                if source.kind is SourceKind.PYPI:
                    filename = _pypi_filename(source.package, source.version, path)
                else:
                    filename = f"{source.package.rsplit('/', 1)[-1]}-{source.version}.tgz"
                found[source.archive_sha256] = PackageFile(
                    source.kind, source.package, source.version, filename, path,
                    source.archive_sha256)
    return list(found.values())


@dataclass
class LocalPackageRegistry:
    """The served files plus the switches and request log shared with the handler threads."""

    files: list[PackageFile]
    disabled: set[str] = field(default_factory=set)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""
    _server: http.server.ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    @property
    def pypi_index_url(self) -> str:
        """What to put in ``PIP_INDEX_URL``."""
        return f"{self.base_url}/simple"

    @property
    def npm_registry_url(self) -> str:
        """What to put in ``NPM_CONFIG_REGISTRY``."""
        return f"{self.base_url}/"

    def start(self) -> LocalPackageRegistry:
        """Listen on 127.0.0.1 on a free port; answers on a daemon thread."""
        handler = type("BoundHandler", (_Handler,), {"registry": self})
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        name="local-package-registry", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalPackageRegistry:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    # ------------------------------------------------------------ documents

    def _pypi_entries(self, package: str, version: str | None) -> list[dict[str, object]]:
        return [{"filename": f.filename, "url": f"{self.base_url}/files/{f.filename}",
                 "digests": {"sha256": f.sha256},
                 "packagetype": "sdist", "version": f.version}
                for f in self.files if f.kind is SourceKind.PYPI
                and pypi_project(f.package) == pypi_project(package)
                and (version is None or f.version == version)]

    def pypi_json(self, package: str, version: str | None) -> dict[str, object] | None:
        entries = self._pypi_entries(package, version)
        if not entries:
            return None
        if version is not None:
            return {"info": {"name": package, "version": version}, "urls": entries}
        releases: dict[str, list[dict[str, object]]] = {}
        for entry in entries:
            releases.setdefault(str(entry["version"]), []).append(entry)
        return {"info": {"name": package}, "releases": releases}

    def simple_page(self, project: str) -> str | None:
        entries = self._pypi_entries(project, None)
        if not entries:
            return None
        links = "".join(f'<a href="/files/{e["filename"]}#sha256='
                        f'{e["digests"]["sha256"]}">{e["filename"]}</a><br>\n'  # type: ignore[index]
                        for e in entries)
        return f"<!DOCTYPE html><html><body>\n{links}</body></html>\n"

    def npm_document(self, package: str) -> dict[str, object] | None:
        versions = {}
        for f in self.files:
            if f.kind is SourceKind.NPM and f.package == package:
                data = f.path.read_bytes()
                integrity = base64.b64encode(hashlib.sha512(data).digest()).decode()
                versions[f.version] = {
                    "name": package, "version": f.version,
                    "dist": {"tarball": f"{self.base_url}/{package}/-/{f.filename}",
                             "shasum": hashlib.sha1(data).hexdigest(),
                             "integrity": f"sha512-{integrity}"}}
        if not versions:
            return None
        return {"name": package, "dist-tags": {"latest": max(versions)}, "versions": versions}

    def file_named(self, filename: str, kind: SourceKind) -> PackageFile | None:
        return next((f for f in self.files if f.filename == filename and f.kind is kind), None)


class _Handler(http.server.BaseHTTPRequestHandler):
    """Routes GETs to the registry's documents; anything else is a 404."""

    registry: LocalPackageRegistry

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        pass  # the request log is ``registry.requests``; stderr noise helps nobody

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?", 1)[0]
        self.registry.requests.append(path)
        off = self.registry.disabled
        if match := re.fullmatch(r"/files/([^/]+)", path):
            self._send_file(self.registry.file_named(match[1], SourceKind.PYPI))
        elif match := re.fullmatch(r"/simple/([^/]+)/?", path):
            page = None if "simple" in off else self.registry.simple_page(match[1])
            self._send(page.encode() if page else None, "text/html")
        elif match := re.fullmatch(r"/pypi/([^/]+)(?:/([^/]+))?/json", path):
            document = None if "json" in off else self.registry.pypi_json(match[1], match[2])
            self._send_json(document)
        elif match := re.fullmatch(r"/((?:@[^/]+/)?[^/@]+)/-/([^/]+\.tgz)", path):
            tarball = None if "npm" in off else self.registry.file_named(match[2],
                                                                         SourceKind.NPM)
            self._send_file(tarball)
        elif match := re.fullmatch(r"/((?:@[^/]+/)?[^/@]+)/?", path):
            package = match[1].replace("%2f", "/").replace("%2F", "/")
            self._send_json(None if "npm" in off else self.registry.npm_document(package))
        else:
            self._send(None, "text/plain")

    def _send_json(self, document: dict[str, object] | None) -> None:
        self._send(json.dumps(document).encode() if document else None, "application/json")

    def _send_file(self, served: PackageFile | None) -> None:
        self._send(served.path.read_bytes() if served else None, "application/octet-stream")

    def _send(self, body: bytes | None, content_type: str) -> None:
        if body is None:
            body, content_type = b"not found", "text/plain"
            self.send_response(404)
        else:
            self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

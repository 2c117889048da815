"""Bulk face enrollment from a folder or a ZIP of photos, matched to people by employee code.

Layout (folder or ZIP, the same rules):

    E001/front.jpg  E001/left.jpg     one sub-folder per person, named by the employee code
    E002_1.jpg  E002_2.png  E003.jpg  or files named CODE, or CODE_anything

A photo belongs to the person whose code is the name of the folder holding it; otherwise to
the one whose code is its file name up to the first underscore (so ``photos/E002_1.jpg`` in a
wrapping folder works too). Codes match case-insensitively. Only image files count
(.jpg .jpeg .png .bmp .webp .tif .tiff); hidden files and ``__MACOSX`` are skipped.

ZIP safety (the whole archive is refused, nothing is enrolled): absolute member paths,
``..`` components, symbolic links, more than ``MAX_MEMBERS`` members, a declared
uncompressed total over ``MAX_TOTAL_BYTES``, a member over ``MAX_MEMBER_BYTES`` or
compressed more than ``MAX_RATIO`` times (zip bombs); members are read with a byte cap in
case their headers lie. Images are then decoded with faceid.imageio's pixel limit.

Each person is analysed outside any transaction and stored in a transaction of their own, so
one refusal does not undo the others, and progress is reported after each person.
"""

from __future__ import annotations

import functools
import io
import stat
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faceid.imageio import IMAGE_SUFFIXES, MAX_FILE_BYTES
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.errors import BadRequest, Conflict, NotFound, ServerError
from sync_server.service.enrolment import (
    NOT_AN_IMAGE,
    TOO_MANY_PHOTOS,
    FaceEnroller,
    Photo,
    Verdict,
    consent_for,
    store_enrolment,
)

MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_MEMBER_BYTES = MAX_FILE_BYTES
MAX_RATIO = 100  # JPEG and PNG photos barely compress; zeros compress about 1000 times


@dataclass(frozen=True)
class Entry:
    """One image found in the upload: its path inside it and a way to read its bytes."""

    path: PurePosixPath
    read: Callable[[], bytes]


@dataclass(frozen=True)
class PersonOutcome:
    """One person's result: who, how many templates, each photo's verdict, or why not."""

    key: str  # the code as found in the folder or file names
    person_name: str | None
    templates: int
    verdicts: list[Verdict]
    refused: str | None = None  # the person-level reason (unknown code, no consent, ...)
    refusal: ServerError | None = None  # the same, naming its message for the web's words


@dataclass
class ImportReport:
    outcomes: list[PersonOutcome] = field(default_factory=list)

    @property
    def enrolled(self) -> int:
        return sum(1 for o in self.outcomes if o.templates)

    @property
    def rejected_photos(self) -> list[tuple[str, Verdict]]:
        return [(o.key, v) for o in self.outcomes for v in o.verdicts if not v.accepted]


def _is_image(path: PurePosixPath) -> bool:
    hidden = any(part.startswith(".") or part == "__MACOSX" for part in path.parts)
    return not hidden and path.suffix.lower() in IMAGE_SUFFIXES


def zip_entries(data: bytes) -> list[Entry]:
    """The image members of a ZIP, after the safety checks (module docstring)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise BadRequest("the upload is not a readable ZIP file", "zip_unreadable") from None
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise BadRequest(f"the ZIP has {len(members)} members, over the {MAX_MEMBERS} limit",
                         "zip_too_many", count=len(members), limit=MAX_MEMBERS)
    total = sum(m.file_size for m in members)
    if total > MAX_TOTAL_BYTES:
        raise BadRequest(f"the ZIP would unpack to {total} bytes, over the {MAX_TOTAL_BYTES} "
                         "limit (zip bomb?)", "zip_too_big", limit_mb=MAX_TOTAL_BYTES >> 20)
    entries = []
    for member in members:
        path = _safe_member_path(member)
        if member.is_dir() or not _is_image(path):
            continue
        if member.file_size > MAX_MEMBER_BYTES or (
                member.file_size > 1024 * 1024
                and member.file_size > MAX_RATIO * max(member.compress_size, 1)):
            raise BadRequest(f"ZIP member {member.filename!r} unpacks to {member.file_size} "
                             "bytes (too large or too compressed: zip bomb?)",
                             "zip_member_too_big", member=member.filename)
        entries.append(Entry(path, functools.partial(_read_capped, archive, member)))
    return entries


def _safe_member_path(member: zipfile.ZipInfo) -> PurePosixPath:
    name = member.filename.replace("\\", "/")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise BadRequest(f"ZIP member {member.filename!r} has an absolute path", "zip_absolute",
                         member=member.filename)
    path = PurePosixPath(name)
    if ".." in path.parts:
        raise BadRequest(f"ZIP member {member.filename!r} leaves the archive's folder (..)",
                         "zip_outside", member=member.filename)
    if stat.S_ISLNK(member.external_attr >> 16):
        raise BadRequest(f"ZIP member {member.filename!r} is a symbolic link", "zip_link",
                         member=member.filename)
    return path


def _read_capped(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The member's bytes, refusing more than its header declared (a lying header)."""
    try:
        with archive.open(member) as handle:
            data = handle.read(member.file_size + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise BadRequest(f"ZIP member {member.filename!r} cannot be read: {exc}",
                         "zip_member_unreadable", member=member.filename) from None
    if len(data) > member.file_size:
        raise BadRequest(f"ZIP member {member.filename!r} is larger than its header says",
                         "zip_member_unreadable", member=member.filename)
    return data


def folder_entries(root: Path) -> list[Entry]:
    """The image files under ``root`` (symbolic links skipped), paths relative to it."""
    if not root.is_dir():
        raise NotFound(f"{root} is not a folder", "not_a_folder", folder=str(root))
    entries = []
    for path in sorted(root.rglob("*")):
        relative = PurePosixPath(path.relative_to(root).as_posix())
        if path.is_symlink() or not path.is_file() or not _is_image(relative):
            continue
        entries.append(Entry(relative, functools.partial(_read_file, path)))
    return entries


def _read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_MEMBER_BYTES:
            raise BadRequest(f"over the {MAX_MEMBER_BYTES} byte limit", "zip_member_too_big",
                             member=path.name)
        return path.read_bytes()
    except OSError as exc:
        raise BadRequest(f"cannot be read ({exc.strerror or exc})", "zip_member_unreadable",
                         member=path.name) from None


def group_by_person(session: Session, entries: Iterable[Entry]
                    ) -> dict[str, tuple[Person | None, list[Entry]]]:
    """Key (a person's code, or the unknown code as written) -> (the person or None, their
    images)."""
    by_code = {p.employee_code.casefold(): p for p in session.scalars(
        select(Person).where(Person.employee_code.is_not(None)))
        if p.employee_code is not None}
    groups: dict[str, tuple[Person | None, list[Entry]]] = {}
    for entry in entries:
        folder = entry.path.parent.name
        prefix = entry.path.stem.split("_", 1)[0]
        person = by_code.get(folder.casefold()) if folder else None
        person = person or by_code.get(prefix.casefold())
        # a known person's photos group under their code as stored, however it was written
        key = person.employee_code or prefix if person is not None else folder or prefix
        groups.setdefault(key, (person, []))[1].append(entry)
    return groups


Progress = Callable[[int, int, PersonOutcome], None]


def _by_code(item: tuple[str, object]) -> tuple[str, str]:
    return item[0].casefold(), item[0]


def import_photos(sessions: sessionmaker[Session], enroller: FaceEnroller,
                  entries: list[Entry], actor: str, notice_version: str = "",
                  collected_by: str = "", on_progress: Progress | None = None) -> ImportReport:
    """Enroll every person found in ``entries``; ``on_progress(done, total, outcome)`` is
    called on this thread after each person. New consents are recorded when
    ``notice_version`` and ``collected_by`` are given, else each person's existing one is
    used (a person without one is refused)."""
    if bool(notice_version.strip()) != bool(collected_by.strip()):
        raise BadRequest("a consent record needs both the notice version and who collected it",
                         "consent_incomplete")
    enroller.pack()  # VisionUnavailable before anything is read when models are missing
    with transaction(sessions) as session:
        groups = group_by_person(session, entries)
        people = {key: (p.id, p.display_name) if p is not None else None
                  for key, (p, _e) in groups.items()}
    report = ImportReport()
    ordered = sorted(groups.items(), key=_by_code)
    for done, (key, (_person, group)) in enumerate(ordered, start=1):
        outcome = _import_one(sessions, enroller, key, people[key], group, actor,
                              notice_version, collected_by)
        report.outcomes.append(outcome)
        if on_progress is not None:
            on_progress(done, len(groups), outcome)
    return report


def _import_one(sessions: sessionmaker[Session], enroller: FaceEnroller, key: str,
                person: tuple[uuid.UUID, str] | None, group: list[Entry], actor: str,
                notice_version: str, collected_by: str) -> PersonOutcome:
    names = [str(e.path) for e in group]
    if person is None:
        unknown = BadRequest(f"no person has the employee code {key!r}", "zip_no_person",
                             code=key)
        return PersonOutcome(key, None, 0, [], unknown.detail, unknown)
    person_id, display_name = person
    photos, unreadable = [], []
    limit = enroller.settings.max_photos
    for index, entry in enumerate(group):
        if index >= limit:  # not even read
            unreadable.append(Verdict(str(entry.path), TOO_MANY_PHOTOS, f"limit {limit}"))
            continue
        try:
            photos.append(Photo(str(entry.path), entry.read()))
        except BadRequest as exc:  # unreadable, or a ZIP member bigger than its header says
            unreadable.append(Verdict(str(entry.path), NOT_AN_IMAGE, exc.detail))
    analysis = enroller.analyse(photos)
    verdicts = [*analysis.verdicts, *unreadable]
    try:
        with transaction(sessions) as session:
            consent = consent_for(session, person_id, notice_version, collected_by)
            ids = store_enrolment(session, person_id, analysis, consent,
                                  enroller.settings.min_photos, actor=actor,
                                  detail={"photos": names})
    except (BadRequest, Conflict, NotFound) as exc:
        return PersonOutcome(key, display_name, 0, verdicts, exc.detail, exc)
    return PersonOutcome(key, display_name, len(ids), verdicts)

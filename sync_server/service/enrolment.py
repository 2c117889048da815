"""Face enrollment on the server: photos -> checked templates, published to the kiosks.

The server runs the kiosk's own pipeline (``faceid``: the configured model pack, its
quality gate and ``enroll_images``), so a photo refused at a kiosk is refused here for the
same reason, and the templates are the ones a kiosk of that recognizer would have made.
Accepted photos become templates and canonical chips stored encrypted, and the templates go
to the feed, through ``service.people.enroll`` exactly like a kiosk's upload.

Work is split so that no database transaction stays open during inference: ``analyse``
(decode, detect, gate, embed; CPU-bound, any worker thread, one at a time per enroller) then
``store_enrolment`` (in the caller's transaction). A consent record is required: a new one
(notice version and collector given), else the person's latest one not withdrawn.
"""

from __future__ import annotations

import base64
import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from faceid.errors import ImageDecodeError, ModelError
from faceid.imageio import decode_image
from sync_server.clock import utc_now
from sync_server.db.models import ConsentRecord
from sync_server.errors import BadRequest, ServerError
from sync_server.service import lookalikes, people

if TYPE_CHECKING:
    from faceid.packs import ModelPack
    from faceid.types import ImageBGR
    from sync_server.settings import VisionSettings

log = logging.getLogger(__name__)

NOT_AN_IMAGE = "not_an_image"
TOO_MANY_PHOTOS = "too_many_photos"
# English reasons (the web pages translate the codes: i18n keys "why_<code>").
REASONS = {
    "no_face": "no face found",
    "several_faces": "several faces: the photo must show only this person",
    "disagrees_with_others": "does not look like the other photos (another person?)",
    "move_closer": "the face is too small (needs a closer or larger photo)",
    "too_dark": "too dark",
    "too_bright": "too bright",
    "hold_still": "blurred",
    "face_camera": "the head is turned: the person must face the camera",
    "centre_face": "the face is not centred",
    "remove_glasses": "the eyes are hidden (sunglasses?)",
    "centre_face_partial": "the face is cut by the edge of the photo",
    NOT_AN_IMAGE: "not a readable image",
    TOO_MANY_PHOTOS: "more photos than one enrollment uses",
}


class VisionUnavailable(ServerError):
    """The model pack is not installed (or broken) on the server: enrollment cannot run."""

    status = 503
    title = "Face models unavailable"


@dataclass(frozen=True)
class Photo:
    """One uploaded photo: a name to report it by and its encoded bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Verdict:
    """What became of one photo: accepted, or the reason code (see ``REASONS``)."""

    name: str
    reason: str | None = None
    detail: str = ""

    @property
    def accepted(self) -> bool:
        return self.reason is None

    def describe(self) -> str:
        """The English reason, with the decoder's detail when there is one."""
        text = REASONS.get(self.reason or "", self.reason or "accepted")
        return f"{text}: {self.detail}" if self.detail else text


@dataclass(frozen=True)
class Analysis:
    """The outcome of ``FaceEnroller.analyse``: one verdict per photo, in input order, and
    the accepted photos' embeddings (base64 little-endian float32) and canonical chips."""

    recognizer_id: str
    verdicts: list[Verdict]
    embeddings: list[str] = field(default_factory=list)
    chips: list[people.ChipIn] = field(default_factory=list)
    guard_threshold: float = 1.0  # cosine: the duplicate guard's (service.lookalikes)

    @property
    def accepted(self) -> int:
        return len(self.embeddings)

    @property
    def rejected(self) -> list[Verdict]:
        return [v for v in self.verdicts if not v.accepted]


class FaceEnroller:
    """The configured model pack, loaded at first use, and the analysis of photos.

    Loading opens ONNX Runtime sessions (about 0.2 s); a lock makes one analysis run at a time
    (the detector keeps per-call state), on the caller's worker thread.
    """

    def __init__(self, settings: VisionSettings) -> None:
        self.settings = settings
        self._pack: ModelPack | None = None
        self._lock = threading.Lock()

    def pack(self) -> ModelPack:
        """The loaded pack; VisionUnavailable (with the install command) when it cannot load."""
        from faceid.packs import load_pack

        with self._lock:
            if self._pack is None:
                try:
                    self._pack = load_pack(self.settings.pack, self.settings.models_dir,
                                           threads=self.settings.threads)
                except (ModelError, OSError) as exc:
                    raise VisionUnavailable(
                        f"face models are not installed on the server ({exc}); set "
                        "[vision] models_dir and pack in the server settings",
                        "models_missing") from None
                log.info("enrollment pack %s loaded (recognizer %s)", self._pack.name,
                         self._pack.recognizer_id)
            return self._pack

    def analyse(self, photos: Sequence[Photo]) -> Analysis:
        """Decode and check ``photos`` of ONE person; at most ``max_photos`` are used."""
        from faceid.enrollment import enroll_images

        pack = self.pack()
        limit = self.settings.max_photos
        verdicts: dict[int, Verdict] = {}
        images: list[ImageBGR] = []
        positions: list[int] = []
        for index, photo in enumerate(photos):
            if index >= limit:
                verdicts[index] = Verdict(photo.name, TOO_MANY_PHOTOS, f"limit {limit}")
                continue
            try:
                images.append(decode_image(photo.data, photo.name))
                positions.append(index)
            except ImageDecodeError as exc:
                verdicts[index] = Verdict(photo.name, NOT_AN_IMAGE, _after_name(exc, photo))
        with self._lock:  # ModelPack is frozen; PackLike only reads detector and embedder
            result = enroll_images(pack, images,  # type: ignore[arg-type]
                                   min_face_px=self.settings.min_face_px)
        for rejection in result.rejected:
            index = positions[rejection.image_index]
            verdicts[index] = Verdict(photos[index].name, rejection.reason.value)
        embeddings, chips = [], []
        for sample in result.accepted:
            index = positions[sample.index]
            verdicts[index] = Verdict(photos[index].name)
            raw = np.asarray(sample.embedding, dtype="<f4").tobytes()
            embeddings.append(base64.b64encode(raw).decode())
            chips.append(_chip(sample.chip))
        ordered = [verdicts[i] for i in range(len(photos))]
        threshold = lookalikes.guard_threshold(pack.recognizer_id, float(pack.thresholds.match))
        return Analysis(pack.recognizer_id, ordered, embeddings, chips, threshold)


def _after_name(exc: ImageDecodeError, photo: Photo) -> str:
    text = str(exc)
    prefix = f"{photo.name}: "
    return text[len(prefix):] if text.startswith(prefix) else text


def _chip(chip: ImageBGR) -> people.ChipIn:
    """The canonical chip as PNG with its alignment, as a kiosk stores and uploads it."""
    from faceid.enrollment import CANONICAL_CHIP_SIZE, CANONICAL_TEMPLATE

    ok, encoded = cv2.imencode(".png", chip)
    if not ok:
        raise ServerError("could not encode an enrollment chip as PNG", "chip_not_encoded")
    return people.ChipIn(encoded.tobytes(), "png",
                         {"template": "canonical-256", "chip_size": CANONICAL_CHIP_SIZE,
                          "points": CANONICAL_TEMPLATE.round(3).tolist()})


def consent_for(session: Session, person_id: uuid.UUID, notice_version: str = "",
                collected_by: str = "") -> people.ConsentIn:
    """A new consent (given now) when ``notice_version`` and ``collected_by`` are given,
    else the person's latest consent not withdrawn; BadRequest when there is neither."""
    notice_version, collected_by = notice_version.strip(), collected_by.strip()
    if notice_version or collected_by:
        if not (notice_version and collected_by):
            raise BadRequest("a consent record needs both the notice version and who "
                             "collected it", "consent_incomplete")
        if len(notice_version) > 64 or len(collected_by) > 200:
            raise BadRequest("the notice version (64) or the collector (200) is too long",
                             "consent_too_long")
        return people.ConsentIn(uuid.uuid4(), utc_now(), notice_version, collected_by)
    record = session.scalars(
        select(ConsentRecord).where(ConsentRecord.person_id == person_id,
                                    ConsentRecord.withdrawn_at.is_(None))
        .order_by(ConsentRecord.given_at.desc())).first()
    if record is None:
        raise BadRequest("no consent on record for this person: give the notice version "
                         "they agreed to and who collected their consent", "no_consent")
    return people.ConsentIn(record.id, record.given_at, record.notice_version,
                            record.collected_by)


def store_enrolment(session: Session, person_id: uuid.UUID, analysis: Analysis,
                    consent: people.ConsentIn, min_accepted: int, *, actor: str,
                    confirmed_different: Sequence[uuid.UUID] = (),
                    detail: dict[str, Any] | None = None) -> list[uuid.UUID]:
    """Store the accepted templates and chips (encrypted) and publish the templates.

    Refused (BadRequest, nothing stored) with fewer than ``min_accepted`` accepted photos:
    the kiosk's own rule, since a template or two from one sitting recognizes poorly.
    Refused (lookalikes.AlreadyEnrolled, 409) when the face is another person's, unless that
    person is in ``confirmed_different`` (an admin's confirmation, recorded by ``actor``).
    """
    if analysis.accepted < min_accepted:
        raise BadRequest(f"only {analysis.accepted} photos were accepted; at least "
                         f"{min_accepted} are needed", "too_few_photos",
                         accepted=analysis.accepted, needed=min_accepted)
    lookalikes.check(session, person_id, analysis.recognizer_id, analysis.embeddings,
                     analysis.guard_threshold, confirmed_different, actor)
    return people.enroll(session, person_id, analysis.recognizer_id, consent,
                         analysis.embeddings, analysis.chips, source_kiosk_id=None,
                         actor=actor, detail={"rejected": len(analysis.rejected),
                                              **(detail or {})})

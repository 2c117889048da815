"""Switching model packs: rebuild every person's templates from their stored face chips.

Embeddings are comparable only within one recognizer, so a kiosk that moves to another pack
(a better recognizer installed, or the site's choice) never mixes vectors: it re-embeds the
aligned enrolment chips it kept (canonical 256 px crops, recognizer independent) with the new
recognizer and stores those templates beside the old ones. Nobody has to stand in front of the
camera again. Runs on a worker thread (start-up of the recognizer worker, or the command).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from faceid.enrollment import rebuild_templates

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]  # (done, total, person name)
CANONICAL = "canonical-256"


@dataclass(frozen=True)
class ReenrollReport:
    recognizer_id: str
    rebuilt: int  # people who got templates for this recognizer now
    already: int  # people who had them
    without_chips: int  # people with templates of another recognizer only and no chips
    failed: int  # chips that could not be decoded or embedded


def people_needing_templates(store: Any, recognizer_id: str) -> tuple[list[Any], int]:
    """(people without templates of ``recognizer_id`` but enrolled otherwise, already done)."""
    needing, already = [], 0
    for person in store.biometrics.people():
        enrolled = store.biometrics.recognizers_enrolled(person.id)
        if recognizer_id in enrolled:
            already += 1
        elif enrolled:
            needing.append(person)
    return needing, already


def reenroll_from_chips(store: Any, embedder: Any, progress: Progress | None = None
                        ) -> ReenrollReport:
    """Give every enrolled person templates of ``embedder.recognizer_id`` from their chips."""
    recognizer_id = str(embedder.recognizer_id)
    needing, already = people_needing_templates(store, recognizer_id)
    rebuilt = without_chips = failed = 0
    for done, person in enumerate(needing, start=1):
        chips = store.biometrics.chips_for(person.id)
        images = [image for image in map(_decode, chips) if image is not None]
        failed += len(chips) - len(images)
        if not images:
            without_chips += 1
            log.warning("%s (%s) has no usable chips: enrol again for %s", person.display_name,
                        person.id, recognizer_id)
        else:
            embeddings = rebuild_templates(embedder, images).astype(np.float32)
            store.biometrics.save_enrollment(person.id, recognizer_id, embeddings)
            rebuilt += 1
        if progress is not None:
            progress(done, len(needing), person.display_name)
    if needing:
        log.info("re-enrolled %d of %d people for %s from stored chips (%d without chips)",
                 rebuilt, len(needing), recognizer_id, without_chips)
    return ReenrollReport(recognizer_id, rebuilt, already, without_chips, failed)


def _decode(chip: Any) -> Any:
    if chip.alignment.get("template") != CANONICAL:
        log.warning("skipping a chip aligned as %r (expected %s)",
                    chip.alignment.get("template"), CANONICAL)
        return None
    image = cv2.imdecode(np.frombuffer(chip.image, dtype=np.uint8), cv2.IMREAD_COLOR)
    return image

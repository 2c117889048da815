"""The duplicate guard of kiosk enrolment: one face, one person.

Before a kiosk stores a new enrolment, its templates are compared (cosine) with the stored
templates of every OTHER person of the same recognizer. Anyone at or above the 1:1
verification threshold (faceid.operating_point.verification_threshold: FMR <= 1e-4 on
the pack's calibration photos) is probably the same face under a second name, and the
enrolment is refused as "already enrolled as <name, code>". Twins and siblings are confirmed
as different people by an admin: on the server's enrolment page, or at the kiosk's admin
screen (the enrolment then goes ahead, both need face + code here at once, and the upload
carries the confirmation: the server records the pair when the enrolment is approved); a
kiosk never overrides the guard without an admin's confirmation.
Runs on the inference worker thread (or the CLI thread for ``kiosk enroll``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import numpy as np

from faceid.types import FloatArray
from kiosk.store import KioskStore


@dataclass(frozen=True)
class AlreadyEnrolled:
    person_id: UUID
    display_name: str
    employee_code: str | None
    score: float

    def message(self) -> str:
        return (f"already enrolled as {self.display_name} ({self.employee_code or '-'}), "
                f"score {self.score:.2f}: if they are different people, an admin confirms it "
                "and enrols again")


def guard_threshold(pack: Any) -> float:
    """The pack's 1:1 verification threshold (cosine)."""
    from faceid.operating_point import verification_threshold
    from faceid.score_tails import load_calibration

    return verification_threshold(load_calibration(pack.recognizer_id),
                                  float(pack.thresholds.match))


def already_enrolled(store: KioskStore, pack: Any, person_id: UUID,
                     embeddings: FloatArray) -> AlreadyEnrolled | None:
    """The other person the new templates resemble most, when at or above the threshold."""
    owners, matrix = store.biometrics.templates_for(pack.recognizer_id)
    new = np.atleast_2d(np.asarray(embeddings, dtype=np.float32))
    if not owners or matrix.shape[1] != new.shape[1]:
        return None
    scores = (matrix @ new.T).max(axis=1)
    others = np.array([owner != person_id for owner in owners])
    if not others.any():
        return None
    best = int(np.flatnonzero(others)[np.argmax(scores[others])])
    if float(scores[best]) < guard_threshold(pack):
        return None
    person = store.biometrics.person(owners[best])
    if person is None:
        return None
    return AlreadyEnrolled(person.id, person.display_name, person.employee_code,
                           float(scores[best]))

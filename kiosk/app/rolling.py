"""Rolling templates at check-in: which decisions may keep the face's template.

A MATCH may offer its track's template (the unit mean of the track's last gated embeddings,
faceid.code_policy) to the person's rolling set (kiosk.store.rolling) when, with
``vision.rolling_templates`` on:

- liveness took part and passed (``liveness_score`` set on a MATCH);
- the template scores at least ``vision.rolling_above`` over the 1:N threshold deciding now
  against the person's own templates (cosine; default 0.05: far above, not just above);
- it leads every other person by at least ``vision.rolling_margin`` (default 0.10);
- it scores under the 1:1 verification threshold against every other person (the
  enrolment duplicate guard's rule: a rolling template never looks like someone else).

Off by default: a kiosk enrolment waits for HR's review on the server, and a rolling
template is the one biometric change that does not; a site turns it on knowingly (the
server still refuses one that looks like another person). The offer is computed on the
inference worker thread, and kept by the desk only after the punch is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import numpy as np

from faceid.types import FloatArray
from kiosk.settings import VisionSettings


@dataclass(frozen=True)
class RollingOffer:
    """A template a MATCH offers to ``person_id``'s rolling set, with its evidence (cosine)."""

    person_id: UUID
    recognizer_id: str
    vector: FloatArray = field(compare=False, repr=False)
    own_score: float  # best score against the person's own templates
    other_score: float  # best score against anyone else (-1.0: nobody else enrolled)
    threshold_1n: float
    threshold_1to1: float

    def details(self) -> dict[str, object]:
        """The evidence, rounded, for the audit entry."""
        return {"own_score": round(self.own_score, 4), "other_score": round(self.other_score, 4),
                "threshold_1n": round(self.threshold_1n, 4),
                "threshold_1to1": round(self.threshold_1to1, 4)}


def offer_for(vision: VisionSettings, gallery: Any, recognizer_id: str, person_id: UUID,
              vector: FloatArray | None, live: bool, threshold_1n: float,
              threshold_1to1: float) -> RollingOffer | None:
    """The offer of a MATCH of ``person_id`` (``vector``: its track's template), or None
    when a rule above says no. ``gallery`` is the faceid.matcher.Gallery deciding now."""
    if not vision.rolling_templates or vector is None or not live:
        return None
    people, scores = gallery.person_scores(vector)
    own, other = -1.0, -1.0
    for owner, score in zip(people, np.asarray(scores).tolist(), strict=True):
        if owner == person_id:
            own = max(own, float(score))
        else:
            other = max(other, float(score))
    if own < threshold_1n + vision.rolling_above or own - other < vision.rolling_margin:
        return None
    if other >= threshold_1to1:
        return None
    return RollingOffer(person_id, recognizer_id, np.asarray(vector, dtype=np.float32), own,
                        other, threshold_1n, threshold_1to1)

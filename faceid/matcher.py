"""The gallery of enrolled templates and the 1:N / 1:1 matcher.

A Gallery holds L2-normalised float32 templates (several per person, keyed by person UUID) of
ONE recognizer: adding a template made by another recognizer raises GalleryError, because
embeddings of different models are not comparable. Scores are cosine similarities in [-1, 1].

1:N ``identify``: one matrix product of the probe against every template (a contiguous
(N, dim) float32 matrix, templates grouped by person), the best score per person by
``np.maximum.reduceat``, then top-1 and top-2 (best score of a DIFFERENT person). Accepted when
top-1 >= ``match_threshold`` and top-1 - top-2 >= ``margin``; else "unknown" with the reason.

Large galleries (``prefilter_min_templates``, default 16,384 templates and more) are searched
in two steps with the same result: an int8 copy bounds every template's score in one cheap
pass (faceid.search_index), the best few are scored exactly to learn the second-best
person's exact score, and every template whose upper bound reaches it is scored exactly in
float32. Top-1, top-2 and both scores are the exhaustive search's (tests/faceid/
test_matcher.py compares them on real embeddings); about an eighth of the bytes are read
for the Intel pack's 256-d templates. scripts/bench_search.py times both on one gallery.

1:1 ``verify``: the probe against the claimed person's templates only (PIN/QR/badge path).

Not thread-safe: build it, then use it from one (worker) thread, or rebuild and swap. With
``index_off_thread`` the int8 copy of a large gallery (2-3 s at 100,000 templates on the
kiosk) is built on its own thread ("gallery-index") after each change; until it is ready the
search is exhaustive (same answers, slower), and it is taken into use by the next search.
``prepare`` packs the templates and starts that build ahead of the first search.
"""

from __future__ import annotations

import enum
import logging
import threading
from dataclasses import dataclass
from uuid import UUID

import numpy as np
import numpy.typing as npt

from faceid.errors import FaceIdError, GalleryError
from faceid.search_index import QuantizedIndex
from faceid.types import FloatArray

log = logging.getLogger(__name__)

NORM_TOLERANCE = 1e-3
PREFILTER_MIN_TEMPLATES = 16_384  # below this the exact product costs well under 1 ms
SEED_CANDIDATES = 16  # templates scored exactly first, for a floor on the second person
PREFILTER_MAX_SHARE = 0.125  # more templates than this share to re-score: search exhaustively


class MatchDecision(enum.Enum):
    ACCEPTED = "accepted"
    BELOW_THRESHOLD = "below_threshold"  # unknown: best score under the match threshold
    AMBIGUOUS = "ambiguous"  # unknown: two people too close (top-1 - top-2 < margin)
    EMPTY_GALLERY = "empty_gallery"  # unknown: nobody enrolled
    REJECTED = "rejected"  # 1:1: the probe is not the claimed person


@dataclass(frozen=True)
class Match:
    """``person_id`` is None unless ``decision`` is ACCEPTED. Scores are cosine similarities;
    ``second_score`` is the best score of another person (-1.0 when there is none)."""

    person_id: UUID | None
    score: float
    second_score: float
    decision: MatchDecision
    best_candidate: UUID | None = None  # top-1 person even when not accepted (for logs)

    @property
    def accepted(self) -> bool:
        return self.decision is MatchDecision.ACCEPTED


def normalise_rows(rows: npt.ArrayLike) -> FloatArray:
    """(N, dim) float32 C-contiguous rows scaled to unit length (zero rows raise GalleryError)."""
    matrix = np.atleast_2d(np.asarray(rows, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    if matrix.size and (norms < 1e-6).any():
        raise GalleryError("a template is all zeros")
    return np.ascontiguousarray(matrix / norms, dtype=np.float32)


class Gallery:
    """Templates of one recognizer: person UUID -> (k, dim) rows. See the module docstring."""

    def __init__(self, recognizer_id: str, match_threshold: float = 0.5,
                 margin: float = 0.05,
                 prefilter_min_templates: int = PREFILTER_MIN_TEMPLATES,
                 index_off_thread: bool = False) -> None:
        self.recognizer_id = recognizer_id
        self.index_off_thread = index_off_thread
        self._index_thread: threading.Thread | None = None
        self._built: tuple[FloatArray, QuantizedIndex | None] | None = None  # (for matrix, index)
        self.match_threshold = match_threshold
        self.margin = margin
        self.prefilter_min_templates = prefilter_min_templates
        self._index: QuantizedIndex | None = None
        self._owner = np.zeros(0, dtype=np.int64)  # template row -> index in _people
        self.prefilter_answered = 0  # identify calls the pre-filter answered (for tests, logs)
        self._chunks: dict[UUID, list[FloatArray]] = {}
        self._dim: int | None = None
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._people: list[UUID] = []
        self._starts = np.zeros(0, dtype=np.int64)
        self._dirty = False

    def add(self, person_id: UUID, embeddings: npt.ArrayLike,
            recognizer_id: str | None = None) -> None:
        """Add (k, dim) or (dim,) templates of ``person_id`` (normalised here if they are not).

        ``recognizer_id`` (default: the gallery's) must equal the gallery's: GalleryError if not.
        """
        if recognizer_id is not None and recognizer_id != self.recognizer_id:
            raise GalleryError(f"template of recognizer {recognizer_id!r} cannot join a gallery "
                               f"of {self.recognizer_id!r}: re-enroll or rebuild templates")
        rows = normalise_rows(embeddings)
        if rows.shape[0] == 0:
            return
        if self._dim is None:
            self._dim = rows.shape[1]
        elif rows.shape[1] != self._dim:
            raise GalleryError(f"template length {rows.shape[1]} differs from the gallery's "
                               f"{self._dim} ({self.recognizer_id})")
        self._chunks.setdefault(UUID(str(person_id)), []).append(rows)
        self._dirty = True

    def remove(self, person_id: UUID) -> bool:
        """Drop every template of ``person_id``; False if there were none."""
        removed = self._chunks.pop(UUID(str(person_id)), None) is not None
        self._dirty = self._dirty or removed
        return removed

    def __len__(self) -> int:
        """Number of templates."""
        return sum(chunk.shape[0] for chunks in self._chunks.values() for chunk in chunks)

    @property
    def prefiltered(self) -> bool:
        """Whether identify goes through the int8 pre-filter now (a large gallery; with
        ``index_off_thread``, once its index is built)."""
        self._compile()
        self._adopt_index()
        return self._index is not None

    def prepare(self) -> None:
        """Pack the templates now (and start building the int8 index, off this thread with
        ``index_off_thread``), not on the first search."""
        self._compile()

    def wait_for_index(self, timeout_s: float = 60.0) -> bool:
        """Wait up to ``timeout_s`` s for an index being built off-thread; True when the
        pre-filter is in use afterwards."""
        self._compile()
        thread = self._index_thread
        if thread is not None:
            thread.join(timeout_s)
        return self.prefiltered

    @property
    def people(self) -> list[UUID]:
        return list(self._chunks)

    def templates_of(self, person_id: UUID) -> FloatArray:
        chunks = self._chunks.get(UUID(str(person_id)))
        if not chunks:
            raise GalleryError(f"person {person_id} has no templates in this gallery")
        return np.concatenate(chunks)

    def _compile(self) -> None:
        """Pack the templates into one contiguous matrix grouped by person (after changes)."""
        if not self._dirty:
            return
        self._people = list(self._chunks)
        blocks = [np.concatenate(self._chunks[p]) for p in self._people]
        counts = np.array([b.shape[0] for b in blocks], dtype=np.int64)
        self._starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self._matrix = (np.ascontiguousarray(np.concatenate(blocks)) if blocks
                        else np.zeros((0, self._dim or 0), dtype=np.float32))
        self._owner = np.repeat(np.arange(len(blocks), dtype=np.int64), counts)
        self._index = None
        self._dirty = False
        if self._matrix.shape[0] < max(self.prefilter_min_templates, 2 * SEED_CANDIDATES):
            return
        if not self.index_off_thread:
            self._index = _build_index(self._matrix)
            return
        self._index_thread = threading.Thread(target=self._build_off_thread,
                                              args=(self._matrix,), name="gallery-index",
                                              daemon=True)
        self._index_thread.start()

    def _build_off_thread(self, matrix: FloatArray) -> None:
        """The "gallery-index" thread: the index of ``matrix`` (read only here)."""
        self._built = (matrix, _build_index(matrix))

    def _adopt_index(self) -> None:
        """Use the index built off-thread once it is ready, if it is this matrix's."""
        built = self._built
        if built is not None and built[0] is self._matrix:
            self._index, self._built = built[1], None

    def _probe(self, embedding: npt.ArrayLike) -> FloatArray:
        probe = np.asarray(embedding, dtype=np.float32).reshape(-1)
        if self._dim is not None and probe.shape[0] != self._dim:
            raise GalleryError(f"probe length {probe.shape[0]} differs from the gallery's "
                               f"{self._dim} ({self.recognizer_id})")
        norm = float(np.linalg.norm(probe))
        if abs(norm - 1.0) > NORM_TOLERANCE:
            probe = probe / max(norm, 1e-6)
        return probe

    def person_scores(self, embedding: npt.ArrayLike) -> tuple[list[UUID], FloatArray]:
        """(people, best cosine score of each person's templates against the probe)."""
        self._compile()
        if not self._people:
            return [], np.zeros(0, dtype=np.float32)
        scores = self._matrix @ self._probe(embedding)
        return self._people, np.maximum.reduceat(scores, self._starts)

    def identify(self, embedding: npt.ArrayLike, match_threshold: float | None = None,
                 margin: float | None = None) -> Match:
        """1:N: who is this? Thresholds default to the gallery's (cosine similarity)."""
        threshold = self.match_threshold if match_threshold is None else match_threshold
        margin = self.margin if margin is None else margin
        self._compile()
        if not self._people:
            return Match(None, -1.0, -1.0, MatchDecision.EMPTY_GALLERY)
        probe = self._probe(embedding)
        self._adopt_index()
        index = self._index
        ranked = self._prefiltered_top_two(index, probe) if index is not None else None
        top, top_score, second_score = ranked if ranked is not None else self._top_two(probe)
        candidate = self._people[top]
        if top_score < threshold:
            decision = MatchDecision.BELOW_THRESHOLD
        elif top_score - second_score < margin:
            decision = MatchDecision.AMBIGUOUS
        else:
            return Match(candidate, top_score, second_score, MatchDecision.ACCEPTED, candidate)
        return Match(None, top_score, second_score, decision, candidate)

    def _top_two(self, probe: FloatArray) -> tuple[int, float, float]:
        """Exhaustive: (index of the best person, their score, the next person's or -1)."""
        best = np.maximum.reduceat(self._matrix @ probe, self._starts)
        if best.shape[0] == 1:
            return 0, float(best[0]), -1.0
        two = np.argpartition(-best, 1)[:2]
        top, second = (int(two[0]), int(two[1])) if best[two[0]] >= best[two[1]] else (
            int(two[1]), int(two[0]))
        return top, float(best[top]), float(best[second])

    def _prefiltered_top_two(self, index: QuantizedIndex,
                             probe: FloatArray) -> tuple[int, float, float] | None:
        """The exhaustive answer through the int8 bounds (module docstring); None when the
        bounds leave too many templates to re-score (then search exhaustively)."""
        approximate, upper = index.approximate(probe)
        seeds = np.argpartition(-approximate, SEED_CANDIDATES)[:SEED_CANDIDATES]
        floor = _ranked_people(self._owner[seeds], self._matrix[seeds] @ probe)[2]
        rows = np.flatnonzero(upper >= floor)
        if rows.shape[0] > PREFILTER_MAX_SHARE * self._matrix.shape[0]:
            return None
        self.prefilter_answered += 1
        return _ranked_people(self._owner[rows], self._matrix[rows] @ probe)

    def verify(self, embedding: npt.ArrayLike, person_id: UUID,
               match_threshold: float | None = None) -> Match:
        """1:1: is this the claimed person? GalleryError if they have no templates."""
        threshold = self.match_threshold if match_threshold is None else match_threshold
        templates = self.templates_of(person_id)
        score = float((templates @ self._probe(embedding)).max())
        accepted = score >= threshold
        claimed = UUID(str(person_id))
        return Match(claimed if accepted else None, score, -1.0,
                     MatchDecision.ACCEPTED if accepted else MatchDecision.REJECTED, claimed)


def _build_index(matrix: FloatArray) -> QuantizedIndex | None:
    """The int8 pre-filter of ``matrix``; None (exhaustive search) when it cannot be built."""
    try:
        return QuantizedIndex(matrix)
    except (ImportError, FaceIdError) as exc:  # still right, only slower
        log.warning("1:N pre-filter unavailable, searching exhaustively: %s", exc)
        return None


def _ranked_people(owners: npt.NDArray[np.int64],
                   scores: FloatArray) -> tuple[int, float, float]:
    """(best person, their best score, the best score of anyone else or -1) among rows
    owned by ``owners`` (person indices) with exact ``scores``."""
    order = np.argsort(-scores, kind="stable")
    top = int(owners[order[0]])
    others = order[owners[order] != top]
    second = float(scores[others[0]]) if others.shape[0] else -1.0
    return top, float(scores[order[0]]), second

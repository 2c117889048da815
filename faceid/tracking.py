"""A small IoU tracker: the same face in consecutive frames keeps the same track id.

Each frame, detections are matched greedily (highest IoU first) to the live tracks; a pair
counts when IoU >= ``min_iou`` (default 0.3: at 15 fps a walking face moves far less than a
third of its width between frames). Unmatched detections open new tracks; a track unseen for
more than ``max_missed`` frames (default 5) is closed. Pure logic, no clock; runs on the
pipeline's worker thread.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]  # x, y, w, h in pixels


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x, y, w, h) boxes, in [0, 1]."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


@dataclass
class Track:
    track_id: int
    box: Box
    missed: int = 0


class IouTracker:
    """Assigns track ids to the boxes of each frame; ``closed`` lists ids ended last update."""

    def __init__(self, min_iou: float = 0.3, max_missed: int = 5) -> None:
        self.min_iou = min_iou
        self.max_missed = max_missed
        self._tracks: dict[int, Track] = {}
        self._ids = itertools.count(1)
        self.closed: list[int] = []

    def update(self, boxes: list[Box]) -> list[int]:
        """Track id of each box, in the order given."""
        track_ids = list(self._tracks)
        pairs = []
        for t_index, track_id in enumerate(track_ids):
            for b_index, box in enumerate(boxes):
                overlap = iou(self._tracks[track_id].box, box)
                if overlap >= self.min_iou:
                    pairs.append((overlap, t_index, b_index))
        assigned: list[int | None] = [None] * len(boxes)
        used_tracks: set[int] = set()
        for _, t_index, b_index in sorted(pairs, reverse=True):
            if t_index in used_tracks or assigned[b_index] is not None:
                continue
            used_tracks.add(t_index)
            assigned[b_index] = track_ids[t_index]
        self.closed = []
        for t_index, track_id in enumerate(track_ids):
            if t_index not in used_tracks:
                track = self._tracks[track_id]
                track.missed += 1
                if track.missed > self.max_missed:
                    del self._tracks[track_id]
                    self.closed.append(track_id)
        result = []
        for b_index, box in enumerate(boxes):
            known = assigned[b_index]
            track_id = next(self._ids) if known is None else known
            self._tracks[track_id] = Track(track_id, tuple(np.asarray(box, float).tolist()))
            result.append(track_id)
        return result

    def reset(self) -> None:
        self.closed = list(self._tracks)
        self._tracks.clear()

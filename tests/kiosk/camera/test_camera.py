"""Camera sources and the reader thread on real files: images, a real video, a vanishing folder."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.camera import (
    CameraReader,
    CameraStatus,
    FolderSource,
    LatestFrameBuffer,
    OpenCvSource,
    open_source,
)
from kiosk.camera.frames import Frame
from kiosk.errors import CameraError


def _frame(seq: int) -> Frame:
    from datetime import UTC, datetime

    return Frame(image=np.zeros((4, 4, 3), np.uint8), captured_at=datetime.now(UTC), seq=seq,
                 monotonic_s=time.monotonic())


def _write_images(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        image = np.full((48, 64, 3), 40 * index, np.uint8)
        cv2.imwrite(str(folder / f"img_{index:02d}.png"), image)


def _wait_for(predicate, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_latest_frame_buffer_keeps_newest_and_counts_drops() -> None:
    buffer = LatestFrameBuffer()
    for seq in range(5):
        buffer.put(_frame(seq))
    taken = buffer.get(0.1)
    assert taken is not None and taken.seq == 4
    assert buffer.dropped_count == 4 and buffer.put_count == 5
    assert buffer.get(0.05) is None  # nothing new: a timeout, not an old frame


def test_folder_source_holds_each_image_then_blank_frames(tmp_path: Path) -> None:
    _write_images(tmp_path / "cam", 2)
    source = FolderSource(tmp_path / "cam", hold_frames=3, blank_frames=1)
    source.open()
    frames = []
    while (image := source.read()) is not None:
        frames.append(image)
    assert len(frames) == 2 * (3 + 1)
    assert int(frames[0].mean()) == 0 and int(frames[4].mean()) == 40
    assert int(frames[3].mean()) == 96  # the blank frame between people


def test_open_source_rejects_unknown_spec_and_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(CameraError, match="not a device index"):
        open_source(str(tmp_path / "nothing-here"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CameraError, match="no images"):
        open_source(str(empty)).open()


def test_gstreamer_and_picamera2_specs_fail_cleanly_where_unavailable() -> None:
    for spec in ("gst:videotestsrc num-buffers=1 ! appsink", "picamera2"):
        source = open_source(spec)
        try:
            source.open()
        except CameraError as exc:
            assert str(exc)
        else:  # the platform has it: then it must deliver a frame
            image = source.read()
            assert image is not None and image.ndim == 3
        finally:
            source.close()


def test_video_file_source_reads_a_real_video(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    for index in range(12):
        writer.write(np.full((48, 64, 3), 10 * index, np.uint8))
    writer.release()
    source = open_source(str(path))
    assert isinstance(source, OpenCvSource)
    source.open()
    count = 0
    while source.read() is not None:
        count += 1
    source.close()
    assert count == 12 and source.fps == pytest.approx(10.0)


def test_reader_drops_frames_when_consumer_is_slow(tmp_path: Path) -> None:
    _write_images(tmp_path / "cam", 3)
    buffer = LatestFrameBuffer()
    reader = CameraReader(FolderSource(tmp_path / "cam", hold_frames=20, blank_frames=0),
                          [buffer], realtime=False)
    reader.start()
    assert _wait_for(lambda: reader.status is CameraStatus.ENDED)
    reader.stop()
    assert reader.frames_read == 60
    assert buffer.dropped_count > 0
    assert buffer.put_count == 60


def test_reader_lockstep_delivers_every_frame(tmp_path: Path) -> None:
    _write_images(tmp_path / "cam", 2)
    buffer = LatestFrameBuffer()
    reader = CameraReader(FolderSource(tmp_path / "cam", hold_frames=5, blank_frames=0),
                          [buffer], realtime=False, lockstep=True)
    reader.start()
    seen = []
    while len(seen) < 10:
        frame = buffer.get(2.0)
        assert frame is not None
        seen.append(frame.seq)
    reader.stop()
    assert seen == list(range(10)) and buffer.dropped_count == 0


def test_reader_reports_offline_then_recovers(tmp_path: Path) -> None:
    folder = tmp_path / "cam"
    _write_images(folder, 2)
    statuses: list[CameraStatus] = []
    buffer = LatestFrameBuffer()
    reader = CameraReader(FolderSource(folder, fps=50, hold_frames=3, blank_frames=1, loop=True),
                          [buffer], on_status=lambda s, _d: statuses.append(s),
                          retry_initial_s=0.05, retry_max_s=0.2)
    reader.start()
    try:
        assert _wait_for(lambda: CameraStatus.LIVE in statuses)
        hidden = tmp_path / "unplugged"
        folder.rename(hidden)  # the camera goes away
        assert _wait_for(lambda: reader.status is CameraStatus.OFFLINE)
        failures = reader.failures
        assert _wait_for(lambda: reader.failures > failures)  # it keeps retrying
        hidden.rename(folder)  # and comes back
        assert _wait_for(lambda: reader.status is CameraStatus.LIVE)
        before = reader.frames_read
        assert _wait_for(lambda: reader.frames_read > before + 3)
        assert reader.status is CameraStatus.LIVE  # and stays live (resumes mid-sequence)
    finally:
        reader.stop()
        shutil.rmtree(tmp_path / "unplugged", ignore_errors=True)
    assert not reader.is_alive()
    assert statuses[-1] is CameraStatus.STOPPED
    assert statuses.index(CameraStatus.OFFLINE) < len(statuses) - 2

"""Frame sources: V4L2 device, GStreamer pipeline, Picamera2, video file, image folder.

Every source satisfies ``FrameSource``: ``open()`` then ``read()`` repeatedly, ``close()``.
``read`` returns a BGR uint8 image, or None at the end of a finite stream (file, folder
without looping); a source that fails raises kiosk.errors.CameraError. Sources run on the
camera thread only (CameraReader); none of them is thread-safe.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from faceid.types import ImageBGR
from kiosk.errors import CameraError

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
VIDEO_SUFFIXES = (".mp4", ".avi", ".mkv", ".mov", ".webm", ".m4v", ".mjpeg")


class FrameSource(Protocol):
    """A camera or a recording. ``is_live`` sources pace themselves; others are paced at ``fps``."""

    name: str
    is_live: bool
    fps: float

    def open(self) -> None: ...

    def read(self) -> ImageBGR | None: ...

    def close(self) -> None: ...


class OpenCvSource:
    """cv2.VideoCapture over a V4L2 index, a GStreamer pipeline string or a video file.

    A device that stops delivering raises CameraError (unplugged); a video file that ends
    returns None, or starts again when ``loop`` is true.
    """

    def __init__(self, target: int | str, *, api: int = cv2.CAP_ANY, is_live: bool,
                 width: int = 0, height: int = 0, fps: float = 15.0, loop: bool = False) -> None:
        self.name = f"opencv:{target}"
        self.is_live = is_live
        self.fps = fps
        self._target = target
        self._api = api
        self._size = (width, height)
        self._loop = loop
        self._capture: Any = None

    def open(self) -> None:
        capture = cv2.VideoCapture(self._target, self._api)
        if not capture.isOpened():
            capture.release()
            hint = ""
            if self._api == cv2.CAP_GSTREAMER:
                hint = " (this OpenCV build may lack GStreamer: check cv2.getBuildInformation())"
            raise CameraError(f"cannot open camera {self._target!r}{hint}")
        if self.is_live and self._size[0] > 0:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, self._size[0])
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self._size[1])
            capture.set(cv2.CAP_PROP_FPS, self.fps)
        if not self.is_live:
            file_fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
            if 1.0 <= file_fps <= 240.0:
                self.fps = file_fps
        self._capture = capture

    def read(self) -> ImageBGR | None:
        if self._capture is None:
            raise CameraError(f"{self.name} is not open")
        ok, image = self._capture.read()
        if ok and image is not None:
            return _as_bgr(image)
        if self.is_live:
            raise CameraError(f"camera {self._target!r} stopped delivering frames")
        if self._loop:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._capture.read()
            if ok and image is not None:
                return _as_bgr(image)
        return None

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class FolderSource:
    """The images of a folder, sorted by name, each held for ``hold_frames`` frames.

    ``blank_frames`` empty grey frames follow each image (a face leaving, the next one
    entering), which is what a door camera sees between people. Files are read from disk on
    every new image, so a folder that disappears fails like an unplugged camera
    (CameraError) and works again when it comes back.
    """

    def __init__(self, folder: Path, *, fps: float = 15.0, hold_frames: int = 8,
                 blank_frames: int = 2, loop: bool = False) -> None:
        self.name = f"folder:{folder}"
        self.is_live = False
        self.fps = fps
        self._folder = folder
        self._hold = max(1, hold_frames)
        self._blank = max(0, blank_frames)
        self._loop = loop
        self._files: list[Path] = []
        self._position = 0  # frame index within the whole sequence
        self._current: ImageBGR | None = None

    def open(self) -> None:
        """List the folder's images; re-opening resumes where the sequence stopped."""
        if not self._folder.is_dir():
            raise CameraError(f"image folder {self._folder} is missing")
        self._files = sorted(p for p in self._folder.iterdir()
                             if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._files:
            raise CameraError(f"image folder {self._folder} holds no images")
        self._position %= (self._hold + self._blank) * len(self._files)
        self._current = None

    def read(self) -> ImageBGR | None:
        per_image = self._hold + self._blank
        total = per_image * len(self._files)
        if self._position >= total:
            if not self._loop:
                return None
            self._position = 0
        index, offset = divmod(self._position, per_image)
        self._position += 1
        if offset == 0 or self._current is None:  # a new image, or re-opened mid-image
            self._current = _read_image(self._files[index])
        if offset >= self._hold:
            return np.full_like(self._current, 96)
        return self._current

    def close(self) -> None:
        self._current = None

    @property
    def image_count(self) -> int:
        return len(self._files)


class Picamera2Source:
    """A Raspberry Pi camera module through libcamera's Picamera2 (only where importable)."""

    def __init__(self, *, width: int = 1280, height: int = 720, fps: float = 15.0) -> None:
        self.name = "picamera2"
        self.is_live = True
        self.fps = fps
        self._size = (width, height)
        self._camera: Any = None

    def open(self) -> None:
        try:
            from picamera2 import Picamera2  # type: ignore[import-not-found]
        except ImportError as exc:
            raise CameraError("picamera2 is not installed (Raspberry Pi OS: "
                              "apt install python3-picamera2)") from exc
        try:
            camera = Picamera2()
            config = camera.create_video_configuration(
                main={"size": self._size, "format": "BGR888"},
                controls={"FrameRate": self.fps})
            camera.configure(config)
            camera.start()
        except Exception as exc:  # libcamera raises RuntimeError, IndexError, OSError...
            raise CameraError(f"cannot start the Pi camera: {exc}") from exc
        self._camera = camera

    def read(self) -> ImageBGR | None:
        if self._camera is None:
            raise CameraError("picamera2 source is not open")
        try:
            image = self._camera.capture_array("main")
        except Exception as exc:  # see open()
            raise CameraError(f"Pi camera stopped delivering frames: {exc}") from exc
        return _as_bgr(np.asarray(image))

    def close(self) -> None:
        if self._camera is not None:
            try:
                self._camera.stop()
                self._camera.close()
            except Exception as exc:  # closing a dead camera must not mask the first error
                log.debug("closing the Pi camera failed: %s", exc)
            self._camera = None


def open_source(spec: str, *, width: int = 1280, height: int = 720, fps: float = 15.0,
                loop: bool = False, hold_frames: int = 8, blank_frames: int = 2) -> FrameSource:
    """Build (not open) the source a settings string names.

    "0", "1", ...: V4L2 device index; "/dev/videoN": device path; "gst:<pipeline>" or a
    string containing " ! ": GStreamer (e.g. Jetson CSI via nvarguscamerasrc, ending in
    appsink); "picamera2": Raspberry Pi camera; an existing directory: image folder; an
    existing file: video. Raises CameraError for anything else.
    """
    text = spec.strip()
    if text.isdigit():
        return OpenCvSource(int(text), api=cv2.CAP_V4L2, is_live=True, width=width,
                            height=height, fps=fps)
    if text.startswith("/dev/video"):
        return OpenCvSource(text, api=cv2.CAP_V4L2, is_live=True, width=width, height=height,
                            fps=fps)
    if text.startswith("gst:") or " ! " in text:
        pipeline = text.removeprefix("gst:").strip()
        return OpenCvSource(pipeline, api=cv2.CAP_GSTREAMER, is_live=True, fps=fps)
    if text.lower() == "picamera2":
        return Picamera2Source(width=width, height=height, fps=fps)
    path = Path(text).expanduser()
    if path.is_dir():
        return FolderSource(path, fps=fps, hold_frames=hold_frames, blank_frames=blank_frames,
                            loop=loop)
    if path.is_file():
        return OpenCvSource(str(path), is_live=False, fps=fps, loop=loop)
    raise CameraError(f"camera source {spec!r} is not a device index, /dev/video path, "
                      "'gst:' pipeline, 'picamera2', image folder or video file")


def _read_image(path: Path) -> ImageBGR:
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise CameraError(f"cannot read image {path}")
    return _as_bgr(image)


def _as_bgr(image: np.ndarray) -> ImageBGR:
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return np.ascontiguousarray(image, dtype=np.uint8)

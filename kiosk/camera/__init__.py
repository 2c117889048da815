"""Camera sources and the bounded latest-frame buffer (no Qt, no vision).

Public surface:
    Frame                 one captured image with its UTC capture time and sequence number
    FrameSource           protocol every source satisfies (open / read / close)
    open_source(spec)     a source from a settings string: "0" (V4L2 index), "gst:<pipeline>",
                          "picamera2", a video file, or an image folder
    LatestFrameBuffer     holds only the newest frame; older unread frames are dropped and counted
    CameraReader          plain thread: source -> buffers, retries a failing source with backoff
    CameraStatus          enum of the reader's states (STARTING, LIVE, OFFLINE, ENDED, STOPPED)
"""

from kiosk.camera.buffer import LatestFrameBuffer
from kiosk.camera.frames import Frame
from kiosk.camera.reader import CameraReader, CameraStatus
from kiosk.camera.sources import (
    FolderSource,
    FrameSource,
    OpenCvSource,
    Picamera2Source,
    open_source,
)

__all__ = [
    "CameraReader",
    "CameraStatus",
    "FolderSource",
    "Frame",
    "FrameSource",
    "LatestFrameBuffer",
    "OpenCvSource",
    "Picamera2Source",
    "open_source",
]

"""The kiosk's exception tree. Callers catch by category.

    KioskError
    ├── SettingsError          bad or unknown settings
    ├── CameraError            a camera source could not be opened or stopped delivering
    ├── StoreError             the local SQLite store
    └── SyncError              talking to the server
        ├── AuthError              credential missing, refused or revoked
        ├── ServerUnavailable      network down, timeout, 5xx: retry later
        │   └── RateLimited            429: this kind of request, later
        └── FeedCursorRefused      the server has no feed entry as far as our cursor

The face engine's errors (``faceid.errors``: models, vision, data keys) are re-exported here,
and the model installer adds two kinds of ``ModelError``:

    ModelError
    ├── ModelSourceError       every source of a model failed (names each one tried)
    └── ConversionError        a converter could not read or write a model

Code that must survive any expected failure catches ``EXPECTED_ERRORS``.
"""

from faceid.errors import (
    DataKeyError,
    FaceIdError,
    GalleryError,
    ImageDecodeError,
    ModelError,
    ModelIntegrityError,
    ModelMissingError,
    VisionError,
)
from protocol.errors import ProtocolError, SettingsError

__all__ = ["EXPECTED_ERRORS", "AuthError", "CameraError", "ConversionError", "DataKeyError",
           "FaceIdError", "FeedCursorRefused", "GalleryError", "ImageDecodeError", "KioskError",
           "ModelError", "ModelIntegrityError", "ModelMissingError", "ModelSourceError",
           "RateLimited", "ServerUnavailable", "SettingsError", "StoreError", "SyncError",
           "VisionError"]


class KioskError(Exception):
    """Base of every error the kiosk raises on purpose."""


class ModelSourceError(ModelError):
    pass


class ConversionError(ModelError):
    pass


class CameraError(KioskError):
    pass


class StoreError(KioskError):
    pass


class SyncError(KioskError):
    pass


class AuthError(SyncError):
    pass


class ServerUnavailable(SyncError):
    pass


class RateLimited(ServerUnavailable):
    """429: the server refuses this kind of request for now (e.g. too many enrolments of one
    person today); other requests may still go through."""


class FeedCursorRefused(SyncError):
    """The server's feed ends before this kiosk's cursor (it was restored from an older
    backup): the kiosk reads the feed again from the start (kiosk.sync.worker)."""


class FeedResyncRequired(FeedCursorRefused):
    """The kiosk was moved to another site: it reads the feed again from the start and then
    drops every person that reading did not carry (kiosk.sync.worker)."""


EXPECTED_ERRORS: tuple[type[Exception], ...] = (KioskError, FaceIdError, ProtocolError)
"""Every error raised on purpose by the kiosk, the face engine or the protocol package."""

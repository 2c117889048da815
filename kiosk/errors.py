"""The kiosk's exception tree. Callers catch by category.

    KioskError
    ├── SettingsError          bad or unknown settings
    ├── ModelError             model registry, installer, converters
    │   ├── ModelMissingError      a model the pack needs is not installed
    │   ├── ModelIntegrityError    sha256 mismatch of a fetched, produced or installed file
    │   ├── ModelSourceError       every source of a model failed (names each one tried)
    │   └── ConversionError        a converter could not read or write a model
    ├── VisionError            inference and image problems
    │   ├── ImageDecodeError       an image could not be read or is too large
    │   └── GalleryError           templates from another recognizer, empty gallery, ...
    ├── CameraError            a camera source could not be opened or stopped delivering
    ├── StoreError             the local SQLite store
    └── SyncError              talking to the server
        ├── AuthError              credential missing, refused or revoked
        └── ServerUnavailable      network down, timeout, 5xx: retry later
"""


class KioskError(Exception):
    """Base of every error the kiosk raises on purpose."""


class SettingsError(KioskError):
    pass


class ModelError(KioskError):
    pass


class ModelMissingError(ModelError):
    pass


class ModelIntegrityError(ModelError):
    pass


class ModelSourceError(ModelError):
    pass


class ConversionError(ModelError):
    pass


class VisionError(KioskError):
    pass


class ImageDecodeError(VisionError):
    pass


class GalleryError(VisionError):
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

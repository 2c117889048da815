"""The face engine's exception tree. Callers catch by category.

    FaceIdError
    ├── ModelError             model registry, packs, sessions
    │   ├── ModelMissingError      a model the pack needs is not installed
    │   └── ModelIntegrityError    sha256 mismatch of an installed file
    ├── VisionError            inference and image problems
    │   ├── ImageDecodeError       an image could not be read or is too large
    │   └── GalleryError           templates from another recognizer, empty gallery, ...
    └── SealingError           data sealing (encryption at rest)
        └── DataKeyError           a data key is missing, malformed, or does not open a blob

The kiosk's model installer extends ``ModelError`` with its own source and conversion errors.
"""


class FaceIdError(Exception):
    """Base of every error the face engine raises on purpose."""


class ModelError(FaceIdError):
    pass


class ModelMissingError(ModelError):
    pass


class ModelIntegrityError(ModelError):
    pass


class VisionError(FaceIdError):
    pass


class ImageDecodeError(VisionError):
    pass


class GalleryError(VisionError):
    pass


class SealingError(FaceIdError):
    pass


class DataKeyError(SealingError):
    """A data key is missing, malformed, or does not open a blob."""

"""Enrollment on real photos: accepted samples, rejections with reasons, template rebuild."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from faceid.enrollment import (
    CANONICAL_CHIP_SIZE,
    EnrollmentIssue,
    enroll_images,
    rebuild_templates,
)
from faceid.imageio import image_files, read_image
from faceid.quality import QualityIssue


def test_rejects_with_reasons_and_keeps_chips(recognition_pack,  # type: ignore[no-untyped-def]
                                              faces_dev: Path) -> None:
    pack = recognition_pack
    powell = [read_image(p) for p in image_files(faces_dev / "lfw_color_10x10" /
                                                  "Colin_Powell")[:4]]
    intruder = read_image(image_files(faces_dev / "lfw_color_10x10" / "Hugo_Chavez")[0])
    images = [*powell, read_image(faces_dev / "no_face" / "cat.png"),
              read_image(faces_dev / "multi_face" / "obama-biden-2faces.jpg"),
              cv2.GaussianBlur(powell[0], (0, 0), 4), intruder]
    result = enroll_images(pack, images, min_face_px=60)
    assert [s.index for s in result.accepted] == [0, 1, 2, 3]
    assert dict(result.rejected) == {4: EnrollmentIssue.NO_FACE,
                                     5: EnrollmentIssue.SEVERAL_FACES,
                                     6: QualityIssue.BLURRY,
                                     7: EnrollmentIssue.DISAGREES}
    rows = result.embeddings
    assert rows.shape == (4, pack.embedder.dim)
    assert np.allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-4)
    for sample in result.accepted:
        assert sample.chip.shape == (CANONICAL_CHIP_SIZE, CANONICAL_CHIP_SIZE, 3)
        assert 0.0 < sample.agreement <= 1.0 + 1e-5
    # rebuilding from the kept chips gives (nearly) the same templates
    rebuilt = rebuild_templates(pack.embedder, [s.chip for s in result.accepted])
    agreement = np.sum(rebuilt * rows, axis=1)
    assert (agreement > 0.97).all(), agreement


def test_two_disagreeing_photos_are_both_rejected(recognition_pack,  # type: ignore[no-untyped-def]
                                                  faces_dev: Path) -> None:
    images = [read_image(image_files(faces_dev / "lfw_color_10x10" / name)[1])
              for name in ("Jacques_Chirac", "Gerhard_Schroeder")]
    result = enroll_images(recognition_pack, images, min_face_px=60)
    assert result.accepted == []
    assert [r.reason for r in result.rejected] == [EnrollmentIssue.DISAGREES] * 2


def test_small_face_is_too_small_not_missing(recognition_pack,  # type: ignore[no-untyped-def]
                                             faces_dev: Path) -> None:
    image = read_image(faces_dev / "people" / "obama-1.jpg")
    tiny = cv2.resize(image, None, fx=0.2, fy=0.2, interpolation=cv2.INTER_AREA)
    result = enroll_images(recognition_pack, [tiny], min_face_px=80)
    assert result.rejected == [(0, QualityIssue.TOO_SMALL)]


# ---------------------------------------------------------------- imageio (enrollment's input)

def test_read_image_applies_exif_orientation_and_makes_grey_bgr(tmp_path: Path,
                                                                faces_dev: Path) -> None:
    import pytest

    from faceid.imageio import decode_image
    from kiosk.errors import ImageDecodeError

    photo = read_image(faces_dev / "people" / "clapton-2.jpg")
    grey_path = tmp_path / "grey.png"
    cv2.imwrite(str(grey_path), cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY))
    grey = read_image(grey_path)
    assert grey.shape == photo.shape and grey.dtype == np.uint8
    ok, jpeg = cv2.imencode(".jpg", photo[:100, :60])
    assert ok
    rotated = decode_image(_with_orientation(jpeg.tobytes(), 6))  # 6 = rotate 90 clockwise
    assert rotated.shape[:2] == (60, 100)
    with pytest.raises(ImageDecodeError, match="not an image"):
        decode_image(b"GIF89a not really", "fake.gif")
    with pytest.raises(ImageDecodeError, match="limit"):
        decode_image(jpeg.tobytes(), "big.jpg", max_pixels=1000)
    with pytest.raises(ImageDecodeError, match="cannot be read"):
        read_image(tmp_path / "absent.jpg")


def _with_orientation(jpeg: bytes, orientation: int) -> bytes:
    """``jpeg`` with a minimal EXIF APP1 segment holding only the Orientation tag."""
    import struct

    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    app1 = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1 + jpeg[2:]

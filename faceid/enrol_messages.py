"""What an enrolment tells people: why a photo was not used and "need 3 photos, 2 were usable".

Vietnamese first (``language="vi"``, the default), English with ``"en"``. Used by the kiosk
(admin enrolment screen, ``kiosk enroll``) for faceid.enrollment results and for the guided
capture's refusals (kiosk.app.enrol_capture). Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence

from faceid.enrollment import EnrollmentIssue, Rejection
from faceid.quality import QualityIssue

# reason value -> (vi, en); the values of QualityIssue, EnrollmentIssue and the capture's own
_REASONS: dict[str, tuple[str, str]] = {
    QualityIssue.TOO_SMALL.value: ("khuôn mặt quá nhỏ, cần lại gần hơn",
                                   "the face is too small: come closer"),
    QualityIssue.TOO_DARK.value: ("quá tối", "too dark"),
    QualityIssue.TOO_BRIGHT.value: ("quá chói", "too bright"),
    QualityIssue.BLURRY.value: ("ảnh bị mờ, cần giữ yên", "blurred: hold still"),
    QualityIssue.TURNED.value: ("mặt quay đi quá nhiều", "the face is turned away too far"),
    QualityIssue.OFF_CENTRE.value: ("mặt không ở giữa khung hình", "the face is off centre"),
    QualityIssue.EYES_HIDDEN.value: ("mắt bị che (kính râm?)", "the eyes are hidden "
                                     "(sunglasses?)"),
    QualityIssue.PARTIAL.value: ("mặt bị cắt ở mép ảnh", "the face is cut off at the edge"),
    EnrollmentIssue.NO_FACE.value: ("không thấy khuôn mặt", "no face found"),
    EnrollmentIssue.SEVERAL_FACES.value: ("có nhiều khuôn mặt", "several faces"),
    EnrollmentIssue.DISAGREES.value: ("không giống các ảnh còn lại (người khác?)",
                                      "does not look like the other photos (someone else?)"),
    "not_live": ("không qua kiểm tra người thật (ảnh in hoặc màn hình?)",
                 "failed the liveness check (a print or a screen?)"),
    "same_as_before": ("gần như giống hệt ảnh trước: hãy đổi tư thế",
                       "nearly identical to the previous photo: change the pose"),
    "no_pose_change": ("khuôn mặt không đổi tư thế (ảnh chụp giơ lên camera?)",
                       "the face never changed pose (a photo held up to the camera?)"),
}


def reason_text(reason: str | EnrollmentIssue | QualityIssue, language: str = "vi") -> str:
    """The words for one reason a photo was not used (its value, or the enum member)."""
    value = reason if isinstance(reason, str) else str(reason.value)
    vi, en = _REASONS.get(value, (value, value))
    return en if language == "en" else vi


def photo_label(index: int, names: Sequence[str] = (), language: str = "vi") -> str:
    """"ảnh 3" / "photo 3" (1-based), or the file name when ``names`` has one."""
    if 0 <= index < len(names) and names[index]:
        return names[index]
    return f"{'photo' if language == 'en' else 'ảnh'} {index + 1}"


def rejection_lines(rejected: Sequence[Rejection], names: Sequence[str] = (),
                    language: str = "vi") -> list[str]:
    """One "ảnh 3: ảnh bị mờ, cần giữ yên" line per photo not used, in input order."""
    return [f"{photo_label(r.image_index, names, language)}: {reason_text(r.reason, language)}"
            for r in sorted(rejected, key=lambda r: r.image_index)]


def shortfall_message(usable: int, needed: int, rejected: Sequence[Rejection] = (),
                      names: Sequence[str] = (), language: str = "vi") -> str:
    """"Cần 3 ảnh, chỉ 2 ảnh dùng được. ảnh 1: ...; ảnh 4: ..." (the reasons when any)."""
    if language == "en":
        head = f"Need {needed} photos, only {usable} {'was' if usable == 1 else 'were'} usable"
    else:
        head = f"Cần {needed} ảnh, chỉ {usable} ảnh dùng được"
    lines = rejection_lines(rejected, names, language)
    return f"{head}. {'; '.join(lines)}" if lines else head

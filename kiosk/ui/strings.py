"""Screen text in Vietnamese and English (a small table in code: easy to review and test).

Keys are stable identifiers; ``text(key, language, **values)`` formats one. A key missing in
a language falls back to English, then to the key itself, so a gap never crashes the screen.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["vi", "en"]

TEXT: dict[str, dict[str, str]] = {
    "guidance.no_face": {"vi": "Vui lòng nhìn vào camera", "en": "Please look at the camera"},
    "guidance.move_closer": {"vi": "Lại gần hơn", "en": "Come closer"},
    "guidance.too_dark": {"vi": "Quá tối — hãy đứng nơi sáng hơn", "en": "Too dark"},
    "guidance.too_bright": {"vi": "Quá chói — tránh nguồn sáng", "en": "Too bright"},
    "guidance.hold_still": {"vi": "Giữ yên", "en": "Hold still"},
    "guidance.remove_glasses": {"vi": "Vui lòng tháo kính râm",
                                "en": "Please take off your sunglasses"},
    "guidance.face_camera": {"vi": "Nhìn thẳng vào camera", "en": "Look straight at the camera"},
    "guidance.centre_face": {"vi": "Đưa mặt vào giữa khung hình", "en": "Centre your face"},
    "guidance.one_at_a_time": {"vi": "Từng người một", "en": "One person at a time"},
    "guidance.checking": {"vi": "Đang nhận diện…", "en": "Checking…"},
    "greeting.hello": {"vi": "Xin chào, {name}", "en": "Hello, {name}"},
    "greeting.check_in": {"vi": "Giờ vào", "en": "Check-in"},
    "greeting.check_out": {"vi": "Giờ ra", "en": "Check-out"},
    "greeting.repeat": {"vi": "Đã ghi nhận trước đó", "en": "Already recorded"},
    "reminders.title": {"vi": "Việc cần làm của bạn", "en": "Your reminders"},
    "reminders.none": {"vi": "Không có nhắc việc", "en": "No reminders"},
    "reminders.overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "reminders.due": {"vi": "Hạn {when}", "en": "Due {when}"},
    "reminders.urgent": {"vi": "Khẩn", "en": "Urgent"},
    "not_recognized.title": {"vi": "Không nhận diện được", "en": "Not recognized"},
    "not_recognized.fix": {
        "vi": "Hãy nhìn thẳng vào camera và thử lại. Nếu chưa đăng ký, vui lòng gặp quản trị.",
        "en": "Look straight at the camera and try again. Not enrolled? Please see the admin.",
    },
    "liveness.title": {"vi": "Kiểm tra người thật không đạt", "en": "Liveness check failed"},
    "liveness.fix": {
        "vi": "Không dùng ảnh hoặc màn hình. Hãy đứng trước camera và thử lại.",
        "en": "Photos and screens are not accepted. Stand in front of the camera and retry.",
    },
    "camera_offline.title": {"vi": "Mất kết nối camera", "en": "Camera offline"},
    "camera_offline.fix": {
        "vi": "Kiểm tra cáp camera. Ứng dụng sẽ tự kết nối lại.",
        "en": "Check the camera cable. The kiosk reconnects by itself.",
    },
    "models_missing.title": {"vi": "Thiếu mô hình nhận diện", "en": "Recognition models missing"},
    "models_missing.fix": {"vi": "Chạy lệnh: {fix}", "en": "Run: {fix}"},
    "status.online": {"vi": "Trực tuyến", "en": "Online"},
    "status.offline": {"vi": "Ngoại tuyến", "en": "Offline"},
    "status.standalone": {"vi": "Không có máy chủ", "en": "No server"},
    "status.backlog": {"vi": "{count} lượt chờ đồng bộ", "en": "{count} punches waiting to sync"},
    "status.camera.live": {"vi": "Camera: hoạt động", "en": "Camera: live"},
    "status.camera.starting": {"vi": "Camera: đang mở", "en": "Camera: starting"},
    "status.camera.offline": {"vi": "Camera: mất kết nối", "en": "Camera: offline"},
    "status.camera.ended": {"vi": "Camera: kết thúc", "en": "Camera: ended"},
    "status.pack": {"vi": "Mô hình: {pack}", "en": "Models: {pack}"},
    "admin.button": {"vi": "Quản trị", "en": "Admin"},
    "admin.pin_prompt": {"vi": "Nhập mã PIN quản trị", "en": "Enter the admin PIN"},
    "admin.pin_wrong": {"vi": "Sai mã PIN", "en": "Wrong PIN"},
    "admin.pin_locked": {"vi": "Nhập sai quá nhiều lần — thử lại sau 1 phút",
                         "en": "Too many wrong PINs — try again in a minute"},
    "admin.pin_unset": {"vi": "Chưa đặt mã PIN quản trị (kiosk admin-pin)",
                        "en": "No admin PIN set (kiosk admin-pin)"},
    "admin.ok": {"vi": "Đồng ý", "en": "OK"},
    "admin.cancel": {"vi": "Hủy", "en": "Cancel"},
    "admin.doctor": {"vi": "Kiểm tra hệ thống", "en": "Run checks"},
    "admin.exit": {"vi": "Thoát quản trị", "en": "Leave admin"},
    "enroll.title": {"vi": "Đăng ký khuôn mặt", "en": "Face enrollment"},
    "enroll.pick_person": {"vi": "Chọn nhân viên", "en": "Choose the person"},
    "enroll.new_person": {"vi": "Hoặc tạo người mới (chờ duyệt):",
                          "en": "Or create a pending person:"},
    "enroll.name_placeholder": {"vi": "Họ và tên", "en": "Full name"},
    "enroll.consent": {
        "vi": "Người này đã đọc thông báo (phiên bản {version}) và đồng ý cho dùng khuôn mặt "
              "để chấm công.",
        "en": "This person read the notice (version {version}) and consents to face "
              "recognition for attendance.",
    },
    "enroll.start": {"vi": "Bắt đầu chụp", "en": "Start capture"},
    "enroll.progress": {"vi": "Đã chụp {captured}/{target} ảnh tốt",
                        "en": "{captured}/{target} good frames captured"},
    "enroll.turn_hint": {"vi": "Nhìn thẳng, rồi hơi quay trái và phải",
                         "en": "Look straight, then turn slightly left and right"},
    "enroll.done": {"vi": "Đã lưu {count} mẫu cho {name}",
                    "en": "Saved {count} templates for {name}"},
    "enroll.failed": {"vi": "Đăng ký không thành công: {error}",
                      "en": "Enrollment failed: {error}"},
    "enroll.need_consent": {"vi": "Cần xác nhận đồng ý trước", "en": "Consent is required first"},
    "enroll.need_person": {"vi": "Hãy chọn hoặc nhập tên", "en": "Choose or type a person"},
}


def text(key: str, language: Language | str = "vi", **values: object) -> str:
    """The screen text for ``key`` in ``language``, formatted with ``values`` (GUI thread)."""
    entry = TEXT.get(key)
    if entry is None:
        return key
    template = entry.get(language) or entry.get("en") or key
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template

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
    "guidance.turn_left": {"vi": "Hãy quay đầu nhẹ sang trái",
                           "en": "Turn your head slightly left"},
    "guidance.turn_right": {"vi": "Hãy quay đầu nhẹ sang phải",
                            "en": "Turn your head slightly right"},
    "guidance.liveness_retry": {"vi": "Hãy nhìn thẳng vào camera, đủ ánh sáng",
                                "en": "Face the camera, in good light"},
    "greeting.hello": {"vi": "Xin chào, {name}", "en": "Hello, {name}"},
    "greeting.check_in": {"vi": "Giờ vào", "en": "Check-in"},
    "greeting.check_out": {"vi": "Giờ ra", "en": "Check-out"},
    "greeting.repeat": {"vi": "Đã ghi nhận trước đó", "en": "Already recorded"},
    "reminders.title": {"vi": "Việc cần làm của bạn", "en": "Your reminders"},
    "reminders.none": {"vi": "Không có nhắc việc", "en": "No reminders"},
    "reminders.overdue": {"vi": "Quá hạn", "en": "Overdue"},
    "reminders.due": {"vi": "Hạn {when}", "en": "Due {when}"},
    "reminders.urgent": {"vi": "Khẩn", "en": "Urgent"},
    "reminders.ack": {"vi": "Đã nhận", "en": "Got it"},
    "reminders.acknowledged": {"vi": "✓ Đã nhận", "en": "✓ Got it"},
    "not_recognized.title": {"vi": "Không nhận diện được", "en": "Not recognized"},
    "not_recognized.fix": {
        "vi": "Hãy bước ra rồi quay lại, nhìn thẳng vào camera. Chưa đăng ký? Gặp quản trị.",
        "en": "Step away, come back and look at the camera. Not enrolled? See the admin.",
    },
    "refusal.pin_or_qr": {"vi": "Dùng mã PIN hoặc thẻ QR", "en": "Use your PIN or QR badge"},
    "liveness.title": {"vi": "Kiểm tra người thật không đạt", "en": "Liveness check failed"},
    "liveness.fix": {
        "vi": "Không dùng ảnh hoặc màn hình. Hãy đứng trước camera và thử lại.",
        "en": "Photos and screens are not accepted. Stand in front of the camera and retry.",
    },
    "storage_failed.title": {"vi": "Không lưu được lượt chấm công",
                             "en": "Your check-in could not be saved"},
    "storage_failed.fix": {
        "vi": "Bộ nhớ của máy đầy hoặc bị lỗi. Vui lòng báo quản trị và ghi nhận theo cách khác.",
        "en": "The kiosk's storage is full or failing. Please tell the admin and sign in "
              "another way.",
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
    "admin.button": {"vi": "Quản trị", "en": "Admin"},
    "admin.pin_prompt": {"vi": "Nhập mã PIN quản trị", "en": "Enter the admin PIN"},
    "admin.pin_wrong": {"vi": "Sai mã PIN — còn {left} lần thử",
                        "en": "Wrong PIN — {left} tries left"},
    "admin.pin_locked": {"vi": "Nhập sai quá nhiều lần — thử lại sau {wait}",
                         "en": "Too many wrong PINs — try again in {wait}"},
    "admin.minutes": {"vi": "{n} phút", "en": "{n} min"},
    "admin.seconds": {"vi": "{n} giây", "en": "{n} s"},
    "admin.pin_unset": {"vi": "Chưa đặt mã PIN quản trị (kiosk admin-pin)",
                        "en": "No admin PIN set (kiosk admin-pin)"},
    "admin.ok": {"vi": "Đồng ý", "en": "OK"},
    # the PIN keypad's key: short, so three equal columns fit an 800x480 panel
    "admin.enter": {"vi": "Vào", "en": "Enter"},
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
    "enroll.turn_hint": {"vi": "Đưa mặt vào khung bầu dục và làm theo 4 tư thế",
                         "en": "Fit the face in the oval and follow the 4 poses"},
    "enroll.done": {"vi": "Đã lưu {count} mẫu cho {name}",
                    "en": "Saved {count} templates for {name}"},
    "enroll.failed": {"vi": "Đăng ký không thành công: {error}",
                      "en": "Enrollment failed: {error}"},
    # after a look-alike refusal; both then type their code with their face
    "enroll.confirm_different": {"vi": "Xác nhận: không phải {name}",
                                 "en": "Confirmed: not {name}"},
    "enroll.need_consent": {"vi": "Cần xác nhận đồng ý trước", "en": "Consent is required first"},
    "enroll.need_person": {"vi": "Hãy chọn hoặc nhập tên", "en": "Choose or type a person"},
    # Guided capture (kiosk.app.enrol_capture, kiosk.ui.enrol_view)
    "enroll.cancel": {"vi": "Hủy chụp", "en": "Cancel capture"},
    "enroll.pose_progress": {"vi": "Tư thế {n}/{total}: {pose}", "en": "Pose {n}/{total}: {pose}"},
    "enroll.pose.straight": {"vi": "nhìn thẳng vào camera", "en": "look straight at the camera"},
    "enroll.pose.left": {"vi": "quay nhẹ sang trái", "en": "turn slightly to your left"},
    "enroll.pose.right": {"vi": "quay nhẹ sang phải", "en": "turn slightly to your right"},
    "enroll.pose.up_or_down": {"vi": "ngẩng hoặc cúi đầu nhẹ",
                               "en": "tilt your head slightly up or down"},
    "enroll.pose.up": {"vi": "ngẩng đầu nhẹ", "en": "tilt your head slightly up"},
    "enroll.pose.down": {"vi": "cúi đầu nhẹ", "en": "tilt your head slightly down"},
    "enroll.fit_oval": {"vi": "Đưa khuôn mặt vào khung bầu dục", "en": "Fit your face in the oval"},
    "enroll.in_oval": {"vi": "Khuôn mặt vừa khung — giữ tư thế", "en": "Face in the oval — hold"},
    "enroll.pose_slow": {"vi": "Chưa được: làm chậm, vừa phải, giữ mặt trong khung",
                         "en": "Not yet: move slowly and only a little, face in the oval"},
    "enroll.pose_slow_skip": {"vi": "Chưa được? Làm chậm, vừa phải — hoặc bỏ qua tư thế này",
                              "en": "Not yet? Move slowly, a little — or skip this pose"},
    "enroll.skip_pose": {"vi": "Bỏ qua tư thế này", "en": "Skip this pose"},
    "enroll.refused.not_live": {"vi": "Ảnh bị từ chối: không qua kiểm tra người thật",
                                "en": "Capture refused: failed the liveness check"},
    "enroll.refused.same_as_before": {"vi": "Ảnh bị từ chối: giống hệt ảnh trước",
                                      "en": "Capture refused: same as the previous one"},
    "enroll.problem.no_pose_change": {
        "vi": "Khuôn mặt không hề đổi tư thế (ảnh chụp giơ lên camera?): cần người thật",
        "en": "The face never changed pose (a photo held up?): a real person is needed"},
    "enroll.problem.not_live": {
        "vi": "3 ảnh không qua kiểm tra người thật: cần người thật, đủ sáng",
        "en": "3 captures failed the liveness check: a real person in good light is needed"},
    "admin.settings": {"vi": "Cài đặt", "en": "Settings"},
    "admin.back": {"vi": "Quay lại", "en": "Back"},
    "admin.face_welcome": {"vi": "Xin chào {name} — đã vào chế độ quản trị bằng khuôn mặt",
                           "en": "Welcome {name} — admin mode opened by face"},
    "settings.title": {"vi": "Cài đặt kiosk", "en": "Kiosk settings"},
    "settings.kiosk_name": {"vi": "Tên kiosk", "en": "Kiosk name"},
    "settings.camera_source": {"vi": "Nguồn camera (số thiết bị, đường dẫn, gst:…, picamera2)",
                               "en": "Camera source (device number, path, gst:…, picamera2)"},
    "settings.match_threshold": {"vi": "Ngưỡng nhận diện (để trống: tự động theo số người "
                                       "đã đăng ký, {pack})",
                                 "en": "Match threshold (empty: automatic for the people "
                                       "enrolled, {pack})"},
    "settings.liveness_threshold": {"vi": "Ngưỡng kiểm tra người thật (0–1)",
                                    "en": "Liveness threshold (0–1)"},
    "settings.language": {"vi": "Ngôn ngữ", "en": "Language"},
    "settings.admin_faces": {"vi": "Quản trị viên được vào bằng khuôn mặt",
                             "en": "Admins who may enter by face"},
    "settings.face_entry_off": {
        "vi": "Điểm này chưa bật vào bằng khuôn mặt (admin.face_entry); mã PIN vẫn dùng được.",
        "en": "Face entry is off at this site (admin.face_entry); the PIN always works.",
    },
    "settings.save": {"vi": "Lưu cài đặt", "en": "Save settings"},
    "settings.saved": {"vi": "Đã lưu và áp dụng: {changed}", "en": "Saved and applied: {changed}"},
    "settings.unchanged": {"vi": "Không có thay đổi", "en": "Nothing changed"},
    "settings.problem.name": {"vi": "Tên kiosk phải có từ 1 đến {detail} ký tự",
                              "en": "The kiosk name must be 1 to {detail} characters"},
    "settings.problem.camera_empty": {"vi": "Hãy nhập nguồn camera",
                                      "en": "Enter a camera source"},
    "settings.problem.camera_missing": {"vi": "Không tìm thấy nguồn camera «{detail}»",
                                        "en": "Camera source «{detail}» does not exist"},
    "settings.problem.match_threshold": {
        "vi": "Ngưỡng nhận diện phải là số lớn hơn 0 và nhỏ hơn 1 (đã nhập «{detail}»)",
        "en": "The match threshold must be a number above 0 and below 1 (typed «{detail}»)",
    },
    "settings.problem.liveness_threshold": {
        "vi": "Ngưỡng kiểm tra người thật phải là số từ 0 đến 1 (đã nhập «{detail}»)",
        "en": "The liveness threshold must be a number from 0 to 1 (typed «{detail}»)",
    },
    "settings.problem.language": {"vi": "Ngôn ngữ không được hỗ trợ: {detail}",
                                  "en": "Unsupported language: {detail}"},
    "settings.problem.unknown_people": {"vi": "Không có trong danh sách nhân viên: {detail}",
                                        "en": "Not in the people list: {detail}"},
    "settings.problem.invalid": {"vi": "Cài đặt không hợp lệ: {detail}",
                                 "en": "Invalid settings: {detail}"},
    "language.vi": {"vi": "Tiếng Việt", "en": "Tiếng Việt"},
    "language.en": {"vi": "English", "en": "English"},
}


# Check-in by PIN or QR badge (people who decline face recognition).
TEXT.update({
    "pin.button": {"vi": "Mã PIN", "en": "PIN"},
    "pin.title": {"vi": "Chấm công bằng mã nhân viên và mã PIN",
                  "en": "Check in with your employee code and PIN"},
    "pin.code": {"vi": "Mã nhân viên", "en": "Employee code"},
    "pin.pin": {"vi": "Mã PIN", "en": "PIN"},
    "pin.next": {"vi": "Tiếp", "en": "Next"},
    "pin.ok": {"vi": "Chấm công", "en": "Check in"},
    "pin.letters": {"vi": "ABC", "en": "ABC"},
    "pin.digits": {"vi": "123", "en": "123"},
    "pin.cancel": {"vi": "Hủy", "en": "Cancel"},
    "pin_wrong.title": {"vi": "Sai mã nhân viên hoặc mã PIN", "en": "Wrong code or PIN"},
    "pin_wrong.fix": {"vi": "Kiểm tra lại và thử lại (còn {fix} lần).",
                      "en": "Check them and try again ({fix} attempts left)."},
    "pin_locked.title": {"vi": "Nhập sai mã PIN quá nhiều lần", "en": "Too many wrong PINs"},
    "pin_locked.fix": {"vi": "Mã nhân viên này bị khóa đến {fix}. Vui lòng gặp quản trị hoặc "
                             "phòng nhân sự.",
                       "en": "This employee code is locked until {fix}. Please see the admin "
                             "or HR."},
    "badge_unknown.title": {"vi": "Thẻ không hợp lệ", "en": "Badge not recognized"},
    "badge_unknown.fix": {"vi": "Thẻ đã bị thay thế hoặc thu hồi. Vui lòng gặp phòng nhân sự.",
                          "en": "This badge was replaced or revoked. Please see HR."},
    # Face + code: face alone was not sure enough.
    "code.title": {"vi": "Vui lòng nhập mã nhân viên để xác nhận khuôn mặt",
                   "en": "Please type your employee code to confirm your face"},
    "code.suffix_title": {"vi": "Nhập {digits} ký tự cuối của mã nhân viên",
                          "en": "Type the last {digits} digits of your employee code"},
    "face_code_mismatch.title": {"vi": "Khuôn mặt không khớp với mã nhân viên",
                                 "en": "Your face does not match this employee code"},
    "face_code_mismatch.fix": {"vi": "Không chấm công. Thử lại, hoặc dùng mã PIN.",
                               "en": "Nobody was checked in. Try again, or use your PIN."},
})


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

"""The pages' words (menus, labels, report columns, enrolment, reminders, refusals, review),
in English and Vietnamese. Part of the one catalogue: ``sync_server.texts`` merges it with
``hr`` and ``mail``. Add a key to ``_EN`` and ``_VI`` together (the catalogue test fails on a
key in one language only).
"""

from __future__ import annotations

_EN = {
    "app": "Attendance", "login": "Log in", "logout": "Log out", "username": "Username",
    "password": "Password", "today": "Today", "lateness": "Lateness report",
    "timesheet": "Timesheet", "corrections": "Corrections", "audit": "Audit trail",
    "shifts": "Shifts", "people": "People", "kiosks": "Kiosks", "users": "Users",
    "departments": "Departments", "department": "Department", "all": "All",
    "name": "Name", "code": "Code", "from": "From", "to": "To", "show": "Show",
    "days_worked": "Days worked", "late_entries": "Late entries",
    "late_total": "Minutes late (total)", "late_avg": "Minutes late (average)",
    "early_exits": "Early exits", "absences": "Absences",
    "forgotten": "Forgotten check-outs", "worked_hours": "Worked hours",
    "days_expected": "Days expected", "pending": "Pending days", "half_days": "Half days",
    "overall": "Overall", "by_person": "By person", "by_department": "By department",
    "chart_title": "Minutes late per day", "dept_chart": "Average minutes late per department",
    "state_in": "In", "state_late": "Late", "state_out": "Left", "state_not_yet": "Not yet in",
    "state_absent": "Absent", "state_on_leave": "On leave", "state_holiday": "Holiday",
    "state_off": "Day off", "min_late": "min late", "first_in": "First in",
    "last_out": "Last out", "status": "Status", "day": "Day", "late_min": "Late (min)",
    "early_min": "Early exit (min)", "excused": "excused", "corrected": "corrected",
    "print": "Print", "month": "Month", "add_punch": "Add a missed punch",
    "void_punch": "Void a wrong punch", "excuse_late": "Excuse a late entry",
    "reason": "Reason", "person": "Person", "when": "When", "kind": "Kind", "save": "Save",
    "punch_id": "Punch", "recent_punches": "Recent punches", "made_by": "By",
    "made_at": "At", "action": "Action", "details": "Details", "actor": "Who",
    "shift_types": "Shift types", "assignments": "Assignments", "holidays": "Holidays",
    "leaves": "Leave", "start": "Start", "end": "End", "grace": "Late grace (min)",
    "working_days": "Working days (0=Mon)", "shift": "Shift", "add": "Add",
    "new_password": "New password", "reset_password": "Reset password",
    "edit": "Edit", "deactivate": "Deactivate", "activate": "Activate", "active": "Active",
    "inactive": "Inactive", "online": "Online", "offline": "Offline",
    "last_seen": "Last seen", "backlog": "Backlog", "version": "Version",
    "clock_offset": "Clock offset (s)", "role": "Role", "templates": "Templates",
    "decision_rule": "Decision rule",
    "rule_line": "{people} people enrolled: 1:N threshold {t1n}, expected stranger acceptance "
                 "<= {fpir}%, expected face-only success {success}%; 1:1 threshold {t11}",
    "held_by": "Held by kiosks", "refused": "Not allowed",
    "refused_text": "Your role cannot open this page.", "login_failed":
    "Wrong username or password.", "too_many": "Too many attempts; try again later.",
    "updated": "Updated", "export_csv": "CSV", "export_xlsx": "Excel", "sort": "Sort by",
    "search": "Search", "no_data": "Nothing to show.", "holiday": "Holiday",
    "new_person": "New person", "new_user": "New user", "recognizer": "Recognizer",
    "delete": "Delete", "my_record": "My record", "language": "Language", "provision": "Provision",
    "revoke": "Revoke", "code_once": "one-time code, shown once",
    "import": "Import people", "import_help": "Columns: name, code, department (first row).",
    "created": "Created", "line": "Line", "rejected": "Rejected",
    # face enrollment from photos (routes_enrol)
    "enrol_face": "Face enrollment", "enrol_upload": "Enroll from photos", "photos": "Photos",
    "photo": "Photo", "accepted": "Accepted",
    "enrol_help": "Several clear, front-facing photos of this person alone; the same checks "
                  "as at a kiosk. Most photos used per upload",
    "consent": "Consent", "consent_on_record": "On record",
    "consent_help": "Fill both to record a new consent given now; leave empty to use the one "
                    "on record.",
    "notice_version": "Privacy notice version", "collected_by": "Collected by",
    "models_missing": "Face models are not installed on the server: enrollment is unavailable.",
    "enrol_too_few": "Too few photos were accepted: nothing was enrolled (accepted < needed)",
    "upload_limit": "Upload size limit (server setting api.max_upload_bytes)",
    "enrol_stored": "Templates stored and sent to the kiosks",
    "held_by_kiosks": "Held by kiosks", "pending_kiosks": "Pending",
    "other_kiosks": "Other recognizer (enroll again for them)",
    "no_templates": "No face templates yet.",
    "enrol_zip": "Import face photos (ZIP)", "enrolled_people": "People enrolled",
    "enrol_zip_help": "One folder per person named by the employee code (E001/a.jpg), or "
                      "files named CODE_anything.jpg. Large sets: sync-server enroll-folder.",
    "why_no_face": "no face found",
    "why_several_faces": "several faces: the photo must show only this person",
    "why_disagrees_with_others": "does not look like the other photos (another person?)",
    "why_move_closer": "the face is too small",
    "why_too_dark": "too dark", "why_too_bright": "too bright", "why_hold_still": "blurred",
    "why_face_camera": "head turned: the person must face the camera",
    "why_centre_face": "the face is not centred",
    "why_remove_glasses": "eyes hidden (sunglasses?)",
    "why_centre_face_partial": "the face is cut by the edge of the photo",
    "why_not_an_image": "not a readable image",
    "why_too_many_photos": "more photos than one enrollment uses",
}

_VI = {
    "app": "Chấm công", "login": "Đăng nhập", "logout": "Đăng xuất",
    "username": "Tên đăng nhập", "password": "Mật khẩu", "today": "Hôm nay",
    "lateness": "Báo cáo đi muộn", "timesheet": "Bảng chấm công", "corrections": "Điều chỉnh",
    "audit": "Nhật ký thao tác", "shifts": "Ca làm việc", "people": "Nhân viên",
    "kiosks": "Thiết bị", "users": "Tài khoản", "departments": "Phòng ban",
    "department": "Phòng ban", "all": "Tất cả", "name": "Họ tên", "code": "Mã",
    "from": "Từ", "to": "Đến", "show": "Xem", "days_worked": "Ngày công",
    "late_entries": "Số lần đi muộn", "late_total": "Phút muộn (tổng)",
    "late_avg": "Phút muộn (trung bình)", "early_exits": "Về sớm", "absences": "Vắng mặt",
    "forgotten": "Quên chấm ra", "worked_hours": "Giờ làm", "days_expected": "Ngày phải làm",
    "pending": "Ngày chưa chốt", "half_days": "Nửa ngày", "overall": "Toàn bộ",
    "by_person": "Theo nhân viên", "by_department": "Theo phòng ban",
    "chart_title": "Số phút đi muộn theo ngày",
    "dept_chart": "Số phút muộn trung bình theo phòng ban",
    "state_in": "Có mặt", "state_late": "Đi muộn", "state_out": "Đã về",
    "state_not_yet": "Chưa đến", "state_absent": "Vắng", "state_on_leave": "Nghỉ phép",
    "state_holiday": "Ngày lễ", "state_off": "Nghỉ", "min_late": "phút muộn",
    "first_in": "Giờ vào", "last_out": "Giờ ra", "status": "Trạng thái", "day": "Ngày",
    "late_min": "Muộn (phút)", "early_min": "Về sớm (phút)", "excused": "được miễn",
    "corrected": "đã điều chỉnh", "print": "In", "month": "Tháng",
    "add_punch": "Thêm lượt chấm bị thiếu", "void_punch": "Hủy lượt chấm sai",
    "excuse_late": "Miễn đi muộn", "reason": "Lý do", "person": "Nhân viên",
    "when": "Thời điểm", "kind": "Loại", "save": "Lưu", "punch_id": "Lượt chấm",
    "recent_punches": "Lượt chấm gần đây", "made_by": "Người làm", "made_at": "Lúc",
    "action": "Thao tác", "details": "Chi tiết", "actor": "Ai",
    "shift_types": "Loại ca", "assignments": "Phân ca", "holidays": "Ngày lễ",
    "leaves": "Nghỉ phép", "start": "Bắt đầu", "end": "Kết thúc",
    "grace": "Cho phép muộn (phút)", "working_days": "Ngày làm (0=T2)", "shift": "Ca",
    "new_password": "Mật khẩu mới", "reset_password": "Đặt lại mật khẩu",
    "add": "Thêm", "edit": "Sửa", "deactivate": "Ngừng", "activate": "Kích hoạt",
    "active": "Đang làm", "inactive": "Đã ngừng", "online": "Trực tuyến",
    "offline": "Mất kết nối", "last_seen": "Liên lạc cuối", "backlog": "Tồn đọng",
    "version": "Phiên bản", "clock_offset": "Lệch đồng hồ (giây)", "role": "Vai trò",
    "decision_rule": "Quy tắc nhận diện",
    "rule_line": "{people} người đã đăng ký: ngưỡng 1:N {t1n}, tỉ lệ nhận nhầm người lạ dự "
                 "kiến <= {fpir}%, nhận diện chỉ bằng khuôn mặt dự kiến {success}%; ngưỡng "
                 "1:1 {t11}",
    "templates": "Mẫu khuôn mặt", "held_by": "Thiết bị đã có mẫu",
    "refused": "Không được phép", "refused_text": "Vai trò của bạn không mở được trang này.",
    "login_failed": "Sai tên đăng nhập hoặc mật khẩu.",
    "too_many": "Quá nhiều lần thử; vui lòng thử lại sau.", "updated": "Cập nhật",
    "export_csv": "CSV", "export_xlsx": "Excel", "sort": "Sắp xếp", "search": "Tìm",
    "no_data": "Không có dữ liệu.", "holiday": "Ngày lễ", "new_person": "Thêm nhân viên",
    "new_user": "Thêm tài khoản", "recognizer": "Bộ nhận dạng", "delete": "Xóa",
    "my_record": "Của tôi", "language": "Ngôn ngữ", "provision": "Cấp phép",
    "revoke": "Thu hồi", "code_once": "mã dùng một lần, chỉ hiện một lần",
    "import": "Nhập danh sách", "import_help": "Các cột: họ tên, mã, phòng ban (dòng đầu).",
    "created": "Đã tạo", "line": "Dòng", "rejected": "Bị từ chối",
    "enrol_face": "Đăng ký khuôn mặt", "enrol_upload": "Đăng ký từ ảnh", "photos": "Ảnh",
    "photo": "Ảnh", "accepted": "Được nhận",
    "enrol_help": "Vài ảnh rõ nét, nhìn thẳng, chỉ có người này; kiểm tra như ở thiết bị. "
                  "Số ảnh dùng tối đa mỗi lần",
    "consent": "Đồng ý", "consent_on_record": "Đã lưu",
    "consent_help": "Điền cả hai để ghi nhận sự đồng ý mới (lúc này); để trống để dùng bản "
                    "đã lưu.",
    "notice_version": "Phiên bản thông báo bảo mật", "collected_by": "Người thu thập",
    "models_missing": "Máy chủ chưa cài mô hình nhận dạng khuôn mặt: không thể đăng ký.",
    "enrol_too_few": "Quá ít ảnh được nhận: chưa đăng ký gì (được nhận < cần)",
    "upload_limit": "Dung lượng tải lên tối đa (thiết lập api.max_upload_bytes)",
    "enrol_stored": "Mẫu đã lưu và gửi tới các thiết bị",
    "held_by_kiosks": "Thiết bị đã có mẫu", "pending_kiosks": "Đang chờ",
    "other_kiosks": "Bộ nhận dạng khác (cần đăng ký lại)",
    "no_templates": "Chưa có mẫu khuôn mặt.",
    "enrol_zip": "Nhập ảnh khuôn mặt (ZIP)", "enrolled_people": "Số người đã đăng ký",
    "enrol_zip_help": "Mỗi người một thư mục đặt tên theo mã nhân viên (E001/a.jpg), hoặc "
                      "tệp tên MÃ_bấtkỳ.jpg. Bộ ảnh lớn: sync-server enroll-folder.",
    "why_no_face": "không thấy khuôn mặt",
    "why_several_faces": "nhiều khuôn mặt: ảnh chỉ được có người này",
    "why_disagrees_with_others": "không giống các ảnh khác (người khác?)",
    "why_move_closer": "khuôn mặt quá nhỏ",
    "why_too_dark": "quá tối", "why_too_bright": "quá sáng", "why_hold_still": "bị mờ",
    "why_face_camera": "quay đầu: cần nhìn thẳng vào máy ảnh",
    "why_centre_face": "khuôn mặt không ở giữa",
    "why_remove_glasses": "mắt bị che (kính râm?)",
    "why_centre_face_partial": "khuôn mặt bị cắt ở mép ảnh",
    "why_not_an_image": "không đọc được ảnh",
    "why_too_many_photos": "nhiều ảnh hơn số dùng cho một lần đăng ký",
}

# Check-in alternatives (PIN, QR badge) for people who decline face recognition.
_EN.update({
    "checkin_methods": "PIN / QR badge",
    "checkin_methods_help": "For people who decline face check-in. A PIN or badge punch "
                            "counts exactly like a face punch; liveness checks do not apply.",
    "pin": "PIN (4-8 digits; 6 or more advised, generated PINs have 6)",
    "pin_again": "PIN again", "issue_pin": "Set PIN",
    "generate_pin": "Generate a PIN", "pin_generated": "New PIN (shown only now):",
    "pin_saved": "PIN set.", "pin_set": "PIN set on", "none_issued": "None issued.",
    "qr_badge": "QR badge", "issue_badge": "Issue a new badge", "badge_issued": "Issued on",
    "badge_help": "A new badge replaces the old one.",
    "badge_once": "Print this page now (Ctrl+P): the code is shown only once. Issuing a new "
                  "badge revokes this one.",
})
_VI.update({
    "checkin_methods": "Mã PIN / thẻ QR",
    "checkin_methods_help": "Dành cho người không dùng chấm công khuôn mặt. Lượt chấm bằng "
                            "PIN hoặc thẻ được tính như chấm bằng khuôn mặt; không kiểm tra "
                            "người thật.",
    "pin": "Mã PIN (4-8 chữ số; nên từ 6 trở lên, mã tự tạo có 6)",
    "pin_again": "Nhập lại mã PIN", "issue_pin": "Đặt mã PIN",
    "generate_pin": "Tạo mã PIN ngẫu nhiên", "pin_generated": "Mã PIN mới (chỉ hiện lần này):",
    "pin_saved": "Đã đặt mã PIN.", "pin_set": "Đặt mã PIN ngày",
    "none_issued": "Chưa cấp.", "qr_badge": "Thẻ QR", "issue_badge": "Cấp thẻ mới",
    "badge_issued": "Cấp ngày", "badge_help": "Thẻ mới thay thế thẻ cũ.",
    "badge_once": "Hãy in trang này ngay (Ctrl+P): mã chỉ hiện một lần. Cấp thẻ mới sẽ thu "
                  "hồi thẻ này.",
})

# Reminders (routes_reminders): tasks from leaders, shown at the kiosks.
_EN.update({
    "reminders": "Reminders", "new_task": "New task", "task_title": "Task",
    "assignee": "For", "whole_department": "everyone", "due": "Due", "priority": "Priority",
    "priority_0": "Low", "priority_1": "Normal", "priority_2": "High", "urgent": "Urgent",
    "details_private": "Details stay on the server: kiosks show only the title.",
    "task_import": "Import tasks",
    "task_import_help": "Columns: title, code (one person) or department, details, due "
                        "(YYYY-MM-DD [HH:MM]), priority (0-2), external_id (updates the same "
                        "task when imported again).",
    "overdue": "Overdue", "never_seen": "Never shown yet", "show_closed": "Show closed tasks",
    "hide_closed": "Hide closed tasks", "shown": "Shown", "acknowledged": "Acknowledged",
    "not_acknowledged": "Not acknowledged", "not_shown": "Not shown yet",
    "shown_at_kiosk": "Shown at kiosk", "at_time": "at", "delivered": "Nudge delivered",
    "not_yet": "Not yet", "assigned_by": "Given by", "source": "Source",
    "status_open": "Open", "status_acknowledged": "Acknowledged", "status_done": "Done",
    "status_cancelled": "Cancelled", "task_nudge": "Nudge (urgent)",
    "task_done": "Mark done", "task_cancel": "Cancel", "task_reopen": "Reopen",
})
_VI.update({
    "reminders": "Nhắc việc", "new_task": "Giao việc mới", "task_title": "Công việc",
    "assignee": "Giao cho", "whole_department": "cả phòng", "due": "Hạn",
    "priority": "Ưu tiên", "priority_0": "Thấp", "priority_1": "Bình thường",
    "priority_2": "Cao", "urgent": "Khẩn",
    "details_private": "Chi tiết chỉ lưu trên máy chủ: thiết bị chỉ hiện tiêu đề.",
    "task_import": "Nhập công việc",
    "task_import_help": "Các cột: tiêu đề, mã (một người) hoặc phòng ban, chi tiết, hạn "
                        "(YYYY-MM-DD [HH:MM]), ưu tiên (0-2), mã việc (nhập lại cùng mã sẽ "
                        "cập nhật công việc đó).",
    "overdue": "Quá hạn", "never_seen": "Chưa được hiển thị",
    "show_closed": "Hiện việc đã đóng", "hide_closed": "Ẩn việc đã đóng",
    "shown": "Đã hiển thị", "acknowledged": "Đã xác nhận",
    "not_acknowledged": "Chưa xác nhận", "not_shown": "Chưa hiển thị",
    "shown_at_kiosk": "Đã hiện tại thiết bị", "at_time": "lúc",
    "delivered": "Đã nhắc khẩn", "not_yet": "Chưa", "assigned_by": "Người giao",
    "source": "Nguồn", "status_open": "Đang mở", "status_acknowledged": "Đã xác nhận",
    "status_done": "Hoàn thành", "status_cancelled": "Đã hủy",
    "task_nudge": "Nhắc khẩn", "task_done": "Hoàn thành", "task_cancel": "Hủy",
    "task_reopen": "Mở lại",
})

# Refused check-in attempts (routes_refusals): presentation attacks the kiosks turned away.
_EN.update({
    "refused_attempts": "Refused attempts",
    "refused_attempts_help": "Photos, screens and failed head-turn challenges the kiosks "
                             "refused. Nobody was checked in. Snapshots exist only where the "
                             "site enabled them and are deleted after the retention period.",
    "kiosk": "Kiosk", "resembled": "Resembled", "resembled_nobody": "nobody enrolled",
    "liveness_score": "Liveness (score / threshold)", "match_score": "Match score",
    "frames": "Frames", "snapshot": "Snapshot",
    "refusal_liveness": "Liveness check (photo or screen)",
    "refusal_active_challenge": "Head-turn challenge not done",
    "refusal_face_code_mismatch": "Face did not match the employee code typed",
    "refusal_stranger": "Not recognized: nobody enrolled is close enough",
    "refusal_ambiguous": "Too close to two enrolled people to tell",
    "already_enrolled": "This face is already enrolled as another person",
    "lookalike_confirm_help": "If they are different people (twins, siblings), tick the "
                              "confirmation below and upload the photos again: both will "
                              "always need face + code at the kiosks.",
    "lookalike_admin_only": "Only an admin can confirm that they are different people.",
    "lookalike_confirm": "Different people, confirmed by me",
    "lookalike_pairs": "Look-alike pairs (always face + code)",
    "lookalike_score": "Score",
    "refused_truncated": "Only the newest attempts are shown: narrow the filters.",
})
_VI.update({
    "refused_attempts": "Lượt bị từ chối",
    "refused_attempts_help": "Ảnh, màn hình và thử thách quay đầu không đạt mà thiết bị đã từ "
                             "chối. Không ai được chấm công. Ảnh chụp chỉ có khi đơn vị bật "
                             "tính năng này và bị xóa khi hết thời hạn lưu giữ.",
    "kiosk": "Thiết bị", "resembled": "Giống với", "resembled_nobody": "không ai đã đăng ký",
    "liveness_score": "Người thật (điểm / ngưỡng)", "match_score": "Điểm khớp",
    "frames": "Số khung hình", "snapshot": "Ảnh chụp",
    "refusal_liveness": "Kiểm tra người thật (ảnh hoặc màn hình)",
    "refusal_active_challenge": "Không thực hiện quay đầu",
    "refusal_face_code_mismatch": "Khuôn mặt không khớp với mã nhân viên đã nhập",
    "refusal_stranger": "Không nhận diện được: không giống ai đã đăng ký",
    "refusal_ambiguous": "Giống hai người đã đăng ký, không phân biệt được",
    "already_enrolled": "Khuôn mặt này đã được đăng ký cho người khác",
    "lookalike_confirm_help": "Nếu họ là hai người khác nhau (sinh đôi, anh chị em), hãy đánh "
                              "dấu xác nhận bên dưới và tải ảnh lên lại: cả hai sẽ luôn phải "
                              "nhập mã nhân viên cùng khuôn mặt tại thiết bị.",
    "lookalike_admin_only": "Chỉ quản trị viên mới xác nhận được đây là hai người khác nhau.",
    "lookalike_confirm": "Hai người khác nhau, tôi xác nhận",
    "lookalike_pairs": "Cặp người giống nhau (luôn nhập mã cùng khuôn mặt)",
    "lookalike_score": "Điểm",
    "refused_truncated": "Chỉ hiện các lượt mới nhất: hãy thu hẹp bộ lọc.",
})

# What a kiosk sent that waits for a person (routes_review).
_EN.update({
    "held_punches": "Held punches",
    "held_punches_help": "Punches a kiosk sent that the server did not believe on their own: "
                         "they count in no report until approved here. Rejected punches "
                         "never count. Every decision is in the audit trail.",
    "received": "Received", "choose": "Choose", "no_such_person": "no such person:",
    "approve_checked": "Approve the checked punches", "reject_checked": "Reject the checked",
    "held_truncated": "Only the oldest held punches are shown: decide these first.",
    "hold_unknown_person": "no such person",
    "hold_not_at_kiosk": "the kiosk had no way to recognise this person then",
    "hold_enrolment_pending": "the kiosk's own enrolment of this person is not approved",
    "hold_after_receipt": "dated after the server received it",
    "hold_before_window": "dated before the kiosk's plausible window",
    "hold_clock_offset": "clock offset differs from the kiosk's measured clock",
    "kiosk_enrolments": "Kiosk enrolments",
    "kiosk_enrolments_help": "Face enrolments made at a kiosk reach the other kiosks only once "
                             "approved here. Compare the new photos with the person's "
                             "existing ones.",
    "new_chips": "New (from the kiosk)", "existing_chips": "Already on record",
    "no_chips": "none", "new_person_by_kiosk": "new person, created by the kiosk",
    "approve": "Approve", "reject": "Reject",
    "review_held": "held for review (not counted)", "review_rejected": "rejected (not counted)",
    "kiosk_guard_confirmed": "The kiosk's admin confirmed they are different people: "
                             "approving records the pair, and both will always need face + "
                             "code.",
    "kiosk_guard_help": "Approving it confirms they are different people (twins, siblings): "
                        "only an admin may, and both will always need face + code.",
    "err_kiosk_lookalike_admin_only": "This face is already enrolled as another person: only "
                                      "an admin can approve it, confirming they are different "
                                      "people.",
})
_VI.update({
    "held_punches": "Lượt chấm công chờ duyệt",
    "held_punches_help": "Các lượt chấm công mà máy chủ không thể tin chỉ dựa vào thiết bị: "
                         "chưa được tính vào báo cáo nào cho đến khi được duyệt ở đây. Lượt "
                         "bị từ chối không bao giờ được tính. Mọi quyết định đều được ghi "
                         "nhật ký.",
    "received": "Nhận lúc", "choose": "Chọn", "no_such_person": "không có người này:",
    "approve_checked": "Duyệt các lượt đã chọn", "reject_checked": "Từ chối các lượt đã chọn",
    "held_truncated": "Chỉ hiện các lượt cũ nhất: hãy xử lý chúng trước.",
    "hold_unknown_person": "không có người này",
    "hold_not_at_kiosk": "lúc đó thiết bị chưa có cách nhận ra người này",
    "hold_enrolment_pending": "đăng ký khuôn mặt tại thiết bị này chưa được duyệt",
    "hold_after_receipt": "thời điểm sau lúc máy chủ nhận",
    "hold_before_window": "thời điểm trước khoảng hợp lệ của thiết bị",
    "hold_clock_offset": "độ lệch đồng hồ khác với đồng hồ đo được của thiết bị",
    "kiosk_enrolments": "Đăng ký khuôn mặt từ thiết bị",
    "kiosk_enrolments_help": "Đăng ký khuôn mặt tại thiết bị chỉ được gửi đến các thiết bị "
                             "khác sau khi được duyệt ở đây. Hãy so sánh ảnh mới với ảnh đã "
                             "có của người đó.",
    "new_chips": "Ảnh mới (từ thiết bị)", "existing_chips": "Ảnh đã có",
    "no_chips": "không có", "new_person_by_kiosk": "người mới, do thiết bị tạo",
    "approve": "Duyệt", "reject": "Từ chối",
    "review_held": "chờ duyệt (chưa tính)", "review_rejected": "bị từ chối (không tính)",
    "kiosk_guard_confirmed": "Quản trị viên tại thiết bị đã xác nhận đây là hai người khác "
                             "nhau: duyệt sẽ ghi nhận cặp này, và cả hai sẽ luôn phải nhập mã "
                             "nhân viên cùng khuôn mặt.",
    "kiosk_guard_help": "Duyệt tức là xác nhận đây là hai người khác nhau (sinh đôi, anh chị "
                        "em): chỉ quản trị viên được duyệt, và cả hai sẽ luôn phải nhập mã "
                        "nhân viên cùng khuôn mặt.",
    "err_kiosk_lookalike_admin_only": "Khuôn mặt này đã được đăng ký cho người khác: chỉ quản "
                                      "trị viên mới duyệt được, để xác nhận đây là hai người "
                                      "khác nhau.",
})

# The monthly timesheet grid (screen, XLSX, PDF): sync_server.documents.timesheet_xlsx.label.
_GRID = {
    "vi": {"title": "Bảng chấm công", "period": "Kỳ", "department": "Phòng ban",
           "generated_by": "Người lập", "generated_at": "Lập lúc", "legend": "Ký hiệu",
           "code": "Mã NV", "name": "Họ và tên", "total": "Tổng (số người đi làm/ngày)",
           "days_expected": "Ngày phải làm", "days_worked": "Ngày đi làm",
           "late_entries": "Lần đi muộn", "late_minutes_total": "Phút đi muộn",
           "early_exits": "Lần về sớm", "early_exit_minutes_total": "Phút về sớm",
           "absences": "Ngày vắng", "forgotten_checkouts": "Quên chấm ra",
           "worked_minutes_total": "Phút làm việc", "overtime_minutes_total": "Phút làm thêm",
           "holiday_work_minutes_total": "Phút làm ngày lễ",
           "rest_day_work_minutes_total": "Phút làm ngày nghỉ", "none": "(không có phòng)",
           "overall": "Tổng cộng", "lateness": "Báo cáo đi muộn"},
    "en": {"title": "Timesheet", "period": "Period", "department": "Department",
           "generated_by": "Generated by", "generated_at": "Generated at", "legend": "Legend",
           "code": "Code", "name": "Full name", "total": "Total (people worked per day)",
           "days_expected": "Days expected", "days_worked": "Days worked",
           "late_entries": "Late entries", "late_minutes_total": "Late minutes",
           "early_exits": "Early exits", "early_exit_minutes_total": "Early-exit minutes",
           "absences": "Absences", "forgotten_checkouts": "Forgot check-out",
           "worked_minutes_total": "Worked minutes", "overtime_minutes_total": "Overtime minutes",
           "holiday_work_minutes_total": "Holiday work minutes",
           "rest_day_work_minutes_total": "Rest-day work minutes", "none": "(no department)",
           "overall": "Overall", "lateness": "Lateness report"},
}
_EN.update({f"grid_{key}": text for key, text in _GRID["en"].items()})
_VI.update({f"grid_{key}": text for key, text in _GRID["vi"].items()})

EN = _EN
VI = _VI

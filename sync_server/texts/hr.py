"""Catalogue entries of the HR pages' words: day statuses, punch kinds, roles, field labels,
sync completeness, confirmations and a person's data export (merged into
``sync_server.texts.TEXTS``). Refusals are in ``refusals``, the audit trail in ``audit``.

Messages with ``{name}`` fields are formatted by ``texts.message``.
"""

from __future__ import annotations

EN = {
    # day statuses (attendance.DayStatus values) and punch kinds (attendance.PunchKind)
    "day_status_present": "Present", "day_status_late": "Late",
    "day_status_half_day": "Half day", "day_status_absent": "Absent",
    "day_status_holiday": "Holiday", "day_status_on_leave": "On leave",
    "day_status_no_shift": "No shift", "day_status_forgotten_checkout": "Forgot to check out",
    "day_status_pending": "Pending",
    # the timesheet grid's legend (sync_server.service.timesheet_grid.legend)
    "legend_present": "Present", "legend_late": "Late", "legend_half_day": "Half day",
    "legend_absent": "Absent", "legend_forgotten_checkout": "Forgot to check out",
    "legend_on_leave": "On leave", "legend_holiday": "Holiday",
    "legend_no_shift": "Day off / no shift", "legend_pending": "Not final yet",
    "punch_kind_auto": "Automatic", "punch_kind_check_in": "Check-in",
    "punch_kind_check_out": "Check-out", "punch_kind_in": "Check-in",
    "punch_kind_out": "Check-out",
    "role_admin": "Admin", "role_hr": "HR", "role_leader": "Leader", "role_staff": "Staff",
    "revoked": "Revoked", "yes": "yes", "no": "no",
    # labels that say what the field is
    "person_name": "Full name", "shift_name": "Shift name", "holiday_name": "Holiday name",
    "department_name": "Department name", "kiosk_name": "Kiosk name",
    "no_department": "(no department)", "not_applicable": "—",
    # completeness
    "kiosk_sync": "Kiosks' last sync",
    "silent_kiosks": "Not synced for a while: punches may be missing. Days after a kiosk's "
                     "last sync are counted as pending (neither absent nor present) until it "
                     "syncs. A kiosk taken out of use should be revoked on the Kiosks page.",
    "silent_kiosk": "{kiosk}: last sync {when}", "never_synced": "never synced",
    "pending_note": "Pending: the day is not final yet (still running, or a kiosk has not "
                    "synced past it).",
    # a person's data export (sync_server.service.access.summary)
    "access_summary_head": "Data held about {name} (id {id}), exported {at}.",
    "access_summary_status": "- Status: {status}; department {department}; employee code "
                             "{code}.",
    "access_summary_consents": "- Consent to face check-in: {records} record(s), {in_force} "
                               "in force.",
    "access_summary_templates": "- Face templates: {count} (numbers computed from enrollment "
                                "photos; stored encrypted).",
    "access_summary_chips": "- Enrollment face images: {count} (included in the JSON export).",
    "access_summary_punches": "- Attendance punches: {count}.",
    "access_summary_punches_span": "- Attendance punches: {count} from {first} to {last}.",
    "access_summary_erasures": "- Erasures of biometric data: {count}.",
    # leave and corrections editing
    "undo": "Undo", "confirm_delete": "Delete this? The change is recorded in the audit trail.",
    "confirm_undo": "Undo this correction? The change is recorded in the audit trail.",
    "confirm_revoke": "Revoke this kiosk? It will stop syncing at once.",
    "confirm_deactivate": "Deactivate? Their face templates are erased on every kiosk.",
    "added_punches": "Added punches",
    "confirm_revoke_pin": "Revoke this PIN? The kiosks refuse it from their next sync.",
    "confirm_revoke_badge": "Revoke this badge? The kiosks refuse it from their next sync.",
    "confirm_deactivate_user": "Deactivate this account? It is logged out at once.",
}

VI = {
    "day_status_present": "Có mặt", "day_status_late": "Đi muộn",
    "day_status_half_day": "Nửa ngày", "day_status_absent": "Vắng",
    "day_status_holiday": "Ngày lễ", "day_status_on_leave": "Nghỉ phép",
    "day_status_no_shift": "Không có ca", "day_status_forgotten_checkout": "Quên chấm ra",
    "day_status_pending": "Chưa chốt",
    "legend_present": "Có mặt", "legend_late": "Đi muộn", "legend_half_day": "Nửa ngày",
    "legend_absent": "Vắng", "legend_forgotten_checkout": "Quên chấm công ra",
    "legend_on_leave": "Nghỉ phép", "legend_holiday": "Ngày lễ",
    "legend_no_shift": "Ngày nghỉ / không có ca", "legend_pending": "Chưa chốt",
    "punch_kind_auto": "Tự động", "punch_kind_check_in": "Chấm vào",
    "punch_kind_check_out": "Chấm ra", "punch_kind_in": "Chấm vào",
    "punch_kind_out": "Chấm ra",
    "role_admin": "Quản trị", "role_hr": "Nhân sự", "role_leader": "Lãnh đạo",
    "role_staff": "Nhân viên", "revoked": "Đã thu hồi", "yes": "có", "no": "không",
    "person_name": "Họ tên", "shift_name": "Tên ca", "holiday_name": "Tên ngày lễ",
    "department_name": "Tên phòng ban", "kiosk_name": "Tên thiết bị",
    "no_department": "(chưa có phòng ban)", "not_applicable": "—",
    "kiosk_sync": "Lần đồng bộ cuối của thiết bị",
    "silent_kiosks": "Thiết bị lâu chưa đồng bộ: có thể còn thiếu lượt chấm. Các ngày sau lần "
                     "đồng bộ cuối của thiết bị được tính là chưa chốt (không tính vắng, "
                     "không tính có mặt) cho đến khi thiết bị đồng bộ. Thiết bị đã thôi sử "
                     "dụng cần được thu hồi ở trang Thiết bị.",
    "silent_kiosk": "{kiosk}: đồng bộ lần cuối {when}", "never_synced": "chưa đồng bộ lần nào",
    "pending_note": "Chưa chốt: ngày chưa kết thúc hoặc có thiết bị chưa đồng bộ qua ngày đó.",
    "access_summary_head": "Dữ liệu đang lưu về {name} (mã định danh {id}), xuất lúc {at}.",
    "access_summary_status": "- Trạng thái: {status}; phòng ban {department}; mã nhân viên "
                             "{code}.",
    "access_summary_consents": "- Đồng ý chấm công bằng khuôn mặt: {records} bản ghi, "
                               "{in_force} còn hiệu lực.",
    "access_summary_templates": "- Mẫu khuôn mặt: {count} (các con số tính từ ảnh đăng ký; "
                                "lưu dạng mã hóa).",
    "access_summary_chips": "- Ảnh khuôn mặt khi đăng ký: {count} (có trong bản xuất JSON).",
    "access_summary_punches": "- Lượt chấm công: {count}.",
    "access_summary_punches_span": "- Lượt chấm công: {count}, từ {first} đến {last}.",
    "access_summary_erasures": "- Số lần xóa dữ liệu sinh trắc học: {count}.",
    "undo": "Hoàn tác", "confirm_delete": "Xóa mục này? Thao tác được ghi vào nhật ký.",
    "confirm_undo": "Hoàn tác điều chỉnh này? Thao tác được ghi vào nhật ký.",
    "confirm_revoke": "Thu hồi thiết bị này? Thiết bị sẽ ngừng đồng bộ ngay.",
    "confirm_deactivate": "Ngừng nhân viên này? Mẫu khuôn mặt sẽ bị xóa trên mọi thiết bị.",
    "added_punches": "Lượt chấm đã thêm",
    "confirm_revoke_pin": "Thu hồi mã PIN này? Thiết bị từ chối mã từ lần đồng bộ tới.",
    "confirm_revoke_badge": "Thu hồi thẻ này? Thiết bị từ chối thẻ từ lần đồng bộ tới.",
    "confirm_deactivate_user": "Ngừng tài khoản này? Tài khoản bị đăng xuất ngay.",
}

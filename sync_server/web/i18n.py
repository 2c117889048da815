"""Vietnamese and English texts, and dates and numbers in the user's locale.

The language is the ``lang`` cookie ("vi" or "en"; Vietnamese by default: the users are a
Vietnamese ministry). Vietnamese dates are dd/mm/yyyy with a decimal comma; English dates
are ISO yyyy-mm-dd with a decimal point. Unknown keys fall back to English, then the key.
"""

from __future__ import annotations

from datetime import date, datetime

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

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
    "edit": "Edit", "deactivate": "Deactivate", "activate": "Activate", "active": "Active",
    "inactive": "Inactive", "online": "Online", "offline": "Offline",
    "last_seen": "Last seen", "backlog": "Backlog", "version": "Version",
    "clock_offset": "Clock offset (s)", "role": "Role", "templates": "Templates",
    "held_by": "Templates on kiosks (by recognizer)", "refused": "Not allowed",
    "refused_text": "Your role cannot open this page.", "login_failed":
    "Wrong username or password.", "too_many": "Too many attempts; try again later.",
    "updated": "Updated", "export_csv": "CSV", "export_xlsx": "Excel", "sort": "Sort by",
    "search": "Search", "no_data": "Nothing to show.", "holiday": "Holiday",
    "new_person": "New person", "new_user": "New user", "recognizer": "Recognizer",
    "delete": "Delete", "my_record": "My record", "language": "Language", "provision": "Provision",
    "revoke": "Revoke", "code_once": "one-time code, shown once",
    "import": "Import people", "import_help": "Columns: name, code, department (first row).",
    "created": "Created", "line": "Line", "rejected": "Rejected",
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
    "add": "Thêm", "edit": "Sửa", "deactivate": "Ngừng", "activate": "Kích hoạt",
    "active": "Đang làm", "inactive": "Đã ngừng", "online": "Trực tuyến",
    "offline": "Mất kết nối", "last_seen": "Liên lạc cuối", "backlog": "Tồn đọng",
    "version": "Phiên bản", "clock_offset": "Lệch đồng hồ (giây)", "role": "Vai trò",
    "templates": "Mẫu khuôn mặt", "held_by": "Mẫu trên thiết bị (theo bộ nhận dạng)",
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
}

TEXTS = {"en": _EN, "vi": _VI}


def pick_language(cookie: str | None) -> str:
    return cookie if cookie in LANGUAGES else DEFAULT_LANGUAGE


def translate(language: str, key: str) -> str:
    return TEXTS.get(language, _EN).get(key) or _EN.get(key) or key


def format_date(language: str, value: date | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if language == "vi" else value.isoformat()


def format_time(value: datetime | None) -> str:
    """Local wall time HH:MM (24-hour in both languages)."""
    return "" if value is None else value.strftime("%H:%M")


def format_number(language: str, value: float, decimals: int = 1) -> str:
    text = f"{value:,.{decimals}f}"
    if language == "vi":  # 1.234,5
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text

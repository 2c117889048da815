"""The shift calendar page's words (keys ``cal_`` and the menu's ``shift_calendar``)."""

from __future__ import annotations

VI = {
    "shift_calendar": "Lịch ca", "cal_title": "Lịch ca tháng",
    "cal_legend": "Chú giải", "cal_shift": "Ca", "cal_hours": "Giờ",
    "cal_night": "ca đêm, kết thúc hôm sau", "cal_day_off": "Ngày nghỉ trong tuần",
    "cal_holiday": "Ngày lễ", "cal_leave": "Nghỉ phép đã duyệt",
    "cal_none": "Chưa xếp ca", "cal_page": "Trang {page}/{pages}",
    "cal_previous_page": "Trang trước", "cal_next_page": "Trang sau",
    "cal_everyone": "Tất cả (theo trang)", "cal_no_department": "(không có phòng ban)",
    "cal_name": "Họ và tên", "cal_code": "Mã",
    "cal_print": "In", "cal_from_rules": "Theo quy tắc xếp ca, ngày lễ và nghỉ phép như "
    "báo cáo tính: thay đổi lịch ca thì lịch này đổi theo.",
}

EN = {
    "shift_calendar": "Shift calendar", "cal_title": "Shift calendar",
    "cal_legend": "Legend", "cal_shift": "Shift", "cal_hours": "Hours",
    "cal_night": "night shift, ends the next day", "cal_day_off": "Weekly day off",
    "cal_holiday": "Holiday", "cal_leave": "Approved leave",
    "cal_none": "No shift assigned", "cal_page": "Page {page} of {pages}",
    "cal_previous_page": "Previous page", "cal_next_page": "Next page",
    "cal_everyone": "Everyone (by page)", "cal_no_department": "(no department)",
    "cal_name": "Full name", "cal_code": "Code",
    "cal_print": "Print", "cal_from_rules": "From the shift rules, holidays and leave as the "
    "reports count them: changing a schedule changes this calendar.",
}

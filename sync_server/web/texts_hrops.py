"""Catalogue entries of search, pagination, person pickers, working-day checkboxes, holidays
for chosen departments, the lateness report's overtime columns and the report e-mail
subscriptions' audit sentence (merged into ``i18n.TEXTS``)."""

from __future__ import annotations

EN = {
    "page_prev": "Previous", "page_next": "Next",
    "page_of": "Page {page} of {pages} ({total} in all)",
    "search": "Search", "search_hint": "name, code or department",
    "search_person": "Type a name or code", "no_person_found": "Nobody by that name or code",
    "weekday_0": "Mon", "weekday_1": "Tue", "weekday_2": "Wed", "weekday_3": "Thu",
    "weekday_4": "Fri", "weekday_5": "Sat", "weekday_6": "Sun",
    "holiday_departments": "Departments (none ticked: everyone)",
    "overtime_min": "Overtime (min)", "holiday_work_min": "Holiday work (min)",
    "audit_report_subscription_set": "{actor} changed a scheduled report e-mail",
    "err_working_days_none": "Tick at least one working day.",
}

VI = {
    "page_prev": "Trang trước", "page_next": "Trang sau",
    "page_of": "Trang {page}/{pages} (tất cả {total})",
    "search": "Tìm", "search_hint": "tên, mã hoặc phòng ban",
    "search_person": "Gõ tên hoặc mã", "no_person_found": "Không có ai có tên hoặc mã này",
    "weekday_0": "T2", "weekday_1": "T3", "weekday_2": "T4", "weekday_3": "T5",
    "weekday_4": "T6", "weekday_5": "T7", "weekday_6": "CN",
    "holiday_departments": "Phòng ban (không chọn: tất cả)",
    "overtime_min": "Làm thêm (phút)", "holiday_work_min": "Làm ngày lễ (phút)",
    "audit_report_subscription_set": "{actor} đã thay đổi báo cáo gửi thư định kỳ",
    "err_working_days_none": "Hãy chọn ít nhất một ngày làm việc.",
}

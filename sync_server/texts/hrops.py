"""Catalogue entries of search, pagination, person pickers, working-day checkboxes, holidays
for chosen departments, the lateness report's overtime columns and the report e-mail
subscriptions' audit sentence (merged into ``i18n.TEXTS``)."""

from __future__ import annotations

EN = {
    "page_prev": "Previous", "page_next": "Next",
    "page_of": "Page {page} of {pages} ({total} in all)",
    "search_hint": "name, code or department",
    "search_person": "Type a name or code", "no_person_found": "Nobody by that name or code",
    "err_pick_person": "Type a name or code and pick the person from the list offered.",
    "weekday_0": "Mon", "weekday_1": "Tue", "weekday_2": "Wed", "weekday_3": "Thu",
    "weekday_4": "Fri", "weekday_5": "Sat", "weekday_6": "Sun",
    "holiday_departments": "Departments (none ticked: everyone)",
    "overtime_min": "Overtime (min)", "holiday_work_min": "Holiday work (min)",
    "audit_report_subscription_set": "{actor} changed a scheduled report e-mail",
    "err_working_days_none": "Tick at least one working day.",
    "report_mail": "Report e-mails", "report_kind": "Report", "email": "E-mail",
    "report_mail_help": "Sent every morning by sync-server scheduled-reports through the "
                        "[mail] settings; the monthly ones on the 1st with PDF and XLSX.",
    "report_kind_daily_late_absent": "Late and absent today (leaders)",
    "report_kind_monthly_summary": "Monthly summary",
    "report_kind_own_month": "Own month", "report_on": "On", "report_off": "Off",
    "err_not_an_email": "Not an e-mail address.",
    "err_daily_for_leaders": "The daily late and absent report is for leaders.",
    "err_not_linked": "This login is not linked to a person.",
    "err_unknown_report": "Unknown report.",
}

VI = {
    "page_prev": "Trang trước", "page_next": "Trang sau",
    "page_of": "Trang {page}/{pages} (tất cả {total})",
    "search_hint": "tên, mã hoặc phòng ban",
    "search_person": "Gõ tên hoặc mã", "no_person_found": "Không có ai có tên hoặc mã này",
    "err_pick_person": "Gõ tên hoặc mã rồi chọn người trong danh sách gợi ý.",
    "weekday_0": "T2", "weekday_1": "T3", "weekday_2": "T4", "weekday_3": "T5",
    "weekday_4": "T6", "weekday_5": "T7", "weekday_6": "CN",
    "holiday_departments": "Phòng ban (không chọn: tất cả)",
    "overtime_min": "Làm thêm (phút)", "holiday_work_min": "Làm ngày lễ (phút)",
    "audit_report_subscription_set": "{actor} đã thay đổi báo cáo gửi thư định kỳ",
    "err_working_days_none": "Hãy chọn ít nhất một ngày làm việc.",
    "report_mail": "Báo cáo qua thư", "report_kind": "Báo cáo", "email": "Thư điện tử",
    "report_mail_help": "Gửi mỗi sáng bằng sync-server scheduled-reports qua cấu hình [mail]; "
                        "báo cáo tháng gửi ngày 1 kèm PDF và XLSX.",
    "report_kind_daily_late_absent": "Đi muộn và vắng hôm nay (lãnh đạo)",
    "report_kind_monthly_summary": "Tổng hợp tháng",
    "report_kind_own_month": "Tháng của mình", "report_on": "Bật", "report_off": "Tắt",
    "err_not_an_email": "Không phải địa chỉ thư điện tử.",
    "err_daily_for_leaders": "Báo cáo đi muộn và vắng hằng ngày dành cho lãnh đạo.",
    "err_not_linked": "Tài khoản này chưa gắn với nhân viên nào.",
    "err_unknown_report": "Không có báo cáo này.",
}

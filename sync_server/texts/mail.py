"""The catalogue's e-mail words: the leaders' daily reminder digest (``mail_digest_``),
the staff requests' e-mails (``mail_request_``: submitted to the leader, decided to the
person) and the scheduled report e-mails (``mail_report_``: the leaders' late and absent
today, the monthly summary, a person's own month; their totals read as the attached grid's,
``grid_*`` in ``pages``), in English and Vietnamese. Add a key to ``EN`` and ``VI`` together.

``{name}`` fields are filled by ``texts.message``: ``department``, ``count``, ``title``,
``assignee``, ``due`` (the site's wall clock), ``acknowledged``, ``people``, ``never_shown``;
``person``, ``what`` (the request in a line), ``reason``, ``link``, ``status``, ``by``,
``note``; ``late``, ``absent``, ``day`` (a date), ``name``, ``minutes``, ``time`` (the
site's wall clock, HH:MM), ``month`` (mm/yyyy or yyyy-mm), ``word`` (a total's name),
``value``.
"""

from __future__ import annotations

EN = {
    "mail_digest_subject": "Reminders: {overdue} overdue, {unacknowledged} not acknowledged "
                           "- {department}",
    "mail_digest_department": "Department: {department}",
    "mail_digest_overdue": "Overdue ({count})",
    "mail_digest_unacknowledged": "Not acknowledged ({count})",
    "mail_digest_task": "- {title} | {assignee} | due {due} | acknowledged "
                        "{acknowledged}/{people} | never shown {never_shown}",
    "mail_digest_no_due": "no due date",
    "mail_request_submitted_subject": "Request to decide: {person}",
    "mail_request_submitted_body": "{person} requests: {what}\nReason: {reason}\n"
                                   "Decide at: {link}\n",
    "mail_request_decided_subject": "Request {status}: {what}",
    "mail_request_decided_body": "Your request was {status}: {what}\nBy: {by}\nNote: {note}\n"
                                 "See: {link}\n",
    "mail_request_status_approved": "approved", "mail_request_status_refused": "refused",
    "mail_request_leave": "{type} {start} - {end} ({days} working days)",
    "mail_request_leave_default": "Leave",
    "mail_request_add_punch": "Add a missed punch at {when}",
    "mail_request_excuse": "Excuse lateness on {day}",
    "mail_report_daily_subject": "Late {late}, absent {absent} - {department} - {day}",
    "mail_report_department": "Department: {department}",
    "mail_report_date": "Date: {day}",
    "mail_report_late": "Late ({count})",
    "mail_report_late_line": "- {name}: {minutes} min late, in at {time}",
    "mail_report_absent": "Absent ({count})",
    "mail_report_nobody": "Nobody late or absent.",
    "mail_report_monthly_subject": "Monthly summary {month}",
    "mail_report_own_subject": "Your month {month}",
    "mail_report_grid_department": "Department: {department} ({people} people)",
    "mail_report_total": "  {word}: {value}",
    "mail_report_attached": "The timesheet is attached (PDF, XLSX).",
}

VI = {
    "mail_digest_subject": "Nhắc việc: {overdue} quá hạn, {unacknowledged} chưa xác nhận "
                           "- {department}",
    "mail_digest_department": "Phòng ban: {department}",
    "mail_digest_overdue": "Quá hạn ({count})",
    "mail_digest_unacknowledged": "Chưa xác nhận ({count})",
    "mail_digest_task": "- {title} | {assignee} | hạn {due} | đã xác nhận "
                        "{acknowledged}/{people} | chưa hiển thị {never_shown}",
    "mail_digest_no_due": "không có hạn",
    "mail_request_submitted_subject": "Đơn chờ duyệt: {person}",
    "mail_request_submitted_body": "{person} xin: {what}\nLý do: {reason}\nDuyệt tại: {link}\n",
    "mail_request_decided_subject": "Đơn {status}: {what}",
    "mail_request_decided_body": "Đơn của bạn {status}: {what}\nNgười duyệt: {by}\n"
                                 "Ghi chú: {note}\nXem tại: {link}\n",
    "mail_request_status_approved": "đã được duyệt", "mail_request_status_refused": "bị từ chối",
    "mail_request_leave": "{type} {start} - {end} ({days} ngày làm việc)",
    "mail_request_leave_default": "Nghỉ",
    "mail_request_add_punch": "Bổ sung chấm công lúc {when}",
    "mail_request_excuse": "Miễn đi muộn ngày {day}",
    "mail_report_daily_subject": "Đi muộn {late}, vắng {absent} - {department} - {day}",
    "mail_report_department": "Phòng ban: {department}",
    "mail_report_date": "Ngày: {day}",
    "mail_report_late": "Đi muộn ({count})",
    "mail_report_late_line": "- {name}: muộn {minutes} phút, vào lúc {time}",
    "mail_report_absent": "Vắng ({count})",
    "mail_report_nobody": "Không ai đi muộn hay vắng.",
    "mail_report_monthly_subject": "Tổng hợp tháng {month}",
    "mail_report_own_subject": "Tháng của bạn {month}",
    "mail_report_grid_department": "Phòng ban: {department} ({people} người)",
    "mail_report_total": "  {word}: {value}",
    "mail_report_attached": "Bảng chấm công đính kèm (PDF, XLSX).",
}

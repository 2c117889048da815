"""The catalogue's e-mail words: the leaders' daily reminder digest (``mail_digest_``) and
the staff requests' e-mails (``mail_request_``: submitted to the leader, decided to the
person), in English and Vietnamese. Add a key to ``EN`` and ``VI`` together.

``{name}`` fields are filled by ``texts.message``: ``department``, ``count``, ``title``,
``assignee``, ``due`` (the site's wall clock), ``acknowledged``, ``people``, ``never_shown``;
``person``, ``what`` (the request in a line), ``reason``, ``link``, ``status``, ``by``,
``note``.
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
}

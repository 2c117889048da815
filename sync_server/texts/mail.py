"""The catalogue's e-mail words: the leaders' daily reminder digest (subject and body lines),
in English and Vietnamese. Add a key to ``EN`` and ``VI`` together.

``{name}`` fields are filled by ``texts.message``: ``department``, ``count``, ``title``,
``assignee``, ``due`` (the site's wall clock), ``acknowledged``, ``people``, ``never_shown``.
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
}

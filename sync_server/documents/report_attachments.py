"""The documents attached to the scheduled report e-mails: the timesheet grid of the mail's
month as PDF and XLSX, in the mail's language, made by the same builders as the
/hr/timesheets page.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sync_server.clock import utc_now
from sync_server.documents import names, report_pdf, timesheet_xlsx
from sync_server.service import schedules
from sync_server.service.report_mail import Attachment, DueMail, ReportKind

GENERATED_BY = "sync-server scheduled-reports"


def render(mail: DueMail) -> list[Attachment]:
    """PDF and XLSX of a monthly mail's grids; nothing for the daily report."""
    if mail.kind is ReportKind.DAILY_LATE_ABSENT:
        return []
    local_now = utc_now().astimezone(ZoneInfo(schedules.SITE_ZONE))
    name = names.ascii_filename(f"timesheets-{mail.username}-{mail.period}")
    pdf = report_pdf.timesheet_pdf(mail.grids, GENERATED_BY, local_now, mail.language)
    xlsx = timesheet_xlsx.grid_workbook(mail.grids, GENERATED_BY, local_now, mail.language)
    return [Attachment(name + ".pdf", pdf, names.PDF_TYPE),
            Attachment(name + ".xlsx", xlsx, names.XLSX_TYPE)]

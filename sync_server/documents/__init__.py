"""The documents the server makes from report data: the timesheet grid as XLSX
(``timesheet_xlsx``), the grid and the lateness report as PDF (``report_pdf``), and the
attachments of the scheduled report e-mails (``report_attachments``).

Below the web pages and the CLI (both use them), above the services (whose data they lay
out); they answer no HTTP request themselves.
"""

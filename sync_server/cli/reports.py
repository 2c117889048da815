"""CLI commands of the scheduled report e-mails: ``report-subscription`` (who gets which
report, where) and ``scheduled-reports`` (send what is due; run every morning by the
``sync-server-reports.timer`` unit). Wired in ``sync_server.cli.build_parser``.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sync_server.cli.actor import cli_actor
from sync_server.service.report_mail import ReportKind
from sync_server.settings import ServerSettings


def register_report_commands(subparsers: Any) -> None:
    """Add the scheduled report commands (handler signature: (args, settings) -> exit code)."""
    subscribe = subparsers.add_parser(
        "report-subscription", help="turn a scheduled report e-mail on or off for a web user",
        description="Say which report a web user gets and where: daily_late_absent "
        "(leaders, every working morning), monthly_summary (leaders: their department; HR "
        "and admins: everyone; on the 1st, PDF and XLSX attached), own_month (a user linked "
        "to a person, when [reports] staff_own_month is on).")
    subscribe.add_argument("--username", required=True)
    subscribe.add_argument("--kind", required=True, choices=[k.value for k in ReportKind])
    subscribe.add_argument("--email", required=True)
    subscribe.add_argument("--off", action="store_true", help="stop sending this report")
    subscribe.set_defaults(handler=_subscribe)

    send = subparsers.add_parser(
        "scheduled-reports", help="send the report e-mails that are due (run by a timer)",
        description="Send every due report e-mail through the [mail] SMTP server; a re-run "
        "the same day sends nothing twice. Exit code 1 when a send failed (retried next run).")
    send.set_defaults(handler=_send)


def _sessions(settings: ServerSettings):  # type: ignore[no-untyped-def]
    from sync_server.db.engine import make_engine, session_factory
    from sync_server.db.migrate import upgrade

    upgrade(settings.database.url)
    return session_factory(make_engine(settings.database.url))


def _subscribe(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.db.engine import transaction
    from sync_server.service import report_mail

    with transaction(_sessions(settings)) as session:
        report_mail.set_subscription(session, args.username, ReportKind(args.kind), args.email,
                                     not args.off, actor=cli_actor())
    state = "off" if args.off else "on"
    sys.stdout.write(f"{args.kind} for {args.username}: {state} ({args.email})\n")
    return 0


def _send(args: argparse.Namespace, settings: ServerSettings) -> int:
    from sync_server.documents import report_attachments
    from sync_server.service import report_mail

    if not settings.mail.enabled:
        sys.stderr.write("error: the [mail] settings section is not enabled\n")
        return 1
    report = report_mail.send_scheduled(
        _sessions(settings), settings.mail, report_attachments.render,
        staff_own_month=settings.reports.staff_own_month,
        overtime_after_min=settings.reports.overtime_after_min)
    sys.stdout.write(f"sent {report.sent}, nothing due {report.skipped}\n")
    for error in report.errors:
        sys.stderr.write(f"error: {error}\n")
    return 1 if report.errors else 0

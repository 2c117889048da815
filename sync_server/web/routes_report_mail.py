"""The scheduled report e-mails' settings page (HR and admins): who gets which report at
which address, on or off (``service/report_mail.py`` sends them; docs in the README)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import report_mail, users
from sync_server.service.report_mail import ReportKind
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User, form_action

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
BASE = f"{PREFIX}/report-mail"


@router.get("/report-mail")
def report_mail_page(request: Request, user: User) -> Response:
    common.require(user, Role.HR)
    with transaction(common.sessions_of(request)) as session:
        rows = report_mail.all_subscriptions(session)
        accounts = [a for a in users.list_users(session) if a.active]
    return PAGES.render(request, "report_mail.html", user, rows=rows, accounts=accounts,
                        kinds=list(ReportKind))


@router.post("/report-mail")
def save_report_mail(request: Request, user: User, csrf_token: Text, username: Text,
                     kind: Text, email: Text, enabled: Text = "") -> Response:
    """Turn one report on (``enabled`` ticked) or off for a web user."""
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)

    def act(session: Session) -> None:
        try:
            chosen = ReportKind(kind)
        except ValueError:
            raise BadRequest(f"unknown report {kind!r}", "unknown_report", "kind") from None
        report_mail.set_subscription(session, username, chosen, email.strip(), bool(enabled),
                                     actor=user.username)

    return form_action(request, BASE, act)

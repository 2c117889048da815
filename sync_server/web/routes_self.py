"""Staff self-service: my month (the HR report's figures for me), my punches with the kiosk
of each, my tasks, my leave balance and my requests; and the forms that send a leave or a
correction request to my leader (phone-sized pages).

Every page shows the logged-in user's own person only: there is no person in the URL to
change. A refused request shows the form again with the input and the reason next to the
field; a sent one e-mails the leader once the transaction has committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

import attendance
from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.errors import BadRequest, NotFound, ServerError
from sync_server.service import (
    completeness,
    leave_requests,
    leave_types,
    reports,
    request_mail,
    schedules,
    self_service,
    users,
)
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User
from sync_server.web.routes_reports import TOTAL_COLUMNS, _totals_cells

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]
ZONE = ZoneInfo(schedules.SITE_ZONE)


def _today() -> date:
    return utc_now().astimezone(ZONE).date()


def _own(user: users.CurrentUser) -> uuid.UUID:
    """The user's person; a login without one (an HR or admin account) is refused."""
    if user.person_id is None:
        raise common.RoleRefused("this login belongs to no person", "no_own_record")
    return user.person_id


def _me(request: Request, user: users.CurrentUser) -> Person:
    person_id = _own(user)
    with transaction(common.sessions_of(request)) as session:
        person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person {person_id}", "no_person")
    return person


def link(request: Request, path: str) -> str:
    """An absolute address of a page, for e-mails."""
    return str(request.base_url).rstrip("/") + PREFIX + path


@router.get("/me")
def me_page(request: Request, user: User, month: str | None = None) -> Response:
    person = _me(request, user)
    month, first, last = common.month_asked(month)
    with transaction(common.sessions_of(request)) as session:
        days, totals = reports.timesheet(session, person, first, last, utc_now())
        sync = completeness.completeness(session, utc_now(), [person.id])
        punches = self_service.own_punches(session, person.id, first, last)
        tasks = self_service.own_tasks(session, person.id)
        balances = leave_types.balances(session, person.id, _today())
        requests = leave_requests.own_requests(session, person.id)
        kinds = {row.id: row for row in leave_types.list_types(session)}
    return PAGES.render(
        request, "me.html", user, person=person, days=days, totals=totals, month=month,
        first=first, previous=(first - timedelta(days=1)).strftime("%Y-%m"),
        following=(last + timedelta(days=1)).strftime("%Y-%m"), columns=TOTAL_COLUMNS,
        cells=_totals_cells, sync=sync, punches=punches, tasks=tasks, balances=balances,
        requests=requests, kinds=kinds, balance_year=_today().year,
        sent=request.query_params.get("sent"))


def request_form(request: Request, user: users.CurrentUser, status_code: int = 200,
                 **form: object) -> Response:
    person = _me(request, user)
    with transaction(common.sessions_of(request)) as session:
        kinds = leave_types.list_types(session, active_only=True)
    return PAGES.render(request, "me_request.html", user, status_code=status_code,
                        person=person, kinds=kinds, form=form)


@router.get("/me/request")
def request_page(request: Request, user: User) -> Response:
    return request_form(request, user)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not a date YYYY-MM-DD", "not_a_date", field,
                         value=text) from None


def _send_after(request: Request, action: Callable[[Session], list[request_mail.Notice]],
                refused: Callable[[ServerError], Response]) -> Response:
    """Run ``action(session)`` (returning e-mails) in one transaction; send them once it
    committed; back to my page."""
    notices: list[request_mail.Notice] = []

    def run(session: Session) -> None:
        notices.extend(action(session))

    answer = common.form_or_page(request, f"{PREFIX}/me?sent=1#my-requests", run, refused)
    if notices:
        request_mail.send(request.app.state.settings.mail, notices)
    return answer


@router.post("/me/leave")
def send_leave(request: Request, user: User, csrf_token: Text, leave_type_id: Text,
               start: Text, end: Text, reason: OptionalText = "") -> Response:
    _own(user)
    common.check_csrf(user, csrf_token)
    form = {"leave_type_id": leave_type_id, "start": start, "end": end, "reason": reason}

    def act(session: Session) -> list[request_mail.Notice]:
        try:
            type_id = uuid.UUID(leave_type_id)
        except ValueError:
            raise BadRequest("choose a leave type", "no_leave_type", "leave_type_id") from None
        return leave_requests.submit_leave(
            session, user, type_id, _date(start, "start"), _date(end, "end"), reason,
            link(request, "/requests")).notices

    return _send_after(request, act, lambda error: request_form(
        request, user, error.status, leave={**form, "error": error}))


def _instant(text: str) -> datetime:
    try:
        local = datetime.fromisoformat(text.strip())
    except ValueError:
        raise BadRequest("the missed punch needs a date and time", "not_a_time",
                         "instant") from None
    return local if local.tzinfo else local.replace(tzinfo=ZONE)


@router.post("/me/correction")
def send_correction(request: Request, user: User, csrf_token: Text, correction_kind: Text,
                    reason: OptionalText = "", instant: OptionalText = "", day: OptionalText = "",
                    punch_kind: OptionalText = "check_out") -> Response:
    _own(user)
    common.check_csrf(user, csrf_token)
    form = {"correction_kind": correction_kind, "reason": reason, "instant": instant,
            "day": day, "punch_kind": punch_kind}
    kinds = {k.value for k in attendance.PunchKind}

    def act(session: Session) -> list[request_mail.Notice]:
        where = link(request, "/requests")
        if correction_kind == "excuse_late":
            return leave_requests.submit_correction(session, user, correction_kind, reason,
                                                    where, day=_date(day, "day")).notices
        return leave_requests.submit_correction(
            session, user, correction_kind, reason, where, instant=_instant(instant),
            punch_kind=attendance.PunchKind(punch_kind if punch_kind in kinds else "auto")
        ).notices

    def refused(error: ServerError) -> Response:
        return request_form(request, user, error.status, correction={**form, "error": error})

    return _send_after(request, act, refused)


@router.post("/me/requests/{request_id}/withdraw")
def withdraw(request: Request, user: User, request_id: uuid.UUID, csrf_token: Text) -> Response:
    _own(user)
    common.check_csrf(user, csrf_token)
    return common.form_action(request, f"{PREFIX}/me#my-requests",
                              lambda session: leave_requests.withdraw(session, user,
                                                                      request_id))

"""Leaders and HR decide staff requests (approve or refuse, with a note: the person is
e-mailed), leaders excuse their own staff's lateness where the site allows it
(``hr.leaders_may_excuse``), and HR configures the leave types.

Every POST checks the role and the CSRF token; the services check that the request is the
user's to decide and write the audit entries.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sync_server.db.engine import transaction
from sync_server.errors import BadRequest, ServerError
from sync_server.service import (
    leave_balances,
    leave_requests,
    leave_types,
    reports,
    request_mail,
    users,
)
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User
from sync_server.web.routes_self import link

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]
DECIDED = (leave_requests.Status.APPROVED, leave_requests.Status.REFUSED)


def _may_excuse(request: Request, user: users.CurrentUser) -> bool:
    return user.sees_everyone or (user.role is Role.LEADER
                                  and request.app.state.settings.hr.leaders_may_excuse)


def requests_view(request: Request, user: users.CurrentUser, status_code: int = 200,
                  **excuse: object) -> Response:
    with transaction(common.sessions_of(request)) as session:
        pending = leave_requests.requests_to_decide(session, user)
        decided = leave_requests.requests_to_decide(session, user, DECIDED, limit=50)[::-1]
        team = reports.load_people(session, common.scope_of(user))
        kinds = {row.id: row for row in leave_types.list_types(session)}
        drawn = {r.id: leave_balances.for_request(session, r) for r in pending}
    names = {p.id: p.display_name for p in team}
    picked = next((p for p in team if str(p.id) == excuse.get("person_id")), None)
    return PAGES.render(request, "requests.html", user, status_code=status_code,
                        pending=pending, decided=decided, names=names, kinds=kinds,
                        drawn=drawn,
                        may_excuse=_may_excuse(request, user), excuse=excuse,
                        excuse_label=picked.display_name if picked else "")


@router.get("/requests")
def requests_page(request: Request, user: User) -> Response:
    common.require(user, Role.HR, Role.LEADER)
    return requests_view(request, user)


@router.post("/requests/{request_id}/{verdict}")
def decide(request: Request, user: User, request_id: uuid.UUID, verdict: str,
           csrf_token: Text, note: OptionalText = "") -> Response:
    common.require(user, Role.HR, Role.LEADER)
    common.check_csrf(user, csrf_token)
    if verdict not in ("approve", "refuse"):
        raise BadRequest(f"unknown decision {verdict!r}", "not_an_id")
    notices: list[request_mail.Notice] = []

    def act(session: Session) -> None:
        notices.extend(leave_requests.decide(session, user, request_id, verdict == "approve",
                                             note, link(request, "/me")))

    answer = common.form_action(request, f"{PREFIX}/requests", act)
    if notices:
        request_mail.send(request.app.state.settings.mail, notices)
    return answer


@router.post("/requests/excuse")
def excuse(request: Request, user: User, csrf_token: Text, person_id: OptionalText = "",
           day: OptionalText = "", reason: OptionalText = "") -> Response:
    common.require(user, Role.HR, Role.LEADER)
    common.check_csrf(user, csrf_token)
    form = {"person_id": person_id, "day": day, "reason": reason}

    def act(session: Session) -> None:
        try:
            person = uuid.UUID(person_id.strip())
        except ValueError:  # nobody picked: the picker's text matched no one offered
            raise BadRequest(f"{person_id!r} is not an id", "pick_person", "person_id") from None
        try:
            when = date.fromisoformat(day)
        except ValueError:
            raise BadRequest(f"{day!r} is not a date YYYY-MM-DD", "not_a_date", "day",
                             value=day) from None
        leave_requests.leader_excuse(session, user, person, when, reason,
                                     _may_excuse(request, user))

    def refused(error: ServerError) -> Response:
        return requests_view(request, user, error.status, **form, error=error)

    return common.form_or_page(request, f"{PREFIX}/requests", act, refused)


def types_view(request: Request, user: users.CurrentUser, status_code: int = 200,
               edit: uuid.UUID | None = None, form: dict[str, object] | None = None
               ) -> Response:
    with transaction(common.sessions_of(request)) as session:
        kinds = leave_types.list_types(session)
    form = form or {}
    if edit is not None and not form:
        row = next((k for k in kinds if k.id == edit), None)
        if row is not None:
            form = {name: getattr(row, name) for name in (
                "code", "name_vi", "name_en", "days_per_year", "monthly_accrual",
                "carry_over_cap_days", "counted", "active")}
            form["type_id"] = str(row.id)
    return PAGES.render(request, "leave_types.html", user, status_code=status_code,
                        kinds=kinds, form=form)


@router.get("/leave-types")
def leave_types_page(request: Request, user: User, edit: str = "") -> Response:
    common.require(user, Role.HR)
    try:
        chosen = uuid.UUID(edit) if edit else None
    except ValueError:
        chosen = None
    return types_view(request, user, edit=chosen)


def _days(text: str, field: str) -> float:
    try:
        return float(text.replace(",", ".") or 0)
    except ValueError:
        raise BadRequest(f"{text!r} is not a number of days", "leave_type_days", field,
                         days=int(leave_types.MAX_DAYS_PER_YEAR)) from None


@router.post("/leave-types")
def save_leave_type(request: Request, user: User, csrf_token: Text, code: Text, name_vi: Text,
                    name_en: Text, days_per_year: OptionalText = "0",
                    carry_over_cap_days: OptionalText = "0", monthly_accrual: OptionalText = "",
                    counted: OptionalText = "", active: OptionalText = "",
                    type_id: OptionalText = "") -> Response:
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    form: dict[str, object] = {
        "code": code, "name_vi": name_vi, "name_en": name_en, "days_per_year": days_per_year,
        "carry_over_cap_days": carry_over_cap_days, "monthly_accrual": bool(monthly_accrual),
        "counted": bool(counted), "active": bool(active), "type_id": type_id}

    def act(session: Session) -> None:
        spec = leave_types.LeaveTypeIn(
            code, name_vi, name_en, _days(days_per_year, "days_per_year"),
            bool(monthly_accrual), _days(carry_over_cap_days, "carry_over_cap_days"),
            bool(counted), bool(active))
        leave_types.save_type(session, spec, uuid.UUID(type_id) if type_id else None,
                              actor=user.username)

    def refused(error: ServerError) -> Response:
        return types_view(request, user, error.status, form={**form, "error": error})

    return common.form_or_page(request, f"{PREFIX}/leave-types", act, refused)

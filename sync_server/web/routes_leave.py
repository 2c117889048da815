"""Leave on the shifts page: record, change and withdraw, each audited by the service.

A refused leave (backwards, far from today, too long, overlapping) shows the shifts page
again with the input and the reason next to the field."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sync_server.errors import BadRequest, ServerError
from sync_server.service import leaves
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PREFIX, User
from sync_server.web.routes_admin import refused_delete, shifts_view

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]


def _id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not an id", "not_an_id") from None


def _leave_in(person_id: str, start: str, end: str, reason: str,
              leave_type_id: str = "") -> leaves.LeaveIn:
    try:
        person = uuid.UUID(person_id.strip())
    except ValueError:  # nobody picked: the picker's text matched no one offered
        raise BadRequest(f"{person_id!r} is not an id", "pick_person", "person_id") from None
    days = []
    for field, text in (("start", start), ("end", end)):
        try:
            days.append(date.fromisoformat(text))
        except ValueError:
            raise BadRequest(f"{text!r} is not a date YYYY-MM-DD", "not_a_date", field,
                             value=text) from None
    kind = _id(leave_type_id) if leave_type_id.strip() else None
    return leaves.LeaveIn(person, days[0], days[1], reason, kind)


@router.post("/shifts/leaves")
def save_leave(request: Request, user: User, csrf_token: Text, person_id: OptionalText = "",
               start: OptionalText = "", end: OptionalText = "", reason: OptionalText = "",
               leave_id: OptionalText = "",
               leave_type_id: OptionalText = "") -> Response:
    """New leave, or a change of ``leave_id``."""
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    form: dict[str, object] = {"person_id": person_id, "start": start, "end": end,
                               "reason": reason, "leave_id": leave_id,
                               "leave_type_id": leave_type_id}

    def refused(error: ServerError) -> Response:
        return shifts_view(request, user, leave_form={**form, "error": error},
                           status_code=error.status)

    def act(session: Session) -> None:
        leave = _leave_in(person_id, start, end, reason, leave_type_id)
        if leave_id:
            leaves.edit_leave(session, _id(leave_id), leave, user.username)
        else:
            leaves.add_leave(session, leave, user.username)

    return common.form_or_page(request, f"{PREFIX}/shifts#leaves", act, refused)


@router.post("/shifts/leaves/{leave_id}/delete")
def delete_leave(request: Request, user: User, leave_id: uuid.UUID,
                 csrf_token: Text) -> Response:
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    return common.form_or_page(request, f"{PREFIX}/shifts#leaves",
                               lambda session: leaves.delete_leave(session, leave_id,
                                                                   user.username),
                               refused_delete(request, user, "leaves", leave_id))

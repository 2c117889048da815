"""HR pages for a person's check-in alternatives: issue or revoke a PIN, print a QR badge.

A PIN (entered twice, or generated) and a badge token are shown on the page that answers the
POST, once: only their hashes are stored (service.alt_checkin). These answers are marked
``Cache-Control: no-store`` so a browser does not keep the secret. HR and admins only; every
POST checks the CSRF token and is audited by the service.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from attendance import pins
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import alt_checkin, users
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User, form_action

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]


def _guard(user: users.CurrentUser, csrf_token: str) -> None:
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)


def _page_for(person_id: uuid.UUID) -> str:
    return f"{PREFIX}/people/{person_id}/checkin"


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/people/{person_id}/checkin")
def checkin_page(request: Request, user: User, person_id: uuid.UUID) -> Response:
    common.require(user, Role.HR)
    with transaction(common.sessions_of(request)) as session:
        status = alt_checkin.status(session, person_id)
    return PAGES.render(request, "checkin_methods.html", user, status=status, new_pin=None)


@router.post("/people/{person_id}/pin")
def issue_pin(request: Request, user: User, person_id: uuid.UUID, csrf_token: Text,
              pin: OptionalText = "", pin_again: OptionalText = "",
              generate: OptionalText = "") -> Response:
    """Set the PIN typed twice, or (``generate``) a random one shown on this answer only."""
    _guard(user, csrf_token)
    if not generate and pin != pin_again:
        return common.error_redirect(request, _page_for(person_id),
                                     BadRequest("the two PINs differ", "pins_differ", "pin"))
    shown: list[str] = []

    def act(session: Session) -> None:
        shown.append(alt_checkin.issue_pin(session, person_id, user.username,
                                           None if generate else pin))

    back = form_action(request, _page_for(person_id), act)
    if not shown:
        return back  # refused: the redirect carries the reason
    with transaction(common.sessions_of(request)) as session:
        status = alt_checkin.status(session, person_id)
    return _no_store(PAGES.render(request, "checkin_methods.html", user, status=status,
                                  new_pin=shown[0] if generate else None, pin_saved=True))


@router.post("/people/{person_id}/badge")
def issue_badge(request: Request, user: User, person_id: uuid.UUID,
                csrf_token: Text) -> Response:
    """Issue a badge and answer with its printable page (the token exists only here)."""
    _guard(user, csrf_token)
    tokens: list[str] = []

    def act(session: Session) -> None:
        tokens.append(alt_checkin.issue_badge(session, person_id, user.username))

    back = form_action(request, _page_for(person_id), act)
    if not tokens:
        return back
    with transaction(common.sessions_of(request)) as session:
        status = alt_checkin.status(session, person_id)
    qr = segno.make(pins.badge_payload(tokens[0]), error="m", micro=False)
    return _no_store(PAGES.render(request, "badge_print.html", user, status=status,
                                  qr_png=qr.png_data_uri(scale=8, border=4)))


@router.post("/people/{person_id}/revoke")
def revoke(request: Request, user: User, person_id: uuid.UUID, csrf_token: Text,
           method: Text) -> Response:
    _guard(user, csrf_token)
    try:
        chosen = alt_checkin.Method(method)
    except ValueError:
        raise BadRequest(f"unknown check-in method {method!r}", "bad_query") from None
    return form_action(request, _page_for(person_id),
                       lambda session: alt_checkin.revoke(session, person_id, chosen,
                                                          user.username))

"""Admin pages: kiosks (HR sees them; admins provision, rename, revoke) and web users.

Every POST checks the role and the CSRF token and writes an audit entry in the same
transaction as the change. A refused new user, kiosk name or provisioning shows the page
again with the input and the reason next to the field (the password is never shown again)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.engine import transaction
from sync_server.db.models import Kiosk
from sync_server.errors import BadRequest, Conflict, ServerError
from sync_server.service import kiosks, reports, schedules, sites, users
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User, form_action

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
OptionalText = Annotated[str, Form()]
ONLINE_WITHIN = timedelta(minutes=5)  # a kiosk heard from within this is online


def _guard(user: users.CurrentUser, csrf_token: str, *roles: Role) -> None:
    common.require(user, *roles)
    common.check_csrf(user, csrf_token)


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not an id", "not_an_id") from None


# -- kiosks and users ----------------------------------------------------------------------

@router.get("/kiosks")
def kiosks_page(request: Request, user: User) -> Response:
    """Kiosks with online state; HR sees them, admins also provision, rename and revoke."""
    common.require(user, Role.HR)
    return _kiosks(request, user)


def _kiosks(request: Request, user: users.CurrentUser, code: str = "",
            code_for: str = "", kiosk_form: dict[str, object] | None = None,
            status_code: int = 200) -> Response:
    """The kiosks page; ``kiosk_form`` re-shows a refused provisioning (no ``kiosk_id``) or
    rename (``kiosk_id``) with the name typed and the error."""
    now = utc_now()
    with transaction(common.sessions_of(request)) as session:
        rows = list(session.scalars(select(Kiosk).order_by(Kiosk.name)))
        all_sites = sites.list_sites(session)
        kiosk_sites = {k.id: sites.kiosk_site(session, k) for k in rows}
    online = {k.id: k.revoked_at is None and k.last_seen_at is not None
              and now - k.last_seen_at <= ONLINE_WITHIN for k in rows}
    return PAGES.render(request, "kiosks.html", user, status_code=status_code, kiosks=rows,
                        online=online, zone=ZoneInfo(schedules.SITE_ZONE), code=code,
                        code_for=code_for, kiosk_form=kiosk_form or {}, sites=all_sites,
                        kiosk_sites=kiosk_sites)


@router.get("/users")
def users_page(request: Request, user: User) -> Response:
    common.require(user)  # admins only
    return _users(request, user)


def _users(request: Request, user: users.CurrentUser,
           user_form: dict[str, object] | None = None, status_code: int = 200,
           row_form: dict[str, object] | None = None) -> Response:
    """The users page; ``user_form`` re-shows a refused new user, ``row_form`` a refused
    change of the account ``row_form["user_id"]`` (input and error)."""
    with transaction(common.sessions_of(request)) as session:
        accounts = users.list_users(session)
        everyone = reports.load_people(session)
        departments = schedules.list_departments(session)
    return PAGES.render(request, "users.html", user, status_code=status_code,
                        accounts=accounts, people=everyone, departments=departments,
                        person_names={str(p.id): p.display_name for p in everyone},
                        roles=list(Role), user_form=user_form or {},
                        row_form=row_form or {})


@router.post("/users")
def create_user(request: Request, user: User, csrf_token: Text, username: Text,
                password: Text, role: Text, department: OptionalText = "",
                person_id: OptionalText = "") -> Response:
    _guard(user, csrf_token)
    form: dict[str, object] = {"username": username, "role": role, "department": department,
                               "person_id": person_id}

    def act(session: Session) -> None:
        users.create_user(session, username, password, _role(role), department or None,
                          _uuid(person_id) if person_id else None, actor=user.username)

    def refused(error: ServerError) -> Response:
        return _users(request, user, {**form, "error": error}, error.status)

    return common.form_or_page(request, f"{PREFIX}/users", act, refused)


def _role(text: str) -> Role:
    try:
        return Role(text)
    except ValueError:
        raise BadRequest(f"unknown role {text!r}", "unknown_role", "role") from None


@router.post("/users/{user_id}/edit")
def edit_user(request: Request, user: User, user_id: uuid.UUID, csrf_token: Text, role: Text,
              department: OptionalText = "", person_id: OptionalText = "") -> Response:
    _guard(user, csrf_token)

    def act(session: Session) -> None:
        users.update_user(session, user_id, _role(role), department or None,
                          _uuid(person_id) if person_id else None, actor=user.username)

    return common.form_or_page(request, f"{PREFIX}/users", act, _row_refused(
        request, user, {"user_id": str(user_id), "role": role, "department": department,
                        "person_id": person_id}))


def _row_refused(request: Request, user: users.CurrentUser,
                 form: dict[str, object]) -> Callable[[ServerError], Response]:
    """The users page again with the refused row's input and the reason beside it."""
    def refused(error: ServerError) -> Response:
        return _users(request, user, status_code=error.status,
                      row_form={**form, "error": error})
    return refused


@router.post("/users/{user_id}/active")
def set_user_active(request: Request, user: User, user_id: uuid.UUID, csrf_token: Text,
                    active: Text) -> Response:
    _guard(user, csrf_token)

    def act(session: Session) -> None:
        users.set_active(session, user_id, active == "1", actor=user.username)

    return common.form_or_page(request, f"{PREFIX}/users", act,
                               _row_refused(request, user, {"user_id": str(user_id)}))


@router.post("/users/{user_id}/password")
def reset_user_password(request: Request, user: User, user_id: uuid.UUID, csrf_token: Text,
                        password: Text) -> Response:
    _guard(user, csrf_token)

    def act(session: Session) -> None:
        users.reset_password(session, user_id, password, actor=user.username)

    return common.form_or_page(request, f"{PREFIX}/users", act,
                               _row_refused(request, user, {"user_id": str(user_id)}))


@router.post("/kiosks")
def provision_kiosk(request: Request, user: User, csrf_token: Text, name: Text) -> Response:
    """Register a kiosk (or re-arm an unprovisioned one) and show its one-time code once."""
    _guard(user, csrf_token)
    settings = request.app.state.settings
    try:
        with transaction(common.sessions_of(request)) as session:
            _kiosk_id, code = kiosks.create_provisioning_code(
                session, name.strip(), settings.provisioning.code_ttl_s, actor=user.username)
    except (BadRequest, Conflict) as exc:
        return _kiosks(request, user, kiosk_form={"kiosk_id": "", "name": name, "error": exc},
                       status_code=exc.status)
    return _kiosks(request, user, code=code, code_for=name.strip())


@router.post("/kiosks/{kiosk_id}/rename")
def rename_kiosk(request: Request, user: User, kiosk_id: uuid.UUID, csrf_token: Text,
                 name: Text) -> Response:
    _guard(user, csrf_token)

    def act(session: Session) -> None:
        kiosks.rename(session, kiosk_id, name, actor=user.username)

    def refused(error: ServerError) -> Response:
        return _kiosks(request, user, kiosk_form={"kiosk_id": str(kiosk_id), "name": name,
                                                  "error": error}, status_code=error.status)

    return common.form_or_page(request, f"{PREFIX}/kiosks", act, refused)


@router.post("/kiosks/{kiosk_id}/revoke")
def revoke_kiosk(request: Request, user: User, kiosk_id: uuid.UUID,
                 csrf_token: Text) -> Response:
    _guard(user, csrf_token)

    def act(session: Session) -> None:
        kiosks.revoke(session, str(kiosk_id), actor=user.username)

    return form_action(request, f"{PREFIX}/kiosks", act)

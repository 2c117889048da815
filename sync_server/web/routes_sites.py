"""Sites page: sites with their kiosks and people counts (create, rename), a department's
site, and moving a kiosk to another site (from the kiosks page). Every POST checks the
role and the CSRF token; the services audit each change (service.sites, site_moves)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import schedules, site_moves, sites
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User, form_action

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]


def site_choice(text: str) -> uuid.UUID | None:
    """A site picker's value: a site id, or "" (by department / the default site)."""
    if not text.strip():
        return None
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not a site", "site_unknown", "site_id") from None


@router.get("/sites")
def sites_page(request: Request, user: User) -> Response:
    common.require(user, Role.HR)
    with transaction(common.sessions_of(request)) as session:
        listed = sites.summaries(session)
        departments = schedules.list_departments(session)
        placed = sites.department_sites(session)
        default = sites.default_site_id(session)
    names = {s.id: s.name for s in listed}
    return PAGES.render(request, "sites.html", user, sites=listed, departments=departments,
                        department_site={d: names.get(placed.get(d, default), "")
                                         for d in departments})


@router.post("/sites")
def save_site(request: Request, user: User, csrf_token: Text, name: Text,
              site_id: Annotated[str, Form()] = "") -> Response:
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)

    def act(session: Session) -> None:
        chosen = site_choice(site_id)
        if chosen is None:
            sites.create_site(session, name, actor=user.username)
        else:
            sites.rename_site(session, chosen, name, actor=user.username)

    return form_action(request, f"{PREFIX}/sites", act)


@router.post("/sites/department")
def department_site(request: Request, user: User, csrf_token: Text, department: Text,
                    site_id: Annotated[str, Form()] = "") -> Response:
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)

    def act(session: Session) -> None:
        site_moves.assign_department(session, department, site_choice(site_id),
                                     actor=user.username)

    return form_action(request, f"{PREFIX}/sites", act)


@router.post("/kiosks/{kiosk_id}/site")
def kiosk_site(request: Request, user: User, kiosk_id: uuid.UUID, csrf_token: Text,
               site_id: Text) -> Response:
    common.require(user)  # admins only, like the kiosks' other actions
    common.check_csrf(user, csrf_token)

    def act(session: Session) -> None:
        chosen = site_choice(site_id) or sites.default_site_id(session)
        site_moves.assign_kiosk(session, kiosk_id, chosen, actor=user.username)

    return form_action(request, f"{PREFIX}/kiosks", act)

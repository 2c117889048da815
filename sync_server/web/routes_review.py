"""What a kiosk sent that the server did not take on its word, for a person to decide.

- "Held punches": punches stored held (service.punch_trust), with why, kiosk, person and
  time; HR or an admin approves them (they count in every report from then on) or rejects
  them (they never count). Several at once with the check boxes.
- "Kiosk enrolments": uploads awaiting review, the new chips beside the person's existing
  ones; approving sends the templates to every kiosk, rejecting deletes them.

Every decision checks the role and the CSRF token and is audited with the change (in the
services). Chip images are served only to HR/admin, decrypted on the fly, ``no-store``.
Runs in FastAPI's thread pool.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import kiosk_enrolments, punch_review, schedules
from sync_server.service.users import Role
from sync_server.web import common
from sync_server.web.common import PAGES, PREFIX, User, form_action

router = APIRouter(prefix=PREFIX, include_in_schema=False)
HELD_PAGE = f"{PREFIX}/held-punches"
ENROLMENTS_PAGE = f"{PREFIX}/kiosk-enrolments"
MAX_ROWS = 500
IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg"}


def _ids(texts: list[str]) -> list[uuid.UUID]:
    try:
        return [uuid.UUID(text.strip()) for text in texts if text.strip()]
    except ValueError:
        raise BadRequest("not a punch id", "not_an_id") from None


@router.get("/held-punches")
def held_punches_page(request: Request, user: User) -> Response:
    """Every held punch, oldest first (at most MAX_ROWS)."""
    common.require(user, Role.HR)
    with transaction(common.sessions_of(request)) as session:
        held = punch_review.list_held(session, limit=MAX_ROWS)
    return PAGES.render(request, "held_punches.html", user, held=held, max_rows=MAX_ROWS,
                        zone=ZoneInfo(schedules.SITE_ZONE))


@router.post("/held-punches")
def decide_held_punches(request: Request, user: User,
                        csrf_token: Annotated[str, Form()], decision: Annotated[str, Form()],
                        punch_id: Annotated[list[str] | None, Form()] = None) -> Response:
    """Approve or reject the checked punches (``punch_id``, repeated)."""
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    try:
        chosen = punch_review.Decision(decision)
    except ValueError:
        raise BadRequest(f"decision must be approve or reject, not {decision!r}",
                         "bad_query") from None
    ids = _ids(punch_id or [])
    return form_action(request, HELD_PAGE,
                       lambda session: punch_review.decide(session, ids, chosen, user.username))


@router.get("/kiosk-enrolments")
def kiosk_enrolments_page(request: Request, user: User) -> Response:
    """Kiosk uploads awaiting review, oldest first."""
    common.require(user, Role.HR)
    with transaction(common.sessions_of(request)) as session:
        pending = kiosk_enrolments.list_pending(session)
    response = PAGES.render(request, "kiosk_enrolments.html", user, pending=pending,
                            zone=ZoneInfo(schedules.SITE_ZONE))
    response.headers["Cache-Control"] = "no-store"  # names next to faces
    return response


@router.post("/kiosk-enrolments/{enrolment_id}/{action}")
def decide_kiosk_enrolment(request: Request, user: User, enrolment_id: uuid.UUID, action: str,
                           csrf_token: Annotated[str, Form()]) -> Response:
    """``action``: approve (to every kiosk) or reject (deleted)."""
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    if action == "approve":
        return form_action(request, ENROLMENTS_PAGE, lambda session: kiosk_enrolments.approve(
            session, enrolment_id, user.username,
            may_confirm_lookalike=user.role is Role.ADMIN))
    if action == "reject":
        return form_action(request, ENROLMENTS_PAGE, lambda session: kiosk_enrolments.reject(
            session, enrolment_id, user.username))
    raise BadRequest(f"action must be approve or reject, not {action!r}", "bad_query")


@router.get("/chips/{chip_id}")
def chip_image(request: Request, user: User, chip_id: uuid.UUID) -> Response:
    """One enrolment chip (PNG or JPEG), for the review page."""
    common.require(user, Role.HR)
    with transaction(common.sessions_of(request)) as session:
        image, image_format = kiosk_enrolments.chip_image(session, chip_id)
    return Response(image, media_type=IMAGE_TYPES.get(image_format, "application/octet-stream"),
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

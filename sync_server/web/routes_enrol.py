"""HR pages: enroll a person's face from uploaded photos, bulk import from a ZIP, which
kiosks hold a person's templates, and the person's rolling templates (an admin removes one).

The face pipeline runs in FastAPI's thread pool (these handlers are sync), outside any
database transaction; the model pack is loaded once per app, at first use. A page shows the
verdict of every photo; a missing model pack is a message on the page, not an error page.
"""

from __future__ import annotations

import threading
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import func, select

from sync_server.db.engine import transaction
from sync_server.db.models import ConsentRecord, Person, Template
from sync_server.errors import BadRequest, Conflict, NotFound
from sync_server.service import people, rolling_admin
from sync_server.service.enrolment import (
    Analysis,
    FaceEnroller,
    Photo,
    VisionUnavailable,
    consent_for,
    store_enrolment,
)
from sync_server.service.lookalikes import AlreadyEnrolled
from sync_server.service.photo_import import import_photos, zip_entries
from sync_server.service.template_holders import template_holders
from sync_server.service.users import CurrentUser, Role
from sync_server.web import common, i18n, routes_admin
from sync_server.web.common import PAGES, PREFIX, User

router = APIRouter(prefix=PREFIX, include_in_schema=False)
Text = Annotated[str, Form()]
_ENROLLER_LOCK = threading.Lock()


def enroller_of(request: Request) -> FaceEnroller:
    """The app's FaceEnroller (made from the ``[vision]`` settings at first use)."""
    state = request.app.state
    with _ENROLLER_LOCK:
        if getattr(state, "face_enroller", None) is None:
            state.face_enroller = FaceEnroller(state.settings.vision)
        return state.face_enroller  # type: ignore[no-any-return]


def _models_problem(request: Request) -> str | None:
    try:
        enroller_of(request).pack()
    except VisionUnavailable as exc:
        return exc.detail
    return None


def _render_person(request: Request, user: CurrentUser, person_id: uuid.UUID,
                   status_code: int = 200, **extra: object) -> Response:
    with transaction(common.sessions_of(request)) as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(f"no person {person_id}", "no_person")
        templates = session.scalar(select(func.count()).select_from(Template)
                                   .where(Template.person_id == person_id)) or 0
        consent = session.scalars(
            select(ConsentRecord).where(ConsentRecord.person_id == person_id,
                                        ConsentRecord.withdrawn_at.is_(None))
            .order_by(ConsentRecord.given_at.desc())).first()
        holders = template_holders(session, person_id)
        rolling = rolling_admin.listed(session, person_id)
    extra.setdefault("models_problem", _models_problem(request))
    return PAGES.render(request, "enrol.html", user, status_code=status_code, person=person,
                        templates=templates, consent=consent, holders=holders,
                        rolling=rolling,
                        max_photos=enroller_of(request).settings.max_photos,
                        max_upload_mb=request.app.state.settings.api.max_upload_bytes / 1e6,
                        **extra)


@router.get("/people/{person_id}/enrol")
def enrol_page(request: Request, user: User, person_id: uuid.UUID) -> Response:
    common.require(user, Role.HR)
    return _render_person(request, user, person_id)


@router.post("/people/{person_id}/rolling/{template_id}/remove")
def remove_rolling(request: Request, user: User, person_id: uuid.UUID, template_id: uuid.UUID,
                   csrf_token: Text) -> Response:
    """An admin removes one rolling template: kiosks drop it at their next sync."""
    common.require(user, Role.ADMIN)
    common.check_csrf(user, csrf_token)
    return common.form_action(
        request, f"{PREFIX}/people/{person_id}/enrol",
        lambda session: rolling_admin.remove(session, person_id, template_id,
                                                 actor=user.username))


@router.post("/people/{person_id}/enrol")
def enrol_photos(request: Request, user: User, person_id: uuid.UUID, csrf_token: Text,
                 photos: Annotated[list[UploadFile], File()],
                 notice_version: Annotated[str, Form()] = "",
                 collected_by: Annotated[str, Form()] = "",
                 confirm_different: Annotated[list[str] | None, Form()] = None) -> Response:
    """Check the photos with the kiosks' pipeline; enroll the accepted ones (consent first).

    A face already enrolled as another person is refused with that person named; an admin
    may confirm they are different people (``confirm_different``: their ids) and upload again.
    """
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    kept = {"notice_version": notice_version, "collected_by": collected_by}
    try:
        with transaction(common.sessions_of(request)) as session:
            if session.get(Person, person_id) is None:
                raise NotFound(f"no person {person_id}", "no_person")
            consent = consent_for(session, person_id, notice_version, collected_by)
        uploads = [Photo(u.filename or f"photo {i + 1}", u.file.read())
                   for i, u in enumerate(photos)]
        analysis = enroller_of(request).analyse(uploads)
    except VisionUnavailable as exc:
        return _render_person(request, user, person_id, 503, models_problem=exc.detail)
    except BadRequest as exc:
        return _render_person(request, user, person_id, 422, kept=kept,
                              problem=i18n.error_text(common.language_of(request), exc))
    minimum = enroller_of(request).settings.min_photos
    if analysis.accepted < minimum:
        return _render_person(request, user, person_id, 422, kept=kept, analysis=analysis,
                              problem=f"{_text(request, 'enrol_too_few')}: "
                                      f"{analysis.accepted} < {minimum}")
    confirmed = _confirmed(user, confirm_different)
    try:
        stored = _store(request, user, person_id, analysis, consent, minimum, confirmed)
    except AlreadyEnrolled as exc:
        return _render_person(request, user, person_id, 409, kept=kept, analysis=analysis,
                              problem=i18n.error_text(common.language_of(request), exc),
                              lookalikes=exc.matches)
    except (BadRequest, Conflict, NotFound) as exc:
        return _render_person(request, user, person_id, 409, kept=kept, analysis=analysis,
                              problem=i18n.error_text(common.language_of(request), exc))
    return _render_person(request, user, person_id, analysis=analysis, stored=stored)


def _confirmed(user: CurrentUser, values: list[str] | None) -> list[uuid.UUID]:
    """The people an ADMIN confirms as different from this one (others' ticks are ignored)."""
    if user.role is not Role.ADMIN or not values:
        return []
    return [_uuid(value) for value in values if value.strip()]


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise BadRequest(f"{text!r} is not a person id", "not_an_id") from None


def _store(request: Request, user: CurrentUser, person_id: uuid.UUID, analysis: Analysis,
           consent: people.ConsentIn, minimum: int,
           confirmed: list[uuid.UUID] | None = None) -> int:
    with transaction(common.sessions_of(request)) as session:
        ids = store_enrolment(session, person_id, analysis, consent, minimum,
                              actor=user.username,
                              confirmed_different=confirmed or [])
    return len(ids)


def _text(request: Request, key: str) -> str:

    return i18n.translate(common.language_of(request), key)


@router.post("/people/enrol-zip")
def enrol_zip(request: Request, user: User, csrf_token: Text,
              upload: Annotated[UploadFile, File()],
              notice_version: Annotated[str, Form()] = "",
              collected_by: Annotated[str, Form()] = "") -> Response:
    """Bulk enrollment from a ZIP (layout: service.photo_import); a page reports each person."""
    common.require(user, Role.HR)
    common.check_csrf(user, csrf_token)
    try:
        entries = zip_entries(upload.file.read())
        report = import_photos(common.sessions_of(request), enroller_of(request), entries,
                               user.username, notice_version, collected_by)
    except (BadRequest, VisionUnavailable) as exc:
        form: dict[str, object] = {"notice_version": notice_version,
                                   "collected_by": collected_by, "error": exc}
        return routes_admin.people_view(request, user, status_code=exc.status, zip_form=form)
    return PAGES.render(request, "enrol_import.html", user, report=report)

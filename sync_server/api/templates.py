"""POST /api/v1/templates: a kiosk uploads an enrollment (consent record required).

The upload waits for an admin's or HR's review before any other kiosk receives it
(service.kiosk_enrolments); a consent dated before the person's withdrawal is refused (409);
too many uploads of one person from one kiosk in a day get 429. A rolling template
(``rolling``: one embedding kept at a confident, live check-in) is published at once when the
duplicate guard and its limits allow it, else refused (409): service.rolling_templates.
"""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter

from protocol.api import API_PREFIX
from protocol.enrolment import EnrollmentIn, EnrollmentOut
from sync_server.api.deps import Kiosk, Sessions, Settings
from sync_server.api.uploads import validate_chip
from sync_server.db.engine import transaction
from sync_server.errors import BadRequest
from sync_server.service import kiosk_enrolments, people, rolling_templates

router = APIRouter(prefix=API_PREFIX, tags=["templates"])


@router.post("/templates", response_model=EnrollmentOut, status_code=201,
             summary="Upload an enrollment from a kiosk (pending review)")
def upload_enrollment(body: EnrollmentIn, kiosk: Kiosk, sessions: Sessions,
                      settings: Settings) -> EnrollmentOut:
    if body.rolling:
        return _rolling(body, kiosk, sessions)
    chips = [people.ChipIn(_b64(chip.image, f"chips[{i}]"), chip.image_format, chip.alignment)
             for i, chip in enumerate(body.chips)]
    for index, chip_in in enumerate(chips):
        validate_chip(chip_in.image, chip_in.image_format, f"chips[{index}]")
    consent = people.ConsentIn(body.consent.id, body.consent.given_at,
                               body.consent.notice_version, body.consent.collected_by)
    new_person = None if body.new_person is None else (body.new_person.display_name,
                                                       body.new_person.department)
    sent = kiosk_enrolments.Upload(body.person_id, new_person, body.recognizer_id, consent,
                                   body.embeddings, chips, body.template_ids,
                                   body.confirmed_different)
    with transaction(sessions) as session:
        ids = kiosk_enrolments.upload(session, kiosk.id, f"kiosk:{kiosk.name}", sent,
                                      settings.trust.enrolments_per_person_per_day)
    return EnrollmentOut(template_ids=ids)


def _rolling(body: EnrollmentIn, kiosk: Kiosk, sessions: Sessions) -> EnrollmentOut:
    """One rolling template (service.rolling_templates): published at once or refused."""
    rolling_templates.check_single(body.embeddings, len(body.chips), body.new_person is not None)
    _b64(body.embeddings[0], "embeddings[0]")
    with transaction(sessions) as session:
        template_id = rolling_templates.accept(
            session, kiosk.id, f"kiosk:{kiosk.name}", body.person_id, body.recognizer_id,
            body.consent.id, body.embeddings[0],
            body.template_ids[0] if body.template_ids else None)
    return EnrollmentOut(template_ids=[template_id])


def _b64(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"{where} is not base64") from None

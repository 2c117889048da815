"""Kiosk provisioning, heartbeat, credential rotation, and the admin device registry."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from protocol.api import KIOSK_TIME_HEADER
from protocol.kiosks import (
    CredentialOut,
    DeviceReport,
    ErasureConfirmationIn,
    ErasureConfirmationOut,
    ProvisionIn,
)
from sync_server.api import ratelimit
from sync_server.api.deps import Admin, Kiosk, Sessions, Settings
from sync_server.db.engine import transaction
from sync_server.service import erasure, feed, kiosks, punch_trust

router = APIRouter(prefix="/api/v1/kiosks", tags=["kiosks"])


class NewKioskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)


class ProvisioningCodeOut(BaseModel):
    kiosk_id: uuid.UUID
    code: str


class KioskOut(BaseModel):
    id: uuid.UUID
    name: str
    provisioned_at: datetime | None
    revoked_at: datetime | None
    last_seen_at: datetime | None
    software_version: str | None
    recognizer_id: str | None
    backlog: int | None
    clock_offset_s: float | None
    feed_cursor: int | None


@router.post("/provision", response_model=CredentialOut, summary="Exchange a one-time code")
def provision(body: ProvisionIn, sessions: Sessions, request: Request) -> CredentialOut:
    """Rate limited per client address (one-time codes must not be guessable)."""
    ratelimit.check_provision_attempt(request)
    with transaction(sessions) as session:
        if body.feed_cursor is not None:
            feed.check_cursor(session, body.feed_cursor)
        kiosk, credential = kiosks.exchange_code(session, body.code, _report(body))
        return CredentialOut(kiosk_id=kiosk.id, name=kiosk.name, credential=credential)


@router.post("/me/heartbeat", status_code=204, summary="Report state to the device registry")
def heartbeat(body: DeviceReport, kiosk: Kiosk, sessions: Sessions, request: Request) -> None:
    """A ``feed_cursor`` beyond the newest feed change is refused (409): nothing recorded."""
    with transaction(sessions) as session:
        if body.feed_cursor is not None:
            feed.check_cursor(session, body.feed_cursor)
        row = kiosks.find_kiosk(session, str(kiosk.id))
        punch_trust.measure_offset(row, request.headers.get(KIOSK_TIME_HEADER))
        kiosks.record_heartbeat(row, _report(body))


@router.post("/me/erasures/confirm", response_model=ErasureConfirmationOut,
             summary="Confirm the erasures this kiosk applied")
def confirm_erasures(body: ErasureConfirmationIn, kiosk: Kiosk,
                     sessions: Sessions) -> ErasureConfirmationOut:
    """The only way an erasure becomes confirmed by a kiosk (idempotent)."""
    with transaction(sessions) as session:
        confirmed, unknown = erasure.confirm(session, kiosk.id, body.erasure_ids)
    return ErasureConfirmationOut(confirmed=confirmed, unknown=unknown)


@router.post("/me/rotate", response_model=CredentialOut, summary="Replace this credential")
def rotate(kiosk: Kiosk, sessions: Sessions) -> CredentialOut:
    with transaction(sessions) as session:
        row = kiosks.find_kiosk(session, str(kiosk.id))
        credential = kiosks.rotate_credential(session, row)
        return CredentialOut(kiosk_id=row.id, name=row.name, credential=credential)


@router.post("/me/erasures/{erasure_id}/ack", status_code=204,
             summary="Confirm that this kiosk erased what an erasure names")
def acknowledge_erasure(erasure_id: uuid.UUID, kiosk: Kiosk, sessions: Sessions) -> None:
    with transaction(sessions) as session:
        erasure.acknowledge(session, erasure_id, kiosk.id)


@router.get("", response_model=list[KioskOut], summary="Device registry")
def list_kiosks(admin: Admin, sessions: Sessions) -> list[KioskOut]:
    with transaction(sessions) as session:
        return [KioskOut.model_validate(k, from_attributes=True)
                for k in kiosks.list_kiosks(session)]


@router.post("", response_model=ProvisioningCodeOut, status_code=201,
             summary="Register a kiosk and make its one-time code")
def create_kiosk(body: NewKioskIn, admin: Admin, sessions: Sessions,
                 settings: Settings) -> ProvisioningCodeOut:
    with transaction(sessions) as session:
        kiosk_id, code = kiosks.create_provisioning_code(
            session, body.name, settings.provisioning.code_ttl_s, actor=f"admin:{admin}")
    return ProvisioningCodeOut(kiosk_id=kiosk_id, code=code)


@router.post("/{name_or_id}/revoke", status_code=204, summary="Revoke a kiosk")
def revoke(name_or_id: str, admin: Admin, sessions: Sessions) -> None:
    with transaction(sessions) as session:
        kiosks.revoke(session, name_or_id, actor=f"admin:{admin}")


def _report(body: DeviceReport) -> kiosks.DeviceReport:
    return kiosks.DeviceReport(body.software_version, body.recognizer_id, body.backlog,
                               body.clock_offset_s, body.feed_cursor)

"""Uploading the enrollments made at this kiosk (the store's enrollment outbox).

Runs inside ``sync_once`` BEFORE the punches: a person created at the kiosk then exists on
the server before their first punches arrive there (the server stores punches of unknown
people too, but its reports and people screens only know people it has).

A queue row leaves only after the server acknowledged the upload. The upload carries the
kiosk's template ids, which the server keeps: a retry after a lost answer is recognised and
stores nothing new, and the templates the server then publishes in its feed replace the
kiosk's rows (same ids) rather than duplicating them.
"""

from __future__ import annotations

import logging

from kiosk.errors import AuthError, RateLimited, ServerUnavailable, SyncError
from kiosk.store import KioskStore
from kiosk.sync.client import SyncClient

log = logging.getLogger(__name__)

UPLOAD_BATCH = 10  # queue rows read per round; each upload is one request


def upload_enrollments(store: KioskStore, client: SyncClient) -> int:
    """Upload every queued enrollment; returns how many the server acknowledged.

    Raises AuthError / ServerUnavailable (the whole exchange is retried later). A rate limit
    (429: too many enrolments of one person today) leaves the rows queued for a later round
    and lets the exchange go on (the punches must not wait a day). A refusal by the server
    (another 4xx: the person was erased there, the consent withdrawn, ...) is permanent: the
    row is marked refused with the server's reason, audited, and skipped.
    """
    uploaded = 0
    while True:
        batch = store.enrollments.pending(UPLOAD_BATCH)
        if not batch:
            return uploaded
        for pending in batch:
            if not pending.template_ids or pending.consent is None:
                # erased or consent withdrawn since: nothing may leave the kiosk
                store.enrollments.uploaded(pending.id)
                log.info("enrollment %s of %s dropped: its templates were erased",
                         pending.id, pending.person_id)
                continue
            try:
                client.upload_enrollment(
                    pending.person_id, pending.recognizer_id, pending.consent,
                    pending.embeddings, pending.chips, new_person_name=pending.new_person_name,
                    template_ids=pending.template_ids,
                    new_person_department=pending.new_person_department,
                    rolling=pending.rolling,
                    confirmed_different=pending.confirmed_different)
            except RateLimited as exc:
                log.warning("enrollment %s of %s waits: %s", pending.id, pending.person_id,
                            exc)
                return uploaded
            except (AuthError, ServerUnavailable):
                raise
            except SyncError as exc:
                store.enrollments.failed(pending.id, str(exc), permanent=True)
                store.audit_log.record("sync", "enrollment_refused", str(pending.person_id),
                            {"enrollment": str(pending.id), "error": str(exc)})
                if pending.rolling:  # the server does not want it: neither does this kiosk
                    store.rolling.drop(list(pending.template_ids), "sync", str(exc))
                log.warning("server refused enrollment %s of %s: %s", pending.id,
                            pending.person_id, exc)
                continue
            store.enrollments.uploaded(pending.id)
            uploaded += 1
            log.info("enrollment %s of %s uploaded (%d templates)", pending.id,
                     pending.person_id, len(pending.template_ids))

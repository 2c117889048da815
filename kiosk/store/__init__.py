"""The kiosk's offline-first store: one SQLite file (WAL, ``synchronous=FULL``), one
repository per concern over one locked connection.

Public API (everything else in this package is private)::

    store = open_store(path)                      # create + migrate; thread safe
    store.punches.record(person_id, PunchKind.AUTO, PunchSource.FACE) -> Punch  # durable
    store.punches.pending(limit) / .mark_synced(ids) / .backlog() / .last(person_id)
    store.punches.between(person_id, start, end)
    store.events.record(kind, data, person_id, attachment=None) -> KioskEvent  # 2nd outbox
    store.events.pending(limit) / .mark_synced(ids) / .backlog() / .recent(kind, limit)
    store.biometrics.people() / .person(id) / .upsert_person(Person(...))
    store.biometrics.record_consent(Consent(...)) / .consents_for(person_id)
    store.biometrics.save_enrollment(person_id, recognizer_id, embeddings, chips,
                                     consent=None, queue_upload=False, new_person=None)
        -> template ids; ConsentMissingError unless a consent record exists or is given;
        queue_upload: also queued for the server, same transaction (enrollment_outbox)
    store.biometrics.templates_for(recognizer_id) -> (person_ids, float32 matrix N x dim)
    store.biometrics.chips_for(person_id) / .recognizers_enrolled(person_id)
    store.biometrics.delete_person(person_id) / .withdraw_consent(person_id)  # vacuums
    store.enrollments.pending(limit) / .uploaded(id) / .failed(id, error, permanent)
    store.enrollments.backlog() -> {"waiting": n, "refused": n}
    store.feed.apply_page(changes, cursor)        # used by kiosk.sync, atomic
    store.feed.cursor() / store.feed.shift_data() -> ShiftData  # for the domain rules
    store.reminders.for_person(person_id, include_acknowledged=False) -> list[Reminder]
    store.reminders.acknowledge(person_id, reminder_id, at) -> Reminder | None
    store.settings.get(key) / .set(key, value) / .local() / .set_local({dotted key: value})
    store.settings.clock_offset_s() / .set_clock_offset_s(s)
    store.audit_log.record(actor, action, subject, details) / .entries(limit)
    store.alt_checkin.person_for_code(code) / .person_for_badge(hash) / .failures(code)
    store.rolling.add(person_id, recognizer_id, vector, actor) -> RollingAdded | None
    store.rolling.ids_for(person_id, recognizer_id) / .drop(ids, actor, reason)
    store.close()

Every method blocks on disk I/O: call it from a worker thread, never the GUI thread.
Errors are kiosk.errors.StoreError (ConsentMissingError is one).
"""

from kiosk.store.biometrics import ConsentMissingError
from kiosk.store.records import (
    Chip,
    Consent,
    FeedChange,
    FeedEntity,
    FeedOp,
    KioskEvent,
    Person,
    Punch,
    PunchKind,
    PunchSource,
    Reminder,
    ShiftData,
)
from kiosk.store.store import KioskStore, open_store

__all__ = [
    "Chip",
    "Consent",
    "ConsentMissingError",
    "FeedChange",
    "FeedEntity",
    "FeedOp",
    "KioskEvent",
    "KioskStore",
    "Person",
    "Punch",
    "PunchKind",
    "PunchSource",
    "Reminder",
    "ShiftData",
    "open_store",
]

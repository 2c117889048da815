"""The kiosk's offline-first store: one SQLite file (WAL, ``synchronous=FULL``).

Public API (everything else in this package is private)::

    store = open_store(path)                      # create + migrate; thread safe
    punch = store.record_punch(person_id, PunchKind.AUTO, PunchSource.FACE)  # durable on return
    store.pending_punches(limit) -> list[Punch]   # oldest unacknowledged first
    store.mark_synced(ids) -> int                 # after the server acknowledged them
    store.backlog_count() -> int
    store.last_punch(person_id) -> Punch | None
    store.punches_between(person_id, start, end) -> list[Punch]
    store.people() / store.person(id) / store.upsert_person(Person(...))
    store.record_consent(Consent(...)) / store.consents_for(person_id)
    store.save_enrollment(person_id, recognizer_id, embeddings, chips, consent=None,
                          queue_upload=False, new_person=None)
        -> template ids; ConsentMissingError unless a consent record exists or is given;
        queue_upload: also queued for the server, same transaction (enrollment_outbox)
    store.pending_enrollments(limit) / store.enrollment_uploaded(id)
    store.enrollment_upload_failed(id, error, permanent) / store.enrollment_upload_backlog()
    store.templates_for(recognizer_id) -> (person_ids, float32 matrix N x dim)
    store.chips_for(person_id) -> list[Chip]      # re-enrollment with another recognizer
    store.delete_person(person_id) -> bool        # erases biometrics and vacuums the file
    store.alt_checkin.person_for_code(code) / .person_for_badge(hash) / .failures(code)
                                                  # PIN and QR badge check-in (hashes only)
    store.record_event(kind, data, person_id, attachment=None) -> KioskEvent  # 2nd outbox
    store.pending_events(limit) / store.mark_events_synced(ids) / store.events_backlog()
    store.reminders_for(person_id, include_acknowledged=False) -> list[Reminder]
    store.acknowledge_reminder(person_id, reminder_id, at) -> Reminder | None  # a touch here
    store.shift_data() -> ShiftData               # for the domain rules
    store.apply_feed_page(changes, cursor)        # used by kiosk.sync, atomic
    store.cursor() / store.clock_offset_s() / store.set_clock_offset_s(s)
    store.setting(key) / store.set_setting(key, value) / store.audit(actor, action, ...)
    store.local_settings() / store.set_local_settings({dotted key: value})  # admin screen
    store.close()

Every method blocks on disk I/O: call it from a worker thread, never the GUI thread.
Errors are kiosk.errors.StoreError (ConsentMissingError is one).
"""

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
from kiosk.store.store import ConsentMissingError, KioskStore, open_store

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

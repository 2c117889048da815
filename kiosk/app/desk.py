"""The attendance desk: the store plus the domain rules behind the engine's AttendanceDesk port.

Records punches durably (the outbox) BEFORE a greeting is built, applies the duplicate-punch
cooldown, asks the shared domain rules (``attendance``) for the verdict text, and stores
enrollments with their consent record. Every method runs on the inference worker thread (or
the CLI thread for ``kiosk enroll``): each blocks on SQLite.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import cv2

import attendance
from attendance.names import FORMULA_REFUSAL, starts_like_formula
from attendance.reminders import MAX_ON_SCREEN
from faceid.types import FloatArray, ImageBGR
from kiosk.app import reminders
from kiosk.app.duplicates import AlreadyEnrolled, already_enrolled
from kiosk.app.greeting import (
    earlier_punches,
    schedule_from_store,
    to_domain_punch,
    verdict_text,
)
from kiosk.app.state import EnrollmentFinished, Greeting, PersonChoice, ReminderItem
from kiosk.errors import EXPECTED_ERRORS, StoreError, VisionError
from kiosk.settings import KioskSettings
from kiosk.store import Chip, Consent, KioskStore, Person, PunchKind, PunchSource, open_store

if TYPE_CHECKING:
    from faceid.enrollment import EnrollmentResult
    from kiosk.app.rolling import RollingOffer
    from kiosk.hw.speech import GreetingSpeaker

log = logging.getLogger(__name__)

MAX_REMINDERS = MAX_ON_SCREEN
MIN_ENROLLED_SAMPLES = 3


class StoreDesk:
    """AttendanceDesk over kiosk.store. ``pack_loader`` gives the pack for enrollments."""

    def __init__(self, store: KioskStore, settings: KioskSettings) -> None:
        self.store = store
        self._cooldown_s = settings.attendance.cooldown_s
        self._zone_name = settings.site.timezone
        self._models_dir = settings.models.dir
        self._pack: Any = None
        # Set by the composition root (kiosk.app.runtime) when the kiosk runs: ask the sync
        # worker to sync now (an urgent reminder was shown), and speak the greeting.
        self.wake_sync: Callable[[], None] | None = None
        self.speaker: GreetingSpeaker | None = None
        self.apply_settings(settings)

    def apply_settings(self, settings: KioskSettings) -> None:
        """Use changed settings from now on (the admin settings screen; worker thread).

        The language and kiosk name apply to the next greeting and audit entry; the vision
        section to the next enrollment (the recognizer gets it separately).
        """
        self.settings = settings
        self._language = settings.ui.language
        self._vision = settings.vision
        self._actor = settings.kiosk_name

    @classmethod
    def open(cls, settings: KioskSettings) -> StoreDesk:
        """Open (create, migrate) the store from ``settings.store`` on the calling thread."""
        return cls(open_store(settings.store.path), settings)

    def use_pack(self, pack: Any) -> None:
        """Share the recognizer's already-loaded pack for enrollment (same worker thread)."""
        self._pack = pack

    def reenroll(self, embedder: Any) -> Any:
        """Templates for ``embedder``'s recognizer rebuilt from stored chips (a pack switch)."""
        from kiosk.app.reenroll import reenroll_from_chips

        def progress(done: int, total: int, name: str) -> None:
            log.info("re-enrolling from stored chips: %d/%d (%s)", done, total, name)

        report = reenroll_from_chips(self.store, embedder, progress)
        if report.rebuilt:
            self.store.audit_log.record(self._actor, "reenroll", report.recognizer_id,
                             {"people": report.rebuilt, "without_chips": report.without_chips})
        return report

    def _loaded_pack(self) -> Any:
        if self._pack is None:
            from faceid.packs import load_pack

            self._pack = load_pack(self._vision.pack, self._models_dir,
                                   threads=self._vision.threads)
        return self._pack

    # -- check-in -------------------------------------------------------------------------
    def punch(self, person_id: UUID, at: datetime,
              source: PunchSource = PunchSource.FACE) -> Greeting:
        """Record a punch unless the last one is within the cooldown; the greeting either way.

        ``source`` says how the person was identified (face, PIN, QR badge); everything else,
        the cooldown included, is the same for every source.

        The punch is committed durably before the greeting exists. A repeat within the
        cooldown (attendance.is_duplicate) records nothing and shows the earlier punch's
        verdict, marked ``repeat``.
        """
        person = self.store.biometrics.person(person_id)
        if person is None:
            raise StoreError(f"recognized person {person_id} is not in the store")
        last = self.store.punches.last(person_id)
        candidate = attendance.Punch(id=uuid4(), person_id=person_id, device_id=self._actor,
                                     captured_at=at)
        repeat = last is not None and attendance.is_duplicate(
            to_domain_punch(last, self._actor), candidate, self._cooldown_s)
        if last is not None and repeat:
            shown = last
        else:
            shown = self.store.punches.record(person_id, PunchKind.AUTO, source,
                                            captured_at=at)
        schedule = schedule_from_store(self.store, self._zone_name)
        direction, text, quiet = verdict_text(schedule, person, shown,
                                       earlier_punches(self.store, person_id, shown),
                                       self._cooldown_s, self._language, self._actor)
        greeting = Greeting(person_id=person_id, person_name=person.display_name,
                            department=person.department or "", at=shown.captured_at,
                            direction=direction, verdict_text=text, verdict_quiet=quiet,
                            reminders=self._reminders(person_id, at),
                            punch_id=None if repeat else shown.id, repeat=repeat,
                            enrolled_chip=self._enrolled_chip(person_id))
        self._greeted(greeting)
        return greeting

    def _enrolled_chip(self, person_id: UUID) -> bytes | None:
        """The person's first stored face chip (encoded image), None without one. Reading it
        must never cost the greeting of a punch already saved."""
        try:
            chips = self.store.biometrics.chips_for(person_id)
        except EXPECTED_ERRORS as exc:
            log.warning("enrolled chip of %s not shown: %s", person_id, exc)
            return None
        return chips[0].image if chips else None

    def _reminders(self, person_id: UUID, now: datetime) -> tuple[ReminderItem, ...]:
        """Ranked by attendance.reminders, at most MAX_REMINDERS (kiosk.app.reminders)."""
        return reminders.ranked_items(self.store, person_id, now, self._zone_name,
                                      MAX_REMINDERS)

    def _greeted(self, greeting: Greeting) -> None:
        """Record the reminders on the card as shown (an urgent one: sync now) and speak.

        The punch is already committed: a failing write here (a full disk) costs the
        "shown" bookkeeping, never the greeting of a punch that was saved.
        """
        try:
            urgent = reminders.record_shown(self.store, greeting)
        except StoreError as exc:
            log.error("reminders shown to %s not recorded: %s", greeting.person_id, exc)
            urgent = False
        if urgent and self.wake_sync is not None:
            self.wake_sync()
        if self.speaker is not None and not greeting.repeat:
            from kiosk.hw.speech import greeting_line

            waiting = sum(not item.acknowledged for item in greeting.reminders)
            self.speaker.say(greeting_line(greeting.person_name, greeting.verdict_text,
                                           waiting, self._language), self._language)

    def keep_rolling(self, offer: RollingOffer) -> bool:
        """Add a punched MATCH's template to the person's rolling set (kiosk.store.rolling:
        bounded, one a day, queued for the server, audited). A failing write costs the
        template, never the punch already recorded."""
        try:
            added = self.store.rolling.add(offer.person_id, offer.recognizer_id, offer.vector,
                                           self._actor, offer.details())
        except StoreError as exc:
            log.error("rolling template of %s not kept: %s", offer.person_id, exc)
            return False
        if added is not None:
            log.info("rolling template %s kept for %s (%d replaced)", added.template_id,
                     offer.person_id, len(added.replaced))
        return added is not None

    def acknowledge_reminder(self, person_id: UUID, reminder_id: str, at: datetime) -> bool:
        """The person's touch on "Got it" (kiosk.app.reminders.acknowledge)."""
        return reminders.acknowledge(self.store, person_id, reminder_id, at)

    def backlog(self) -> int:
        return self.store.punches.backlog()

    def templates_for(self, recognizer_id: str) -> tuple[list[UUID], FloatArray]:
        return self.store.biometrics.templates_for(recognizer_id)

    def people(self) -> tuple[PersonChoice, ...]:
        return tuple(PersonChoice(p.id, p.display_name, p.department or "")
                     for p in self.store.biometrics.people())

    # -- enrollment -------------------------------------------------------------------------
    def enroll(self, person_id: UUID | None, new_person_name: str,
               images: Sequence[ImageBGR], consent_notice_version: str, collected_by: str,
               department: str = "", image_names: Sequence[str] = (), *,
               confirmed_different: Sequence[UUID] = ()) -> EnrollmentFinished:
        """Enroll ``images`` of one person with their consent; templates + chips stored.

        A new (pending) person is created when ``person_id`` is None. Nothing is stored when
        fewer than MIN_ENROLLED_SAMPLES images pass the checks ("Cần 3 ảnh, chỉ 2 ảnh dùng
        được" with each rejected photo's reason, named from ``image_names`` when given, in the
        kiosk's language), or when the face is already enrolled as another person
        (kiosk.app.duplicates) whom the admin did not confirm as different
        (``confirmed_different``): a confirmed pair is recorded, audited, sent with the
        upload, and both people need face + code from then on.
        """
        from faceid.enrol_messages import shortfall_message
        from faceid.enrollment import enroll_images

        refusal = _formula_refusal(new_person_name, department) if person_id is None else ""
        if refusal:  # the server would refuse the upload: say so now, store nothing
            return EnrollmentFinished(None, new_person_name, 0, len(images), ok=False,
                                      error=refusal)
        person = self._person_for_enrollment(person_id, new_person_name, department)
        pack = self._loaded_pack()
        try:
            result = enroll_images(pack, list(images), min_face_px=self._vision.min_face_px)
        except VisionError as exc:
            return EnrollmentFinished(person.id, person.display_name, 0, len(images), ok=False,
                                      error=str(exc))
        rejected = len(result.rejected)
        if len(result.accepted) < MIN_ENROLLED_SAMPLES:
            return EnrollmentFinished(person.id, person.display_name, 0, rejected, ok=False,
                                      error=shortfall_message(len(result.accepted),
                                                              MIN_ENROLLED_SAMPLES,
                                                              result.rejected, image_names,
                                                              self._language))
        duplicate = already_enrolled(self.store, pack, person.id, result.embeddings)
        if duplicate is not None and duplicate.person_id not in confirmed_different:
            log.warning("enrolment of %s refused: %s", person.display_name, duplicate.message())
            return EnrollmentFinished(person.id, person.display_name, 0, rejected, ok=False,
                                      error=duplicate.message(),
                                      lookalike_id=duplicate.person_id,
                                      lookalike_name=duplicate.display_name)
        saved = self._save_enrollment(person, person_id is None, pack, result, duplicate,
                                      consent_notice_version, collected_by)
        return EnrollmentFinished(person.id, person.display_name, saved, rejected, ok=True)

    def _save_enrollment(self, person: Person, new: bool, pack: Any,
                         result: EnrollmentResult, duplicate: AlreadyEnrolled | None,
                         consent_notice_version: str, collected_by: str) -> int:
        """Store the accepted templates, chips and consent of an enrolment that passed its
        checks (``new``: no person id was given) with its upload queued in the same
        transaction, then audit it; the number of templates saved."""
        rejected = len(result.rejected)
        confirmed = () if duplicate is None else (duplicate.person_id,)
        created_here = new or self.store.biometrics.person(person.id) is None
        if created_here:
            self.store.biometrics.upsert_person(person)
        consent = Consent(person_id=person.id, given_at=datetime.now(UTC),
                          notice_version=consent_notice_version, collected_by=collected_by)
        chips = [_chip(sample.chip) for sample in result.accepted]
        # Queued for the server in the same transaction: a crash after this line loses
        # neither the templates nor their upload (kiosk.store.enrollment_outbox).
        saved = self.store.biometrics.save_enrollment(person.id, pack.recognizer_id,
                                                      result.embeddings,
                                           chips, consent=consent, queue_upload=True,
                                           new_person=person if created_here else None,
                                           confirmed_different=confirmed)
        if duplicate is not None:
            self.store.audit_log.record(self._actor, "lookalike_confirmed", str(person.id),
                                        {"other": str(duplicate.person_id),
                                         "score": round(duplicate.score, 4),
                                         "confirmed_by": collected_by})
        # The kiosk as actor: who collected the consent is in the (sealed) consent record.
        self.store.audit_log.record(self._actor, "enroll", str(person.id),
                         {"templates": len(saved), "rejected": rejected,
                          "recognizer_id": pack.recognizer_id, "kiosk": self._actor,
                          "notice_version": consent_notice_version,
                          "consent_id": str(consent.id)})
        log.info("enrolled %s: %d templates, %d images rejected", person.id, len(saved),
                 rejected)  # the id only: logs name no one
        return len(saved)

    def _person_for_enrollment(self, person_id: UUID | None, name: str,
                               department: str) -> Person:
        if person_id is not None:
            existing = self.store.biometrics.person(person_id)
            if existing is None:
                raise StoreError(f"person {person_id} is not in the synced list")
            return existing
        if not name.strip():
            raise StoreError("a new person needs a name")
        return Person(id=uuid4(), display_name=name.strip(), employee_code=None,
                      department=department or None)

    def close(self) -> None:
        if self.speaker is not None:
            self.speaker.close()
        self.store.close()


def _chip(image: ImageBGR) -> Chip:
    """A canonical enrollment chip as PNG bytes with its (recognizer-independent) alignment."""
    from faceid.enrollment import CANONICAL_CHIP_SIZE, CANONICAL_TEMPLATE

    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise StoreError("could not encode an enrollment chip")
    return Chip(image=encoded.tobytes(), image_format="png",
                alignment={"template": "canonical-256", "chip_size": CANONICAL_CHIP_SIZE,
                           "points": CANONICAL_TEMPLATE.round(3).tolist()})


class SyncHandle:
    """The running SyncWorker with its own store connection; ``stop`` joins it, closes both."""

    def __init__(self, worker: Any, store: KioskStore) -> None:
        self.worker = worker
        self._store = store

    def online(self) -> bool | None:
        return self.worker.online()  # type: ignore[no-any-return]

    def wake(self) -> None:
        """Ask the worker to sync now (any thread; returns at once)."""
        self.worker.wake()

    def stop(self) -> None:
        self.worker.stop()
        self._store.close()


def start_sync_worker(settings: KioskSettings) -> SyncHandle | None:
    """Start kiosk.sync's SyncWorker (a plain thread) with only its own settings section.

    None when no server is configured; AuthError when the kiosk is not provisioned yet.
    """
    from kiosk import __version__
    from kiosk.sync import build_sync_worker

    store = open_store(settings.store.path)
    try:
        worker = build_sync_worker(store, settings.sync, software_version=__version__)
    except EXPECTED_ERRORS:
        store.close()
        raise
    if worker is None:
        store.close()
        return None
    worker.start()
    return SyncHandle(worker, store)


def _formula_refusal(name: str, department: str) -> str:
    """Why a new person's name or department is refused (attendance.names), or ""."""
    for label, text in (("Họ tên / The name", name.strip()),
                        ("Phòng ban / The department", department.strip())):
        if starts_like_formula(text):
            return f"{label}: {FORMULA_REFUSAL[0]} / {FORMULA_REFUSAL[1]}"
    return ""

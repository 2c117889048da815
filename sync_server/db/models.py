"""SQLAlchemy 2 models of the central database (SQLite or PostgreSQL, same code).

Times are UTC instants (UTCDateTime); ids are UUIDs, except the change feed's ``seq``, a
growing integer that orders the feed and is the kiosks' cursor.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from sync_server.db.types import UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY.
SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Site(Base):
    """A building with its own kiosks. Its kiosks hold only its people (service.sites):
    a person's site is their own ``site_id`` when set, else their department's, else the
    default site (exactly one row has ``is_default``)."""

    __tablename__ = "sites"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Person(Base):
    __tablename__ = "people"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    employee_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    department: Mapped[str | None] = mapped_column(String(200), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # An explicit site; NULL: the department's site, else the default site.
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    # The day they joined the organisation (leave accrues from its month); NULL: not known.
    joined_on: Mapped[date | None] = mapped_column(Date)


class LookalikePair(Base):
    """Two different people an admin confirmed as look-alikes (their faces score at or above
    the verification threshold): both always need face + code at the kiosks."""

    __tablename__ = "lookalike_pairs"
    __table_args__ = (UniqueConstraint("person_a", "person_b", name="lookalike_pair_once"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_a: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                                index=True)
    person_b: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                                index=True)
    score: Mapped[float] = mapped_column(Float)  # best cosine between their templates
    confirmed_by: Mapped[str] = mapped_column(String(200))
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsentRecord(Base):
    """Who consented, when, to which notice version, and who collected it."""

    __tablename__ = "consents"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                                 index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    notice_version: Mapped[str] = mapped_column(String(64))
    collected_by: Mapped[str] = mapped_column(String(200))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Template(Base):
    __tablename__ = "templates"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                                 index=True)
    consent_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consents.id"))
    recognizer_id: Mapped[str] = mapped_column(String(64), index=True)
    dim: Mapped[int] = mapped_column(Integer)
    embedding: Mapped[bytes] = mapped_column(LargeBinary)
    source_kiosk_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # While a kiosk's upload (db.trust_models.KioskEnrolment) awaits review: its id (the
    # template is then in no feed); NULL once approved, and for enrolments made on the server.
    enrolment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # A rolling template (service.rolling_templates): kept at a confident, live check-in,
    # at most a few per person and recognizer, the oldest replaced; never an enrolment's.
    rolling: Mapped[bool] = mapped_column(Boolean, default=False,
                                          server_default=false())


class Chip(Base):
    """An aligned enrollment chip (encoded image) with recognizer-independent alignment."""

    __tablename__ = "chips"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"),
                                                 index=True)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    image_format: Mapped[str] = mapped_column(String(16))
    alignment: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    enrolment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)


class Kiosk(Base):
    """A provisioned device: its credential hash and what it last reported."""

    __tablename__ = "kiosks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    code_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    credential_hash: Mapped[str | None] = mapped_column(String(64))
    # Set by a rotation until the new credential is first used (a lost answer must not lock
    # the kiosk out).
    previous_credential_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    provisioned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    software_version: Mapped[str | None] = mapped_column(String(64))
    recognizer_id: Mapped[str | None] = mapped_column(String(64))
    backlog: Mapped[int | None] = mapped_column(Integer)
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    feed_cursor: Mapped[int | None] = mapped_column(SEQ_TYPE)
    # Server minus kiosk clock (seconds) as the server measured it from the kiosk's
    # X-Kiosk-Time header on its latest exchange, and when.
    measured_offset_s: Mapped[float | None] = mapped_column(Float)
    measured_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the server received (and acknowledged) this kiosk's latest punch batch.
    punch_batch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The gallery-aware decision rule the kiosk last reported (faceid.operating_point):
    # people, thresholds, expected stranger acceptance and face-only success.
    decision_rule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The site whose people this kiosk holds (NULL: the default site).
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    # Set when the kiosk was moved to another site: its next feed read from a cursor > 0 is
    # refused (FEED_RESYNC), so it reads its new site's people from 0 and drops the others.
    feed_resync: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Punch(Base):
    """A punch as captured at a kiosk. ``occurred_at`` = captured_at + clock offset.

    ``review`` (service.punch_review.Review): ``accepted`` on ingest when plausible, else
    ``held`` with ``hold_reasons`` (space-separated codes) until a person approves or
    rejects it. Only accepted and approved punches count in reports.
    """

    __tablename__ = "punches"
    __table_args__ = (Index("punches_person_time", "person_id", "occurred_at"),
                      Index("punches_time_received", "occurred_at", "received_at"))

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    clock_offset_s: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review: Mapped[str] = mapped_column(String(16), default="accepted",
                                        server_default="accepted", index=True)
    hold_reasons: Mapped[str | None] = mapped_column(String(200))
    reviewed_by: Mapped[str | None] = mapped_column(String(200))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Change(Base):
    """One entry of the change feed; ``seq`` orders it. DELETE entries are tombstones."""

    __tablename__ = "changes"
    # AUTOINCREMENT on SQLite: never reuse a seq, even after erasure deleted the newest rows
    # (a reused seq would sit behind kiosks' cursors and never reach them).
    __table_args__ = (Index("changes_entity", "entity", "entity_id"),
                      {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(SEQ_TYPE, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(32))
    op: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    recognizer_id: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The site whose kiosks receive the entry; NULL: every kiosk (schedules, tombstones).
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)


class AdminUser(Base):
    __tablename__ = "admin_users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Erasure(Base):
    """An erasure of a person's biometrics (deletion, deactivation or consent withdrawal).

    ``tombstone_seq`` is the feed entry that carries it to the kiosks: a kiosk has confirmed
    once its feed cursor reached it, or by an explicit acknowledgement (ErasureAck).
    ``person_id`` has no foreign key: the record outlives the person.
    """

    __tablename__ = "erasures"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    reason: Mapped[str] = mapped_column(String(32))
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    tombstone_seq: Mapped[int] = mapped_column(SEQ_TYPE)
    templates_erased: Mapped[int] = mapped_column(Integer)
    chips_erased: Mapped[int] = mapped_column(Integer)


class ErasureAck(Base):
    """A kiosk's explicit confirmation that it erased what an Erasure names."""

    __tablename__ = "erasure_acks"

    erasure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("erasures.id", ondelete="CASCADE"),
                                                  primary_key=True)
    kiosk_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("kiosks.id", ondelete="CASCADE"),
                                                primary_key=True)
    confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessRequest(Base):
    """A data-subject access request and its legal deadline (30 days from receipt)."""

    __tablename__ = "access_requests"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    requested_by: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

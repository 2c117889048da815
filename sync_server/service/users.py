"""Web users with roles and login sessions (the throttle: service.login_throttle).

Roles: ADMIN (everything), HR (every report, corrections, shifts, people), LEADER (reports
of their own department only), STAFF (their own record only). Passwords are scrypt hashes
(``admins.hash_password``). A session cookie holds 256 random bits; the database keeps only
its SHA-256, with a per-session CSRF token that every form POST must echo.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sync_server.clock import utc_now
from sync_server.db.web_models import WebSession, WebUser
from sync_server.errors import BadRequest, Conflict, NotFound, Unauthorized
from sync_server.service import audit
from sync_server.service.admins import (
    DUMMY_HASH,
    MIN_PASSWORD_CHARS,
    hash_password,
    verify_password,
)

SESSION_TTL = timedelta(hours=10)  # one working day; then log in again


class Role(enum.Enum):
    ADMIN = "admin"
    HR = "hr"
    LEADER = "leader"
    STAFF = "staff"


@dataclass(frozen=True)
class CurrentUser:
    """The logged-in user of one request (detached from the database session)."""

    id: uuid.UUID
    username: str
    role: Role
    department: str | None
    person_id: uuid.UUID | None
    csrf_token: str

    @property
    def sees_everyone(self) -> bool:
        return self.role in (Role.ADMIN, Role.HR)


def create_user(session: Session, username: str, password: str, role: Role,
                department: str | None = None, person_id: uuid.UUID | None = None, *,
                actor: str) -> WebUser:
    """A new user; leaders need a department, staff their person id."""
    username = username.strip()
    if not username:
        raise BadRequest("a username is required", "username_needed", "username")
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadRequest(f"passwords need at least {MIN_PASSWORD_CHARS} characters",
                         "password_short", "password", chars=MIN_PASSWORD_CHARS)
    if role is Role.LEADER and not department:
        raise BadRequest("a leader needs a department", "leader_department", "department")
    if role is Role.STAFF and person_id is None:
        raise BadRequest("a staff login needs the person it belongs to", "staff_person",
                         "person_id")
    if session.scalars(select(WebUser).where(WebUser.username == username)).first():
        raise Conflict(f"user {username!r} exists", "user_exists", "username", name=username)
    user = WebUser(id=uuid.uuid4(), username=username, password_hash=hash_password(password),
                   role=role.value, department=department, person_id=person_id, active=True,
                   created_at=utc_now())
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", "web_user", user.id,
                 {"username": user.username, "role": user.role})
    return user


def update_user(session: Session, user_id: uuid.UUID, role: Role, department: str | None,
                person_id: uuid.UUID | None, *, actor: str) -> WebUser:
    """Change what a user may see; refused where it would leave no active admin."""
    user = _existing(session, user_id)
    if role is Role.LEADER and not department:
        raise BadRequest("a leader needs a department", "leader_department", "department")
    if role is Role.STAFF and person_id is None:
        raise BadRequest("a staff login needs the person it belongs to", "staff_person",
                         "person_id")
    if user.role == Role.ADMIN.value and role is not Role.ADMIN:
        _keep_an_admin(session, user)
    user.role, user.department, user.person_id = role.value, department, person_id
    audit.record(session, actor, "user.update", "web_user", user.id,
                 {"username": user.username, "role": user.role, "department": user.department})
    return user


def reset_password(session: Session, user_id: uuid.UUID, password: str, *,
                   actor: str) -> WebUser:
    """Set a new password and end the user's open sessions (they log in again)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise BadRequest(f"passwords need at least {MIN_PASSWORD_CHARS} characters",
                         "password_short", "password", chars=MIN_PASSWORD_CHARS)
    user = _existing(session, user_id)
    user.password_hash = hash_password(password)
    session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    audit.record(session, actor, "user.password_reset", "web_user", user.id,
                 {"username": user.username})
    return user


def _existing(session: Session, user_id: uuid.UUID) -> WebUser:
    user = session.get(WebUser, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}", "no_user")
    return user


def _keep_an_admin(session: Session, leaving: WebUser) -> None:
    """Refuse a change that would leave the web application without an active admin."""
    others = session.scalars(select(WebUser.id).where(
        WebUser.role == Role.ADMIN.value, WebUser.active.is_(True),
        WebUser.id != leaving.id)).first()
    if others is None:
        raise Conflict("this is the last active admin: make another admin first",
                       "last_admin")


def find_user(session: Session, username: str) -> WebUser | None:
    return session.scalars(select(WebUser).where(WebUser.username == username.strip())).first()


def list_users(session: Session) -> list[WebUser]:
    return list(session.scalars(select(WebUser).order_by(WebUser.username)))


def set_active(session: Session, user_id: uuid.UUID, active: bool, *, actor: str) -> WebUser:
    """Deactivate (ends their sessions at once) or reactivate a user."""
    user = _existing(session, user_id)
    if not active and user.role == Role.ADMIN.value and user.active:
        _keep_an_admin(session, user)
    user.active = active
    if not active:
        session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    audit.record(session, actor, "user.activate" if user.active else "user.deactivate",
                 "web_user", user.id, {"username": user.username})
    return user


def authenticate(session: Session, username: str, password: str) -> WebUser:
    """The active user with these credentials, else Unauthorized (same cost either way)."""
    user = session.scalars(select(WebUser).where(WebUser.username == username)).first()
    stored = user.password_hash if user is not None else DUMMY_HASH
    if not verify_password(password, stored) or user is None or not user.active:
        raise Unauthorized("wrong username or password", "wrong_login")
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: WebUser) -> str:
    """Start a login session; returns the cookie value (shown once, stored hashed)."""
    token = secrets.token_urlsafe(32)
    now = utc_now()
    session.add(WebSession(token_hash=_digest(token), user_id=user.id,
                           csrf_token=secrets.token_urlsafe(24), created_at=now,
                           expires_at=now + SESSION_TTL))
    return token


def resolve_session(session: Session, token: str) -> CurrentUser | None:
    """The user behind a cookie value, or None (unknown, expired or deactivated)."""
    row = session.get(WebSession, _digest(token))
    if row is None or row.expires_at < utc_now():
        return None
    user = session.get(WebUser, row.user_id)
    if user is None or not user.active:
        return None
    return CurrentUser(user.id, user.username, Role(user.role), user.department,
                       user.person_id, row.csrf_token)


def close_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))

"""The role matrix, enforced on every route: each route of the app (API and web pages) is
called by every role against the real server on 127.0.0.1.

A role that may not use a route must be refused (401/403, or a page's redirect to the login
form); a role that may must get past the check; nobody ever gets a 5xx. A route missing
from MATRIX fails the test, so a new endpoint cannot ship without its row.

Roles and what they present:
- anonymous: nothing;
- staff, leader (Finance), hr: their web session cookie;
- admin: the web admin's session cookie and an API admin's HTTP Basic login;
- kiosk: a provisioned kiosk's Bearer credential;
- integration: another system's Bearer token (the tasks API).

Calls use random ids for every path parameter of a non-GET route (so the walk destroys
nothing it needs) and the staff member's own person id for GET routes (staff may read their
own timesheet). Form posts carry every field the route requires, with the caller's CSRF
token, so the route's own role check runs (not just form validation).
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI, UploadFile
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import Mount

from sync_server.app import create_app
from sync_server.db.engine import transaction
from sync_server.service import reminder_webhooks
from sync_server.web import install
from tests.sync_server.helpers import make_admin, provision_kiosk
from tests.sync_server.web.conftest import Staffing, staffing, web_server  # noqa: F401
from tests.sync_server.web.live_web import WebServer, log_in

ROLES = ("anonymous", "staff", "leader", "hr", "admin", "kiosk", "integration")
PUBLIC = frozenset(ROLES)
KIOSK = frozenset({"kiosk"})
INTEGRATION = frozenset({"integration"})
SIGNED: frozenset[str] = frozenset()  # an HMAC over the body: see test_reminders_api.py
API_ADMIN = frozenset({"admin"})
WEB_USERS = frozenset({"staff", "leader", "hr", "admin"})
LEADERS = frozenset({"leader", "hr", "admin"})
HR = frozenset({"hr", "admin"})
WEB_ADMIN = frozenset({"admin"})
OWN_RECORD = frozenset({"staff"})  # the only login of the walk that belongs to a person

# (method, path) -> the roles that may use it. The one table of who may do what.
MATRIX: dict[tuple[str, str], frozenset[str]] = {
    # API documentation, health, metrics, static files, provisioning: anyone
    ("GET", "/openapi.json"): PUBLIC,
    ("GET", "/docs"): PUBLIC,
    ("GET", "/docs/oauth2-redirect"): PUBLIC,
    ("GET", "/redoc"): PUBLIC,
    ("GET", "/api/v1/health"): PUBLIC,
    ("GET", "/metrics"): PUBLIC,
    ("GET", "/hr/static/app.css"): PUBLIC,
    ("POST", "/api/v1/kiosks/provision"): PUBLIC,  # the one-time code is the credential
    # kiosk API: the kiosk credential only
    ("POST", "/api/v1/punches"): KIOSK,
    ("POST", "/api/v1/events"): KIOSK,
    ("GET", "/api/v1/feed"): KIOSK,
    ("POST", "/api/v1/templates"): KIOSK,
    ("POST", "/api/v1/kiosks/me/heartbeat"): KIOSK,
    ("POST", "/api/v1/kiosks/me/rotate"): KIOSK,
    ("POST", "/api/v1/kiosks/me/erasures/{erasure_id}/ack"): KIOSK,
    ("POST", "/api/v1/kiosks/me/erasures/confirm"): KIOSK,
    # admin API: an API admin's login only (a web session is not enough)
    ("POST", "/api/v1/tasks"): INTEGRATION,
    ("GET", "/api/v1/tasks"): INTEGRATION,
    ("GET", "/api/v1/tasks/{task_id}"): INTEGRATION,
    ("PATCH", "/api/v1/tasks/{task_id}"): INTEGRATION,
    ("POST", "/api/v1/webhooks/tasks"): SIGNED,
    ("GET", "/api/v1/kiosks"): API_ADMIN,
    ("POST", "/api/v1/kiosks"): API_ADMIN,
    ("POST", "/api/v1/kiosks/{name_or_id}/revoke"): API_ADMIN,
    ("POST", "/api/v1/people"): API_ADMIN,
    ("GET", "/api/v1/people"): API_ADMIN,
    ("GET", "/api/v1/people/erasures"): API_ADMIN,
    ("GET", "/api/v1/people/erasures/{erasure_id}"): API_ADMIN,
    ("DELETE", "/api/v1/people/{person_id}"): API_ADMIN,
    ("POST", "/api/v1/people/{person_id}/withdraw-consent"): API_ADMIN,
    ("POST", "/api/v1/people/{person_id}/deactivate"): API_ADMIN,
    ("GET", "/api/v1/people/access-requests"): API_ADMIN,
    ("POST", "/api/v1/people/{person_id}/access-requests"): API_ADMIN,
    ("GET", "/api/v1/people/{person_id}/export"): API_ADMIN,
    # web: logging in and out, language
    ("GET", "/hr/login"): PUBLIC,
    ("POST", "/hr/login"): PUBLIC,
    ("GET", "/hr/lang/{language}"): PUBLIC,
    ("POST", "/hr/logout"): WEB_USERS,
    # web: reports (leaders see their department; staff only their own timesheet)
    ("GET", "/hr/"): LEADERS,
    ("GET", "/hr/api/today"): LEADERS,
    ("GET", "/hr/reports/lateness"): LEADERS,
    ("GET", "/hr/timesheets"): LEADERS,  # scoped: leaders their department
    ("GET", "/hr/shift-calendar"): LEADERS,  # scoped: leaders their department
    ("GET", "/hr/reports/lateness/pdf"): LEADERS,
    ("GET", "/hr/people-search"): LEADERS,  # scoped: leaders their department
    ("GET", "/hr/report-mail"): HR,
    ("POST", "/hr/report-mail"): HR,
    ("GET", "/hr/timesheet/{person_id}"): WEB_USERS,  # scoped: see test below
    # web: HR work
    ("GET", "/hr/reminders"): LEADERS,  # leaders: their own department's tasks
    ("POST", "/hr/reminders"): LEADERS,
    ("GET", "/hr/reminders/{task_id}"): LEADERS,
    ("POST", "/hr/reminders/{task_id}/{action}"): LEADERS,
    ("POST", "/hr/reminders-import"): LEADERS,
    ("GET", "/hr/corrections"): HR,
    ("POST", "/hr/corrections"): HR,
    ("POST", "/hr/corrections/{correction_id}/undo"): HR,
    ("GET", "/hr/audit"): HR,
    ("GET", "/hr/refused-attempts"): HR,
    ("GET", "/hr/refused-attempts/{event_id}/snapshot"): HR,
    ("GET", "/hr/held-punches"): HR,
    ("POST", "/hr/held-punches"): HR,
    ("GET", "/hr/kiosk-enrolments"): HR,
    ("POST", "/hr/kiosk-enrolments/{enrolment_id}/{action}"): HR,
    ("GET", "/hr/chips/{chip_id}"): HR,
    ("GET", "/hr/shifts"): HR,
    ("POST", "/hr/shifts/types"): HR,
    ("POST", "/hr/shifts/assignments"): HR,
    ("POST", "/hr/shifts/assignments/{assignment_id}/delete"): HR,
    ("POST", "/hr/shifts/holidays"): HR,
    ("POST", "/hr/shifts/holidays/{holiday_id}/delete"): HR,
    ("POST", "/hr/shifts/leaves"): HR,
    ("POST", "/hr/shifts/leaves/{leave_id}/delete"): HR,
    ("GET", "/hr/people"): HR,
    ("POST", "/hr/people"): HR,
    ("POST", "/hr/people/{person_id}/active"): HR,
    ("POST", "/hr/people/import"): HR,
    ("POST", "/hr/departments"): HR,
    ("GET", "/hr/kiosks"): HR,
    ("GET", "/hr/sites"): HR,
    ("POST", "/hr/sites"): HR,
    ("POST", "/hr/sites/department"): HR,
    ("GET", "/hr/people/{person_id}/checkin"): HR,
    ("POST", "/hr/people/{person_id}/pin"): HR,
    ("POST", "/hr/people/{person_id}/badge"): HR,
    ("POST", "/hr/people/{person_id}/revoke"): HR,
    ("GET", "/hr/people/{person_id}/enrol"): HR,
    ("POST", "/hr/people/{person_id}/enrol"): HR,
    ("POST", "/hr/people/{person_id}/rolling/{template_id}/remove"): WEB_ADMIN,
    ("POST", "/hr/people/enrol-zip"): HR,
    # web: accounts and kiosks (admins)
    ("GET", "/hr/users"): WEB_ADMIN,
    ("POST", "/hr/users"): WEB_ADMIN,
    ("POST", "/hr/users/{user_id}/edit"): WEB_ADMIN,
    ("POST", "/hr/users/{user_id}/active"): WEB_ADMIN,
    ("POST", "/hr/users/{user_id}/password"): WEB_ADMIN,
    ("POST", "/hr/kiosks"): WEB_ADMIN,
    ("POST", "/hr/kiosks/{kiosk_id}/rename"): WEB_ADMIN,
    ("POST", "/hr/kiosks/{kiosk_id}/revoke"): WEB_ADMIN,
    ("POST", "/hr/kiosks/{kiosk_id}/site"): WEB_ADMIN,
    # web: staff requests and self-service (a login with a person: here staff), decisions
    ("GET", "/hr/me"): OWN_RECORD,
    ("GET", "/hr/me/request"): OWN_RECORD,
    ("POST", "/hr/me/leave"): OWN_RECORD,
    ("POST", "/hr/me/correction"): OWN_RECORD,
    ("POST", "/hr/me/requests/{request_id}/withdraw"): OWN_RECORD,
    ("GET", "/hr/requests"): LEADERS,  # leaders: their own department's requests
    ("POST", "/hr/requests/{request_id}/{verdict}"): LEADERS,
    ("POST", "/hr/requests/excuse"): LEADERS,  # leaders: when the site allows it
    ("GET", "/hr/leave-types"): HR,
    ("POST", "/hr/leave-types"): HR,
}

# Calls that end the caller's own credential: walked last.
SELF_ENDING = {("POST", "/hr/logout"), ("POST", "/api/v1/kiosks/me/rotate")}

FORM_VALUES = {
    "kind": "excuse_late", "reason": "route walk", "name": "Route walk", "start": "2026-01-05",
    "end": "2026-01-06", "day": "2026-01-05", "display_name": "Route Walk",
    "password": "a long enough password, walked", "role": "staff", "active": "1",
    "method": "pin", "notice_version": "notice-1", "collected_by": "route walk",
    "language": "en", "username": "walker",
}


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    form: dict[str, Any]  # required form field name -> annotation (web forms only)


def _contexts(route: Any) -> list[Any]:
    """The routes behind one entry of ``app.routes`` (an included router may hold many)."""
    contexts = getattr(route, "effective_route_contexts", None)
    if contexts is None:
        return [route]
    return list(contexts() if callable(contexts) else contexts)


def endpoints(app: FastAPI) -> Iterator[Endpoint]:
    for route in app.routes:
        if isinstance(route, Mount):
            yield Endpoint("GET", f"{route.path}/app.css", {})
            continue
        for item in _contexts(route):
            dependant = getattr(item, "dependant", None)
            form = {}
            if dependant is not None:
                form = {f.name: f.field_info.annotation for f in dependant.body_params
                        if f.field_info.is_required() or f.name == "csrf_token"}
            for method in sorted(set(item.methods or ()) - {"HEAD"}):
                yield Endpoint(method, item.path, form)


def test_every_route_is_in_the_role_matrix(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sync_server.settings import DatabaseSettings, ServerSettings

    app = create_app(ServerSettings(database=DatabaseSettings(  # type: ignore[call-arg]
        url=f"sqlite:///{tmp_path / 'routes.sqlite3'}")))
    install(app)
    found = {(e.method, e.path) for e in endpoints(app)}
    assert len(found) > 60  # the enumeration really reached the included routers
    assert sorted(found - MATRIX.keys()) == [], "routes without a row in MATRIX"
    assert sorted(MATRIX.keys() - found) == [], "rows in MATRIX for routes that are gone"


class Walker:
    """One httpx client per role, logged in; calls an endpoint as a role."""

    def __init__(self, server: WebServer, sessions: sessionmaker[Session],
                 staffing: Staffing) -> None:  # noqa: F811
        self.server = server
        self.staffing = staffing
        self.clients: dict[str, httpx.Client] = {}
        self.csrf: dict[str, str] = {}
        admin_login = make_admin(sessions, "api-admin")
        kiosk = provision_kiosk(sessions, server.url, "route-walker")
        with transaction(sessions) as session:
            integration = reminder_webhooks.create_integration(session, "route-walk", actor="test")
        for role in ROLES:
            client = httpx.Client(base_url=server.url, timeout=30)
            if role == "admin":
                client.auth = httpx.BasicAuth(*admin_login)
            if role == "kiosk":
                client.headers["Authorization"] = f"Bearer {kiosk.credential}"
            if role == "integration":
                client.headers["Authorization"] = f"Bearer {integration.token}"
            self.clients[role] = client
            if role in WEB_USERS:
                self._log_in(role)

    def _log_in(self, role: str) -> None:
        client = self.clients[role]
        client.follow_redirects = True
        home = log_in(client, role)
        client.follow_redirects = False
        found = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
        assert found, f"{role}: no CSRF token on the home page"
        self.csrf[role] = found.group(1)

    def call(self, role: str, endpoint: Endpoint) -> httpx.Response:
        path = self._path(endpoint)
        client = self.clients[role]
        if endpoint.method == "GET":
            return client.get(path)
        if endpoint.path.startswith("/hr/") and endpoint.form:
            data, files = self._form(role, endpoint.form)
            return client.request(endpoint.method, path, data=data, files=files or None)
        return client.request(endpoint.method, path, json={})

    def _path(self, endpoint: Endpoint) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "language":
                return "en"
            if endpoint.method == "GET" and name == "person_id":
                return str(self.staffing.finance_a)  # staff's own record
            return str(uuid.uuid4())

        return re.sub(r"\{(\w+)\}", value, endpoint.path)

    def _form(self, role: str, fields: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
        data: dict[str, str] = {}
        files: dict[str, Any] = {}
        for name, annotation in fields.items():
            if name == "csrf_token":
                data[name] = self.csrf.get(role, "no-session")
            elif _is_upload(annotation):
                files[name] = ("walk.csv", b"name,code,department\n", "text/csv")
            elif name.endswith("_id"):
                data[name] = str(uuid.uuid4())
            else:
                data[name] = FORM_VALUES.get(name, "1" if annotation is int else "walk")
        return data, files

    def close(self) -> None:
        for client in self.clients.values():
            client.close()


def _is_upload(annotation: Any) -> bool:
    if inspect.isclass(annotation) and issubclass(annotation, UploadFile):
        return True
    return "UploadFile" in repr(annotation)


def _refused(response: httpx.Response) -> bool:
    if response.status_code in (401, 403):
        return True
    # A page's refusal sends the anonymous caller to the login form, naming the page.
    return response.status_code == 303 and \
        response.headers.get("location", "").startswith("/hr/login?next=")


def test_every_route_with_every_role_follows_the_matrix(
        web_server: WebServer, sessions: sessionmaker[Session],  # noqa: F811
        staffing: Staffing) -> None:  # noqa: F811
    walker = Walker(web_server, sessions, staffing)
    app = create_app(web_server.settings)
    install(app)
    walk = sorted(endpoints(app), key=lambda e: ((e.method, e.path) in SELF_ENDING, e.path))
    problems = []
    seen: Counter[tuple[bool, int]] = Counter()
    try:
        for endpoint in walk:
            allowed = MATRIX[(endpoint.method, endpoint.path)]
            for role in ROLES:
                answer = walker.call(role, endpoint)
                seen[(role in allowed, answer.status_code)] += 1
                where = f"{role} {endpoint.method} {endpoint.path} -> {answer.status_code}"
                if answer.status_code >= 500:
                    problems.append(f"server error: {where}")
                elif role not in allowed and not _refused(answer):
                    problems.append(f"reachable by a role that may not: {where}")
                elif role in allowed and allowed is not PUBLIC and _refused(answer):
                    problems.append(f"refused to a role that may: {where}")
    finally:
        walker.close()
    assert problems == []
    # The walk did real work: most permitted calls reached a handler that answered 200.
    assert seen[(True, 200)] > 60 and seen[(False, 401)] > 60 and seen[(False, 403)] > 40


def test_timesheets_are_scoped_to_the_role(web_server: WebServer,  # noqa: F811
                                           sessions: sessionmaker[Session],
                                           staffing: Staffing) -> None:  # noqa: F811
    """The one row of MATRIX that depends on whose record it is."""
    walker = Walker(web_server, sessions, staffing)
    try:
        expected = {  # role -> {person: may see}
            "staff": {staffing.finance_a: True, staffing.finance_b: False,
                      staffing.ops_c: False},
            "leader": {staffing.finance_a: True, staffing.finance_b: True,
                       staffing.ops_c: False},
            "hr": {staffing.finance_a: True, staffing.ops_c: True},
        }
        for role, people in expected.items():
            for person, may in people.items():
                answer = walker.clients[role].get(f"/hr/timesheet/{person}")
                assert (answer.status_code == 200) is may, (role, person, answer.status_code)
                assert _refused(answer) is not may
    finally:
        walker.close()

"""The person pickers' search: ``GET /hr/people-search?q=`` answers the first matches as
JSON (``[{"id", "label"}]``), within what the user may see, for the input + datalist pickers
that replace the long person dropdowns (``static/person_picker.js``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from sync_server.db.engine import transaction
from sync_server.db.models import Person
from sync_server.service import reports
from sync_server.service.users import Role
from sync_server.web import common, paging
from sync_server.web.common import PREFIX, User

router = APIRouter(prefix=PREFIX, include_in_schema=False)
MAX_MATCHES = 20


def person_label(person: Person) -> str:
    """How a picker shows a person: unique, since the code is (or the id's start is)."""
    code = person.employee_code or f"#{str(person.id)[:8]}"
    department = f" · {person.department}" if person.department else ""
    return f"{person.display_name} ({code}){department}"


@router.get("/people-search")
def people_search(request: Request, user: User, q: str = "") -> JSONResponse:
    """Up to ``MAX_MATCHES`` active people matching ``q`` (name, code, department; accents
    ignored), in the user's scope; nothing for an empty ``q``."""
    common.require(user, Role.HR, Role.LEADER)
    if not q.strip():
        return JSONResponse([])
    with transaction(common.sessions_of(request)) as session:
        everyone = reports.load_people(session, common.scope_of(user))
        found = [p for p in everyone if paging.matches(q, (p.display_name, p.employee_code,
                                                            p.department))][:MAX_MATCHES]
        answer = [{"id": str(p.id), "label": person_label(p)} for p in found]
    return JSONResponse(answer)

"""Migration 0550_sites on a database made before sites: one default site holds every kiosk
and department, people follow their department there, and each kiosk's feed is what it was."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import command

from sync_server.db.engine import make_engine, session_factory
from sync_server.db.migrate import alembic_config, upgrade
from sync_server.service import feed, sites
from tests.sync_server.helpers import table_names

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC).isoformat(" ")


def _fill_before_sites(url: str) -> dict[str, uuid.UUID]:
    """A person, a department, a kiosk and three feed entries, written as 0540 knew them."""
    ids = {"person": uuid.uuid4(), "kiosk": uuid.uuid4(), "department": uuid.uuid4()}
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO people (id, display_name, employee_code, department, active,"
            " created_at, updated_at) VALUES (:id, 'Nguyen Van An', 'F001', 'Finance', 1,"
            " :now, :now)"), {"id": ids["person"].hex, "now": NOW})
        conn.execute(sa.text("INSERT INTO departments (id, name, created_at)"
                             " VALUES (:id, 'Finance', :now)"),
                     {"id": ids["department"].hex, "now": NOW})
        conn.execute(sa.text("INSERT INTO kiosks (id, name, created_at) VALUES (:id, 'lobby',"
                             " :now)"), {"id": ids["kiosk"].hex, "now": NOW})
        for entity, entity_id in (("person", ids["person"]), ("holiday", uuid.uuid4()),
                                  ("template", uuid.uuid4())):
            conn.execute(sa.text(
                "INSERT INTO changes (entity, op, entity_id, recognizer_id, data, created_at)"
                " VALUES (:entity, 'upsert', :id, 'sface', '{}', :now)"),
                {"entity": entity, "id": entity_id.hex, "now": NOW})
    engine.dispose()
    return ids


def test_an_existing_database_moves_to_one_default_site(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    command.upgrade(alembic_config(url), "0540_hr_workflows")
    assert "sites" not in table_names(url)
    ids = _fill_before_sites(url)
    upgrade(url)
    sessions = session_factory(make_engine(url))
    with sessions() as session:
        listed = sites.summaries(session)
        assert [(s.name, s.is_default, s.kiosks, s.people) for s in listed] == [
            ("Trụ sở chính", True, ["lobby"], 1)]
        default = sites.default_site_id(session)
        assert sites.person_site(session, ids["person"]) == default
        assert sites.department_sites(session) == {"Finance": default}
        page = feed.page(session, 0, 100, "sface", None)
        assert [c.entity for c in page.changes] == ["person", "holiday", "template"]
        assert feed.page(session, 0, 100, "sface", default).changes == page.changes
    sessions.kw["bind"].dispose()
    command.downgrade(alembic_config(url), "0540_hr_workflows")
    assert "sites" not in table_names(url)
    upgrade(url)
    assert "sites" in table_names(url)

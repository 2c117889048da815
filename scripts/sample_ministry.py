"""A sample ministry for the quick start's web: departments, shifts, people, a month of
punches made through the kiosk API, and a few tasks through the tasks API.

Every name is generated (family, middle and given names drawn from common Vietnamese ones):
no real person. ``populate`` is called by ``scripts/demo.py`` once its server and kiosk run;
it talks to the server the way its clients do (the admin API for people, the kiosk API with
the demo kiosk's credential for punches, an integration token for tasks) and writes the
schedule through the server's own services on its database (there is no schedule API).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Thanh", "Quốc"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Phúc",
         "Quang", "Sơn", "Trang", "Tuấn", "Yến"]
DEPARTMENTS = ["Văn phòng Bộ", "Vụ Tổ chức cán bộ", "Vụ Kế hoạch - Tài chính", "Vụ Pháp chế"]
GUARDS = "Tổ bảo vệ"  # a night duty over midnight
PEOPLE_PER_DEPARTMENT = 6
DAYS = 30
BATCH = 500
ACTOR = "demo"  # the audit log's name for the sample data's author


@dataclass(frozen=True)
class Site:
    """How to reach the running server: its base URL, the API admin's login and the
    demo kiosk's bearer credential; ``database_url`` for the schedule."""

    base: str
    admin: tuple[str, str]
    kiosk_credential: str
    database_url: str


def _people(client: httpx.Client, rng: random.Random) -> list[tuple[str, str]]:
    """(person id, department) of each person created through the admin API."""
    made = []
    for number, department in enumerate([d for d in DEPARTMENTS + [GUARDS]
                                         for _ in range(PEOPLE_PER_DEPARTMENT)]):
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        answer = client.post("/api/v1/people", json={
            "display_name": name, "employee_code": f"BM{number + 1:03d}",
            "department": department})
        answer.raise_for_status()
        made.append((answer.json()["id"], department))
    return made


def _schedule(database_url: str, today: date) -> None:
    """Office hours for the departments, a night duty for the guards, and a holiday."""
    from sync_server.db.engine import make_engine, session_factory, transaction
    from sync_server.service import schedules

    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            office = schedules.save_shift_type(session, schedules.ShiftTypeIn(
                "Giờ hành chính", "08:00", "17:00", working_days=(0, 1, 2, 3, 4)), actor=ACTOR)
            night = schedules.save_shift_type(session, schedules.ShiftTypeIn(
                "Trực đêm", "22:00", "06:00", working_days=tuple(range(7))), actor=ACTOR)
            start = today - timedelta(days=DAYS + 5)
            for department in DEPARTMENTS:
                schedules.create_department(session, department, actor=ACTOR)
                schedules.save_assignment(session, office.id, start, None, department=department,
                                          actor=ACTOR)
            schedules.create_department(session, GUARDS, actor=ACTOR)
            schedules.save_assignment(session, night.id, start, None, department=GUARDS,
                                      actor=ACTOR)
            schedules.save_holiday(session, today - timedelta(days=DAYS // 2), "Ngày lễ mẫu",
                                   actor=ACTOR)
    finally:
        engine.dispose()


def _day_punches(rng: random.Random, person: str, department: str, day: date,
                 zone: ZoneInfo, now: datetime) -> list[dict[str, object]]:
    """One person's punches on one day: mostly on time, some late, a few absences and
    forgotten check-outs (UTC instants, as a kiosk sends them)."""
    night = department == GUARDS
    if not night and day.weekday() > 4 or rng.random() < 0.05:
        return []
    start = datetime.combine(day, time(22, 0) if night else time(8, 0), tzinfo=zone)
    late = rng.choice([0, 0, 0, 0, 0, -10, -5, 4, 12, 25])
    arrive = start + timedelta(minutes=late, seconds=rng.randint(0, 59))
    instants = [arrive]
    if rng.random() > 0.04:
        instants.append(start + timedelta(hours=8 if night else 9,
                                          minutes=rng.randint(-15, 40)))
    return [{"id": str(uuid.uuid4()), "person_id": person, "kind": "auto", "source": "face",
             "captured_at": at.astimezone(UTC).isoformat(), "clock_offset_s": 0.0}
            for at in instants if at < now]


def _punches(site: Site, people: list[tuple[str, str]], today: date, zone: ZoneInfo,
             rng: random.Random) -> int:
    now = datetime.now(UTC)
    batch = [punch for back in range(DAYS, 0, -1) for person, department in people
             for punch in _day_punches(rng, person, department, today - timedelta(days=back),
                                       zone, now)]
    headers = {"Authorization": f"Bearer {site.kiosk_credential}"}
    for first in range(0, len(batch), BATCH):
        httpx.post(f"{site.base}/api/v1/punches", headers=headers, timeout=60,
                   json={"punches": batch[first:first + BATCH]}).raise_for_status()
    return len(batch)


def _approve_held(database_url: str) -> None:
    """The month predates the demo kiosk's provisioning, so the server holds those punches
    for review: approve them as HR would on the held-punches page."""
    from sync_server.db.engine import make_engine, session_factory, transaction
    from sync_server.service import punch_review

    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            while held := [p.id for p in punch_review.list_held(session, limit=5000)]:
                punch_review.decide(session, held, punch_review.Decision.APPROVE, ACTOR)
    finally:
        engine.dispose()


def _tasks(site: Site, token: str, today: date, zone: ZoneInfo) -> int:
    due = datetime.combine(today + timedelta(days=3), time(17, 0), tzinfo=zone)
    tasks = [("Nộp báo cáo tháng", DEPARTMENTS[2], 2),
             ("Cập nhật hồ sơ cán bộ", DEPARTMENTS[1], 1),
             ("Rà soát văn bản pháp quy", DEPARTMENTS[3], 1),
             ("Kiểm tra thiết bị phòng cháy", GUARDS, 2)]
    for number, (title, department, priority) in enumerate(tasks):
        httpx.post(f"{site.base}/api/v1/tasks", timeout=30,
                   headers={"Authorization": f"Bearer {token}"},
                   json={"external_id": f"mau-{number}", "title": title,
                         "department": department, "priority": priority,
                         "due_at": due.isoformat()}).raise_for_status()
    return len(tasks)


def populate(site: Site, integration_token: str, zone_name: str,
             seed: int = 2026) -> dict[str, int]:
    """Fill the running server; returns counts (people, punches, tasks)."""
    rng = random.Random(seed)
    zone = ZoneInfo(zone_name)
    today = datetime.now(UTC).astimezone(zone).date()
    _schedule(site.database_url, today)
    with httpx.Client(base_url=site.base, auth=site.admin, timeout=30) as client:
        people = _people(client, rng)
    punches = _punches(site, people, today, zone, rng)
    _approve_held(site.database_url)
    tasks = _tasks(site, integration_token, today, zone)
    return {"sample_people": len(people), "sample_punches": punches, "sample_tasks": tasks}

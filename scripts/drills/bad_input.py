"""bad_input: garbage at every API boundary of a real server; 4xx, a clear problem, no write.

Each case is one request (kiosk routes with a real kiosk credential, admin routes with a
real admin login). It passes when the answer is a 4xx ``application/problem+json`` with a
title and a detail, and no data table changed its row count. Log tables (audit, access
requests, login failures, kiosk events) are expected to grow and are not counted. One case
is *valid* on purpose: a person whose name looks like SQL is stored verbatim (201).
Afterwards a valid punch batch proves the server still ingests.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import inspect, text

from scripts.drills.common import (
    DrillOptions,
    DrillResult,
    ServerProcess,
    compare,
    drill_person,
    provision,
    server_database,
)
from sync_server.db.engine import make_engine, session_factory, transaction
from sync_server.service import admins

LOG_TABLES = {"alembic_version", "audit_log", "access_requests", "login_failures",
              "kiosk_events"}
SQL_NAME = "Robert'); DROP TABLE people;-- \" OR 1=1 --"
ADMIN = ("drill-admin", "a long drill password 1234")


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    path: str
    body: bytes | None = None
    auth: str = "kiosk"  # kiosk | admin | none
    content_type: str = "application/json"
    expect: int | None = None  # an exact status; None = any 4xx
    stored_is_ok: bool = False  # a database that can hold the value may store it verbatim


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _punch(**changes: Any) -> dict[str, Any]:
    punch = {"id": str(uuid.uuid4()), "person_id": str(drill_person(1)), "kind": "auto",
             "source": "face", "captured_at": datetime.now(UTC).isoformat(),
             "clock_offset_s": 0.0}
    punch.update(changes)
    return punch


def _png(width: int, height: int, idat: bytes | None = None) -> bytes:
    """A greyscale PNG, all zeros streamed through zlib (a bomb when big) unless ``idat``
    is given (then the header may promise far more pixels than the data holds)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    if idat is None:
        compressor = zlib.compressobj(9)
        row = b"\x00" * (width + 1)
        stream = io.BytesIO()
        for _ in range(height):
            stream.write(compressor.compress(row))
        stream.write(compressor.flush())
        idat = stream.getvalue()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def _enrollment(chip: bytes, image_format: str = "png", **changes: Any) -> bytes:
    body: dict[str, Any] = {
        "person_id": str(uuid.uuid4()), "recognizer_id": "sface-2021dec",
        "new_person": {"display_name": SQL_NAME},
        "consent": {"id": str(uuid.uuid4()), "given_at": datetime.now(UTC).isoformat(),
                    "notice_version": "v1", "collected_by": "drill"},
        "embeddings": [base64.b64encode(b"\x00\x00\x80\x3f" * 128).decode()],
        "chips": [{"image": base64.b64encode(chip).decode(), "image_format": image_format,
                   "alignment": {}}]}
    body.update(changes)
    return _json(body)


def cases() -> list[Case]:
    deep = b"[" * 100_000 + b"]" * 100_000
    bomb = _png(12_000, 12_000)  # 144 Mpixel of zeros in ~150 KiB
    lying_header = _png(100_000, 100_000, idat=zlib.compress(b"\x00" * 65))
    truncated = _png(112, 112)[:-30]
    return [
        Case("malformed_json", "POST", "/api/v1/punches", b'{"punches": [{"id": '),
        Case("invalid_utf8", "POST", "/api/v1/punches",
             b'{"punches": [{"id": "\xff\xfe\xfd", "kind": "auto"}]}'),
        Case("deeply_nested_json", "POST", "/api/v1/punches", deep),
        Case("wrong_type_list", "POST", "/api/v1/punches", _json({"punches": "many"})),
        Case("wrong_type_field", "POST", "/api/v1/punches", _json({"punches": [
            _punch(id=12345)]})),
        Case("naive_datetime", "POST", "/api/v1/punches", _json({"punches": [
            _punch(captured_at="2026-01-01T08:00:00")]})),
        Case("unknown_field", "POST", "/api/v1/punches", _json({"punches": [
            _punch(extra="x")]})),
        Case("one_bad_in_batch", "POST", "/api/v1/punches", _json({"punches": [
            _punch(), _punch(), _punch(kind="sideways")]})),
        Case("nan_offset", "POST", "/api/v1/punches",
             json.dumps({"punches": [_punch(clock_offset_s=float("nan"))]}).encode()),
        Case("huge_offset", "POST", "/api/v1/punches", _json({"punches": [
            _punch(clock_offset_s=1e308)]})),
        Case("empty_batch", "POST", "/api/v1/punches", _json({"punches": []})),
        Case("too_many_punches", "POST", "/api/v1/punches", _json({"punches": [
            _punch() for _ in range(2001)]})),
        Case("oversized_body", "POST", "/api/v1/punches",
             b'{"punches": [' + b" " * (5 * 1024 * 1024) + b"]}", expect=413),
        Case("not_json_content", "POST", "/api/v1/punches", b"id=1&kind=auto",
             content_type="application/x-www-form-urlencoded"),
        Case("no_credential", "POST", "/api/v1/punches", _json({"punches": [_punch()]}),
             auth="none", expect=401),
        Case("heartbeat_wrong_type", "POST", "/api/v1/kiosks/me/heartbeat",
             _json({"backlog": "lots"})),
        Case("feed_bad_cursor", "GET", "/api/v1/feed?after=abc&limit=10"),
        Case("feed_huge_limit", "GET", "/api/v1/feed?after=0&limit=99999999"),
        Case("feed_cursor_beyond_the_feed", "GET", "/api/v1/feed?after=1000000000000",
             expect=409),
        Case("heartbeat_cursor_beyond_the_feed", "POST", "/api/v1/kiosks/me/heartbeat",
             _json({"feed_cursor": 10 ** 12}), expect=409),
        Case("chip_decompression_bomb", "POST", "/api/v1/templates", _enrollment(bomb)),
        Case("chip_header_lies", "POST", "/api/v1/templates", _enrollment(lying_header)),
        Case("chip_truncated_png", "POST", "/api/v1/templates", _enrollment(truncated)),
        Case("chip_corrupt_jpeg", "POST", "/api/v1/templates",
             _enrollment(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8, "jpeg")),
        Case("chip_not_an_image", "POST", "/api/v1/templates",
             _enrollment(b"MZ\x90\x00 definitely not a png")),
        Case("chip_not_base64", "POST", "/api/v1/templates",
             _enrollment(b"", chips=[{"image": "***", "image_format": "png",
                                      "alignment": {}}])),
        Case("embedding_wrong_length", "POST", "/api/v1/templates",
             _enrollment(_png(112, 112), embeddings=[base64.b64encode(b"\x00" * 7).decode()])),
        Case("person_name_too_long", "POST", "/api/v1/people",
             _json({"display_name": "A" * 10_000}), auth="admin"),
        Case("person_name_wrong_type", "POST", "/api/v1/people",
             _json({"display_name": 123}), auth="admin"),
        Case("person_name_nul_byte", "POST", "/api/v1/people",
             _json({"display_name": "Nguyen\u0000Van A"}), auth="admin", stored_is_ok=True),
        Case("person_unknown_field", "POST", "/api/v1/people",
             _json({"display_name": "Tran B", "is_admin": True}), auth="admin"),
        Case("person_bad_id", "DELETE", "/api/v1/people/1;DROP TABLE people", auth="admin"),
        Case("sql_looking_name", "POST", "/api/v1/people",
             _json({"display_name": SQL_NAME, "department": "x' OR '1'='1"}), auth="admin",
             expect=201),
    ]


def table_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        names = sorted(set(inspect(engine).get_table_names()) - LOG_TABLES)
        with engine.connect() as conn:
            return {n: int(conn.execute(text(f'SELECT count(*) FROM "{n}"')).scalar_one())
                    for n in names}
    finally:
        engine.dispose()


def _judge(case: Case, response: httpx.Response, before: dict[str, int],
           after: dict[str, int], result: DrillResult) -> None:
    status = response.status_code
    changed = {t: after[t] - before[t] for t in after if after[t] != before.get(t)}
    if case.stored_is_ok and status == 201:
        # SQLite holds a NUL in text; PostgreSQL cannot and answers 422.
        result.figures.setdefault("stored_verbatim", []).append(case.name)
        result.check(changed.get("people") == 1, f"{case.name}: 201 but {changed}")
        return
    if case.expect == 201:
        result.check(status == 201 and response.json().get("display_name") == SQL_NAME,
                     f"{case.name}: {status}, name not stored verbatim")
        result.check(changed == {"people": 1, "changes": 1} or changed == {"people": 1},
                     f"{case.name}: unexpected writes {changed}")
        return
    ok_status = status == case.expect if case.expect else 400 <= status < 500
    problem = response.headers.get("content-type", "").startswith("application/problem+json")
    detail = response.json().get("detail") if problem else None
    errors = response.json().get("errors") if problem else None
    shown = f"{detail} {errors[0]['loc']}: {errors[0]['msg']}" if errors else str(detail)
    result.figures.setdefault("details", {})[case.name] = shown[:160]
    result.check(ok_status and problem and bool(detail),
                 f"{case.name}: {status} {response.headers.get('content-type')} "
                 f"{response.text[:200]!r}")
    result.check(not changed, f"{case.name}: partial write {changed}")


def bad_input(options: DrillOptions) -> DrillResult:
    all_cases = cases()
    result = DrillResult("bad_input", iterations=len(all_cases))
    folder = options.scratch / result.drill
    url = server_database(options, folder)
    with transaction(session_factory(make_engine(url))) as session:
        admins.create_admin(session, *ADMIN, actor="script")
    server = ServerProcess(url, folder).start()
    credential = provision(url, server.url, 1, "bad-input")[0]
    statuses: dict[str, int] = {}
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            for case in all_cases:
                headers = {"Content-Type": case.content_type}
                if case.auth == "kiosk":
                    headers["Authorization"] = f"Bearer {credential.credential}"
                auth = httpx.BasicAuth(*ADMIN) if case.auth == "admin" else None
                before = table_counts(url)
                response = client.request(case.method, case.path, content=case.body,
                                          headers=headers, auth=auth)
                statuses[case.name] = response.status_code
                _judge(case, response, before, table_counts(url), result)
            valid = [_punch() for _ in range(10)]
            answer = client.post("/api/v1/punches", json={"punches": valid},
                                 headers={"Authorization": f"Bearer {credential.credential}"})
            result.check(answer.status_code == 200, f"valid batch refused: {answer.text[:200]}")
        result.add_counts(compare([p["id"] for p in valid], url))
    finally:
        server.stop()
    result.faults = {"bad_requests": len(all_cases) - 1,
                     "answered_5xx": sum(s >= 500 for s in statuses.values())}
    result.figures["statuses"] = statuses
    return result

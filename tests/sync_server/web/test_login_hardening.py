"""Login and limits against the real server on 127.0.0.1: proxy headers only from trusted
proxies, growing delays per (user, address) instead of a lock-out, the admin API's timing,
/metrics access, finite clock offsets and HSTS."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from sync_server.settings import ServerSettings
from tests.sync_server.helpers import make_admin, provision_kiosk
from tests.sync_server.web.conftest import Staffing
from tests.sync_server.web.live_web import PASSWORD, WebServer, log_in

ATTACKER = "203.0.113.7"
ADMIN_DESK = "198.51.100.20"


def _with_api(settings: ServerSettings, **api: object) -> ServerSettings:
    return settings.model_copy(update={"api": settings.api.model_copy(update=api)})


@pytest.fixture
def proxied_server(server_settings: ServerSettings) -> Iterator[WebServer]:
    """The server behind a proxy on 127.0.0.1 (api.trusted_proxies), as with nginx."""
    server = WebServer(_with_api(server_settings, trusted_proxies=("127.0.0.1",))).start()
    yield server
    server.stop()


def _client(server: WebServer, forwarded_for: str | None = None) -> httpx.Client:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return httpx.Client(base_url=server.url, timeout=30, headers=headers)


def test_forwarded_for_from_an_untrusted_peer_changes_nothing(
        web_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    """A new X-Forwarded-For per request is not a new client (no proxy is trusted)."""
    statuses = []
    for attempt in range(23):
        with _client(web_server, f"10.9.{attempt}.1") as client:
            statuses.append(log_in(client, f"guess{attempt}", "wrong password!!").status_code)
    assert statuses[:20] == [401] * 20 and set(statuses[20:]) == {429}
    username, password = make_admin(sessions)
    url = web_server.url + "/api/v1/people"
    answers = [httpx.get(url, auth=(username, "wrong password!"),
                         headers={"X-Forwarded-For": f"10.8.{n}.1"}).status_code
               for n in range(6)]
    assert answers == [401] * 5 + [429]
    assert httpx.get(url, auth=(username, password),
                     headers={"X-Forwarded-For": "10.8.99.1"}).status_code == 429


def test_an_attacker_slows_down_without_locking_the_real_admin_out(
        proxied_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    with _client(proxied_server, ATTACKER) as attacker, \
            _client(proxied_server, ADMIN_DESK) as desk:
        assert [log_in(attacker, "admin", "wrong password!!").status_code
                for _ in range(5)] == [401] * 5
        waits = []
        for _ in range(3):
            answer = log_in(attacker, "admin", PASSWORD)  # even the right one must wait
            assert answer.status_code == 429
            waits.append(int(answer.headers["retry-after"]))
        assert waits[0] >= 4 and waits[0] < waits[1] < waits[2]
        assert log_in(desk, "admin").status_code == 303  # the real admin, elsewhere
    username, password = make_admin(sessions)
    url = proxied_server.url + "/api/v1/people"
    waits = []
    for status in [401] * 5 + [429, 429]:
        answer = httpx.get(url, auth=(username, "wrong password!"),
                           headers={"X-Forwarded-For": ATTACKER})
        assert answer.status_code == status
        if status == 429:
            assert answer.headers["content-type"] == "application/problem+json"
            waits.append(int(answer.headers["retry-after"]))
    assert 4 <= waits[0] < waits[1]
    assert httpx.get(url, auth=(username, password),
                     headers={"X-Forwarded-For": ADMIN_DESK}).status_code == 200


def _median_s(url: str, username: str, runs: int = 4) -> float:
    times = []
    for n in range(runs):
        start = time.perf_counter()
        answer = httpx.get(url, auth=(username, "wrong password!"),
                           headers={"X-Forwarded-For": f"192.0.2.{n + 1}"})
        times.append(time.perf_counter() - start)
        assert answer.status_code == 401
    return statistics.median(times)


def test_the_admin_api_takes_as_long_for_an_unknown_user(
        proxied_server: WebServer, staffing: Staffing, sessions: sessionmaker[Session]) -> None:
    username, _password = make_admin(sessions)
    url = proxied_server.url + "/api/v1/people"
    _median_s(url, "warm-up-user", 1)
    known = _median_s(url, username)
    unknown = _median_s(url, "nobody-here")
    assert unknown > 0.6 * known, (known, unknown)


def test_metrics_need_loopback_or_the_token(
        proxied_server: WebServer, server_settings: ServerSettings, staffing: Staffing) -> None:
    assert httpx.get(proxied_server.url + "/metrics").status_code == 200  # loopback itself
    outside = httpx.get(proxied_server.url + "/metrics", headers={"X-Forwarded-For": ATTACKER})
    assert outside.status_code == 403
    assert outside.headers["content-type"] == "application/problem+json"
    with_token = WebServer(_with_api(server_settings, metrics_token="scrape-secret-123")).start()
    try:
        assert httpx.get(with_token.url + "/metrics").status_code == 401
        assert httpx.get(with_token.url + "/metrics",
                         headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(with_token.url + "/metrics",
                         headers={"Authorization": "Bearer scrape-secret-123"}).status_code \
            == 200
    finally:
        with_token.stop()


def test_clock_offsets_must_be_finite(web_server: WebServer,
                                      sessions: sessionmaker[Session]) -> None:
    credential = provision_kiosk(sessions, web_server.url, "gate")
    headers = {"Authorization": f"Bearer {credential.credential}",
               "Content-Type": "application/json"}
    for body in (b'{"clock_offset_s": 1e999}', b'{"clock_offset_s": Infinity}',
                 b'{"clock_offset_s": NaN}'):
        answer = httpx.post(web_server.url + "/api/v1/kiosks/me/heartbeat", content=body,
                            headers=headers)
        assert answer.status_code == 422, body
        assert answer.headers["content-type"] == "application/problem+json"
    text = httpx.get(web_server.url + "/metrics").text
    assert "Inf" not in text and "NaN" not in text


def test_hsts_and_secure_cookies_only_over_tls_said_by_a_trusted_proxy(
        web_server: WebServer, proxied_server: WebServer, staffing: Staffing) -> None:
    tls = {"X-Forwarded-Proto": "https"}
    trusted = httpx.get(proxied_server.url + "/hr/login", headers=tls)
    assert trusted.headers["strict-transport-security"].startswith("max-age=")
    assert "Secure" in trusted.headers["set-cookie"]
    plain = httpx.get(proxied_server.url + "/hr/login")
    assert "strict-transport-security" not in plain.headers
    untrusted = httpx.get(web_server.url + "/hr/login", headers=tls)
    assert "strict-transport-security" not in untrusted.headers
    assert "Secure" not in untrusted.headers["set-cookie"]

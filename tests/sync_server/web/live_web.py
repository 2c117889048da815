"""The real server with the web application installed, on 127.0.0.1 in a thread, and a
logged-in HTTP client helper."""

from __future__ import annotations

import re

import httpx

from tests.sync_server.live import LiveServer

PASSWORD = "a long enough password"


class WebServer(LiveServer):
    """The live server on 127.0.0.1: ``create_app`` mounts the web pages under /hr."""


def login_token(client: httpx.Client) -> str:
    page = client.get("/hr/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    if found is None:
        raise AssertionError("no CSRF token on the login form")
    return found.group(1)


def log_in(client: httpx.Client, username: str, password: str = PASSWORD) -> httpx.Response:
    token = login_token(client)
    return client.post("/hr/login", data={"username": username, "password": password,
                                          "csrf_token": token})


def page_csrf(client: httpx.Client, path: str = "/hr/corrections") -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    if found is None:
        raise AssertionError(f"no CSRF token on {path}")
    return found.group(1)

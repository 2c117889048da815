"""The real server with the web application installed, on 127.0.0.1 in a thread, and a
logged-in HTTP client helper."""

from __future__ import annotations

import re
import threading
import time

import httpx
import uvicorn

from sync_server.app import create_app
from sync_server.settings import ServerSettings
from sync_server.web import install
from tests.sync_server.pg import free_port

PASSWORD = "a long enough password"


class WebServer:
    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.port = free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> WebServer:
        app = create_app(self.settings)
        install(app)
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, name="web-server",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(20)


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

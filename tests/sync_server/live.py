"""A real sync server on 127.0.0.1 in a background thread (uvicorn), for tests."""

from __future__ import annotations

import threading
import time

import uvicorn

from sync_server.app import create_app
from sync_server.settings import ServerSettings, uvicorn_options
from tests.sync_server.pg import free_port


class LiveServer:
    """Serve ``settings`` on 127.0.0.1:``port`` (free port if None); restartable."""

    def __init__(self, settings: ServerSettings, port: int | None = None) -> None:
        self.settings = settings
        self.port = port or free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        config = uvicorn.Config(create_app(self.settings), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="on", **uvicorn_options())
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="live-server",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(20)
        self._server = None
        self._thread = None

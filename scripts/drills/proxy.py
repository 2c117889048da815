"""A fault-injecting HTTP/1.1 proxy on 127.0.0.1 (asyncio, its own thread).

Sits between a kiosk and the server and, per request, picks one action with the configured
probabilities (a seeded RNG, so a run can be repeated):

- ``pass``               forward the request, relay the answer
- ``delay``              wait before forwarding (sometimes longer than the client's timeout)
- ``delay_response``     forward at once, wait before relaying the answer
- ``drop_request``       close the client's connection; the server never sees the request
- ``truncate_request``   send the server half the request bytes, then hang up on both sides
- ``drop_response``      the server processes the request; the client gets no answer
- ``truncate_response``  relay half of the server's answer, then hang up
- ``duplicate_request``  send the same request bytes to the server twice, concurrently on
                         two connections, and relay one of the answers

Each request gets a fresh upstream connection; the client's connection is kept alive when
the action leaves it usable. Messages are framed by Content-Length or chunked encoding.
"""

from __future__ import annotations

import asyncio
import collections
import random
import threading
from typing import Any

from tests.sync_server.pg import free_port

ACTIONS = ("pass", "delay", "delay_response", "drop_request", "truncate_request",
           "drop_response", "truncate_response", "duplicate_request")
PUSH = b"POST /api/v1/punches "
DEFAULT_PLAN = {"pass": 0.30, "delay": 0.10, "delay_response": 0.08, "drop_request": 0.10,
                "truncate_request": 0.08, "drop_response": 0.12, "truncate_response": 0.10,
                "duplicate_request": 0.12}


class FaultProxy:
    """``with FaultProxy(upstream_port) as proxy:`` then point the client at ``proxy.url``.

    ``enabled`` False makes every request ``pass`` (to let the kiosk converge at the end).
    ``counts`` is how often each action really happened (``action/push``: on a punch push).
    ``slow_s`` is the long delay, chosen a little above the client's timeout.
    """

    def __init__(self, upstream_port: int, plan: dict[str, float] | None = None,
                 seed: int = 0, slow_s: float = 1.5) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.plan = plan or DEFAULT_PLAN
        self.enabled = True
        self.counts: collections.Counter[str] = collections.Counter()
        self.slow_s = slow_s
        self._rng = random.Random(seed)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy",
                                        daemon=True)
        self._server: asyncio.base_events.Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", self.port), self._loop)
        self._server = future.result(10)
        return self

    def __exit__(self, *_exc: object) -> None:
        async def close() -> None:
            if self._server is not None:
                self._server.close()
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _choose(self) -> str:
        if not self.enabled:
            return "pass"
        names = list(self.plan)
        return self._rng.choices(names, weights=[self.plan[n] for n in names])[0]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (request := await read_message(reader)) is not None:
                action = self._choose()
                self.counts[action] += 1
                if request.startswith(PUSH):
                    self.counts[f"{action}/push"] += 1
                if not await self._apply(action, request, writer):
                    break
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            self.counts["connection_errors"] += 1
        finally:
            writer.close()

    async def _apply(self, action: str, request: bytes, writer: asyncio.StreamWriter) -> bool:
        """Carry out ``action``; False when the client's connection must be closed."""
        if action == "drop_request":
            return False
        if action == "truncate_request":
            _r, upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
            upstream.write(request[:max(1, len(request) // 2)])
            await upstream.drain()
            upstream.close()
            return False
        if action == "delay":
            await asyncio.sleep(self._delay())
        if action == "duplicate_request":
            answers = await asyncio.gather(self._exchange(request), self._exchange(request))
            response = answers[1]
        else:
            response = await self._exchange(request)
        if action == "drop_response":
            return False
        if action == "delay_response":
            await asyncio.sleep(self._delay())
        if action == "truncate_response":
            writer.write(response[:len(response) // 2])
            await writer.drain()
            return False
        writer.write(response)
        await writer.drain()
        return True

    def _delay(self) -> float:
        return self.slow_s if self._rng.random() < 0.3 else self._rng.uniform(0.02, 0.3)

    async def _exchange(self, request: bytes) -> bytes:
        reader, upstream = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        try:
            upstream.write(request)
            await upstream.drain()
            response = await read_message(reader)
            if response is None:
                raise ValueError("the server closed the connection without an answer")
            return response
        finally:
            upstream.close()


async def read_message(reader: asyncio.StreamReader) -> bytes | None:
    """One HTTP/1.1 message (head + body) as raw bytes; None at a clean end of stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise
    headers = _headers(head)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        return head + await _read_chunked(reader)
    length = int(headers.get("content-length", "0"))
    return head + (await reader.readexactly(length) if length else b"")


def _headers(head: bytes) -> dict[str, str]:
    lines = head.decode("latin-1").split("\r\n")[1:]
    pairs: dict[str, Any] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep:
            pairs[name.strip().lower()] = value.strip()
    return pairs


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = b""
    while True:
        size_line = await reader.readuntil(b"\r\n")
        body += size_line
        size = int(size_line.split(b";")[0].strip(), 16)
        body += await reader.readexactly(size + 2)
        if size == 0:
            return body

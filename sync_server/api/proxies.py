"""Who the client is and whether it came over TLS: proxy headers only from trusted proxies.

``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed only when the connection comes
from an address in ``api.trusted_proxies`` (addresses or networks; default none). Then the
client is the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy
(the left part of that header is whatever the client chose to send) and the scheme is the
proxy's ``X-Forwarded-Proto``. Anyone else's headers change nothing: a new
``X-Forwarded-For`` per request does not make a new client for the login throttle.

The server runs uvicorn with its own proxy-header handling off
(``sync_server.settings.uvicorn_options``), so
this middleware is the one place that decides; it rewrites the ASGI scope's ``client``
and ``scheme`` that every route reads.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.types import ASGIApp, Receive, Scope, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``["10.0.0.1", "192.168.0.0/24"]`` as networks (ValueError for a malformed one)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def is_in(address: str, networks: Iterable[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def is_loopback(address: str) -> bool:
    return is_in(address, LOOPBACK)


def _header(scope: Scope, name: bytes) -> str:
    values = [value.decode("latin-1") for key, value in scope.get("headers", [])
              if key == name]
    return ",".join(values)


def forwarded_client(peer: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """The client behind trusted proxies: walk ``X-Forwarded-For`` from the right."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    client = peer
    while hops and is_in(client, trusted):
        client = hops.pop()
    return client


class TrustedProxies:
    """Set ``scope["client"]`` and ``scope["scheme"]`` from proxy headers of trusted peers."""

    def __init__(self, app: ASGIApp, trusted: Iterable[str] = ()) -> None:
        self.app = app
        self.trusted = parse_networks(trusted)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and self.trusted:
            peer, port = scope.get("client") or ("", 0)
            if is_in(peer, self.trusted):
                scope = dict(scope)
                client = forwarded_client(peer, _header(scope, b"x-forwarded-for"),
                                          self.trusted)
                scope["client"] = (client, port)
                proto = _header(scope, b"x-forwarded-proto").split(",")[-1].strip().lower()
                if proto in ("http", "https"):
                    scope["scheme"] = proto if scope["type"] == "http" else \
                        {"http": "ws", "https": "wss"}[proto]
        await self.app(scope, receive, send)

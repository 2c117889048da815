"""The edge kiosk: on-device face recognition, a local SQLite outbox and sync to the server."""

__version__ = "0.1.0"

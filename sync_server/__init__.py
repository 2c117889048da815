"""The central sync server: punches ingest, change feed, provisioning, device registry."""

__version__ = "0.1.0"

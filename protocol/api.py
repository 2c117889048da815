"""Where the API lives and the headers both ends agree on."""

API_PREFIX = "/api/v1"
SERVER_TIME_HEADER = "x-server-time"
"""Every answer carries the server's clock (ISO 8601, UTC): kiosks measure their offset."""

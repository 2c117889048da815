"""Where the API lives and the headers both ends agree on."""

API_PREFIX = "/api/v1"
SERVER_TIME_HEADER = "x-server-time"
"""Every answer carries the server's clock (ISO 8601, UTC): kiosks measure their offset."""
KIOSK_TIME_HEADER = "x-kiosk-time"
"""Every kiosk request carries the kiosk's clock (ISO 8601 with zone): the server measures
the kiosk's offset itself and holds punches whose offset disagrees."""

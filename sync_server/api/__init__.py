"""HTTP routers, one module per resource, over sync_server.service."""

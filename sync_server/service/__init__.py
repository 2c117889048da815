"""Services: the server's operations on a SQLAlchemy session (no HTTP here).

Each function runs inside the caller's transaction (see sync_server.db.engine.transaction)
and raises errors from sync_server.errors.
"""

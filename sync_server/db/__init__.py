"""Database access: SQLAlchemy 2 models, engine and session, Alembic migrations."""

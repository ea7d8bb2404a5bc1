"""Persistence: SQLAlchemy models, repositories returning plain data, migrations."""

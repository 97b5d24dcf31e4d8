"""The local store (SQLite through SQLAlchemy, Alembic migrations): arrives with the store issue.

Placeholder so the import contracts in pyproject.toml already cover this package.
"""

"""Sync with the academy's Django server (outbox, retries): arrives with the sync issue.

Placeholder so the import contracts in pyproject.toml already cover this package.
"""

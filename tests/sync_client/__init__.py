"""Sync client tests (auth, payload, outbox, runner, CLI, acceptance): a package, so its
conftest is ``sync_client.conftest`` and its helpers are ``sync_client.support``."""

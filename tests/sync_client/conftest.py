"""Fixtures for the sync client tests: an in-memory keyring for every test, the settings
in a temporary folder, a loopback test server, and workspaces of graded sheets."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from sync_client.support import Built, MemoryKeyring, build_workspace


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Every sync test gets a fresh in-memory keyring (never the user's real one)."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("ACADEMY_DESKTOP_CONFIG", str(folder))
    monkeypatch.delenv("ACADEMY_TOKEN", raising=False)
    return folder


@pytest.fixture
def server() -> Iterator[Any]:
    from syncserver import start_server

    srv = start_server(users={"staff": "pw"}, static_tokens={"static-token-1"})
    try:
        yield srv
    finally:
        srv.stop()
        assert srv.errors == []


@pytest.fixture
def make_workspace(tmp_path: Path) -> Callable[..., Built]:
    counter = iter(range(1000))

    def make(n: int, **kwargs: Any) -> Built:
        return build_workspace(tmp_path / f"ws{next(counter)}", n, **kwargs)

    return make

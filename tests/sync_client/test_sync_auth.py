"""Tokens in the keyring (chunked past Credential Locker's limit), sign-in, refresh, config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keyring
import pytest

from academy_desktop import settings as settings_mod
from academy_desktop.sync import auth
from academy_desktop.sync.auth import (
    CHUNK_CHARS,
    AuthState,
    Credentials,
    SecretStore,
    SecretStoreError,
    TokenStore,
    sign_in_with_password,
    sign_in_with_token,
)
from academy_desktop.sync.config import SyncConfig, backoff_seconds, normalize_server_url
from academy_desktop.sync.errors import LoginFailed, Offline, SyncConfigError
from sync_client.support import MemoryKeyring

# ------------------------------------------------------------------ the keyring


@pytest.mark.parametrize("length", [10, CHUNK_CHARS, CHUNK_CHARS + 1, 5000, 12_345])
def test_secrets_of_any_length_fit_a_limited_keyring(length: int) -> None:
    backend = MemoryKeyring(limit=1280)  # Windows' Credential Locker
    store = SecretStore(backend=backend)
    secret = "".join(chr(ord("a") + i % 26) for i in range(length))
    store.set("srv|access", secret)
    assert store.get("srv|access") == secret
    assert all(len(v) <= 1280 for v in backend.store.values())
    expected_entries = 1 if length <= CHUNK_CHARS else 1 + -(-length // CHUNK_CHARS)
    assert len(backend.store) == expected_entries
    store.delete("srv|access")
    assert store.get("srv|access") is None
    assert backend.store == {}


def test_replacing_a_chunked_secret_leaves_no_old_chunks() -> None:
    backend = MemoryKeyring(limit=1280)
    store = SecretStore(backend=backend)
    store.set("k", "x" * 4000)
    store.set("k", "y" * 2500)
    assert store.get("k") == "y" * 2500
    assert len(backend.store) == 1 + 3
    store.set("k", "short")
    assert store.get("k") == "short"
    assert list(backend.store.values()) == ["short"]


def test_a_damaged_chunk_reads_as_no_secret() -> None:
    backend = MemoryKeyring()
    store = SecretStore(backend=backend)
    store.set("k", "z" * 3000)
    chunk = next(key for key in backend.store if key[1].startswith("k#"))
    backend.store[chunk] = "tampered"
    assert store.get("k") is None  # the hash does not match: sign in again
    del backend.store[chunk]
    assert store.get("k") is None  # a missing chunk too


def test_a_missing_keyring_is_a_clear_error() -> None:
    from keyring.backends import fail

    store = SecretStore(backend=fail.Keyring())
    with pytest.raises(SecretStoreError, match="ACADEMY_TOKEN"):
        store.set("k", "v")


def test_token_store_keeps_servers_apart_and_repr_hides_tokens() -> None:
    a, b = TokenStore("https://a.example"), TokenStore("https://b.example")
    a.save(Credentials(access="AAA", refresh="RRR", username="staff"))
    b.save(Credentials(access="BBB"))
    loaded = a.load()
    assert loaded is not None and (loaded.access, loaded.refresh, loaded.kind) == (
        "AAA",
        "RRR",
        "jwt",
    )
    loaded_b = b.load()
    assert loaded_b is not None and loaded_b.kind == "static" and loaded_b.refresh is None
    assert "AAA" not in repr(loaded) and "RRR" not in repr(loaded)
    a.clear()
    assert a.load() is None and b.load() is not None


def test_env_token_wins_over_the_keyring(memory_keyring: MemoryKeyring) -> None:
    config = SyncConfig("https://academy.example")
    TokenStore(config.server_url).save(Credentials(access="from-keyring"))
    state = AuthState.load(config, environ={"ACADEMY_TOKEN": "from-env"})
    assert state.token() == "from-env" and state.store is None
    assert AuthState.load(config, environ={}).token() == "from-keyring"
    assert not AuthState.load(SyncConfig("https://other.example"), environ={}).signed_in


# ------------------------------------------------------------------ sign-in


def test_sign_in_with_password_saves_both_tokens(server: Any) -> None:
    config = SyncConfig(server.url)
    store = TokenStore(config.server_url)
    creds = sign_in_with_password(config, "staff", "pw", store)
    loaded = store.load()
    assert loaded is not None
    assert (loaded.access, loaded.refresh) == (creds.access, creds.refresh)
    assert loaded.username == "staff"
    assert set(server.state.tokens_issued) >= {creds.access, creds.refresh}


def test_long_tokens_survive_the_credential_limit(server_long_tokens: Any) -> None:
    backend = MemoryKeyring(limit=1280)
    keyring.set_keyring(backend)
    config = SyncConfig(server_long_tokens.url)
    creds = sign_in_with_password(config, "staff", "pw", TokenStore(config.server_url))
    assert len(creds.access) > 1280
    state = AuthState.load(config, environ={})
    assert state.token() == creds.access
    assert max(len(v) for v in backend.store.values()) <= 1280


@pytest.fixture
def server_long_tokens() -> Any:
    from syncserver import start_server

    srv = start_server(token_extra_bytes=3000)
    yield srv
    srv.stop()


def test_wrong_password_is_refused_and_nothing_is_saved(server: Any) -> None:
    config = SyncConfig(server.url)
    store = TokenStore(config.server_url)
    with pytest.raises(LoginFailed) as info:
        sign_in_with_password(config, "staff", "wrong", store)
    assert "비밀번호" in str(info.value) and "password" in str(info.value)
    assert store.load() is None


def test_sign_in_to_a_server_that_is_down_is_offline() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(Offline):
        sign_in_with_password(SyncConfig(f"http://127.0.0.1:{port}"), "staff", "pw")


def test_static_token_is_kept_as_given() -> None:
    store = TokenStore("https://academy.example")
    sign_in_with_token("  tok-123  ", store)
    loaded = store.load()
    assert loaded is not None and loaded.access == "tok-123" and loaded.kind == "static"
    with pytest.raises(LoginFailed):
        sign_in_with_token("two words", store)


def test_refresh_once_then_sign_in_again(server: Any) -> None:
    import requests

    config = SyncConfig(server.url)
    store = TokenStore(config.server_url)
    creds = sign_in_with_password(config, "staff", "pw", store)
    state = AuthState.load(config, environ={})
    with requests.Session() as session:
        assert state.refresh(session, creds.access)
        fresh = state.token()
        assert fresh != creds.access
        stored = store.load()
        assert stored is not None and stored.access == fresh  # saved in the keyring
        # another request already refreshed: no second refresh for the old token
        n = len(server.state.tokens_issued)
        assert state.refresh(session, creds.access)
        assert len(server.state.tokens_issued) == n
        server.expire_tokens(refresh=True)
        assert not state.refresh(session, fresh)


def test_sign_out_forgets_the_tokens() -> None:
    config = SyncConfig("https://academy.example")
    TokenStore(config.server_url).save(Credentials(access="a", refresh="r", username="u"))
    auth.sign_out(config)
    assert TokenStore(config.server_url).load() is None


# ------------------------------------------------------------------ configuration


def test_server_addresses() -> None:
    assert normalize_server_url(" https://academy.example/ ") == "https://academy.example"
    assert normalize_server_url("http://127.0.0.1:8000") == "http://127.0.0.1:8000"
    assert normalize_server_url("http://localhost:8000/") == "http://localhost:8000"
    for bad in ("", "academy.example", "ftp://academy.example", "https://a.example/?x=1"):
        with pytest.raises(SyncConfigError):
            normalize_server_url(bad)
    with pytest.raises(SyncConfigError, match="https://"):
        normalize_server_url("http://academy.example")  # a token must not cross a network


def test_tls_verification_cannot_be_switched_off(tmp_path: Path) -> None:
    assert SyncConfig("https://academy.example").verify is True
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="ascii")
    assert SyncConfig("https://academy.example", ca_bundle=str(bundle)).verify == str(bundle)
    with pytest.raises(SyncConfigError, match="CA"):
        SyncConfig("https://academy.example", ca_bundle=str(tmp_path / "missing.pem"))


def test_backoff_is_the_seed_queues() -> None:
    assert [backoff_seconds(a) for a in range(1, 9)] == [2, 4, 8, 16, 32, 64, 120, 120]
    assert backoff_seconds(10_000) == 120


def test_settings_version_2_gets_the_sync_defaults(tmp_path: Path) -> None:
    import json

    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 2, "server_url": "https://a.example"}), "utf-8")
    s = settings_mod.load(path)
    assert s.version == settings_mod.VERSION
    assert (s.token_path, s.refresh_path) == ("/api/v1/token/", "/api/v1/token/refresh/")
    assert (s.ca_bundle, s.sync_timeout_s, s.sync_max_attempts) == ("", 30.0, 10)
    s.token_path = "api/login"
    s.sync_timeout_s = float("nan")
    s.sync_max_attempts = 0
    n = s.normalised()
    assert (n.token_path, n.sync_timeout_s, n.sync_max_attempts) == ("/api/login", 30.0, 1)
    config = SyncConfig.from_settings(n)
    assert config.server_url == "https://a.example" and config.url(n.token_path).endswith(
        "/api/login"
    )

"""Sign-in and tokens: the OS keyring only, long secrets split across entries.

Tokens live in the OS keyring (the ``keyring`` package: Windows Credential Locker,
macOS Keychain, Secret Service), never in the database, the settings, a log line or
an exception message. Each server address has its own entries.

**Long secrets.** Windows' Credential Locker holds about 1,280 characters per entry
and a JWT with many claims can be longer. :class:`SecretStore` stores a secret longer
than :data:`CHUNK_CHARS` as a small header entry plus numbered chunk entries:
``<name>`` holds ``academy-chunked:v1:<generation>:<count>:<sha256 prefix>`` and
``<name>#<generation>#<i>`` the pieces. A new value writes its chunks under a new
generation before the header, then removes the old chunks, so a crash mid-write
leaves the old value or the new one, never a mix; the hash catches anything else
(the secret then reads as absent: sign in again).

**Two ways to sign in** (:func:`sign_in_with_password`, :func:`sign_in_with_token`):
a SimpleJWT-style endpoint (``POST token_path`` ``{username, password}`` ->
``{access, refresh}``; ``POST refresh_path`` ``{refresh}`` -> ``{access}``, paths in
the settings), or a pasted static API token. :class:`AuthState` holds the tokens
for the client and refreshes the access token once when the server answers 401.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import keyring
import keyring.errors
import requests

from academy_desktop.sync.config import SyncConfig
from academy_desktop.sync.errors import AuthRequired, LoginFailed, SyncError
from academy_desktop.sync.http import check_response, json_body, make_session, transport_error

log = logging.getLogger(__name__)

SERVICE = "AcademyDesktop"
CHUNK_CHARS = 1200  # below Credential Locker's ~1,280 characters per entry
_CHUNK_MARK = "academy-chunked:v1:"
ENV_TOKEN = "ACADEMY_TOKEN"

SIGN_IN_AGAIN = (
    "서버 로그인이 만료되었거나 거부되었습니다. 다시 로그인해 주세요. 보낼 항목은 그대로 "
    "남아 있습니다. / The server sign-in expired or was refused. Please sign in again; "
    "nothing waiting to be sent is lost."
)
NOT_SIGNED_IN = (
    "서버에 로그인하지 않았습니다 (main.py login 또는 ACADEMY_TOKEN) / "
    "Not signed in to the server (main.py login, or ACADEMY_TOKEN)."
)


class SecretStoreError(SyncError):
    """The OS keyring cannot be used (none installed, locked, refused)."""


class KeyringLike(Protocol):
    def get_password(self, service: str, username: str) -> str | None: ...
    def set_password(self, service: str, username: str, password: str) -> None: ...
    def delete_password(self, service: str, username: str) -> None: ...


def _keyring_failed(exc: Exception) -> SecretStoreError:
    return SecretStoreError(
        f"운영체제 키링(자격 증명 관리자)을 쓸 수 없습니다 ({type(exc).__name__}). "
        f"ACADEMY_TOKEN 환경 변수로 토큰을 줄 수 있습니다. / The OS keyring (credential "
        f"manager) cannot be used ({type(exc).__name__}). A token can be given in the "
        "ACADEMY_TOKEN environment variable instead."
    )


class SecretStore:
    """Named secrets in the OS keyring (``backend``: a keyring backend, default the
    ``keyring`` package's), split into chunks when longer than :data:`CHUNK_CHARS`."""

    def __init__(self, service: str = SERVICE, backend: KeyringLike | None = None) -> None:
        self.service = service
        self._backend: KeyringLike = backend if backend is not None else keyring.get_keyring()

    def _get(self, name: str) -> str | None:
        try:
            return self._backend.get_password(self.service, name)
        except keyring.errors.KeyringError as exc:
            raise _keyring_failed(exc) from None

    def _set(self, name: str, value: str) -> None:
        try:
            self._backend.set_password(self.service, name, value)
        except keyring.errors.KeyringError as exc:
            raise _keyring_failed(exc) from None

    def _delete(self, name: str) -> None:
        try:
            self._backend.delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            pass  # not there
        except keyring.errors.KeyringError as exc:
            raise _keyring_failed(exc) from None

    @staticmethod
    def _header(value: str | None) -> tuple[str, int, str] | None:
        if not value or not value.startswith(_CHUNK_MARK):
            return None
        try:
            generation, count, digest = value[len(_CHUNK_MARK) :].split(":")
            return generation, int(count), digest
        except ValueError:
            return None

    def get(self, name: str) -> str | None:
        head = self._get(name)
        parsed = self._header(head)
        if parsed is None:
            return head
        generation, count, digest = parsed
        pieces = []
        for i in range(count):
            piece = self._get(f"{name}#{generation}#{i}")
            if piece is None:
                return None
            pieces.append(piece)
        secret = "".join(pieces)
        if hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16] != digest:
            return None
        return secret

    def set(self, name: str, secret: str) -> None:
        old = self._header(self._get(name))
        if len(secret) <= CHUNK_CHARS and not secret.startswith(_CHUNK_MARK):
            self._set(name, secret)
        else:
            generation = secrets.token_hex(4)
            pieces = [secret[i : i + CHUNK_CHARS] for i in range(0, len(secret), CHUNK_CHARS)]
            for i, piece in enumerate(pieces):
                self._set(f"{name}#{generation}#{i}", piece)
            digest = hashlib.sha256(secret.encode("utf-8")).hexdigest()[:16]
            self._set(name, f"{_CHUNK_MARK}{generation}:{len(pieces)}:{digest}")
        if old is not None:
            self._delete_chunks(name, old)

    def delete(self, name: str) -> None:
        old = self._header(self._get(name))
        self._delete(name)
        if old is not None:
            self._delete_chunks(name, old)

    def _delete_chunks(self, name: str, header: tuple[str, int, str]) -> None:
        generation, count, _ = header
        for i in range(count):
            self._delete(f"{name}#{generation}#{i}")


@dataclass
class Credentials:
    """Tokens for one server; ``repr`` never shows them."""

    access: str = field(repr=False)
    refresh: str | None = field(default=None, repr=False)
    username: str | None = None
    source: str = "keyring"  # "keyring", or "env" for ACADEMY_TOKEN

    @property
    def kind(self) -> str:
        return "jwt" if self.refresh else "static"


class TokenStore:
    """The credentials of one server in a :class:`SecretStore`."""

    def __init__(self, server_url: str, secrets_store: SecretStore | None = None) -> None:
        self.server_url = server_url
        self.secrets = secrets_store if secrets_store is not None else SecretStore()

    def _name(self, part: str) -> str:
        return f"{self.server_url}|{part}"

    def load(self) -> Credentials | None:
        access = self.secrets.get(self._name("access"))
        if not access:
            return None
        return Credentials(
            access=access,
            refresh=self.secrets.get(self._name("refresh")) or None,
            username=self.secrets.get(self._name("user")) or None,
        )

    def save(self, creds: Credentials) -> None:
        self.secrets.set(self._name("access"), creds.access)
        if creds.refresh:
            self.secrets.set(self._name("refresh"), creds.refresh)
        else:
            self.secrets.delete(self._name("refresh"))
        if creds.username:
            self.secrets.set(self._name("user"), creds.username)
        else:
            self.secrets.delete(self._name("user"))

    def clear(self) -> None:
        for part in ("access", "refresh", "user"):
            self.secrets.delete(self._name(part))


def _token_from(body: Any, key: str) -> str | None:
    value = body.get(key) if isinstance(body, dict) else None
    return value if isinstance(value, str) and value.strip() else None


def _post_json(
    session: requests.Session, config: SyncConfig, path: str, data: dict[str, str], what: str
) -> requests.Response:
    try:
        return session.post(
            config.url(path), json=data, timeout=config.timeout, verify=config.verify
        )
    except requests.RequestException as exc:
        raise transport_error(exc, what) from None


def sign_in_with_password(
    config: SyncConfig,
    username: str,
    password: str,
    store: TokenStore | None = None,
    *,
    session: requests.Session | None = None,
) -> Credentials:
    """``POST token_path`` with the user name and password; the tokens go to ``store``
    (the keyring) when given. Raises :class:`LoginFailed` when the server refuses."""
    own = session is None
    session = session or make_session(config)
    try:
        response = _post_json(
            session,
            config,
            config.token_path,
            {"username": username, "password": password},
            "login",
        )
        if response.status_code in (400, 401, 403):
            detail = json_body(response)
            text = detail.get("detail") if isinstance(detail, dict) else None
            raise LoginFailed(
                "아이디 또는 비밀번호가 맞지 않습니다"
                + (f" ({text})" if isinstance(text, str) else "")
                + " / The user name or password was refused"
                + (f" ({text})" if isinstance(text, str) else "")
            )
        check_response(response, "login", maybe_sent=False)
        body = json_body(response)
    finally:
        if own:
            session.close()
    access, refresh = _token_from(body, "access"), _token_from(body, "refresh")
    if access is None:
        raise LoginFailed(
            "서버의 로그인 응답에 access 토큰이 없습니다 / The server's sign-in answer holds no "
            "access token"
        )
    creds = Credentials(access=access, refresh=refresh, username=username)
    if store is not None:
        store.save(creds)
    log.info("signed in to %s as %s", config.server_url, username)
    return creds


def sign_in_with_token(token: str, store: TokenStore | None = None) -> Credentials:
    """A pasted static API token (kept as it is; checked on the first request)."""
    token = (token or "").strip()
    if not token or any(c.isspace() for c in token):
        raise LoginFailed("토큰이 비어 있거나 잘못되었습니다 / The token is empty or malformed")
    creds = Credentials(access=token)
    if store is not None:
        store.save(creds)
    return creds


def env_credentials(environ: dict[str, str] | None = None) -> Credentials | None:
    """A static token from ``ACADEMY_TOKEN``, if set."""
    import os

    token = (environ if environ is not None else os.environ).get(ENV_TOKEN, "").strip()
    return Credentials(access=token, source="env") if token else None


class AuthState:
    """The tokens a client uses, shared by its requests; thread-safe.

    :meth:`refresh` is called after a 401: it refreshes the access token once (with
    the refresh token, when there is one) and saves it; ``False`` means sign in again.
    :meth:`reload` re-reads the keyring (after someone signed in from the window).
    """

    def __init__(
        self,
        config: SyncConfig,
        credentials: Credentials | None,
        store: TokenStore | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self._creds = credentials
        self._lock = threading.Lock()

    @classmethod
    def load(
        cls,
        config: SyncConfig,
        *,
        secrets_store: SecretStore | None = None,
        environ: dict[str, str] | None = None,
    ) -> AuthState:
        """``ACADEMY_TOKEN`` when set, else the keyring's tokens for the server."""
        env = env_credentials(environ)
        store = TokenStore(config.server_url, secrets_store)
        if env is not None:
            return cls(config, env, None)
        try:
            creds = store.load()
        except SecretStoreError:
            creds = None
        return cls(config, creds, store)

    @property
    def signed_in(self) -> bool:
        return self._creds is not None

    @property
    def username(self) -> str | None:
        creds = self._creds
        return creds.username if creds is not None else None

    def token(self) -> str:
        creds = self._creds
        if creds is None:
            raise AuthRequired(NOT_SIGNED_IN)
        return creds.access

    def reload(self) -> bool:
        """Read the keyring again; returns whether there are credentials now."""
        if self.store is None:
            return self.signed_in
        try:
            creds = self.store.load()
        except SecretStoreError:
            return self.signed_in
        with self._lock:
            if creds is not None:
                self._creds = creds
        return self.signed_in

    def set_credentials(self, creds: Credentials) -> None:
        with self._lock:
            self._creds = creds

    def refresh(self, session: requests.Session, failed_token: str) -> bool:
        """After a 401 for ``failed_token``: True when a fresh access token is ready."""
        with self._lock:
            creds = self._creds
            if creds is None:
                return False
            if creds.access != failed_token:
                return True  # another request refreshed it meanwhile
            if not creds.refresh:
                return False
            response = _post_json(
                session,
                self.config,
                self.config.refresh_path,
                {"refresh": creds.refresh},
                "token refresh",
            )
            if response.status_code in (400, 401, 403):
                log.warning("token refresh refused (HTTP %s)", response.status_code)
                return False
            check_response(response, "token refresh", maybe_sent=False)
            body = json_body(response)
            access = _token_from(body, "access")
            if access is None:
                return False
            # SimpleJWT may rotate the refresh token too
            fresh = Credentials(
                access=access,
                refresh=_token_from(body, "refresh") or creds.refresh,
                username=creds.username,
                source=creds.source,
            )
            self._creds = fresh
            if self.store is not None:
                try:
                    self.store.save(fresh)
                except SecretStoreError as exc:
                    log.warning("could not save the refreshed token: %s", type(exc).__name__)
            log.info("access token refreshed")
            return True


def sign_out(config: SyncConfig, secrets_store: SecretStore | None = None) -> None:
    """Forget the server's tokens."""
    TokenStore(config.server_url, secrets_store).clear()


__all__ = [
    "CHUNK_CHARS",
    "ENV_TOKEN",
    "NOT_SIGNED_IN",
    "SERVICE",
    "SIGN_IN_AGAIN",
    "AuthState",
    "Credentials",
    "KeyringLike",
    "SecretStore",
    "SecretStoreError",
    "TokenStore",
    "env_credentials",
    "sign_in_with_password",
    "sign_in_with_token",
    "sign_out",
]

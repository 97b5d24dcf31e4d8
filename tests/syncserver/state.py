"""What the test server knows: submissions (as the seed's model stores them), issued
tokens and a request log. Every method takes the one lock, so handler threads and the
test thread can use it at once.

Statuses advance with time, computed whenever a submission is read (no background
thread): the seed's dispatcher sets a file submission to ``dispatched`` at once, then
every ``status_step_s`` it moves on through ``extracting``, ``answers_ready``, ``grading``
to ``done`` - or from ``extracting`` to ``failed`` when ``payload["client"]["test_fail"]``
is set (``true``: every run fails; an integer N: the first N runs fail, so a retry on
the server succeeds). An ``online`` submission starts at ``answers_ready`` (the seed
processes it at once); one with no file and another source fails at once with
``"file_key missing"``, as the seed's dispatcher does.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
import mimetypes
import os
import re
import secrets
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .validation import UploadedFile

# SubmissionSerializer(fields="__all__"): the pk, the model's fields, then the user FK.
PUBLIC_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "enrollment_id",
    "target_type",
    "target_id",
    "source",
    "file_key",
    "file_type",
    "file_size",
    "payload",
    "status",
    "error_message",
    "meta",
    "user",
)
# SubmissionCreateSerializer's representation: the 201 body of POST /submissions/
# (its write-only-in-practice ``file`` field is skipped: the model has no ``file``).
CREATE_FIELDS = ("enrollment_id", "target_type", "target_id", "source", "payload")

FILE_PLAN = ("dispatched", "extracting", "answers_ready", "grading", "done")
FAIL_PLAN = ("dispatched", "extracting", "failed")
ONLINE_PLAN = ("answers_ready", "grading", "done")
DEFAULT_FAIL_MESSAGE = "AI worker failed"


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _fail_runs(payload: Any) -> int | None:
    """How many processing runs fail for this payload: None (never), -1 (always), N."""
    client = payload.get("client") if isinstance(payload, dict) else None
    flag = client.get("test_fail") if isinstance(client, dict) else None
    if flag is None or flag is False or flag == 0:
        return None
    if isinstance(flag, int) and not isinstance(flag, bool):
        return flag
    return -1


@dataclass
class _Record:
    data: dict[str, Any]
    plan: tuple[str, ...] = ()
    stage: int = 0
    started_mono: float = 0.0
    started_wall: datetime = field(default_factory=lambda: datetime.now(UTC))
    runs: int = 0


class TokenError(Exception):
    """A token the server does not accept; ``message`` is SimpleJWT's wording."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServerState:
    """Thread-safe server state. Tests read it through the properties (copies)."""

    def __init__(
        self,
        *,
        users: Mapping[str, str],
        static_tokens: Iterable[str],
        access_ttl: float,
        refresh_ttl: float,
        status_step_s: float,
        token_extra_bytes: int = 0,
        upload_dir: str,
        keep_files: bool = True,
    ) -> None:
        self._lock = threading.RLock()
        self._users = dict(users)
        self.user_ids = {name: index for index, name in enumerate(self._users, start=1)}
        self.static_user_id = len(self.user_ids) + 1
        self._static_tokens = set(static_tokens)
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self.status_step_s = status_step_s
        self.token_extra_bytes = token_extra_bytes
        self.upload_dir = upload_dir
        self.keep_files = keep_files
        self._secret = secrets.token_bytes(32)
        self._records: dict[int, _Record] = {}
        self._next_id = 1
        self._requests: list[tuple[str, str, int]] = []
        self._tokens_issued: list[str] = []
        self._access: dict[str, float] = {}  # jti -> monotonic deadline
        self._refresh: dict[str, float] = {}
        self._max_parse_buffer = 0
        self._upload_bytes = 0

    # ------------------------------------------------------------------ tests read these

    @property
    def submissions(self) -> list[dict[str, Any]]:
        """Every submission as stored (ascending id), statuses brought up to date: the
        model's fields plus ``file_sha256``, ``file_name`` and ``file_path`` (the kept
        upload, or None)."""
        with self._lock:
            now = time.monotonic()
            for record in self._records.values():
                self._advance(record, now)
            return [copy.deepcopy(r.data) for _, r in sorted(self._records.items())]

    def get(self, submission_id: int) -> dict[str, Any] | None:
        """One stored submission (a copy), or None."""
        with self._lock:
            record = self._records.get(submission_id)
            if record is None:
                return None
            self._advance(record, time.monotonic())
            return copy.deepcopy(record.data)

    @property
    def requests(self) -> list[tuple[str, str, int]]:
        """``(method, path, status)`` of every request in arrival order; the path has no
        query string; status 0 means the connection was closed with no response."""
        with self._lock:
            return list(self._requests)

    @property
    def tokens_issued(self) -> list[str]:
        """Every access and refresh token the server has issued (for leak greps)."""
        with self._lock:
            return list(self._tokens_issued)

    @property
    def static_tokens(self) -> set[str]:
        with self._lock:
            return set(self._static_tokens)

    @property
    def max_parse_buffer(self) -> int:
        """The largest buffer the multipart parser held for any upload, in bytes."""
        with self._lock:
            return self._max_parse_buffer

    @property
    def upload_bytes(self) -> int:
        """File bytes received in all uploads, kept or not."""
        with self._lock:
            return self._upload_bytes

    # ------------------------------------------------------------------ request log

    def log_request(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._requests.append((method, path, status))

    def note_upload(self, parse_buffer: int, file_bytes: int) -> None:
        with self._lock:
            self._max_parse_buffer = max(self._max_parse_buffer, parse_buffer)
            self._upload_bytes += file_bytes

    # ------------------------------------------------------------------ tokens

    def _jwt(self, claims: dict[str, Any]) -> str:
        header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        body = _b64(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._secret, f"{header}.{body}".encode(), hashlib.sha256)
        return f"{header}.{body}.{_b64(signature.digest())}"

    def _issue(self, token_type: str, user_id: int) -> str:
        ttl = self.access_ttl if token_type == "access" else self.refresh_ttl
        now = time.time()
        jti = uuid.uuid4().hex
        claims: dict[str, Any] = {
            "token_type": token_type,
            "exp": int(now + ttl),
            "iat": int(now),
            "jti": jti,
            "user_id": user_id,
        }
        if self.token_extra_bytes:
            claims["pad"] = "x" * self.token_extra_bytes
        token = self._jwt(claims)
        registry = self._access if token_type == "access" else self._refresh
        registry[jti] = time.monotonic() + ttl
        self._tokens_issued.append(token)
        return token

    def login(self, username: str, password: str) -> dict[str, str] | None:
        """``{refresh, access}`` for good credentials, else None."""
        with self._lock:
            expected = self._users.get(username)
            if expected is None or not hmac.compare_digest(expected, password):
                return None
            user_id = self.user_ids[username]
            refresh = self._issue("refresh", user_id)
            return {"refresh": refresh, "access": self._issue("access", user_id)}

    def _decode(self, token: str, token_type: str) -> dict[str, Any]:
        """The claims of a token of ``token_type`` the server still accepts."""
        parts = token.split(".")
        if len(parts) != 3:
            raise TokenError("Token is invalid")
        header, body, signature = parts
        expected = hmac.new(self._secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
        try:
            valid = hmac.compare_digest(_unb64(signature), expected)
            claims = json.loads(_unb64(body))
        except ValueError:
            raise TokenError("Token is invalid") from None
        if not valid or not isinstance(claims, dict):
            raise TokenError("Token is invalid")
        if claims.get("token_type") != token_type:
            raise TokenError("Token has wrong type")
        registry = self._access if token_type == "access" else self._refresh
        deadline = registry.get(str(claims.get("jti")))
        if deadline is None:
            raise TokenError("Token is invalid")
        if time.monotonic() >= deadline:
            raise TokenError("Token is expired")
        return claims

    def refresh(self, refresh_token: str) -> str:
        """A new access token for a valid refresh token; raises TokenError."""
        with self._lock:
            claims = self._decode(refresh_token, "refresh")
            return self._issue("access", int(claims["user_id"]))

    def authenticate(self, token: str) -> tuple[int, bool]:
        """``(user_id, is_jwt)`` for an accepted bearer token; raises TokenError."""
        with self._lock:
            if token in self._static_tokens:
                return self.static_user_id, False
            claims = self._decode(token, "access")
            return int(claims["user_id"]), True

    def expire_access_token(self, token: str) -> bool:
        """Expires one access token now; False when it is not a live access token."""
        with self._lock:
            try:
                claims = self._decode(token, "access")
            except TokenError:
                return False
            self._access[str(claims["jti"])] = 0.0
            return True

    def expire_tokens(self, *, refresh: bool = False) -> None:
        with self._lock:
            for jti in self._access:
                self._access[jti] = 0.0
            if refresh:
                for jti in self._refresh:
                    self._refresh[jti] = 0.0

    def revoke_static_token(self, token: str) -> None:
        with self._lock:
            self._static_tokens.discard(token)

    def add_static_token(self, token: str) -> None:
        with self._lock:
            self._static_tokens.add(token)

    # ------------------------------------------------------------------ submissions

    def create(
        self, validated: dict[str, Any], user_id: int, *, file_key: str | None = None
    ) -> dict[str, Any]:
        """Stores a valid submission and dispatches it, as ``serializer.save()`` and
        ``dispatch_submission`` do; returns a copy of the stored dict. ``file_key`` is for
        the exam OMR view, which records a key the client uploaded elsewhere."""
        upload: UploadedFile | None = validated.get("file")
        now = datetime.now(UTC)
        with self._lock:
            submission_id = self._next_id
            self._next_id += 1
            data: dict[str, Any] = {
                "id": submission_id,
                "created_at": _iso(now),
                "updated_at": _iso(now),
                "enrollment_id": validated.get("enrollment_id"),
                "target_type": validated["target_type"],
                "target_id": validated["target_id"],
                "source": validated["source"],
                "file_key": file_key,
                "file_type": None,
                "file_size": None,
                "payload": validated.get("payload"),
                "status": "submitted",
                "error_message": "",
                "meta": None,
                "user": user_id,
                "file_sha256": None,
                "file_name": None,
                "file_path": None,
            }
            if upload is not None:
                ext = upload.name.split(".")[-1]
                data["file_key"] = f"submissions/{submission_id}/{uuid.uuid4().hex}.{ext}"
                data["file_type"] = upload.content_type or mimetypes.guess_type(upload.name)[0]
                data["file_size"] = upload.size
                data["file_sha256"] = upload.sha256
                data["file_name"] = upload.name
                if self.keep_files:
                    disk_ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:16] or "bin"
                    kept = os.path.join(self.upload_dir, f"{submission_id}.{disk_ext}")
                    os.replace(upload.path, kept)
                    data["file_path"] = kept
                else:
                    os.unlink(upload.path)
            record = _Record(data=data)
            self._records[submission_id] = record
            self._dispatch(record, time.monotonic())
            return copy.deepcopy(data)

    def public(self, submission_id: int) -> dict[str, Any] | None:
        """SubmissionSerializer's representation of one submission, or None."""
        with self._lock:
            record = self._records.get(submission_id)
            if record is None:
                return None
            self._advance(record, time.monotonic())
            return {key: copy.deepcopy(record.data[key]) for key in PUBLIC_FIELDS}

    def public_list(self) -> list[dict[str, Any]]:
        """Every submission's representation, ordered by ``-id`` (the viewset's queryset)."""
        with self._lock:
            now = time.monotonic()
            out = []
            for _, record in sorted(self._records.items(), reverse=True):
                self._advance(record, now)
                out.append({key: copy.deepcopy(record.data[key]) for key in PUBLIC_FIELDS})
            return out

    def retry(self, submission_id: int) -> dict[str, Any] | None:
        """The retry action: None when the submission is not ``failed``, else the new
        ``{submission_id, status}``. Raises KeyError for an unknown id."""
        with self._lock:
            record = self._records[submission_id]
            now = time.monotonic()
            self._advance(record, now)
            if record.data["status"] != "failed":
                return None
            record.data["status"] = "submitted"
            record.data["error_message"] = ""
            self._dispatch(record, now)
            return {"submission_id": submission_id, "status": record.data["status"]}

    def fail_submission(self, submission_id: int, message: str = DEFAULT_FAIL_MESSAGE) -> None:
        """Makes a submission ``failed`` now (as an AI worker failure would)."""
        with self._lock:
            record = self._records[submission_id]
            record.plan = ("failed",)
            record.stage = 0
            self._set_failed(record, message, datetime.now(UTC))

    def set_status(self, submission_id: int, status: str, error_message: str = "") -> None:
        """Pins a submission's status (it no longer advances until retried)."""
        with self._lock:
            record = self._records[submission_id]
            record.plan = (status,)
            record.stage = 0
            record.data["status"] = status
            record.data["error_message"] = error_message
            record.data["updated_at"] = _iso(datetime.now(UTC))

    # ------------------------------------------------------------------ lifecycle

    def _dispatch(self, record: _Record, now: float) -> None:
        data = record.data
        record.started_mono = now
        record.started_wall = datetime.now(UTC)
        record.stage = 0
        if data["source"] == "online":
            record.plan = ONLINE_PLAN
            data["status"] = ONLINE_PLAN[0]
        elif not data["file_key"]:
            record.plan = ("failed",)
            data["status"] = "failed"
            data["error_message"] = "file_key missing"
        else:
            record.runs += 1
            fail_runs = _fail_runs(data["payload"])
            fails = fail_runs is not None and (fail_runs < 0 or record.runs <= fail_runs)
            record.plan = FAIL_PLAN if fails else FILE_PLAN
            data["status"] = record.plan[0]
            data["error_message"] = ""
        # The request answers with the status the dispatcher set; reads advance it.

    def _advance(self, record: _Record, now: float) -> None:
        last = len(record.plan) - 1
        if record.stage >= last:
            return
        step = self.status_step_s
        target = last if step <= 0 else min(last, int((now - record.started_mono) / step))
        while record.stage < target:
            record.stage += 1
            status = record.plan[record.stage]
            when = record.started_wall + timedelta(seconds=max(step, 0) * record.stage)
            if status == "failed":
                self._set_failed(record, self._fail_message(record), when)
                continue
            record.data["status"] = status
            record.data["updated_at"] = _iso(when)
            if status == "answers_ready" and record.data["source"] != "online":
                self._set_ai_result(record, {"status": "DONE", "result": self._ai_answers(record)})

    def _fail_message(self, record: _Record) -> str:
        payload = record.data["payload"]
        client = payload.get("client") if isinstance(payload, dict) else None
        message = client.get("test_fail_message") if isinstance(client, dict) else None
        return str(message) if message else DEFAULT_FAIL_MESSAGE

    def _set_failed(self, record: _Record, message: str, when: datetime) -> None:
        record.data["status"] = "failed"
        record.data["error_message"] = message
        record.data["updated_at"] = _iso(when)
        self._set_ai_result(record, {"status": "FAILED", "error": message})

    def _set_ai_result(self, record: _Record, result: dict[str, Any]) -> None:
        # apply_omr_ai_result keeps the worker's answer under payload["ai_result"].
        payload = record.data["payload"]
        if payload is None:
            payload = record.data["payload"] = {}
        if isinstance(payload, dict):
            payload["ai_result"] = {"submission_id": record.data["id"], **result}

    @staticmethod
    def _ai_answers(record: _Record) -> dict[str, Any]:
        """What a worker would report: the client's own readings of each question."""
        payload = record.data["payload"]
        answers = payload.get("answers") if isinstance(payload, dict) else None
        rows = []
        for answer in answers if isinstance(answers, list) else []:
            if not isinstance(answer, dict) or not answer.get("exam_question_id"):
                continue
            meta = answer.get("meta")
            omr = meta.get("omr") if isinstance(meta, dict) else None
            omr = omr if isinstance(omr, dict) else {}
            rows.append(
                {
                    "exam_question_id": answer["exam_question_id"],
                    "detected": omr.get("detected", []),
                    "marking": omr.get("marking"),
                    "confidence": omr.get("confidence"),
                    "status": omr.get("status"),
                }
            )
        return {"version": "v1", "answers": rows}

"""The loopback sync test server (tests/syncserver) keeps the seed server's contract:
SubmissionCreateSerializer's rules and bodies, list order and pagination, the retry
rule, SimpleJWT sign-in, statuses that advance - and injects each fault on demand.
Its uploads stream: a 50 MB body costs no more memory than a small one."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from syncserver import Faults, SyncServer, start_server
from syncserver.multipart import BodyReader, MultipartParser, PartHeaders, PartSink

PAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
PAGE_SHA = hashlib.sha256(PAGE).hexdigest()


def payload(uuid: str = "u-1", **client: Any) -> dict[str, Any]:
    return {
        "sheet_id": 45,
        "answers": [
            {
                "exam_question_id": 9001,
                "number": 1,
                "answer": "3",
                "meta": {
                    "omr": {
                        "version": "v1",
                        "detected": ["3"],
                        "marking": "single",
                        "confidence": 0.97,
                        "status": "ok",
                    }
                },
            }
        ],
        "score": 5,
        "max_score": 5,
        "client": {"app": "academy-desktop", "submission_uuid": uuid, **client},
    }


def form(**overrides: Any) -> dict[str, Any]:
    """A valid omr_scan upload's fields; a value of None leaves the field out."""
    fields: dict[str, Any] = {
        "enrollment_id": "12",
        "target_type": "exam",
        "target_id": "7",
        "source": "omr_scan",
        "payload": json.dumps(payload()),
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


class Client:
    """A signed-in requests session against one server."""

    def __init__(self, srv: SyncServer, token: str | None = None) -> None:
        self.srv = srv
        self.http = requests.Session()
        _OPEN.append(self)
        if token is None:
            answer = self.http.post(
                f"{srv.url}/api/v1/token/", json={"username": "staff", "password": "pw"}
            )
            assert answer.status_code == 200, answer.text
            token = answer.json()["access"]
        self.http.headers["Authorization"] = f"Bearer {token}"

    def upload(
        self,
        upload_file: tuple[str, bytes, str] | None = ("page.png", PAGE, "image/png"),
        timeout: float = 10,
        **fields: Any,
    ) -> requests.Response:
        """POSTs a multipart create (always multipart, even with no file part)."""
        parts: list[tuple[str, Any]] = [(k, (None, v)) for k, v in form(**fields).items()]
        if upload_file is not None:
            parts.append(("file", upload_file))
        return self.http.post(f"{self.srv.url}/api/v1/submissions/", files=parts, timeout=timeout)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(f"{self.srv.url}{path}", timeout=10, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.post(f"{self.srv.url}{path}", timeout=10, **kwargs)

    def close(self) -> None:
        self.http.close()


_OPEN: list[Client] = []


@pytest.fixture(autouse=True)
def close_clients() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


@pytest.fixture
def make_server() -> Iterator[Callable[..., SyncServer]]:
    servers: list[SyncServer] = []

    def make(**kwargs: Any) -> SyncServer:
        kwargs.setdefault("users", {"staff": "pw"})
        kwargs.setdefault("static_tokens", {"static-token-1"})
        srv = start_server(**kwargs)
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()
        assert srv.errors == []


@pytest.fixture
def srv(make_server: Callable[..., SyncServer]) -> SyncServer:
    return make_server()


@pytest.fixture
def client(srv: SyncServer) -> Iterator[Client]:
    c = Client(srv)
    yield c
    c.close()


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


# ---------------------------------------------------------------------------- sign-in


def test_token_pair_refresh_and_bearer_auth(srv: SyncServer) -> None:
    http = requests.Session()
    pair = http.post(f"{srv.url}/api/v1/token/", json={"username": "staff", "password": "pw"})
    assert pair.status_code == 200
    assert set(pair.json()) == {"access", "refresh"}
    access, refresh = pair.json()["access"], pair.json()["refresh"]
    assert access.count(".") == 2  # a JWT
    assert {access, refresh} <= set(srv.state.tokens_issued)

    listed = http.get(
        f"{srv.url}/api/v1/submissions/", headers={"Authorization": f"Bearer {access}"}
    )
    assert listed.status_code == 200 and listed.json() == []

    # form-encoded sign-in works too; a refresh gives a new, working access token
    again = http.post(f"{srv.url}/api/v1/token/refresh/", data={"refresh": refresh})
    assert again.status_code == 200 and set(again.json()) == {"access"}
    new_access = again.json()["access"]
    assert new_access != access and new_access in srv.state.tokens_issued
    auth = {"Authorization": f"Bearer {new_access}"}
    assert http.get(f"{srv.url}/api/v1/submissions/", headers=auth).status_code == 200


def test_bad_sign_in(srv: SyncServer) -> None:
    url = f"{srv.url}/api/v1/token/"
    wrong = requests.post(url, json={"username": "staff", "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json() == {"detail": "No active account found with the given credentials"}
    missing = requests.post(url, json={"username": "staff"})
    assert missing.status_code == 400
    assert missing.json() == {"password": ["This field is required."]}
    blank = requests.post(url, data={"username": "", "password": "pw"})
    assert blank.json() == {"username": ["This field may not be blank."]}
    not_a_dict = requests.post(url, json=["staff", "pw"])
    assert not_a_dict.status_code == 400
    assert not_a_dict.json() == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]
    }
    bad_refresh = requests.post(f"{srv.url}/api/v1/token/refresh/", json={"refresh": "x.y.z"})
    assert bad_refresh.status_code == 401
    assert bad_refresh.json() == {"detail": "Token is invalid", "code": "token_not_valid"}
    # an access token is not a refresh token
    access = requests.post(url, json={"username": "staff", "password": "pw"}).json()["access"]
    wrong_type = requests.post(f"{srv.url}/api/v1/token/refresh/", json={"refresh": access})
    assert wrong_type.status_code == 401
    assert wrong_type.json()["detail"] == "Token has wrong type"


@pytest.mark.parametrize(
    ("header", "body"),
    [
        (None, {"detail": "Authentication credentials were not provided."}),
        ("Token static-token-1", {"detail": "Authentication credentials were not provided."}),
        (
            "Bearer",
            {
                "detail": "Authorization header must contain two space-delimited values",
                "code": "bad_authorization_header",
            },
        ),
        (
            "Bearer not-a-token",
            {
                "detail": "Given token not valid for any token type",
                "code": "token_not_valid",
                "messages": [
                    {
                        "token_class": "AccessToken",
                        "token_type": "access",
                        "message": "Token is invalid",
                    }
                ],
            },
        ),
    ],
)
def test_unauthenticated_requests_get_drf_401(
    srv: SyncServer, header: str | None, body: dict[str, Any]
) -> None:
    headers = {"Authorization": header} if header else {}
    for answer in (
        requests.get(f"{srv.url}/api/v1/submissions/", headers=headers),
        requests.post(
            f"{srv.url}/api/v1/submissions/",
            headers=headers,
            data=form(),
            files={"file": ("p.png", PAGE, "image/png")},
        ),
    ):
        assert answer.status_code == 401
        assert answer.json() == body
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="api"'
    assert srv.state.submissions == []


def test_static_token_and_revocation(srv: SyncServer) -> None:
    c = Client(srv, token="static-token-1")
    assert c.upload().status_code == 201
    assert srv.state.submissions[0]["user"] == srv.state.static_user_id
    srv.expire_tokens(refresh=True)  # static tokens do not expire
    assert c.get("/api/v1/submissions/").status_code == 200
    srv.revoke_static_token("static-token-1")
    refused = c.get("/api/v1/submissions/")
    assert refused.status_code == 401
    assert refused.json()["messages"][0]["message"] == "Token is invalid"


def test_expire_tokens_then_refresh(srv: SyncServer) -> None:
    pair = requests.post(
        f"{srv.url}/api/v1/token/", json={"username": "staff", "password": "pw"}
    ).json()
    auth = {"Authorization": f"Bearer {pair['access']}"}
    assert requests.get(f"{srv.url}/api/v1/submissions/", headers=auth).status_code == 200
    srv.expire_tokens()
    expired = requests.get(f"{srv.url}/api/v1/submissions/", headers=auth)
    assert expired.status_code == 401
    assert expired.json()["code"] == "token_not_valid"
    assert expired.json()["messages"][0]["message"] == "Token is expired"
    refreshed = requests.post(f"{srv.url}/api/v1/token/refresh/", json={"refresh": pair["refresh"]})
    assert refreshed.status_code == 200
    auth = {"Authorization": f"Bearer {refreshed.json()['access']}"}
    assert requests.get(f"{srv.url}/api/v1/submissions/", headers=auth).status_code == 200

    srv.expire_tokens(refresh=True)
    dead = requests.post(f"{srv.url}/api/v1/token/refresh/", json={"refresh": pair["refresh"]})
    assert dead.status_code == 401
    assert dead.json() == {"detail": "Token is expired", "code": "token_not_valid"}


def test_access_ttl_expires_tokens(make_server: Callable[..., SyncServer]) -> None:
    srv = make_server(access_ttl=1.0)
    c = Client(srv)
    signed_in = time.monotonic()
    assert c.get("/api/v1/submissions/").status_code == 200
    wait_for(lambda: c.get("/api/v1/submissions/").status_code == 401)
    assert time.monotonic() - signed_in >= 0.9


def test_long_tokens_and_custom_token_paths(make_server: Callable[..., SyncServer]) -> None:
    srv = make_server(token_extra_bytes=2000, token_path="/auth/jwt/", refresh_path="/auth/jwt/r/")
    assert requests.post(f"{srv.url}/api/v1/token/", json={"username": "staff"}).status_code == 404
    pair = requests.post(f"{srv.url}/auth/jwt/", json={"username": "staff", "password": "pw"})
    access = pair.json()["access"]
    assert len(access) > 1280 * 2  # beyond Windows' credential limit
    assert requests.post(f"{srv.url}/auth/jwt/r/", json=pair.json()).status_code == 200
    auth = {"Authorization": f"Bearer {access}"}
    assert requests.get(f"{srv.url}/api/v1/submissions/", headers=auth).status_code == 200


# ---------------------------------------------------------------------------- create


def test_create_answers_with_the_create_serializer_fields(srv: SyncServer, client: Client) -> None:
    created = client.upload()
    assert created.status_code == 201
    # SubmissionCreateSerializer's representation: no id, no status, no file
    assert created.json() == {
        "enrollment_id": 12,
        "target_type": "exam",
        "target_id": 7,
        "source": "omr_scan",
        "payload": payload(),
    }
    (stored,) = srv.state.submissions
    assert stored["id"] == 1 and stored["user"] == srv.state.user_ids["staff"]
    assert stored["file_sha256"] == PAGE_SHA and stored["file_size"] == len(PAGE)
    assert stored["file_type"] == "image/png" and stored["file_name"] == "page.png"
    assert re.fullmatch(r"submissions/1/[0-9a-f]{32}\.png", stored["file_key"])
    assert Path(stored["file_path"]).read_bytes() == PAGE
    assert stored["status"] == "dispatched"  # the dispatcher runs inside the request
    assert stored["payload"] == payload()


def test_full_create_body_option(make_server: Callable[..., SyncServer]) -> None:
    srv = make_server(create_body="full")
    body = Client(srv).upload().json()
    assert body["id"] == 1 and body["status"] == "dispatched" and body["file_size"] == len(PAGE)


def test_file_type_is_guessed_when_the_part_has_none(srv: SyncServer, client: Client) -> None:
    # requests sends no Content-Type for a 2-tuple file
    answer = client.http.post(
        f"{srv.url}/api/v1/submissions/",
        data=form(),
        files={"file": ("scan.jpeg", b"\xff\xd8jpeg")},
    )
    assert answer.status_code == 201
    stored = srv.state.submissions[0]
    assert stored["file_type"] == "image/jpeg" and stored["file_key"].endswith(".jpeg")


PNG = ("page.png", PAGE, "image/png")


@pytest.mark.parametrize(
    ("fields", "file", "errors"),
    [
        # validate(): enrollment_id for exam and homework (0 is falsy, as in the seed)
        ({"enrollment_id": None}, PNG, {"enrollment_id": ["required"]}),
        ({"enrollment_id": ""}, PNG, {"enrollment_id": ["required"]}),
        ({"enrollment_id": "0"}, PNG, {"enrollment_id": ["required"]}),
        (
            {"enrollment_id": None, "target_type": "homework", "source": "homework_image"},
            PNG,
            {"enrollment_id": ["required"]},
        ),
        # the first failing rule is the only error
        ({"enrollment_id": None}, None, {"enrollment_id": ["required"]}),
        # validate(): a file for omr_scan, homework_image, homework_video
        ({}, None, {"file": ["file required"]}),
        (
            {"source": "homework_image", "target_type": "homework"},
            None,
            {"file": ["file required"]},
        ),
        (
            {"source": "homework_video", "target_type": "homework"},
            None,
            {"file": ["file required"]},
        ),
        # validate(): a payload for online
        ({"source": "online", "payload": None}, None, {"payload": ["required"]}),
        ({"source": "online", "payload": "{}"}, None, {"payload": ["required"]}),
        # field level: every field's error at once, DRF's wording
        (
            {"target_type": None, "target_id": None, "source": None},
            PNG,
            {
                "target_type": ["This field is required."],
                "target_id": ["This field is required."],
                "source": ["This field is required."],
            },
        ),
        (
            {"target_type": "quiz", "source": "fax", "target_id": "seven"},
            PNG,
            {
                "target_type": ['"quiz" is not a valid choice.'],
                "target_id": ["A valid integer is required."],
                "source": ['"fax" is not a valid choice.'],
            },
        ),
        ({"target_id": ""}, PNG, {"target_id": ["A valid integer is required."]}),
        ({"target_type": ""}, PNG, {"target_type": ['"" is not a valid choice.']}),
        (
            {"enrollment_id": "-1"},
            PNG,
            {"enrollment_id": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"target_id": "2147483648"},
            PNG,
            {"target_id": ["Ensure this value is less than or equal to 2147483647."]},
        ),
        ({"payload": "{not json"}, PNG, {"payload": ["Value must be valid JSON."]}),
        ({"payload": ""}, PNG, {"payload": ["Value must be valid JSON."]}),
        (
            {"file": "page.png"},
            None,
            {"file": ["The submitted data was not a file. Check the encoding type on the form."]},
        ),
        ({}, ("empty.png", b"", "image/png"), {"file": ["The submitted file is empty."]}),
    ],
)
def test_create_validation_errors(
    srv: SyncServer,
    client: Client,
    fields: dict[str, Any],
    file: tuple[str, bytes, str] | None,
    errors: dict[str, list[str]],
) -> None:
    answer = client.upload(file, **fields)
    assert answer.status_code == 400
    assert answer.json() == errors
    assert srv.state.submissions == []
    # a rejected upload leaves no file behind
    assert [p for p in os.listdir(srv.state.upload_dir)] == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"target_id": "7.0", "enrollment_id": " 12 "}, {"target_id": 7, "enrollment_id": 12}),
        ({"payload": None}, {"payload": None}),
        ({"payload": "[1, 2]"}, {"payload": [1, 2]}),
        ({"target_type": "homework", "source": "homework_video"}, {"source": "homework_video"}),
    ],
)
def test_create_accepts_drf_coercions(
    client: Client, fields: dict[str, Any], expected: dict[str, Any]
) -> None:
    answer = client.upload(**fields)
    assert answer.status_code == 201, answer.text
    assert expected.items() <= answer.json().items()


def test_source_rules_without_file(srv: SyncServer, client: Client) -> None:
    # omr_manual and ai_match need no file: created, and the dispatcher fails them at once
    manual = client.upload(None, source="omr_manual")
    assert manual.status_code == 201
    # online is processed at once: answers_ready, then graded
    online = client.upload(None, source="online")
    assert online.status_code == 201
    manual_row, online_row = srv.state.submissions
    assert manual_row["status"] == "failed" and manual_row["error_message"] == "file_key missing"
    assert manual_row["file_key"] is None and manual_row["file_sha256"] is None
    assert online_row["status"] in ("answers_ready", "grading", "done")
    # a file-less request with no enrollment and no target type needs no enrollment_id
    answer = client.post("/api/v1/submissions/", json={"target_id": 3, "source": "ai_match"})
    assert answer.json() == {"target_type": ["This field is required."]}


def test_create_from_json_body(srv: SyncServer, client: Client) -> None:
    body = {
        "enrollment_id": 4,
        "target_type": "exam",
        "target_id": 9,
        "source": "online",
        "payload": payload("u-json"),
    }
    answer = client.post("/api/v1/submissions/", json=body)
    assert answer.status_code == 201
    assert answer.json() == body
    # JSON keeps JSON types: a null target_id is "may not be null"; a file cannot be sent
    bad = client.post("/api/v1/submissions/", json={**body, "target_id": None, "file": "x"})
    assert bad.json() == {
        "target_id": ["This field may not be null."],
        "file": ["The submitted data was not a file. Check the encoding type on the form."],
    }
    assert (
        client.post(
            "/api/v1/submissions/", data="x", headers={"Content-Type": "text/plain"}
        ).status_code
        == 415
    )
    broken = client.post(
        "/api/v1/submissions/", data="{", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["detail"].startswith("JSON parse error")
    assert len(srv.state.submissions) == 1


def test_admin_omr_upload_and_exam_omr_views(srv: SyncServer, client: Client) -> None:
    admin = client.post(
        "/api/v1/submissions/admin/omr-upload/",
        data={"enrollment_id": "3", "target_id": "8", "source": "online"},
        files={"file": PNG},
    )
    assert admin.status_code == 201
    assert admin.json() == {"submission_id": 1, "status": "dispatched"}
    missing = client.post("/api/v1/submissions/admin/omr-upload/", data={"target_id": "8"})
    # the view hands the serializer a plain dict: a missing file is null, not "file required"
    assert missing.status_code == 400
    assert missing.json() == {"file": ["This field may not be null."]}

    exam = client.post(
        "/api/v1/submissions/exams/8/omr/",
        json={"enrollment_id": 3, "sheet_id": 45, "file_key": "exams/abc.jpg"},
    )
    assert exam.status_code == 201 and exam.json() == {"submission_id": 2, "status": "dispatched"}
    incomplete = client.post("/api/v1/submissions/exams/8/omr/", json={"enrollment_id": 3})
    assert incomplete.status_code == 400
    assert incomplete.json() == {"detail": "enrollment_id, sheet_id, file_key are required"}
    first, second = srv.state.submissions
    assert first["source"] == "omr_scan" and first["target_type"] == "exam"
    assert second["payload"] == {"sheet_id": 45} and second["file_key"] == "exams/abc.jpg"


# ---------------------------------------------------------------------------- read


def test_list_is_newest_first_with_every_field(srv: SyncServer, client: Client) -> None:
    for n in range(3):
        assert client.upload(payload=json.dumps(payload(f"u-{n}"))).status_code == 201
    listed = client.get("/api/v1/submissions/").json()
    assert [row["id"] for row in listed] == [3, 2, 1]
    assert [row["payload"]["client"]["submission_uuid"] for row in listed] == ["u-2", "u-1", "u-0"]
    assert list(listed[0]) == [
        "id", "created_at", "updated_at", "enrollment_id", "target_type", "target_id",
        "source", "file_key", "file_type", "file_size", "payload", "status",
        "error_message", "meta", "user",
    ]  # fmt: skip
    assert "file_sha256" not in listed[0]  # test-only keys stay in srv.state
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", listed[0]["created_at"])
    one = client.get("/api/v1/submissions/2/")
    assert one.status_code == 200 and one.json()["payload"]["client"]["submission_uuid"] == "u-1"
    for missing in ("/api/v1/submissions/99/", "/api/v1/submissions/abc/"):
        answer = client.get(missing)
        assert answer.status_code == 404
        assert answer.json() == {"detail": "No Submission matches the given query."}


def test_paginated_list(make_server: Callable[..., SyncServer]) -> None:
    srv = make_server(page_size=2)
    c = Client(srv)
    first = c.get("/api/v1/submissions/").json()
    assert first == {"count": 0, "next": None, "previous": None, "results": []}
    for n in range(5):
        c.upload(payload=json.dumps(payload(f"u-{n}")))
    page = c.get("/api/v1/submissions/").json()
    assert page["count"] == 5 and page["previous"] is None
    assert page["next"] == f"{srv.url}/api/v1/submissions/?page=2"
    seen = [row["id"] for row in page["results"]]
    while page["next"]:
        page = c.http.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert seen == [5, 4, 3, 2, 1]
    assert page["previous"] == f"{srv.url}/api/v1/submissions/?page=2"
    second = c.get("/api/v1/submissions/", params={"page": 2}).json()
    assert second["previous"] == f"{srv.url}/api/v1/submissions/"  # page 1 has no page param
    assert c.get("/api/v1/submissions/", params={"page": "last"}).json()["results"][0]["id"] == 1
    for bad in ("0", "4", "x"):
        answer = c.get("/api/v1/submissions/", params={"page": bad})
        assert answer.status_code == 404 and answer.json() == {"detail": "Invalid page."}


def test_status_advances_to_done(make_server: Callable[..., SyncServer]) -> None:
    srv = make_server(status_step_s=0.05)
    c = Client(srv)
    c.upload()
    seen: list[str] = []
    deadline = time.monotonic() + 5
    while not seen or seen[-1] != "done":
        assert time.monotonic() < deadline
        status = c.get("/api/v1/submissions/1/").json()["status"]
        if not seen or seen[-1] != status:
            seen.append(status)
        time.sleep(0.01)
    order = ["dispatched", "extracting", "answers_ready", "grading", "done"]
    assert seen[0] == "dispatched"
    assert seen == sorted(seen, key=order.index)  # never backwards
    done = c.get("/api/v1/submissions/1/").json()
    assert done["updated_at"] > done["created_at"]
    # the worker's answer lands in payload["ai_result"], as apply_omr_ai_result does
    assert done["payload"]["ai_result"]["status"] == "DONE"
    assert done["payload"]["ai_result"]["result"]["answers"][0]["exam_question_id"] == 9001
    assert done["payload"]["answers"] == payload()["answers"]


def test_zero_step_is_done_at_once(make_server: Callable[..., SyncServer]) -> None:
    srv = make_server(status_step_s=0)
    c = Client(srv)
    c.upload()
    assert c.get("/api/v1/submissions/1/").json()["status"] == "done"


def test_failure_and_retry_rule(make_server: Callable[..., SyncServer]) -> None:
    srv = make_server(status_step_s=0)
    c = Client(srv)
    c.upload(payload=json.dumps(payload("always", test_fail=True, test_fail_message="blurry")))
    c.upload(payload=json.dumps(payload("once", test_fail=1)))
    c.upload(payload=json.dumps(payload("fine")))
    always, once, fine = (c.get(f"/api/v1/submissions/{n}/").json() for n in (1, 2, 3))
    assert always["status"] == "failed" and always["error_message"] == "blurry"
    assert once["status"] == "failed" and once["error_message"] == "AI worker failed"
    assert fine["status"] == "done"

    refused = c.post("/api/v1/submissions/3/retry/")
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Only FAILED submissions can be retried."}
    assert c.post("/api/v1/submissions/42/retry/").status_code == 404

    retried = c.post("/api/v1/submissions/2/retry/")
    assert retried.status_code == 200
    assert retried.json() == {"submission_id": 2, "status": "dispatched"}
    after = c.get("/api/v1/submissions/2/").json()
    assert after["status"] == "done" and after["error_message"] == ""  # only run 1 failed
    assert after["payload"]["ai_result"]["status"] == "DONE"
    assert c.post("/api/v1/submissions/1/retry/").status_code == 200
    assert c.get("/api/v1/submissions/1/").json()["status"] == "failed"  # fails every run

    srv.fail_submission(3, "worker crashed")
    assert c.get("/api/v1/submissions/3/").json()["error_message"] == "worker crashed"
    assert c.post("/api/v1/submissions/3/retry/").json()["status"] == "dispatched"


def test_unknown_paths_and_methods(srv: SyncServer, client: Client) -> None:
    assert client.get("/api/v1/nothing/").status_code == 404
    assert client.get("/api/v1/submissions").status_code == 404  # Django wants the slash
    put = client.http.put(f"{srv.url}/api/v1/submissions/", data=form())
    assert put.status_code == 405
    assert put.json() == {"detail": 'Method "PUT" not allowed.'}
    assert ("PUT", "/api/v1/submissions/", 405) in srv.state.requests


# ---------------------------------------------------------------------------- faults


def test_queued_error_faults_commit_nothing(srv: SyncServer, client: Client) -> None:
    srv.faults.configure(retry_after=7)
    srv.faults.queue("error_500")
    srv.faults.queue("error_502_retry_after")
    srv.faults.queue("error_503_retry_after")
    srv.faults.queue("error_429_retry_after")
    srv.faults.queue("bad_request")
    assert srv.faults.pending == 5
    answers = [client.upload() for _ in range(5)]
    assert [a.status_code for a in answers] == [500, 502, 503, 429, 400]
    assert "Server Error (500)" in answers[0].text
    assert answers[0].headers["Content-Type"].startswith("text/html")
    assert [a.headers.get("Retry-After") for a in answers] == [None, "7", "7", "7", None]
    assert answers[3].json() == {
        "detail": "Request was throttled. Expected available in 7 seconds."
    }
    assert answers[4].json() == {
        "non_field_errors": ["Injected fault: the server rejected this request."]
    }
    assert srv.state.submissions == []
    assert client.upload().status_code == 201  # the queue is spent
    assert srv.faults.injected == {
        "error_500": 1, "error_502_retry_after": 1, "error_503_retry_after": 1,
        "error_429_retry_after": 1, "bad_request": 1,
    }  # fmt: skip
    assert [r[2] for r in srv.state.requests if r[0] == "POST"][-6:] == [
        500,
        502,
        503,
        429,
        400,
        201,
    ]


def test_drop_after_commit_commits_then_hangs_up(srv: SyncServer, client: Client) -> None:
    srv.faults.queue("drop_after_commit")
    with pytest.raises(requests.ConnectionError):
        client.upload()
    (stored,) = srv.state.submissions  # committed although the client saw no answer
    assert stored["file_sha256"] == PAGE_SHA
    assert srv.state.requests[-1] == ("POST", "/api/v1/submissions/", 0)
    # the client can reconcile: the submission is in the list
    listed = client.get("/api/v1/submissions/").json()
    assert listed[0]["payload"]["client"]["submission_uuid"] == "u-1"


def test_drop_before_commit_commits_nothing(srv: SyncServer, client: Client) -> None:
    srv.faults.queue("drop_before_commit")
    with pytest.raises(requests.ConnectionError):
        client.upload()
    assert srv.state.submissions == []
    assert client.upload().status_code == 201


def test_timeout_commits_then_answers_too_late(srv: SyncServer, client: Client) -> None:
    srv.faults.configure(timeout_s=5.0)
    srv.faults.queue("timeout")
    started = time.monotonic()
    with pytest.raises(requests.ReadTimeout):
        client.upload(timeout=0.3)
    assert time.monotonic() - started < 4
    assert len(srv.state.submissions) == 1  # committed before the client gave up


def test_timeout_before_commit_commits_nothing(srv: SyncServer, client: Client) -> None:
    srv.faults.configure(timeout_s=0.5)
    srv.faults.queue("timeout_before_commit")
    with pytest.raises(requests.ReadTimeout):
        client.upload(timeout=0.2)
    wait_for(lambda: len(srv.state.requests) >= 2)  # the server gave up too
    assert srv.state.requests[-1] == ("POST", "/api/v1/submissions/", 0)
    assert srv.state.submissions == []


def test_slow_answers_late_but_right(srv: SyncServer, client: Client) -> None:
    srv.faults.configure(slow_s=0.3)
    srv.faults.queue("slow")
    started = time.monotonic()
    assert client.upload().status_code == 201
    assert time.monotonic() - started >= 0.3


def test_token_expired_fault(srv: SyncServer, client: Client) -> None:
    srv.faults.queue("token_expired", routes={"submissions_list"})
    answer = client.get("/api/v1/submissions/")
    assert answer.status_code == 401
    assert answer.json()["messages"][0]["message"] == "Token is expired"
    assert client.get("/api/v1/submissions/").status_code == 401  # the token stays expired
    # a static token is never faulted this way
    srv.faults.configure(token_expired=1.0)
    static = Client(srv, token="static-token-1")
    assert static.get("/api/v1/submissions/").status_code == 200
    assert srv.faults.injected == {"token_expired": 1}


def test_queued_faults_follow_their_routes(srv: SyncServer, client: Client) -> None:
    srv.faults.queue("error_503_retry_after", routes={"submissions_create"})
    assert client.get("/api/v1/submissions/").status_code == 200
    assert client.upload().status_code == 503
    srv.faults.queue("error_500", routes="token")
    bad = requests.post(f"{srv.url}/api/v1/token/", json={"username": "staff", "password": "pw"})
    assert bad.status_code == 500
    with pytest.raises(ValueError):
        srv.faults.queue("meteor")
    with pytest.raises(ValueError):
        srv.faults.queue("error_500", routes={"nowhere"})


def test_random_faults_follow_probabilities_and_seed(
    make_server: Callable[..., SyncServer],
) -> None:
    def run(seed: int) -> list[int]:
        srv = make_server()
        c = Client(srv)  # token requests are not faulted by default
        srv.faults.configure(error_500=0.2, error_503_retry_after=0.1, seed=seed, retry_after=0)
        return [c.get("/api/v1/submissions/").status_code for _ in range(200)]

    first, again, other = run(1), run(1), run(2)
    assert first == again and first != other
    assert 20 <= first.count(500) <= 60 and 5 <= first.count(503) <= 40
    assert set(first) == {200, 500, 503}
    with pytest.raises(ValueError):
        Faults().configure(error_500=0.7, timeout=0.5)


def test_configure_replaces_the_mix_and_clear_stops_faults(srv: SyncServer, client: Client) -> None:
    srv.faults.configure(error_500=1.0)
    assert client.get("/api/v1/submissions/").status_code == 500
    srv.faults.configure(error_503_retry_after=1.0)  # error_500 back to 0
    assert client.get("/api/v1/submissions/").status_code == 503
    srv.faults.queue("error_500", n=3)
    srv.faults.clear()
    assert srv.faults.pending == 0
    assert client.get("/api/v1/submissions/").status_code == 200


# ---------------------------------------------------------------------------- concurrency


def test_concurrent_uploads_get_unique_ids(srv: SyncServer) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        c = Client(srv)
        try:
            for k in range(15):
                body = PAGE + f"{n}-{k}".encode()
                answer = c.upload(
                    ("p.png", body, "image/png"), payload=json.dumps(payload(f"{n}-{k}"))
                )
                assert answer.status_code == 201
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            c.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = srv.state.submissions
    assert [row["id"] for row in stored] == list(range(1, 121))
    for row in stored:
        uuid = row["payload"]["client"]["submission_uuid"]
        assert row["file_sha256"] == hashlib.sha256(PAGE + uuid.encode()).hexdigest()


def test_stop_ends_every_connection_and_thread() -> None:
    before = set(threading.enumerate())
    srv = start_server(users={"staff": "pw"})
    c = Client(srv)  # an idle keep-alive connection stays open
    assert c.get("/api/v1/submissions/").status_code == 200
    srv.faults.configure(timeout_s=30)
    srv.faults.queue("timeout")
    outcome: list[BaseException] = []

    def upload() -> None:
        try:
            c.upload(timeout=60)
        except requests.RequestException as exc:
            outcome.append(exc)

    sleeper = threading.Thread(target=upload)
    sleeper.start()
    wait_for(lambda: len(srv.state.submissions) == 1)  # committed, now sleeping in the fault
    started = time.monotonic()
    srv.stop()
    assert time.monotonic() - started < 2
    sleeper.join(5)
    assert not sleeper.is_alive()
    assert len(outcome) == 1  # the client saw the connection end, not an answer
    leftover = [t for t in set(threading.enumerate()) - before if t.name.startswith("syncserver")]
    assert leftover == []
    assert not os.path.exists(srv.state.upload_dir)
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", srv.port), timeout=1):
        pass
    srv.stop()  # twice is fine
    c.close()


# ---------------------------------------------------------------------------- streaming


class _Sink(PartSink):
    def __init__(self, headers: PartHeaders, out: list[tuple[PartHeaders, bytearray]]) -> None:
        self.data = bytearray()
        out.append((headers, self.data))

    def write(self, data: bytes) -> None:
        self.data.extend(data)

    def close(self) -> None:
        pass


@pytest.mark.parametrize("read_size", [1, 3, 17, 64, 1000, 1 << 16])
def test_parser_splits_parts_at_any_read_size(read_size: int) -> None:
    boundary = b"b0und4ry"
    # data that nearly contains the delimiter, and a CRLF at the very end of a part
    tricky = b"\r\n--b0und4r\r\n-\r--b0und4ry\n--b0und4ry" * 3 + b"\r\n"
    body = (
        b"preamble\r\n--b0und4ry\r\n"
        b'Content-Disposition: form-data; name="a"\r\n\r\nhello\r\n'
        b"--b0und4ry  \r\n"
        b'Content-Disposition: form-data; name="file"; filename="C:\\dir\\x.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + tricky + b"\r\n"
        b"--b0und4ry\r\n"
        b"Content-Disposition: form-data; name*=UTF-8''%EC%9D%B4%EB%A6%84\r\n\r\n"
        b"\r\n--b0und4ry--\r\nepilogue"
    )
    stream = io.BytesIO(body)
    parts: list[tuple[PartHeaders, bytearray]] = []
    parser = MultipartParser(boundary, chunk_size=read_size)
    parser.parse(lambda n: stream.read(min(n, read_size)), lambda h: _Sink(h, parts))
    assert [(h.name, h.filename, bytes(d)) for h, d in parts] == [
        ("a", None, b"hello"),
        ("file", "C:\\dir\\x.bin", tricky),
        ("이름", None, b""),
    ]
    assert parts[1][0].content_type == "application/octet-stream"
    assert parser.max_buffered <= read_size + len(boundary) + 4 + 200  # headers aside


def test_chunked_body_reader() -> None:
    raw = io.BytesIO(b"5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT")
    reader = BodyReader(raw, None, chunked=True)
    assert b"".join(iter(lambda: reader.read(4), b"")) == b"hello world"
    assert reader.finished and raw.read() == b"NEXT"  # not a byte past the body


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(field)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("chunked", [True, False])
def test_50mb_upload_streams_with_flat_memory(
    srv: SyncServer, client: Client, chunked: bool
) -> None:
    size = 50 * 1024 * 1024
    block = hashlib.sha256(b"seed").digest() * 2048  # 64 KiB, not all one byte
    boundary = "flatmemoryboundary7"
    head = (
        "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
            for k, v in form().items()
        ).encode()
        + (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="video.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n"
        ).encode()
    )
    tail = f"\r\n--{boundary}--\r\n".encode()
    expected = hashlib.sha256()
    for _ in range(size // len(block)):
        expected.update(block)

    def pieces() -> Iterator[bytes]:
        yield head
        for _ in range(size // len(block)):
            yield block
        yield tail

    class Stream:
        """A file-like body with a known length: requests sends Content-Length."""

        def __init__(self) -> None:
            self._it = pieces()
            self._left = b""

        def __len__(self) -> int:
            return len(head) + size + len(tail)

        def read(self, n: int = -1) -> bytes:
            if not self._left:
                self._left = next(self._it, b"")
            out, self._left = self._left[:n], self._left[n:]
            return out

    body: Any = pieces() if chunked else Stream()
    baseline = _rss_kib("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
        peak_field = "VmHWM"
    except OSError:
        peak_field = ""
    started = time.monotonic()
    answer = client.http.post(
        f"{srv.url}/api/v1/submissions/",
        data=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        timeout=30,
    )
    elapsed = time.monotonic() - started
    assert answer.status_code == 201, answer.text
    stored = srv.state.submissions[0]
    assert stored["file_size"] == size and stored["file_sha256"] == expected.hexdigest()
    assert stored["file_type"] == "video/mp4"
    assert os.path.getsize(stored["file_path"]) == size
    # the parser never held more than one read plus the delimiter
    assert srv.state.max_parse_buffer <= 64 * 1024 + 64
    if peak_field:
        growth_mib = (_rss_kib(peak_field) - baseline) / 1024
        assert growth_mib < 16, f"peak RSS grew {growth_mib:.1f} MiB for a 50 MiB upload"
    assert elapsed < 8

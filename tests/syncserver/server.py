"""A loopback HTTP server that behaves like the academy's Django submissions API (seed
000) behind SimpleJWT, with faults on demand. Standard library only.

``start_server(...)`` returns a running :class:`SyncServer`; ``stop()`` ends it and joins
every thread it started. See ``docs/sync.md`` ("Test server") for the API.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import socket
import socketserver
import tempfile
import threading
import time
import traceback
from collections.abc import Iterable, Mapping
from hashlib import sha256
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, parse_qsl, urlencode

from .faults import Faults
from .multipart import (
    CHUNK_SIZE,
    BodyError,
    BodyReader,
    ClientDisconnected,
    MultipartParser,
    PartHeaders,
    PartSink,
    boundary_of,
)
from .state import CREATE_FIELDS, PUBLIC_FIELDS, ServerState, TokenError
from .validation import UploadedFile, validate_create

# Django's DATA_UPLOAD_MAX_MEMORY_SIZE: the most non-file request data it accepts.
MAX_FORM_BYTES = 2_621_440

_HTML_PAGE = (
    '<!doctype html>\n<html lang="en">\n<head>\n  <title>{title}</title>\n</head>\n'
    "<body>\n  <h1>{title}</h1><p>{text}</p>\n</body>\n</html>\n"
)
_NGINX_PAGE = (
    "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
    "<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
NOT_AUTHENTICATED = "Authentication credentials were not provided."
NOT_FOUND = "No Submission matches the given query."
WWW_AUTHENTICATE = 'Bearer realm="api"'


class _TooBig(Exception):
    """More non-file data than Django accepts (RequestDataTooBig: a plain 400 page)."""


class _Response:
    def __init__(
        self,
        status: int,
        body: Any = None,
        *,
        html: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.headers = dict(headers or {})
        if html is not None:
            self.content = html.encode("utf-8")
            self.content_type = "text/html; charset=utf-8"
        elif body is None:
            self.content = b""
            self.content_type = ""
        else:
            text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
            self.content = text.encode("utf-8")
            self.content_type = "application/json"


def _json(status: int, body: Any, **headers: str) -> _Response:
    return _Response(status, body, headers=headers)


def _html(status: int, title: str, text: str = "", **headers: str) -> _Response:
    return _Response(status, html=_HTML_PAGE.format(title=title, text=text), headers=headers)


class _FileSink(PartSink):
    """Streams a file part to a temporary file, hashing it on the way."""

    def __init__(self, directory: str, headers: PartHeaders) -> None:
        filename = headers.filename or ""
        # Django keeps only the base name of what the client sent.
        self.name = filename.replace("\\", "/").rsplit("/", 1)[-1]
        self.content_type = headers.content_type
        fd, self.path = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=directory)
        self._file = os.fdopen(fd, "wb")
        self._hash = sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self._file.write(data)
        self._hash.update(data)
        self.size += len(data)

    def close(self) -> None:
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)

    def uploaded(self) -> UploadedFile:
        return UploadedFile(
            name=self.name,
            content_type=self.content_type,
            size=self.size,
            sha256=self._hash.hexdigest(),
            path=self.path,
        )


class _FieldSink(PartSink):
    """Collects a plain form field, counting against Django's memory limit."""

    def __init__(self, budget: list[int]) -> None:
        self._budget = budget
        self._data = bytearray()

    def write(self, data: bytes) -> None:
        self._budget[0] -= len(data)
        if self._budget[0] < 0:
            raise _TooBig
        self._data.extend(data)

    def close(self) -> None:
        pass

    def text(self) -> str:
        return self._data.decode("utf-8", errors="replace")


class _NullSink(PartSink):
    """A file part with an empty filename: Django skips it."""

    def write(self, data: bytes) -> None:
        pass

    def close(self) -> None:
        pass


class _Form:
    """Parsed request data: plain fields and files (the last of each name wins, files
    over fields, as in DRF's merged ``request.data``). ``form`` tells HTML form input
    from JSON."""

    def __init__(self, data: dict[str, Any], form: bool, files: list[_FileSink]) -> None:
        self.data = data
        self.form = form
        self._files = files

    def cleanup(self, keep: UploadedFile | None = None) -> None:
        for sink in self._files:
            if keep is None or sink.path != keep.path:
                sink.discard()


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "WSGIServer/0.2"
    sys_version = "CPython/3"
    timeout = 30  # an idle keep-alive connection is closed after this many seconds

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the state keeps its own request log

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    # ------------------------------------------------------------------ plumbing

    @property
    def app(self) -> SyncServer:
        return self.server.app

    def _handle(self) -> None:
        path, _, query = self.path.partition("?")
        self._log_path = path
        self._logged = False
        try:
            self._serve(path, query)
        except (ClientDisconnected, ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception:
            self.app._record_error(traceback.format_exc())
            self.close_connection = True
            with contextlib.suppress(OSError):
                self._send(_html(500, "Server Error (500)"))
        finally:
            self._log(0)

    def _log(self, status: int) -> None:
        """Logs the request once, before the client can see its outcome."""
        if not self._logged:
            self._logged = True
            self.app.state.log_request(self.command, self._log_path, status)

    def _body(self) -> BodyReader:
        chunked = "chunked" in self.headers.get("Transfer-Encoding", "").lower()
        length_header = self.headers.get("Content-Length")
        try:
            length = int(length_header) if length_header is not None else None
        except ValueError:
            length = None
            self.close_connection = True
        return BodyReader(self.rfile, length, chunked)

    def _send(self, response: _Response) -> int:
        self._log(response.status)
        headers = {
            "Server": self.version_string(),
            "Date": self.date_time_string(),
            **response.headers,
        }
        if response.content_type:
            headers["Content-Type"] = response.content_type
        headers["Content-Length"] = str(len(response.content))
        if self.close_connection:
            headers["Connection"] = "close"
        head = f"{self.protocol_version} {response.status} {HTTPStatus(response.status).phrase}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        # One write for head and body: two small writes meet Nagle's algorithm and
        # delayed ACKs, 40 ms a response on Linux loopback.
        self.wfile.write(head.encode("latin-1") + b"\r\n" + response.content)
        return response.status

    def _drop(self) -> int:
        """Close the connection without a response."""
        self._log(0)
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        return 0

    def _finish_body(self, body: BodyReader) -> None:
        """Read what is left of the body so the connection can carry the next request."""
        if not body.finished:
            try:
                body.drain()
            except BodyError:
                self.close_connection = True

    # ------------------------------------------------------------------ one request

    def _serve(self, path: str, query: str) -> int:
        app = self.app
        body = self._body()
        match = app._match(path)
        if match is None:
            self._finish_body(body)
            return self._send(
                _html(404, "Not Found", "The requested resource was not found on this server.")
            )
        route, params = match
        allowed = _ALLOWED[route]
        if self.command not in allowed:
            self._finish_body(body)
            return self._send(
                _json(
                    405,
                    {"detail": f'Method "{self.command}" not allowed.'},
                    Allow=", ".join(allowed),
                )
            )
        if route == "submissions":
            route = "submissions_list" if self.command == "GET" else "submissions_create"

        faults = app.faults
        fault = faults.pick(route)
        if fault == "drop_before_commit":
            faults.record(fault)
            return self._drop()
        if fault == "timeout_before_commit":
            faults.record(fault)
            app._stopping.wait(faults.timeout_s)
            return self._drop()
        if fault in ("error_500", "error_502_retry_after", "error_503_retry_after"):
            faults.record(fault)
            self._finish_body(body)
            return self._send(_proxy_error(fault, faults.retry_after))
        if fault == "error_429_retry_after":
            faults.record(fault)
            self._finish_body(body)
            wait = faults.retry_after
            text = f"{wait} second" if str(wait) == "1" else f"{wait} seconds"
            detail = f"Request was throttled. Expected available in {text}."
            return self._send(_json(429, {"detail": detail}, **{"Retry-After": str(wait)}))
        if fault == "slow":
            faults.record(fault)
            if app._stopping.wait(faults.slow_s):
                return self._drop()

        user_id: int | None = None
        if not route.startswith("token"):
            authenticated = self._authenticate()
            if isinstance(authenticated, _Response):
                self._finish_body(body)
                return self._send(authenticated)
            user_id, token, is_jwt = authenticated
            if fault == "token_expired" and is_jwt and app.state.expire_access_token(token):
                faults.record(fault)
                self._finish_body(body)
                return self._send(_invalid_token("Token is expired"))
        if fault == "bad_request":
            faults.record(fault)
            self._finish_body(body)
            return self._send(_json(400, faults.bad_request_body))

        response = self._route(route, params, query, body, user_id)
        self._finish_body(body)
        if fault == "drop_after_commit":
            faults.record(fault)
            return self._drop()
        if fault == "timeout":
            faults.record(fault)
            if app._stopping.wait(faults.timeout_s):
                return self._drop()
        return self._send(response)

    def _authenticate(self) -> tuple[int, str, bool] | _Response:
        """SimpleJWT's JWTAuthentication (plus the server's static tokens), or the 401."""
        header = self.headers.get("Authorization")
        parts = header.split() if header else []
        if not parts or parts[0] != "Bearer":
            return _json(
                401, {"detail": NOT_AUTHENTICATED}, **{"WWW-Authenticate": WWW_AUTHENTICATE}
            )
        if len(parts) != 2:
            return _json(
                401,
                {
                    "detail": "Authorization header must contain two space-delimited values",
                    "code": "bad_authorization_header",
                },
                **{"WWW-Authenticate": WWW_AUTHENTICATE},
            )
        try:
            user_id, is_jwt = self.app.state.authenticate(parts[1])
        except TokenError as exc:
            return _invalid_token(exc.message)
        return user_id, parts[1], is_jwt

    def _route(
        self, route: str, params: dict[str, str], query: str, body: BodyReader, user_id: int | None
    ) -> _Response:
        try:
            if route == "token":
                return self._token(body)
            if route == "token_refresh":
                return self._token_refresh(body)
            assert user_id is not None
            if route == "submissions_create":
                return self._create(body, user_id)
            if route == "admin_omr_upload":
                return self._admin_omr_upload(body, user_id)
            if route == "exam_omr_submit":
                return self._exam_omr_submit(body, user_id, int(params["exam_id"]))
            if route == "submissions_list":
                return self._list(query)
            if route == "submissions_detail":
                return self._detail(params["pk"])
            if route == "submissions_retry":
                return self._retry(params["pk"])
        except _TooBig:
            self.close_connection = True
            return _html(400, "Bad Request (400)")
        except _ParseError as exc:
            return _json(400, {"detail": exc.detail})
        except _Unsupported as exc:
            return _json(415, {"detail": f'Unsupported media type "{exc.media}" in request.'})
        raise AssertionError(route)

    # ------------------------------------------------------------------ request data

    def _read_form(self, body: BodyReader) -> _Form:
        """``request.data``: multipart (files streamed to disk), urlencoded or JSON."""
        content_type = self.headers.get("Content-Type", "")
        media = content_type.split(";", 1)[0].strip().lower()
        if media == "multipart/form-data":
            return self._read_multipart(body, content_type)
        if media == "application/x-www-form-urlencoded":
            text = _read_small(body).decode("utf-8", errors="replace")
            pairs = parse_qs(text, keep_blank_values=True)
            return _Form({key: values[-1] for key, values in pairs.items()}, True, [])
        if media == "application/json":
            raw = _read_small(body)
            try:
                return _Form(json.loads(raw) if raw else {}, False, [])
            except ValueError as exc:
                raise _ParseError(f"JSON parse error - {exc}") from None
        if not media:
            body.drain()
            return _Form({}, False, [])
        raise _Unsupported(media)

    def _read_multipart(self, body: BodyReader, content_type: str) -> _Form:
        boundary = boundary_of(content_type)
        if boundary is None:
            raise _ParseError("Multipart form parse error - Invalid boundary in multipart: None")
        fields: dict[str, str] = {}
        field_sinks: dict[str, _FieldSink] = {}
        file_sinks: list[_FileSink] = []
        files: dict[str, _FileSink] = {}
        budget = [MAX_FORM_BYTES]
        directory = self.app.state.upload_dir

        def on_part(headers: PartHeaders) -> PartSink:
            if headers.filename is None:
                sink = _FieldSink(budget)
                field_sinks[headers.name] = sink
                return sink
            if not headers.filename:
                return _NullSink()
            file_sink = _FileSink(directory, headers)
            file_sinks.append(file_sink)
            files[headers.name] = file_sink
            return file_sink

        parser = MultipartParser(boundary, chunk_size=CHUNK_SIZE)
        try:
            parser.parse(body.read, on_part)
        except BaseException as exc:
            for sink in file_sinks:
                sink.discard()
            if isinstance(exc, BodyError) and not isinstance(exc, ClientDisconnected):
                self.close_connection = True
                raise _ParseError(f"Multipart form parse error - {exc}") from None
            raise
        finally:
            self.app.state.note_upload(parser.max_buffered, sum(s.size for s in file_sinks))
        for name, field_sink in field_sinks.items():
            fields[name] = field_sink.text()
        data: dict[str, Any] = dict(fields)
        for name, file_sink in files.items():
            data[name] = file_sink.uploaded()
        return _Form(data, True, file_sinks)

    # ------------------------------------------------------------------ token views

    def _token(self, body: BodyReader) -> _Response:
        form = self._read_form(body)
        form.cleanup()
        if not isinstance(form.data, dict):
            return _json(400, validate_create(form.data, form=False)[1])
        errors = _required_strings(form, ("username", "password"))
        if errors:
            return _json(400, errors)
        pair = self.app.state.login(str(form.data["username"]), str(form.data["password"]))
        if pair is None:
            return _json(401, {"detail": "No active account found with the given credentials"})
        return _json(200, pair)

    def _token_refresh(self, body: BodyReader) -> _Response:
        form = self._read_form(body)
        form.cleanup()
        if not isinstance(form.data, dict):
            return _json(400, validate_create(form.data, form=False)[1])
        errors = _required_strings(form, ("refresh",))
        if errors:
            return _json(400, errors)
        try:
            access = self.app.state.refresh(str(form.data["refresh"]))
        except TokenError as exc:
            return _json(401, {"detail": exc.message, "code": "token_not_valid"})
        return _json(200, {"access": access})

    # ------------------------------------------------------------------ submissions views

    def _create(self, body: BodyReader, user_id: int) -> _Response:
        form = self._read_form(body)
        validated, errors = validate_create(form.data, form=form.form)
        upload = validated.get("file") if errors is None else None
        form.cleanup(keep=upload)
        if errors is not None:
            return _json(400, errors)
        stored = self.app.state.create(validated, user_id)
        if self.app.create_body == "full":
            return _json(201, {key: stored[key] for key in PUBLIC_FIELDS})
        # SubmissionCreateSerializer.data: the validated fields, as saved.
        shown = {key: validated.get(key) for key in CREATE_FIELDS}
        return _json(201, shown)

    def _admin_omr_upload(self, body: BodyReader, user_id: int) -> _Response:
        form = self._read_form(body)
        if not isinstance(form.data, dict):
            return _html(500, "Server Error (500)")  # the seed calls request.data.get()
        # The view builds a plain dict for the serializer (not form input).
        data = {
            "enrollment_id": form.data.get("enrollment_id"),
            "target_type": "exam",
            "target_id": form.data.get("target_id"),
            "source": "omr_scan",
            "file": form.data.get("file")
            if isinstance(form.data.get("file"), UploadedFile)
            else None,
        }
        validated, errors = validate_create(data, form=False)
        upload = validated.get("file") if errors is None else None
        form.cleanup(keep=upload)
        if errors is not None:
            return _json(400, errors)
        stored = self.app.state.create(validated, user_id)
        return _json(201, {"submission_id": stored["id"], "status": stored["status"]})

    def _exam_omr_submit(self, body: BodyReader, user_id: int, exam_id: int) -> _Response:
        form = self._read_form(body)
        form.cleanup()
        if not isinstance(form.data, dict):
            return _html(500, "Server Error (500)")  # the seed calls request.data.get()
        values: list[Any] = [form.data.get(k) for k in ("enrollment_id", "sheet_id", "file_key")]
        if not all(values):
            return _json(400, {"detail": "enrollment_id, sheet_id, file_key are required"})
        enrollment_id, sheet_id, file_key = values
        try:
            validated = {
                "enrollment_id": int(enrollment_id),
                "target_type": "exam",
                "target_id": exam_id,
                "source": "omr_scan",
                "payload": {"sheet_id": int(sheet_id)},
            }
        except (TypeError, ValueError):
            return _html(500, "Server Error (500)")  # the seed's int() raises
        stored = self.app.state.create(validated, user_id, file_key=str(file_key))
        return _json(201, {"submission_id": stored["id"], "status": stored["status"]})

    def _list(self, query: str) -> _Response:
        items = self.app.state.public_list()
        page_size = self.app.page_size
        if page_size is None:
            return _json(200, items)
        pages = max(1, math.ceil(len(items) / page_size))
        raw = dict(parse_qsl(query, keep_blank_values=True)).get("page", "1")
        try:
            page = pages if raw == "last" else int(raw)
        except ValueError:
            page = 0
        if not 1 <= page <= pages:
            return _json(404, {"detail": "Invalid page."})
        start = (page - 1) * page_size
        return _json(
            200,
            {
                "count": len(items),
                "next": self._page_url(query, page + 1) if page < pages else None,
                "previous": self._page_url(query, page - 1) if page > 1 else None,
                "results": items[start : start + page_size],
            },
        )

    def _page_url(self, query: str, page: int) -> str:
        """DRF's replace_query_param / remove_query_param on the absolute URL."""
        params = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "page"]
        if page != 1:
            params.append(("page", str(page)))
        host = self.headers.get("Host") or f"127.0.0.1:{self.app.port}"
        path = self.path.partition("?")[0]
        encoded = urlencode(sorted(params))
        return f"http://{host}{path}" + (f"?{encoded}" if encoded else "")

    def _detail(self, pk: str) -> _Response:
        item = self.app.state.public(int(pk)) if pk.isdigit() else None
        if item is None:
            return _json(404, {"detail": NOT_FOUND})
        return _json(200, item)

    def _retry(self, pk: str) -> _Response:
        if not pk.isdigit():
            return _json(404, {"detail": NOT_FOUND})
        try:
            result = self.app.state.retry(int(pk))
        except KeyError:
            return _json(404, {"detail": NOT_FOUND})
        if result is None:
            return _json(400, {"detail": "Only FAILED submissions can be retried."})
        return _json(200, result)


class _ParseError(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class _Unsupported(Exception):
    def __init__(self, media: str) -> None:
        super().__init__(media)
        self.media = media


def _read_small(body: BodyReader) -> bytes:
    data = bytearray()
    while True:
        chunk = body.read(CHUNK_SIZE)
        if not chunk:
            return bytes(data)
        data.extend(chunk)
        if len(data) > MAX_FORM_BYTES:
            raise _TooBig


def _required_strings(form: _Form, names: Iterable[str]) -> dict[str, list[str]]:
    """DRF CharField checks for the SimpleJWT serializers."""
    errors: dict[str, list[str]] = {}
    for name in names:
        value = form.data.get(name)
        if value is None:
            errors[name] = [
                "This field is required."
                if name not in form.data or form.form
                else "This field may not be null."
            ]
        elif isinstance(value, UploadedFile | dict | list):
            errors[name] = ["Not a valid string."]
        elif str(value).strip() == "":
            errors[name] = ["This field may not be blank."]
    return errors


def _invalid_token(message: str) -> _Response:
    return _json(
        401,
        {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [
                {"token_class": "AccessToken", "token_type": "access", "message": message}
            ],
        },
        **{"WWW-Authenticate": WWW_AUTHENTICATE},
    )


def _proxy_error(fault: str, retry_after: int | str) -> _Response:
    if fault == "error_500":
        return _html(500, "Server Error (500)")
    status, title = (
        (502, "502 Bad Gateway")
        if fault == "error_502_retry_after"
        else (503, "503 Service Temporarily Unavailable")
    )
    html = _NGINX_PAGE.format(title=title)
    return _Response(status, html=html, headers={"Retry-After": str(retry_after)})


_ALLOWED: dict[str, tuple[str, ...]] = {
    "token": ("POST",),
    "token_refresh": ("POST",),
    "submissions": ("GET", "POST"),
    "admin_omr_upload": ("POST",),
    "exam_omr_submit": ("POST",),
    "submissions_retry": ("POST",),
    "submissions_detail": ("GET",),
}


class _HTTPServer(ThreadingHTTPServer):
    """Serves each connection on its own named thread and keeps track of them, so that
    ``close_all()`` can end every connection and join every thread."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: SyncServer) -> None:
        self.app = app
        self._conn_lock = threading.Lock()
        self._conn_threads: set[threading.Thread] = set()
        self._connections: set[socket.socket] = set()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which can take seconds when
        # name resolution is slow (Windows, offline machines): loopback needs none.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection,
            args=(request, client_address),
            name="syncserver-conn",
            daemon=True,
        )
        with self._conn_lock:
            self._conn_threads.add(thread)
            self._connections.add(request)
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except (ConnectionError, TimeoutError):
            pass
        except Exception:
            self.app._record_error(traceback.format_exc())
        finally:
            self.shutdown_request(request)
            with self._conn_lock:
                self._connections.discard(request)
                self._conn_threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        self.app._record_error(traceback.format_exc())

    def close_all(self, timeout: float) -> list[threading.Thread]:
        """Ends every open connection and joins the threads; returns any left alive."""
        with self._conn_lock:
            connections = list(self._connections)
            threads = list(self._conn_threads)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        return [thread for thread in threads if thread.is_alive()]


class SyncServer:
    """A running test server. Use :func:`start_server` to make one."""

    def __init__(
        self,
        *,
        users: Mapping[str, str],
        static_tokens: Iterable[str],
        access_ttl: float,
        refresh_ttl: float,
        status_step_s: float,
        page_size: int | None,
        host: str,
        port: int,
        token_path: str,
        refresh_path: str,
        create_body: Literal["serializer", "full"],
        keep_files: bool,
        token_extra_bytes: int,
    ) -> None:
        if page_size is not None and page_size < 1:
            raise ValueError("page_size must be None or >= 1")
        self.page_size = page_size
        self.create_body = create_body
        self._upload_dir = tempfile.mkdtemp(prefix="syncserver-")
        self.state = ServerState(
            users=users,
            static_tokens=static_tokens,
            access_ttl=access_ttl,
            refresh_ttl=refresh_ttl,
            status_step_s=status_step_s,
            token_extra_bytes=token_extra_bytes,
            upload_dir=self._upload_dir,
            keep_files=keep_files,
        )
        self.faults = Faults()
        self._errors: list[str] = []
        self._errors_lock = threading.Lock()
        self._stopping = threading.Event()
        self._stopped = False
        self._routes = [
            (re.compile(r"^" + re.escape(token_path) + r"$"), "token"),
            (re.compile(r"^" + re.escape(refresh_path) + r"$"), "token_refresh"),
            (re.compile(r"^/api/v1/submissions/$"), "submissions"),
            (re.compile(r"^/api/v1/submissions/admin/omr-upload/$"), "admin_omr_upload"),
            (re.compile(r"^/api/v1/submissions/exams/(?P<exam_id>\d+)/omr/$"), "exam_omr_submit"),
            (re.compile(r"^/api/v1/submissions/(?P<pk>[^/.]+)/retry/$"), "submissions_retry"),
            (re.compile(r"^/api/v1/submissions/(?P<pk>[^/.]+)/$"), "submissions_detail"),
        ]
        try:
            self._httpd = _HTTPServer((host, port), self)
        except BaseException:
            shutil.rmtree(self._upload_dir, ignore_errors=True)
            raise
        self.port: int = self._httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="syncserver"
        )
        self._thread.start()

    def _match(self, path: str) -> tuple[str, dict[str, str]] | None:
        for pattern, route in self._routes:
            found = pattern.match(path)
            if found:
                return route, found.groupdict()
        return None

    def _record_error(self, text: str) -> None:
        with self._errors_lock:
            self._errors.append(text)

    @property
    def errors(self) -> list[str]:
        """Tracebacks of unexpected exceptions inside the server (should stay empty)."""
        with self._errors_lock:
            return list(self._errors)

    def expire_tokens(self, *, refresh: bool = False) -> None:
        """Every access token issued so far expires now; with ``refresh=True`` the
        refresh tokens too (the user must sign in again). Static tokens stay valid."""
        self.state.expire_tokens(refresh=refresh)

    def revoke_static_token(self, token: str) -> None:
        """A static token stops being accepted (401 "Token is invalid")."""
        self.state.revoke_static_token(token)

    def fail_submission(self, submission_id: int, message: str = "AI worker failed") -> None:
        """Submission ``submission_id`` becomes ``failed`` with ``message`` now."""
        self.state.fail_submission(submission_id, message)

    def stop(self, timeout: float = 10.0) -> None:
        """Stops serving, closes every connection, joins every server thread and removes
        the uploaded files. Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        self._stopping.set()
        self._httpd.shutdown()
        self._thread.join()
        self._httpd.server_close()
        left = self._httpd.close_all(timeout)
        shutil.rmtree(self._upload_dir, ignore_errors=True)
        if left:
            raise RuntimeError(f"syncserver: {len(left)} connection thread(s) did not end")

    def __enter__(self) -> SyncServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_server(
    users: Mapping[str, str] | None = None,
    static_tokens: Iterable[str] = (),
    access_ttl: float = 300.0,
    status_step_s: float = 0.2,
    page_size: int | None = None,
    *,
    refresh_ttl: float = 86400.0,
    host: str = "127.0.0.1",
    port: int = 0,
    token_path: str = "/api/v1/token/",
    refresh_path: str = "/api/v1/token/refresh/",
    create_body: Literal["serializer", "full"] = "serializer",
    keep_files: bool = True,
    token_extra_bytes: int = 0,
) -> SyncServer:
    """Starts the test server on a free loopback port and returns it, running.

    ``users``: username -> password for ``POST /api/v1/token/`` (default
    ``{"staff": "pw"}``). ``static_tokens``: bearer tokens that never expire.
    ``access_ttl``/``refresh_ttl``: token lifetimes in seconds. ``status_step_s``: how
    long each status lasts before the next (0: straight to the final status).
    ``page_size``: None for a plain list from ``GET /api/v1/submissions/``, else DRF
    page-number pagination. ``create_body``: ``"serializer"`` answers a create with
    what the seed's ``SubmissionCreateSerializer`` shows (no ``id``, no ``status``),
    ``"full"`` with every field. ``keep_files``: keep uploads on disk (``file_path``)
    until ``stop()``. ``token_extra_bytes``: pad JWTs with a claim this long (tokens
    longer than Windows' credential limit)."""
    return SyncServer(
        users={"staff": "pw"} if users is None else users,
        static_tokens=static_tokens,
        access_ttl=access_ttl,
        refresh_ttl=refresh_ttl,
        status_step_s=status_step_s,
        page_size=page_size,
        host=host,
        port=port,
        token_path=token_path,
        refresh_path=refresh_path,
        create_body=create_body,
        keep_files=keep_files,
        token_extra_bytes=token_extra_bytes,
    )

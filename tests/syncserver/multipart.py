"""Streaming request bodies for the test server: Content-Length and chunked bodies, and a
``multipart/form-data`` parser whose memory is bounded by its read size.

The parser never holds a part in memory: it hands a part's bytes to a sink as they
arrive and keeps at most ``chunk_size + len(delimiter)`` bytes buffered (headers aside),
so a 500 MB upload costs the same memory as a 5 KB one. ``MultipartParser.max_buffered``
records the largest buffer it held, for tests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.utils import collapse_rfc2231_value
from typing import Protocol

CHUNK_SIZE = 64 * 1024
MAX_HEADER_BYTES = 16 * 1024
MAX_CHUNK_LINE = 1024


class Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...

    def readline(self, size: int = ..., /) -> bytes: ...


class BodyError(ValueError):
    """The request body is malformed (bad chunk framing, bad multipart)."""


class ClientDisconnected(BodyError):
    """The body ended before its announced end: the client went away."""


class BodyReader:
    """Reads one request body from the connection: ``Content-Length`` bytes, or a
    ``Transfer-Encoding: chunked`` body (trailers skipped). ``read(n)`` returns at most
    ``n`` bytes and ``b""`` at the end of the body, never reading past it (keep-alive)."""

    def __init__(self, rfile: Readable, content_length: int | None, chunked: bool) -> None:
        self._rfile = rfile
        self._chunked = chunked
        self._remaining = 0 if chunked else max(0, content_length or 0)
        self._chunk_left = 0
        self._done = not chunked and self._remaining == 0
        self.bytes_read = 0

    @property
    def finished(self) -> bool:
        """True once the whole body has been read (the connection can be reused)."""
        return self._done

    def read(self, n: int = CHUNK_SIZE) -> bytes:
        if self._done or n <= 0:
            return b""
        data = self._read_chunked(n) if self._chunked else self._read_plain(n)
        self.bytes_read += len(data)
        return data

    def drain(self) -> None:
        """Read and discard the rest of the body, in blocks."""
        while self.read(CHUNK_SIZE):
            pass

    def _read_plain(self, n: int) -> bytes:
        data = self._rfile.read(min(n, self._remaining))
        if not data:
            raise ClientDisconnected(f"body ended {self._remaining} bytes early")
        self._remaining -= len(data)
        if self._remaining == 0:
            self._done = True
        return data

    def _read_chunked(self, n: int) -> bytes:
        if self._chunk_left == 0:
            size = self._next_chunk_size()
            if size == 0:
                self._skip_trailers()
                self._done = True
                return b""
            self._chunk_left = size
        data = self._rfile.read(min(n, self._chunk_left))
        if not data:
            raise ClientDisconnected("chunked body ended early")
        self._chunk_left -= len(data)
        if self._chunk_left == 0 and self._rfile.readline(MAX_CHUNK_LINE) not in (b"\r\n", b"\n"):
            raise BodyError("chunk not followed by CRLF")
        return data

    def _next_chunk_size(self) -> int:
        line = self._rfile.readline(MAX_CHUNK_LINE)
        if not line:
            raise ClientDisconnected("chunked body ended early")
        try:
            return int(line.split(b";", 1)[0].strip(), 16)
        except ValueError:
            raise BodyError(f"bad chunk size line {line[:40]!r}") from None

    def _skip_trailers(self) -> None:
        while True:
            line = self._rfile.readline(MAX_CHUNK_LINE)
            if line in (b"\r\n", b"\n", b""):
                return


@dataclass
class PartHeaders:
    """One part's headers: the form field ``name``, ``filename`` (None for a plain field,
    possibly ``""``) and ``content_type`` (``""`` when the part did not send one)."""

    name: str
    filename: str | None
    content_type: str
    raw: dict[str, str] = field(default_factory=dict)


class PartSink:
    """Receives one part's bytes. The parser calls ``write`` for each piece, then ``close``."""

    def write(self, data: bytes) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - interface
        raise NotImplementedError


def boundary_of(content_type: str) -> bytes | None:
    """The boundary parameter of a ``multipart/form-data`` Content-Type, or None."""
    msg = Message()
    msg["content-type"] = content_type
    value = msg.get_param("boundary")
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    return value.encode("latin-1", errors="replace")


def _decode_header_bytes(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_part_headers(block: bytes) -> PartHeaders:
    """Parses a part's header block (without the blank line that ends it)."""
    headers: dict[str, str] = {}
    last = ""
    for line in _decode_header_bytes(block).split("\r\n"):
        if not line:
            continue
        if line[0] in " \t" and last:  # folded continuation line
            headers[last] += " " + line.strip()
            continue
        name, sep, value = line.partition(":")
        if not sep:
            raise BodyError(f"bad part header line {line[:60]!r}")
        last = name.strip().lower()
        headers[last] = value.strip()
    disposition = headers.get("content-disposition", "")
    msg = Message()
    msg["content-disposition"] = disposition
    if msg.get_content_disposition() != "form-data":
        raise BodyError(f"part is not form-data: {disposition[:60]!r}")
    field_name = msg.get_param("name", header="content-disposition")
    if field_name is None:
        raise BodyError("form-data part without a name")
    filename = msg.get_filename()
    content_type = headers.get("content-type", "").split(";", 1)[0].strip()
    return PartHeaders(
        name=collapse_rfc2231_value(field_name),
        filename=filename,
        content_type=content_type,
        raw=headers,
    )


class MultipartParser:
    """Pulls a multipart body from ``read`` and pushes each part to the sink that
    ``on_part(headers)`` returns. Bytes after the closing delimiter are read and ignored."""

    def __init__(
        self,
        boundary: bytes,
        *,
        chunk_size: int = CHUNK_SIZE,
        max_header_bytes: int = MAX_HEADER_BYTES,
    ) -> None:
        self._delimiter = b"\r\n--" + boundary
        self._chunk_size = chunk_size
        self._max_header_bytes = max_header_bytes
        self.max_buffered = 0
        self.parts = 0

    def parse(
        self, read: Callable[[int], bytes], on_part: Callable[[PartHeaders], PartSink]
    ) -> None:
        # A body may start with the delimiter itself (no CRLF before it): pretend one.
        buf = bytearray(b"\r\n")
        delim = self._delimiter
        keep = len(delim) - 1
        eof = False

        def fill() -> None:
            nonlocal eof
            data = read(self._chunk_size)
            if not data:
                eof = True
                return
            buf.extend(data)
            self.max_buffered = max(self.max_buffered, len(buf))

        # Preamble: skip everything up to the first delimiter.
        while True:
            i = buf.find(delim)
            if i >= 0:
                del buf[: i + len(delim)]
                break
            if eof:
                raise BodyError("multipart body without its boundary")
            if len(buf) > keep:
                del buf[:-keep]
            fill()

        while True:
            # After a delimiter: "--" closes the body, else padding then CRLF.
            while len(buf) < 2 and not eof:
                fill()
            if buf[:2] == b"--":
                while not eof:  # epilogue
                    del buf[:]
                    fill()
                return
            while b"\r\n" not in buf:
                if eof or len(buf) > MAX_CHUNK_LINE + self._chunk_size:
                    raise BodyError("multipart delimiter line not ended")
                fill()
            line_end = buf.index(b"\r\n")
            if buf[:line_end].strip(b" \t"):
                raise BodyError("junk after a multipart delimiter")
            del buf[: line_end + 2]

            # Part headers, up to the blank line.
            if buf[:2] == b"\r\n":
                block = b""
                del buf[:2]
            else:
                while True:
                    j = buf.find(b"\r\n\r\n")
                    if j >= 0:
                        block = bytes(buf[:j])
                        del buf[: j + 4]
                        break
                    if len(buf) > self._max_header_bytes:
                        raise BodyError("multipart part headers too long")
                    if eof:
                        raise ClientDisconnected("body ended inside part headers")
                    fill()
            sink = on_part(parse_part_headers(block))
            self.parts += 1

            # Part data, up to the next delimiter; hold back what may start one.
            while True:
                i = buf.find(delim)
                if i >= 0:
                    if i:
                        sink.write(bytes(buf[:i]))
                    del buf[: i + len(delim)]
                    sink.close()
                    break
                if eof:
                    sink.close()
                    raise ClientDisconnected("body ended inside a part")
                safe = len(buf) - keep
                if safe > 0:
                    sink.write(bytes(buf[:safe]))
                    del buf[:safe]
                fill()

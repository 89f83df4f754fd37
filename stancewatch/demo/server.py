"""The one local HTTP server of the demo, the tests and the benchmarks (standard library).

``LocalServer`` binds 127.0.0.1 on a free port and answers from a routing function
(``Request -> Response``) or a dict of path -> ``Response`` (or path -> function)::

    with LocalServer({"/feed.xml": Response(200, body, {"Content-Type": RSS})}) as server:
        server.url("/feed.xml")
        server.requests        # the access log: LogEntry(server, method, path, status, headers)
        server.received        # every Request as it arrived, with its body (webhook receivers)

A response can wait before it answers (``delay``, cut short by ``stop()``), stream an iterable
body with or without a Content-Length, and the demo site runs one server per outlet so each has
its own origin and robots.txt. Handler threads are daemons and the server does not wait for
them on close, so a slow or endless page never holds up ``stop()``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit


class Headers(dict[str, str]):
    """Request headers: stored with lower-case names, looked up in any case."""

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__((k.lower(), v) for k, v in items)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(key.lower() if isinstance(key, str) else key)

    def __getitem__(self, key: str) -> str:
        return super().__getitem__(key.lower())

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return super().get(key.lower(), default)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    host: str
    body: bytes = b""
    #: The path with its query string, as the client sent it.
    target: str = ""


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: For an iterable body: the Content-Length to announce (None: no length, close at end).
    length: int | None = None
    #: Seconds to wait before answering (a slow or hanging page); ``stop()`` cuts it short.
    delay: float = 0.0


Handler = Callable[[Request], Response]
#: A routing function, or path -> response (or path -> routing function); other paths get 404.
App = Handler | Mapping[str, Response | Handler]


class LogEntry(NamedTuple):
    """One line of the access log (compares equal to the plain tuple)."""

    server: str
    method: str
    path: str  # with the query string
    status: int
    headers: dict[str, str]


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def content_etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def conditional(
    request: Request,
    body: bytes,
    content_type: str,
    last_modified: datetime,
    etag: str | None = None,
    *,
    etag_precedence: bool = False,
) -> Response:
    """200 with validators, or 304 when every validator the client sent says unchanged.

    Like nginx, both ``If-None-Match`` and ``If-Modified-Since`` must match when both are sent.
    ``etag_precedence``: as RFC 9110 (13.2.2) has it instead, an ``If-None-Match`` decides
    alone and ``If-Modified-Since`` is ignored (most application servers).
    """
    etag = etag or content_etag(body)
    headers = {
        "Content-Type": content_type,
        "ETag": etag,
        "Last-Modified": http_date(last_modified),
        "Cache-Control": "max-age=60",
    }
    inm = request.headers.get("if-none-match")
    ims = request.headers.get("if-modified-since")
    if inm is not None and etag_precedence:
        ims = None
    checks = []
    if inm is not None:
        checks.append(etag in [t.strip().removeprefix("W/") for t in inm.split(",")] or inm == "*")
    if ims is not None:
        try:
            checks.append(last_modified.replace(microsecond=0) <= parsedate_to_datetime(ims))
        except (TypeError, ValueError):
            checks.append(False)
    if checks and all(checks):
        return Response(304, b"", headers)
    return Response(200, body, headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 30  # idle keep-alive connections are dropped after this
    server: _ThreadingServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def do_POST(self) -> None:  # noqa: N802
        self._serve(send_body=True)

    do_PUT = do_POST  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the server keeps its own access log."""

    def _serve(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        headers = Headers(self.headers.items())
        size = int(headers.get("content-length") or 0)
        body = self.rfile.read(size) if size else b""
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        host = headers.get("host") or ""
        request = Request(
            self.command, parts.path, parse_qs(parts.query), headers, host, body, target
        )
        self.server.owner.received.append(request)
        try:
            response = self.server.owner.respond(request)
        except Exception as exc:  # a fixture bug must show as a 500, not a hung client
            response = Response(
                500, f"fixture error: {exc!r}".encode(), {"Content-Type": "text/plain"}
            )
        self.server.owner.log(
            LogEntry(self.server.owner.name, self.command, target, response.status, headers)
        )
        if response.delay:
            self.server.owner.stopping.wait(response.delay)
        self._write(response, send_body)

    def _write(self, response: Response, send_body: bool) -> None:
        body = response.body
        try:
            self.send_response(response.status)
            for key, value in response.headers.items():
                self.send_header(key, value)
            if isinstance(body, bytes):
                self.send_header("Content-Length", str(len(body)))
            elif response.length is not None:
                self.send_header("Content-Length", str(response.length))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if not send_body or response.status == 304:
                return
            if isinstance(body, bytes):
                self.wfile.write(body)
            else:
                for chunk in body:
                    if self.server.owner.stopping.is_set():
                        self.close_connection = True
                        break
                    self.wfile.write(chunk)
        except (ConnectionError, TimeoutError):
            self.close_connection = True


class _ThreadingServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, owner: LocalServer):
        self.owner = owner
        super().__init__(("127.0.0.1", 0), _Handler)


class LocalServer:
    """One server on 127.0.0.1 and a free port, in a daemon thread; a context manager.

    ``app``: a routing function or a dict of path -> response. ``log``: where access-log
    entries go (default: this server's ``requests``). ``stopping``: an event shared with the
    app (set on ``stop()``: sleeping and streaming responses give up).
    """

    def __init__(
        self,
        app: App,
        *,
        name: str = "local",
        log: Callable[[LogEntry], None] | None = None,
        stopping: threading.Event | None = None,
    ) -> None:
        self.name = name
        self.app = app
        self.requests: list[LogEntry] = []
        self.received: list[Request] = []
        self.log = log or self.requests.append
        self.stopping = stopping or threading.Event()
        self._httpd: _ThreadingServer | None = None
        self._thread: threading.Thread | None = None

    def respond(self, request: Request) -> Response:
        if callable(self.app):
            return self.app(request)
        found = self.app.get(request.path)
        if found is None:
            return Response(404, b"not found", {"Content-Type": "text/plain"})
        return found(request) if callable(found) else found

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"server {self.name!r} is not started")
        return self._httpd.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "") -> str:
        return self.base + path

    def start(self) -> LocalServer:
        self.stopping.clear()
        self._httpd = _ThreadingServer(self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"local-{self.name}", daemon=True,
        )  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

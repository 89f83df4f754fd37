"""A small real HTTP server per outlet (standard library), with conditional GET and a log.

Each outlet gets its own ``ThreadingHTTPServer`` on 127.0.0.1 and a free port, so it has its
own origin and robots.txt. Handler threads are daemons and the server does not wait for them
on close, so a slow page never holds up ``stop()``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    host: str


@dataclass
class Response:
    status: int = 200
    body: bytes | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    #: For an iterable body: the Content-Length to announce (None: no length, close at end).
    length: int | None = None


Handler = Callable[[Request], Response]
#: (outlet, method, path with query, status, request headers)
LogEntry = tuple[str, str, str, int, dict[str, str]]


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
) -> Response:
    """200 with validators, or 304 when every validator the client sent says unchanged.

    Like nginx, both ``If-None-Match`` and ``If-Modified-Since`` must match when both are sent.
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
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(send_body=False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the site keeps its own request log."""

    def _serve(self, send_body: bool) -> None:
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(
            self.command, parts.path, parse_qs(parts.query), headers, headers.get("host", "")
        )
        try:
            response = self.server.app(request)
        except Exception as exc:  # a fixture bug must show as a 500, not a hung client
            response = Response(
                500, f"fixture error: {exc!r}".encode(), {"Content-Type": "text/plain"}
            )
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        self.server.log((self.server.name, self.command, target, response.status, headers))
        self._write(response, send_body)

    def _write(self, response: Response, send_body: bool) -> None:
        body = response.body
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
        try:
            if isinstance(body, bytes):
                self.wfile.write(body)
            else:
                for chunk in body:
                    if self.server.stopping.is_set():
                        self.close_connection = True
                        break
                    self.wfile.write(chunk)
        except (ConnectionError, TimeoutError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(
        self, name: str, app: Handler, log: Callable[[LogEntry], None], stopping: threading.Event
    ):
        self.name = name
        self.app = app
        self.log = log
        self.stopping = stopping
        super().__init__(("127.0.0.1", 0), _Handler)


class OutletServer:
    """One outlet's server in a daemon thread; ``start()`` binds a free port."""

    def __init__(
        self, name: str, app: Handler, log: Callable[[LogEntry], None], stopping: threading.Event
    ):
        self.name = name
        self._args = (name, app, log, stopping)
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError(f"outlet {self.name!r} is not started")
        return self._httpd.server_address[1]

    def start(self) -> None:
        self._httpd = _Server(*self._args)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"demo-{self.name}", daemon=True,
        )  # fmt: skip
        self._thread.start()

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None

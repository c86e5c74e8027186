"""A real HTTP server on 127.0.0.1 that plays Hugging Face, arXiv and an LLM.

Tests, benchmarks and demos start one `Replica`; each service module
(`hf`, `arxiv`, `llm`) registers its routes on it. Every request is recorded
(so tests can count them per path) and faults can be scripted per path
prefix: a status with headers, a slow answer, a dropped connection, a
truncated body, a wrong content type.

    with Replica() as r:
        r.fault("/html/2602.05293", Fault.status(429, {"Retry-After": "1"}))
        ... point HF_ENDPOINT / PAPERBRIEF_ARXIV_URL / OPENAI_BASE_URL at r.url ...
        assert r.count("/html/2602.05293") == 2
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/plain; charset=utf-8"
    # For streaming answers: an iterable of chunks, sent with chunked encoding.
    stream: Iterable[bytes] | None = None
    delay: float = 0.0  # answer this many seconds after the request arrived (the handler's work included)

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[[Request], Response]


@dataclass
class Fault:
    """What to do instead of (or to) the normal answer for one request."""

    kind: str  # status | slow | drop | truncate | content_type
    code: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    delay: float = 0.0
    content_type: str = "text/plain; charset=utf-8"

    @classmethod
    def status(cls, code: int, headers: dict[str, str] | None = None, body: str = "") -> Fault:
        return cls("status", code=code, headers=headers or {}, body=body or f"error {code}")

    @classmethod
    def slow(cls, delay: float) -> Fault:
        return cls("slow", delay=delay)

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")

    @classmethod
    def truncate(cls) -> Fault:
        return cls("truncate")

    @classmethod
    def wrong_type(cls, content_type: str = "application/octet-stream") -> Fault:
        return cls("content_type", content_type=content_type)


class Replica:
    """The local replica server. Start it, register services, point clients at `url`."""

    def __init__(self, services: Iterable[str] = ("hf", "arxiv", "llm")) -> None:
        self._routes: list[tuple[str, str, Handler]] = []
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self._server: ThreadingHTTPServer | None = None
        self._last_url = ""
        self._thread: threading.Thread | None = None
        self.services: dict[str, object] = {}
        for name in services:
            self.add_service(name)

    # -- services and routes -------------------------------------------------

    def add_service(self, name: str) -> object:
        """Register a built-in service (`hf`, `arxiv`, `llm`) and return its state object."""
        import importlib

        if name not in ("hf", "arxiv", "llm"):
            raise ValueError(f"unknown replica service {name!r}")
        service = importlib.import_module(f"paperbrief.replica.{name}").register(self)
        self.services[name] = service
        return service

    def route(self, method: str, prefix: str, handler: Handler) -> None:
        """Send requests whose path starts with `prefix` to `handler` (longest prefix wins)."""
        self._routes.append((method.upper(), prefix, handler))
        self._routes.sort(key=lambda r: len(r[1]), reverse=True)

    # -- faults and counts ---------------------------------------------------

    def fault(self, path_prefix: str, *faults: Fault, times: int = 1) -> None:
        """Queue faults for the next requests whose path starts with `path_prefix`."""
        with self._lock:
            self._faults.setdefault(path_prefix, []).extend([f for f in faults for _ in range(times)])

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def count(self, path_prefix: str = "/", method: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for r in self.requests
                if r.path.startswith(path_prefix) and (method is None or r.method == method)
            )

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for prefix in sorted(self._faults, key=len, reverse=True):
                if path.startswith(prefix) and self._faults[prefix]:
                    return self._faults[prefix].pop(0)
        return None

    # -- lifecycle -----------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL; after stop() it is kept, so clients can be pointed at a closed port."""
        if self._server is None:
            assert self._last_url, "replica not started"
            return self._last_url
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self, port: int = 0) -> Replica:
        replica = self

        class _Handler(_RequestHandler):
            pass

        _Handler.replica = replica
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="replica", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._last_url = self.url
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Replica:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- dispatch ------------------------------------------------------------

    def handle(self, req: Request) -> Response:
        for method, prefix, handler in self._routes:
            if method == req.method and req.path.startswith(prefix):
                return handler(req)
        return Response(404, "Not Found")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hung up (a timeout test, a killed run) is normal here, not an error."""
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _RequestHandler(BaseHTTPRequestHandler):
    replica: Replica
    protocol_version = "HTTP/1.1"
    server_version = "paperbrief-replica/1"

    def log_message(self, format: str, *args: object) -> None:  # silence the default stderr log
        pass

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        req = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        replica = self.replica
        with replica._lock:
            replica.requests.append(req)
        fault = replica._take_fault(req.path)
        try:
            if fault and fault.kind == "drop":
                self._drop()
                return
            if fault and fault.kind == "status":
                self._send(Response(fault.code, fault.body, dict(fault.headers), fault.content_type))
                return
            if fault and fault.kind == "slow":
                time.sleep(fault.delay)
            resp = replica.handle(req)
            if fault and fault.kind == "content_type":
                resp.content_type = fault.content_type
            if fault and fault.kind == "truncate":
                self._send_truncated(resp)
                return
            if resp.delay:  # counted from the request's arrival, so the handler's own work is included
                time.sleep(max(0.0, resp.delay - (time.monotonic() - req.at)))
            self._send(resp)
        except (BrokenPipeError, ConnectionResetError):
            pass

    do_GET = do_POST = do_HEAD = _serve

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send(self, resp: Response) -> None:
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if resp.stream is not None:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in resp.stream:
                if not chunk:
                    continue
                self.wfile.write(f"{len(chunk):X}\r\n".encode() + chunk + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
            return
        payload = resp.payload()
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_truncated(self, resp: Response) -> None:
        """Promise the whole body, send less than half of it, and hang up."""
        payload = resp.payload()
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload[: max(1, len(payload) // 3)])
        self.wfile.flush()
        self.close_connection = True
        self._drop()

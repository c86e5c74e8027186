"""A hostile HTTP server for tests (stdlib only): it answers the way a broken or malicious upstream would.

    with HostileServer() as h:
        h.route("/api/daily_papers", h.json([{"paper": {"id": "2601.00001", "title": "a\\ud800b"}}]))
        h.route("/html/", h.drip(b"<html>", interval=0.2))        # headers at once, then a byte every 0.2 s
        h.route("/pdf/", h.redirect_loop())                        # 302 to itself, forever
        h.route("/v1/chat/completions", h.endless_sse())           # an LLM stream that never ends
        ... point HF_ENDPOINT / PAPERBRIEF_ARXIV_URL / OPENAI_BASE_URL at h.url ...

Every behaviour writes raw bytes on the socket, so anything is possible: dripping headers,
lying Content-Length, bodies that never end, wrong content types, garbage. A behaviour stops
as soon as the client hangs up or the server is stopped. `h.count(prefix)` counts requests.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Req:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)


class Wire:
    """The client's socket, for a behaviour to write on; `alive` is False once the client or server is gone."""

    def __init__(self, sock: socket.socket, stop: threading.Event) -> None:
        self.sock, self.stop = sock, stop
        self.alive = True

    def send(self, data: bytes) -> bool:
        if not self.alive or self.stop.is_set():
            self.alive = False
            return False
        try:
            self.sock.sendall(data)
        except OSError:
            self.alive = False
        return self.alive

    def wait(self, seconds: float) -> bool:
        if self.stop.wait(seconds):
            self.alive = False
        return self.alive

    def head(self, status: int = 200, headers: dict[str, str] | None = None, reason: str = "OK") -> bool:
        lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


Behaviour = Callable[[Req, Wire], None]


class HostileServer:
    """A threaded TCP server on 127.0.0.1 whose routes are hostile behaviours (longest prefix wins)."""

    def __init__(self) -> None:
        self.routes: dict[str, Behaviour] = {}
        self.requests: list[Req] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: socketserver.ThreadingTCPServer | None = None

    # -- lifecycle ---------------------------------------------------------------

    def __enter__(self) -> HostileServer:
        owner = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                owner._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="hostile", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, prefix: str, behaviour: Behaviour) -> None:
        self.routes[prefix] = behaviour

    def count(self, prefix: str = "/") -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.path.startswith(prefix))

    # -- serving -----------------------------------------------------------------

    def _handle(self, sock: socket.socket) -> None:
        wire = Wire(sock, self._stop)
        sock.settimeout(5)
        while wire.alive and not self._stop.is_set():
            req = _read_request(sock)
            if req is None:
                return
            with self._lock:
                self.requests.append(req)
            behaviour = next((self.routes[p] for p in sorted(self.routes, key=len, reverse=True)
                              if req.path.startswith(p)), None)
            if behaviour is None:
                self.text(404, "no such route")(req, wire)
            else:
                behaviour(req, wire)
            if req.headers.get("connection", "").lower() == "close":
                break
        with contextlib.suppress(OSError):
            sock.close()

    # -- behaviours ----------------------------------------------------------------

    @staticmethod
    def raw(status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> Behaviour:
        """A complete, honest answer with any status, body and content type."""

        def go(req: Req, w: Wire) -> None:
            w.head(status, {"Content-Type": content_type, "Content-Length": str(len(body)), **(headers or {})})
            w.send(body)

        return go

    @classmethod
    def text(cls, status: int, text: str, content_type: str = "text/plain; charset=utf-8") -> Behaviour:
        return cls.raw(status, text.encode("utf-8", "surrogatepass"), content_type)

    @classmethod
    def json(cls, data: object, status: int = 200, content_type: str = "application/json") -> Behaviour:
        """JSON as Python writes it: lone surrogates, 1e19 and NaN/Infinity survive as in a hostile answer."""
        return cls.raw(status, json.dumps(data).encode("ascii"), content_type)

    @staticmethod
    def drip(body: bytes = b"x" * 100_000, *, interval: float = 0.2, content_type: str = "text/html",
             chunk: int = 1) -> Behaviour:
        """Headers at once (with the full Content-Length), then `chunk` bytes every `interval` seconds."""

        def go(req: Req, w: Wire) -> None:
            w.head(200, {"Content-Type": content_type, "Content-Length": str(len(body))})
            for i in range(0, len(body), chunk):
                if not (w.wait(interval) and w.send(body[i : i + chunk])):
                    return

        return go

    @staticmethod
    def drip_headers(*, interval: float = 0.2) -> Behaviour:
        """The status line, then one byte of an endless header every `interval` seconds."""

        def go(req: Req, w: Wire) -> None:
            w.send(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while w.wait(interval) and w.send(b"a"):
                pass

        return go

    @staticmethod
    def redirect_loop(target: str | None = None, status: int = 302) -> Behaviour:
        """A redirect to `target` (default: the same path again), every time."""

        def go(req: Req, w: Wire) -> None:
            location = target or req.path + ("?" + req.query if req.query else "")
            w.head(status, {"Location": location, "Content-Length": "0"}, reason="Found")

        return go

    @staticmethod
    def endless(content_type: str = "text/html", piece: bytes = b"<p>more " * 512) -> Behaviour:
        """A chunked body that never ends, sent as fast as the client reads it."""

        def go(req: Req, w: Wire) -> None:
            w.head(200, {"Content-Type": content_type, "Transfer-Encoding": "chunked"})
            frame = f"{len(piece):X}\r\n".encode() + piece + b"\r\n"
            while w.send(frame):
                pass

        return go

    @staticmethod
    def lying_length(declared: int = 10**12, content_type: str = "application/pdf") -> Behaviour:
        """A Content-Length far beyond any cap, then a little data and silence."""

        def go(req: Req, w: Wire) -> None:
            w.head(200, {"Content-Type": content_type, "Content-Length": str(declared)})
            w.send(b"%PDF-1.7\n")
            w.wait(30)

        return go

    @staticmethod
    def hang_up() -> Behaviour:
        """Close the connection without a word."""

        def go(req: Req, w: Wire) -> None:
            w.alive = False
            with contextlib.suppress(OSError):
                w.sock.shutdown(socket.SHUT_RDWR)

        return go

    @staticmethod
    def garbage(size: int = 4096, content_type: str = "application/json") -> Behaviour:
        """Random bytes under a plausible content type."""
        return HostileServer.raw(200, os.urandom(size), content_type)

    @staticmethod
    def gzip_bomb(size: int = 200 * 1024 * 1024, content_type: str = "text/html") -> Behaviour:
        """A small gzip body that inflates to `size` bytes of zeros."""
        body = gzip.compress(b"\0" * size, compresslevel=9)
        return HostileServer.raw(200, body, content_type, {"Content-Encoding": "gzip"})

    @staticmethod
    def sse(events: list[bytes], *, then_forever: bytes | None = None, interval: float = 0.0) -> Behaviour:
        """A text/event-stream of `events` (each a complete `data: ...` payload), optionally endless."""

        def go(req: Req, w: Wire) -> None:
            w.head(200, {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"})

            def frame(data: bytes) -> bytes:
                return f"{len(data):X}\r\n".encode() + data + b"\r\n"

            for e in events:
                if not w.send(frame(e)):
                    return
            if then_forever is not None:
                while (not interval or w.wait(interval)) and w.send(frame(then_forever)):
                    pass
                return
            w.send(b"0\r\n\r\n")

        return go


def _read_request(sock: socket.socket) -> Req | None:
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            part = sock.recv(65536)
            if not part:
                return None
            data += part
            if len(data) > 1 << 20:
                return None
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = [*lines[0].split(" ", 2), "", ""][:3]
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        length = int(headers.get("content-length") or 0)
        while len(rest) < length:
            part = sock.recv(65536)
            if not part:
                break
            rest += part
    except (OSError, ValueError):
        return None
    parts = urlsplit(target)
    return Req(method, parts.path, parts.query, headers, rest[:length])

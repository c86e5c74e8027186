"""Serve the built static site over HTTP on 127.0.0.1 (another host only when asked).

A plain `ThreadingHTTPServer` with `SimpleHTTPRequestHandler` rooted at the site folder,
so what you see is what a static host (GitHub Pages) serves. Folders are never listed (404
unless they hold an index.html), and a request whose path can't name a file (a NUL byte, say)
gets 400 instead of a traceback and a dropped connection. `ensure_built` rebuilds the
site first when the store changed after the last build.
"""

from __future__ import annotations

import functools
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

from paperbrief.render.site import BuildReport, build_site, read_manifest, site_is_stale
from paperbrief.store import Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with the right types for the feed and the index, and quiet logs."""

    extensions_map = {  # noqa: RUF012 (the base class declares it as an instance attribute)
        **SimpleHTTPRequestHandler.extensions_map,
        ".xml": "application/atom+xml; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".svg": "image/svg+xml",
    }
    quiet = False

    def send_head(self) -> BinaryIO | None:
        try:
            path = unquote(urlsplit(self.path).path, errors="surrogatepass")
        except ValueError:  # %ff%fe: not UTF-8 (the base class would raise while mapping it to a file)
            self.send_error(400, "Bad request: the path is not valid UTF-8")
            return None
        if "\0" in path:
            self.send_error(400, "Bad request: the path contains a NUL byte")
            return None
        try:
            return super().send_head()
        except (ValueError, UnicodeError):  # a path the file system can't take
            self.send_error(400, "Bad request: the path is not a valid file name")
            return None

    def list_directory(self, path: Any) -> None:
        """Folders are not listed (a static host doesn't list them either)."""
        self.send_error(404, "File not found")
        return None

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        if not self.quiet:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


def ensure_built(store: Store, out: Path, *, lang: str | None = None, base_url: str | None = None) -> BuildReport | None:
    """Rebuild the site when it was never built or the store is newer; else None.

    Language and base URL default to those of the previous build (then zh and none).
    """
    manifest = read_manifest(out) or {}
    want_lang = lang or manifest.get("lang") or "zh"
    want_base = base_url if base_url is not None else manifest.get("base_url", "")
    if not site_is_stale(store, out) and manifest.get("lang") == want_lang and manifest.get("base_url") == (
        (want_base.rstrip("/") + "/") if want_base else ""
    ):
        return None
    return build_site(store, out, lang=want_lang, base_url=want_base)


def make_server(out: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, quiet: bool = False) -> ThreadingHTTPServer:
    """A server for the site folder (port 0 picks a free port: see `server.server_address`)."""
    handler = functools.partial(type("Handler", (SiteHandler,), {"quiet": quiet}), directory=str(out))
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


def serve_in_thread(out: Path, host: str = DEFAULT_HOST, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start a quiet server in a daemon thread; returns it and its base URL (for tests and tools)."""
    server = make_server(out, host, port, quiet=True)
    threading.Thread(target=server.serve_forever, name="paperbrief-serve", daemon=True).start()
    h, p = server.server_address[:2]
    host = h.decode() if isinstance(h, bytes) else str(h)
    return server, f"http://{host}:{p}/"

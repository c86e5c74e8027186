"""The one HTTP client: a polite User-Agent, arXiv spacing, retries with backoff, a size cap and a disk cache.

    with Fetcher(settings) as fetcher:
        page = fetcher.get("https://arxiv.org/html/2501.11120", accept=HTML_TYPES)

- Every request carries `paperbrief/<version> (+<contact>)` as its User-Agent.
- Requests to arXiv (the `arxiv_url` site and the export API) go one at a time, the
  starts of consecutive requests at least `arxiv_delay` seconds apart.
- 429/500/502/503/504 and connection or read errors are retried with exponential
  backoff, honouring `Retry-After` (seconds or an HTTP date) and HF's `RateLimit` `t=`.
- A 403 from arXiv raises `ArxivBlocked`; every later arXiv request of this Fetcher fails
  fast with it, so a run stops hitting arXiv at once.
- Bodies larger than `max_download_mb` are refused while streaming, and every attempt has a
  wall-clock deadline (`http_deadline`) that covers connecting, the headers and the body: a
  server that drips a byte a second is cut off (not retried). The deadline and a byte budget
  are enforced in the network layer (`limited`), so the LLM client uses them too.
- Every library failure (redirect loops, bad URLs, broken encodings) becomes a FetchError.
- Successful downloads are cached under `settings.cache_dir`, keyed by URL, one file per
  entry (a JSON header line, then the body), written atomically. A repeat `get` of the
  same URL makes no request. 404s are remembered for a day (`NOT_FOUND_TTL`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from paperbrief import __version__
from paperbrief.config import Settings
from paperbrief.files import write_atomic
from paperbrief.retry import backoff_seconds, retry_after_seconds

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is treated as a final failure
NOT_FOUND_TTL = 24 * 3600.0  # a cached 404 counts for a day (arXiv converts HTML late sometimes)

HTML_TYPES = ("text/html", "application/xhtml+xml")
PDF_TYPES = ("application/pdf",)
ATOM_TYPES = ("application/atom+xml", "application/xml", "text/xml")
JSON_TYPES = ("application/json",)

_KEPT_HEADERS = ("link", "etag", "last-modified", "content-disposition")
MAX_REDIRECTS = 10


class FetchError(Exception):
    """A download that failed for good; `status` is the last HTTP status (None for network errors)."""

    def __init__(self, message: str, *, url: str, status: int | None = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.body = body


class NotFound(FetchError):
    """The server answered 404/410: the resource does not exist there (not a breakage)."""


class ArxivBlocked(FetchError):
    """arXiv answered 403; no more arXiv requests are made by this Fetcher."""


@dataclass(frozen=True)
class Fetched:
    """A successful (2xx) response, from the network or the cache."""

    url: str
    status: int
    content: bytes
    content_type: str
    from_cache: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def mime(self) -> str:
        return mime_of(self.content_type)

    @property
    def text(self) -> str:
        """The body decoded with the declared charset (UTF-8 when none or unknown)."""
        m = re.search(r"charset=([\w.-]+)", self.content_type, re.I)
        charset = m.group(1) if m else "utf-8"
        try:
            return self.content.decode(charset, errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")


def mime_of(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def full_url(url: str, params: dict[str, Any] | None = None) -> str:
    """The URL with its query parameters, as the cache key and error messages use it."""
    if not params:
        return url
    query = urlencode([(k, v) for k, v in params.items() if v is not None])
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


# -- wall-clock deadlines and byte budgets in the network layer -------------------------------
#
# httpx's timeouts are per operation: a server that sends one byte per second never trips them.
# `limited(seconds=..., max_bytes=...)` sets, for the calling thread, a deadline and a byte budget
# that every socket read and write of a transport prepared with `install_limits` obeys: a read
# waits at most until the deadline, and a read past the deadline or the budget fails with the
# library's own ReadTimeout / ReadError (so httpx and the openai SDK map it as usual).


@dataclass
class Limits:
    """The deadline (time.monotonic) and byte budget of the calling thread's current request."""

    deadline: float | None = None
    max_bytes: int | None = None
    received: int = 0
    expired: bool = False  # a read or write was refused because the deadline had passed
    exceeded: bool = False  # a read was refused because more than max_bytes had arrived

    def remaining(self, timeout: float | None) -> float | None:
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        return left if timeout is None else min(timeout, left)


_local = threading.local()


@contextlib.contextmanager
def limited(*, seconds: float | None = None, max_bytes: int | None = None) -> Iterator[Limits]:
    """Bound the calling thread's requests (on transports with `install_limits`) in time and bytes."""
    lim = Limits(deadline=None if seconds is None else time.monotonic() + seconds, max_bytes=max_bytes)
    previous = getattr(_local, "limits", None)
    _local.limits = lim
    try:
        yield lim
    finally:
        _local.limits = previous


class _LimitedStream:
    """A network stream (httpcore or httpcore2) whose reads and writes obey the thread's Limits."""

    def __init__(self, inner: Any, errors: Any) -> None:
        self._inner, self._errors = inner, errors

    def _timeout(self, timeout: float | None, lim: Limits) -> float | None:
        timeout = lim.remaining(timeout)
        if timeout is not None and timeout <= 0:
            lim.expired = True
            raise self._errors.ReadTimeout("the wall-clock deadline of the request has passed")
        return timeout

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        lim: Limits | None = getattr(_local, "limits", None)
        if lim is None:
            return self._inner.read(max_bytes, timeout)
        try:
            data: bytes = self._inner.read(max_bytes, self._timeout(timeout, lim))
        except self._errors.ReadTimeout:
            if lim.deadline is not None and time.monotonic() >= lim.deadline - 0.001:
                lim.expired = True
            raise
        lim.received += len(data)
        if lim.max_bytes is not None and lim.received > lim.max_bytes:
            lim.exceeded = True
            raise self._errors.ReadError(f"the answer is larger than {lim.max_bytes:,} bytes")
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        lim: Limits | None = getattr(_local, "limits", None)
        self._inner.write(buffer, timeout if lim is None else self._timeout(timeout, lim))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
        lim: Limits | None = getattr(_local, "limits", None)
        if lim is not None:
            timeout = self._timeout(timeout, lim)
        return _LimitedStream(self._inner.start_tls(ssl_context, server_hostname, timeout), self._errors)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _LimitedBackend:
    """A network backend (httpcore or httpcore2) whose connections obey the thread's Limits."""

    def __init__(self, inner: Any, errors: Any) -> None:
        self._inner, self._errors = inner, errors

    def _timeout(self, timeout: float | None) -> float | None:
        lim: Limits | None = getattr(_local, "limits", None)
        if lim is None:
            return timeout
        left = lim.remaining(timeout)
        if left is not None and left <= 0:
            lim.expired = True
            raise self._errors.ConnectTimeout("the wall-clock deadline of the request has passed")
        return left

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, **kw: Any) -> _LimitedStream:
        return _LimitedStream(self._inner.connect_tcp(host, port, self._timeout(timeout), **kw), self._errors)

    def connect_unix_socket(self, path: str, timeout: float | None = None, **kw: Any) -> _LimitedStream:
        return _LimitedStream(self._inner.connect_unix_socket(path, self._timeout(timeout), **kw), self._errors)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install_limits(transport: Any) -> bool:
    """Make an httpx (or httpx2) HTTPTransport obey `limited`; False when its internals are unknown."""
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None or isinstance(backend, _LimitedBackend):
        return backend is not None
    errors = sys.modules.get(type(backend).__module__.split(".")[0])
    if errors is None or not hasattr(errors, "ReadTimeout"):
        return False
    pool._network_backend = _LimitedBackend(backend, errors)  # type: ignore[union-attr]
    return True


def limit_client(client: Any) -> bool:
    """Make an httpx (or httpx2, the openai SDK's) Client obey `limited`: its transport and proxy mounts."""
    ok = install_limits(getattr(client, "_transport", None))
    for transport in (getattr(client, "_mounts", None) or {}).values():
        if transport is not None:
            install_limits(transport)
    return ok


class Fetcher:
    """The project's HTTP client. Thread-safe; one per run; close it (or use `with`)."""

    def __init__(self, settings: Settings, *, backoff: float = 0.5, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.backoff = backoff
        self.user_agent = f"paperbrief/{__version__} (+{settings.contact})"
        self.cache_dir = Path(settings.cache_dir)
        self.max_bytes = int(settings.max_download_mb * 1024 * 1024)
        if transport is None:
            transport = httpx.HTTPTransport()
            install_limits(transport)
        self._client = httpx.Client(
            headers={"User-Agent": self.user_agent},
            timeout=httpx.Timeout(settings.http_timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            transport=transport,
        )
        self._arxiv_lock = threading.Lock()  # one arXiv request at a time
        self._arxiv_last_start: float | None = None
        self._count_lock = threading.Lock()
        self._blocked: ArxivBlocked | None = None
        self._cache_warned = False
        self.requests_made = 0

    # -- public ---------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        cache: bool = True,
        accept: tuple[str, ...] | None = None,
    ) -> Fetched:
        """GET `url` (with `params`), from the cache when possible.

        `accept` lists the content types the caller can use; any other type is a
        FetchError (and is not cached). Raises NotFound on 404/410, ArxivBlocked on a
        403 from arXiv, FetchError on any other final failure.
        """
        target = full_url(url, params)
        if cache:
            hit = self._cache_read(target)
            if hit is not None:
                if hit.status in (404, 410):
                    raise NotFound(f"{target}: not found (HTTP {hit.status}, cached)", url=target, status=hit.status, body=hit.content)
                if self._acceptable(hit, accept):
                    return hit
        arxiv = self.is_arxiv(target)
        if arxiv and self._blocked is not None:
            raise ArxivBlocked(str(self._blocked), url=target, status=403)

        status, content, headers = self._with_retries(target, lambda: self._request(target, arxiv))
        ctype = headers.get("content-type", "application/octet-stream")
        if 200 <= status < 300:
            fetched = Fetched(target, status, content, ctype, False, {k: headers[k] for k in _KEPT_HEADERS if k in headers})
            if not self._acceptable(fetched, accept):
                raise FetchError(
                    f"{target}: unexpected content type {fetched.mime or '(none)'}, expected {' or '.join(accept or ())}",
                    url=target,
                    status=status,
                    body=content[:2048],
                )
            if cache:
                self._cache_write(fetched)
            return fetched
        if status in (404, 410):
            if cache:
                self._cache_write(Fetched(target, status, content[:65536], ctype))
            raise NotFound(f"{target}: not found (HTTP {status})", url=target, status=status, body=content)
        if status == 403 and arxiv:
            blocked = ArxivBlocked(
                "arXiv refused access (403); stop and wait before retrying, "
                f"and check your User-Agent/contact ({self.user_agent})",
                url=target,
                status=403,
                body=content[:2048],
            )
            self._blocked = blocked
            raise blocked
        raise FetchError(f"{target}: HTTP {status}", url=target, status=status, body=content[:2048])

    def post(self, url: str, body: bytes, *, label: str, content_type: str = "application/json") -> Fetched:
        """POST `body` to `url` (never cached), retrying 429/5xx and connection errors like `get`.

        Returns the final answer whatever its status (the caller judges 4xx and error codes in a
        200); raises FetchError when the retries run out. Messages name `label`, never `url`
        (webhook URLs carry tokens).
        """

        def send() -> tuple[int, bytes, httpx.Headers]:
            with self._count_lock:
                self.requests_made += 1
            with self._deadline(), self._client.stream(
                "POST", url, content=body, headers={"Content-Type": content_type}
            ) as resp:
                return resp.status_code, self._read_capped(resp, label), resp.headers

        status, content, headers = self._with_retries(label, send)
        return Fetched(label, status, content, headers.get("content-type", ""), False, dict(headers))

    def _with_retries(
        self, label: str, send: Callable[[], tuple[int, bytes, httpx.Headers]]
    ) -> tuple[int, bytes, httpx.Headers]:
        """Call `send` until it gives an answer that is not worth retrying, and return that answer.

        Connection and read errors and RETRY_STATUSES are retried up to `http_retries` times with
        exponential backoff, or after the server's `Retry-After` when it gives one. A server asking
        to wait longer than MAX_RETRY_AFTER, or the retries running out, raise FetchError.
        """
        attempts = self.settings.http_retries + 1
        last_problem = ""
        last_status: int | None = None
        for attempt in range(attempts):
            wait: float | None = None
            try:
                status, content, headers = send()
            except _DeadlinePassed:
                raise FetchError(
                    f"{label}: the download took longer than {self.settings.http_deadline:g} s (the server sends "
                    "too slowly or without end); not retried, raise http_deadline if this is expected",
                    url=label,
                ) from None
            except httpx.TooManyRedirects:
                raise FetchError(
                    f"{label}: more than {MAX_REDIRECTS} redirects (a redirect loop on the server)", url=label
                ) from None
            except httpx.TransportError as e:  # connect/read errors, timeouts, dropped or cut-off bodies
                last_problem = _describe_transport_error(e, self.settings.http_timeout)
                last_status = None
            except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as e:  # bad encodings, bad redirects
                raise FetchError(f"{label}: {type(e).__name__}: {str(e)[:200]}", url=label) from None
            else:
                if status not in RETRY_STATUSES:
                    return status, content, headers
                last_status = status
                last_problem = f"HTTP {status}"
                wait = retry_after_seconds(headers)
                if wait is not None and wait > MAX_RETRY_AFTER:
                    raise FetchError(
                        f"{label}: HTTP {status}, and the server asks to wait {wait:.0f} s; try again later",
                        url=label,
                        status=status,
                    )
            if attempt + 1 < attempts:
                delay = wait if wait is not None else backoff_seconds(attempt + 1, self.backoff, jitter=0)
                log.info("retrying %s in %.1f s after %s", label, delay, last_problem)
                time.sleep(delay)
        raise FetchError(
            f"{label}: {last_problem} (gave up after {attempts} attempt{'s' if attempts > 1 else ''})",
            url=label,
            status=last_status,
        )

    def is_arxiv(self, url: str) -> bool:
        """True for URLs on the configured arXiv site or export API (they get the polite spacing)."""
        s = self.settings
        export = s.arxiv_export_url.rstrip("/")
        if url.startswith(export):
            return True
        arxiv = s.arxiv_url.rstrip("/")
        if _host(url) != _host(arxiv):
            return False
        if _host(arxiv) != _host(s.hf_endpoint):
            return True
        # arXiv and HF behind one host (a replica or a mirror): tell them apart by path.
        rest = url[len(arxiv) :] if url.startswith(arxiv) else urlsplit(url).path
        return rest.startswith(("/html/", "/pdf/", "/abs/", "/api/query"))

    @property
    def arxiv_blocked(self) -> bool:
        return self._blocked is not None

    def forget(self, url: str, params: dict[str, Any] | None = None) -> None:
        """Drop the cached copy of a URL (e.g. a page that turned out unusable)."""
        with contextlib.suppress(FileNotFoundError):
            self._cache_path(full_url(url, params)).unlink()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- network ----------------------------------------------------------------

    def _request(self, url: str, arxiv: bool) -> tuple[int, bytes, httpx.Headers]:
        if not arxiv:
            return self._stream(url)
        with self._arxiv_lock:
            delay = self.settings.arxiv_delay
            if self._arxiv_last_start is not None and delay > 0:
                remaining = self._arxiv_last_start + delay - time.monotonic()
                if remaining > 0:
                    time.sleep(remaining)
            self._arxiv_last_start = time.monotonic()
            return self._stream(url)

    def _stream(self, url: str) -> tuple[int, bytes, httpx.Headers]:
        with self._count_lock:
            self.requests_made += 1
        log.debug("GET %s", url)
        with self._deadline(), self._client.stream("GET", url) as resp:
            return resp.status_code, self._read_capped(resp, url), resp.headers

    @contextlib.contextmanager
    def _deadline(self) -> Iterator[Limits]:
        """One attempt bounded by `http_deadline` (see `limited`); past it, _DeadlinePassed."""
        with limited(seconds=self.settings.http_deadline) as lim:
            try:
                yield lim
            except httpx.TimeoutException:
                if lim.expired:
                    raise _DeadlinePassed() from None
                raise

    def _read_capped(self, resp: httpx.Response, label: str) -> bytes:
        """The body, refused (FetchError) once it grows past `max_download_mb`."""
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(self._too_big(label), url=label, status=resp.status_code)
        chunks: list[bytes] = []
        size = 0
        lim: Limits | None = getattr(_local, "limits", None)
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(self._too_big(label), url=label, status=resp.status_code)
            if lim is not None and lim.deadline is not None and time.monotonic() > lim.deadline:
                raise _DeadlinePassed()  # a transport without install_limits (a proxy, a test's)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_big(self, url: str) -> str:
        return (
            f"{url}: the download is larger than {self.settings.max_download_mb:g} MB; "
            "raise max_download_mb if this is expected"
        )

    @staticmethod
    def _acceptable(fetched: Fetched, accept: tuple[str, ...] | None) -> bool:
        return not accept or fetched.mime in accept

    # -- cache ------------------------------------------------------------------

    def _cache_path(self, url: str) -> Path:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.cache_dir / key[:2] / key

    def _cache_read(self, url: str) -> Fetched | None:
        path = self._cache_path(url)
        try:
            raw = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as e:
            log.warning("cannot read cache entry %s: %s", path, e)
            return None
        header, sep, body = raw.partition(b"\n")
        try:
            meta = json.loads(header)
        except ValueError:
            meta = None
        if not sep or not isinstance(meta, dict) or meta.get("url") != url:
            return None  # damaged or a hash collision: fetch again
        status = int(meta.get("status", 200))
        if status in (404, 410) and time.time() - float(meta.get("fetched_at", 0)) > NOT_FOUND_TTL:
            return None
        return Fetched(url, status, body, meta.get("content_type", ""), True, dict(meta.get("headers") or {}))

    def _cache_write(self, fetched: Fetched) -> None:
        path = self._cache_path(fetched.url)
        meta = {
            "url": fetched.url,
            "status": fetched.status,
            "content_type": fetched.content_type,
            "headers": fetched.headers,
            "fetched_at": time.time(),
            "fetched": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            write_atomic(path, json.dumps(meta, ensure_ascii=True).encode("ascii") + b"\n" + fetched.content, sync=False)
        except OSError as e:  # a full or read-only disk must not fail the download itself
            if self._cache_warned:
                log.debug("cannot write cache entry %s: %s", path, e)
            else:
                self._cache_warned = True
                log.warning("cannot write to the download cache %s (%s); downloads are not cached in this run",
                            self.cache_dir, e.strerror or e)


class _DeadlinePassed(Exception):
    """One attempt ran past `http_deadline` (raised inside `_stream`, reported by `_with_retries`)."""


def _describe_transport_error(e: httpx.TransportError, timeout: float) -> str:
    if isinstance(e, httpx.TimeoutException):
        return f"no answer within {timeout:g} s ({type(e).__name__})"
    if isinstance(e, httpx.ConnectError):
        return f"cannot connect ({e})"
    if isinstance(e, httpx.RemoteProtocolError):
        return f"connection broken or body cut off ({e})"
    return f"{type(e).__name__}: {e}"

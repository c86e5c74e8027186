"""The one rule for waiting before a retry: `Retry-After` when the server says, else backoff.

Used by the HTTP client (Hugging Face, arXiv, webhooks) and the LLM writer alike.
"""

from __future__ import annotations

import email.utils
import random
import re
import time
from collections.abc import Mapping
from datetime import UTC

MAX_BACKOFF = 30.0  # seconds; exponential backoff never waits longer than this


def retry_after_seconds(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds to wait as the server asks: `retry-after-ms`, `Retry-After` (seconds or an HTTP date),
    or Hugging Face's `RateLimit: ...;t=N`. None when it does not say."""
    if headers is None:
        return None
    ms = _header(headers, "retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = _header(headers, "retry-after")
    if value:
        value = value.strip()
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            when = None
        if when is not None:
            if when.tzinfo is None:
                when = when.replace(tzinfo=UTC)
            now = time.time() if now is None else now
            return max(0.0, when.timestamp() - now)
    ratelimit = _header(headers, "ratelimit")
    if ratelimit:
        m = re.search(r"\bt=(\d+)", ratelimit)
        if m:
            return float(m.group(1))
    return None


def backoff_seconds(attempt: int, base: float = 0.5, *, jitter: float = 0.2) -> float:
    """Exponential backoff before retry number `attempt` (1, 2, ...): base, 2·base, 4·base ... up to
    MAX_BACKOFF, stretched by up to `jitter` so that clients retrying together spread out."""
    delay = min(base * 2 ** max(attempt - 1, 0), MAX_BACKOFF)
    return delay * (1 + random.random() * jitter) if jitter else delay


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value

"""Incremental build bookkeeping: what the previous build wrote, what is on disk, writing files.

Each day and paper page's inputs are hashed; the hashes (and the bytes' hashes of the
whole-site files) are kept in `<out>/.paperbrief-site.json`. A page whose hash is unchanged
and whose file exists is not rendered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from paperbrief.disk import raise_if_full
from paperbrief.files import write_atomic
from paperbrief.store import Store

MANIFEST = ".paperbrief-site.json"
PAGE_FOLDERS = ("days", "papers")


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def site_is_stale(store: Store, out: Path) -> bool:
    """True when the site in `out` was never built, or the store changed after it was."""
    manifest = read_manifest(out)
    return manifest is None or float(manifest.get("data_version", -1)) < store.data_version


def digest(*parts: Any) -> str:
    """A short hash of a page's inputs."""
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:20]


def bytes_digest(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()[:20]


_PAGE_PREFIXES = tuple(f"{folder}/" for folder in PAGE_FOLDERS)


def is_page(path: str) -> bool:
    """A day or paper page (as opposed to a whole-site file: home, feed, search, static)."""
    return path.startswith(_PAGE_PREFIXES)


class Previous:
    """The previous build in `out`: its page hashes and site hash, and which page files exist."""

    def __init__(self, out: Path) -> None:
        self.out = out
        old = read_manifest(out) or {}
        pages = old.get("pages")
        self.pages: dict[str, str] = pages if isinstance(pages, dict) else {}
        self.site_hash: str | None = old.get("site_hash")
        # One directory read per folder, not a stat per page.
        self._present = set().union(*(_listing(out, folder) for folder in PAGE_FOLDERS))

    def needs(self, path: str, page_digest: str) -> bool:
        """True when a day or paper page must be rendered: its inputs changed, or its file is gone."""
        return self.pages.get(path) != page_digest or path not in self._present

    def whole_files_missing(self) -> bool:
        """True when a whole-site file the previous build wrote is gone."""
        return any(not (self.out / path).exists() for path in self.pages if not is_page(path))


def _listing(out: Path, folder: str) -> set[str]:
    """The files in a folder of the site, as site paths."""
    try:
        return {f"{folder}/{name}" for name in os.listdir(out / folder)}
    except FileNotFoundError:
        return set()


def write_manifest(out: Path, *, fmt: int, lang: str, base_url: str, data_version: float, site_hash: str,
                   pages: dict[str, str]) -> None:
    manifest = {"format": fmt, "lang": lang, "base_url": base_url, "data_version": data_version,
                "built_at": time.time(), "site_hash": site_hash, "pages": pages}
    write_file(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def write_file(path: Path, data: bytes, fresh: bool | None = None) -> None:
    """Write a file; one that exists is replaced atomically (a server may be reading it).

    A full disk raises DiskFull naming the file and the bytes it needed."""
    try:
        _write_file(path, data, fresh)
    except OSError as e:
        raise_if_full(e, path, len(data))
        raise


def _write_file(path: Path, data: bytes, fresh: bool | None) -> None:
    if fresh is None:
        fresh = not os.path.exists(path)
    if fresh:
        try:
            with open(path, "wb") as f:
                f.write(data)
            return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            return
    write_atomic(path, data, sync=False)

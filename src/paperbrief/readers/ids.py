"""Recognise arXiv identifiers: new-style (2501.11120v1), old-style (hep-th/9901001) and arXiv URLs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_NEW = r"\d{4}\.\d{4,5}"
_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
_ID = re.compile(rf"^(?:arxiv:)?(?P<id>{_NEW}|{_OLD})(?:v(?P<v>\d+))?$", re.I)
_URL_PATH = re.compile(rf"^/(?:abs|html|pdf)/(?P<id>{_NEW}|{_OLD})(?:v(?P<v>\d+))?(?:\.pdf)?/?$", re.I)


@dataclass(frozen=True)
class ArxivId:
    """An arXiv id without its version, and the version when one was given."""

    id: str
    version: int | None = None

    @property
    def versioned(self) -> str:
        """The id as it should be requested: with `vN` when a version was given."""
        return f"{self.id}v{self.version}" if self.version else self.id

    def __str__(self) -> str:
        return self.versioned


def parse_id(text: str) -> ArxivId | None:
    """`2501.11120`, `2501.11120v2`, `arXiv:2501.11120`, `hep-th/9901001v1` -> ArxivId; else None."""
    m = _ID.match(text.strip())
    if not m:
        return None
    return _make(m.group("id"), m.group("v"))


def parse_arxiv_url(url: str, extra_bases: tuple[str, ...] = ()) -> ArxivId | None:
    """An arXiv abs/html/pdf URL (on arxiv.org or one of `extra_bases`) -> ArxivId; else None."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https"):
        return None
    host = parts.netloc.lower()
    path = parts.path
    known = host in ("arxiv.org", "www.arxiv.org", "export.arxiv.org")
    for base in extra_bases:
        b = urlsplit(base.rstrip("/"))
        if b.netloc.lower() == host and path.startswith(b.path + "/"):
            known = True
            path = path[len(b.path) :]
            break
    if not known:
        return None
    m = _URL_PATH.match(path)
    if not m:
        return None
    return _make(m.group("id"), m.group("v"))


def _make(raw: str, version: str | None) -> ArxivId:
    if "/" in raw:  # old style: archive lower-case, subject class upper-case
        archive, number = raw.split("/", 1)
        name, _, subject = archive.partition(".")
        raw = f"{name.lower()}{'.' + subject.upper() if subject else ''}/{number}"
    return ArxivId(raw, int(version) if version else None)

"""Which papers: the Hugging Face Daily Papers listing of one day, every page, as a DayListing.

Items without an id, with an id that is not an arXiv id, or repeating an id already
listed are skipped with a warning in `DayListing.warnings`; they never stop the listing.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin

from paperbrief.config import Settings
from paperbrief.dates import BadDate, parse_day, today_utc
from paperbrief.http import JSON_TYPES, Fetcher, FetchError
from paperbrief.models import DayListing, ListedPaper
from paperbrief.readers.ids import parse_id

PAGE_SIZE = 100
MAX_PAGES = 50  # 5,000 papers: far beyond any real day; stops a server that ignores `p`
PUBLIC_PAPERS_URL = "https://huggingface.co/papers"

_BREAK_TAG = re.compile(r"<(?:br|/?p|/?div|/?li)\b[^>]*>", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_WS = re.compile(r"\s+")


class SourceError(Exception):
    """The listing could not be read; the message is one line for the user."""


def clean_text(text: Any) -> str:
    """HTML tags stripped, entities unescaped, whitespace collapsed."""
    if not isinstance(text, str):
        return ""
    return _WS.sub(" ", html.unescape(_TAG.sub("", _BREAK_TAG.sub(" ", text)))).strip()


def _next_link(link_header: str | None) -> str | None:
    if not link_header:
        return None
    for part in link_header.split(","):
        m = re.match(r'\s*<([^>]+)>\s*;(.*)', part)
        if m and re.search(r'rel\s*=\s*"?next"?', m.group(2)):
            return m.group(1)
    return None


def _str_or_none(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _paper(item: dict[str, Any], position: int) -> tuple[ListedPaper | None, str | None]:
    """One listing item -> (ListedPaper, None) or (None, warning); warnings for odd fields too."""
    raw_paper = item.get("paper")
    paper: dict[str, Any] = raw_paper if isinstance(raw_paper, dict) else {}
    raw_id = paper.get("id") or item.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        title = clean_text(paper.get("title") or item.get("title")) or "untitled"
        return None, f"item {position} ({title[:60]!r}) has no paper id; skipped"
    found = parse_id(raw_id)
    if found is None:
        return None, f"item {position} has id {raw_id.strip()[:40]!r}, which is not an arXiv id; skipped"
    title = clean_text(paper.get("title") or item.get("title"))
    authors = []
    for author in paper.get("authors") or []:
        name = author.get("name") if isinstance(author, dict) else author if isinstance(author, str) else None
        name = clean_text(name)
        if name:
            authors.append(name)
    try:
        upvotes = int(paper.get("upvotes") or 0)
    except (TypeError, ValueError):
        upvotes = 0
    keywords = [clean_text(k) for k in paper.get("ai_keywords") or [] if isinstance(k, str) and k.strip()]
    listed = ListedPaper(
        arxiv_id=found.id,
        title=title,
        authors=authors,
        abstract=clean_text(paper.get("summary") or item.get("summary")),
        upvotes=max(0, upvotes),
        hf_url=f"{PUBLIC_PAPERS_URL}/{found.id}",
        github_repo=_str_or_none(paper.get("githubRepo")),
        project_page=_str_or_none(paper.get("projectPage")),
        published_at=_str_or_none(paper.get("publishedAt")),
        submitted_at=_str_or_none(item.get("publishedAt")) or _str_or_none(paper.get("submittedOnDailyAt")),
        keywords=keywords,
    )
    return listed, None


def list_day(day: date | str, settings: Settings, fetcher: Fetcher) -> DayListing:
    """Every paper Hugging Face lists for `day`, in listing order. Raises SourceError."""
    if isinstance(day, str):
        try:
            day = parse_day(day)
        except BadDate as e:
            raise SourceError(str(e)) from None
    iso = day.isoformat()
    url = settings.hf_endpoint.rstrip("/") + "/api/daily_papers"
    # A day's bucket keeps growing while it is recent; older days are stable and cached.
    cache = day < today_utc() - timedelta(days=1)
    listing = DayListing(date=iso)
    seen: set[str] = set()
    next_url: str | None = None
    position = 0
    for page in range(MAX_PAGES):
        params = None if next_url else {"date": iso, "limit": PAGE_SIZE, "p": page}
        try:
            fetched = fetcher.get(next_url or url, params=params, cache=cache, accept=JSON_TYPES)
        except FetchError as e:
            raise SourceError(_explain(e, iso)) from None
        try:
            items = json.loads(fetched.content)
        except ValueError:
            raise SourceError(f"Hugging Face sent a listing for {iso} that is not valid JSON; try again later") from None
        if not isinstance(items, list):
            raise SourceError(f"Hugging Face sent a listing for {iso} that is not a list of papers")
        new = 0
        for item in items:
            position += 1
            if not isinstance(item, dict):
                listing.warnings.append(f"item {position} is not an object; skipped")
                continue
            paper, warning = _paper(item, position)
            if paper is None:
                listing.warnings.append(warning or f"item {position} skipped")
                continue
            if paper.arxiv_id in seen:
                listing.warnings.append(f"item {position} repeats {paper.arxiv_id}; skipped the duplicate")
                continue
            if not paper.title:
                listing.warnings.append(f"{paper.arxiv_id} has no title in the listing; kept (the reader will find it)")
            seen.add(paper.arxiv_id)
            listing.papers.append(paper)
            new += 1
        link = _next_link(fetched.headers.get("link"))
        if not items or (new == 0 and not link):
            break
        if link:
            next_url = urljoin(fetched.url, link)  # HF may send a relative Link
        elif len(items) < PAGE_SIZE:
            break
        else:
            next_url = None  # a full page without a Link header: ask for the next page number
            continue
    return listing


def paper_info(arxiv_id: str, settings: Settings, fetcher: Fetcher) -> ListedPaper | None:
    """What Hugging Face knows of one paper (`/api/papers/<id>`: title, authors, code and project
    links), or None when it does not index it or cannot be reached (the paper is read anyway)."""
    url = settings.hf_endpoint.rstrip("/") + f"/api/papers/{arxiv_id}"
    try:
        fetched = fetcher.get(url, accept=JSON_TYPES)
        data = json.loads(fetched.content)
    except (FetchError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    paper, _ = _paper({"paper": data}, 1)
    return paper


def _explain(error: FetchError, iso: str) -> str:
    body = ""
    try:
        data = json.loads(error.body or b"{}")
        if isinstance(data, dict) and isinstance(data.get("error"), str):
            body = data["error"]
    except ValueError:
        pass
    if error.status == 400:
        detail = f" ({body})" if body else ""
        return f"Hugging Face has no listing for {iso} yet{detail}; try an earlier date"
    reason = str(error)
    if error.url and reason.startswith(error.url + ": "):
        reason = reason[len(error.url) + 2 :]
    return f"cannot list {iso} on Hugging Face: {reason}{f' ({body})' if body else ''}"

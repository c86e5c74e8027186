"""Which papers: the Hugging Face Daily Papers listing of one day, every page, as a DayListing.

Items without an id, with an id that is not an arXiv id, or repeating an id already
listed are skipped with a warning in `DayListing.warnings`; they never stop the listing.
Repeats are summed up in one warning, and a listing cut at MAX_PAGES says so.

Hugging Face serves plain text: titles and abstracts are kept as they are (`x<y` and
`<think>` stay), only made safe by `text.clean_text` (no control characters, capped length).
Numbers are bounded before they reach the store.
"""

from __future__ import annotations

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
from paperbrief.text import ABSTRACT_MAX, NAME_MAX, TITLE_MAX, URL_MAX, clean_list, clean_text

PAGE_SIZE = 100
MAX_PAGES = 50  # 5,000 papers: far beyond any real day; stops a server that ignores `p`
PUBLIC_PAPERS_URL = "https://huggingface.co/papers"
MAX_UPVOTES = 10**9  # an upvote count beyond this is an upstream error, not a number to store
MAX_KEYWORDS = 100
MAX_ITEM_WARNINGS = 20  # warnings about single odd items shown; the rest are counted in one line


class SourceError(Exception):
    """The listing could not be read; the message is one line for the user."""


def _next_link(link_header: str | None) -> str | None:
    if not link_header:
        return None
    for part in link_header.split(","):
        m = re.match(r'\s*<([^>]+)>\s*;(.*)', part)
        if m and re.search(r'rel\s*=\s*"?next"?', m.group(2)):
            return m.group(1)
    return None


def _str_or_none(value: Any, max_len: int = URL_MAX) -> str | None:
    return clean_text(value, max_len=max_len, what="a link or date in the listing") or None


def _count(value: Any) -> int:
    """A count from upstream as an int in [0, MAX_UPVOTES]; anything else (1e19, "x", inf, nan) is 0."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return 0
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 12:
        value = int(value.strip())
    if not isinstance(value, int) or value < 0 or value > MAX_UPVOTES:
        return 0
    return value


def _paper(item: dict[str, Any], position: int, warnings: list[str]) -> tuple[ListedPaper | None, str | None]:
    """One listing item -> (ListedPaper, None) or (None, warning); warnings for odd fields too."""
    raw_paper = item.get("paper")
    paper: dict[str, Any] = raw_paper if isinstance(raw_paper, dict) else {}
    raw_id = paper.get("id") or item.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        title = clean_text(paper.get("title") or item.get("title"), max_len=TITLE_MAX, warnings=[]) or "untitled"
        return None, f"item {position} ({title[:60]!r}) has no paper id; skipped"
    found = parse_id(raw_id)
    if found is None:
        shown = clean_text(raw_id, max_len=40, warnings=[])
        return None, f"item {position} has id {shown!r}, which is not an arXiv id; skipped"
    aid = found.id
    title = clean_text(paper.get("title") or item.get("title"), max_len=TITLE_MAX, what=f"the title of {aid}",
                       warnings=warnings)
    raw_authors = paper.get("authors")
    names = [a.get("name") if isinstance(a, dict) else a for a in raw_authors] if isinstance(raw_authors, list) else []
    listed = ListedPaper(
        arxiv_id=aid,
        title=title,
        authors=clean_list(names, max_len=NAME_MAX, what=f"the authors of {aid}", warnings=warnings),
        abstract=clean_text(paper.get("summary") or item.get("summary"), max_len=ABSTRACT_MAX,
                            what=f"the abstract of {aid}", warnings=warnings),
        upvotes=_count(paper.get("upvotes")),
        hf_url=f"{PUBLIC_PAPERS_URL}/{aid}",
        github_repo=_str_or_none(paper.get("githubRepo")),
        project_page=_str_or_none(paper.get("projectPage")),
        published_at=_str_or_none(paper.get("publishedAt"), 64),
        submitted_at=_str_or_none(item.get("publishedAt"), 64) or _str_or_none(paper.get("submittedOnDailyAt"), 64),
        keywords=clean_list(paper.get("ai_keywords"), max_items=MAX_KEYWORDS, max_len=NAME_MAX,
                            what=f"the keywords of {aid}", warnings=warnings),
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
    repeats: list[str] = []
    skipped: list[str] = []  # one line per odd item; only the first few are shown
    asked: set[str] = set()
    more = False  # the server still had pages when MAX_PAGES was reached
    for page in range(MAX_PAGES):
        params = None if next_url else {"date": iso, "limit": PAGE_SIZE, "p": page}
        if next_url in asked:
            break  # a Link rel="next" that points back to a page already read
        try:
            fetched = fetcher.get(next_url or url, params=params, cache=cache, accept=JSON_TYPES)
        except FetchError as e:
            raise SourceError(_explain(e, iso)) from None
        asked.add(fetched.url)
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
                skipped.append(f"item {position} is not an object; skipped")
                continue
            paper, warning = _paper(item, position, skipped)
            if paper is None:
                skipped.append(warning or f"item {position} skipped")
                continue
            if paper.arxiv_id in seen:
                repeats.append(f"item {position} repeats {paper.arxiv_id}")
                continue
            if not paper.title:
                skipped.append(f"{paper.arxiv_id} has no title in the listing; kept (the reader will find it)")
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
        more = page == MAX_PAGES - 1
    listing.warnings += skipped[:MAX_ITEM_WARNINGS]
    if len(skipped) > MAX_ITEM_WARNINGS:
        listing.warnings.append(f"… and {len(skipped) - MAX_ITEM_WARNINGS:,} more odd items (not shown)")
    if len(repeats) == 1:
        listing.warnings.append(f"{repeats[0]}; skipped the duplicate")
    elif repeats:
        listing.warnings.append(
            f"{len(repeats):,} items repeat papers already listed (first: {repeats[0]}); skipped the duplicates"
        )
    if more:
        listing.warnings.append(
            f"the listing of {iso} was cut after {MAX_PAGES} pages ({position:,} items, {len(listing.papers):,} "
            "papers kept): the server kept sending more; the rest of the day is not included"
        )
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
    paper, _ = _paper({"paper": data}, 1, [])
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

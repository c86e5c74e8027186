"""Parse the arXiv export API's Atom answer for one id into a Document with source "ArXiv Abs"."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from paperbrief.models import Document, ListedPaper
from paperbrief.readers.common import NotAPaper, clean
from paperbrief.readers.ids import parse_arxiv_url, parse_id
from paperbrief.text import clean_document

ATOM = "{http://www.w3.org/2005/Atom}"


def _base_id(text: str) -> str | None:
    """`http://arxiv.org/abs/2601.00001v1` or `2601.00001v1` -> `2601.00001`."""
    found = parse_arxiv_url(text) or parse_id(text.rsplit("/abs/", 1)[-1])
    return found.id if found else None


def parse_atom(xml: bytes | str, arxiv_id: str) -> Document:
    """The entry for `arxiv_id` in an export-API feed: title, authors and summary.

    An error entry (title "Error"), no entry for the id, or XML that does not parse
    raises NotAPaper with the reason.
    """
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as e:
        raise NotAPaper(f"the export API answer is not valid XML ({e})") from None
    if root.tag != f"{ATOM}feed":
        raise NotAPaper("the export API answer is not an Atom feed")
    parsed = parse_id(arxiv_id)
    wanted = parsed.id if parsed else arxiv_id
    entries = root.findall(f"{ATOM}entry")
    if not entries:
        raise NotAPaper(f"the export API has no entry for {arxiv_id}")
    for entry in entries:
        title = clean(entry.findtext(f"{ATOM}title") or "")
        entry_id = (entry.findtext(f"{ATOM}id") or "").strip()
        summary = clean(entry.findtext(f"{ATOM}summary") or "")
        if title == "Error" or "/api/errors" in entry_id:
            raise NotAPaper(f"the export API answered an error: {summary or entry_id}")
        if _base_id(entry_id) not in (wanted, None) and len(entries) > 1:
            continue
        if not title and not summary:
            continue
        authors = [clean(a.findtext(f"{ATOM}name") or "") for a in entry.findall(f"{ATOM}author")]
        links = []
        for link in entry.findall(f"{ATOM}link"):
            href = link.get("href") or ""
            if link.get("title") == "doi" and href:
                links.append(href)
        return clean_document(Document(
            arxiv_id=wanted,
            title=title,
            authors=[a for a in authors if a],
            abstract=summary,
            links=links,
            source="ArXiv Abs",
        ))
    raise NotAPaper(f"the export API has no entry for {arxiv_id}")


def from_listing(listed: ListedPaper) -> Document:
    """A Document made of what the Daily Papers listing knows (the last fallback)."""
    if not (listed.title or listed.abstract):
        raise NotAPaper("the listing has neither title nor abstract")
    return Document(
        arxiv_id=listed.arxiv_id,
        title=listed.title,
        authors=list(listed.authors),
        abstract=re.sub(r"\s+", " ", listed.abstract).strip(),
        links=listed.known_links(),
        source="ArXiv Abs",
    )

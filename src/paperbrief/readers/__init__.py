"""Read one paper into a Document: arXiv HTML first, then the PDF, then the export API's abstract.

    doc = read("2501.11120", settings, fetcher)          # an id (vN and old-style ids work)
    doc = read("https://arxiv.org/pdf/2501.11120v1", settings)
    doc = read("paper.html", settings)                   # a local .html or .pdf file

`Document.source` says which source gave the text ("HTML", "PDF" or "ArXiv Abs").
ArxivBlocked (a 403 from arXiv) propagates: the run must stop hitting arXiv.
"""

from __future__ import annotations

import logging
from pathlib import Path

from paperbrief.config import Settings
from paperbrief.http import ATOM_TYPES, HTML_TYPES, PDF_TYPES, ArxivBlocked, Fetcher, FetchError, NotFound
from paperbrief.models import Document, ListedPaper
from paperbrief.readers.abstract import from_listing, parse_atom
from paperbrief.readers.common import NotAPaper
from paperbrief.readers.html import parse_html
from paperbrief.readers.ids import ArxivId, parse_arxiv_url, parse_id
from paperbrief.readers.pdf import parse_pdf

__all__ = ["NotAPaper", "ReadError", "parse_atom", "parse_html", "parse_pdf", "read", "read_file", "resolve"]

log = logging.getLogger(__name__)


class ReadError(Exception):
    """No source gave a usable text; the message lists each step's reason on one line."""


def resolve(ref: str, settings: Settings) -> ArxivId | Path:
    """An arXiv id, an arXiv URL (abs/html/pdf) or a local .html/.pdf file; ReadError otherwise."""
    text = ref.strip()
    if not text:
        raise ReadError("nothing to read: give an arXiv id, an arXiv URL or a local .html/.pdf file")
    found = parse_id(text) or parse_arxiv_url(text, (settings.arxiv_url,))
    if found is not None:
        return found
    path = Path(text).expanduser()
    if path.suffix.lower() in (".html", ".htm", ".xhtml", ".pdf"):
        if not path.is_file():
            raise ReadError(f"no such file: {path}")
        return path
    if path.is_file():
        raise ReadError(f"{path} is neither .html nor .pdf; give an arXiv HTML page or a PDF")
    if text.startswith(("http://", "https://")):
        raise ReadError(f"{text} is not an arXiv abs/html/pdf URL; give an arXiv id or download the file")
    raise ReadError(f"{text!r} is not an arXiv id (like 2501.11120 or hep-th/9901001), an arXiv URL or a local .html/.pdf file")


def read_file(path: Path, *, arxiv_id: str | None = None) -> Document:
    """Parse a local .html or .pdf file."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ReadError(f"cannot read {path}: {e.strerror or e}") from None
    if arxiv_id is None:
        found = parse_id(path.stem)
        arxiv_id = found.id if found else None
    try:
        if path.suffix.lower() == ".pdf" or data[:5] == b"%PDF-":
            return parse_pdf(data, arxiv_id=arxiv_id)
        return parse_html(data, arxiv_id=arxiv_id)
    except NotAPaper as e:
        raise ReadError(f"{path}: {e}") from None


def read(ref: str, settings: Settings, fetcher: Fetcher | None = None, *, listed: ListedPaper | None = None,
         listing_fallback: bool = True, transient: list[str] | None = None) -> Document:
    """The paper `ref` as a Document; see the module docstring. Raises ReadError or ArxivBlocked.

    `transient`, when given, receives the reasons of sources that failed transiently (a timeout,
    a dropped connection, 429/5xx) before a later source gave the text: the daily run reads such
    a paper again next time instead of keeping the fallback for good."""
    target = resolve(ref, settings)
    if isinstance(target, Path):
        return read_file(target)
    own = fetcher is None
    fetcher = fetcher or Fetcher(settings)
    try:
        return _read_arxiv(target, settings, fetcher, listed, listing_fallback, transient)
    finally:
        if own:
            fetcher.close()


def _read_arxiv(aid: ArxivId, settings: Settings, fetcher: Fetcher, listed: ListedPaper | None,
                listing_fallback: bool = True, transient: list[str] | None = None) -> Document:
    reasons: list[str] = []
    transient = transient if transient is not None else []
    base = settings.arxiv_url.rstrip("/")

    # 1. the HTML rendering
    url = f"{base}/html/{aid.versioned}"
    try:
        page = fetcher.get(url, accept=HTML_TYPES)
        return _parse(parse_html, page.content, aid)
    except ArxivBlocked:
        raise
    except NotFound:
        reasons.append("HTML: not available (404)")
    except FetchError as e:
        reasons.append(f"HTML: {_short(e, url)}")
        if _is_transient(e):
            transient.append(reasons[-1])
    except NotAPaper as e:
        fetcher.forget(url)  # an unusable page is not a successful download; try it afresh next time
        reasons.append(f"HTML: unusable page ({e})")

    # 2. the PDF
    url = f"{base}/pdf/{aid.versioned}"
    try:
        pdf = fetcher.get(url, accept=PDF_TYPES)
        doc = _parse(parse_pdf, pdf.content, aid)
        if listed is not None:  # the listing's title and authors are exact; the PDF's are guesses
            doc.title = listed.title or doc.title
            doc.authors = list(listed.authors) or doc.authors
        return doc
    except ArxivBlocked:
        raise
    except NotFound:
        reasons.append("PDF: not available (404)")
    except FetchError as e:
        reasons.append(f"PDF: {_short(e, url)}")
        if _is_transient(e):
            transient.append(reasons[-1])
    except NotAPaper as e:
        fetcher.forget(url)
        reasons.append(f"PDF: unusable file ({e})")

    # 3. the abstract from the export API
    url = settings.arxiv_export_url
    params = {"id_list": aid.versioned, "max_results": 1}
    try:
        feed = fetcher.get(url, params=params, accept=ATOM_TYPES)
        return parse_atom(feed.content, aid.id)
    except ArxivBlocked:
        raise
    except NotFound:
        reasons.append("abstract: not found (404)")
    except FetchError as e:
        reasons.append(f"abstract: {_atom_error(e) or _short(e, url)}")
    except NotAPaper as e:
        fetcher.forget(url, params)
        reasons.append(f"abstract: {e}")

    # 4. what the listing knows (the daily run does this step itself, to flag and retry such papers)
    if listed is not None and listing_fallback:
        try:
            doc = from_listing(listed)
            log.info("%s: read from the listing's abstract (%s)", aid, "; ".join(reasons))
            return doc
        except NotAPaper as e:
            reasons.append(f"listing: {e}")
    raise ReadError(f"cannot read {aid}: " + "; ".join(reasons))


def _parse(parser, content: bytes, aid: ArxivId) -> Document:
    """Run a parser; a crash on one odd file becomes NotAPaper (logged) so the next source is tried."""
    try:
        return parser(content, arxiv_id=aid.id)
    except NotAPaper:
        raise
    except Exception as e:  # a reader bug on one paper must not hide the paper's other sources
        reason = f"{type(e).__name__}: {str(e)[:200]}"
        log.warning("%s: %s failed on the download (%s); trying the next source", aid, parser.__name__, reason)
        log.info("%s: traceback of that %s failure", aid, parser.__name__, exc_info=True)  # the log file only
        raise NotAPaper(f"the reader failed: {reason}") from e


def _atom_error(error: FetchError) -> str | None:
    """The message of an export-API error feed sent with an HTTP error status, if that is what came."""
    if not error.body or b"<feed" not in error.body[:2048]:
        return None
    try:
        parse_atom(error.body, "")
    except NotAPaper as e:
        return f"{e} (HTTP {error.status})"
    return None


def _is_transient(error: FetchError) -> bool:
    """A failure that may pass: no answer (timeouts, dropped connections) or 429/5xx, not a 4xx or a bad body."""
    from paperbrief.http import RETRY_STATUSES

    return error.status is None or error.status in RETRY_STATUSES


def _short(error: FetchError, url: str) -> str:
    """The error without the URL it starts with (the step already says which source)."""
    text = str(error)
    for prefix in (error.url, url):
        if prefix and text.startswith(prefix + ": "):
            return text[len(prefix) + 2 :]
    return text

"""Documents for the writer tests: the HTML fixtures (when built) and the real arXiv page (when present)."""

from __future__ import annotations

from paperbrief.models import Document


def fixture_documents() -> list[Document]:
    """Every hand-written HTML fixture parsed by the HTML reader; [] when the fixtures are not there."""
    try:
        from paperbrief.readers.html import parse_html
        from paperbrief.replica import fixtures

        manifest = fixtures.manifest()
    except (ImportError, FileNotFoundError):
        return []
    docs = []
    for arxiv_id in fixtures.html_fixture_ids():
        try:
            html = fixtures.html_fixture(manifest[arxiv_id]["html"])
        except FileNotFoundError:  # a manifest entry whose file is being regenerated
            continue
        docs.append(parse_html(html, arxiv_id=arxiv_id))
    return docs


def real_page_document() -> Document | None:
    """The real arXiv HTML page (see tests/testdata.py; never copied into the repo), or None when absent."""
    from testdata import REAL_PAGE

    if REAL_PAGE is None:
        return None
    from paperbrief.readers.html import parse_html

    return parse_html(REAL_PAGE.read_bytes(), arxiv_id="2501.11120v1")


def pdf_documents() -> list[Document]:
    """Every PDF fixture parsed by the PDF reader; [] when the fixtures are not there."""
    try:
        from paperbrief.readers.pdf import parse_pdf
        from paperbrief.replica import fixtures

        manifest = fixtures.manifest()
    except (ImportError, FileNotFoundError):
        return []
    docs = []
    for arxiv_id in fixtures.pdf_fixture_ids():
        try:
            data = fixtures.pdf_fixture(manifest[arxiv_id]["pdf"])
        except FileNotFoundError:
            continue
        docs.append(parse_pdf(data, arxiv_id=arxiv_id))
    return docs


_SERVED: dict[str, Document] = {}


def served_documents() -> dict[str, Document]:
    """Every paper of the replica's fixture days, read as `paperbrief read` reads it (HTML, the
    filled-in template, the PDF or only the abstract), by arXiv id; read once per test session."""
    if not _SERVED:
        import tempfile
        from pathlib import Path

        from paperbrief.config import Settings
        from paperbrief.readers import ReadError, read
        from paperbrief.replica import Replica, fixtures

        with tempfile.TemporaryDirectory() as home, Replica(services=("arxiv",)) as r:
            settings = Settings(arxiv_url=r.url, arxiv_export_url=r.url + "/api/query", arxiv_delay=0, home=Path(home))
            for arxiv_id in sorted(fixtures.manifest()):
                try:
                    _SERVED[arxiv_id] = read(arxiv_id, settings)
                except ReadError:  # a paper the replica serves nothing for
                    continue
    return dict(_SERVED)

"""`readers.read` over real HTTP against the arXiv replica: HTML -> PDF -> abstract -> listing, faults, cache."""

from __future__ import annotations

import pytest
from testdata import load_expected

from paperbrief.config import Settings
from paperbrief.http import ArxivBlocked, Fetcher
from paperbrief.models import ListedPaper
from paperbrief.readers import ReadError, read, resolve
from paperbrief.readers.abstract import parse_atom
from paperbrief.readers.common import NotAPaper
from paperbrief.readers.ids import ArxivId, parse_arxiv_url, parse_id
from paperbrief.replica import Fault, fixtures

BOTH = "2602.05293"  # HTML and PDF
PDF_ONLY = fixtures.pdf_only_ids()
ABSTRACT_ONLY = fixtures.abstract_only_ids()


def make_settings(replica, tmp_path, **kw) -> Settings:
    values = dict(
        hf_endpoint=replica.url,
        arxiv_url=replica.url,
        arxiv_export_url=replica.url + "/api/query",
        arxiv_delay=0,
        http_retries=2,
        home=tmp_path / "home",
    )
    values.update(kw)
    return Settings(**values)


@pytest.fixture
def settings(replica, tmp_path):
    return make_settings(replica, tmp_path)


@pytest.fixture
def fetcher(settings):
    with Fetcher(settings, backoff=0.01) as f:
        yield f


def listed(arxiv_id: str) -> ListedPaper:
    for day in fixtures.listing_dates():
        for item in fixtures.listing(day):
            paper = item.get("paper") or {}
            if paper.get("id") == arxiv_id:
                return ListedPaper(
                    arxiv_id=arxiv_id,
                    title=" ".join(paper["title"].split()),
                    authors=[a["name"] for a in paper.get("authors", [])],
                    abstract=" ".join(paper.get("summary", "").split()),
                )
    raise KeyError(arxiv_id)


def test_fixture_kinds_exist():
    assert len(PDF_ONLY) >= 2 and len(ABSTRACT_ONLY) >= 4


# --- the normal chain -----------------------------------------------------------------


def test_html_first(replica, settings, fetcher):
    doc = read(BOTH, settings, fetcher)
    assert doc.source == "HTML" and doc.title == load_expected(BOTH)["title"]
    assert replica.count("/html/") == 1 and replica.count("/pdf/") == 0
    assert replica.requests[0].path == f"/html/{BOTH}"


@pytest.mark.parametrize("arxiv_id", PDF_ONLY)
def test_404_html_falls_back_to_the_pdf(replica, settings, fetcher, arxiv_id):
    doc = read(arxiv_id, settings, fetcher, listed=listed(arxiv_id))
    assert doc.source == "PDF"
    assert doc.title == listed(arxiv_id).title  # the listing's exact title over the PDF's guess
    assert doc.sections and doc.references
    assert replica.count("/html/") == 1 and replica.count("/pdf/") == 1


@pytest.mark.parametrize("arxiv_id", ABSTRACT_ONLY)
def test_no_html_no_pdf_falls_back_to_the_export_api(replica, settings, fetcher, arxiv_id):
    doc = read(arxiv_id, settings, fetcher)
    paper = listed(arxiv_id)
    assert doc.source == "ArXiv Abs"
    assert doc.title == paper.title and doc.authors == paper.authors
    assert doc.abstract == paper.abstract
    assert doc.sections == []
    (query,) = [r for r in replica.requests if r.path == "/api/query"]
    assert query.arg("id_list") == arxiv_id


def test_unreadable_pdf_falls_back_to_the_abstract(replica, settings, fetcher):
    arxiv_id = PDF_ONLY[0]
    replica.services["arxiv"].set_pdf(arxiv_id, b"%PDF-1.4\nthis is not really a pdf")
    doc = read(arxiv_id, settings, fetcher)
    assert doc.source == "ArXiv Abs" and doc.abstract == listed(arxiv_id).abstract


def test_listing_is_the_last_resort_and_errors_list_every_step(replica, settings, fetcher):
    arxiv_id = ABSTRACT_ONLY[0]
    replica.services["arxiv"].remove_paper(arxiv_id)
    paper = listed(arxiv_id)
    doc = read(arxiv_id, settings, fetcher, listed=paper)
    assert doc.source == "ArXiv Abs" and doc.abstract == paper.abstract and doc.title == paper.title
    with pytest.raises(ReadError) as e:
        read(arxiv_id, settings, fetcher)
    msg = str(e.value)
    assert msg.startswith(f"cannot read {arxiv_id}: ")
    assert "HTML: not available (404)" in msg and "PDF: not available (404)" in msg
    assert f"abstract: the export API has no entry for {arxiv_id}" in msg
    assert "\n" not in msg


# --- unusable pages fall through ------------------------------------------------------


def test_truncated_html_falls_back_to_the_pdf_not_a_broken_document(replica, settings, fetcher):
    replica.fault(f"/html/{BOTH}", Fault.truncate(), times=settings.http_retries + 1)
    doc = read(BOTH, settings, fetcher)
    assert doc.source == "PDF"
    assert doc.title == load_expected(BOTH)["title"]
    assert replica.count("/html/") == settings.http_retries + 1


def test_truncated_once_is_retried_and_read_whole(replica, settings, fetcher):
    replica.fault(f"/html/{BOTH}", Fault.truncate())
    doc = read(BOTH, settings, fetcher)
    assert doc.source == "HTML" and len(doc.references) == load_expected(BOTH)["reference_count"]


def test_a_page_cut_off_without_a_transport_error_falls_through(replica, settings, fetcher):
    service = replica.services["arxiv"]
    page = service.page(BOTH)
    service.chrome = False
    service.set_html(BOTH, page[: len(page) // 2])  # served whole, but the HTML itself ends mid-way
    doc = read(BOTH, settings, fetcher)
    assert doc.source == "PDF"
    # the unusable page was not kept in the cache: a fixed page is read next time
    service.set_html(BOTH, page)
    assert read(BOTH, settings, fetcher).source == "HTML"


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Sign in</title></head><body><form><p>Please log in to view this page.</p>"
        "<input type=password></form></body></html>",
        "<html><body><h1>Service unavailable</h1><p>Try again later.</p></body></html>",
    ],
)
def test_login_walls_and_error_pages_served_as_200_fall_through(replica, settings, fetcher, page):
    replica.services["arxiv"].chrome = False
    replica.services["arxiv"].set_html(BOTH, page)
    doc = read(BOTH, settings, fetcher)
    assert doc.source == "PDF"


def test_wrong_content_type_falls_through(replica, settings, fetcher):
    replica.fault(f"/html/{BOTH}", Fault.wrong_type("application/octet-stream"))
    assert read(BOTH, settings, fetcher).source == "PDF"


# --- faults ---------------------------------------------------------------------------


def test_429_with_retry_after_then_html(replica, settings, fetcher):
    replica.fault(f"/html/{BOTH}", Fault.status(429, {"Retry-After": "1"}))
    assert read(BOTH, settings, fetcher).source == "HTML"
    assert replica.count("/html/") == 2


def test_503_then_html(replica, settings, fetcher):
    replica.fault(f"/html/{BOTH}", Fault.status(503))
    assert read(BOTH, settings, fetcher).source == "HTML"
    assert replica.count("/html/") == 2


def test_html_timing_out_on_every_attempt_falls_back_to_the_pdf(replica, tmp_path):
    settings = make_settings(replica, tmp_path, http_timeout=0.3, http_retries=1)
    replica.fault(f"/html/{BOTH}", Fault.slow(1.0), times=2)
    with Fetcher(settings, backoff=0.01) as f:
        doc = read(BOTH, settings, f)
    assert doc.source == "PDF"
    assert replica.count("/html/") == 2


def test_one_timeout_is_retried(replica, tmp_path):
    settings = make_settings(replica, tmp_path, http_timeout=0.3)
    replica.fault(f"/html/{BOTH}", Fault.slow(1.0))
    with Fetcher(settings, backoff=0.01) as f:
        assert read(BOTH, settings, f).source == "HTML"


def test_403_from_arxiv_propagates_and_stops_later_requests(replica, settings, fetcher):
    replica.fault(f"/html/{BOTH}", Fault.status(403, body="Access denied"))
    with pytest.raises(ArxivBlocked, match="arXiv refused access"):
        read(BOTH, settings, fetcher, listed=listed(BOTH))
    assert replica.count("/pdf/") == 0 and replica.count("/api/query") == 0  # no fall-through after a 403
    before = replica.count("/")
    with pytest.raises(ArxivBlocked):
        read(PDF_ONLY[0], settings, fetcher)
    assert replica.count("/") == before


# --- the cache ------------------------------------------------------------------------


@pytest.mark.parametrize("arxiv_id", [BOTH, PDF_ONLY[0], ABSTRACT_ONLY[0]])
def test_second_read_makes_no_request(replica, settings, arxiv_id):
    with Fetcher(settings) as f:
        first = read(arxiv_id, settings, f)
    replica.reset_counts()
    with Fetcher(settings) as f:  # a new run on the same PAPERBRIEF_HOME
        second = read(arxiv_id, settings, f)
        assert f.requests_made == 0
    assert replica.count("/") == 0
    assert second == first


def test_read_without_a_fetcher_uses_and_closes_its_own(replica, settings):
    assert read(BOTH, settings).source == "HTML"
    assert read(BOTH, settings).source == "HTML"
    assert replica.count("/html/") == 1


# --- references to a paper -----------------------------------------------------------


def test_versions_urls_and_old_style_ids(replica, settings, fetcher):
    exp = load_expected(BOTH)
    for ref in (f"{BOTH}v1", f"arXiv:{BOTH}", f"https://arxiv.org/abs/{BOTH}", f"https://arxiv.org/pdf/{BOTH}v1.pdf",
                f"{replica.url}/html/{BOTH}v1"):
        doc = read(ref, settings, fetcher)
        assert doc.title == exp["title"] and doc.arxiv_id == BOTH, ref
    assert f"/html/{BOTH}v1" in [r.path for r in replica.requests]
    service = replica.services["arxiv"]
    service.add_paper("hep-th/9901001", title="An Old Paper About Strings", authors=["Ann Old"],
                      abstract="An abstract from the last century, long enough to be an abstract.")
    doc = read("hep-th/9901001v1", settings, fetcher)
    assert doc.source == "ArXiv Abs" and doc.title == "An Old Paper About Strings" and doc.arxiv_id == "hep-th/9901001"


def test_resolve_and_parse_ids(tmp_path, settings):
    assert parse_id("2501.11120v2") == ArxivId("2501.11120", 2)
    assert parse_id("arxiv:2501.11120") == ArxivId("2501.11120")
    assert parse_id("HEP-TH/9901001") == ArxivId("hep-th/9901001")
    assert parse_id("math.AG/0601001v3") == ArxivId("math.AG/0601001", 3)
    assert parse_id("2501.111") is None and parse_id("not-an-id") is None
    assert parse_arxiv_url("https://arxiv.org/html/2501.11120v1/") == ArxivId("2501.11120", 1)
    assert parse_arxiv_url("https://example.org/abs/2501.11120") is None
    with pytest.raises(ReadError, match="no such file"):
        resolve(str(tmp_path / "missing.pdf"), settings)
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ReadError, match=r"neither \.html nor \.pdf"):
        resolve(str(tmp_path / "notes.txt"), settings)
    with pytest.raises(ReadError, match="is not an arXiv abs/html/pdf URL"):
        resolve("https://example.org/paper", settings)
    with pytest.raises(ReadError, match="is not an arXiv id"):
        resolve("hello world", settings)


def test_local_files(replica, settings, tmp_path):
    page = tmp_path / "paper.html"
    page.write_text(replica.services["arxiv"].page(BOTH), encoding="utf-8")
    pdf = tmp_path / f"{BOTH}.pdf"
    pdf.write_bytes(fixtures.pdf_fixture(fixtures.manifest()[BOTH]["pdf"]))
    html_doc = read(str(page), settings)
    pdf_doc = read(str(pdf), settings)
    assert html_doc.source == "HTML" and pdf_doc.source == "PDF"
    assert html_doc.title == pdf_doc.title == load_expected(BOTH)["title"]
    assert pdf_doc.arxiv_id == BOTH  # taken from the file name
    bad = tmp_path / "login.html"
    bad.write_text("<html><body>Please log in</body></html>")
    with pytest.raises(ReadError, match="no LaTeXML document"):
        read(str(bad), settings)
    assert replica.count("/") == 0


def test_real_page_as_a_local_file(settings, real_page):
    doc = read(str(real_page), settings)
    assert doc.arxiv_id == "2501.11120" and len(doc.authors) == 6 and len(doc.references) == 48


# --- the Atom parser ------------------------------------------------------------------


def test_atom_error_and_empty_feeds():
    error = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
      <entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.1</id><title>Error</title>
      <summary>incorrect id format for 1234.1</summary></entry></feed>"""
    with pytest.raises(NotAPaper, match=r"incorrect id format for 1234\.1"):
        parse_atom(error, "1234.1")
    empty = '<feed xmlns="http://www.w3.org/2005/Atom"><title>ArXiv Query</title></feed>'
    with pytest.raises(NotAPaper, match="no entry"):
        parse_atom(empty, "2602.00001")
    with pytest.raises(NotAPaper, match="not valid XML"):
        parse_atom(b"<feed", "2602.00001")


def test_atom_whitespace_is_collapsed():
    feed = """<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2601.00001v1</id>
      <title>An Example Paper Title
        for Replica Testing</title><summary>  We study an example problem.
      Our method improves τ² by 3 points.
      </summary><author><name>Jane Doe</name></author><author><name> John  Roe </name></author></entry></feed>"""
    doc = parse_atom(feed, "2601.00001")
    assert doc.title == "An Example Paper Title for Replica Testing"
    assert doc.abstract == "We study an example problem. Our method improves τ² by 3 points."
    assert doc.authors == ["Jane Doe", "John Roe"] and doc.source == "ArXiv Abs"

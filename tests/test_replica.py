"""The HF and arXiv replicas over real HTTP: listings and pagination, arXiv HTML/PDF/abs/Atom,
the committed fixtures against their expected files (tests/data/expected), and every scripted fault as a client sees it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pypdfium2
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from testdata import EXAMPLE_REPORT as EXAMPLE
from testdata import EXPECTED_DIR, expected_ids, load_expected

from paperbrief.replica import Fault, Replica, fixtures
from paperbrief.replica.arxiv import split_id

DAY = "2026-02-08"
ATOM = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/",
        "arxiv": "http://arxiv.org/schemas/atom"}
NO_HTML_BODY = (
    "<h1>No HTML for '{idv}'</h1>\n"
    "<p>HTML is not available for the source.</p>\n"
    "<p>This could be due to the source files not being HTML, LaTeX, or a conversion failure.</p>\n"
    "<p>If you are an author, learn how you can help "
    '<a href="https://info.arxiv.org/about/accessibility_html_error_messages.html">HTML conversions for your papers</a>.</p>'
)


@pytest.fixture(scope="module")
def server():
    with Replica() as r:
        yield r


@pytest.fixture
def client(server):
    server.clear_faults()
    with httpx.Client(base_url=server.url, timeout=10) as c:
        yield c


def headings(page: str) -> list[tuple[int, str]]:
    """(level, text without the number tag) of the LaTeXML section titles, in document order."""
    tree = HTMLParser(page)
    out = []
    for node in tree.css("section > h2.ltx_title, section > h3.ltx_title, section > h4.ltx_title"):
        if "ltx_bibliography" in (node.parent.attributes.get("class") or ""):
            continue
        tag = node.css_first(".ltx_tag")
        text = node.text(separator=" ")
        if tag is not None:
            text = text.replace(tag.text(), "", 1)
        out.append((int(node.tag[1]) - 1, " ".join(text.split())))
    return out


# --- the committed data ---------------------------------------------------------------


def test_listing_has_the_example_reports_47_papers_in_order():
    items = fixtures.listing(DAY)
    assert len(items) == 47
    ids = [i["paper"]["id"] for i in items]
    assert len(set(ids)) == 47
    for item in items:
        paper = item["paper"]
        assert split_id(paper["id"]) is not None
        assert 120 <= len(paper["summary"].split()) <= 200, paper["id"]
        assert 2 <= len(paper["authors"]) <= 8
        assert item["title"] == paper["title"] and item["summary"] == paper["summary"]
        assert "2026-02-06" <= paper["submittedOnDailyAt"][:10] <= DAY
    assert sum(1 for i in items if i["paper"].get("githubRepo")) >= 5
    assert sum(1 for i in items if i["paper"].get("projectPage")) >= 5
    fast = items[0]["paper"]
    assert fast["id"] == "2602.05293" and "2.67" in fast["summary"]
    if EXAMPLE is not None:
        report_ids = re.findall(r"- \*\*链接\*\*: https://huggingface\.co/papers/(\S+)", EXAMPLE.read_text("utf-8"))
        assert ids == report_ids


def test_odd_day_has_each_kind_of_bad_item():
    items = fixtures.listing("2026-02-09")
    ids = [i["paper"].get("id") for i in items]
    assert None in ids and "not-an-id" in ids
    assert any(ids.count(i) > 1 for i in ids if i)
    assert any(i["paper"].get("summary") == "" for i in items)
    assert any("<b>" in i["title"] and "&amp;" in i["title"] for i in items)
    assert any("submittedOnDailyAt" not in i["paper"] and "githubRepo" not in i["paper"] for i in items)
    assert fixtures.listing("2026-02-07") == []


def test_odd_day_papers_on_arxiv(client):
    page = client.get("/abs/2602.07061").text
    assert "<title>[2602.07061] Fast &amp; Robust Token Merging for Vision Transformers</title>" in page
    assert client.get("/html/2602.07073").status_code == 200  # the minimal item still has a page
    assert client.get("/html/not-an-id").status_code == 404


def test_manifest_kinds():
    manifest = fixtures.manifest()
    day_ids = {i["paper"]["id"] for i in fixtures.listing(DAY)}
    assert day_ids <= set(manifest)
    assert len(fixtures.html_fixture_ids()) >= 4
    assert set(fixtures.abstract_only_ids()) == {"2602.04210", "2602.03036", "2602.05023", "2602.05986"}
    assert len(fixtures.pdf_only_ids()) >= 2
    assert len(fixtures.pdf_fixture_ids()) >= 4
    assert len(fixtures.generated_pdf_ids()) >= 30
    for name in {e["pdf"] for e in manifest.values() if e["pdf"] not in (None, "generated")}:
        path = fixtures.data_path("arxiv", "pdf", name)
        assert path.read_bytes()[:5] == b"%PDF-" and path.stat().st_size < 200_000
    assert set(expected_ids()) == set(fixtures.html_fixture_ids()) | set(fixtures.pdf_fixture_ids())


def test_expected_files_match_the_served_html(server, client):
    covered = {"two_column": False, "unnumbered": False, "appendix": False, "footnote": False, "table": False,
               "figure": False, "subsection": False}
    for arxiv_id in fixtures.html_fixture_ids():
        exp = load_expected(arxiv_id)
        page = client.get(f"/html/{arxiv_id}").text
        tree = HTMLParser(page)
        assert " ".join(tree.css_first("h1.ltx_title_document").text().split()) == exp["title"]
        assert len(tree.css(".ltx_authors .ltx_creator")) == exp["author_count"]
        assert " ".join(tree.css_first(".ltx_abstract p").text().split()).startswith(exp["abstract_start"])
        assert headings(page) == [(s["level"], s["heading"]) for s in exp["sections"]]
        captions = [" ".join(c.text().split()) for c in tree.css("figure.ltx_table figcaption")]
        assert [re.sub(r"^Table \d+: ", "", c) for c in captions] == exp["table_captions"]
        cells = {" ".join(td.text().split()) for td in tree.css("figure.ltx_table td, figure.ltx_table th")}
        assert set(exp["table_numbers"]) <= cells
        assert len(tree.css("li.ltx_bibitem")) == exp["reference_count"] >= 5
        alttexts = [m.attributes.get("alttext") for m in tree.css("math")]
        assert set(exp["math_alttext"]) <= set(alttexts)
        text = tree.body.text(separator=" ")
        for s in exp["non_ascii"] + exp["phrases"] + exp["links"]:
            assert s in text, (arxiv_id, s)
        covered["two_column"] |= exp["two_column"]
        covered["unnumbered"] |= any(not s["numbered"] for s in exp["sections"])
        covered["appendix"] |= any(s["appendix"] for s in exp["sections"])
        covered["subsection"] |= any(s["level"] == 2 for s in exp["sections"])
        covered["footnote"] |= bool(exp["footnotes_start"]) and bool(tree.css(".ltx_role_footnote"))
        covered["table"] |= bool(exp["table_captions"])
        covered["figure"] |= bool(exp["figure_captions"])
    assert all(covered.values()), covered


def test_fast_sam3d_fixture_has_the_reports_numbers(client):
    exp = load_expected("2602.05293")
    assert "pdf" in exp["formats"]
    page = client.get("/html/2602.05293").text
    for needle in ("2.67", "462", "230", "92.59", "92.34", "0.552", "https://github.com/fast-sam3d/Fast-SAM3D"):
        assert needle in page


def test_unicode_fixture_carries_real_characters(client):
    page = client.get("/html/2602.05842").text
    assert "τ²-Bench" in page and "π-Distill" in page and "×2.67" in page and "≥ 95%" in page
    assert 'alttext="\\geq 0.95"' in page


# --- HF ----------------------------------------------------------------------------------


def test_pagination_with_link_header(client):
    seen, pages = [], []
    for p in range(5):
        resp = client.get("/api/daily_papers", params={"date": DAY, "limit": 10, "p": p})
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/json")
        pages.append(len(resp.json()))
        seen += [i["paper"]["id"] for i in resp.json()]
        if p < 4:
            assert 'rel="next"' in resp.headers["link"] and f"p={p + 1}" in resp.headers["link"]
        else:
            assert "link" not in resp.headers
    assert pages == [10, 10, 10, 10, 7]
    assert resp.headers["ratelimit-policy"] == '"fixed window";"api";q=500;w=300'
    assert resp.headers["ratelimit"].startswith('"api";r=')
    assert seen == [i["paper"]["id"] for i in fixtures.listing(DAY)]
    assert client.get("/api/daily_papers", params={"date": DAY, "limit": 10, "p": 5}).json() == []
    assert client.get("/api/daily_papers", params={"date": DAY, "p": 100}).json() == []
    assert len(client.get("/api/daily_papers", params={"date": DAY}).json()) == 47  # default limit 50


def test_following_link_headers_collects_the_day(client):
    url, ids = f"/api/daily_papers?date={DAY}&limit=20", []
    while url:
        resp = client.get(url)
        ids += [i["paper"]["id"] for i in resp.json()]
        url = resp.links.get("next", {}).get("url")
    assert len(ids) == 47


@pytest.mark.parametrize("bad", ["2026-13-40", "2026-02", "yesterday", "2026-2-8"])
def test_malformed_date_is_400_json(client, bad):
    resp = client.get("/api/daily_papers", params={"date": bad})
    assert resp.status_code == 400
    assert "error" in resp.json()


def test_future_date_names_the_latest_allowed(server, client):
    hf = server.services["hf"]
    resp = client.get("/api/daily_papers", params={"date": "2026-03-01"})
    assert resp.status_code == 400 and hf.latest_date in resp.json()["error"]
    hf.latest_date = DAY
    try:
        assert client.get("/api/daily_papers", params={"date": "2026-02-09"}).status_code == 400
        assert len(client.get("/api/daily_papers").json()) == 47  # no date: the latest day
    finally:
        hf.latest_date = None


def test_weekend_and_missing_days_are_empty(client):
    assert client.get("/api/daily_papers", params={"date": "2026-02-07"}).json() == []
    assert client.get("/api/daily_papers", params={"date": "2025-12-25"}).json() == []
    full = client.get("/api/daily_papers", params={"date": "2026-02-08T00:00:00.000Z"})
    assert len(full.json()) == 47


def test_week_and_month(client):
    week = client.get("/api/daily_papers", params={"week": "2026-W06", "limit": 100}).json()
    assert len(week) == 47  # Monday 2026-02-02 to Sunday 2026-02-08
    month = client.get("/api/daily_papers", params={"month": "2026-02", "limit": 100}).json()
    assert len(month) == 47 + len(fixtures.listing("2026-02-09"))
    assert client.get("/api/daily_papers", params={"month": "2026-2"}).status_code == 400
    assert client.get("/api/daily_papers", params={"week": "2026-06"}).status_code == 400


def test_set_day_replaces_a_listing(server, client):
    hf = server.services["hf"]
    original = hf.days.get("2026-02-05")
    hf.set_day("2026-02-05", fixtures.listing(DAY)[:3])
    try:
        assert [i["paper"]["id"] for i in client.get("/api/daily_papers?date=2026-02-05").json()] == [
            "2602.05293", "2601.21296", "2602.05393"]
    finally:
        hf.days.pop("2026-02-05", None)
        if original is not None:
            hf.days["2026-02-05"] = original


def test_paper_endpoint(client):
    resp = client.get("/api/papers/2602.05293")
    assert resp.status_code == 200
    paper = resp.json()
    assert paper["id"] == "2602.05293" and "numComments" not in paper and "numTotalModels" in paper
    missing = client.get("/api/papers/1234.56789")
    assert missing.status_code == 404 and missing.json() == {"error": "Paper not found"}


# --- arXiv HTML ------------------------------------------------------------------------------


def test_html_page_has_arxiv_chrome(client):
    resp = client.get("/html/2602.05293")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.headers["link"] == "<https://arxiv.org/html/2602.05293>; rel='canonical'"
    assert resp.headers["etag"] and resp.headers["last-modified"].endswith("GMT")
    assert resp.headers["transfer-encoding"] == "chunked" and "content-length" not in resp.headers
    head = client.head("/html/2602.05293")
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(resp.content)
    page = resp.text
    assert '<base href="/html/2602.05293v1/"/>' in page
    assert '<header class="arxiv-html-header">' in page and "Back to Abstract" in page and "Download PDF" in page
    assert page.index('id="infobox"') < page.index('class="ltx_page_content"')
    assert "arxiv-html-footer" in page and "ltx_document" in page and "ltx_page_navbar" in page
    again = client.get("/html/2602.05293", headers={"If-None-Match": resp.headers["etag"]})
    assert again.status_code == 304


def test_some_pages_have_no_base_href(client):
    no_base = [k for k, v in fixtures.manifest().items() if v.get("html") and not v.get("base_href", True)]
    assert no_base
    page = client.get(f"/html/{no_base[0]}").text
    assert "<base " not in page and "ltx_document" in page


@pytest.mark.parametrize("path", ["/html/2602.05842", "/html/2602.05842/", "/html/2602.05842v2",
                                  "/html/2602.05842v1/"])
def test_html_url_forms(client, path):
    resp = client.get(path)
    assert resp.status_code == 200 and "Reinforcement World Model Learning" in resp.text


def test_html_errors(client):
    abstract_only = fixtures.abstract_only_ids()[0]
    version = fixtures.manifest()[abstract_only]["version"]
    resp = client.get(f"/html/{abstract_only}")
    assert resp.status_code == 404
    assert NO_HTML_BODY.format(idv=f"{abstract_only}v{version}") in resp.text
    assert client.get("/html/2602.05842v9").status_code == 404
    assert "No document for '2602.05842v9'" in client.get("/html/2602.05842v9").text
    unknown = client.get("/html/2612.99999")
    assert unknown.status_code == 404 and "No document for '2612.99999'" in unknown.text
    assert client.get("/html/2602.05293v1/x1.png").status_code == 404
    bad = client.get("/html/not-an-id")
    assert bad.status_code == 404 and "No article for 'not-an-id'" in bad.text


def test_template_pages_are_filled_per_paper(client):
    items = {i["paper"]["id"]: i["paper"] for i in fixtures.listing(DAY)}
    ids = fixtures.template_ids()
    assert len(ids) >= 30
    for arxiv_id in [i for i in ids if i in items][:5]:
        page = client.get(f"/html/{arxiv_id}").text
        tree = HTMLParser(page)
        assert not re.search(r"PB(TITLE|AUTHOR|ABSTRACT|INTRO|METHOD|EXPERIMENTS|CONCLUSION)", page)
        assert tree.css_first("h1.ltx_title_document").text().strip() == items[arxiv_id]["title"]
        names = [" ".join(n.text().split()) for n in tree.css(".ltx_creator .ltx_personname")]
        assert names == [a["name"] for a in items[arxiv_id]["authors"]]
        assert " ".join(items[arxiv_id]["summary"].split()) in tree.css_first(".ltx_abstract").text()
        assert [h for _, h in headings(page)][:2] == ["Introduction", "Method"]
        assert len(tree.css("li.ltx_bibitem")) == 5


def test_generated_pdfs_carry_the_listing_metadata(client):
    items = {i["paper"]["id"]: i["paper"] for i in fixtures.listing(DAY)}
    arxiv_id = next(i for i in fixtures.generated_pdf_ids() if i in items)
    resp = client.get(f"/pdf/{arxiv_id}")
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(resp.content)
    text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    flat = " ".join(text.split())
    assert " ".join(items[arxiv_id]["title"].split()[:4]) in flat
    assert " ".join(items[arxiv_id]["summary"].split()[:8]) in flat
    assert "Introduction" in flat and "References" in flat
    assert pdf.get_metadata_dict()["Title"] == items[arxiv_id]["title"]


def test_inflated_pages_for_benchmarks(client, server):
    from paperbrief.replica.arxiv import inflate_page

    base = fixtures.html_fixture("2602.05293.html")
    big = inflate_page(base, 500_000)
    assert len(big.encode()) >= 500_000
    server.services["arxiv"].add_paper("2699.00500", title="Big", authors=["A B"], abstract="Big page.", html=big)
    page = client.get("/html/2699.00500").text
    assert len(headings(page)) > 10 * len(headings(base))
    tree = HTMLParser(page)
    ids = [n.attributes["id"] for n in tree.css("section[id]")]
    assert len(ids) == len(set(ids))
    server.services["arxiv"].remove_paper("2699.00500")


def test_pdf_only_papers(client):
    for arxiv_id in fixtures.pdf_only_ids():
        assert client.get(f"/html/{arxiv_id}").status_code == 404
        resp = client.get(f"/pdf/{arxiv_id}")
        assert resp.status_code == 200 and resp.content.startswith(b"%PDF-")


# --- arXiv PDF and abs -------------------------------------------------------------------------


def test_pdf_response(client):
    resp = client.get("/pdf/2602.05293")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/pdf"
    assert resp.headers["content-disposition"] == 'inline; filename="2602.05293v1.pdf"'
    assert resp.content[:5] == b"%PDF-"
    text = pypdfium2.PdfDocument(resp.content)[0].get_textpage().get_text_range()
    assert "Fast-SAM3D" in text
    assert client.get("/pdf/2602.05293v1").status_code == 200


def test_pdf_range_requests(client):
    full = client.get("/pdf/2602.05293").content
    part = client.get("/pdf/2602.05293", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == full[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(full)}"
    tail = client.get("/pdf/2602.05293", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == full[-10:]


def test_two_column_pdf(client):
    two = [i for i in fixtures.pdf_fixture_ids() if load_expected(i)["two_column"]]
    assert two
    pdf = pypdfium2.PdfDocument(client.get(f"/pdf/{two[0]}").content)
    assert pdf[0].get_width() > 500  # US letter / A4 page, text set in two columns


def test_pdf_redirects_and_missing(client):
    resp = client.get("/pdf/2602.05293.pdf", follow_redirects=False)
    assert resp.status_code == 301 and resp.headers["location"] == "/pdf/2602.05293"
    assert client.get("/pdf/2602.05293.pdf", follow_redirects=True).content[:5] == b"%PDF-"
    assert client.get("/pdf/2602.05293?download=1", follow_redirects=False).status_code == 301
    missing = client.get(f"/pdf/{fixtures.abstract_only_ids()[0]}")
    assert missing.status_code == 404 and "No document for" in missing.text


def test_abs_page_meta_tags(client):
    page = client.get("/abs/2602.05842").text
    tree = HTMLParser(page)
    metas = {}
    for m in tree.css("meta[name]"):
        metas.setdefault(m.attributes["name"], []).append(m.attributes["content"])
    assert metas["citation_title"] == ["Reinforcement World Model Learning for LLM-based Agents"]
    assert metas["citation_author"][:2] == ["Liu, Chen", "Müller, Zoë"]
    assert metas["citation_abstract"][0].startswith("Language model agents act better")
    assert metas["citation_pdf_url"] == ["https://arxiv.org/pdf/2602.05842"]
    assert tree.css_first("#latexml-download-link") is not None
    no_html = HTMLParser(client.get(f"/abs/{fixtures.abstract_only_ids()[0]}").text)
    assert no_html.css_first("#latexml-download-link") is None


# --- arXiv export API --------------------------------------------------------------------------


def test_atom_feed_entries(client):
    items = {i["paper"]["id"]: i["paper"] for i in fixtures.listing(DAY)}
    resp = client.get("/api/query", params={"id_list": "2602.05842,2602.05293", "max_results": 10})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(resp.content)
    assert feed.findtext("os:totalResults", namespaces=ATOM) == "2"
    entries = feed.findall("a:entry", ATOM)
    assert [e.findtext("a:id", namespaces=ATOM) for e in entries] == [
        "http://arxiv.org/abs/2602.05842v2", "http://arxiv.org/abs/2602.05293v1"]
    for entry in entries:
        arxiv_id = entry.findtext("a:id", namespaces=ATOM).rsplit("/", 1)[1].split("v")[0]
        names = [a.findtext("a:name", namespaces=ATOM) for a in entry.findall("a:author", ATOM)]
        assert names == [a["name"] for a in items[arxiv_id]["authors"]]
        assert " ".join(entry.findtext("a:title", namespaces=ATOM).split()) == items[arxiv_id]["title"]
        assert " ".join(entry.findtext("a:summary", namespaces=ATOM).split()) == " ".join(items[arxiv_id]["summary"].split())
        rels = {(link.get("rel"), link.get("title")) for link in entry.findall("a:link", ATOM)}
        assert ("alternate", None) in rels and ("related", "pdf") in rels
        assert entry.find("arxiv:primary_category", ATOM) is not None


def test_atom_unknown_and_malformed_ids(client):
    empty = ET.fromstring(client.get("/api/query", params={"id_list": "2612.99999"}).content)
    assert empty.findtext("os:totalResults", namespaces=ATOM) == "0" and not empty.findall("a:entry", ATOM)
    resp = client.get("/api/query", params={"id_list": "1234.123456789"})
    error = ET.fromstring(resp.content).find("a:entry", ATOM)
    assert error.findtext("a:title", namespaces=ATOM) == "Error"
    assert error.findtext("a:summary", namespaces=ATOM) == "incorrect id format for 1234.123456789"
    assert "incorrect_id_format_for_1234.123456789" in error.findtext("a:id", namespaces=ATOM)
    too_many = client.get("/api/query", params={"id_list": "2602.05293", "max_results": 30001})
    assert too_many.status_code == 400
    version = ET.fromstring(client.get("/api/query", params={"id_list": "2602.05842v1"}).content)
    assert version.find("a:entry/a:id", ATOM).text == "http://arxiv.org/abs/2602.05842v1"


def test_atom_post_form(client):
    resp = client.post("/api/query", data={"id_list": "2602.05293"})
    feed = ET.fromstring(resp.content)
    assert feed.findtext("os:totalResults", namespaces=ATOM) == "1"


# --- the test API of the arXiv service ----------------------------------------------------------


def test_add_and_change_papers():
    with Replica(services=("arxiv",)) as r, httpx.Client(base_url=r.url, timeout=10) as c:
        arxiv = r.services["arxiv"]
        arxiv.add_paper("2699.00001", title="A Added Paper", authors=["Ann Lee", "Bo Chen"],
                        abstract="We add a paper. It has 3 sentences. The end.", html="template", version=3)
        page = c.get("/html/2699.00001").text
        assert "A Added Paper" in page and "Bo Chen" in page and '<base href="/html/2699.00001v3/"/>' in page
        assert c.get("/pdf/2699.00001").status_code == 404
        arxiv.set_pdf("2699.00001", fixtures.pdf_fixture("2602.05293.pdf"))
        assert c.get("/pdf/2699.00001").headers["content-disposition"] == 'inline; filename="2699.00001v3.pdf"'
        arxiv.set_html("2699.00001", None)
        assert "No HTML for '2699.00001v3'" in c.get("/html/2699.00001").text
        arxiv.set_html("2699.00001", "<html><body><p>raw</p></body></html>")
        assert "raw" in c.get("/html/2699.00001").text
        with pytest.raises(ValueError):
            arxiv.add_paper("nope", title="x", authors=[], abstract="")


# --- faults, as a client sees them ---------------------------------------------------------------


def test_fault_status_with_retry_after(server, client):
    server.fault("/html/2602.05293", Fault.status(429, {"Retry-After": "1"}))
    first = client.get("/html/2602.05293")
    assert first.status_code == 429 and first.headers["retry-after"] == "1"
    assert client.get("/html/2602.05293").status_code == 200  # the fault was used up
    server.fault("/pdf/", Fault.status(403), times=2)
    assert [client.get("/pdf/2602.05293").status_code for _ in range(3)] == [403, 403, 200]


def test_fault_slow_exceeds_a_short_timeout(server):
    server.fault("/api/daily_papers", Fault.slow(1.0))
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url + "/api/daily_papers", params={"date": DAY}, timeout=0.2)


def test_fault_drop_raises(server):
    server.fault("/html/2602.05293", Fault.drop())
    with pytest.raises(httpx.TransportError):
        httpx.get(server.url + "/html/2602.05293", timeout=5)


def test_fault_truncate_on_a_streamed_page(server):
    server.fault("/html/2602.05293", Fault.truncate())
    try:
        resp = httpx.get(server.url + "/html/2602.05293", timeout=5)
    except httpx.TransportError:
        return
    assert "</html>" not in resp.text


def test_fault_truncate_raises_or_is_short(server):
    server.fault("/pdf/2602.05293", Fault.truncate())
    full = len(fixtures.pdf_fixture("2602.05293.pdf"))
    try:
        resp = httpx.get(server.url + "/pdf/2602.05293", timeout=5)
    except httpx.TransportError:
        return
    assert len(resp.content) < full


def test_fault_wrong_content_type(server, client):
    server.fault("/pdf/2602.05293", Fault.wrong_type("text/html; charset=utf-8"))
    resp = client.get("/pdf/2602.05293")
    assert resp.status_code == 200 and resp.headers["content-type"] == "text/html; charset=utf-8"
    assert resp.content[:5] == b"%PDF-"


def test_request_counting(server, client):
    server.reset_counts()
    client.get("/html/2602.05293")
    client.get("/html/2602.05293v1")
    client.get("/api/daily_papers", params={"date": DAY})
    assert server.count("/html/2602.05293") == 2
    assert server.count("/api/daily_papers") == 1
    assert server.count("/", method="GET") == 3


def test_url_survives_stop_and_then_refuses_connections():
    r = Replica(services=("hf",)).start()
    url = r.url
    r.stop()
    assert r.url == url
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/api/daily_papers", timeout=2)


@pytest.mark.skipif(not (shutil.which("latexmlc") and shutil.which("pdflatex") and EXAMPLE is not None),
                    reason="needs latexmlc, pdflatex and the example report")
def test_committed_fixtures_are_what_the_script_makes(tmp_path):
    root = Path(__file__).resolve().parents[1]
    data, expected = tmp_path / "data", tmp_path / "expected"  # never the committed folders themselves
    proc = subprocess.run([sys.executable, str(root / "scripts" / "make_fixtures.py"), "--out", str(data),
                           "--expected", str(expected)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PAPERBRIEF_EXAMPLE_REPORT": str(EXAMPLE)})
    assert proc.returncode == 0, proc.stderr[-2000:]
    for made_dir, committed_dir in ((data, fixtures.DATA_DIR), (expected, EXPECTED_DIR)):
        made = sorted(p.relative_to(made_dir) for p in made_dir.rglob("*") if p.is_file())
        committed = sorted(p.relative_to(committed_dir) for p in committed_dir.rglob("*") if p.is_file())
        assert made == committed
        changed = [str(p) for p in made if (made_dir / p).read_bytes() != (committed_dir / p).read_bytes()]
        assert not changed, f"rerun scripts/make_fixtures.py and commit: {changed}"

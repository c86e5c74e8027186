"""The arXiv replica: `/html`, `/pdf`, `/abs` and the Atom export API, as docs/sources.md §2–4 describe.

    GET /html/{id}[vN][/]   200 LaTeXML page with arXiv's chrome injected (header, infobox,
                            footer, head scripts, sometimes a <base href>); 404 "No HTML for"
                            when the paper has no conversion, "No document for" when the
                            paper or version is unknown, "No article for" when the id is malformed.
    GET /pdf/{id}[vN]       200 application/pdf; `/pdf/{id}.pdf` and query strings -> 301;
                            404 "No document for" when there is no PDF.
    GET /abs/{id}[vN]       abstract page with the Google Scholar meta tags.
    GET /api/query          Atom feed (mount point of PAPERBRIEF_ARXIV_EXPORT_URL = url + "/api/query").

A fresh service holds every paper of the committed listings, with full text as the
manifest (`data/arxiv/manifest.json`) says; tests add or change papers through it.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs, quote

from paperbrief.replica import fixtures
from paperbrief.replica.pdfgen import make_pdf
from paperbrief.replica.server import Replica, Request, Response

HTML_TYPE = "text/html; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"

_NEW_ID = re.compile(r"^(?P<id>\d{4}\.\d{4,5})(?:v(?P<v>\d+))?$")
_OLD_ID = re.compile(r"^(?P<id>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?$")


def split_id(raw: str) -> tuple[str, int | None] | None:
    """`2602.05293v2` -> ("2602.05293", 2); `2602.05293` -> ("2602.05293", None); malformed -> None."""
    m = _NEW_ID.match(raw) or _OLD_ID.match(raw)
    if not m:
        return None
    return m.group("id"), int(m.group("v")) if m.group("v") else None


def surname_first(name: str) -> str:
    """"Jane Q. Doe" -> "Doe, Jane Q." (the citation_author format of arXiv's abs pages)."""
    parts = name.split()
    if len(parts) < 2:
        return name
    return f"{parts[-1]}, {' '.join(parts[:-1])}"


@dataclass
class ArxivPaper:
    """One paper as the arXiv replica knows it."""

    arxiv_id: str
    title: str
    authors: list[str]
    abstract: str
    version: int = 1
    html: str | None = None  # raw LaTeXML HTML (chrome is added when served); None = no HTML
    pdf: bytes | None = None
    published: str = "2026-02-05T18:59:59Z"  # v1 date
    categories: list[str] = field(default_factory=lambda: ["cs.LG"])
    base_href: bool = True  # put <base href="/html/<id>vN/"> in the head (some real pages don't)
    comment: str | None = None

    @property
    def idv(self) -> str:
        return f"{self.arxiv_id}v{self.version}"

    @property
    def published_dt(self) -> datetime:
        return datetime.fromisoformat(self.published.replace("Z", "+00:00"))

    @property
    def updated_dt(self) -> datetime:
        """Date of the latest version (a day per extra version after v1)."""
        return self.published_dt + timedelta(days=self.version - 1)


# --- building pages ------------------------------------------------------------


def _sentences(text: str) -> list[str]:
    # no split after a title or a Latin abbreviation ("We present Dr. Kernel", "e.g. ResNet")
    parts = re.split(r"(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bvs\.)(?<!\be\.g\.)(?<!\bi\.e\.)(?<=[.!?])\s+(?=[A-Z0-9])",
                     " ".join(text.split()))
    return [p for p in parts if p]


def section_texts(paper: ArxivPaper) -> dict[str, str]:
    """Template token -> plain text: the abstract's sentences spread over the template's sections."""
    sents = _sentences(paper.abstract) or [paper.title + "."]
    n = len(sents)
    intro = sents[: max(1, n // 3)]
    rest = sents[len(intro) :]
    numeric = [s for s in rest if re.search(r"\d", s)]
    method = [s for s in rest if s not in numeric][:-1] or rest[:1] or intro
    experiments = numeric or rest[-2:-1] or sents[-1:]
    return {
        "PBTITLE": paper.title,
        "PBABSTRACT": " ".join(paper.abstract.split()),
        "PBINTRO": " ".join(intro),
        "PBMETHOD": " ".join(method),
        "PBEXPERIMENTS": " ".join(experiments),
        "PBCONCLUSION": "In summary: " + " ".join(sents[-1:]),
    }


def fill_template(template: str, paper: ArxivPaper) -> str:
    """The LaTeXML template page with the paper's title, authors, abstract and sections filled in."""
    esc = html.escape
    filled = {k: esc(v) for k, v in section_texts(paper).items()}
    out = template
    # Authors: repeat the template's creator block once per author.
    m = re.search(r'<span class="ltx_creator ltx_role_author">\s*<span class="ltx_personname">PBAUTHOR\s*</span></span>', out)
    if m:
        block = m.group(0)
        sep = '\n<span class="ltx_author_before">  </span>'
        authors = paper.authors or ["Anonymous"]
        out = out.replace(block, sep.join(block.replace("PBAUTHOR", esc(a)) for a in authors), 1)
    for token in sorted(filled, key=len, reverse=True):
        out = out.replace(token, filled[token])
    return out


def inflate_page(page: str, target_bytes: int) -> str:
    """Repeat a LaTeXML page's numbered sections (with fresh ids) until it is at least `target_bytes` long.

    For benchmarks and size tests: the 50 KB / 500 KB / 5 MB pages of docs/sources.md §2.2.
    """
    start = page.find('<section id="S1"')
    if start < 0:
        raise ValueError("the page has no numbered section to repeat")
    ends = [i for i in (page.find('<section id="A1"', start), page.find('<section id="bib"', start),
                        page.find("</article>", start)) if i > 0]
    end = min(ends)
    block = page[start:end]
    size = len(page.encode("utf-8"))
    copies = []
    k = 0
    while size < target_bytes:
        k += 1
        copy = re.sub(r'(id|href)="(#?)S', rf'\1="\2R{k}S', block)
        copies.append(copy)
        size += len(copy.encode("utf-8"))
    return page[:end] + "".join(copies) + page[end:]


def _toc(page: str) -> str:
    items = []
    pattern = re.compile(
        r'<section id="([^"]+)" class="ltx_(section|appendix|bibliography)[^"]*">\s*<h2 class="ltx_title[^"]*">(.*?)</h2>',
        re.S,
    )
    for sid, _kind, title in pattern.findall(page):
        text = " ".join(re.sub(r"<[^>]+>", "", title).split())
        items.append(
            f'<li class="ltx_tocentry ltx_tocentry_section"><a class="ltx_ref" href="#{sid}">'
            f'<span class="ltx_text ltx_ref_title">{html.escape(text)}</span></a></li>'
        )
    return (
        '<nav class="ltx_page_navbar"><nav class="ltx_TOC"><ol class="ltx_toclist">\n'
        + "\n".join(items)
        + "\n</ol></nav></nav>\n"
    )


def add_chrome(page: str, paper: ArxivPaper, version: int | None = None) -> str:
    """Inject arXiv's wrapper (head scripts, header, TOC, infobox, footer) into a LaTeXML page."""
    idv = f"{paper.arxiv_id}v{version or paper.version}"
    head = [
        '<link href="/static/browse/0.3.4/css/arxiv-html-papers-20250916.css" rel="stylesheet" type="text/css"/>',
        '<script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.0/dist/js/bootstrap.bundle.min.js"></script>',
        '<script src="/static/browse/0.3.4/js/addons_new.js"></script>',
        '<script src="/static/browse/0.3.4/js/feedbackOverlay.js"></script>',
    ]
    if paper.base_href:
        head.append(f'<base href="/html/{idv}/"/>')
    page = page.replace("</head>", "\n".join(head) + "\n</head>", 1)
    header = (
        '<dialog id="modal-form"><form method="dialog"><h2>Report GitHub Issue</h2>'
        '<textarea id="form-description" placeholder="Description"></textarea>'
        '<button type="submit">Submit</button></form></dialog>\n'
        '<header class="arxiv-html-header">\n'
        '<a class="arxiv-logo" href="https://arxiv.org/">arXiv</a>\n'
        '<nav class="html-header-nav">\n'
        '<a class="ar5iv-footer-button hover-effect" href="https://info.arxiv.org/about/accessible_HTML.html">Why HTML?</a>\n'
        '<a class="ar5iv-footer-button hover-effect" href="#myForm" id="openForm">Report Issue</a>\n'
        f'<a class="ar5iv-footer-button hover-effect" href="https://arxiv.org/abs/{idv}">Back to Abstract</a>\n'
        f'<a class="ar5iv-footer-button hover-effect" href="https://arxiv.org/pdf/{idv}">Download PDF</a>\n'
        '<a class="ar5iv-toggle-color-scheme" href="javascript:toggleColorScheme()" title="Toggle dark/light mode">'
        '<span class="color-scheme-icon"></span></a>\n'
        "</nav></header>\n"
    )
    page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + "\n" + header + _toc(page), page, count=1)
    when = paper.updated_dt.strftime("%d %b %Y")
    infobox = (
        '<div class="infobox" id="infobox">'
        '<a href="https://info.arxiv.org/help/license/index.html#licenses-available" id="license-tr">'
        "License: CC BY 4.0</a>"
        f'<div id="watermark-tr">arXiv:{idv} [{paper.categories[0]}] {when}</div></div>\n'
    )
    page = page.replace('<div class="ltx_page_content">', infobox + '<div class="ltx_page_content">', 1)
    footer = (
        '<footer class="arxiv-html-footer ltx_page_footer">\n'
        "<p>Experimental support, please "
        f'<a href="https://arxiv.org/html/{idv}/__stdout.txt">view the build logs</a> for errors. '
        'Generated by <a href="https://math.nist.gov/~BMiller/LaTeXML/">LaTeXML</a>.</p>\n'
        '<p><a href="https://info.arxiv.org/about/accessibility_html_error_messages.html">'
        "Instructions for reporting errors</a></p>\n</footer>"
    )
    new, n = re.subn(r'<footer class="ltx_page_footer">.*?</footer>', lambda _m: footer, page, count=1, flags=re.S)
    if n == 0:
        new = page.replace("</body>", footer + "\n</body>", 1)
    return new


def base_layout(title: str, content: str) -> str:
    """arXiv's plain site layout around an error or abstract page body."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{title}</title>\n"
        '<link rel="stylesheet" type="text/css" media="screen" href="/static/browse/0.3.4/css/arXiv.css"/>\n'
        "</head>\n<body class=\"with-cu-identity\">\n"
        '<header><a href="#content" class="is-sr-only">Skip to main content</a>\n'
        '<div id="header"><h1><a href="/">arXiv.org</a></h1></div></header>\n'
        f'<main class="container" id="main-container">\n<div id="content">\n{content}\n</div>\n</main>\n'
        '<footer><div class="columns"><a href="https://info.arxiv.org/about">About</a> '
        '<a href="https://info.arxiv.org/help">Help</a></div></footer>\n</body>\n</html>\n'
    )


def no_html_page(idv: str) -> str:
    """The exact body of arxiv-browse's `no_html.html` (docs/sources.md §2.3) in the base layout."""
    content = (
        f"<h1>No HTML for '{html.escape(idv)}'</h1>\n"
        "<p>HTML is not available for the source.</p>\n"
        "<p>This could be due to the source files not being HTML, LaTeX, or a conversion failure.</p>\n"
        "<p>If you are an author, learn how you can help "
        '<a href="https://info.arxiv.org/about/accessibility_html_error_messages.html">HTML conversions for your papers</a>.</p>'
    )
    return base_layout(f"No HTML for '{html.escape(idv)}'", content)


def not_found_page(raw_id: str) -> str:
    content = f"<h1>No document for '{html.escape(raw_id)}'</h1>\n<p>The requested document does not exist.</p>"
    return base_layout("Document not found", content)


def bad_id_page(raw_id: str) -> str:
    content = (
        f"<h1>No article for '{html.escape(raw_id)}'</h1>\n"
        f"<p>The identifier you have specified, '{html.escape(raw_id)}', appears to be invalid.</p>"
    )
    return base_layout("Invalid article identifier", content)


def abs_page(paper: ArxivPaper, base: str = "https://arxiv.org") -> str:
    esc = html.escape
    aid = paper.arxiv_id
    abstract = " ".join(paper.abstract.split())
    metas = [
        '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
        f'<link rel="canonical" href="{base}/abs/{aid}"/>',
        f'<meta name="description" content="Abstract page for arXiv paper {aid}: {esc(paper.title)}"/>',
        '<meta property="og:type" content="website"/>',
        '<meta property="og:site_name" content="arXiv.org"/>',
        f'<meta property="og:title" content="{esc(paper.title)}"/>',
        f'<meta property="og:url" content="{base}/abs/{aid}v{paper.version}"/>',
        f'<meta property="og:description" content="{esc(abstract)}"/>',
        f'<meta name="twitter:title" content="{esc(paper.title[:70])}"/>',
        f'<meta name="twitter:description" content="{esc(abstract[:200])}"/>',
        f'<meta name="citation_title" content="{esc(paper.title)}"/>',
    ]
    metas += [f'<meta name="citation_author" content="{esc(surname_first(a))}"/>' for a in paper.authors]
    metas += [
        f'<meta name="citation_date" content="{paper.published_dt:%Y/%m/%d}"/>',
        f'<meta name="citation_online_date" content="{paper.updated_dt:%Y/%m/%d}"/>',
        f'<meta name="citation_pdf_url" content="{base}/pdf/{aid}"/>',
        f'<meta name="citation_arxiv_id" content="{aid}"/>',
        f'<meta name="citation_abstract" content="{esc(abstract)}"/>',
    ]
    authors = ", ".join(
        f'<a href="{base}/a/{quote(a.split()[-1].lower())}_{quote(a.split()[0][:1])}">{esc(a)}</a>' for a in paper.authors
    )
    links = [f'<li><a href="/pdf/{aid}" class="abs-button download-pdf">View PDF</a></li>']
    if paper.html is not None:
        links.append(
            f'<li><a href="https://arxiv.org/html/{paper.idv}" class="abs-button" id="latexml-download-link">HTML (experimental)</a></li>'
        )
    body = (
        f'<div class="dateline">[Submitted on {paper.published_dt.day} {paper.published_dt:%b %Y}]</div>\n'
        f'<h1 class="title mathjax"><span class="descriptor">Title:</span>{esc(paper.title)}</h1>\n'
        f'<div class="authors"><span class="descriptor">Authors:</span>{authors}</div>\n'
        f'<blockquote class="abstract mathjax">\n<span class="descriptor">Abstract:</span>{esc(abstract)}\n</blockquote>\n'
        '<div class="metatable"><table summary="Additional metadata"><tr><td class="tablecell label">Comments:</td>'
        f'<td class="tablecell comments mathjax">{esc(paper.comment or "")}</td></tr>'
        '<tr><td class="tablecell label">Subjects:</td>'
        f'<td class="tablecell subjects"><span class="primary-subject">{paper.categories[0]}</span></td></tr></table></div>\n'
        f'<div class="full-text"><h2>Access Paper:</h2><ul>{"".join(links)}</ul></div>'
    )
    page = base_layout(f"[{aid}] {esc(paper.title)}", body)
    return page.replace("</head>", "\n".join(metas) + "\n</head>", 1)


def _x(text: str) -> str:
    return html.escape(text, quote=True)


def _wrap(text: str, width: int = 76, indent: str = "  ") -> str:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        lines.append(line)
    return f"\n{indent}".join(lines)


def atom_feed(query: str, entries: list[str], total: int, start: int, per_page: int) -> str:
    updated = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    feed_id = hashlib.sha1(query.encode()).hexdigest()[:27]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"'
        ' xmlns:arxiv="http://arxiv.org/schemas/atom">\n'
        f'  <link href="http://arxiv.org/api/query?{_x(query)}" rel="self" type="application/atom+xml"/>\n'
        f'  <title type="html">ArXiv Query: {_x(query)}</title>\n'
        f"  <id>http://arxiv.org/api/{feed_id}</id>\n"
        f"  <updated>{updated:%Y-%m-%dT%H:%M:%S}-05:00</updated>\n"
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
        + "".join(entries)
        + "</feed>\n"
    )


def atom_entry(paper: ArxivPaper, version: int) -> str:
    idv = f"{paper.arxiv_id}v{version}"
    updated = paper.published_dt + timedelta(days=version - 1)
    authors = "".join(f"    <author>\n      <name>{_x(a)}</name>\n    </author>\n" for a in paper.authors)
    cats = "".join(f'    <category term="{c}" scheme="http://arxiv.org/schemas/atom"/>\n' for c in paper.categories)
    comment = f"    <arxiv:comment>{_x(paper.comment)}</arxiv:comment>\n" if paper.comment else ""
    return (
        "  <entry>\n"
        f"    <id>http://arxiv.org/abs/{idv}</id>\n"
        f"    <updated>{updated:%Y-%m-%dT%H:%M:%SZ}</updated>\n"
        f"    <published>{paper.published_dt:%Y-%m-%dT%H:%M:%SZ}</published>\n"
        f"    <title>{_x(_wrap(paper.title, 60))}</title>\n"
        f"    <summary>  {_x(_wrap(paper.abstract, 76, ''))}\n</summary>\n"
        + authors
        + comment
        + f'    <link href="http://arxiv.org/abs/{idv}" rel="alternate" type="text/html"/>\n'
        f'    <link title="pdf" href="http://arxiv.org/pdf/{idv}" rel="related" type="application/pdf"/>\n'
        f'    <arxiv:primary_category term="{paper.categories[0]}" scheme="http://arxiv.org/schemas/atom"/>\n'
        + cats
        + "  </entry>\n"
    )


def atom_error(query: str, message: str, err_id: str) -> str:
    entry = (
        "  <entry>\n"
        f"    <id>http://arxiv.org/api/errors#{_x(err_id)}</id>\n"
        "    <title>Error</title>\n"
        f"    <summary>{_x(message)}</summary>\n"
        "    <updated>2026-01-01T00:00:00-05:00</updated>\n"
        '    <link href="http://arxiv.org/api/errors" rel="alternate" type="text/html"/>\n'
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
        "  </entry>\n"
    )
    return atom_feed(query, [entry], 1, 0, 1)


# --- the service ----------------------------------------------------------------


class ArxivService:
    """State of the arXiv replica: papers by id, and what full text each has."""

    def __init__(self, load_fixtures: bool = True) -> None:
        self.papers: dict[str, ArxivPaper] = {}
        self.manifest: dict[str, dict] = {}
        self.chrome = True  # inject arXiv's wrapper into HTML pages
        self._template: str | None = None
        self._lock = threading.Lock()
        if load_fixtures:
            self._load_fixtures()

    # -- loading ----------------------------------------------------------------

    def _load_fixtures(self) -> None:
        self.manifest = fixtures.manifest()
        for date in fixtures.listing_dates():
            for item in fixtures.listing(date):
                paper = item.get("paper") if isinstance(item, dict) else None
                if not isinstance(paper, dict):
                    continue
                arxiv_id = str(paper.get("id") or "")
                entry = self.manifest.get(arxiv_id)
                if entry is None or arxiv_id in self.papers or split_id(arxiv_id) is None:
                    continue
                html_text: str | None = None
                if entry.get("html") == "template":
                    html_text = "template"
                elif entry.get("html"):
                    html_text = fixtures.html_fixture(entry["html"])
                pdf: bytes | str | None = entry.get("pdf")
                if pdf and pdf != "generated":
                    pdf = fixtures.pdf_fixture(str(pdf))
                title = html.unescape(re.sub(r"<[^>]+>", "", str(paper.get("title", ""))))
                self.add_paper(
                    arxiv_id,
                    title=" ".join(title.split()),
                    authors=[a.get("name", "") for a in paper.get("authors", []) if isinstance(a, dict)],
                    abstract=str(paper.get("summary", "")),
                    html=html_text,
                    pdf=pdf,
                    version=int(entry.get("version", 1)),
                    published=str(paper.get("publishedAt") or "2026-02-05T18:59:59.000Z"),
                    categories=entry.get("categories"),
                    base_href=bool(entry.get("base_href", True)),
                    comment=entry.get("comment"),
                )

    @property
    def template(self) -> str:
        if self._template is None:
            self._template = fixtures.html_fixture("template.html")
        return self._template

    # -- test API ----------------------------------------------------------------

    def add_paper(
        self,
        arxiv_id: str,
        *,
        title: str,
        authors: list[str],
        abstract: str,
        html: str | None = None,
        pdf: bytes | str | None = None,
        version: int = 1,
        published: str = "2026-02-05T18:59:59Z",
        categories: list[str] | None = None,
        base_href: bool = True,
        comment: str | None = None,
    ) -> ArxivPaper:
        """Add or replace a paper.

        `html="template"` fills the LaTeXML template from the metadata; `pdf="generated"`
        writes a small text PDF from it. Returns the stored paper.
        """
        if split_id(arxiv_id) is None:
            raise ValueError(f"malformed arXiv id {arxiv_id!r}")
        paper = ArxivPaper(
            arxiv_id=arxiv_id,
            title=title,
            authors=list(authors),
            abstract=abstract,
            version=version,
            published=published.replace(".000Z", "Z"),
            categories=list(categories or ["cs.LG"]),
            base_href=base_href,
            comment=comment,
        )
        paper.html = self._resolve_html(paper, html)
        paper.pdf = self._resolve_pdf(paper, pdf)
        with self._lock:
            self.papers[arxiv_id] = paper
        return paper

    def _resolve_html(self, paper: ArxivPaper, html_text: str | None) -> str | None:
        if html_text == "template":
            return fill_template(self.template, paper)
        return html_text

    def set_html(self, arxiv_id: str, html_text: str | None) -> None:
        """Give a paper new raw HTML ("template" fills the template), or None for "No HTML"."""
        paper = self.papers[arxiv_id]
        paper.html = self._resolve_html(paper, html_text)

    def _resolve_pdf(self, paper: ArxivPaper, pdf: bytes | str | None) -> bytes | None:
        if pdf == "generated":
            parts = section_texts(paper)
            sections = [("Introduction", parts["PBINTRO"]), ("Method", parts["PBMETHOD"]),
                        ("Experiments", parts["PBEXPERIMENTS"]), ("Conclusion", parts["PBCONCLUSION"])]
            return make_pdf(paper.title, paper.authors, paper.abstract, sections)
        if isinstance(pdf, str):
            raise ValueError('pdf must be bytes, "generated" or None')
        return pdf

    def set_pdf(self, arxiv_id: str, pdf: bytes | str | None) -> None:
        """Give a paper new PDF bytes ("generated" writes one from the metadata), or None for 404."""
        paper = self.papers[arxiv_id]
        paper.pdf = self._resolve_pdf(paper, pdf)

    def remove_paper(self, arxiv_id: str) -> None:
        self.papers.pop(arxiv_id, None)

    def page(self, arxiv_id: str, version: int | None = None) -> str | None:
        """The HTML page exactly as `/html/<id>[vN]` serves it (None when there is no HTML)."""
        paper = self.papers[arxiv_id]
        if paper.html is None:
            return None
        return add_chrome(paper.html, paper, version) if self.chrome else paper.html

    # -- handlers ----------------------------------------------------------------

    def _lookup(self, raw: str) -> tuple[ArxivPaper, int | None] | Response:
        """The paper and requested version of `<id>[vN]`, or the 404 page arXiv would send."""
        parsed = split_id(raw)
        if parsed is None:
            return Response(404, bad_id_page(raw), content_type=HTML_TYPE)
        arxiv_id, version = parsed
        paper = self.papers.get(arxiv_id)
        if paper is None or (version is not None and not 1 <= version <= paper.version):
            return Response(404, not_found_page(raw), content_type=HTML_TYPE)
        return paper, version

    def _validators(self, body: bytes, paper: ArxivPaper) -> dict[str, str]:
        return {
            "ETag": '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
            "Last-Modified": format_datetime(paper.updated_dt, usegmt=True),
        }

    def html_page(self, req: Request) -> Response:
        raw = req.path.removeprefix("/html/").strip("/")
        head, _, asset = raw.partition("/")
        if asset and _NEW_ID.match(head):  # `/html/<idv>/x1.png`: assets are not replicated
            return Response(404, "Not Found")
        found = self._lookup(raw)
        if isinstance(found, Response):
            return found
        paper, version = found
        page = self.page(paper.arxiv_id, version)
        if page is None:
            return Response(404, no_html_page(raw if version else paper.idv), content_type=HTML_TYPE)
        body = page.encode("utf-8")
        headers = {
            "Link": f"<https://arxiv.org/html/{paper.arxiv_id}>; rel='canonical'",
            "X-Robots-Tag": "nofollow",
            "Access-Control-Allow-Origin": "*",
            **self._validators(body, paper),
        }
        if req.headers.get("if-none-match") == headers["ETag"]:
            return Response(304, b"", headers, HTML_TYPE)
        if req.method == "GET":  # arxiv.org streams pages: chunked, no Content-Length
            chunks = (body[i : i + 16384] for i in range(0, len(body), 16384))
            return Response(200, body, headers, HTML_TYPE, stream=chunks)
        return Response(200, body, headers, HTML_TYPE)

    def pdf_file(self, req: Request) -> Response:
        raw = req.path.removeprefix("/pdf/").strip("/")
        if raw.endswith(".pdf"):
            return Response(301, b"", {"Location": f"/pdf/{raw.removesuffix('.pdf')}"}, HTML_TYPE)
        if req.query:
            return Response(301, b"", {"Location": f"/pdf/{raw}"}, HTML_TYPE)
        found = self._lookup(raw)
        if isinstance(found, Response):
            return found
        paper, version = found
        if paper.pdf is None:
            return Response(404, not_found_page(raw), content_type=HTML_TYPE)
        version = version or paper.version
        headers = {
            "Content-Disposition": f'inline; filename="{paper.arxiv_id}v{version}.pdf"',
            "Link": f"<https://arxiv.org/pdf/{paper.arxiv_id}>; rel='canonical'",
            "Accept-Ranges": "bytes",
            **self._validators(paper.pdf, paper),
        }
        m = re.fullmatch(r"bytes=(\d*)-(\d*)", req.headers.get("range", "").strip())
        if m and (m.group(1) or m.group(2)):
            size = len(paper.pdf)
            if m.group(1):
                start, end = int(m.group(1)), int(m.group(2)) if m.group(2) else size - 1
            else:  # a suffix: the last N bytes
                start, end = max(0, size - int(m.group(2))), size - 1
            end = min(end, size - 1)
            if start > end:
                return Response(416, b"", {"Content-Range": f"bytes */{size}"}, "application/pdf")
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            return Response(206, paper.pdf[start : end + 1], headers, "application/pdf")
        return Response(200, paper.pdf, headers, "application/pdf")

    def abs_html(self, req: Request) -> Response:
        raw = req.path.removeprefix("/abs/").strip("/")
        found = self._lookup(raw)
        if isinstance(found, Response):
            return found
        return Response(200, abs_page(found[0]), content_type=HTML_TYPE)

    def query(self, req: Request) -> Response:
        """The export API: an Atom feed of the `id_list` papers, or arXiv's error feed (HTTP 400)."""
        if req.method == "POST" and req.body:
            form = parse_qs(req.body.decode("utf-8", "replace"), keep_blank_values=True)
            req = Request(req.method, req.path, {**req.query, **form}, req.headers, req.body, req.at)
        id_list = req.arg("id_list", "") or ""
        start_raw = req.arg("start", "0") or "0"
        max_raw = req.arg("max_results", "10") or "10"
        query = f"search_query={req.arg('search_query', '')}&id_list={id_list}&start={start_raw}&max_results={max_raw}"

        def error(message: str) -> Response:
            err_id = re.sub(r"[^\w.]+", "_", message.replace(">= 0", "non negative").replace("<=", "at most"))
            return Response(400, atom_error(query, message, err_id), content_type=ATOM_TYPE)

        for name, value in (("start", start_raw), ("max_results", max_raw)):
            if not value.lstrip("-").isdigit():
                return error(f"{name} must be an integer")
            if int(value) < 0:
                return error(f"{name} must be >= 0")
        start, max_results = int(start_raw), int(max_raw)
        if max_results > 30000:
            return error("max_results must be <= 30000")
        found: list[tuple[ArxivPaper, int]] = []
        for raw in (i.strip() for i in id_list.split(",") if i.strip()):
            parsed = split_id(raw)
            if parsed is None:
                return error(f"incorrect id format for {raw}")
            paper = self.papers.get(parsed[0])
            if paper is not None and (parsed[1] is None or 1 <= parsed[1] <= paper.version):
                found.append((paper, parsed[1] or paper.version))
        entries = [atom_entry(p, v) for p, v in found[start : start + max_results]]
        return Response(200, atom_feed(query, entries, len(found), start, max_results), content_type=ATOM_TYPE)


def register(replica: Replica) -> ArxivService:
    service = ArxivService()
    replica.route("GET", "/html/", service.html_page)
    replica.route("HEAD", "/html/", service.html_page)
    replica.route("GET", "/pdf/", service.pdf_file)
    replica.route("HEAD", "/pdf/", service.pdf_file)
    replica.route("GET", "/abs/", service.abs_html)
    replica.route("GET", "/api/query", service.query)
    replica.route("POST", "/api/query", service.query)
    return service

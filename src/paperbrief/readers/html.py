"""Parse an arXiv (LaTeXML) HTML page into a Document: title, authors, abstract, sections, tables, references.

Only `article.ltx_document` is read, so arXiv's chrome (header, TOC, infobox, footer,
scripts) never reaches the text. Conventions (docs/decisions.md, "Parsers"):

- headings without their number tag ("Introduction", not "1 Introduction");
  appendix sections and their subsections carry `appendix=True`;
- `level` is the nesting depth: section 1, subsection 2, subsubsection 3, a
  `\\paragraph` one below whatever holds it;
- a section's text is its own paragraphs (not its subsections'), separated by blank
  lines, inline math as `$alttext$`, display math as `$$alttext$$`, list items as
  `- item` lines, citations as printed (`[3]`, `(Smith, 2024)`);
- footnotes leave the flow for `footnotes`; tables become `tables` (caption with its
  "Table N:" tag, GitHub markdown), figures `figures` (caption with tag and sub-captions);
- bibliography items become `references`, never section text;
- text is NFC-normalised, nothing else is changed (τ², ×, ≥, Chinese survive as is).

A page without a LaTeXML document, without a title, with almost no text, or cut off
before `</html>` raises NotAPaper.

Hostile pages: the walk is depth-bounded. Below MAX_DEPTH nested elements (real LaTeXML
pages nest about 30 deep) a subtree's text is taken flat, in one C call, instead of walked,
and sections nested deeper than MAX_SECTION_DEPTH stay part of their parent's text. Control
characters in the page never reach the text (they would also collide with the markers below),
and `text.clean_document` caps every field.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from paperbrief.models import Document, Figure, Section, Table
from paperbrief.readers.common import MIN_TEXT_CHARS, NotAPaper, clean
from paperbrief.text import clean_document, strip_controls

MAX_DEPTH = 100  # elements walked one inside another; deeper subtrees are read as flat text
MAX_SECTION_DEPTH = 12  # sections within sections; deeper ones stay in their parent's text
MAX_WORK = 3_000_000  # elements visited for one page (a real 5 MB page needs a few hundred thousand)
MAX_NESTING = 2_000  # open tags one inside another in the raw page; the HTML parser is quadratic beyond

_depth = threading.local()  # how deep the walk is in this thread, across every emitter

_BREAK = "\x00"  # paragraph boundary inside the emitted text
_LINE = "\x01"  # line boundary inside a paragraph
_INDENT = "\x02"  # one level of list indentation (survives whitespace collapsing)
_BULLETS = frozenset({"•", "∙", "◦", "–", "—", "-", "*", "▪", "‣", "○", "■", "□"})
_URL = re.compile(r"https?://[^\s<>\"'\x00\x01]+")

_SECTION_CLASSES = (
    "ltx_part",
    "ltx_chapter",
    "ltx_section",
    "ltx_subsection",
    "ltx_subsubsection",
    "ltx_paragraph",
    "ltx_subparagraph",
    "ltx_appendix",
    "ltx_index",
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "button", "nav", "header", "footer", "img", "svg", "iframe", "form", "input"})
_SKIP_CLASSES = frozenset(
    {
        "ltx_ERROR",
        "ltx_TOC",
        "ltx_page_navbar",
        "ltx_page_header",
        "ltx_page_footer",
        "ltx_page_logo",
        "ltx_pagination",
        "ltx_listing_data",
        "ltx_rdf",
        "ltx_note_mark",
        "ltx_note_type",
        "ltx_tag_note",
        "ltx_eqn_eqno",
        "ltx_tag_equation",
        "ltx_tag_equationgroup",
        "package-alerts",
        "infobox",
    }
)
_BLOCK_TAGS = frozenset(
    {"p", "div", "section", "article", "blockquote", "figure", "figcaption", "ul", "ol", "dl", "dt", "dd", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr"}
)
_BOLD_CLASSES = ("ltx_font_bold",)
_NAME_DROP = frozenset({"ltx_contact", "ltx_role_affiliation", "ltx_role_email", "ltx_role_address", "ltx_author_notes", "ltx_note", "ltx_font_typewriter"})
_CHROME_HOSTS = ("info.arxiv.org", "static.arxiv.org", "dlmf.nist.gov", "cdn.jsdelivr.net", "cdnjs.cloudflare.com")


def _classes(node: LexborNode) -> list[str]:
    cls = node.attributes.get("class")
    return cls.split() if cls else []


def _finish(raw: str, *, paragraph_sep: str = "\n\n") -> str:
    """Turn emitted text with BREAK/LINE markers into clean paragraphs."""
    paragraphs = []
    for para in raw.split(_BREAK):
        lines = [clean(line).replace(_INDENT, "  ") for line in para.split(_LINE)]
        lines = [line for line in lines if line.strip()]
        if lines:
            paragraphs.append("\n".join(lines))
    return paragraph_sep.join(paragraphs)


@dataclass
class _Collector:
    """Things pulled out of the flow while text is emitted."""

    footnotes: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)


class _Emitter:
    """Walks a LaTeXML subtree and emits text with paragraph/line markers.

    In a caption (`caption=True`) a nested figure is text of the caption, not another figure.
    """

    def __init__(self, collector: _Collector, *, caption: bool = False) -> None:
        self.c = collector
        self.caption = caption

    # -- entry points -----------------------------------------------------------

    def heading(self, title: LexborNode | None) -> str:
        """A section or document title as one line, without its number tag ("3.1")."""
        if title is None:
            return ""
        out: list[str] = []
        for child in title.iter(include_text=True):
            if child.tag != "-text" and "ltx_tag" in _classes(child):
                continue
            self._node(child, out, skip_ids=set(), item_depth=0)
        return clean("".join(out).replace(_BREAK, " ").replace(_LINE, " "))

    def text(self, node: LexborNode, *, skip: tuple[LexborNode, ...] = ()) -> str:
        out: list[str] = []
        self._children(node, out, skip_ids={s.mem_id for s in skip}, item_depth=0)
        return _finish("".join(out))

    def inline(self, node: LexborNode) -> str:
        """One line of text (breaks become spaces), for headings, captions, cells and names."""
        out: list[str] = []
        self._children(node, out, skip_ids=set(), item_depth=0)
        return clean("".join(out).replace(_BREAK, " ").replace(_LINE, " ").replace(_INDENT, ""))

    # -- walking ----------------------------------------------------------------

    def _children(self, node: LexborNode, out: list[str], *, skip_ids: set[int], item_depth: int) -> None:
        for child in node.iter(include_text=True):
            if skip_ids and child.mem_id in skip_ids:
                continue
            self._node(child, out, skip_ids=skip_ids, item_depth=item_depth)

    def _node(self, node: LexborNode, out: list[str], *, skip_ids: set[int], item_depth: int) -> None:
        tag = node.tag
        if tag == "-text":
            out.append(_no_markers(node.text_content or ""))
            return
        level = getattr(_depth, "level", 0)
        _depth.work = getattr(_depth, "work", 0) + 1
        if _depth.work > MAX_WORK:
            raise NotAPaper(f"the page is too deeply nested or repetitive to read (over {MAX_WORK:,} elements walked)")
        if level >= MAX_DEPTH:  # a hostile or broken page: no deeper walk, the subtree's text as is
            flat = node.text(deep=True, separator=" ")
            _depth.work += len(flat) // 64
            out.append(_no_markers(flat))
            return
        _depth.level = level + 1
        try:
            self._element(node, tag, out, skip_ids=skip_ids, item_depth=item_depth)
        finally:
            _depth.level = level

    def _element(self, node: LexborNode, tag: str | None, out: list[str], *, skip_ids: set[int], item_depth: int) -> None:
        if tag in ("-comment", "!doctype") or tag in _SKIP_TAGS:
            return
        classes = _classes(node)
        if classes and not _SKIP_CLASSES.isdisjoint(classes):
            return
        brk = _LINE if item_depth else _BREAK
        if tag == "math":
            alt = node.attributes.get("alttext") or ""
            if not alt:
                ann = node.css_first('annotation[encoding="application/x-tex"]')
                alt = ann.text() if ann else node.text()
            alt = _alttext(alt)
            if node.attributes.get("display") == "block":
                out.append(f"{brk}$${alt}$${brk}")
            else:
                out.append(f"${alt}$")
            return
        if tag == "br":
            out.append(_LINE)
            return
        if tag == "a":
            href = node.attributes.get("href")
            if href:
                self.c.hrefs.append(href)
        if "ltx_note" in classes:
            if "ltx_role_footnote" in classes or "ltx_role_footnotetext" in classes or "ltx_role_thanks" in classes:
                content = node.css_first(".ltx_note_content")
                if content is not None:
                    note = _Emitter(self.c).inline(content)
                    if note and note not in self.c.footnotes:
                        self.c.footnotes.append(note)
            return
        if tag == "figure":
            if self.caption or ("ltx_float" in classes and "ltx_figure" not in classes and "ltx_table" not in classes):
                # algorithm and listing floats: their lines are part of the paper's text
                out.append(brk)
                self._children(node, out, skip_ids=skip_ids, item_depth=item_depth)
                out.append(brk)
                return
            self._figure(node, classes)
            return
        if tag == "table":
            if "ltx_equation" in classes or "ltx_equationgroup" in classes or "ltx_eqn_table" in classes:
                self._equations(node, out, brk)
                return
            if "ltx_tabular" in classes:  # a table outside a table float: markdown in the text
                md = self._markdown(node)
                if md:
                    out.append(f"{brk}{md.replace(chr(10), _LINE)}{brk}")
                return
        if tag in ("ul", "ol") or "ltx_itemize" in classes or "ltx_enumerate" in classes or "ltx_description" in classes:
            self._list(node, out, skip_ids=skip_ids, item_depth=item_depth)
            return
        if tag == "pre" or "ltx_listing" in classes or "ltx_verbatim" in classes:
            self._verbatim(node, out, brk)
            return
        if "ltx_listingline" in classes:
            out.append(_LINE)
            self._children(node, out, skip_ids=skip_ids, item_depth=item_depth)
            out.append(_LINE)
            return
        block = tag in _BLOCK_TAGS or "ltx_p" in classes or "ltx_para" in classes
        if block:
            out.append(brk)
        self._children(node, out, skip_ids=skip_ids, item_depth=item_depth)
        if block:
            out.append(brk)

    def _list(self, node: LexborNode, out: list[str], *, skip_ids: set[int], item_depth: int) -> None:
        """Items as `- text` lines (`1. text` for numbered ones); nested lists are indented."""
        out.append(_LINE if item_depth else _BREAK)
        dt_label = ""
        for li in node.iter():
            if li.tag not in ("li", "dt", "dd"):
                continue
            tag_node = next((c for c in li.iter() if "ltx_tag" in _classes(c)), None)
            label = clean(tag_node.text()) if tag_node is not None else ""
            body: list[str] = []
            for child in li.iter(include_text=True):
                if tag_node is not None and child.mem_id == tag_node.mem_id:
                    continue
                self._node(child, body, skip_ids=skip_ids, item_depth=item_depth + 1)
            if li.tag == "dt":  # a description label waits for its <dd>
                dt_label = clean(" ".join([label, *("".join(body).replace(_BREAK, " ").split(_LINE))]))
                continue
            if li.tag == "dd":
                label, dt_label = dt_label, ""
            if not label or label in _BULLETS:
                marker = "- "
            elif li.tag == "dd" or not re.fullmatch(r"\(?\w{1,4}[.)]|\d+", label):
                marker = f"- {label.rstrip(':')}: "
            else:
                marker = f"{label} "
            first: list[str] = []
            nested: list[str] = []
            for piece in "".join(body).replace(_BREAK, _LINE).split(_LINE):
                if piece.startswith(_INDENT):
                    nested.append(piece)
                else:
                    first.append(piece)
            text = clean(" ".join(first))
            if not text and not nested:
                continue
            out.append(f"{_LINE}{_INDENT * item_depth}{marker}{text}")
            out.extend(f"{_LINE}{piece}" for piece in nested)
        out.append(_LINE if item_depth else _BREAK)

    def _verbatim(self, node: LexborNode, out: list[str], brk: str) -> None:
        lines = _outermost(node, lambda n: "ltx_listingline" in _classes(n))
        text = "\n".join(_Emitter(self.c).inline(ln) for ln in lines) if lines else node.text(deep=True)
        rows = [clean(x.replace("\u2423", " ")) for x in text.splitlines()]  # ␣ marks a space in listings
        out.append(brk + _LINE.join(r for r in rows if r) + brk)

    def _equations(self, node: LexborNode, out: list[str], brk: str) -> None:
        rows = _rows(node) or [node]
        for row in rows:
            maths = [_alttext(m.attributes.get("alttext") or "") for m in row.css("math")]
            maths = [m for m in maths if m]
            if maths:
                out.append(f"{brk}$${' '.join(maths)}$${brk}")

    # -- floats -----------------------------------------------------------------

    def _caption(self, fig: LexborNode) -> str:
        main = ""
        subs: list[str] = []
        for cap in _outermost(fig, lambda n: n.tag == "figcaption"):  # a caption in a caption is part of it
            text = _Emitter(self.c, caption=True).inline(cap)
            if not text:
                continue
            if cap.parent is not None and cap.parent.mem_id == fig.mem_id:
                main = text
            else:
                subs.append(text)
        return " ".join([main, *subs]).strip() if main else " ".join(subs)

    def _figure(self, fig: LexborNode, classes: list[str]) -> None:
        if "ltx_table" in classes:
            tables = _outermost(fig, lambda n: n.tag == "table")
            tabulars = [t for t in tables if "ltx_tabular" in _classes(t)]
            parts = [self._markdown(t) for t in tabulars]
            markdown = "\n\n".join(p for p in parts if p)
            if not markdown:  # a table float holding text or a listing instead of a tabular
                skip = tuple(fig.css("figcaption"))
                markdown = _Emitter(self.c).text(fig, skip=skip)
            self.c.tables.append(Table(caption=self._caption(fig), markdown=markdown))
            return
        # ltx_figure (and float-like figures): the caption only; nested panels are part of it
        caption = self._caption(fig)
        if caption or "ltx_figure_panel" not in classes:
            self.c.figures.append(Figure(caption=caption))

    def _markdown(self, table: LexborNode) -> str:
        """A LaTeXML tabular as a GitHub markdown table (colspan/rowspan leave blank cells)."""
        grid: list[list[str]] = []
        pending: dict[tuple[int, int], str] = {}  # (row, col) cells covered by a rowspan
        for r, tr in enumerate(_rows(table)):
            row: list[str] = []
            col = 0
            for cell in tr.iter():
                if cell.tag not in ("td", "th"):
                    continue
                while (r, col) in pending:
                    row.append(pending.pop((r, col)))
                    col += 1
                text = _Emitter(self.c).inline(cell).replace("|", "\\|")
                span = _int(cell.attributes.get("colspan"))
                down = _int(cell.attributes.get("rowspan"))
                for k in range(span):
                    row.append(text if k == 0 else "")
                    for d in range(1, down):
                        pending[(r + d, col + k)] = ""
                col += span
            while (r, col) in pending:
                row.append(pending.pop((r, col)))
                col += 1
            grid.append(row)
        grid = [row for row in grid if any(cell for cell in row)]
        if not grid:
            return ""
        width = max(len(row) for row in grid)
        for row in grid:
            row.extend([""] * (width - len(row)))
        # drop columns empty in every row
        keep = [j for j in range(width) if any(row[j] for row in grid)]
        grid = [[row[j] for j in keep] for row in grid]
        if len(grid) == 1 and len(keep) == 1:  # a boxed block of prose, not a table of values
            return grid[0][0].replace("\\|", "|")
        lines = ["| " + " | ".join(grid[0]) + " |", "|" + "|".join(["---"] * len(keep)) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in grid[1:]]
        return "\n".join(lines)


def _no_markers(text: str) -> str:
    """Page text without control characters (NUL, \\x01 and \\x02 are this module's markers)."""
    return strip_controls(text).replace("\r", " ")


def _alttext(tex: str) -> str:
    """LaTeXML wraps long alttext with `%` + newline (a TeX comment); join those lines again."""
    return re.sub(r"%\r?\n[ \t]*", "", tex).strip()


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _rows(table: LexborNode) -> list[LexborNode]:
    rows: list[LexborNode] = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.iter() if c.tag == "tr")
    return rows


def _outermost(root: LexborNode, match: Callable[[LexborNode], bool]) -> list[LexborNode]:
    """The descendants of `root` that match, in document order, without looking inside a match.

    One iterative pass (a nested shape costs its size, not its size squared, and no recursion)."""
    found: list[LexborNode] = []
    stack = list(reversed(list(root.iter())))
    while stack:
        node = stack.pop()
        if match(node):
            found.append(node)
        else:
            stack.extend(reversed(list(node.iter())))
    return found


# --- authors --------------------------------------------------------------------

_NAME_SPLIT = re.compile(r"\s*(?:,|;|\\and\b|\band\b|&|\s{2,}|[\u2002\u2003\u2009\u3000]+)\s*")
_MARKS = re.compile(r"^[\s*†‡§¶#\d,]+|[\s*†‡§¶#\d,]+$")


def _name_pieces(text: str) -> list[str]:
    names = []
    for piece in _NAME_SPLIT.split(text):
        piece = clean(_MARKS.sub("", piece))
        if not piece or "@" in piece or piece.lower().startswith(("http", "www.")):
            continue
        if not any(ch.isalpha() for ch in piece) or len(piece) > 80:
            continue
        names.append(piece)
    return names


class _NameEmitter:
    """Text of a personname with line breaks kept, superscripts/affiliations/emails/notes dropped."""

    def __init__(self) -> None:
        self.bold: list[str] = []

    def lines(self, node: LexborNode) -> list[str]:
        out: list[str] = []
        self._walk(node, out, in_bold=False)
        return [x for x in "".join(out).split(_LINE)]

    def _walk(self, node: LexborNode, out: list[str], in_bold: bool, depth: int = 0) -> None:
        if depth >= MAX_DEPTH:
            out.append(_no_markers(node.text(deep=True, separator=" ")))
            return
        for child in node.iter(include_text=True):
            tag = child.tag
            if tag == "-text":
                text = _no_markers(child.text_content or "")
                out.append(text)
                if in_bold:
                    self.bold.append(text)
                continue
            if tag in ("sup", "script", "style", "img", "svg") or tag in ("em", "i"):
                continue
            if tag == "br":
                out.append(_LINE)
                if in_bold:
                    self.bold.append(_LINE)
                continue
            classes = _classes(child)
            if not _NAME_DROP.isdisjoint(classes) or "ltx_font_italic" in classes or "ltx_ERROR" in classes:
                continue
            if tag == "math":
                out.append(child.attributes.get("alttext") or "")
                continue
            bold = in_bold or tag in ("b", "strong") or any(c in classes for c in _BOLD_CLASSES)
            if bold and not in_bold:
                self.bold.append(_LINE)
            self._walk(child, out, bold, depth + 1)
            if bold and not in_bold:
                self.bold.append(_LINE)


def parse_authors(authors: LexborNode | None) -> list[str]:
    """Author names from `div.ltx_authors` (one or many `ltx_personname`s, affiliations stripped)."""
    if authors is None:
        return []
    names: list[str] = []
    for person in authors.css(".ltx_personname"):
        emitter = _NameEmitter()
        lines = emitter.lines(person)
        bold = "".join(emitter.bold)
        if clean(bold.replace(_LINE, " ")):
            # names set in bold, affiliations in plain/italic text (the real-page layout)
            candidates = bold.split(_LINE)
        else:
            # first line is the name(s); later lines are affiliations unless the line ends with a separator
            candidates = []
            for line in lines:
                stripped = line.strip()
                if not stripped:
                    continue
                candidates.append(line)
                if not re.search(r"(,|\band|\\and|&)\s*$", stripped):
                    break
        for cand in candidates:
            for name in _name_pieces(cand):
                if name not in names:
                    names.append(name)
    return names


# --- the document ---------------------------------------------------------------


def _section_units(node: LexborNode) -> list[LexborNode]:
    return [c for c in node.iter() if c.tag == "section" and not set(_classes(c)).isdisjoint(_SECTION_CLASSES)]


def _title_node(section: LexborNode) -> LexborNode | None:
    for child in section.iter():
        if child.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and "ltx_title" in _classes(child):
            return child
    return None


_VOID = "area|base|br|col|embed|hr|img|input|link|meta|param|source|track|wbr"
_TAG_BYTES = re.compile(rf"<(/?)(?!(?:{_VOID})[\s/>])[a-zA-Z][^>]*>".encode())
_TAG_TEXT = re.compile(rf"<(/?)(?!(?:{_VOID})[\s/>])[a-zA-Z][^>]*>")


def _nesting(content: bytes | str) -> int:
    """How deep tags open one inside another in the raw page (a quick scan before the real parse)."""
    if isinstance(content, bytes):
        matches, slash = _TAG_BYTES.finditer(content), ord("/")
    else:
        matches, slash = _TAG_TEXT.finditer(content), "/"  # type: ignore[assignment]
    depth = deepest = 0
    for m in matches:
        if m.group(1):
            if depth:
                depth -= 1
        elif content[m.end() - 2] != slash:  # <x/> opens nothing
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_NESTING:
                    break
    return deepest


def _is_truncated(content: bytes | str) -> bool:
    tail = content[-4096:]
    if isinstance(tail, bytes):
        return re.search(rb"</html\s*>", tail, re.I) is None
    return re.search(r"</html\s*>", tail, re.I) is None


def _links(hrefs: list[str], texts: list[str], arxiv_id: str | None) -> list[str]:
    seen: list[str] = []
    candidates = list(hrefs)
    for text in texts:
        candidates += _URL.findall(text)
    for url in candidates:
        url = url.strip().rstrip(".,;:)]}>'\"")
        if not url.lower().startswith(("http://", "https://")):
            continue
        parts = urlsplit(url)
        host = parts.netloc.lower()
        if not host or host.endswith(_CHROME_HOSTS) or any(host == h for h in _CHROME_HOSTS):
            continue
        if host.endswith("arxiv.org") and (
            parts.path.startswith(("/html/", "/static/")) or (arxiv_id and arxiv_id in parts.path)
        ):
            continue
        if url not in seen:
            seen.append(url)
    return seen


def parse_html(content: bytes | str, *, arxiv_id: str | None = None) -> Document:
    """Parse a LaTeXML/arXiv HTML page (bytes or text) into a Document with source "HTML"."""
    if not content or not content.strip():
        raise NotAPaper("the page is empty")
    if _is_truncated(content):
        raise NotAPaper("the page is cut off (no closing </html>)")
    deepest = _nesting(content)
    if deepest > MAX_NESTING:
        raise NotAPaper(f"the page nests elements over {MAX_NESTING:,} deep (a real paper: about 30)")
    _depth.level = _depth.work = 0
    tree = LexborHTMLParser(content)
    article = tree.css_first("article.ltx_document") or next(
        (n for n in tree.css(".ltx_document") if "package-alerts" not in _classes(n)), None
    )
    if article is None:
        page_title = tree.css_first("title")
        shown = clean(page_title.text()) if page_title is not None else ""
        raise NotAPaper(f"no LaTeXML document in the page{f' (page title: {shown[:80]!r})' if shown else ''}")

    collector = _Collector()
    emitter = _Emitter(collector)

    title_node = article.css_first(".ltx_title_document")
    title = emitter.heading(title_node)
    if not title:
        raise NotAPaper("the page has no paper title")
    authors = parse_authors(article.css_first(".ltx_authors"))

    abstract = ""
    abstract_node = article.css_first(".ltx_abstract")
    if abstract_node is not None:
        abstract = emitter.text(abstract_node, skip=tuple(c for c in abstract_node.iter() if "ltx_title" in _classes(c)))

    sections: list[Section] = []
    references: list[str] = []

    def walk(unit: LexborNode, depth: int, appendix: bool) -> None:
        classes = _classes(unit)
        if "ltx_bibliography" in classes:
            return
        appendix = appendix or "ltx_appendix" in classes
        title_el = _title_node(unit)
        children_units = _section_units(unit) if depth < MAX_SECTION_DEPTH else []
        skip = tuple(children_units) + ((title_el,) if title_el is not None else ())
        text = emitter.text(unit, skip=skip)
        sections.append(Section(heading=emitter.heading(title_el), level=depth, text=text, appendix=appendix))
        for child in children_units:
            walk(child, depth + 1, appendix)

    # Text directly in the article (before the first section, outside title/authors/abstract).
    skip_top = [n for n in (title_node, article.css_first(".ltx_authors"), abstract_node) if n is not None]
    top_units = _section_units(article)
    bib_units = [n for n in article.css("section.ltx_bibliography")]
    loose = emitter.text(
        article,
        skip=tuple(skip_top) + tuple(top_units) + tuple(bib_units) + tuple(article.css(".ltx_classification, .ltx_keywords, .ltx_dates")),
    )
    if loose:
        sections.append(Section(heading="", level=1, text=loose))
    for unit in top_units:
        walk(unit, 1, False)

    for bib in bib_units:
        for item in bib.css("li.ltx_bibitem"):
            parts = [_Emitter(_Collector()).inline(b) for b in item.css(".ltx_bibblock")]
            ref = clean(" ".join(p for p in parts if p)) or clean(
                " ".join(_Emitter(_Collector()).inline(c) for c in item.iter() if "ltx_tag" not in _classes(c))
            )
            if ref:
                references.append(ref)

    body_chars = len(abstract) + sum(len(s.text) for s in sections)
    if body_chars < MIN_TEXT_CHARS:
        raise NotAPaper(f"the page has almost no text ({body_chars} characters)")

    texts = [abstract, *(s.text for s in sections), *collector.footnotes]
    return clean_document(Document(
        arxiv_id=arxiv_id,
        title=title,
        authors=authors,
        abstract=abstract,
        sections=sections,
        tables=collector.tables,
        figures=collector.figures,
        footnotes=collector.footnotes,
        references=references,
        links=_links(collector.hrefs, texts, arxiv_id),
        source="HTML",
    ))

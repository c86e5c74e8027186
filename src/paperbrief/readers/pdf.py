"""Parse a paper's PDF (pypdfium2) into a Document: title, authors, abstract, headed sections, references.

pdfium gives the text of each page in content-stream order, which for LaTeX output
(one- or two-column) is reading order. On top of it:

- running headers/footers (the same line, digits ignored, at the top or bottom of most
  pages), page numbers and arXiv's side stamp are dropped;
- headings are recovered from numbered lines ("1 Introduction", "2.1 Method") whose
  numbers follow on from the previous heading, appendix letters ("A Details", set in
  bold or larger type), and the usual unnumbered ones (Abstract, Acknowledgements,
  References, Appendix); headings are stored without their numbers, as in html.py;
- words hyphenated at a line end are joined again, using the paper itself as the
  dictionary: the hyphen is kept when the hyphenated form occurs elsewhere, dropped when
  the joined word does, and otherwise kept only for a compound of two words the paper
  uses on their own or one led by "well"/"self"/... ("a well-\ntuned" stays "well-tuned",
  "multipli-\ncations" becomes "multiplications");
- the title is the largest type on page 1 (or the PDF's Title metadata), the authors the
  lines between title and abstract, split where the type leaves wide gaps;
- references are the items after the References heading, split on `[n]`/`n.` labels or
  on hanging indentation.

Empty, image-only or unreadable PDFs raise NotAPaper. Only the first MAX_PAGES pages are read
(with a warning), and every field is cleaned and capped by `text.clean_document`.
"""

from __future__ import annotations

import ctypes
import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from paperbrief.models import Document, Figure, Section, Table
from paperbrief.readers.common import MIN_TEXT_CHARS, NotAPaper, clean
from paperbrief.text import clean_document

log = logging.getLogger(__name__)
MAX_PAGES = 500  # a paper with its appendices is far shorter; a 50 MB file of empty pages is not a paper

_SOFT_HYPHEN = "\ufffe"  # pdfium's mark for a hyphen that ended a line
_BULLETS = "\x88•∙◦▪‣●■–"
_UNNUMBERED = {
    "abstract": "Abstract",
    "references": "References",
    "bibliography": "References",
    "acknowledgments": "Acknowledgments",
    "acknowledgements": "Acknowledgements",
    "acknowledgment": "Acknowledgment",
    "acknowledgement": "Acknowledgement",
    "appendix": "Appendix",
    "appendices": "Appendix",
    "supplementary material": "Supplementary Material",
    "limitations": "Limitations",
    "ethics statement": "Ethics Statement",
    "impact statement": "Impact Statement",
    "broader impact": "Broader Impact",
    "conclusion": "Conclusion",
    "conclusions": "Conclusions",
    "introduction": "Introduction",
}
_NUMBERED = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?P<title>[^\W\d_].{0,110})$")
_LETTERED = re.compile(r"^(?:Appendix\s+)?(?P<num>[A-H](?:\.\d{1,2}){0,3})(?:[.:]|\s)\s*(?P<title>[^\W\d_].{0,110})$")
_APPENDIX_LINE = re.compile(r"^Appendix\s+(?P<num>[A-H])\b[.:]?\s*(?P<title>.*)$")
_CAPTION = re.compile(r"^(?P<kind>Figure|Fig\.|Table)\s+(?P<num>[A-Z]?\.?\d+(?:\.\d+)?)\s*[:.|]\s*\S")
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?[\divxlc]{1,5}(?:\s*(?:of|/)\s*\d+)?$", re.I)
_ARXIV_STAMP = re.compile(r"^arXiv:\s*\d{4}\.\d{4,5}(v\d+)?\s*\[", re.I)
_FOOTNOTE = re.compile(r"^(?:\d{1,2}|[*†‡§¶])\s?(?=[^\W\d_])")
_REF_LABEL = re.compile(r"^\s*(\[\d{1,4}\]|\d{1,4}\.)\s+")
_URL = re.compile(r"https?://[^\s<>\"']+")
_AFFILIATION = re.compile(
    r"universit|institut|college|school|department|dept\.|laborator|\blab\b|research|center|centre|"
    r"inc\.|corp|ltd|gmbh|academy|hospital|foundation|google|microsoft|meta\b|openai|deepmind|"
    r"@|\d|\bAI\b|\.com|\.edu|\.org",
    re.I,
)


@dataclass
class _Line:
    text: str
    page: int
    x: float
    top: float
    size: float
    bold: bool
    start: int  # index of the line's first character in the page's text
    textpage: object
    last_top: float = 0.0  # top of the line's last glyph (pdfium joins hyphenated lines)
    height: float = 792.0  # page height
    raw: str = ""  # the text as pdfium gave it (character indexes refer to this)


def _font(textpage: pdfium.PdfTextPage, index: int) -> tuple[float, bool]:
    size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, index))
    weight = int(pdfium_c.FPDFText_GetFontWeight(textpage.raw, index))
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buf, 128, ctypes.byref(flags))
    name = buf.value.decode("latin-1", "replace")
    bold = weight >= 600 or bool(re.search(r"bold|black|heavy|semibold|demi|CMBX|BX\d|-B\b|\+.*Bd", name, re.I))
    return size, bold


def _origin_y(textpage: pdfium.PdfTextPage, index: int) -> float:
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(textpage.raw, index, ctypes.byref(x), ctypes.byref(y))
    return y.value


_MARK_CHARS = "*†‡§¶"


def _superscripts(textpage: pdfium.PdfTextPage, line: str, first: int) -> tuple[str, bool]:
    """The line with raised small digits (and *†‡§¶) after a word made plain, and whether it ended
    with one: a footnote marker glued to a word or a sentence end ("cases.¹") is dropped, an
    exponent after a digit ("64³") becomes "64^3". A marker that starts the line (a footnote's
    own) is kept."""
    out: list[str] = []
    prev_size = prev_y = 0.0
    for k, ch in enumerate(line):
        index = first + k
        if k and (ch.isdigit() or ch in _MARK_CHARS) and not line[k - 1].isspace():
            size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, index))
            y = _origin_y(textpage, index)
            if prev_size and size < 0.85 * prev_size and y > prev_y + 0.2 * prev_size:
                base = out[-1] if out and not out[-1].startswith("\x00") else ""
                if base[-1:].isdigit() and ch.isdigit():
                    out.append("\x00^" + ch)  # an exponent; later digits of the same run follow it
                elif out and out[-1].startswith("\x00^") and ch.isdigit():
                    out.append(ch)
                else:
                    out.append("\x00")  # a footnote marker: dropped
                continue
        if not ch.isspace():
            prev_size = float(pdfium_c.FPDFText_GetFontSize(textpage.raw, index))
            prev_y = _origin_y(textpage, index)
        out.append(ch)
    raised_end = bool(out) and (out[-1].startswith("\x00") or (out[-1].isdigit() and len(out) > 1
                                                                and out[-2].startswith("\x00^")))
    return "".join(out).replace("\x00", ""), raised_end


def _page_lines(page: pdfium.PdfPage, number: int) -> list[_Line]:
    textpage = page.get_textpage()
    height = float(page.get_height())
    text = textpage.get_text_range()
    lines: list[_Line] = []
    pos = 0
    split_after_raised = False
    for raw_line in re.split(r"\r\n|\n|\r", text):
        start = pos
        pos += len(raw_line) + (2 if text[pos + len(raw_line) : pos + len(raw_line) + 2] == "\r\n" else 1)
        stripped = raw_line.strip()
        if not stripped:
            continue
        first = start + (len(raw_line) - len(raw_line.lstrip()))
        last = start + len(raw_line.rstrip()) - 1
        try:
            left, _bottom, _right, top = textpage.get_charbox(first)
            last_top = textpage.get_charbox(last)[3]
            size, bold = _font(textpage, first)
            plain, raised_end = stripped, False
            if re.search(r"\S[\d*†‡§¶]", stripped):
                plain, raised_end = _superscripts(textpage, stripped, first)
        except Exception:  # pdfium can refuse odd generated characters; keep the text
            left, top, last_top, size, bold, plain, raised_end = 0.0, 0.0, 0.0, 0.0, False, stripped, False
        prev = lines[-1] if lines else None
        if prev is not None and split_after_raised and left > prev.x and abs(top - prev.top) < max(size, 1.0):
            # the rest of a line that pdfium split after a raised footnote marker or exponent
            space = "" if re.match(r"[.,;:)\]]", plain) else " "
            prev.text += space + fix_accents(plain)
            prev.last_top = last_top
        else:
            lines.append(_Line(fix_accents(plain), number, left, top, round(size, 1), bold, first, textpage,
                               last_top, height, stripped))
        split_after_raised = raised_end
    return lines


# Spacing accents that pdfTeX's OT1 fonts emit as separate glyphs before the letter ("L´ea").
_ACCENTS = {"´": "\u0301", "¨": "\u0308", "ˆ": "\u0302", "˜": "\u0303", "ˇ": "\u030c", "˚": "\u030a",
            "˘": "\u0306", "˙": "\u0307", "˝": "\u030b", "¯": "\u0304", "`": "\u0300", "¸": "\u0327"}
_ACCENTED = re.compile("([´¨ˆ˜ˇ˚˘˙˝¯`¸])([A-Za-zı])")


def fix_accents(text: str) -> str:
    """Compose "L´ea" -> "Léa", "Sch¨afer" -> "Schäfer", "Fran¸cois" -> "François" (then NFC)."""
    if not any(ch in text for ch in "´¨ˆ˜ˇ˚˘˙˝¯`¸"):
        return text
    text = _ACCENTED.sub(lambda m: ("i" if m.group(2) == "ı" else m.group(2)) + _ACCENTS[m.group(1)], text)
    return unicodedata.normalize("NFC", text)


def _strip_furniture(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop running headers/footers, page numbers and arXiv's side stamp."""
    n = len(pages)
    edge: Counter[str] = Counter()
    for lines in pages:
        keys = {re.sub(r"\d+", "#", ln.text.lower()) for ln in lines[:2] + lines[-2:]}
        edge.update(keys)
    repeated = {k for k, c in edge.items() if n >= 3 and c >= max(2, 0.6 * n)}
    out = []
    for lines in pages:
        kept = []
        for i, ln in enumerate(lines):
            at_edge = i < 2 or i >= len(lines) - 2
            if _ARXIV_STAMP.match(ln.text):
                continue
            if at_edge and (_PAGE_NUMBER.match(ln.text) or re.sub(r"\d+", "#", ln.text.lower()) in repeated):
                continue
            kept.append(ln)
        out.append(kept)
    return out


def _dehyphenate(lines: list[str]) -> str:
    """Join lines into one paragraph, undoing end-of-line hyphenation."""
    text = ""
    for line in lines:
        if text.endswith(_SOFT_HYPHEN) or (text.endswith("-") and re.search(r"[a-z]-$", text) and line[:1].islower()):
            text = text[:-1] + _SOFT_HYPHEN + line
        else:
            text = f"{text} {line}" if text else line
    return text


# First words of compounds that keep their hyphen ("well-tuned", "self-attention").
_COMPOUND_HEADS = {"well", "ill", "self", "half", "fine", "coarse", "cross"}


def _vocabulary(full: str) -> set[str]:
    """The words of `full` (lowercased), leaving out the halves of words broken at a line end."""
    unbroken = re.sub(rf"\w+(?:{_SOFT_HYPHEN}\s*|-\n)\w+", " ", full)
    return {w.lower() for w in re.findall(r"\w+", unbroken)}


def _fix_hyphens(text: str, hyphenated: set[str], words: set[str] | frozenset[str] = frozenset()) -> str:
    """Resolve pdfium's line-end hyphen marks, with the paper's own words as the dictionary.

    `hyphenated` holds the hyphenated words the paper writes ("inverse-root"), `words` its
    words (see _vocabulary): the hyphen stays for a known hyphenated form, goes for a known
    joined word ("pre-\ntrained" -> "pretrained"); for a word seen neither way it stays only
    when both halves are words the paper uses, or the first is a compound head like "well".
    """

    def join(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        hyphen, joined = f"{left}-{right}", left + right
        if hyphen.lower() in hyphenated:
            return hyphen
        if joined.lower() in words:
            return joined
        lo, ro = left.lower(), right.lower()
        if (lo in _COMPOUND_HEADS and len(ro) >= 3) or (len(lo) >= 3 and len(ro) >= 3 and lo in words and ro in words):
            return hyphen
        return joined

    text = re.sub(rf"(\w+){_SOFT_HYPHEN}\s*(\w+)", join, text)
    return text.replace(_SOFT_HYPHEN, "")


def _gap_split(line: _Line) -> list[str]:
    """Split an author line where the glyphs leave a gap wider than about an em."""
    tp = line.textpage
    pieces: list[str] = []
    current = ""
    prev_right: float | None = None
    for k, ch in enumerate(line.raw or line.text):
        index = line.start + k
        if ch.isspace():
            current += ch
            continue
        try:
            left, _b, right, _t = tp.get_charbox(index)  # type: ignore[attr-defined]
        except Exception:
            left = right = prev_right or 0.0
        if prev_right is not None and left - prev_right > max(line.size, 6.0) * 0.9:
            pieces.append(current)
            current = ""
        current += ch
        prev_right = right
    pieces.append(current)
    return [clean(fix_accents(p)) for p in pieces if clean(p)]


def _author_names(lines: list[_Line]) -> list[str]:
    names: list[str] = []
    for line in lines:
        if "@" in line.text or line.text.lower().startswith(("http", "www.")):
            continue
        for chunk in _gap_split(line):
            for piece in re.split(r"\s*(?:,|;|\band\b|&|\\and)\s*", chunk):
                piece = clean(re.sub(r"[\d*†‡§¶]+", " ", piece))
                if not piece or _AFFILIATION.search(piece):
                    continue
                words = piece.split()
                if 1 < len(words) <= 5 or (len(words) == 1 and not piece.isascii()):
                    names.append(piece)
    return names


def _heading(line: _Line, body_size: float, state: dict) -> tuple[str, int, bool] | None:
    """(heading, level, starts_appendix) when the line is a section heading."""
    text = line.text.replace(_SOFT_HYPHEN, "")
    if len(text) > 120 or text.endswith((",", ";")):
        return None
    emphasised = line.bold or line.size > body_size + 0.5
    key = text.lower().rstrip(".:")
    if key in _UNNUMBERED and (emphasised or key in ("abstract", "references", "bibliography")):
        return _UNNUMBERED[key], 1, key in ("appendix", "appendices")
    m = _APPENDIX_LINE.match(text)
    if m and emphasised:
        state["letter"] = m.group("num")
        return clean(m.group("title")) or f"Appendix {m.group('num')}", 1, True
    m = _NUMBERED.match(text)
    if m and not text.endswith(".") and len(m.group("title").split()) <= 14:
        parts = [int(p) for p in m.group("num").split(".")]
        last: list[int] = state.get("num", [])
        expected_ok = (
            (len(parts) == 1 and parts[0] == (last[0] + 1 if last else 1))
            or (len(parts) == 1 and emphasised and last and parts[0] > last[0] and parts[0] <= last[0] + 2)
            or (len(parts) > 1 and last and parts[:-1] == last[: len(parts) - 1] and parts[-1] == (last[len(parts) - 1] + 1 if len(last) >= len(parts) else 1))
        )
        if expected_ok and not state.get("appendix"):
            state["num"] = parts
            return clean(m.group("title")), len(parts), False
    m = _LETTERED.match(text)
    if m and emphasised and not text.endswith(".") and len(m.group("title").split()) <= 14:
        num = m.group("num").split(".")
        letter = num[0]
        last_letter = state.get("letter")
        ok = (len(num) == 1 and (letter == "A" if last_letter is None else ord(letter) == ord(last_letter) + 1)) or (
            len(num) > 1 and letter == last_letter
        )
        if ok:
            state["letter"] = letter
            return clean(m.group("title")), len(num), True
    return None


def _split_references(lines: list[_Line]) -> list[str]:
    if not lines:
        return []
    items: list[list[str]] = []
    labelled = sum(1 for ln in lines if _REF_LABEL.match(ln.text)) >= max(2, len(lines) // 6)
    if labelled:
        for ln in lines:
            if _REF_LABEL.match(ln.text) or not items:
                items.append([_REF_LABEL.sub("", ln.text)])
            else:
                items[-1].append(ln.text)
    else:  # author-year: a new item starts at the column's left edge, continuations are indented
        lefts: dict[tuple[int, bool], float] = {}
        for ln in lines:
            col = (ln.page, ln.x > 300)
            lefts[col] = min(lefts.get(col, ln.x), ln.x)
        for ln in lines:
            col = (ln.page, ln.x > 300)
            if not items or ln.x <= lefts[col] + 2.0:
                items.append([ln.text])
            else:
                items[-1].append(ln.text)
    return [clean(_fix_hyphens(_dehyphenate(item), set())) for item in items if clean(" ".join(item))]


def _paragraphs(lines: list[_Line]) -> str:
    """Lines of one section -> paragraphs separated by blank lines; bullets become `- ` lines."""
    paras: list[list[str]] = []
    prev: _Line | None = None
    for ln in lines:
        text = ln.text
        bullet = text[:1] in _BULLETS
        if bullet:
            text = "- " + text[1:].strip()
        new = prev is None or bullet
        if prev is not None and not new:
            same_flow = ln.page == prev.page and abs(ln.x - prev.x) < 150
            gap = prev.last_top - ln.top if same_flow else 0.0
            ended = prev.text.rstrip().endswith((".", "!", "?", ":"))
            if same_flow and gap > 2.0 * max(ln.size, 1.0) and (ended or not text[:1].islower()):
                new = True  # (a sentence a table or figure interrupted goes on in the same paragraph)
            elif ended and same_flow and ln.x > prev.x + 6 and not paras[-1][0].startswith("- "):
                new = True  # indented first line of a paragraph
        if new:
            paras.append([text])
        else:
            paras[-1].append(text)
        prev = ln
    out: list[str] = []
    for para in paras:
        joined = _dehyphenate(para)
        if out and para[0].startswith("- ") and out[-1].lstrip().startswith("- "):
            out[-1] += "\n" + joined
        else:
            out.append(joined)
    return "\n\n".join(out)


_NUMBER_CELL = re.compile(r"^[-+−±]?\d[\d.,]*\s?(?:%|×|x|s|ms|[KMB])?$")


def _is_row(line: _Line, *, gaps_only: bool = False) -> bool:
    """A line that reads as a table row: short cells the type separates by wide gaps, or mostly numbers."""
    if line.text.rstrip().endswith(".") and len(line.text) > 60:
        return False
    cells = _gap_split(line)
    if len(cells) >= 2 and all(len(c.split()) <= 6 for c in cells):
        return True
    if gaps_only:
        return False
    tokens = line.text.split()
    numbers = sum(1 for t in tokens if _NUMBER_CELL.match(t))
    return numbers >= 2 and numbers >= 0.4 * len(tokens)


def _near(upper: _Line, lower: _Line, lines: float) -> bool:
    """`lower` follows `upper` on the same page within `lines` line heights (PDF y grows upwards)."""
    return upper.page == lower.page and 0 < upper.top - lower.top <= lines * max(lower.size, 6.0)


def _next_row(prev: _Line, line: _Line, first: bool) -> bool:
    """`line` is the next row of the table whose caption (first row) or last row is `prev`."""
    return _near(prev, line, 2.6 if first else 1.8) and _is_row(line)


def _rows_above(body: list[_Line], caption: _Line) -> list[_Line]:
    """The rows right above a table caption (a caption set below its table), top to bottom."""
    rows: list[_Line] = []
    anchor = caption
    for ln in reversed(body):
        if not _near(ln, anchor, 1.8 if rows else 2.6) or not _is_row(ln, gaps_only=True):
            break
        rows.append(ln)
        anchor = ln
    return rows[::-1] if len(rows) >= 2 else []


def _table_markdown(rows: list[_Line]) -> str:
    """A Markdown table of the rows split into cells at wide gaps; plain lines when a row has no gaps."""
    cells = [[clean(c) for c in _gap_split(ln) if clean(c)] for ln in rows]
    if any(len(c) < 2 for c in cells):
        return "\n".join(ln.text for ln in rows)
    width = max(len(c) for c in cells)
    cells = [c + [""] * (width - len(c)) for c in cells]
    lines = ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in cells]
    return "\n".join([lines[0], "|" + "---|" * width, *lines[1:]])


def parse_pdf(data: bytes, *, arxiv_id: str | None = None) -> Document:
    """Parse PDF bytes into a Document with source "PDF"."""
    if not data or not data.lstrip()[:5].startswith(b"%PDF"):
        raise NotAPaper("not a PDF file")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise NotAPaper(f"the PDF cannot be opened ({e})") from None
    try:
        count = len(pdf)
        if count > MAX_PAGES:
            log.warning("%s: the PDF has %d pages; reading the first %d", arxiv_id or "a PDF", count, MAX_PAGES)
        pages = [_page_lines(pdf[i], i) for i in range(min(count, MAX_PAGES))]
        meta_title = clean((pdf.get_metadata_dict() or {}).get("Title", "") or "")
        if len(meta_title) < 8 or re.search(r"\.(pdf|dvi|docx?|tex)$|^untitled|^microsoft word|^arxiv:", meta_title, re.I):
            meta_title = ""  # a file name or a tool's placeholder, not the paper's title
        return clean_document(_build(pages, meta_title, arxiv_id))
    finally:
        pdf.close()


def _build(pages: list[list[_Line]], meta_title: str, arxiv_id: str | None) -> Document:
    """The Document of a PDF's lines: furniture dropped, then the title, then every line placed."""
    pages = _strip_furniture(pages)
    lines = [ln for page in pages for ln in page]
    total = sum(len(ln.text) for ln in lines)
    if total < MIN_TEXT_CHARS:
        raise NotAPaper(f"the PDF has almost no text ({total} characters; scanned or empty?)")
    layout = _Layout(lines)
    title, title_lines = layout.title(pages[0] if pages else [], meta_title)
    title_ids = {id(ln) for ln in title_lines}
    for ln in lines:
        if id(ln) not in title_ids:
            layout.place(ln)
    return layout.document(title, arxiv_id)


class _Layout:
    """Reads a paper's lines in order and places each one: front matter (authors), abstract, a
    section's body, a figure or table caption, a table's rows, a footnote, or the references."""

    def __init__(self, lines: list[_Line]) -> None:
        sizes: Counter[float] = Counter()
        for ln in lines:
            sizes[ln.size] += len(ln.text)
        self.body_size = sizes.most_common(1)[0][0]
        full = "\n".join(ln.text for ln in lines)
        self.hyphenated = {w.lower() for w in re.findall(r"\b\w+-\w+\b", full)}
        self.words = _vocabulary(full)
        self.heading_state: dict = {}
        self.mode = "front"  # front | abstract | body | references
        self.appendix = False
        self.current: tuple[str, int, bool] | None = None  # the open section: heading, level, appendix
        self.body: list[_Line] = []  # lines of the open section
        self.sections: list[Section] = []
        self.figures: list[Figure] = []
        self.tables: list[Table] = []
        self.references: list[_Line] = []
        self.abstract_lines: list[_Line] = []
        self.author_lines: list[_Line] = []
        self.footnotes: list[list[str]] = []
        self.footnote_page = -1
        self.caption: list[str] | None = None  # the caption being read
        self.caption_kind = ""
        self.caption_start: _Line | None = None
        self.caption_end: _Line | None = None
        self.table_rows: list[_Line] = []  # the rows of the table whose caption was just read
        self.row_table: Table | None = None
        self.row_anchor: _Line | None = None  # the caption's or the last row's line

    # -- steps -------------------------------------------------------------------

    def title(self, first: list[_Line], meta_title: str) -> tuple[str, list[_Line]]:
        """The title (the PDF's metadata, else the largest type at the top of page 1) and its lines."""
        title_lines: list[_Line] = []
        if first:
            biggest = max(ln.size for ln in first[:12])
            if biggest > self.body_size + 0.5:
                for ln in first[:12]:
                    if ln.size == biggest:
                        title_lines.append(ln)
                    elif title_lines:
                        break
        title = meta_title or clean(" ".join(ln.text for ln in title_lines))
        if not title and first:
            title, title_lines = first[0].text, first[:1]
        return title, title_lines

    def place(self, ln: _Line) -> None:
        """Put one line where it belongs."""
        inline_abstract = re.match(r"^Abstract\s*[-—.:]\s*(\S.*)$", ln.text)
        head = None if inline_abstract else _heading(ln, self.body_size, self.heading_state)
        if self.caption is not None:
            if self._continues_caption(ln, head):
                self.caption.append(ln.text)
                self.caption_end = ln
                return
            self._end_caption(self.caption_end)
        if self.row_table is not None:
            if (head is None and self.row_anchor is not None and not _CAPTION.match(ln.text)
                    and _next_row(self.row_anchor, ln, first=not self.table_rows)):
                self.table_rows.append(ln)
                self.row_anchor = ln
                return
            self._end_rows()
        if inline_abstract:
            self._flush()
            self.current, self.mode = None, "abstract"
            self.abstract_lines.append(_Line(inline_abstract.group(1), ln.page, ln.x, ln.top, ln.size, ln.bold,
                                             ln.start, ln.textpage))
        elif head is not None:
            self._open_section(*head)
        elif self.mode == "front":
            if ln.page == 0:
                self.author_lines.append(ln)
        elif self.mode == "abstract":
            self.abstract_lines.append(ln)
        elif self.mode == "references":
            self.references.append(ln)
        elif not self._footnote(ln) and not self._start_caption(ln):
            self.body.append(ln)

    def _continues_caption(self, ln: _Line, head: tuple[str, int, bool] | None) -> bool:
        assert self.caption is not None
        return (head is None and not _CAPTION.match(ln.text) and len(self.caption) < 8
                and not self.caption[-1].rstrip().endswith(".") and not _is_row(ln))

    def _open_section(self, name: str, level: int, starts_appendix: bool) -> None:
        if name == "Abstract" and self.mode == "front":
            self.mode = "abstract"
            return
        self._flush()
        if name == "References":
            self.current, self.mode = None, "references"
            return
        self.appendix = self.appendix or starts_appendix
        if name == "Appendix" and starts_appendix:
            self.current, self.mode = None, "body"
            return
        self.mode = "body"
        self.current = (name, level, self.appendix)

    def _footnote(self, ln: _Line) -> bool:
        """A footnote line (small type at the bottom of the page), or its continuation."""
        small_at_bottom = ln.size and ln.size <= self.body_size - 1.5 and ln.top < 0.3 * ln.height
        if small_at_bottom and _FOOTNOTE.match(ln.text):
            self.footnotes.append([_FOOTNOTE.sub("", ln.text, count=1)])
            self.footnote_page = ln.page
            return True
        if small_at_bottom and self.footnotes and self.footnote_page == ln.page:
            self.footnotes[-1].append(ln.text)
            return True
        return False

    def _start_caption(self, ln: _Line) -> bool:
        m = _CAPTION.match(ln.text)
        if not m:
            return False
        self.caption = [ln.text]
        self.caption_start = self.caption_end = ln
        self.caption_kind = "Table" if m.group("kind") == "Table" else "Figure"
        if ln.text.rstrip().endswith(".") and len(ln.text) < 60:
            self._end_caption(ln)
        return True

    def _end_caption(self, last: _Line | None = None) -> None:
        """Close the caption: a figure, or a table whose rows are above it or follow it."""
        if self.caption:
            text = clean(self._dehyphen(self.caption))
            if self.caption_kind == "Table":
                self.tables.append(Table(caption=text))
                above = _rows_above(self.body, self.caption_start) if self.caption_start is not None else []
                if above:  # a caption set below its table
                    del self.body[-len(above):]
                    self.tables[-1].markdown = _table_markdown(above)
                elif self.caption_start is not None:
                    self.row_table, self.row_anchor = self.tables[-1], last
            else:
                self.figures.append(Figure(caption=text))
        self.caption = None

    def _end_rows(self) -> None:
        if self.row_table is not None and self.table_rows:
            self.row_table.markdown = _table_markdown(self.table_rows)
        self.table_rows.clear()
        self.row_table = self.row_anchor = None

    def _flush(self) -> None:
        """Close the open section (or the untitled text before the first heading)."""
        if self.current is not None:
            heading, level, appendix = self.current
            self.sections.append(Section(heading=heading, level=level, text=self._text(self.body), appendix=appendix))
        elif self.body and self.mode != "front":
            self.sections.append(Section(heading="", level=1, text=self._text(self.body)))
        self.body = []

    def _text(self, lines: list[_Line]) -> str:
        return _fix_hyphens(_paragraphs(lines), self.hyphenated, self.words)

    def _dehyphen(self, parts: list[str]) -> str:
        return _fix_hyphens(_dehyphenate(parts), self.hyphenated, self.words)

    # -- the result ---------------------------------------------------------------

    def document(self, title: str, arxiv_id: str | None) -> Document:
        self._end_caption(self.caption_end)
        self._end_rows()
        self._flush()
        abstract = clean(self._dehyphen([ln.text for ln in self.abstract_lines]))
        # front matter lines after the abstract started belong nowhere; authors are the name-like ones
        authors = _author_names([ln for ln in self.author_lines
                                 if ln.size >= self.body_size - 0.5 or not self.author_lines])
        text_all = "\n".join([abstract, *(s.text for s in self.sections)])
        links: list[str] = []
        for url in _URL.findall(text_all):
            url = url.rstrip(".,;:)]}")
            if url not in links and "arxiv.org/abs/" + (arxiv_id or "-") not in url:
                links.append(url)
        if len(text_all) < MIN_TEXT_CHARS:
            raise NotAPaper(f"the PDF has almost no running text ({len(text_all)} characters)")
        return Document(
            arxiv_id=arxiv_id,
            title=unicodedata.normalize("NFC", title),
            authors=authors,
            abstract=abstract,
            sections=[s.model_copy(update={"text": unicodedata.normalize("NFC", s.text)}) for s in self.sections],
            tables=self.tables,
            figures=self.figures,
            footnotes=[clean(self._dehyphen(f)) for f in self.footnotes],
            references=_split_references(self.references),
            links=links,
            source="PDF",
        )

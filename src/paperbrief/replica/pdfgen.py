"""Write a small, valid text PDF for a paper that has no pdflatex fixture.

arXiv serves a PDF for every paper, so the replica makes one from the same metadata
as the filled-in HTML template: title, authors, abstract, numbered sections and
references, set in the base-14 Helvetica fonts (nothing embedded, a few KB each).
Headings are bold and larger than body text, as in a LaTeX PDF. Characters outside
Windows-1252 are transliterated, since the base-14 fonts cannot show them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

PAGE_W, PAGE_H = 612, 792  # US letter, points
MARGIN = 72
LEADING = 1.35

REFERENCES = [
    "A. Vaswani et al. Attention is all you need. In NeurIPS, 2017.",
    "T. Brown et al. Language models are few-shot learners. In NeurIPS, 2020.",
    "J. Ho, A. Jain and P. Abbeel. Denoising diffusion probabilistic models. In NeurIPS, 2020.",
    "J. Schulman et al. Proximal policy optimization algorithms. arXiv preprint, 2017.",
    "A. Dosovitskiy et al. An image is worth 16x16 words. In ICLR, 2021.",
]


def _encodable(text: str) -> str:
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            plain = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def _pdf_string(text: str) -> bytes:
    raw = _encodable(text).encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _wrap(text: str, size: float, width: float) -> list[str]:
    """Greedy wrap with Helvetica's average glyph width (about half the font size)."""
    per_line = max(10, int(width / (size * 0.5)))
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > per_line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def make_pdf(title: str, authors: Iterable[str], abstract: str, sections: list[tuple[str, str]]) -> bytes:
    """A PDF with the title, authors, abstract, `(heading, text)` sections and a reference list."""
    width = PAGE_W - 2 * MARGIN
    blocks: list[tuple[str, float, str, float]] = []  # (font, size, text, space before)
    for line in _wrap(title, 17, width):
        blocks.append(("F2", 17, line, 0))
    blocks.append(("F1", 11, ", ".join(authors), 10))
    blocks.append(("F2", 11, "Abstract", 18))
    blocks += [("F1", 10, line, 0) for line in _wrap(abstract or title, 10, width - 40)]
    for n, (heading, text) in enumerate(sections, 1):
        blocks.append(("F2", 12, f"{n} {heading}", 16))
        blocks += [("F1", 10, line, 0) for line in _wrap(text, 10, width)]
    blocks.append(("F2", 12, "References", 16))
    for n, ref in enumerate(REFERENCES, 1):
        for i, line in enumerate(_wrap(ref, 9, width - 20)):
            blocks.append(("F1", 9, (f"[{n}] " if i == 0 else "     ") + line, 2 if i == 0 else 0))

    pages: list[bytes] = []
    ops: list[bytes] = []
    y = float(PAGE_H - MARGIN)
    for font, size, text, before in blocks:
        y -= before + size * LEADING
        if y < MARGIN:
            pages.append(b"\n".join(ops))
            ops, y = [], PAGE_H - MARGIN - size * LEADING
        ops.append(b"BT /%s %g Tf %g %g Td %s Tj ET" % (font.encode(), size, MARGIN, y, _pdf_string(text)))
    pages.append(b"\n".join(ops))
    return _assemble(pages, title)


def _assemble(contents: list[bytes], title: str) -> bytes:
    """Objects: 1 catalog, 2 pages, 3-4 fonts, 5 info, then (page, content) pairs."""
    n_pages = len(contents)
    page_ids = [6 + 2 * i for i in range(n_pages)]
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % p for p in page_ids), n_pages),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        4: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        5: b"<< /Title %s /Producer (paperbrief replica) >>" % _pdf_string(title),
    }
    for pid, content in zip(page_ids, contents, strict=False):
        objects[pid] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >>"
            b" /Contents %d 0 R >>" % (PAGE_W, PAGE_H, pid + 1)
        )
        objects[pid + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objects[num])
    xref = len(out)
    count = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for num in range(1, count):
        out += b"%010d 00000 n \n" % offsets[num]
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, xref)
    return bytes(out)

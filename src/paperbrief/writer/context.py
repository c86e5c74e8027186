"""Build the text a language model reads about one paper, within a token budget.

The context holds the title, authors, abstract, the sections in paper order, the
tables, figure captions, the paper's links and the listing's links, and the
references. When it does not fit, parts are dropped in this order, each kind from
its end backwards (so the first pages of an appendix stay when they fit):
references (and acknowledgements), the appendix (with the tables only the appendix
cites), related work, figure captions; then the longest remaining sections are
trimmed proportionally (a common cap on each section's length), and only after
that the tables (results tables are what a report needs most).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from paperbrief.models import Document
from paperbrief.writer.tokens import cut_to_tokens, estimate_tokens

_RELATED = re.compile(r"related\s+work|prior\s+work|previous\s+work|literature\s+review|相关工作", re.I)
_REFS = re.compile(r"^(references|bibliography|acknowledg(e)?ments?|参考文献|致谢)\b", re.I)
_APPENDIX = re.compile(r"^(appendix|appendices|supplementary|附录)\b", re.I)
_NUM_PREFIX = re.compile(r"^\s*(?:[A-Z]|\d+)(?:\.\d+)*\.?\s+")


def section_kind(heading: str) -> str:
    """Classify a heading: refs | appendix | related | body."""
    h = _NUM_PREFIX.sub("", heading.strip())
    if _REFS.search(h):
        return "refs"
    if _APPENDIX.search(h):
        return "appendix"
    if _RELATED.search(h):
        return "related"
    return "body"


@dataclass
class Part:
    """One block of the context: kind decides when it is dropped or trimmed."""

    kind: str  # head | abstract | body | related | appendix | refs | tables | figures | links
    text: str
    tokens: int = 0

    def __post_init__(self) -> None:
        self.tokens = estimate_tokens(self.text)


@dataclass
class Context:
    """The built context: the paper block's text, its estimated tokens and what was cut."""

    text: str
    tokens: int
    full_tokens: int
    dropped: list[str] = field(default_factory=list)  # kinds dropped entirely
    trimmed: bool = False


_TABLE_LABEL = re.compile(r"^\s*(Table|Tab\.|表)\s*([A-Z]?\d+)", re.I)


_CITE = re.compile(r"(?:\bTables?|\bTab\.|表)\s*~?([A-Z]?\d+)(?:\s*(?:,|and|&|–|-|to)\s*([A-Z]?\d+))*")


def _cited(text: str) -> set[str]:
    """The table labels a text cites ("Table 3", "Tables 2 and 4", "表 5")."""
    labels: set[str] = set()
    for m in _CITE.finditer(text):
        labels.update(re.findall(r"[A-Z]?\d+", m.group(0)))
    return labels


def _table_kind(caption: str, body_cites: set[str], appendix_cites: set[str], has_appendix: bool) -> str:
    """"tables" for a table the main text cites (or one we cannot place), "appendix" for one only the appendix cites."""
    m = _TABLE_LABEL.match(caption)
    if not m or not has_appendix:
        return "tables"
    label = m.group(2)
    if label in body_cites:
        return "tables"
    return "appendix" if label in appendix_cites or label[0].isalpha() else "tables"


def _parts(doc: Document, known_links: Sequence[str]) -> list[Part]:
    head = [f"Title: {doc.title}"]
    if doc.arxiv_id:
        head.append(f"arXiv: {doc.arxiv_id}")
    if doc.authors:
        head.append("Authors: " + ", ".join(doc.authors))
    parts = [Part("head", "\n".join(head))]
    if doc.abstract:
        parts.append(Part("abstract", "## Abstract\n" + doc.abstract))
    parent = "body"
    for s in doc.sections:
        kind = "appendix" if s.appendix else section_kind(s.heading)
        if s.level <= 1:
            parent = kind
        elif kind == "body" and parent != "body":
            kind = parent  # subsections inherit from their top-level section
        marks = "#" * min(max(s.level, 1) + 1, 4)
        text = f"{marks} {s.heading}\n{s.text}".strip()
        parts.append(Part(kind, text))
    if doc.tables:
        body_cites = _cited("\n".join([doc.abstract] + [p.text for p in parts if p.kind == "body"]))
        appendix = [p.text for p in parts if p.kind == "appendix"]
        appendix_cites = _cited("\n".join(appendix))
        parts.append(Part("tables_head", "## Tables"))
        for t in doc.tables:
            kind = _table_kind(t.caption, body_cites, appendix_cites, bool(appendix))
            parts.append(Part(kind, f"[{t.caption.strip()}]\n{t.markdown.strip()}".strip()))
    captions = [f.caption.strip() for f in doc.figures if f.caption.strip()]
    if captions:
        parts.append(Part("figures", "## Figure captions\n" + "\n".join(f"- {c}" for c in captions)))
    if doc.footnotes:
        parts.append(Part("body", "## Footnotes\n" + "\n".join(f"- {f}" for f in doc.footnotes)))
    links = list(dict.fromkeys([*doc.links, *known_links]))
    if links:
        lines = [f"- {u}" for u in doc.links]
        lines += [f"- {u} (from the Hugging Face listing)" for u in known_links if u not in doc.links]
        parts.append(Part("links", "## Links\n" + "\n".join(lines)))
    if doc.references:
        parts.append(Part("refs", "## References\n" + "\n".join(f"- {r}" for r in doc.references)))
    return parts


def _total(parts: list[Part]) -> int:
    # +1 per part for the blank line that joins them
    return sum(p.tokens + 1 for p in parts)


def _water_fill(parts: list[Part], budget: int) -> bool:
    """Cut the given parts to a common cap so their total fits `budget`. True if anything was cut."""
    if not parts or sum(p.tokens for p in parts) <= budget:
        return False
    sizes = sorted(p.tokens for p in parts)
    remaining, n, cap = budget, len(sizes), 0
    for i, size in enumerate(sizes):
        share = remaining // (n - i)
        if size <= share:
            remaining -= size
            continue
        cap = share
        break
    else:  # pragma: no cover - everything fit
        return False
    for p in parts:
        if p.tokens > cap:
            p.text = cut_to_tokens(p.text, cap)
            p.tokens = estimate_tokens(p.text)
    return True


def build_context(doc: Document, budget: int, known_links: Sequence[str] = ()) -> Context:
    """The paper as delimited-ready text within `budget` estimated tokens."""
    parts = _parts(doc, known_links)
    full = _total(parts)
    dropped: list[str] = []
    trimmed = False
    total = _total(parts)
    for kind in ("refs", "appendix", "related", "figures"):
        # Drop this kind's parts from the end backwards, so an appendix's first pages stay when they fit.
        for part in reversed([p for p in parts if p.kind == kind]):
            if total <= budget:
                break
            parts.remove(part)
            total -= part.tokens + 1
            if kind not in dropped:
                dropped.append(kind)
    if _total(parts) > budget:
        fixed = [p for p in parts if p.kind in ("head", "links", "abstract", "tables", "tables_head")]
        body = [p for p in parts if p.kind == "body"]
        room = budget - _total(fixed) - len(body)
        # Keep at least a little of every section; past that the tables give way too.
        floor = min(40 * len(body), budget // 4)
        if room >= floor:
            trimmed = _water_fill(body, room)
        else:
            trimmed = _water_fill(body, floor) or trimmed
            tables = [p for p in parts if p.kind == "tables"]
            rest = budget - _total([p for p in parts if p.kind != "tables"]) - 1
            trimmed = _water_fill(tables, max(rest, 0)) or trimmed
            if _total(parts) > budget:  # last resort: the abstract and links too
                flex = [p for p in parts if p.kind in ("abstract", "links", "body", "tables")]
                head = [p for p in parts if p.kind == "head"]
                _water_fill(flex, max(budget - _total(head) - len(flex), 0))
                trimmed = True
    # Loop once more for rounding: the estimate of a cut text can exceed the cap by a token.
    while _total(parts) > budget:
        biggest = max((p for p in parts if p.kind != "head"), key=lambda p: p.tokens, default=None)
        if biggest is None or biggest.tokens == 0:
            break
        biggest.text = cut_to_tokens(biggest.text, int(biggest.tokens * 0.9))
        biggest.tokens = estimate_tokens(biggest.text)
        trimmed = True
    if not any(p.kind == "tables" and p.text for p in parts):
        parts = [p for p in parts if p.kind != "tables_head"]
    parts = [p for p in parts if p.text.strip()]
    text = "\n\n".join(p.text for p in parts)
    return Context(text=text, tokens=estimate_tokens(text), full_tokens=full, dropped=dropped, trimmed=trimmed)

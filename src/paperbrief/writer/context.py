"""Build the text a language model reads about one paper, within a token budget.

The context holds the title, authors, abstract, the sections in paper order, the
tables, figure captions, footnotes, the paper's links and the listing's links, and the
references. When it does not fit, parts are dropped in this order:

1. references (and acknowledgements);
2. uncited material: tables and figure captions that no kept text cites (example
   tables, figures only a dropped section pointed to), from the end backwards;
3. the appendix, from its end backwards (so its first pages stay when they fit); a
   table or figure the dropped text cited, and no kept text does, goes right after it
   (step 2 again), so "details in Table 12" never stays without Table 12;
4. related work, likewise;
5. the captions of figures the main text cites;

then the longest remaining sections are trimmed proportionally (a common cap on each
section's length), and only after that the tables (results tables are what a report
needs most). A table or figure the main text cites (or one whose label cannot be
read, or any of a paper without an appendix) counts as cited by the main text.
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

    kind: str  # head | abstract | body | related | appendix | refs | links | tables_head | table | figures_head | figure
    text: str
    tokens: int = 0
    label: str = ""  # "T3" / "F2": the label of a table or figure
    cites: frozenset[str] = frozenset()  # the table and figure labels this part's text cites (not its own)
    main: bool = False  # a table or figure the main text cites: kept longest

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


_LABEL = re.compile(r"^\s*(?:(?P<t>Table|Tab\.|表)|(?P<f>Figure|Fig\.|图))\s*(?P<n>[A-Z]?\d+)", re.I)
_CITE = re.compile(
    r"(?:(?P<t>\bTables?|\bTabs?\.|表)|(?P<f>\bFig(?:ure)?s?\.?|图))\s*~?"
    r"(?P<list>[A-Z]?\d+(?:\s*(?:,|and|&|–|-|to)\s*[A-Z]?\d+)*)"
)


def label_of(caption: str) -> str:
    """"T3" for a caption starting "Table 3", "F2" for "Figure 2" / "Fig. 2" / "图 2"; "" when it has none."""
    m = _LABEL.match(caption)
    return ("T" if m.group("t") else "F") + m.group("n") if m else ""


def cited_labels(text: str) -> set[str]:
    """The table and figure labels a text cites: "Table 3", "Tables 2 and 4", "Figs. 1-2", "表 5"."""
    labels: set[str] = set()
    for m in _CITE.finditer(text):
        prefix = "T" if m.group("t") else "F"
        labels.update(prefix + n for n in re.findall(r"[A-Z]?\d+", m.group("list")))
    return labels


def _cites(text: str, own: str = "") -> frozenset[str]:
    return frozenset(cited_labels(text) - {own})


def _parts(doc: Document, known_links: Sequence[str]) -> list[Part]:
    head = [f"Title: {doc.title}"]
    if doc.arxiv_id:
        head.append(f"arXiv: {doc.arxiv_id}")
    if doc.authors:
        head.append("Authors: " + ", ".join(doc.authors))
    parts = [Part("head", "\n".join(head))]
    if doc.abstract:
        parts.append(Part("abstract", "## Abstract\n" + doc.abstract, cites=_cites(doc.abstract)))
    parent = "body"
    for s in doc.sections:
        kind = "appendix" if s.appendix else section_kind(s.heading)
        if s.level <= 1:
            parent = kind
        elif kind == "body" and parent != "body":
            kind = parent  # subsections inherit from their top-level section
        marks = "#" * min(max(s.level, 1) + 1, 4)
        text = f"{marks} {s.heading}\n{s.text}".strip()
        parts.append(Part(kind, text, cites=_cites(s.text)))
    if doc.footnotes:
        notes = "\n".join(doc.footnotes)
        parts.append(Part("body", "## Footnotes\n" + "\n".join(f"- {f}" for f in doc.footnotes), cites=_cites(notes)))
    main_cites = set().union(*(p.cites for p in parts if p.kind in ("abstract", "body")))
    has_appendix = any(p.kind == "appendix" for p in parts)

    def is_main(label: str) -> bool:
        return not label or label in main_cites or (not has_appendix and not label[1].isalpha())

    tables = []
    for t in doc.tables:
        label = label_of(t.caption)
        tables.append(Part("table", f"[{t.caption.strip()}]\n{t.markdown.strip()}".strip(), label=label,
                           cites=_cites(t.caption, label), main=is_main(label)))
    if tables:
        parts += [Part("tables_head", "## Tables"), *tables]
    figures = []
    for f in doc.figures:
        caption = f.caption.strip()
        if caption:
            label = label_of(caption)
            figures.append(Part("figure", f"- {caption}", label=label, cites=_cites(caption, label),
                                main=is_main(label)))
    if figures:
        parts += [Part("figures_head", "## Figure captions"), *figures]
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


def _next_drop(parts: list[Part]) -> tuple[str, Part] | None:
    """The next part to drop to save room, and the name of its step; None when only trimming is left."""
    refs = [p for p in parts if p.kind == "refs"]
    if refs:
        return "refs", refs[-1]
    cited = set().union(*(p.cites for p in parts))
    uncited = [p for p in parts if p.kind in ("table", "figure") and not p.main and p.label not in cited]
    if uncited:
        return "uncited", uncited[-1]
    for kind in ("appendix", "related"):
        prose = [p for p in parts if p.kind == kind]
        if prose:
            return kind, prose[-1]
    figures = [p for p in parts if p.kind == "figure"]
    return ("figures", figures[-1]) if figures else None


def build_context(doc: Document, budget: int, known_links: Sequence[str] = ()) -> Context:
    """The paper as delimited-ready text within `budget` estimated tokens."""
    parts = _parts(doc, known_links)
    full = _total(parts)
    dropped: list[str] = []
    trimmed = False
    total = full
    while total > budget and (victim := _next_drop(parts)) is not None:
        step, part = victim
        gone = [part]
        heading = {"table": "tables_head", "figure": "figures_head"}.get(part.kind)
        if heading and sum(1 for p in parts if p.kind == part.kind) == 1:  # the last one takes its heading along
            gone += [p for p in parts if p.kind == heading]
        for p in gone:
            parts.remove(p)
            total -= p.tokens + 1
        if step not in dropped:
            dropped.append(step)
    if _total(parts) > budget:
        fixed = [p for p in parts if p.kind in ("head", "links", "abstract", "table", "tables_head")]
        body = [p for p in parts if p.kind == "body"]
        room = budget - _total(fixed) - len(body)
        # Keep at least a little of every section; past that the tables give way too.
        floor = min(40 * len(body), budget // 4)
        if room >= floor:
            trimmed = _water_fill(body, room)
        else:
            trimmed = _water_fill(body, floor) or trimmed
            tables = [p for p in parts if p.kind == "table"]
            rest = budget - _total([p for p in parts if p.kind != "table"]) - 1
            trimmed = _water_fill(tables, max(rest, 0)) or trimmed
            if _total(parts) > budget:  # last resort: the abstract and links too
                flex = [p for p in parts if p.kind in ("abstract", "links", "body", "table")]
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
    for member, heading in (("table", "tables_head"), ("figure", "figures_head")):
        if not any(p.kind == member and p.text for p in parts):
            parts = [p for p in parts if p.kind != heading]
    parts = [p for p in parts if p.text.strip()]
    text = "\n\n".join(p.text for p in parts)
    return Context(text=text, tokens=estimate_tokens(text), full_tokens=full, dropped=dropped, trimmed=trimmed)

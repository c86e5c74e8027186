"""The overview part of the day Markdown: between the header block and the first separator.

    ## 今日速览                      (## Today in English)
    <paragraph, each sentence followed by the papers it cites, linked to their blocks>
    > ⚠ numbers not found in the cited reports / citations of papers not of that day

    | # | 论文 | 领域 | 点赞 | 相关度 | 一句话贡献 |    (relevance only with interests)
    | 1 | [title](#block-anchor) | ... |

    其余论文（--top）: one line each, with the one-line abstract

Paper blocks are unchanged, so links use the anchors GitHub (and most Markdown viewers) give
the `## 📄 <title>` headings: lower case, punctuation and emoji dropped, spaces as hyphens,
`-1`, `-2`… for repeats.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

from paperbrief.messages import msg
from paperbrief.render.markdown import mark_numbers, md_safe
from paperbrief.search import top_domain
from paperbrief.synthesis import Synthesis

if TYPE_CHECKING:
    from paperbrief.render.day import Day

HF_PAPERS = "https://huggingface.co/papers"
CONTRIBUTION_CHARS = 160

def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, letters/digits/marks/-/_/space kept, spaces as hyphens."""
    kept = "".join(ch for ch in text.lower()
                   if ch.isalnum() or ch in "-_ " or unicodedata.category(ch).startswith("M"))
    return kept.replace(" ", "-")


class Slugger:
    """Anchors in document order, with GitHub's -1, -2 suffixes for repeats."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, heading: str) -> str:
        base = slug(heading)
        n = self.seen.get(base)
        self.seen[base] = 0 if n is None else n + 1
        return base if n is None else f"{base}-{n + 1}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _link_text(text: str) -> str:
    return md_safe(re.sub(r"([\[\]])", r"\\\1", " ".join(text.split())))


def _cut(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def notes_markdown(s: Synthesis, lang: str, kind: str) -> list[str]:
    """The notes under an overview or digest themes (`kind`): fallback, ungrounded numbers, bad citations."""
    sep = msg("list_sep", lang)
    notes = []
    if s.error:
        notes.append(msg(f"notes.fallback_{kind}", lang, error=_cut(s.error, 160)))
    if s.ungrounded_numbers:
        notes.append(msg("notes.ungrounded", lang, numbers=sep.join(s.ungrounded_numbers)))
    unknown = [f.split(":", 1)[1] for f in s.flags if f.startswith("unknown_citation:")]
    if unknown:
        notes.append(msg(f"notes.unknown_{kind}", lang, ids=sep.join(unknown)))
    uncited = [f for f in s.flags if f.startswith("uncited:")]
    if uncited:
        notes.append(msg(f"notes.uncited_{kind}", lang, n=len(uncited)))
    return notes


def cited(text: str, papers: list[str], lang: str, link: Callable[[str], str]) -> str:
    """`text` followed by its citations, each linked with `link(arxiv_id)`."""
    if not papers:
        return text
    cites = msg("list_sep", lang).join(f"[{a}]({link(a)})" for a in papers)
    return text.rstrip() + msg("overview.cite_open", lang) + cites + msg("overview.cite_close", lang)


def overview_markdown(day: Day, overview: Synthesis) -> str:
    """The overview and index of the day (no trailing newline)."""
    from paperbrief.render.mathtext import tidy_math

    lang = day.lang
    slugger = Slugger()
    heading, index_heading, others_heading = (msg(k, lang) for k in
                                              ("overview.heading", "overview.index", "overview.others"))
    # anchors are assigned in document order: the overview's own headings, then the paper blocks
    slugger(heading)
    slugger(index_heading)
    if day.others:
        slugger(others_heading)
    anchors = {e.paper.arxiv_id: slugger(f"📄 {' '.join(e.paper.title.split())}") for e in day.entries}

    def link(aid: str) -> str:
        return f"#{anchors[aid]}" if aid in anchors else f"{HF_PAPERS}/{aid}"

    sentences = []
    for claim in overview.claims:
        text = cited(mark_numbers(tidy_math(claim.text), overview.ungrounded_numbers), claim.papers, lang, link)
        if lang == "en" and claim.papers and not text.endswith((".", "!", "?")):
            text += "."
        sentences.append(text)
    parts = [f"## {heading}", ("" if lang == "zh" else " ").join(sentences)]
    notes = notes_markdown(overview, lang, "overview")
    if notes:
        parts.append("\n".join(notes))

    # the index of every paper with a block, in the day's order
    with_rel = day.relevance is not None
    cols = ["#", msg("overview.col_paper", lang), msg("overview.col_field", lang), msg("overview.col_upvotes", lang)]
    align = ["---:", "---", "---", "---:"]
    if with_rel:
        cols.append(msg("overview.col_relevance", lang))
        align.append("---:")
    cols.append(msg("overview.col_contribution", lang))
    align.append("---")
    rows = ["| " + " | ".join(cols) + " |", "|" + "|".join(align) + "|"]
    for i, e in enumerate(day.entries, 1):
        report = e.written.report
        field = _cell(top_domain(report.domain)) if report else "—"
        contribution = (_cell(_cut(tidy_math(report.contribution), CONTRIBUTION_CHARS)) if report
                        else msg("overview.no_report", lang))
        cells = [str(i), f"[{_cell(_link_text(e.paper.title))}](#{anchors[e.paper.arxiv_id]})", field,
                 str(e.paper.upvotes)]
        if with_rel:
            cells.append(_score(day, e.paper.arxiv_id))
        cells.append(contribution)
        rows.append("| " + " | ".join(cells) + " |")
    if day.entries:
        parts.append(f"### {index_heading}\n\n" + "\n".join(rows))
    if day.others:
        from paperbrief.render.day import one_line_abstract

        lines = []
        for p in day.others:
            meta = [msg("overview.upvotes", lang, n=p.upvotes)]
            if with_rel:
                meta.append(msg("overview.relevance", lang, score=float(_score(day, p.arxiv_id))))
            lines.append(f"- [{_link_text(p.title)}]({HF_PAPERS}/{p.arxiv_id}) · {' · '.join(meta)} — "
                         f"{one_line_abstract(p.abstract)}")
        parts.append(f"### {others_heading}\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _score(day: Day, arxiv_id: str) -> str:
    r = (day.relevance or {}).get(arxiv_id)
    return f"{r.score:.2f}" if r else "0.00"

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
from typing import TYPE_CHECKING

from paperbrief.render.markdown import MARK, mark_numbers
from paperbrief.search import top_domain
from paperbrief.synthesis import Synthesis

if TYPE_CHECKING:
    from paperbrief.render.day import Day

HF_PAPERS = "https://huggingface.co/papers"
CONTRIBUTION_CHARS = 160

COLUMNS = {"zh": ("#", "论文", "领域", "点赞", "一句话贡献"), "en": ("#", "Paper", "Field", "Upvotes", "Contribution")}
TEXT = {
    "zh": {
        "heading": "今日速览",
        "index": "论文索引",
        "relevance": "相关度",
        "others": "其余论文（未撰写报告，按 --top 省略）",
        "upvotes": "点赞 {n}",
        "score": "相关度 {score:.2f}",
        "failed": "未能生成报告",
        "ungrounded": "> {mark} 以下数字未能在所引论文的报告中找到，请核对：{numbers}",
        "unknown": "> {mark} 速览引用了不属于当天的论文 {ids}，已删去。",
        "uncited": "> {mark} 有 {n} 句没有引用任何当天的论文。",
        "fallback": "> 注：大模型未能写出速览（{error}），以下为统计概览。",
        "sep": "、",
        "cite_open": "（",
        "cite_close": "）",
    },
    "en": {
        "heading": "Today",
        "index": "Index",
        "relevance": "Relevance",
        "others": "Other papers (no report: left out by --top)",
        "upvotes": "{n} upvotes",
        "score": "relevance {score:.2f}",
        "failed": "no report",
        "ungrounded": "> {mark} Numbers not found in the reports of the cited papers, please check: {numbers}",
        "unknown": "> {mark} The overview cited papers not of this day ({ids}); they were removed.",
        "uncited": "> {mark} {n} sentences cite no paper of the day.",
        "fallback": "> Note: the LLM could not write the overview ({error}); these are the day's figures.",
        "sep": ", ",
        "cite_open": " (",
        "cite_close": ")",
    },
}


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
    return re.sub(r"([\[\]])", r"\\\1", " ".join(text.split()))


def _cut(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def overview_markdown(day: Day, overview: Synthesis) -> str:
    """The overview and index of the day (no trailing newline)."""
    from paperbrief.render.mathtext import tidy_math

    lang = day.lang if day.lang in TEXT else "zh"
    t = TEXT[lang]
    slugger = Slugger()
    parts = [f"## {t['heading']}"]
    slugger(t["heading"])
    index_heading = t["index"]
    others_heading = t["others"]
    # anchors are assigned in document order: the overview's own headings, then the paper blocks
    slugger(index_heading)
    if day.others:
        slugger(others_heading)
    anchors = {e.paper.arxiv_id: slugger(f"📄 {' '.join(e.paper.title.split())}") for e in day.entries}

    def cite(aid: str) -> str:
        target = f"#{anchors[aid]}" if aid in anchors else f"{HF_PAPERS}/{aid}"
        return f"[{aid}]({target})"

    sentences = []
    for claim in overview.claims:
        text = mark_numbers(tidy_math(claim.text), overview.ungrounded_numbers)
        if claim.papers:
            text = text.rstrip() + t["cite_open"] + t["sep"].join(cite(a) for a in claim.papers) + t["cite_close"]
            if lang == "en" and not text.endswith((".", "!", "?")):
                text += "."
        sentences.append(text)
    joiner = "" if lang == "zh" else " "
    parts.append(joiner.join(sentences))
    notes = []
    if overview.error:
        notes.append(t["fallback"].format(error=_cut(overview.error, 160)))
    if overview.ungrounded_numbers:
        notes.append(t["ungrounded"].format(mark=MARK, numbers=t["sep"].join(overview.ungrounded_numbers)))
    unknown = [f.split(":", 1)[1] for f in overview.flags if f.startswith("unknown_citation:")]
    if unknown:
        notes.append(t["unknown"].format(mark=MARK, ids=t["sep"].join(unknown)))
    uncited = [f for f in overview.flags if f.startswith("uncited:")]
    if uncited:
        notes.append(t["uncited"].format(mark=MARK, n=len(uncited)))
    if notes:
        parts.append("\n".join(notes))

    # the index of every paper with a block, in the day's order
    cols = list(COLUMNS[lang])
    with_rel = day.relevance is not None
    if with_rel:
        cols.insert(4, t["relevance"])
    rows = ["| " + " | ".join(cols) + " |",
            "|" + "|".join("---:" if c in ("#", COLUMNS[lang][3], t["relevance"]) else "---" for c in cols) + "|"]
    for i, e in enumerate(day.entries, 1):
        report = e.written.report
        field = _cell(top_domain(report.domain)) if report else "—"
        contribution = _cell(_cut(tidy_math(report.contribution), CONTRIBUTION_CHARS)) if report else t["failed"]
        cells = [str(i), f"[{_cell(_link_text(e.paper.title))}](#{anchors[e.paper.arxiv_id]})", field,
                 str(e.paper.upvotes), contribution]
        if with_rel:
            cells.insert(4, _score(day, e.paper.arxiv_id))
        rows.append("| " + " | ".join(cells) + " |")
    if day.entries:
        parts.append(f"### {index_heading}\n\n" + "\n".join(rows))
    if day.others:
        from paperbrief.render.day import one_line_abstract

        lines = []
        for p in day.others:
            meta = [t["upvotes"].format(n=p.upvotes)]
            if with_rel:
                meta.append(t["score"].format(score=float(_score(day, p.arxiv_id))))
            lines.append(f"- [{_link_text(p.title)}]({HF_PAPERS}/{p.arxiv_id}) · {' · '.join(meta)} — "
                         f"{one_line_abstract(p.abstract)}")
        parts.append(f"### {others_heading}\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _score(day: Day, arxiv_id: str) -> str:
    r = (day.relevance or {}).get(arxiv_id)
    return f"{r.score:.2f}" if r else "0.00"

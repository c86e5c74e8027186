"""The day page's overview and index: the newest stored LLM overview of the day, else the statistics.

`overview_stamps` says what, besides its papers, a day page depends on (its newest LLM overview and
relevance), for the page's hash; `day_overview_view` is what day.html shows above the papers.
Everything from the store or an LLM is escaped by the templates; citations link to the paper's
block on the day page (`#p-<id>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from paperbrief.messages import msg, section
from paperbrief.models import ListedPaper, WrittenReport
from paperbrief.render.markdown import mark_numbers
from paperbrief.render.mathtext import tidy_math
from paperbrief.search import top_domain
from paperbrief.store import Store
from paperbrief.synthesis import Synthesis, generated_times, latest_generated

HF_PAPERS = "https://huggingface.co/papers"


def overview_stamps(store: Store, lang: str) -> dict[str, tuple[float, float]]:
    """Per day: when its newest LLM overview (in `lang`) and its papers' newest relevance were stored."""
    from paperbrief.rank import relevance_times

    overviews, relevance = generated_times(store, "overview", lang), relevance_times(store, lang)
    return {d: (overviews.get(d, 0.0), relevance.get(d, 0.0)) for d in overviews.keys() | relevance.keys()}


@dataclass
class SitePaper:
    """What the overview needs of one paper of the site: its listing and its report as shown."""

    arxiv_id: str
    title: str
    upvotes: int
    written: WrittenReport | None  # the outcome the page shows, or None


def day_overview_view(store: Store, date: str, lang: str, papers: list[SitePaper]) -> dict[str, Any]:
    """The overview and index of one day page."""
    from paperbrief.models import DayEntry
    from paperbrief.overview import statistical_overview
    from paperbrief.rank import load_relevance
    from paperbrief.render.day import Day

    day = Day(date=date, lang=lang, listed=len(papers))
    for p in papers:
        listed = ListedPaper(arxiv_id=p.arxiv_id, title=p.title, upvotes=p.upvotes)
        if p.written is not None:
            day.entries.append(DayEntry(paper=listed, written=p.written))
        else:
            day.others.append(listed)  # not written yet: counted, listed without a report
    relevance = load_relevance(store, [p.arxiv_id for p in papers], lang)
    day.relevance = relevance or None
    overview = latest_generated(store, "overview", date, lang) or statistical_overview(day)
    on_page = {p.arxiv_id for p in papers}

    def link(aid: str) -> str:
        return f"#p-{aid}" if aid in on_page else f"{HF_PAPERS}/{aid}"

    rows = []
    for i, p in enumerate(papers, 1):
        report = p.written.report if p.written else None
        r = relevance.get(p.arxiv_id)
        rows.append({"rank": i, "arxiv_id": p.arxiv_id, "title": p.title, "upvotes": p.upvotes,
                     "field": (top_domain(report.domain) if report else "") or "—",
                     "relevance": f"{r.score:.2f}" if r else ("0.00" if relevance else None),
                     "contribution": tidy_math(report.contribution) if report else msg("overview.no_report", lang)})
    return {"O": section("overview", lang), "sentences": sentences(overview, link), "notes": notes(overview, lang,
            "overview"), "rows": rows, "with_relevance": bool(relevance), "kind": overview.kind}


def sentences(s: Synthesis, link: Any) -> list[dict[str, Any]]:
    return [{"title": mark_numbers(c.title, s.ungrounded_numbers),
             "text": mark_numbers(tidy_math(c.text), s.ungrounded_numbers),
             "cites": [(a, link(a)) for a in c.papers]} for c in s.claims]


def notes(s: Synthesis, lang: str, kind: str) -> list[str]:
    from paperbrief.render.overview import notes_markdown

    return [n.removeprefix("> ") for n in notes_markdown(s, lang, kind)]



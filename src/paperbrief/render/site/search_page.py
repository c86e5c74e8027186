"""The search page and the index its script looks tokens up in (paperbrief.render.search_index)."""

from __future__ import annotations

from jinja2 import Environment

from paperbrief.models import ReportSummary, SiteSnapshot
from paperbrief.render.search_index import IndexDoc, build_index
from paperbrief.search import top_domain

ABSTRACT_INDEXED = 600  # characters of the abstract in the site's search index
SUMMARY_CHARS = 160


def search_html(env: Environment, L: dict[str, str]) -> bytes:
    """The search page (its script, static/search.js, reads the index)."""
    return env.get_template("search.html").render(L=L, root="", canonical=None).encode("utf-8")


def index_files(snapshot: SiteSnapshot, summaries: dict[str, ReportSummary]) -> dict[str, bytes]:
    """Every file of the search index, by site path; `summaries` as for the home page."""
    return build_index(index_docs(snapshot, summaries))


def index_docs(snapshot: SiteSnapshot, summaries: dict[str, ReportSummary]) -> list[IndexDoc]:
    """One search document per paper, oldest day first (so a new day's papers come last)."""
    docs = []
    for p in sorted(snapshot.papers.values(), key=lambda p: (p.dates[0], p.arxiv_id)):
        s = summaries.get(p.arxiv_id) if p.written else None
        authors = " ".join(p.authors)
        if s and s.contribution:
            # The abstract's opening lets English words find a Chinese report.
            body = "\n".join((authors, s.domain, s.contribution, s.innovation_names, s.results,
                               p.abstract[:ABSTRACT_INDEXED]))
            summary, domain = s.contribution, top_domain(s.domain)
        else:
            body, summary, domain = authors + "\n" + p.abstract, p.abstract, ""
        docs.append(IndexDoc(p.arxiv_id, p.dates[0], p.title, domain, _cut(summary, SUMMARY_CHARS), body))
    return docs


def _cut(text: str, n: int) -> str:
    text = " ".join((text or "").replace("**", "").split())  # a plain-text summary: no bold markers
    return text if len(text) <= n else text[: n - 1] + "…"

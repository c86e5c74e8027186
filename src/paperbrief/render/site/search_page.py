"""The search page and the index its script looks tokens up in (paperbrief.render.search_index)."""

from __future__ import annotations

import json

from jinja2 import Environment

from paperbrief.render.search_index import IndexDoc, build_index
from paperbrief.render.site.snapshot import PaperData
from paperbrief.search import top_domain

ABSTRACT_INDEXED = 600  # characters of the abstract in the site's search index
SUMMARY_CHARS = 160


def search_html(env: Environment, L: dict[str, str]) -> bytes:
    """The search page (its script, static/search.js, reads the index)."""
    return env.get_template("search.html").render(L=L, root="", canonical=None).encode("utf-8")


def index_files(papers: dict[str, PaperData], info: dict[str, dict[str, str]]) -> dict[str, bytes]:
    """Every file of the search index, by site path."""
    return build_index(index_docs(papers, info))


def index_docs(papers: dict[str, PaperData], info: dict[str, dict[str, str]]) -> list[IndexDoc]:
    """One search document per paper, oldest day first (so a new day's papers come last)."""
    docs = []
    for p in sorted(papers.values(), key=lambda p: (p.dates[0], p.arxiv_id)):
        f = info.get(p.arxiv_id)
        ok = bool(f and f["contribution"]) and p.report_meta is not None and not p.report_meta[2]
        authors = " ".join(json.loads(p.row["authors"] or "[]"))
        if f and ok:
            # The abstract's opening lets English words find a Chinese report.
            body = "\n".join((authors, f["domain"], f["contribution"], f["innovations"], f["results"],
                               p.row["abstract"][:ABSTRACT_INDEXED]))
            summary, domain = f["contribution"], top_domain(f["domain"])
        else:
            body, summary, domain = authors + "\n" + p.row["abstract"], p.row["abstract"], ""
        docs.append(IndexDoc(p.arxiv_id, p.dates[0], p.row["title"], domain, _cut(summary, SUMMARY_CHARS), body))
    return docs


def _cut(text: str, n: int) -> str:
    text = " ".join((text or "").replace("**", "").split())  # a plain-text summary: no bold markers
    return text if len(text) <= n else text[: n - 1] + "…"

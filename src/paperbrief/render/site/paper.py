"""A paper: what the templates show of it, its body (shared with its day page) and its own page."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from paperbrief.messages import describe_failure, describe_flag, msg
from paperbrief.models import ArchivedPaper, WrittenReport
from paperbrief.render import page_name
from paperbrief.render.site.safe import safe_url

AUTHORS_SHOWN = 8


def paper_view(p: ArchivedPaper, w: WrittenReport | None, L: dict[str, str], lang: str) -> dict[str, Any]:
    """What the templates show of one paper and its chosen report `w` (None while it has none)."""
    authors = list(p.authors)
    shown = ", ".join(authors[:AUTHORS_SHOWN])
    if len(authors) > AUTHORS_SHOWN:
        shown += (" " if lang == "en" else "") + L["authors_more"].format(n=len(authors))
    aid = p.arxiv_id
    links = [(L["link_abs"], f"https://arxiv.org/abs/{aid}"),
             (L["link_hf"], safe_url(p.hf_url) or f"https://huggingface.co/papers/{aid}"),
             (L["link_pdf"], f"https://arxiv.org/pdf/{aid}")]
    for label, url in ((L["link_code"], safe_url(p.github_repo)),
                       (L["link_project"], safe_url(p.project_page))):
        if url:
            links.append((label, url))
    writer = ""
    if w is not None:
        writer = L["writer_extractive"] if w.writer == "extractive" else L["writer_llm"].format(model=w.model or "?")
    notes: list[str] = []
    if w is not None:
        notes = [describe_flag(f, lang) for f in w.flags]
        if w.provenance == "listing_fallback":
            notes.append(msg("provenance.listing_fallback", lang))
    return {
        "arxiv_id": aid,
        "page": page_name(aid),
        "title": p.title,
        "authors_short": shown,
        "all_authors": authors,
        "authors_list_cut": AUTHORS_SHOWN,
        "abstract": p.abstract,
        "links": links,
        "source": "—" if w is None else (
            msg("source.unread", lang) if w.failure and w.failure.kind == "unread" else w.source),
        "writer": writer,
        "other_lang": w is not None and w.lang != lang and w.report is not None,
        "report": w.report.model_dump() if w is not None and w.report is not None else None,
        "error": describe_failure(w.failure, lang) if w is not None and w.report is None else None,
        "ungrounded": w.ungrounded_numbers if w is not None else [],
        "misattributed": w.misattributed_numbers if w is not None else [],
        "flags": notes,
        "dates": list(p.dates),
        "upvotes": p.upvotes,
    }


class PaperPages:
    """Renders each paper's body once (its day page and its own page share it) and its page.

    `reports` holds the chosen report of every paper to render that has one, by arXiv id.
    """

    def __init__(self, env: Environment, L: dict[str, str], lang: str, base_url: str,
                 reports: dict[str, WrittenReport]) -> None:
        self.L, self.lang, self.base_url, self.reports = L, lang, base_url, reports
        self._macro = env.get_template("_paper.html").module.paper_body  # type: ignore[attr-defined]
        self._page = env.get_template("paper.html")
        self.views: dict[str, dict[str, Any]] = {}
        self._bodies: dict[str, Markup] = {}

    def body(self, p: ArchivedPaper) -> Markup:
        if p.arxiv_id not in self._bodies:
            self.views[p.arxiv_id] = paper_view(p, self.reports.get(p.arxiv_id), self.L, self.lang)
            self._bodies[p.arxiv_id] = Markup(self._macro(self.views[p.arxiv_id], self.L))
        return self._bodies[p.arxiv_id]

    def html(self, p: ArchivedPaper, path: str) -> str:
        """The paper's own page at `path` (papers/<id>.html)."""
        body = self.body(p)
        return self._page.render(L=self.L, root="../", body=body, p=self.views[p.arxiv_id],
                                 canonical=f"{self.base_url}{path}" if self.base_url else None)

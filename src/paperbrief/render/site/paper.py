"""A paper: what the templates show of it, its body (shared with its day page) and its own page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinja2 import Environment
from markupsafe import Markup

from paperbrief.messages import describe_failure, describe_kept, describe_notes, describe_source
from paperbrief.models import ArchivedPaper, SiteSnapshot, WrittenReport
from paperbrief.render import page_name
from paperbrief.render.site.safe import safe_url
from paperbrief.store import Store

AUTHORS_SHOWN = 8


def paper_view(p: ArchivedPaper, w: WrittenReport | None, L: dict[str, str], lang: str,
               attempt: WrittenReport | None = None) -> dict[str, Any]:
    """What the templates show of one paper and its chosen report `w` (None while it has none); `attempt` is
    the newest attempt when it failed after `w`, which was kept."""
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
    return {
        "arxiv_id": aid,
        "page": page_name(aid),
        "title": p.title,
        "authors_short": shown,
        "all_authors": authors,
        "authors_list_cut": AUTHORS_SHOWN,
        "abstract": p.abstract,
        "links": links,
        "source": "—" if w is None else describe_source(w, lang),
        "writer": writer,
        "other_lang": w is not None and w.lang != lang and w.report is not None,
        "report": w.report.model_dump() if w is not None and w.report is not None else None,
        "error": describe_failure(w.failure, lang) if w is not None and w.report is None else None,
        "kept": describe_kept(w, attempt, lang) if w is not None and w.report is not None else "",
        "ungrounded": w.ungrounded_numbers if w is not None else [],
        "misattributed": w.misattributed_numbers if w is not None else [],
        "flags": describe_notes(w, lang) if w is not None else [],
        "dates": list(p.dates),
        "upvotes": p.upvotes,
    }


def outcomes(store: Store, snapshot: SiteSnapshot, papers: Iterable[str]) -> tuple[dict[str, WrittenReport],
                                                                                   dict[str, WrittenReport]]:
    """The chosen report of each of these papers that has one, and the failed newest attempt of each whose
    report was kept after it, by arXiv id (read from the store in one go)."""
    owner: dict[str, tuple[str, bool]] = {}  # report key -> (arXiv id, is the failed attempt)
    for pid in papers:
        chosen = snapshot.papers[pid].report
        if chosen:
            owner[chosen.key] = (pid, False)
            if chosen.failed_attempt:
                owner[chosen.failed_attempt.key] = (pid, True)
    reports: dict[str, WrittenReport] = {}
    attempts: dict[str, WrittenReport] = {}
    for key, w in store.written_reports(owner).items():
        pid, attempt = owner[key]
        (attempts if attempt else reports)[pid] = w
    return reports, attempts


class PaperPages:
    """Renders each paper's body once (its day page and its own page share it) and its page.

    `reports` holds the chosen report of every paper to render that has one, by arXiv id; `attempts` the
    failed newest attempt of each whose report was kept after it.
    """

    def __init__(self, env: Environment, L: dict[str, str], lang: str, base_url: str,
                 reports: dict[str, WrittenReport], attempts: dict[str, WrittenReport] | None = None) -> None:
        self.L, self.lang, self.base_url, self.reports = L, lang, base_url, reports
        self.attempts = attempts or {}
        self._macro = env.get_template("_paper.html").module.paper_body  # type: ignore[attr-defined]
        self._page = env.get_template("paper.html")
        self.views: dict[str, dict[str, Any]] = {}
        self._bodies: dict[str, Markup] = {}

    def body(self, p: ArchivedPaper) -> Markup:
        if p.arxiv_id not in self._bodies:
            self.views[p.arxiv_id] = paper_view(p, self.reports.get(p.arxiv_id), self.L, self.lang,
                                                self.attempts.get(p.arxiv_id))
            self._bodies[p.arxiv_id] = Markup(self._macro(self.views[p.arxiv_id], self.L))
        return self._bodies[p.arxiv_id]

    def html(self, p: ArchivedPaper, path: str) -> str:
        """The paper's own page at `path` (papers/<id>.html)."""
        body = self.body(p)
        return self._page.render(L=self.L, root="../", body=body, p=self.views[p.arxiv_id],
                                 canonical=f"{self.base_url}{path}" if self.base_url else None)

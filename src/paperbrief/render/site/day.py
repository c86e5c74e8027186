"""A day's page: the day's papers in listing order, each with its body."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from paperbrief.models import ArchivedPaper
from paperbrief.render.site.paper import PaperPages


class DayPages:
    def __init__(self, env: Environment, L: dict[str, str], base_url: str) -> None:
        self.L, self.base_url = L, base_url
        self._page = env.get_template("day.html")

    def html(self, date: str, papers: list[ArchivedPaper], paper_pages: PaperPages, written: int, failed: int,
             path: str, overview: dict[str, Any] | None = None) -> str:
        """The page of `date` at `path` (days/<date>.html); `written`/`failed` count its reports; `overview`
        (render.site.overview) is shown above the papers."""
        bodies = {p.arxiv_id: paper_pages.body(p) for p in papers}
        return self._page.render(L=self.L, root="../", date=date,
                                 papers=[paper_pages.views[p.arxiv_id] for p in papers], bodies=bodies,
                                 written=written, failed=failed, overview=overview,
                                 canonical=f"{self.base_url}{path}" if self.base_url else None)

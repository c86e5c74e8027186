"""Reading the store for the site: every listed paper, its listing dates and the report its pages show."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from paperbrief.models import WrittenReport
from paperbrief.store import Store


@dataclass
class PaperData:
    arxiv_id: str
    row: dict[str, Any]
    dates: list[str] = field(default_factory=list)  # newest first
    upvotes: int = 0
    report_meta: tuple[Any, ...] | None = None  # (key, lang, failed, created_at)
    hash: str = ""
    body: WrittenReport | None = None  # the paper's outcome, when loaded


def load_papers(store: Store) -> tuple[dict[str, PaperData], dict[str, list[str]], dict[str, float]]:
    papers: dict[str, PaperData] = {}
    day_papers: dict[str, list[str]] = defaultdict(list)
    for r in store.query(
        "SELECT l.date, l.upvotes AS l_upvotes, p.arxiv_id, p.title, p.authors, p.abstract, p.hf_url, "
        "p.github_repo, p.project_page FROM listings l JOIN papers p ON p.arxiv_id = l.arxiv_id "
        "ORDER BY l.date DESC, l.position"
    ):
        pid = r["arxiv_id"]
        if pid not in papers:
            row = {k: r[k] for k in ("title", "authors", "abstract", "hf_url", "github_repo", "project_page")}
            papers[pid] = PaperData(pid, row, upvotes=r["l_upvotes"] or 0)
        papers[pid].dates.append(r["date"])
        day_papers[r["date"]].append(pid)
    fetched = {r[0]: r[1] for r in store.query("SELECT date, fetched_at FROM days")}
    for d in fetched:
        day_papers.setdefault(d, [])
    return papers, day_papers, fetched


# The report each paper's pages show: successful first, then in the site's language, newest.
# With `extract`, also the few fields the home page, feed and search index need (parsed by
# SQLite, so a large archive's report bodies are not all parsed in Python).
_BEST_REPORT = (
    "SELECT r.arxiv_id, r.key, r.lang, r.failed, r.created_at{extract} FROM ("
    " SELECT rowid AS rid, row_number() OVER ("
    "  PARTITION BY arxiv_id ORDER BY failed ASC, (lang = ?) DESC, created_at DESC, rowid DESC) AS rn"
    " FROM reports) w JOIN reports r ON r.rowid = w.rid WHERE w.rn = 1"
)
_EXTRACT = (
    ", json_extract(r.body, '$.report.domain') AS domain"
    ", json_extract(r.body, '$.report.contribution') AS contribution"
    ", (SELECT group_concat(json_extract(value, '$.name'), ' ')"
    "   FROM json_each(r.body, '$.report.innovations')) AS innovations"
    ", (SELECT group_concat(json_extract(value, '$.label') || ' ' || json_extract(value, '$.text'), ' ')"
    "   FROM json_each(r.body, '$.report.results')) AS results"
)
INFO_FIELDS = ("domain", "contribution", "innovations", "results")


def load_report_meta(store: Store, lang: str, papers: dict[str, PaperData]) -> None:
    for r in store.query(_BEST_REPORT.format(extract=""), (lang,)):
        if r["arxiv_id"] in papers:
            papers[r["arxiv_id"]].report_meta = (r["key"], r["lang"], r["failed"], r["created_at"])


def load_info(store: Store, lang: str, papers: dict[str, PaperData]) -> dict[str, dict[str, str]]:
    info: dict[str, dict[str, str]] = {}
    for r in store.query(_BEST_REPORT.format(extract=_EXTRACT), (lang,)):
        if r["arxiv_id"] in papers:
            info[r["arxiv_id"]] = {k: r[k] or "" for k in INFO_FIELDS}
    return info


def load_bodies(store: Store, papers: list[PaperData]) -> None:
    """Parse the chosen report of each of these papers into `PaperData.body`."""
    by_key = {p.report_meta[0]: p for p in papers if p.report_meta}
    keys = list(by_key)
    for i in range(0, len(keys), 500):
        batch = keys[i : i + 500]
        for r in store.query(f"SELECT key, body FROM reports WHERE key IN ({','.join('?' * len(batch))})", batch):
            by_key[r["key"]].body = WrittenReport.model_validate_json(r["body"])

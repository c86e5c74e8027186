"""The site's Atom feed (paperbrief.render.feeds) from the latest days of the archive."""

from __future__ import annotations

from collections.abc import Sequence

from paperbrief.messages import describe_failed, describe_kept
from paperbrief.models import ReportSummary, SiteSnapshot, WrittenReport
from paperbrief.render.feeds import FeedDay, FeedItem, FeedPaper, atom_feed
from paperbrief.render.site.digest import DigestPage
from paperbrief.render.site.paper import outcomes
from paperbrief.search import top_domain
from paperbrief.store import Store

FEED_DAYS = 30


def feed_xml(L: dict[str, str], base_url: str, snapshot: SiteSnapshot, summaries: dict[str, ReportSummary],
             feed_days: int = FEED_DAYS, digests: Sequence[DigestPage] = (), store: Store | None = None) -> bytes:
    """The feed of the latest `feed_days` days; `summaries` as for the home page. With the `store`, a failed
    paper says why and a report kept after a failed attempt says so (their reports are read from it)."""
    lang = snapshot.lang
    dates = sorted(snapshot.days, reverse=True)[:feed_days]
    reports: dict[str, WrittenReport] = {}
    attempts: dict[str, WrittenReport] = {}
    if store is not None:  # only the few papers that failed or were kept after a failure are read
        reports, attempts = outcomes(store, snapshot, {
            pid for d in dates for pid in snapshot.days[d]
            if (r := snapshot.papers[pid].report) is not None and (r.failed or r.failed_attempt)})
    days = []
    for d in dates:
        entries, updated = [], snapshot.fetched.get(d, 0.0)
        for pid in snapshot.days[d]:
            p = snapshot.papers[pid]
            if p.report:
                attempt = p.report.failed_attempt  # its note changes the entry: feed readers see it as updated
                updated = max(updated, p.report.created_at, attempt.created_at if attempt else 0.0)
            summary = summaries.get(pid) if p.written else None
            domain = top_domain(summary.domain) if summary else ""
            w = reports.get(pid)
            status = ""
            if not domain and not p.report:
                status = L["not_written"]
            elif not domain and p.failed:
                status = describe_failed(w, lang) if w is not None else L["failed"]
            kept = describe_kept(w, attempts.get(pid), lang, short=True) if w is not None else ""
            entries.append(FeedPaper(pid, p.title, domain, status, kept))
        days.append(FeedDay(d, updated, entries))
    return atom_feed(days, title=L["site_title"], subtitle=L["feed_subtitle"], lang=snapshot.lang, base_url=base_url,
                     entry_title=L["entry_title"], papers_word=L["papers_word"],
                     items=[FeedItem(f"digest:{g.period}", g.path, g.title, g.updated, g.summary) for g in digests])

"""The site's Atom feed (paperbrief.render.feeds) from the latest days of the archive."""

from __future__ import annotations

from collections.abc import Sequence

from paperbrief.models import ReportSummary, SiteSnapshot
from paperbrief.render.feeds import FeedDay, FeedItem, FeedPaper, atom_feed
from paperbrief.render.site.digest import DigestPage
from paperbrief.search import top_domain

FEED_DAYS = 30


def feed_xml(L: dict[str, str], base_url: str, snapshot: SiteSnapshot, summaries: dict[str, ReportSummary],
             feed_days: int = FEED_DAYS, digests: Sequence[DigestPage] = ()) -> bytes:
    """The feed of the latest `feed_days` days; `summaries` as for the home page."""
    days = []
    for d in sorted(snapshot.days, reverse=True)[:feed_days]:
        entries, updated = [], snapshot.fetched.get(d, 0.0)
        for pid in snapshot.days[d]:
            p = snapshot.papers[pid]
            if p.report:
                updated = max(updated, p.report.created_at)
            summary = summaries.get(pid) if p.written else None
            domain = top_domain(summary.domain) if summary else ""
            status = "" if domain else L["failed_note"] if p.failed else L["not_written"] if not p.report else ""
            entries.append(FeedPaper(pid, p.title, domain, status))
        days.append(FeedDay(d, updated, entries))
    return atom_feed(days, title=L["site_title"], subtitle=L["feed_subtitle"], lang=snapshot.lang, base_url=base_url,
                     entry_title=L["entry_title"], papers_word=L["papers_word"],
                     items=[FeedItem(f"digest:{g.period}", g.path, g.title, g.updated, g.summary) for g in digests])

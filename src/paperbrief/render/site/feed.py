"""The site's Atom feed (paperbrief.render.feeds) from the latest days of the archive."""

from __future__ import annotations

from paperbrief.render.feeds import FeedDay, FeedPaper, atom_feed
from paperbrief.render.site.snapshot import PaperData
from paperbrief.search import top_domain

FEED_DAYS = 30


def feed_xml(L: dict[str, str], lang: str, base_url: str, papers: dict[str, PaperData],
             day_papers: dict[str, list[str]], fetched: dict[str, float], info: dict[str, dict[str, str]],
             feed_days: int = FEED_DAYS) -> bytes:
    days = []
    for d in sorted(day_papers, reverse=True)[:feed_days]:
        entries, updated = [], fetched.get(d, 0.0)
        for pid in day_papers[d]:
            p = papers[pid]
            meta = p.report_meta
            if meta:
                updated = max(updated, meta[3])
            domain = top_domain(info.get(pid, {}).get("domain", "")) if meta and not meta[2] else ""
            status = "" if domain else (L["failed_note"] if meta and meta[2] else L["not_written"] if not meta else "")
            entries.append(FeedPaper(pid, p.row["title"], domain, status))
        days.append(FeedDay(d, updated, entries))
    return atom_feed(days, title=L["site_title"], subtitle=L["feed_subtitle"], lang=lang, base_url=base_url,
                     entry_title=L["entry_title"], papers_word=L["papers_word"])

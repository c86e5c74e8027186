"""The site's Atom feed: one entry per day (newest first), each a list of that day's papers.

Built with feedgen. The feed's own `updated` is the newest entry's, so an unchanged archive
gives byte-identical XML (and the site build can skip rewriting it). Without a base URL,
links are relative to the site root and ids are `urn:paperbrief:` names; set `--base-url`
for a hosted site so feed readers get absolute links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from markupsafe import Markup

from paperbrief.render import page_name


@dataclass
class FeedPaper:
    arxiv_id: str
    title: str
    domain: str  # top-level domain, or "" when no report
    status: str  # "" when written, else a short note (why it failed / not written yet)
    warning: str = ""  # a report kept after a failed attempt says so


@dataclass
class FeedItem:
    """An entry that is not a day (a weekly or monthly digest): its page, title and summary text."""

    key: str  # unique within the site, e.g. digest:2026-W06
    path: str  # the page, relative to the site root
    title: str
    updated: float
    summary: str


@dataclass
class FeedDay:
    date: str
    updated: float  # epoch seconds: when the day's listing or newest report was stored
    papers: list[FeedPaper]


def atom_feed(days: list[FeedDay], *, title: str, subtitle: str, lang: str, base_url: str,
              entry_title: str, papers_word: str, items: list[FeedItem] | None = None) -> bytes:
    """The Atom XML for the given days (already cut to the latest N, newest first).

    `entry_title` is a format string with {date} and {count}; `base_url` ends with "/" or is "".
    """
    fg = FeedGenerator()
    fg.id(base_url or f"urn:paperbrief:site:{lang}")
    fg.title(title)
    fg.subtitle(subtitle)
    fg.language(lang)
    fg.link(href=f"{base_url}index.html", rel="alternate", type="text/html")
    fg.link(href=f"{base_url}feed.xml", rel="self", type="application/atom+xml")
    fg.generator("paperbrief")
    items = items or []
    newest = max([d.updated for d in days] + [i.updated for i in items], default=0.0)
    fg.updated(datetime.fromtimestamp(newest, UTC))
    for item in items:  # digests first: they sum up the days below them
        url = f"{base_url}{item.path}"
        fe = fg.add_entry(order="append")
        fe.id(url if base_url else f"urn:paperbrief:{item.key}:{lang}")
        fe.title(item.title)
        fe.link(href=url, rel="alternate", type="text/html")
        fe.updated(datetime.fromtimestamp(item.updated, UTC))
        fe.content(str(Markup("<p>{}</p>").format(item.summary)), type="html")
    for day in days:
        url = f"{base_url}days/{day.date}.html"
        fe = fg.add_entry(order="append")
        fe.id(url if base_url else f"urn:paperbrief:day:{lang}:{day.date}")
        fe.title(entry_title.format(date=day.date, count=len(day.papers)))
        fe.link(href=url, rel="alternate", type="text/html")
        fe.updated(datetime.fromtimestamp(day.updated, UTC))
        fe.content(str(_summary(day, base_url, papers_word)), type="html")
    return fg.atom_str(pretty=True)


def _summary(day: FeedDay, base_url: str, papers_word: str) -> Markup:
    items = []
    for p in day.papers:
        note = p.domain or p.status
        items.append(
            Markup('<li><a href="{}">{}</a>{}{}</li>').format(
                f"{base_url}papers/{page_name(p.arxiv_id)}.html", p.title, Markup(" — {}").format(note) if note else "",
                Markup(" · ⚠ {}").format(p.warning) if p.warning else "",
            )
        )
    return Markup("<p>{} {}</p><ul>{}</ul>").format(len(day.papers), papers_word, Markup("").join(items))


"""What a delivery says: the day as a digest (title, field, one-line contribution, link for each paper),
in the day's language, and the fingerprint that tells whether a day changed since it was sent."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from paperbrief.messages import describe_failure, msg
from paperbrief.render.day import HF_PAPERS, Day
from paperbrief.render.mathtext import tidy_math


def text(lang: str, key: str, **kw: object) -> str:
    """Delivery wording from the catalog (`deliver.*` in paperbrief.messages)."""
    return msg(f"deliver.{key}", "en" if lang == "en" else "zh", **kw)


@dataclass(frozen=True)
class Item:
    """One paper of the digest."""

    n: int
    arxiv_id: str
    title: str
    url: str
    domain: str
    contribution: str
    failure: str | None = None  # why there is no report, in the day's language


@dataclass(frozen=True)
class Digest:
    date: str
    lang: str
    heading: str  # "Hugging Face 每日论文 · 2026-02-08", with "（更新）" when the day is sent again
    summary: str  # "共 47 篇论文"
    items: tuple[Item, ...]
    source_url: str  # the day on Hugging Face
    full_url: str | None  # the day on the published website, when site_url is set

    def t(self, key: str, **kw: object) -> str:
        return text(self.lang, key, **kw)

    def part(self, i: int, n: int) -> str:
        """The marker of message i of n ('' when the digest fits in one message)."""
        return "" if n <= 1 else self.t("part", i=i, n=n)


def one_line(value: str) -> str:
    """Text on one line: newlines and runs of spaces become one space, math shown as Unicode."""
    return re.sub(r"\s+", " ", tidy_math(value or "")).strip()


def site_page(site_url: str | None, date: str) -> str | None:
    return f"{site_url.rstrip('/')}/days/{date}.html" if site_url else None


def build_digest(day: Day, *, site_url: str | None = None, update: bool = False) -> Digest:
    lang = day.lang
    items = []
    failed = 0
    for n, e in enumerate(day.entries, 1):
        w = e.written
        report = w.report
        failure = None
        if report is None:
            failed += 1
            reason = one_line(describe_failure(w.failure, lang))
            failure = text(lang, "failed", reason=reason)
        items.append(Item(
            n=n, arxiv_id=e.paper.arxiv_id, title=one_line(e.paper.title), url=f"{HF_PAPERS}/{e.paper.arxiv_id}",
            domain=one_line(report.domain) if report else "", contribution=one_line(report.contribution) if report else "",
            failure=failure,
        ))
    count = len(items)
    summary = text(lang, "count_failed", count=count, failed=failed) if failed else text(lang, "count", count=count)
    heading = text(lang, "heading", date=day.date) + (text(lang, "updated") if update else "")
    return Digest(date=day.date, lang=lang, heading=heading, summary=summary, items=tuple(items),
                  source_url=day.source_url, full_url=site_page(site_url, day.date))


def content_hash(day: Day) -> str:
    """A fingerprint of the day's papers and reports: it changes when a paper is added or rewritten."""
    h = hashlib.sha256(f"{day.date}\0{day.lang}\0".encode())
    for e in day.entries:
        h.update(e.paper.arxiv_id.encode() + b"\0" + e.paper.title.encode("utf-8", "replace") + b"\0")
        h.update(e.written.model_dump_json(exclude={"calls"}).encode("utf-8", "replace") + b"\0")
    return h.hexdigest()


def shorten(value: str, limit: int, more: str = "…") -> str:
    """`value` cut to at most `limit` characters at a word boundary, ending in `more` when cut."""
    if len(value) <= limit:
        return value
    cut = value[: max(0, limit - len(more))]
    space = cut.rfind(" ")
    if space > len(cut) * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:，。；：、") + more

"""What a delivery says in a chat message: a brief of a day (title, field, one-line contribution, what to
check before quoting it, link for each paper) or of a week's or month's digest (its themes, top papers,
fields and recurring names), in its language. The channels (channels.py) lay a brief out in each service's
idiom; the e-mail of a digest is the brief as HTML (mail.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paperbrief.messages import describe_failed, describe_kept, describe_notes, msg
from paperbrief.render.day import HF_PAPERS, Day
from paperbrief.render.markdown import number_notes
from paperbrief.render.mathtext import tidy_math

if TYPE_CHECKING:
    from paperbrief.digest import Digest, Recurring


NOTE_CHARS = 400  # a note's limit in a chat message (its reason carries the endpoint's own words)


def text(lang: str, key: str, **kw: object) -> str:
    """Delivery wording from the catalog (`deliver.*` in paperbrief.messages)."""
    return msg(f"deliver.{key}", "en" if lang == "en" else "zh", **kw)


@dataclass(frozen=True)
class Item:
    """One entry of a brief: a paper (numbered, its title linked), a digest's theme, or a short section."""

    title: str = ""
    url: str | None = None  # the title links here; without one the title is shown bold
    n: int | None = None  # the number shown before the title
    meta: str = ""  # one line under the title: a paper's field (and upvotes, date in digests)
    body: str = ""  # the text: shortened first (then the title) when an entry must fit a message
    links: tuple[tuple[str, str], ...] = ()  # (label, url) after the text: the papers a theme cites
    failure: str | None = None  # why a paper has no report, in the brief's language (shown instead of the text)
    note: str = ""  # a warning shown above the text: the report was kept because the newest attempt failed
    checks: tuple[str, ...] = ()  # warnings shown below the text: numbers not found in the paper (or not in
    # their place there) and the grounding flags, as the e-mail lists them
    heading: str = ""  # the section this entry starts (a digest's themes, top papers, ...)


@dataclass(frozen=True)
class Brief:
    key: str  # the day (2026-02-08) or the period (2026-W06, 2026-02)
    lang: str
    heading: str  # "Hugging Face 每日论文 · 2026-02-08", with "（更新）" when it is sent again
    summary: str  # "共 47 篇论文"
    subject: str  # the e-mail's subject
    items: tuple[Item, ...]
    links: tuple[tuple[str, str], ...]  # (label, url) at the end: the full text on the website, the source page

    def t(self, key: str, **kw: object) -> str:
        return text(self.lang, key, **kw)

    def part(self, i: int, n: int) -> str:
        """The marker of message i of n ('' when the brief fits in one message)."""
        return "" if n <= 1 else self.t("part", i=i, n=n)


def one_line(value: str) -> str:
    """Text on one line: newlines and runs of spaces become one space, math shown as Unicode."""
    return re.sub(r"\s+", " ", tidy_math(value or "")).strip()


def site_page(site_url: str | None, path: str) -> str | None:
    return f"{site_url.rstrip('/')}/{path}" if site_url else None


def _links(full: tuple[str, str | None], source: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    label, url = full
    return ((label, url), source) if url else (source,)


def day_brief(day: Day, *, site_url: str | None = None, update: bool = False) -> Brief:
    lang = day.lang
    items = []
    failed = 0
    colon = msg("colon", lang)
    for n, e in enumerate(day.entries, 1):
        w = e.written
        report = w.report
        failure = None
        if report is None:
            failed += 1
            failure = one_line(describe_failed(w, lang))
        domain = one_line(report.domain) if report else ""
        items.append(Item(
            n=n, title=one_line(e.paper.title), url=f"{HF_PAPERS}/{e.paper.arxiv_id}",
            meta=f"{text(lang, 'field')}{colon}{shorten(domain, 200)}" if domain else "",
            body=one_line(report.contribution) if report else "", failure=failure,
            note=shorten(one_line(describe_kept(w, e.failed_attempt, lang)), NOTE_CHARS),
            checks=tuple(shorten(one_line(c), NOTE_CHARS) for c in [*number_notes(w, lang), *describe_notes(w, lang)])
            if report else (),
        ))
    count = len(items)
    summary = text(lang, "count_failed", count=count, failed=failed) if failed else text(lang, "count", count=count)
    updated = text(lang, "updated") if update else ""
    return Brief(
        key=day.date, lang=lang, heading=text(lang, "heading", date=day.date) + updated, summary=summary,
        subject=text(lang, "subject", date=day.date, count=count) + updated, items=tuple(items),
        links=_links((text(lang, "full"), site_page(site_url, f"days/{day.date}.html")),
                     (text(lang, "source"), day.source_url)),
    )


def period_source(d: Digest) -> str:
    """The period on Hugging Face (its week or month view of Daily Papers)."""
    return f"{HF_PAPERS}/{d.kind}/{d.period}"


def period_brief(d: Digest, *, site_url: str | None = None, update: bool = False) -> Brief:
    """A week's or a month's digest: its days, themes, top papers, fields against the previous period,
    recurring methods and benchmarks (the digest's Markdown, as messages)."""
    from paperbrief.render.digest import period_labels
    from paperbrief.render.markdown import mark_numbers
    from paperbrief.render.overview import notes_markdown

    lang = d.lang

    def t(key: str, **kw: object) -> str:
        return msg(f"digest.{key}", lang, **kw)

    sep, colon = msg("list_sep", lang), msg("colon", lang)
    sections: list[tuple[str, list[Item]]] = []

    days = [f"{t('days')}{colon}{t('days_value', run=len(d.days_run), total=len(d.days_run) + len(d.not_run))}"]
    if d.not_run:
        days.append(f"{t('not_run')}{colon}{sep.join(d.not_run)}")
    if d.not_yet:
        days.append(f"{t('not_yet')}{colon}{sep.join(d.not_yet)}")
    sections.append(("", [Item(body=text(lang, "clauses").join(days))]))

    s = d.synthesis
    themes = []
    if s.kind == "llm":
        for i, c in enumerate(s.claims, 1):
            themes.append(Item(n=i, title=one_line(mark_numbers(c.title, s.ungrounded_numbers)),
                               body=one_line(mark_numbers(c.text, s.ungrounded_numbers)),
                               links=tuple((aid, f"{HF_PAPERS}/{aid}") for aid in c.papers)))
    elif not s.error:
        themes.append(Item(body=t("no_themes")))
    themes += [Item(body=one_line(note.removeprefix("> "))) for note in notes_markdown(s, lang, "digest")]
    sections.append((t(f"themes_{d.kind}"), themes))

    sections.append((text(lang, "top_upvoted"), [
        Item(n=i, title=one_line(p.title), url=f"{HF_PAPERS}/{p.arxiv_id}", body=one_line(p.contribution),
             meta=text(lang, "paper_meta", field=p.field or "—", upvotes=p.upvotes, date=p.date))
        for i, p in enumerate(d.top_upvoted, 1)
    ]))
    if d.top_relevant is not None:
        sections.append((text(lang, "top_relevant"), [
            Item(n=i, title=one_line(p.title), url=f"{HF_PAPERS}/{p.arxiv_id}", body=one_line(p.contribution),
                 meta=text(lang, "relevant_meta", relevance=f"{p.relevance or 0:.2f}",
                           matched=sep.join(p.matched) or "—", upvotes=p.upvotes))
            for i, p in enumerate(d.top_relevant, 1)
        ]))
    if d.fields:
        prev, cur = period_labels(d)
        moves = sep.join(text(lang, "field_move", field=m.field, count=m.count, change=f"{m.change:+d}")
                         for m in d.fields)
        sections.append((t("fields"), [Item(meta=text(lang, "fields_against", cur=cur, prev=prev), body=moves)]))

    def names(found: list[Recurring]) -> str:
        return sep.join(t("recurring_item", name=r.name, n=len(r.papers)) for r in found) if found else t("none")

    sections.append((t("recurring"), [Item(title=t("methods"), body=names(d.methods)),
                                      Item(title=t("benchmarks"), body=names(d.benchmarks))]))

    items: list[Item] = []
    for heading, entries in sections:
        for j, item in enumerate(entries):
            items.append(dataclasses.replace(item, heading=heading) if j == 0 else item)
    title = t(f"title_{d.kind}", period=d.period)
    updated = text(lang, "updated") if update else ""
    return Brief(
        key=d.period, lang=lang, heading=title + updated,
        summary=f"{d.start} – {d.end} · {t('papers_value', papers=d.papers, written=d.written)}",
        subject=text(lang, "subject_digest", title=title, count=d.papers) + updated, items=tuple(items),
        links=_links((text(lang, f"full_{d.kind}"), site_page(site_url, f"digests/{d.period}.html")),
                     (text(lang, f"source_{d.kind}"), period_source(d))),
    )


def day_hash(day: Day) -> str:
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

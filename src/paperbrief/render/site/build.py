"""Building the site: which pages changed, rendering them, the whole-site files, the manifest."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from paperbrief.models import ArchivedPaper
from paperbrief.render import page_name
from paperbrief.render.site.digest import digest_pages
from paperbrief.render.site.feed import FEED_DAYS, feed_xml
from paperbrief.render.site.home import TOP_DOMAINS, home_page
from paperbrief.render.site.manifest import Previous, bytes_digest, digest, is_page, write_file, write_manifest
from paperbrief.render.site.overview import SitePaper, day_overview_view, overview_stamps
from paperbrief.render.site.paper import outcomes
from paperbrief.render.site.search_page import index_files, search_html
from paperbrief.render.site.templates import FORMAT, LABELS, environment, site_version, static_file
from paperbrief.render.site.workers import PageJob, Rendering
from paperbrief.store import Store


@dataclass
class BuildReport:
    """What a build did: files written, pages skipped as unchanged, files removed."""

    out: Path
    written: list[str] = field(default_factory=list)
    skipped: int = 0
    removed: list[str] = field(default_factory=list)
    days: int = 0
    papers: int = 0
    seconds: float = 0.0


def build_site(store: Store, out: Path | str, *, lang: str = "zh", base_url: str = "",
               feed_days: int = FEED_DAYS, top_domains: int = TOP_DOMAINS, workers: int | None = None) -> BuildReport:
    """Build (or update) the static site in `out` from the store. See the package docstring.

    With many pages to render (a first build of a large archive), `workers` forked
    processes render them (default: up to 4, one per core); `workers=1` renders in-process.
    """
    started = time.perf_counter()
    if lang not in LABELS:
        raise ValueError(f"site language must be zh or en, not {lang!r}")
    out = Path(out)
    base_url = (base_url.rstrip("/") + "/") if base_url else ""
    L = LABELS[lang]
    env = environment()
    data_version = store.data_version
    previous = Previous(out)
    report = BuildReport(out=out)
    new_pages: dict[str, str] = {}

    snapshot = store.site_snapshot(lang)
    common = digest(FORMAT, site_version(), lang, base_url)  # what every page depends on
    paper_hash = {pid: digest(common, page_inputs(p)) for pid, p in snapshot.papers.items()}
    stamps = overview_stamps(store, lang)  # a day page also shows its overview and relevance
    day_hash = {d: digest(common, d, [paper_hash[pid] for pid in ids], stamps.get(d))
                for d, ids in snapshot.days.items()}
    for pid, h in paper_hash.items():
        new_pages[f"papers/{page_name(pid)}.html"] = h
    for d, h in day_hash.items():
        new_pages[f"days/{d}.html"] = h

    # Which pages need rendering, and the reports they show.
    todo_papers = {pid for pid, h in paper_hash.items() if previous.needs(f"papers/{page_name(pid)}.html", h)}
    todo_days = {d for d, h in day_hash.items() if previous.needs(f"days/{d}.html", h)}
    shown = todo_papers.union(*(snapshot.days[d] for d in todo_days))
    reports, attempts = outcomes(store, snapshot, shown)
    overviews = {d: day_overview_view(store, d, lang, [SitePaper(pid, snapshot.papers[pid].title,
                                                                 snapshot.papers[pid].upvotes, reports.get(pid))
                                                       for pid in snapshot.days[d]])
                 for d in todo_days if snapshot.days[d]}
    digests = digest_pages(store, env, L, lang, base_url, set(snapshot.papers))

    # Home page, feed and search index depend on every paper: when no page hash (nor a
    # day's fetch time, nor a setting) changed, they are kept as they are.
    site_hash = digest(common, feed_days, top_domains, sorted(snapshot.fetched.items()), sorted(day_hash.items()),
                       [(g.path, bytes_digest(g.html)) for g in digests])
    whole = site_hash != previous.site_hash or previous.whole_files_missing()
    summaries = store.report_summaries(lang) if whole else {}

    job = PageJob(out, L, base_url, snapshot, reports, todo_papers, todo_days, overviews, attempts)
    work_days = sorted(todo_days | {snapshot.papers[pid].dates[0] for pid in todo_papers})
    (out / "days").mkdir(parents=True, exist_ok=True)
    (out / "papers").mkdir(parents=True, exist_ok=True)
    # Pages are rendered (by forked workers when there are many) while this process builds the
    # whole-site files.
    rendering = Rendering(job, work_days, workers if workers is not None else min(4, os.cpu_count() or 1))

    # Whole-site files: rebuilt when anything changed, written when their bytes change.
    files: dict[str, bytes] = {}
    if whole:
        files["index.html"] = home_page(env, L, base_url, snapshot, summaries, top_domains, digests)
        files["search.html"] = search_html(env, L)
        files["feed.xml"] = feed_xml(L, base_url, snapshot, summaries, feed_days, digests, store)
        files.update((g.path, g.html) for g in digests)
        files.update(index_files(snapshot, summaries))
        for name in ("site.css", "search.js"):
            files[f"static/{name}"] = static_file(name)
    else:
        for path, page_digest in previous.pages.items():
            if not is_page(path):
                new_pages[path] = page_digest
                report.skipped += 1
    report.written += rendering.wait()
    report.skipped += len(paper_hash) + len(day_hash) - len(report.written)
    for path, data in files.items():
        new_pages[path] = bytes_digest(data)
        if previous.pages.get(path) != new_pages[path] or not (out / path).exists():
            write_file(out / path, data)
            report.written.append(path)
        else:
            report.skipped += 1

    for path in sorted(set(previous.pages) - set(new_pages)):
        try:
            (out / path).unlink()
            report.removed.append(path)
        except FileNotFoundError:
            pass

    write_manifest(out, fmt=FORMAT, lang=lang, base_url=base_url, data_version=data_version, site_hash=site_hash,
                   pages=new_pages)
    report.days, report.papers = len(snapshot.days), len(snapshot.papers)
    report.seconds = time.perf_counter() - started
    return report


def page_inputs(p: ArchivedPaper) -> tuple[Any, ...]:
    """What a paper's page shows that can change: its listing, its dates and upvotes, which report it shows
    (and whether a failed attempt came after it, which its page then names)."""
    report = None
    if p.report:
        attempt = p.report.failed_attempt
        report = (p.report.key, p.report.lang, p.report.failed, p.report.created_at,
                  (attempt.key, attempt.created_at) if attempt else None)
    return (p.arxiv_id, p.title, p.authors, p.abstract, p.hf_url, p.github_repo, p.project_page, p.dates, p.upvotes,
            report)

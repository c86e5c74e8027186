"""Building the site: which pages changed, rendering them, the whole-site files, the manifest."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from paperbrief.render.site.feed import FEED_DAYS, feed_xml
from paperbrief.render.site.home import TOP_DOMAINS, home_page
from paperbrief.render.site.manifest import Previous, bytes_digest, digest, is_page, write_file, write_manifest
from paperbrief.render.site.search_page import index_files, search_html
from paperbrief.render.site.snapshot import load_bodies, load_info, load_papers, load_report_meta
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

    papers, day_papers, fetched = load_papers(store)
    load_report_meta(store, lang, papers)
    common = (FORMAT, site_version(), lang, base_url)
    for p in papers.values():
        p.hash = digest(common, p.row, p.dates, p.upvotes, p.report_meta)

    # Which pages need rendering.
    todo_papers = {pid for pid, p in papers.items() if previous.needs(f"papers/{pid}.html", p.hash)}
    day_hash = {d: digest(common, d, [papers[pid].hash for pid in ids]) for d, ids in day_papers.items()}
    todo_days = {d for d, h in day_hash.items() if previous.needs(f"days/{d}.html", h)}
    need_body = set(todo_papers)
    for d in todo_days:
        need_body.update(day_papers[d])
    load_bodies(store, [papers[pid] for pid in need_body if papers[pid].report_meta])

    # Home page, feed and search index depend on every paper: when no page hash (nor a
    # day's fetch time, nor a setting) changed, they are kept as they are.
    site_hash = digest(common, feed_days, top_domains, sorted(fetched.items()), sorted(day_hash.items()))
    whole = site_hash != previous.site_hash or previous.whole_files_missing()
    info = load_info(store, lang, papers) if whole else {}

    counts: dict[str, tuple[int, int]] = {}
    for d, ids in day_papers.items():
        metas = [papers[pid].report_meta for pid in ids]
        counts[d] = (sum(1 for m in metas if m and not m[2]), sum(1 for m in metas if m and m[2]))
    for pid in papers:
        new_pages[f"papers/{pid}.html"] = papers[pid].hash
    for d in day_papers:
        new_pages[f"days/{d}.html"] = day_hash[d]
    job = PageJob(out, L, lang, base_url, papers, day_papers, todo_papers, todo_days, counts)
    work_days = sorted(todo_days | {papers[pid].dates[0] for pid in todo_papers})
    (out / "days").mkdir(parents=True, exist_ok=True)
    (out / "papers").mkdir(parents=True, exist_ok=True)
    # Pages are rendered (by forked workers when there are many) while this process builds the
    # whole-site files.
    rendering = Rendering(job, work_days, workers if workers is not None else min(4, os.cpu_count() or 1))

    # Whole-site files: rebuilt when anything changed, written when their bytes change.
    files: dict[str, bytes] = {}
    if whole:
        files["index.html"] = home_page(env, L, base_url, papers, day_papers, counts, info, top_domains)
        files["search.html"] = search_html(env, L)
        files["feed.xml"] = feed_xml(L, lang, base_url, papers, day_papers, fetched, info, feed_days)
        files.update(index_files(papers, info))
        for name in ("site.css", "search.js"):
            files[f"static/{name}"] = static_file(name)
    else:
        for path, page_digest in previous.pages.items():
            if not is_page(path):
                new_pages[path] = page_digest
                report.skipped += 1
    report.written += rendering.wait()
    report.skipped += len(papers) + len(day_papers) - len(report.written)
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
    report.days, report.papers = len(day_papers), len(papers)
    report.seconds = time.perf_counter() - started
    return report

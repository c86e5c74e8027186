"""The static website: home page with a domain chart, a page per day and per paper, search, feed.

`build_site(store, out)` renders everything from the store with Jinja (autoescape on, so
titles, authors and LLM text always show as text), into relative links that work on any
static host or sub-path (GitHub Pages). Builds are incremental: each page's inputs are
hashed and kept in `<out>/.paperbrief-site.json`; a page whose hash is unchanged (and whose
file exists) is not rewritten. Home page, feed and search index are rebuilt in memory and
written only when their bytes differ.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nh3
from jinja2 import Environment, PackageLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from paperbrief.files import write_atomic
from paperbrief.langs import LANGS
from paperbrief.messages import FIELDS, describe_failure, describe_flag, field_name, msg, section
from paperbrief.models import WrittenReport
from paperbrief.render.chart import domain_series, svg_chart
from paperbrief.render.feeds import FeedDay, FeedPaper, atom_feed
from paperbrief.render.mathtext import tidy_math
from paperbrief.render.search_index import IndexDoc, build_index
from paperbrief.search import top_domain
from paperbrief.store import Store

FORMAT = 4  # bump when the page layout changes in a way templates alone do not show (4: failure reasons)
MANIFEST = ".paperbrief-site.json"
FEED_DAYS = 30
TOP_DOMAINS = 8
AUTHORS_SHOWN = 8
ABSTRACT_INDEXED = 600  # characters of the abstract in the site's search index
PARALLEL_FROM = 2000  # pages to render before worker processes are worth starting

# The site's wording comes from the one catalog: its own `site.*` messages plus the report's
# section headings, as one dict per language for the templates.
LABELS: dict[str, dict[str, str]] = {
    lang: {**section("site", lang), **{f: field_name(f, lang) for f in FIELDS}, "colon": msg("colon", lang)}
    for lang in LANGS
}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


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


# --- safe rendering of outside text --------------------------------------------

_MD = MarkdownIt("commonmark", {"html": False})
_MD_CHARS = re.compile(r"[*_`\[]")
_URL = re.compile(r"https?://[^\s<>\"'(){}\[\]（）【】「」『』，。；、！？]+")
_ALLOWED_TAGS = {"strong", "em", "code", "a", "sub", "sup"}


def rich_text(text: str | None) -> Markup:
    """LLM text as safe HTML: inline Markdown (bold, code, links) and bare URLs become markup.

    Text with Markdown characters goes through markdown-it (raw HTML disabled) and nh3;
    plain text is escaped and its http(s) URLs linked. Nothing else from the text survives.
    """
    text = tidy_math(text or "")
    if _MD_CHARS.search(text):
        def angle(m: re.Match[str]) -> str:
            url = m.group().rstrip(".,;:!?")
            return f"<{url}>" + m.group()[len(url) :]

        html = _MD.renderInline(_URL.sub(angle, text))
        return Markup(
            nh3.clean(html, tags=_ALLOWED_TAGS, attributes={"a": {"href"}}, url_schemes={"http", "https"},
                      link_rel="noopener noreferrer nofollow")
        )
    out, pos = [], 0
    for m in _URL.finditer(text):
        url = m.group().rstrip(".,;:!?")
        out.append(escape(text[pos : m.start()]))
        out.append(Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(url))
        pos = m.start() + len(url)
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def safe_url(url: str | None) -> str | None:
    """Only http(s) URLs are linked (never javascript: or data:)."""
    url = (url or "").strip()
    return url if re.match(r"https?://", url, re.IGNORECASE) else None


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("paperbrief", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["rich"] = rich_text
    return env


def _site_version() -> str:
    """A hash of the templates and static files, so changing them rebuilds every page."""
    h = hashlib.sha1(str(FORMAT).encode())
    for folder in ("templates", "static"):
        for entry in sorted(resources.files("paperbrief").joinpath(folder).iterdir(), key=lambda e: e.name):
            if entry.is_file():
                h.update(entry.name.encode())
                h.update(entry.read_bytes())
    return h.hexdigest()[:16]


# --- reading the store ------------------------------------------------------------


@dataclass
class PaperData:
    arxiv_id: str
    row: dict[str, Any]
    dates: list[str] = field(default_factory=list)  # newest first
    upvotes: int = 0
    report_meta: tuple[Any, ...] | None = None  # (key, lang, failed, created_at)
    hash: str = ""
    body: WrittenReport | None = None  # the paper's outcome, when loaded


def _load_papers(store: Store) -> tuple[dict[str, PaperData], dict[str, list[str]], dict[str, float]]:
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


def _load_bodies(store: Store, papers: list[PaperData]) -> None:
    """Parse the chosen report of each of these papers into `PaperData.body`."""
    by_key = {p.report_meta[0]: p for p in papers if p.report_meta}
    keys = list(by_key)
    for i in range(0, len(keys), 500):
        batch = keys[i : i + 500]
        for r in store.query(f"SELECT key, body FROM reports WHERE key IN ({','.join('?' * len(batch))})", batch):
            by_key[r["key"]].body = WrittenReport.model_validate_json(r["body"])


def _hash(*parts: Any) -> str:
    return hashlib.sha1(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:20]


# --- the build -----------------------------------------------------------------


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(out) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def site_is_stale(store: Store, out: Path) -> bool:
    """True when the site in `out` was never built, or the store changed after it was."""
    manifest = read_manifest(out)
    return manifest is None or float(manifest.get("data_version", -1)) < store.data_version


def build_site(store: Store, out: Path | str, *, lang: str = "zh", base_url: str = "",
               feed_days: int = FEED_DAYS, top_domains: int = TOP_DOMAINS, workers: int | None = None) -> BuildReport:
    """Build (or update) the static site in `out` from the store. See the module docstring.

    With many pages to render (a first build of a large archive), `workers` forked
    processes render them (default: up to 4, one per core); `workers=1` renders in-process.
    """
    global _JOB
    started = time.perf_counter()
    if lang not in LABELS:
        raise ValueError(f"site language must be zh or en, not {lang!r}")
    out = Path(out)
    base_url = (base_url.rstrip("/") + "/") if base_url else ""
    L = LABELS[lang]
    env = _environment()
    version = _site_version()
    data_version = store.data_version
    old = read_manifest(out) or {}
    old_pages: dict[str, str] = old.get("pages", {}) if isinstance(old.get("pages"), dict) else {}
    report = BuildReport(out=out)
    new_pages: dict[str, str] = {}

    papers, day_papers, fetched = _load_papers(store)
    common = (FORMAT, version, lang, base_url)
    rows = store.query(_BEST_REPORT.format(extract=""), (lang,))
    for r in rows:
        if r["arxiv_id"] in papers:
            papers[r["arxiv_id"]].report_meta = (r["key"], r["lang"], r["failed"], r["created_at"])
    for p in papers.values():
        p.hash = _hash(common, p.row, p.dates, p.upvotes, p.report_meta)

    # Which pages need rendering.
    present = _listing(out, "papers") | _listing(out, "days")
    todo_papers = {pid for pid, p in papers.items() if _needs(f"papers/{pid}.html", p.hash, old_pages, present)}
    day_hash = {d: _hash(common, d, [papers[pid].hash for pid in ids]) for d, ids in day_papers.items()}
    todo_days = {d for d, h in day_hash.items() if _needs(f"days/{d}.html", h, old_pages, present)}
    need_body = set(todo_papers)
    for d in todo_days:
        need_body.update(day_papers[d])
    _load_bodies(store, [papers[pid] for pid in need_body if papers[pid].report_meta])

    # Home page, feed and search index depend on every paper: when no page hash (nor a
    # day's fetch time, nor a setting) changed, they are kept as they are.
    site_hash = _hash(common, feed_days, top_domains, sorted(fetched.items()), sorted(day_hash.items()))
    whole = site_hash != old.get("site_hash") or any(
        not (out / path).exists() for path in old_pages if not path.startswith(("days/", "papers/"))
    )
    info: dict[str, dict[str, str]] = {}
    if whole:
        for r in store.query(_BEST_REPORT.format(extract=_EXTRACT), (lang,)):
            if r["arxiv_id"] in papers:
                info[r["arxiv_id"]] = {k: r[k] or "" for k in INFO_FIELDS}

    counts: dict[str, tuple[int, int]] = {}
    for d, ids in day_papers.items():
        metas = [papers[pid].report_meta for pid in ids]
        counts[d] = (sum(1 for m in metas if m and not m[2]), sum(1 for m in metas if m and m[2]))
    for pid in papers:
        new_pages[f"papers/{pid}.html"] = papers[pid].hash
    for d in day_papers:
        new_pages[f"days/{d}.html"] = day_hash[d]
    job = _Job(out, L, lang, base_url, papers, day_papers, todo_papers, todo_days, counts)
    work_days = sorted({d for d in todo_days} | {papers[pid].dates[0] for pid in todo_papers})
    (out / "days").mkdir(parents=True, exist_ok=True)
    (out / "papers").mkdir(parents=True, exist_ok=True)
    pages_to_render = len(todo_papers) + sum(len(day_papers[d]) for d in todo_days)
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    pool = None
    if workers > 1 and pages_to_render >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
        # Pages are rendered and written by forked workers (they see `job` without pickling it)
        # while this process builds the search index.
        chunks = _split(work_days, day_papers, workers * 4)
        _JOB = (job, chunks)
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        futures = [pool.submit(_render_chunk, i) for i in range(len(chunks))]
    else:
        report.written += _render_days(job, work_days)

    # Whole-site files: rebuilt when anything changed, written when their bytes change.
    files: dict[str, bytes] = {}
    if whole:
        files["index.html"] = _home(env, L, lang, base_url, papers, day_papers, counts, info, top_domains)
        files["search.html"] = env.get_template("search.html").render(L=L, root="", canonical=None).encode("utf-8")
        files["feed.xml"] = _feed(L, lang, base_url, papers, day_papers, fetched, info, feed_days)
        files.update(build_index(_index_docs(papers, info)))
        for name in ("site.css", "search.js"):
            files[f"static/{name}"] = resources.files("paperbrief").joinpath("static", name).read_bytes()
    else:
        for path, digest in old_pages.items():
            if not path.startswith(("days/", "papers/")):
                new_pages[path] = digest
                report.skipped += 1
    if pool is not None:
        try:
            for f in futures:
                report.written += f.result()
        finally:
            pool.shutdown()
            _JOB = None
    report.skipped += len(papers) + len(day_papers) - len(report.written)
    for path, data in files.items():
        digest = hashlib.sha1(data).hexdigest()[:20]
        new_pages[path] = digest
        if old_pages.get(path) != digest or not (out / path).exists():
            _write(out / path, data)
            report.written.append(path)
        else:
            report.skipped += 1

    for path in sorted(set(old_pages) - set(new_pages)):
        try:
            (out / path).unlink()
            report.removed.append(path)
        except FileNotFoundError:
            pass

    manifest = {"format": FORMAT, "lang": lang, "base_url": base_url, "data_version": data_version,
                "built_at": time.time(), "site_hash": site_hash, "pages": new_pages}
    _write(out / MANIFEST, json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    report.days, report.papers = len(day_papers), len(papers)
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Job:
    """What rendering the day and paper pages needs (shared with forked workers)."""

    out: Path
    L: dict[str, str]
    lang: str
    base_url: str
    papers: dict[str, PaperData]
    day_papers: dict[str, list[str]]
    todo_papers: set[str]
    todo_days: set[str]
    counts: dict[str, tuple[int, int]]


_JOB: tuple[_Job, list[list[str]]] | None = None


def _render_chunk(i: int) -> list[str]:
    """In a forked worker: render chunk i of the days prepared by build_site."""
    assert _JOB is not None
    job, chunks = _JOB
    return _render_days(job, chunks[i])


def _split(days: list[str], day_papers: dict[str, list[str]], n: int) -> list[list[str]]:
    """Days cut into up to n runs of about equal paper counts."""
    total = sum(len(day_papers[d]) + 1 for d in days)
    chunks: list[list[str]] = [[]]
    size = 0
    for d in days:
        if size >= total / n and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(d)
        size += len(day_papers[d]) + 1
    return chunks


def _render_days(job: _Job, days: list[str]) -> list[str]:
    """Render and write the pages of these days that need it, and of the papers first listed on them."""
    env = _environment()
    paper_macro = env.get_template("_paper.html").module.paper_body  # type: ignore[attr-defined]
    paper_page, day_page = env.get_template("paper.html"), env.get_template("day.html")
    views: dict[str, dict[str, Any]] = {}
    bodies: dict[str, Markup] = {}

    def body(pid: str) -> Markup:
        # A paper's body is rendered once and shared by its day page and its own page.
        if pid not in bodies:
            views[pid] = _view(job.papers[pid], job.L, job.lang)
            bodies[pid] = Markup(paper_macro(views[pid], job.L))
        return bodies[pid]

    written = []
    for d in days:
        ids = job.day_papers[d]
        for pid in ids:
            if pid in job.todo_papers and job.papers[pid].dates[0] == d:
                path = f"papers/{pid}.html"
                html = paper_page.render(L=job.L, root="../", body=body(pid), p=views[pid],
                                         canonical=f"{job.base_url}{path}" if job.base_url else None)
                _write(job.out / path, html.encode("utf-8"), fresh=None)
                written.append(path)
        if d in job.todo_days:
            path = f"days/{d}.html"
            for pid in ids:
                body(pid)
            written_n, failed_n = job.counts[d]
            html = day_page.render(L=job.L, root="../", date=d, papers=[views[pid] for pid in ids], bodies=bodies,
                                   written=written_n, failed=failed_n,
                                   canonical=f"{job.base_url}{path}" if job.base_url else None)
            _write(job.out / path, html.encode("utf-8"), fresh=None)
            written.append(path)
    return written


def _listing(out: Path, folder: str) -> set[str]:
    """The files in a folder of the site, as site paths (one directory read, not a stat per page)."""
    try:
        return {f"{folder}/{name}" for name in os.listdir(out / folder)}
    except FileNotFoundError:
        return set()


def _needs(path: str, digest: str, old_pages: dict[str, str], present: set[str]) -> bool:
    return old_pages.get(path) != digest or path not in present


def _write(path: Path, data: bytes, fresh: bool | None = None) -> None:
    """Write a file; one that exists is replaced atomically (a server may be reading it)."""
    if fresh is None:
        fresh = not os.path.exists(path)
    if fresh:
        try:
            with open(path, "wb") as f:
                f.write(data)
            return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            return
    write_atomic(path, data, sync=False)


def _view(p: PaperData, L: dict[str, str], lang: str) -> dict[str, Any]:
    """What the templates show of one paper."""
    authors = json.loads(p.row["authors"] or "[]")
    shown = ", ".join(authors[:AUTHORS_SHOWN])
    if len(authors) > AUTHORS_SHOWN:
        shown += (" " if lang == "en" else "") + L["authors_more"].format(n=len(authors))
    aid = p.arxiv_id
    links = [(L["link_abs"], f"https://arxiv.org/abs/{aid}"),
             (L["link_hf"], safe_url(p.row["hf_url"]) or f"https://huggingface.co/papers/{aid}"),
             (L["link_pdf"], f"https://arxiv.org/pdf/{aid}")]
    for label, url in ((L["link_code"], safe_url(p.row["github_repo"])),
                       (L["link_project"], safe_url(p.row["project_page"]))):
        if url:
            links.append((label, url))
    w = p.body
    writer = ""
    if w is not None:
        writer = L["writer_extractive"] if w.writer == "extractive" else L["writer_llm"].format(model=w.model or "?")
    notes: list[str] = []
    if w is not None:
        notes = [describe_flag(f, lang) for f in w.flags]
        if w.provenance == "listing_fallback":
            notes.append(msg("provenance.listing_fallback", lang))
    return {
        "arxiv_id": aid,
        "title": p.row["title"],
        "authors_short": shown,
        "all_authors": authors,
        "authors_list_cut": AUTHORS_SHOWN,
        "abstract": p.row["abstract"],
        "links": links,
        "source": "—" if w is None else (
            msg("source.unread", lang) if w.failure and w.failure.kind == "unread" else w.source),
        "writer": writer,
        "other_lang": w is not None and w.lang != lang and w.report is not None,
        "report": w.report.model_dump() if w is not None and w.report is not None else None,
        "error": describe_failure(w.failure, lang) if w is not None and w.report is None else None,
        "ungrounded": w.ungrounded_numbers if w is not None else [],
        "misattributed": w.misattributed_numbers if w is not None else [],
        "flags": notes,
        "dates": p.dates,
        "upvotes": p.upvotes,
    }


def _home(env: Environment, L: dict[str, str], lang: str, base_url: str, papers: dict[str, PaperData],
          day_papers: dict[str, list[str]], counts: dict[str, tuple[int, int]], info: dict[str, dict[str, str]],
          top: int) -> bytes:
    per_day: dict[str, Counter[str]] = {}
    for d, ids in day_papers.items():
        c: Counter[str] = Counter()
        for pid in ids:
            meta = papers[pid].report_meta
            if meta and not meta[2] and pid in info:
                name = top_domain(info[pid]["domain"])
                if name:
                    c[name] += 1
        per_day[d] = c
    series = domain_series(per_day, top=top, other=L["other"])
    chart_title = L[f"chart_{series.unit}"]
    chart = Markup(svg_chart(series, title=chart_title)) if series.buckets else None
    days: list[dict[str, Any]] = [{"date": d, "count": len(day_papers[d]), "written": counts[d][0], "failed": counts[d][1]}
            for d in sorted(day_papers, reverse=True)]
    months: list[tuple[str, list[dict[str, Any]]]] = []
    for day_info in days:
        y, m = int(day_info["date"][:4]), int(day_info["date"][5:7])
        label = L["month"].format(year=y, month=m, month_name=_MONTHS[m - 1])
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(day_info)
    html = env.get_template("home.html").render(
        L=L, root="", days=days, months=months, total_papers=len(papers), chart=chart, chart_title=chart_title,
        legend=[(name, series.colours[name]) for name in series.domains],
        canonical=f"{base_url}index.html" if base_url else None,
    )
    return html.encode("utf-8")


def _feed(L: dict[str, str], lang: str, base_url: str, papers: dict[str, PaperData],
          day_papers: dict[str, list[str]], fetched: dict[str, float], info: dict[str, dict[str, str]],
          feed_days: int) -> bytes:
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


def _index_docs(papers: dict[str, PaperData], info: dict[str, dict[str, str]]) -> list[IndexDoc]:
    """One search document per paper, oldest day first (so a new day's papers come last)."""
    docs = []
    for p in sorted(papers.values(), key=lambda p: (p.dates[0], p.arxiv_id)):
        f = info.get(p.arxiv_id)
        ok = bool(f and f["contribution"]) and p.report_meta is not None and not p.report_meta[2]
        authors = " ".join(json.loads(p.row["authors"] or "[]"))
        if f and ok:
            # The abstract's opening lets English words find a Chinese report.
            body = "\n".join((authors, f["domain"], f["contribution"], f["innovations"], f["results"],
                               p.row["abstract"][:ABSTRACT_INDEXED]))
            summary, domain = f["contribution"], top_domain(f["domain"])
        else:
            body, summary, domain = authors + "\n" + p.row["abstract"], p.row["abstract"], ""
        docs.append(IndexDoc(p.arxiv_id, p.dates[0], p.row["title"], domain, _cut(summary, 160), body))
    return docs


def _cut(text: str, n: int) -> str:
    text = " ".join((text or "").replace("**", "").split())  # a plain-text summary: no bold markers
    return text if len(text) <= n else text[: n - 1] + "…"


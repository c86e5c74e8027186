"""`paperbrief doctor`: check the store, the download cache and the disk; on request, repair the store.

    checks = diagnose(settings)          # [Check(name, ok, detail, fix)]
    report = repair(settings)            # RepairReport: what was set aside, recovered, rebuilt

Repair never deletes anything. A damaged store (not a database, malformed pages, a directory
where the file should be) is renamed to `paperbrief.db.damaged-<time>` (with its -wal/-shm
files) and kept; a new store is created; every row that can still be read from the damaged
file is copied into it; then what the download cache holds is parsed again, with no network:
the listings of past days and the papers' documents. Reports are not in the cache (only the
store had them): those not recovered are written again by the next `paperbrief run`.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from paperbrief.config import Settings
from paperbrief.disk import free_bytes, human
from paperbrief.store import Store, StoreError, integrity_summary

# Tables never copied from a damaged store: bookkeeping and the search index (rebuilt from the rest).
NOT_COPIED = ("schema_migrations", "search_", "sqlite_")
MIN_FREE = 100 * 1024 * 1024  # below this, runs may fail to store what they paid for
_LISTING_URL = re.compile(r"/api/daily_papers\?date=(\d{4}-\d{2}-\d{2})")


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "detail": self.detail, "fix": self.fix}


@dataclass
class RepairReport:
    damaged: Path | None = None  # where the damaged store was moved (kept)
    recovered: dict[str, int] = field(default_factory=dict)  # rows copied from the damaged store, per table
    rebuilt_days: list[str] = field(default_factory=list)  # listings parsed again from the cache
    rebuilt_documents: int = 0  # documents parsed again from the cache
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"damaged_store_kept_at": str(self.damaged) if self.damaged else None, "recovered": self.recovered,
                "rebuilt_days": self.rebuilt_days, "rebuilt_documents": self.rebuilt_documents, "notes": self.notes}


# -- checks ---------------------------------------------------------------------------------


def store_state(path: Path) -> tuple[str, str]:
    """("missing" | "ok" | "damaged", detail) for the store file at `path`, read-only."""
    if not path.exists():
        return "missing", f"no store at {path} yet"
    if path.is_dir():
        return "damaged", f"{path} is a directory, not a database file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error as e:
        return "damaged", f"{path} cannot be opened ({e})"
    try:
        rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
        problems = [line for r in rows for line in str(r[0]).splitlines() if line.strip()]
        if problems != ["ok"]:
            return "damaged", f"integrity check of {path}: {'; '.join(problems)[:400]}"
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        names = {r[0] for r in conn.execute("SELECT name FROM schema_migrations")}
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("days", "papers", "reports")}
    except sqlite3.Error as e:
        return "damaged", f"{path}: {e} (integrity check: {integrity_summary(path)})"
    finally:
        conn.close()
    from paperbrief.store import MIGRATIONS

    newer = sorted(names - {n for n, _ in MIGRATIONS})
    detail = (f"{path}: integrity ok; {counts['days']} days, {counts['papers']} papers, "
              f"{counts['reports']} reports")
    if fk:
        detail += f"; {len(fk)} rows point at missing rows (harmless, kept)"
    if newer:
        detail += f"; written by a newer paperbrief (migrations {', '.join(newer)})"
    return "ok", detail


def _cache_entries(cache_dir: Path) -> tuple[int, int, int, list[str]]:
    """(entries, damaged entries, total bytes, URLs) of the download cache."""
    count = damaged = size = 0
    urls: list[str] = []
    if not cache_dir.is_dir():
        return 0, 0, 0, urls
    for path in cache_dir.glob("??/*"):
        if path.name.startswith(".tmp-") or not path.is_file():
            continue
        count += 1
        try:
            size += path.stat().st_size
            with path.open("rb") as f:
                header = f.readline(65536)
            meta = json.loads(header)
            urls.append(str(meta["url"]))
        except (OSError, ValueError, KeyError, TypeError):
            damaged += 1
    return count, damaged, size, urls


def diagnose(settings: Settings) -> list[Check]:
    """Every check, read-only: the store, stuck runs, the cache, free space, crash logs."""
    checks: list[Check] = []
    state, detail = store_state(settings.db_path)
    if state == "damaged":
        checks.append(Check("store", False, detail, "run `paperbrief doctor --repair` (the damaged file is kept)"))
    else:
        checks.append(Check("store", True, detail))
    if state == "ok":
        try:
            with Store(settings.db_path) as store:
                runs = store.runs(1000)
        except StoreError as e:
            checks.append(Check("runs", False, str(e)))
        else:
            killed = [r for r in runs if r.status == "interrupted" and r.finished_at is None]
            running = [r for r in runs if r.status == "running"]
            if killed:
                shown = ", ".join(f"#{r.id} ({r.date})" for r in killed[:5])
                checks.append(Check("runs", True, f"{len(killed)} run(s) were killed before they finished: {shown}; "
                                    "`paperbrief run --date DAY` completes a day (what they stored is kept)"))
            if running:
                checks.append(Check("runs", True, f"{len(running)} run(s) in progress: "
                                    + ", ".join(f"#{r.id} ({r.date}, {r.owner})" for r in running[:5])))
    count, damaged, size, _ = _cache_entries(settings.cache_dir)
    cache_detail = f"{settings.cache_dir}: {count} downloads, {human(size)}"
    if damaged:
        checks.append(Check("cache", False, f"{cache_detail}; {damaged} damaged entries (they are fetched again)",
                            "nothing to do: damaged entries are ignored and downloaded again when needed"))
    else:
        checks.append(Check("cache", True, cache_detail))
    free = free_bytes(settings.home)
    if free is not None:
        low = free < MIN_FREE
        checks.append(Check("disk", not low, f"{human(free)} free on the disk of {settings.home}",
                            f"free at least {human(MIN_FREE)}" if low else ""))
    logs = sorted((settings.home / "logs").glob("crash-*.log"))
    if logs:
        checks.append(Check("crashes", True, f"{len(logs)} crash report(s); the newest: {logs[-1]}"))
    return checks


# -- repair ---------------------------------------------------------------------------------


def repair(settings: Settings) -> RepairReport:
    """Set a damaged store aside (kept), recover its readable rows, rebuild the rest from the cache."""
    report = RepairReport()
    path = settings.db_path
    state, detail = store_state(path)
    if state == "ok":
        report.notes.append(f"the store is healthy ({detail}); nothing to repair")
        return report
    source: Path | None = None
    if state == "damaged":
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        path.rename(aside)
        for suffix in ("-wal", "-shm"):
            extra = Path(f"{path}{suffix}")
            if extra.exists():
                extra.rename(Path(f"{aside}{suffix}"))
        report.damaged = aside
        source = aside if aside.is_file() else None
        report.notes.append(f"the damaged store was moved to {aside} and is kept; delete it yourself when satisfied")
    with Store(path) as store:
        if source is not None:
            report.recovered = _salvage(source, store)
        _rebuild_from_cache(settings, store, report)
        from paperbrief.search import refresh_index

        refresh_index(store, full=True)
        missing = store.query(
            "SELECT count(*) FROM listings l WHERE NOT EXISTS "
            "(SELECT 1 FROM reports r WHERE r.arxiv_id = l.arxiv_id AND r.failed = 0)"
        )[0][0]
    if missing:
        report.notes.append(f"{missing} listed papers have no report; `paperbrief run --date DAY` writes them "
                            "(documents come from the store or the cache, reports cost LLM calls)")
    return report


def _salvage(source: Path, store: Store) -> dict[str, int]:
    """Copy every row still readable in the damaged file `source` into `store` (INSERT OR IGNORE)."""
    recovered: dict[str, int] = {}
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return recovered
    tables = [r["name"] for r in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid")]
    try:
        for table in (t for t in tables if not t.startswith(NOT_COPIED)):  # in creation order: referenced first
            cols = [r["name"] for r in store.query(f"PRAGMA table_info({table})")]
            try:
                have = {r[1] for r in src.execute(f"PRAGMA table_info({table})")}
            except sqlite3.Error:
                continue
            common = [c for c in cols if c in have]
            if not common:
                continue
            recovered[table] = _copy_rows(src, store, table, common)
    finally:
        src.close()
    return recovered


def _copy_rows(src: sqlite3.Connection, store: Store, table: str, cols: list[str]) -> int:
    """Rows of `table` read in rowid order; a damaged page is skipped by stepping past it."""
    names = ", ".join(cols)
    insert = f"INSERT OR IGNORE INTO {table} ({names}) VALUES ({', '.join('?' for _ in cols)})"
    copied = 0
    last = -(2**63)
    step = 1
    failures = 0
    with store.transaction() as dst:
        while failures < 200:
            try:
                for row in src.execute(f"SELECT rowid, {names} FROM {table} WHERE rowid > ? ORDER BY rowid", (last,)):
                    last = row[0]
                    step = 1
                    try:
                        dst.execute(insert, tuple(row[1:]))
                        copied += dst.execute("SELECT changes()").fetchone()[0]
                    except sqlite3.Error:
                        pass  # a row the new schema refuses (a dangling reference): left in the damaged copy
                break
            except sqlite3.Error:
                failures += 1
                if last == -(2**63):
                    break  # the table itself can't be read
                last += step
                step *= 2
    return copied


def _offline_fetcher(settings: Settings) -> Any:
    """A Fetcher that answers from the download cache only: any request that would go out fails."""
    from paperbrief.http import Fetcher

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("offline: doctor reads the cache only", request=request)

    offline = settings.model_copy(update={"http_retries": 0, "arxiv_delay": 0.0})
    return Fetcher(offline, backoff=0.0, transport=httpx.MockTransport(refuse))


def _rebuild_from_cache(settings: Settings, store: Store, report: RepairReport) -> None:
    from paperbrief.readers import ReadError, read
    from paperbrief.readers.ids import parse_id
    from paperbrief.sources import SourceError, list_day

    _, _, _, urls = _cache_entries(settings.cache_dir)
    known_days = {d for d, _ in store.days()}
    dates = sorted({m.group(1) for u in urls if (m := _LISTING_URL.search(u))} - known_days)
    with _offline_fetcher(settings) as fetcher:
        for day in dates:
            try:
                listing = list_day(day, settings, fetcher)
            except SourceError:
                continue  # a listing whose later pages were never cached
            if listing.papers:
                store.save_listing(listing)
                report.rebuilt_days.append(day)
        ids = {r["arxiv_id"] for r in store.query("SELECT arxiv_id FROM papers")}
        for u in urls:
            m = re.search(r"/(?:html|pdf)/(.+)$", u)
            found = parse_id(m.group(1)) if m else None
            if found is not None:
                ids.add(found.id)
        have = {r["arxiv_id"] for r in store.query("SELECT DISTINCT arxiv_id FROM documents")}
        for aid in sorted(ids - have):
            listed = store.get_paper(aid)
            try:
                doc = read(aid, settings, fetcher, listed=listed, listing_fallback=False)
            except ReadError:
                continue
            if not doc.arxiv_id:
                doc.arxiv_id = aid
            store.save_document(doc)
            report.rebuilt_documents += 1

"""The SQLite store: papers, daily listings, documents, reports, LLM calls and runs.

The schema is a list of named, append-only migrations applied on open (never
edit one that has shipped; add a new one). The database runs in WAL mode and
every write is one transaction, so a crash or SIGKILL at any point leaves it
intact. Reports are keyed by a content hash of (document, prompt version,
model, language, known links): a paper already written that way is reused and
never paid for twice.

A store that can't be used (a damaged or foreign file, a directory, a full disk, a lock held
too long) raises StoreError with one line naming the file, what SQLite said and what to do
(`paperbrief doctor`), never a raw sqlite3 exception.
"""

from __future__ import annotations

import hashlib
import json
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paperbrief.disk import free_bytes, human
from paperbrief.models import (
    ArchivedPaper,
    ChosenReport,
    DayEntry,
    DayListing,
    Document,
    FailedAttempt,
    ListedPaper,
    LLMCall,
    ReportSummary,
    SiteSnapshot,
    WrittenReport,
)

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_initial",
        """
        CREATE TABLE papers (
            arxiv_id     TEXT PRIMARY KEY,
            title        TEXT NOT NULL,
            authors      TEXT NOT NULL DEFAULT '[]',   -- JSON list of names
            abstract     TEXT NOT NULL DEFAULT '',
            hf_url       TEXT NOT NULL DEFAULT '',
            github_repo  TEXT,
            project_page TEXT,
            published_at TEXT,
            keywords     TEXT NOT NULL DEFAULT '[]',
            updated_at   REAL NOT NULL
        );
        CREATE TABLE days (
            date        TEXT PRIMARY KEY,               -- YYYY-MM-DD (Hugging Face's day, UTC)
            fetched_at  REAL NOT NULL,
            paper_count INTEGER NOT NULL
        );
        CREATE TABLE listings (
            date        TEXT NOT NULL REFERENCES days(date),
            position    INTEGER NOT NULL,
            arxiv_id    TEXT NOT NULL REFERENCES papers(arxiv_id),
            upvotes     INTEGER NOT NULL DEFAULT 0,
            submitted_at TEXT,
            PRIMARY KEY (date, arxiv_id)
        );
        CREATE TABLE documents (
            hash        TEXT PRIMARY KEY,               -- sha256 of the document JSON
            arxiv_id    TEXT NOT NULL,
            source      TEXT NOT NULL,                  -- HTML | PDF | ArXiv Abs
            body        TEXT NOT NULL,                  -- Document JSON
            created_at  REAL NOT NULL
        );
        CREATE INDEX documents_by_paper ON documents(arxiv_id, created_at);
        CREATE TABLE reports (
            key            TEXT PRIMARY KEY,            -- hash of (document, prompt version, model, lang, links)
            arxiv_id       TEXT NOT NULL,
            doc_hash       TEXT NOT NULL,
            lang           TEXT NOT NULL,
            model          TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            writer         TEXT NOT NULL,
            failed         INTEGER NOT NULL,
            error          TEXT,
            body           TEXT NOT NULL,               -- WrittenReport JSON
            created_at     REAL NOT NULL
        );
        CREATE INDEX reports_by_paper ON reports(arxiv_id, lang, model, prompt_version, created_at);
        CREATE TABLE runs (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            date           TEXT NOT NULL,
            started_at     REAL NOT NULL,
            finished_at    REAL,
            status         TEXT NOT NULL,               -- running | ok | partial | failed | interrupted
            lang           TEXT NOT NULL,
            model          TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            stats          TEXT NOT NULL DEFAULT '{}'   -- JSON: counts, sources, tokens, cost, failures
        );
        CREATE TABLE llm_calls (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            run_id         INTEGER REFERENCES runs(id),
            arxiv_id       TEXT,
            model          TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            tokens_in      INTEGER NOT NULL,
            tokens_out     INTEGER NOT NULL,
            latency_s      REAL NOT NULL,
            outcome        TEXT NOT NULL,
            error          TEXT,
            cost_usd       REAL,
            created_at     REAL NOT NULL
        );
        CREATE INDEX llm_calls_by_run ON llm_calls(run_id);
        """,
    ),
    (
        # Full-text search (paperbrief.search): the FTS5 index of every paper and its newest
        # successful report per language, with CJK runs indexed as overlapping bigrams.
        "002_search",
        """
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, authors, abstract, domain, contribution, usage, innovations, results,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE TABLE search_docs (
            id          INTEGER PRIMARY KEY,        -- the search_fts rowid of this document
            arxiv_id    TEXT NOT NULL,
            lang        TEXT NOT NULL,              -- the report's language, '' for a paper with no report
            date        TEXT,                       -- the paper's latest listing date
            domain      TEXT NOT NULL DEFAULT '',
            report_key  TEXT,
            signature   TEXT NOT NULL,              -- what was indexed, to skip unchanged documents
            UNIQUE (arxiv_id, lang)
        );
        CREATE INDEX search_docs_by_date ON search_docs(date);
        CREATE TABLE search_state (name TEXT PRIMARY KEY, value REAL NOT NULL);
        CREATE INDEX reports_by_created ON reports(created_at);
        CREATE INDEX papers_by_updated ON papers(updated_at);
        """,
    ),
    (
        # The typed outcome of a paper: why it failed (a kind from models.FailureKind and a
        # detail) and where its text came from (models.Provenance), as columns; `error` stays
        # for older readers. Rows stored before are filled in by `_backfill_outcome`.
        "003_outcome",
        """
        ALTER TABLE reports ADD COLUMN failure_kind TEXT;
        ALTER TABLE reports ADD COLUMN failure_detail TEXT;
        ALTER TABLE reports ADD COLUMN provenance TEXT NOT NULL DEFAULT 'arxiv_html';
        CREATE INDEX reports_by_failure ON reports(failure_kind) WHERE failure_kind IS NOT NULL;
        """,
    ),
    (
        # Interests (paperbrief.rank): embeddings computed once per text and model, each paper's
        # relevance to the reader's interests; LLM-written day overviews and digest syntheses
        # (paid once, reused); and the digests themselves (week and month).
        "005_interests",
        """
        CREATE TABLE embeddings (
            model       TEXT NOT NULL,
            text_hash   TEXT NOT NULL,              -- sha256 of the embedded text (title + abstract)
            arxiv_id    TEXT,                       -- the paper, when the text is one's
            dim         INTEGER NOT NULL,
            vector      BLOB NOT NULL,              -- float32, little-endian
            created_at  REAL NOT NULL,
            PRIMARY KEY (model, text_hash)
        );
        CREATE TABLE relevance (
            arxiv_id    TEXT NOT NULL,
            lang        TEXT NOT NULL,              -- relevance counts the report in this language
            profile     TEXT NOT NULL,              -- fingerprint of the interests it was computed for
            score       REAL NOT NULL,              -- 0..1
            matched     TEXT NOT NULL,              -- JSON list: what matched, and where
            method      TEXT NOT NULL,              -- library similarity: tfidf | bm25 | embedding:<model> | ''
            computed_at REAL NOT NULL,
            PRIMARY KEY (arxiv_id, lang)
        );
        CREATE TABLE generated (
            key            TEXT PRIMARY KEY,        -- hash of (kind, subject, lang, model, prompt, inputs)
            kind           TEXT NOT NULL,           -- overview | digest
            subject        TEXT NOT NULL,           -- the day (YYYY-MM-DD) or period (2026-W06, 2026-02)
            lang           TEXT NOT NULL,
            model          TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            body           TEXT NOT NULL,           -- JSON
            created_at     REAL NOT NULL
        );
        CREATE INDEX generated_by_subject ON generated(kind, subject, lang, created_at);
        CREATE TABLE digests (
            period      TEXT NOT NULL,              -- 2026-W06 or 2026-02
            lang        TEXT NOT NULL,
            body        TEXT NOT NULL,              -- the digest JSON
            created_at  REAL NOT NULL,
            PRIMARY KEY (period, lang)
        );
        CREATE INDEX listings_by_paper ON listings(arxiv_id, date);
        """,
    ),
    (
        # Delivery ledger (paperbrief.deliver): one row per attempt to send a day in a language to a
        # target. Targets are stored as a hash and a masked label: webhook URLs carry tokens.
        "004_deliveries",
        """
        CREATE TABLE deliveries (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            date         TEXT NOT NULL,
            lang         TEXT NOT NULL,
            target_id    TEXT NOT NULL,             -- kind:sha256 of the URL, or mailto:address
            target_label TEXT NOT NULL,             -- the target with its secrets masked
            kind         TEXT NOT NULL,
            status       TEXT NOT NULL,             -- sending | delivered | failed
            content_hash TEXT NOT NULL,             -- the day's papers and reports as sent
            parts_hash   TEXT NOT NULL,             -- the messages as built, to resume after a crash
            parts_total  INTEGER NOT NULL,
            parts_sent   INTEGER NOT NULL DEFAULT 0,
            message_ids  TEXT NOT NULL DEFAULT '[]',
            papers       INTEGER NOT NULL,
            updated      INTEGER NOT NULL DEFAULT 0, -- 1 when sent again because the day changed
            error        TEXT,
            pid          INTEGER NOT NULL,
            started_at   REAL NOT NULL,
            updated_at   REAL NOT NULL,
            finished_at  REAL
        );
        CREATE INDEX deliveries_by_target ON deliveries(date, lang, target_id, id);
        """,
    ),
    (
        # LLM usage: the prompt tokens an endpoint served from its prefix cache (cheaper; the
        # system prompt is the same for every paper), per call.
        "007_llm_usage",
        """
        ALTER TABLE llm_calls ADD COLUMN cached_tokens INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        # Claims (paperbrief.claims): a run claims a report before it asks the LLM, so two runs of
        # one day never pay twice; runs record their process and heartbeat, so a killed run shows
        # as interrupted and its claims lapse. Papers whose arXiv HTML/PDF failed transiently are
        # read again by the next run instead of keeping the fallback for good.
        "006_claims",
        """
        CREATE TABLE claims (
            key         TEXT PRIMARY KEY,           -- the report key being written
            arxiv_id    TEXT NOT NULL,
            run_id      INTEGER,
            owner       TEXT NOT NULL,              -- host:pid:run of the process holding it
            claimed_at  REAL NOT NULL,
            expires_at  REAL NOT NULL               -- renewed by the run's heartbeat
        );
        CREATE INDEX claims_by_owner ON claims(owner);
        ALTER TABLE runs ADD COLUMN owner TEXT;     -- host:pid:run of the process running it
        ALTER TABLE runs ADD COLUMN heartbeat_at REAL;
        CREATE TABLE rereads (
            arxiv_id    TEXT PRIMARY KEY,           -- read from arXiv again by the next run
            reason      TEXT NOT NULL,              -- the transient failure that made it fall back
            created_at  REAL NOT NULL
        );
        """,
    ),
    (
        # Delivery of weekly and monthly digests (`paperbrief send --week/--month`) through the same ledger:
        # `scope` says what a row's `date` holds, the day (YYYY-MM-DD) or the period's key (2026-W06 for a
        # week, 2026-02 for a month). Rows written before are days.
        "008_period_deliveries",
        """
        ALTER TABLE deliveries ADD COLUMN scope TEXT NOT NULL DEFAULT 'day';
        """,
    ),
    (
        # Claims on every kind of paid call (paperbrief.claims), not only a paper's report: a day's LLM
        # overview, a digest's themes, a text's embedding. `subject` (formerly `arxiv_id`) names what
        # the claimed key is about: the paper, the day, the period, or the embedding model.
        "009_claims_any",
        """
        ALTER TABLE claims RENAME COLUMN arxiv_id TO subject;
        ALTER TABLE claims ADD COLUMN kind TEXT NOT NULL DEFAULT 'report';  -- report | overview | digest | embedding
        """,
    ),
    (
        # What an LLM call made outside a run was for, so it can be counted: `digest:<period>:<lang>` for a
        # digest's themes (`paperbrief digest`; e.g. digest:2026-W06:zh). Calls of a run have its run_id.
        "010_call_subject",
        """
        ALTER TABLE llm_calls ADD COLUMN subject TEXT;
        CREATE INDEX llm_calls_by_subject ON llm_calls(subject) WHERE subject IS NOT NULL;
        """,
    ),
    (
        # The day's files as a run wrote them (Store.save_day_order): its papers in their order, which have a
        # block and which are only listed (--top), with the relevance the files show. `render` and `send` rebuild
        # the day from this instead of ranking it again offline (which can choose other papers).
        "011_day_order",
        """
        CREATE TABLE day_order (
            run_id      INTEGER NOT NULL REFERENCES runs(id),
            position    INTEGER NOT NULL,           -- 0-based: the order of the day's files
            arxiv_id    TEXT NOT NULL,
            shown       INTEGER NOT NULL,           -- 1: a block in the day's files, 0: listed under `others`
            score       REAL,                       -- relevance as the files show it, NULL without interests
            matched     TEXT,                       -- JSON list, as in `relevance`
            method      TEXT,                       -- tfidf | embedding:<model> | '', NULL without interests
            PRIMARY KEY (run_id, position)
        );
        """,
    ),
]


def content_hash(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


def document_hash(doc: Document) -> str:
    return content_hash(doc.model_dump_json())


def report_key(doc_hash: str, prompt_version: str, model: str, lang: str, known_links: Sequence[str] = ()) -> str:
    return content_hash(doc_hash, prompt_version, model, lang, *sorted(known_links))


# The report a paper's pages on the website show: successful first, then in the site's
# language, then newest. `fields` adds columns read out of the report's JSON by SQLite.
_CHOSEN_REPORTS = (
    "SELECT r.arxiv_id, r.key, r.lang, r.failed, r.created_at{fields} FROM ("
    " SELECT rowid AS rid, row_number() OVER ("
    "  PARTITION BY arxiv_id ORDER BY failed ASC, (lang = ?) DESC, created_at DESC, rowid DESC) AS rn"
    " FROM reports) w JOIN reports r ON r.rowid = w.rid WHERE w.rn = 1"
)
_SUMMARY_FIELDS = (
    ", json_extract(r.body, '$.report.domain') AS domain"
    ", json_extract(r.body, '$.report.contribution') AS contribution"
    ", (SELECT group_concat(json_extract(value, '$.name'), ' ')"
    "   FROM json_each(r.body, '$.report.innovations')) AS innovation_names"
    ", (SELECT group_concat(json_extract(value, '$.label') || ' ' || json_extract(value, '$.text'), ' ')"
    "   FROM json_each(r.body, '$.report.results')) AS results"
)


def _set_wal(conn: sqlite3.Connection, wait_s: float = 30.0) -> None:
    """Switch to WAL. While another process creates or migrates the same new store, SQLite may answer
    "database is locked" here at once, without waiting on busy_timeout: wait and ask again."""
    deadline = time.monotonic() + wait_s
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if ("locked" not in str(e) and "busy" not in str(e)) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@dataclass
class StoredReport:
    key: str
    arxiv_id: str
    written: WrittenReport
    created_at: float


@dataclass
class StoredPaper:
    """A paper as stored, with what the search index keeps of it."""

    paper: ListedPaper  # its row (upvotes and submission time belong to a listing: 0 and None here)
    updated_at: float  # when its row last changed
    last_listed: str | None  # the newest day it was listed on
    reports: list[StoredReport]  # its newest successful report in each language


@dataclass
class OrderedPaper:
    """One paper of a day as a run wrote the day's files (migration 011_day_order), in their order."""

    arxiv_id: str
    shown: bool  # a block in the day's files (else only listed under the others)
    score: float | None = None  # relevance as the files show it; None without interests
    matched: list[dict[str, Any]] | None = None  # the relevance's matches, as `rank.Match.to_json` writes them
    method: str | None = None  # tfidf | embedding:<model> | ''; None without interests


@dataclass
class RunRecord:
    id: int
    date: str
    started_at: float
    finished_at: float | None
    status: str  # "running" only while the run's process lives; a killed run shows "interrupted"
    lang: str
    model: str
    prompt_version: str
    stats: dict[str, Any]
    owner: str | None = None  # host:pid:run


class StoreError(Exception):
    """The store can't be used; the message is one line: the file, what happened, what to do.

    `kind` is "damaged" (not a database, malformed, a directory), "full" (no room to write),
    "io" (the disk failed a read or write), "locked" (another process held it too long) or
    "unreadable" (permissions, a missing folder).
    """

    def __init__(self, message: str, *, path: Path, kind: str) -> None:
        super().__init__(message)
        self.path = path
        self.kind = kind


def store_error(error: BaseException, path: Path) -> StoreError:
    """Our StoreError for a sqlite3 or OS error met while using the store at `path`."""
    text = str(error) or type(error).__name__
    low = text.lower()
    if "disk is full" in low or getattr(error, "errno", None) in (28, 122):
        free = free_bytes(path)
        size = sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.is_file())
        need = max(16 * 1024 * 1024, size // 10)
        return StoreError(
            f"cannot write the store {path}: the disk is full ({human(free) if free is not None else 'unknown'} free; "
            f"the store is {human(size)} and needs room to grow, free at least {human(need)}). Nothing stored was "
            "lost; free some space and run the same command again",
            path=path, kind="full")
    if "disk i/o error" in low:
        free = free_bytes(path)
        return StoreError(
            f"cannot read or write the store {path}: disk I/O error ({human(free) if free is not None else 'unknown'} "
            "free); check the disk and free space, then run the same command again (`paperbrief doctor` checks the "
            "store)", path=path, kind="full" if free is not None and free < 16 * 1024 * 1024 else "io")
    if "locked" in low or "busy" in low:
        return StoreError(
            f"the store {path} is locked by another paperbrief process ({text}); wait for it to finish, "
            "or find it with `paperbrief runs`", path=path, kind="locked")
    if "unable to open" in low or isinstance(error, OSError):
        if path.is_dir():
            return _damaged(path, "it is a directory, not a database file")
        return StoreError(
            f"cannot open the store {path} ({text}); check that its folder exists and is writable "
            "(PAPERBRIEF_HOME)", path=path, kind="unreadable")
    return _damaged(path, text)


def _damaged(path: Path, what: str) -> StoreError:
    return StoreError(
        f"the store {path} is damaged: {what} (integrity check: {integrity_summary(path)}). Nothing was changed; "
        "run `paperbrief doctor` for details, or `paperbrief doctor --repair` to set the file aside (it is kept) "
        "and rebuild what the download cache holds",
        path=path, kind="damaged")


def integrity_summary(path: Path) -> str:
    """The first line of `PRAGMA integrity_check` on the file (read-only), or why it can't run."""
    if path.is_dir():
        return "not a file"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            rows = conn.execute("PRAGMA integrity_check(5)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as e:
        return f"cannot run ({e})"
    lines = [line.strip() for r in rows for line in str(r[0]).splitlines() if line.strip()]
    if lines == ["ok"]:
        return "ok"
    return "; ".join(lines)[:300]


_PASS_THROUGH = (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


class Store:
    """A paperbrief database file. Thread-safe: one connection, one lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        memory = str(path) == ":memory:"
        try:
            if not memory:
                if self.path.is_dir():
                    raise StoreError("", path=self.path, kind="damaged")
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30, isolation_level=None)
        except StoreError:
            raise _damaged(self.path, "it is a directory, not a database file") from None
        except (sqlite3.Error, OSError) as e:
            raise store_error(e, self.path) from None
        try:
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA busy_timeout=30000")  # first: another process may be creating this store
            _set_wal(self.conn)
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.migrate()
        except BaseException as e:
            self.conn.close()
            if isinstance(e, sqlite3.Error) and not isinstance(e, _PASS_THROUGH):
                raise store_error(e, self.path) from None
            raise

    # -- plumbing -------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT, ROLLBACK on error)."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except _PASS_THROUGH:
                raise
            except sqlite3.Error as e:
                raise store_error(e, self.path) from None
            try:
                yield self.conn
            except BaseException as e:
                with suppress(sqlite3.Error):  # SQLite may have rolled back already (a full disk, a damaged page)
                    self.conn.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error) and not isinstance(e, _PASS_THROUGH):
                    raise store_error(e, self.path) from None
                raise
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as e:
                with suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                raise store_error(e, self.path) from None

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except _PASS_THROUGH:
                raise
            except sqlite3.Error as e:
                raise store_error(e, self.path) from None

    def migrate(self) -> list[str]:
        """Apply the migrations not yet applied, each in its own transaction. Returns their names."""
        with self._lock:
            try:
                self.conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at REAL NOT NULL)"
                )
                done = {r[0] for r in self.conn.execute("SELECT name FROM schema_migrations")}
            except sqlite3.Error as e:
                raise store_error(e, self.path) from None
            applied = []
            for name, sql in MIGRATIONS:
                if name in done:
                    continue
                with self.transaction() as c:
                    # Two processes opening a new or older store at once both saw this migration as
                    # missing; the write lock is ours now, so ask again (the other may have applied it).
                    if c.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                        continue
                    for statement in _split_sql(sql):
                        c.execute(statement)
                    backfill = _BACKFILLS.get(name)
                    if backfill is not None:
                        backfill(c)
                    c.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, time.time()))
                applied.append(name)
            return applied

    @property
    def data_version(self) -> float:
        """When anything that the site shows last changed (newest report, listing or run)."""
        row = self.query(
            "SELECT max(t) FROM (SELECT max(created_at) t FROM reports UNION ALL "
            "SELECT max(fetched_at) FROM days UNION ALL SELECT max(coalesce(finished_at, started_at)) FROM runs)"
        )
        return row[0][0] or 0.0

    # -- papers and listings --------------------------------------------------

    def save_listing(self, listing: DayListing) -> None:
        """Store a day's listing (replacing an older one of the same day) and its papers."""
        now = time.time()
        with self.transaction() as c:
            for p in listing.papers:
                _upsert_paper(c, p, now)
            c.execute(
                "INSERT INTO days(date, fetched_at, paper_count) VALUES (?, ?, ?) "
                "ON CONFLICT(date) DO UPDATE SET fetched_at=excluded.fetched_at, paper_count=excluded.paper_count",
                (listing.date, now, len(listing.papers)),
            )
            c.execute("DELETE FROM listings WHERE date = ?", (listing.date,))
            c.executemany(
                "INSERT INTO listings(date, position, arxiv_id, upvotes, submitted_at) VALUES (?, ?, ?, ?, ?)",
                [(listing.date, i, p.arxiv_id, p.upvotes, p.submitted_at) for i, p in enumerate(listing.papers)],
            )

    def get_listing(self, date: str) -> DayListing | None:
        """The stored listing of a day, in listing order, or None if the day was never listed."""
        if not self.query("SELECT 1 FROM days WHERE date = ?", (date,)):
            return None
        rows = self.query(
            "SELECT p.*, l.upvotes AS l_upvotes, l.submitted_at AS l_submitted FROM listings l "
            "JOIN papers p USING (arxiv_id) WHERE l.date = ? ORDER BY l.position",
            (date,),
        )
        return DayListing(date=date, papers=[_paper_from_row(r) for r in rows])

    def get_paper(self, arxiv_id: str) -> ListedPaper | None:
        rows = self.query("SELECT *, NULL AS l_upvotes, NULL AS l_submitted FROM papers WHERE arxiv_id = ?", (arxiv_id,))
        return _paper_from_row(rows[0]) if rows else None

    def days(self) -> list[tuple[str, int]]:
        """Every listed day, newest first, with its paper count."""
        return [(r["date"], r["paper_count"]) for r in self.query("SELECT date, paper_count FROM days ORDER BY date DESC")]

    # -- documents ------------------------------------------------------------

    def save_document(self, doc: Document) -> str:
        """Store a document (idempotent: same content, same hash) and return its hash."""
        body = doc.model_dump_json()
        h = content_hash(body)
        with self.transaction() as c:
            c.execute(
                "INSERT OR IGNORE INTO documents(hash, arxiv_id, source, body, created_at) VALUES (?, ?, ?, ?, ?)",
                (h, doc.arxiv_id or "", doc.source, body, time.time()),
            )
        return h

    def latest_document(self, arxiv_id: str) -> tuple[str, Document] | None:
        rows = self.query(
            "SELECT hash, body FROM documents WHERE arxiv_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (arxiv_id,),
        )
        if not rows:
            return None
        return rows[0]["hash"], Document.model_validate_json(rows[0]["body"])

    # -- reports --------------------------------------------------------------

    def save_report(self, key: str, doc_hash: str, written: WrittenReport) -> None:
        """Store a written (or failed) report under its content key, replacing a previous one.

        A failed attempt never replaces a successful report of the same key (a `--force` rerun whose
        endpoint fails must not lose the good report): it is stored beside it, under `failed:<key>`,
        so the day can say which report was kept and why."""
        with self.transaction() as c:
            failure = written.failure
            if written.failed and c.execute("SELECT 1 FROM reports WHERE key = ? AND failed = 0", (key,)).fetchone():
                key = "failed:" + key
            c.execute(
                "INSERT INTO reports(key, arxiv_id, doc_hash, lang, model, prompt_version, writer, failed, error, "
                "failure_kind, failure_detail, provenance, body, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET "
                "failed=excluded.failed, error=excluded.error, failure_kind=excluded.failure_kind, "
                "failure_detail=excluded.failure_detail, provenance=excluded.provenance, body=excluded.body, "
                "created_at=excluded.created_at",
                (
                    key,
                    written.arxiv_id or "",
                    doc_hash,
                    written.lang,
                    written.model,
                    written.prompt_version,
                    written.writer,
                    int(written.failed),
                    written.error if written.failed else None,
                    failure.kind if failure else None,
                    failure.detail if failure else None,
                    written.provenance,
                    written.model_dump_json(),
                    time.time(),
                ),
            )

    def get_report(self, key: str, *, include_failed: bool = False) -> StoredReport | None:
        rows = self.query("SELECT * FROM reports WHERE key = ?", (key,))
        if not rows or (rows[0]["failed"] and not include_failed):
            return None
        return _report_from_row(rows[0])

    def reports_of_document(self, doc_hash: str, lang: str, model: str) -> list[StoredReport]:
        """The successful reports written from a document in a language by a model, newest first."""
        rows = self.query(
            "SELECT * FROM reports WHERE doc_hash = ? AND lang = ? AND model = ? AND failed = 0 "
            "ORDER BY created_at DESC, rowid DESC",
            (doc_hash, lang, model),
        )
        return [_report_from_row(r) for r in rows]

    def day_entries(self, date: str, lang: str) -> list[DayEntry] | None:
        """The papers of a listed day, in listing order, each with its report in `lang` (successful
        first, then newest) and, when the newest attempt failed after it, that attempt; papers with
        no report in `lang` are left out. None if never listed."""
        if not self.query("SELECT 1 FROM days WHERE date = ?", (date,)):
            return None
        ranked = ("(SELECT key, arxiv_id, body, failed, row_number() OVER (PARTITION BY arxiv_id ORDER BY {order}) "
                  "AS rn FROM reports WHERE lang = ?)")
        rows = self.query(
            "SELECT p.*, l.upvotes AS l_upvotes, l.submitted_at AS l_submitted, r.body AS report_body, "
            "CASE WHEN n.key != r.key AND n.failed AND NOT r.failed THEN n.body END AS failed_attempt_body "
            "FROM listings l JOIN papers p USING (arxiv_id) "
            f"JOIN {ranked.format(order='failed ASC, created_at DESC, rowid DESC')} r "
            "  ON r.arxiv_id = l.arxiv_id AND r.rn = 1 "
            f"JOIN {ranked.format(order='created_at DESC, rowid DESC')} n ON n.arxiv_id = l.arxiv_id AND n.rn = 1 "
            "WHERE l.date = ? ORDER BY l.position",
            (lang, lang, date),
        )
        return [DayEntry(paper=_paper_from_row(r), written=WrittenReport.model_validate_json(r["report_body"]),
                         failed_attempt=WrittenReport.model_validate_json(r["failed_attempt_body"])
                         if r["failed_attempt_body"] else None)
                for r in rows]

    def latest_report(self, arxiv_id: str, *, lang: str | None = None) -> StoredReport | None:
        """The newest report of a paper (successful ones first), in a language if given."""
        sql = "SELECT * FROM reports WHERE arxiv_id = ?"
        params: list[Any] = [arxiv_id]
        if lang:
            sql += " AND lang = ?"
            params.append(lang)
        rows = self.query(sql + " ORDER BY failed ASC, created_at DESC LIMIT 1", params)
        return _report_from_row(rows[0]) if rows else None

    # -- the archive as the website shows it ----------------------------------

    def site_snapshot(self, lang: str) -> SiteSnapshot:
        """Every stored day and listed paper, each paper with the report its pages show in `lang`
        (successful first, then in `lang`, then newest), its listing dates and newest upvotes."""
        attempts = self._failed_attempts(lang)
        chosen = {r["arxiv_id"]: ChosenReport(r["key"], r["lang"], bool(r["failed"]), r["created_at"],
                                              _shown_instead(r, attempts.get(r["arxiv_id"])))
                  for r in self.query(_CHOSEN_REPORTS.format(fields=""), (lang,))}
        rows: dict[str, sqlite3.Row] = {}
        dates: dict[str, list[str]] = {}
        days: dict[str, list[str]] = {}
        for r in self.query(
            "SELECT l.date, l.upvotes AS l_upvotes, p.arxiv_id, p.title, p.authors, p.abstract, p.hf_url, "
            "p.github_repo, p.project_page FROM listings l JOIN papers p ON p.arxiv_id = l.arxiv_id "
            "ORDER BY l.date DESC, l.position"
        ):
            pid = r["arxiv_id"]
            if pid not in rows:
                rows[pid], dates[pid] = r, []
            dates[pid].append(r["date"])
            days.setdefault(r["date"], []).append(pid)
        fetched = {r["date"]: r["fetched_at"] for r in self.query("SELECT date, fetched_at FROM days")}
        papers = {
            pid: ArchivedPaper(pid, r["title"], tuple(json.loads(r["authors"] or "[]")), r["abstract"], r["hf_url"],
                               r["github_repo"], r["project_page"], r["l_upvotes"] or 0, tuple(dates[pid]),
                               chosen.get(pid))
            for pid, r in rows.items()
        }
        return SiteSnapshot(lang, papers, {d: tuple(days.get(d, ())) for d in [*days, *(d for d in fetched if d not in days)]},
                            fetched)

    def _failed_attempts(self, lang: str) -> dict[str, FailedAttempt]:
        """Each paper's newest report in `lang` (as `day_entries` orders them), when it failed. Only papers with
        a failed report in `lang` are ranked: in a large archive they are few."""
        return {r["arxiv_id"]: FailedAttempt(r["key"], r["created_at"]) for r in self.query(
            "SELECT arxiv_id, key, created_at FROM ("
            " SELECT arxiv_id, key, failed, created_at, row_number() OVER ("
            "  PARTITION BY arxiv_id ORDER BY created_at DESC, rowid DESC) AS rn"
            " FROM reports WHERE lang = ? AND arxiv_id IN (SELECT arxiv_id FROM reports WHERE failed AND lang = ?)"
            ") WHERE rn = 1 AND failed", (lang, lang))}

    def report_summaries(self, lang: str) -> dict[str, ReportSummary]:
        """The summary of each paper's chosen report (as in `site_snapshot`), by arXiv id. SQLite reads the
        few fields out of the stored JSON, so a large archive's report bodies are not parsed in Python."""
        return {r["arxiv_id"]: ReportSummary(r["domain"] or "", r["contribution"] or "", r["innovation_names"] or "",
                                             r["results"] or "")
                for r in self.query(_CHOSEN_REPORTS.format(fields=_SUMMARY_FIELDS), (lang,)) if not r["failed"]}

    def written_reports(self, keys: Iterable[str]) -> dict[str, WrittenReport]:
        """The stored reports with these keys, by key."""
        keys = list(keys)
        found: dict[str, WrittenReport] = {}
        for i in range(0, len(keys), 500):
            batch = keys[i : i + 500]
            for r in self.query(f"SELECT key, body FROM reports WHERE key IN ({','.join('?' * len(batch))})", batch):
                found[r["key"]] = WrittenReport.model_validate_json(r["body"])
        return found

    # -- what changed, for the search index ----------------------------------

    def change_marks(self) -> dict[str, float]:
        """The newest time stamped on each kind of row: "reports" (stored), "papers" (updated), "days"
        (listing fetched); a kind without rows is left out."""
        row = self.query("SELECT (SELECT max(created_at) FROM reports), (SELECT max(updated_at) FROM papers), "
                         "(SELECT max(fetched_at) FROM days)")[0]
        return {name: value for name, value in zip(("reports", "papers", "days"), row, strict=True)
                if value is not None}

    def papers_changed_since(self, marks: dict[str, float]) -> list[str]:
        """The papers with a report stored, a row updated or a listing fetched after the given marks
        (as `change_marks` returns them; a kind left out counts from the beginning)."""
        since = [marks.get(kind, -math.inf) for kind in ("reports", "papers", "days")]
        return [r["arxiv_id"] for r in self.query(
            "SELECT arxiv_id FROM reports WHERE created_at > ? UNION "
            "SELECT arxiv_id FROM papers WHERE updated_at > ? UNION "
            "SELECT l.arxiv_id FROM listings l JOIN days d ON d.date = l.date WHERE d.fetched_at > ?", since)]

    def stored_papers(self, ids: Sequence[str]) -> dict[str, StoredPaper]:
        """These papers (at most a few hundred at a time), by arXiv id; unknown ids are left out."""
        marks = ",".join("?" * len(ids))
        last = {r["arxiv_id"]: r["last"] for r in self.query(
            f"SELECT arxiv_id, max(date) AS last FROM listings WHERE arxiv_id IN ({marks}) GROUP BY arxiv_id", ids)}
        reports: dict[str, list[StoredReport]] = {}
        for r in self.query(
            "SELECT key, arxiv_id, body, created_at FROM ("
            " SELECT key, arxiv_id, body, created_at, row_number() OVER ("
            "  PARTITION BY arxiv_id, lang ORDER BY created_at DESC, rowid DESC) AS rn"
            f" FROM reports WHERE failed = 0 AND arxiv_id IN ({marks})) WHERE rn = 1",
            ids,
        ):
            reports.setdefault(r["arxiv_id"], []).append(_report_from_row(r))
        return {
            r["arxiv_id"]: StoredPaper(_paper_from_row(r), r["updated_at"], last.get(r["arxiv_id"]),
                                       reports.get(r["arxiv_id"], []))
            for r in self.query(
                f"SELECT *, NULL AS l_upvotes, NULL AS l_submitted FROM papers WHERE arxiv_id IN ({marks})", ids)
        }

    # -- runs and calls -------------------------------------------------------

    def start_run(self, date: str, lang: str, model: str, prompt_version: str, *, owner: str | None = None) -> int:
        """A new run marked running; `owner` (host:pid, see paperbrief.claims) makes it recognisable as dead."""
        now = time.time()
        with self.transaction() as c:
            cur = c.execute(
                "INSERT INTO runs(date, started_at, status, lang, model, prompt_version, heartbeat_at) "
                "VALUES (?, ?, 'running', ?, ?, ?, ?)",
                (date, now, lang, model, prompt_version, now),
            )
            assert cur.lastrowid is not None
            run_id = cur.lastrowid
            if owner is not None:
                c.execute("UPDATE runs SET owner = ? WHERE id = ?", (f"{owner}:{run_id}", run_id))
            return run_id

    def finish_run(self, run_id: int, status: str, stats: dict[str, Any]) -> None:
        with self.transaction() as c:
            c.execute(
                "UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                (time.time(), status, json.dumps(stats, ensure_ascii=False), run_id),
            )

    def save_day_order(self, run_id: int, papers: Sequence[OrderedPaper]) -> None:
        """Record the day's files as run `run_id` wrote them, replacing what it recorded before."""
        with self.transaction() as c:
            c.execute("DELETE FROM day_order WHERE run_id = ?", (run_id,))
            c.executemany(
                "INSERT INTO day_order(run_id, position, arxiv_id, shown, score, matched, method) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run_id, i, p.arxiv_id, int(p.shown), p.score,
                  None if p.matched is None else json.dumps(p.matched, ensure_ascii=False), p.method)
                 for i, p in enumerate(papers)],
            )

    def day_order(self, run_id: int) -> list[OrderedPaper]:
        """The day's files as run `run_id` recorded them (`save_day_order`), in order; [] when it recorded none."""
        rows = self.query("SELECT * FROM day_order WHERE run_id = ? ORDER BY position", (run_id,))
        return [OrderedPaper(r["arxiv_id"], bool(r["shown"]), r["score"],
                             None if r["matched"] is None else json.loads(r["matched"]), r["method"]) for r in rows]

    def runs(self, limit: int = 20, *, date: str | None = None, lang: str | None = None) -> list[RunRecord]:
        """The newest runs (of a day and a language when given); one still marked running whose process died
        (or stopped its heartbeat) is shown as interrupted."""
        from paperbrief.claims import LEASE_S, holder_alive

        where = " AND ".join(f"{name} = ?" for name, value in (("date", date), ("lang", lang)) if value is not None)
        params = [value for value in (date, lang) if value is not None]
        rows = self.query(f"SELECT * FROM runs {'WHERE ' + where if where else ''} ORDER BY id DESC LIMIT ?",
                          (*params, limit))
        records = []
        for r in rows:
            status = r["status"]
            if status == "running":
                beat = r["heartbeat_at"]
                if not holder_alive(r["owner"], beat + LEASE_S if beat is not None else None):
                    status = "interrupted"
            records.append(RunRecord(
                id=r["id"],
                date=r["date"],
                started_at=r["started_at"],
                finished_at=r["finished_at"],
                status=status,
                lang=r["lang"],
                model=r["model"],
                prompt_version=r["prompt_version"],
                stats=json.loads(r["stats"] or "{}"),
                owner=r["owner"],
            ))
        return records

    # -- papers to read again ---------------------------------------------------

    def mark_reread(self, arxiv_id: str, reason: str) -> None:
        """The next run reads this paper from arXiv again (a source failed transiently this time)."""
        with self.transaction() as c:
            c.execute("INSERT INTO rereads(arxiv_id, reason, created_at) VALUES (?, ?, ?) ON CONFLICT(arxiv_id) "
                      "DO UPDATE SET reason=excluded.reason, created_at=excluded.created_at",
                      (arxiv_id, reason, time.time()))

    def clear_reread(self, arxiv_id: str) -> None:
        with self.transaction() as c:
            c.execute("DELETE FROM rereads WHERE arxiv_id = ?", (arxiv_id,))

    def needs_reread(self, arxiv_id: str) -> bool:
        return bool(self.query("SELECT 1 FROM rereads WHERE arxiv_id = ?", (arxiv_id,)))

    def day_calls(self, date: str, lang: str, prompt_version: str) -> list[LLMCall]:
        """The LLM calls with this prompt version (e.g. "embeddings") that the runs of a day in a language made."""
        return [LLMCall(model=r["model"], prompt_version=r["prompt_version"], tokens_in=r["tokens_in"],
                        tokens_out=r["tokens_out"], cached_tokens=r["cached_tokens"], latency_s=r["latency_s"],
                        outcome=r["outcome"], error=r["error"])
                for r in self.query("SELECT * FROM llm_calls WHERE prompt_version = ? AND run_id IN "
                                    "(SELECT id FROM runs WHERE date = ? AND lang = ?) ORDER BY id",
                                    (prompt_version, date, lang))]

    def record_calls(self, run_id: int | None, arxiv_id: str | None, calls: Sequence[LLMCall],
                     cost_of: Any = None, *, subject: str | None = None) -> None:
        """Record LLM calls; `cost_of(call)` gives each call's cost in USD (or None). `subject` says what
        calls made outside a run were for (migration 010_call_subject)."""
        if not calls:
            return
        now = time.time()
        with self.transaction() as c:
            c.executemany(
                "INSERT INTO llm_calls(run_id, arxiv_id, subject, model, prompt_version, tokens_in, tokens_out, "
                "cached_tokens, latency_s, outcome, error, cost_usd, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (run_id, arxiv_id, subject, k.model, k.prompt_version, k.tokens_in, k.tokens_out, k.cached_tokens,
                     k.latency_s, k.outcome, k.error, cost_of(k) if cost_of else None, now)
                    for k in calls
                ],
            )


def _backfill_outcome(c: sqlite3.Connection) -> None:
    """003_outcome: read each older report (the model converts its English error sentence and
    pipeline flags) and store its failure kind, detail and provenance as columns, and its body in
    today's shape."""
    rows = c.execute("SELECT key, body FROM reports").fetchall()
    for key, body in rows:
        written = WrittenReport.model_validate_json(body)
        failure = written.failure
        c.execute(
            "UPDATE reports SET failure_kind = ?, failure_detail = ?, provenance = ?, body = ? WHERE key = ?",
            (failure.kind if failure else None, failure.detail if failure else None, written.provenance,
             written.model_dump_json(), key),
        )


# Python steps run inside a migration's transaction, after its SQL.
_BACKFILLS: dict[str, Callable[[sqlite3.Connection], None]] = {"003_outcome": _backfill_outcome}


def _shown_instead(chosen: sqlite3.Row, attempt: FailedAttempt | None) -> FailedAttempt | None:
    """`attempt` (the newest in the site's language, failed) when the chosen report is a successful one shown
    instead: an earlier one in that language (kept), or the other language's when none in it succeeded."""
    return None if attempt is None or chosen["failed"] else attempt


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, each run in the migration's transaction (`executescript` would commit).
    A semicolon ends a statement only where SQLite's own `complete_statement` says so: not inside a comment,
    a string literal or a trigger's body."""
    out: list[str] = []
    pending = ""
    for chunk in script.split(";"):
        pending += chunk + ";"
        if not sqlite3.complete_statement(pending):
            continue
        code = [ln for ln in pending.splitlines() if ln.strip() and not ln.strip().startswith("--")]
        if code and "".join(code).strip() != ";":
            out.append(pending.strip())
        pending = ""
    if pending.strip(" \n;") and any(ln.strip() and not ln.strip().startswith("--") for ln in pending.splitlines()):
        out.append(pending.strip().removesuffix(";"))
    return out


def _upsert_paper(c: sqlite3.Connection, p: ListedPaper, now: float) -> None:
    c.execute(
        "INSERT INTO papers(arxiv_id, title, authors, abstract, hf_url, github_repo, project_page, published_at, "
        "keywords, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(arxiv_id) DO UPDATE SET "
        "title=excluded.title, authors=excluded.authors, abstract=excluded.abstract, hf_url=excluded.hf_url, "
        "github_repo=excluded.github_repo, project_page=excluded.project_page, published_at=excluded.published_at, "
        "keywords=excluded.keywords, updated_at=excluded.updated_at",
        (
            p.arxiv_id,
            p.title,
            json.dumps(p.authors, ensure_ascii=False),
            p.abstract,
            p.hf_url,
            p.github_repo,
            p.project_page,
            p.published_at,
            json.dumps(p.keywords, ensure_ascii=False),
            now,
        ),
    )


def _paper_from_row(r: sqlite3.Row) -> ListedPaper:
    return ListedPaper(
        arxiv_id=r["arxiv_id"],
        title=r["title"],
        authors=json.loads(r["authors"]),
        abstract=r["abstract"],
        upvotes=r["l_upvotes"] or 0,
        hf_url=r["hf_url"],
        github_repo=r["github_repo"],
        project_page=r["project_page"],
        published_at=r["published_at"],
        submitted_at=r["l_submitted"],
        keywords=json.loads(r["keywords"]),
    )


def _report_from_row(r: sqlite3.Row) -> StoredReport:
    return StoredReport(
        key=r["key"],
        arxiv_id=r["arxiv_id"],
        written=WrittenReport.model_validate_json(r["body"]),
        created_at=r["created_at"],
    )

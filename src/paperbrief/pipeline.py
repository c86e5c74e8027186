"""The daily run: list a day, read each paper, write its report, store it, write the day's files.

Stages overlap: one thread reads from arXiv politely (one request at a time,
with the configured delay), and every paper read is handed at once to a pool
of `jobs` writer threads, which check its numbers (`checks`), store it and
report it as soon as it is done. Every finished paper is stored in its own
transaction, so a run that is interrupted at any point resumes where it
stopped: stored documents are not read again and stored reports (same
document, prompt version, model, language and links) are never written
again. A report written with an older prompt version is kept too (and the run
says how many), never rewritten silently: `rewrite_older_prompts` (or `force`)
asks the LLM again. The day's files are rendered from the store by `render.day`.

Each paper's outcome is a `WrittenReport`: its report or a typed `failure`
(kind + detail), and its `provenance`. Decisions here read those fields, never
the wording of a message.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_all
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import date as Date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from paperbrief.checks import check_report
from paperbrief.claims import Heartbeat, owner_of, process_id, release, stored_report, wait_for
from paperbrief.config import Settings
from paperbrief.costs import Prices, cost_usd, total_cost, usage_cost
from paperbrief.dates import today_utc
from paperbrief.messages import msg
from paperbrief.models import (
    ENDPOINT_FAILURES,
    PROVENANCE_OF_SOURCE,
    DayListing,
    Document,
    Failure,
    FailureKind,
    ListedPaper,
    LLMCall,
    Provenance,
    WrittenReport,
)
from paperbrief.rank import Ranking, order, rank_day
from paperbrief.render.day import Day, apply_order, arrange, load_day, record_order, recorded_order, write_day_files
from paperbrief.store import Store, report_key


class RunError(Exception):
    """The run could not start (bad date, listing unavailable, bad configuration)."""


@dataclass
class PaperOutcome:
    paper: ListedPaper
    written: WrittenReport
    reused: bool = False
    older_prompt: bool = False  # reused a report written with an older prompt version
    read_s: float = 0.0
    write_s: float = 0.0


@dataclass
class RunResult:
    date: str
    run_id: int
    outcomes: list[PaperOutcome]
    stats: dict[str, Any]
    md_path: Path | None = None
    json_path: Path | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[PaperOutcome]:
        return [o for o in self.outcomes if o.written.failed]


class Reporter:
    """Receives progress events; the CLI shows them as a progress bar or log lines.

    `written` is called from the writer threads as each paper finishes, in any order."""

    def started(self, model: str, endpoint: str | None) -> None: ...
    def listed(self, date: str, total: int, todo: int) -> None: ...
    def read(self, paper: ListedPaper, source: str | None, seconds: float, error: str | None = None) -> None: ...
    def written(self, outcome: PaperOutcome) -> None: ...
    def message(self, text: str) -> None: ...


def endpoint_host(settings: Settings) -> str | None:
    """The LLM endpoint's host and port (no path, no credentials), for progress lines and summaries."""
    if not settings.llm_configured:
        return None
    parts = urlsplit(settings.openai_base_url or "https://api.openai.com/v1")
    if not parts.hostname:
        return None
    return parts.hostname + (f":{parts.port}" if parts.port else "")


def find_latest_day(settings: Settings, fetcher: Any, *, today: Date | None = None, look_back: int = 10) -> DayListing:
    """The most recent day (from today, UTC, backwards) whose listing has papers."""
    from paperbrief.sources import SourceError, list_day

    day = today or today_utc()
    last_error: str | None = None
    for i in range(look_back + 1):
        d = day - timedelta(days=i)
        try:
            listing = list_day(d, settings, fetcher)
        except SourceError as e:  # HF answers 400 for a day it does not have yet
            last_error = str(e)
            continue
        if listing.papers:
            return listing
    hint = f" (last error: {last_error})" if last_error else ""
    raise RunError(f"no papers listed on Hugging Face in the {look_back + 1} days up to {day}{hint}; pass --date")


def _listing_is_final(store: Store, date: str) -> bool:
    """A stored listing can be reused when it was fetched after its day had ended (UTC)."""
    rows = store.query("SELECT fetched_at FROM days WHERE date = ?", (date,))
    if not rows:
        return False
    day_end = datetime.fromisoformat(date).replace(tzinfo=UTC) + timedelta(days=1)
    return rows[0]["fetched_at"] >= day_end.timestamp()


def listing_document(paper: ListedPaper) -> Document:
    """A Document from the listing's own abstract: the last resort when arXiv can't be read."""
    return Document(
        arxiv_id=paper.arxiv_id,
        title=paper.title,
        authors=paper.authors,
        abstract=paper.abstract,
        links=paper.known_links(),
        source="ArXiv Abs",
    )


def run_day(
    settings: Settings,
    date: str | None,
    *,
    lang: str | None = None,
    force: bool = False,
    ids: Sequence[str] = (),
    limit: int | None = None,
    reporter: Reporter | None = None,
    out: Path | None = None,
    store: Store | None = None,
    rewrite_older_prompts: bool = False,
    sort: str | None = None,
    top: int | None = None,
    overview: bool = True,
) -> RunResult:
    """Run one day end to end and write its files. Raises RunError when it cannot start.

    `sort` orders the papers (listing, upvotes or relevance; default the `sort` setting); with `top`,
    only the best `top` papers by that order are written, the rest are listed in the overview.
    `overview=False` leaves out the day's overview (the bare seed shape).
    """
    from paperbrief.interests import LibraryError, check_library_files
    from paperbrief.rank import NO_INTERESTS
    from paperbrief.writer import prompt_version

    reporter = reporter or Reporter()
    sort = sort or settings.sort
    if sort == "relevance" and not settings.interests.configured:
        raise RunError(NO_INTERESTS)
    try:
        check_library_files(settings.interests.papers)
    except LibraryError as e:
        raise RunError(str(e)) from None
    lang = lang or settings.lang
    out = out or settings.out
    model = settings.model if settings.llm_configured else "extractive"
    pv = prompt_version(lang, "llm" if settings.llm_configured else "extractive")
    own_store = store is None
    store = store or Store(settings.db_path)
    fetcher = _LazyFetcher(settings)  # a rerun served from the store never opens a connection
    try:
        # 1. which papers
        listing: DayListing | None = None
        fresh = True
        if date is None:
            listing = find_latest_day(settings, fetcher())
            date = listing.date
        elif not force and _listing_is_final(store, date):
            listing = store.get_listing(date)
            fresh = False
        if listing is None:
            from paperbrief.sources import SourceError, list_day

            if settings.llm_configured:  # a day not yet listed will need writing
                warm_up_llm(settings)

            try:
                listing = list_day(date, settings, fetcher())
            except SourceError as e:
                raise RunError(str(e)) from None
        for w in listing.warnings:
            reporter.message(w)
        if fresh and (listing.papers or store.get_listing(listing.date) is None):
            store.save_listing(listing)
        papers = list(listing.papers)
        if ids:
            wanted = {i.strip() for i in ids}
            unknown = wanted - {p.arxiv_id for p in papers}
            if unknown:
                raise RunError(
                    f"not in the listing of {date}: {', '.join(sorted(unknown))}; run `paperbrief list --date {date}`"
                )
            papers = [p for p in papers if p.arxiv_id in wanted]
        if limit is not None:
            papers = papers[:limit]
        to_write = papers
        ranking = None
        # the run starts before ranking, so the embeddings it asks for are recorded under its id
        run_id = store.start_run(date, lang, model, pv, owner=process_id())
        if top is not None or sort == "relevance":
            try:
                with Heartbeat(store, owner_of(run_id), run_id):  # embedding a large day takes a while
                    ranking = _rank(settings, store, papers, lang, fetcher, reporter, run_id=run_id)
            except BaseException as e:  # its calls stay recorded under its id
                store.finish_run(run_id, "failed" if isinstance(e, RunError) else "interrupted",
                                 {"error": str(e)} if isinstance(e, RunError) else {})
                raise
            ordered = order(papers, sort, ranking.scores if ranking else None)
            to_write = ordered[:top] if top is not None else ordered

        started = time.monotonic()
        reporter.started(model, endpoint_host(settings))
        reporter.listed(date, len(listing.papers), len(to_write))
        runner = _DayRunner(settings, store, fetcher, reporter, run_id, lang, model, pv, force, rewrite_older_prompts)
        status = "interrupted"
        try:
            with Heartbeat(store, runner.owner, run_id):  # claims and liveness, see paperbrief.claims
                outcomes = runner.run(to_write)
            status = "ok" if not any(o.written.failed for o in outcomes) else "partial"
        finally:
            stats = runner.stats(time.monotonic() - started)
            stats.update(sort=sort, top=top)
            store.finish_run(run_id, status, stats)
        result = RunResult(date=date, run_id=run_id, outcomes=outcomes, stats=stats, warnings=listing.warnings)
        # relevance again, now that the reports are written (their text counts; embeddings are stored)
        shown = papers if top is not None else listing.papers  # --ids/--limit alone keep the day's other reports
        early = ranking.calls if ranking else []  # embeddings asked for before the papers were written
        ranking = _rank(settings, store, shown, lang, fetcher, reporter, run_id=run_id, quiet=True)
        embedded = [*early, *(ranking.calls if ranking else [])]
        if embedded:  # the run's totals include what the embeddings cost it
            stats.update(add_spending(stats, "embeddings", embedded, settings.prices))
            store.finish_run(run_id, status, stats)
        day = load_day(store, date, lang)
        if day is not None:
            # with --top the papers with a block are those the run chose and wrote, whatever their scores now
            arrange(day, shown, sort, top, ranking.scores if ranking else None, ranking.method if ranking else "",
                    chosen=[p.arxiv_id for p in to_write] if top is not None else None)
            record_order(store, run_id, day)  # `render` and `send` rebuild exactly this day
            if overview:
                from paperbrief.overview import day_overview

                spent: list[LLMCall] = []
                day.overview = day_overview(settings, store, day, use_llm=settings.llm_configured and
                                            runner.endpoint_failure is None, force=force, since=runner.started_at,
                                            run_id=run_id, spent=spent,
                                            on_wait=lambda holder: reporter.message(
                                                msg("claims.waiting_overview", "en", date=date, holder=holder)))
                if spent:  # the run's totals include what the overview cost it
                    stats.update(add_spending(stats, "overview", spent, settings.prices))
                    store.finish_run(run_id, status, stats)
                if day.overview.error:
                    reporter.message(f"the day's overview could not be written by the LLM ({day.overview.error}); "
                                     "the file has the statistical overview")
            try:
                result.md_path, result.json_path = write_day_files(day, out, settings.prices)
            except OSError as e:
                store.finish_run(run_id, "failed", {**stats, "error": f"could not write the day's files: {e}"})
                raise RunError(
                    f"could not write the day's files into {out} ({e.strerror or e}); the reports are stored: "
                    f"choose a writable folder and run `paperbrief render --date {date} --out DIR`"
                ) from None
        return result
    finally:
        fetcher.close()
        if own_store:
            store.close()


def add_spending(stats: dict[str, Any], name: str, calls: Sequence[LLMCall], prices: Prices) -> dict[str, Any]:
    """A run's token and cost totals with `calls` added (the overview's, the embeddings'), and their own
    figures under `name`."""
    tokens_in = sum(c.tokens_in for c in calls)
    tokens_out = sum(c.tokens_out for c in calls)
    cached = sum(c.cached_tokens for c in calls)
    cost = total_cost(usage_cost(prices, c) for c in calls)
    return {
        "tokens_in": stats["tokens_in"] + tokens_in,
        "tokens_out": stats["tokens_out"] + tokens_out,
        "tokens_cached": stats["tokens_cached"] + cached,
        "cost_usd": total_cost([stats["cost_usd"], cost]),
        name: {"tokens_in": tokens_in, "tokens_out": tokens_out, "tokens_cached": cached, "cost_usd": cost},
    }


def older_prompt_report(store: Store, doc_hash: str, pv: str, model: str, lang: str,
                        known_links: Sequence[str]) -> WrittenReport | None:
    """The newest successful report of this document, model, language and links under another prompt version."""
    for stored in store.reports_of_document(doc_hash, lang, model):
        w = stored.written
        if (w.writer == "llm" and w.prompt_version != pv and w.provenance != "listing_fallback"
                and stored.key == report_key(doc_hash, w.prompt_version, model, lang, known_links)):
            return w
    return None


def older_prompt_note(count: int) -> str:
    """The message saying how many papers kept a report written with an older prompt."""
    papers = "1 paper keeps its report" if count == 1 else f"{count} papers keep their reports"
    return (f"{papers} written with an older prompt version (not rewritten, so not paid for again); "
            f"add --rewrite-older-prompts to write them with the current prompt")


def _rank(settings: Settings, store: Store, papers: list[ListedPaper], lang: str, fetcher: _LazyFetcher,
          reporter: Reporter, *, run_id: int | None = None, quiet: bool = False) -> Ranking | None:
    """The papers' relevance to the reader's interests (None without interests); RunError for a bad library."""
    from paperbrief.interests import LibraryError

    if not settings.interests.configured:
        return None
    try:
        ranking = rank_day(settings, store, papers, lang, fetcher=fetcher(), run_id=run_id)
    except LibraryError as e:
        raise RunError(str(e)) from None
    if ranking is not None and not quiet:
        for w in ranking.warnings:
            reporter.message(w)
    return ranking


def warm_up_llm(settings: Settings) -> None:
    """Load the LLM SDK (over a second of imports) and its client in the background,
    so that it overlaps with listing and reading instead of delaying the first write."""

    def warm() -> None:
        try:
            from paperbrief.writer.llm import client_for

            client_for(settings)
        except Exception:  # the writer reports any real problem per paper
            pass

    threading.Thread(target=warm, name="llm-warm-up", daemon=True).start()


ARXIV_DOWN_AFTER = 3  # papers in a row that arXiv failed for before the run stops asking it


def endpoint_hint(failure: Failure, settings: Settings, lang: str = "en") -> str:
    """One line naming every way to fix an endpoint that refuses us or can't be reached."""
    kind = failure.kind if failure.kind in ENDPOINT_FAILURES else "endpoint_unreachable"
    fix = msg(f"hint.{kind}", lang, url=settings.endpoint_shown,
              config=settings.config_file, model=settings.model)
    return msg("hint.endpoint_stop", lang, fix=fix, detail=failure.detail)


class _LazyFetcher:
    """Creates the HTTP client on first use; calling it returns the client."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._fetcher: Any = None

    def __call__(self) -> Any:
        if self._fetcher is None:
            from paperbrief.http import Fetcher

            self._fetcher = Fetcher(self.settings)
        return self._fetcher

    def close(self) -> None:
        if self._fetcher is not None:
            self._fetcher.close()


class _DayRunner:
    """Reads papers one at a time in this thread and writes them in a pool of `jobs` threads;
    each paper is checked, stored and reported by the thread that wrote it, as it finishes."""

    def __init__(self, settings: Settings, store: Store, fetcher: _LazyFetcher, reporter: Reporter, run_id: int,
                 lang: str, model: str, pv: str, force: bool, rewrite_older: bool = False) -> None:
        self.settings, self.store, self.fetcher, self.reporter = settings, store, fetcher, reporter
        self.run_id, self.lang, self.model, self.pv, self.force = run_id, lang, model, pv, force
        self.rewrite_older = rewrite_older
        self.owner = owner_of(run_id)  # this run's identity on the claims it takes
        self.started_at = time.time()
        self.arxiv_blocked: str | None = None
        self.arxiv_down: str | None = None  # set after ARXIV_DOWN_AFTER papers in a row could not be read
        self.arxiv_failures = 0
        self.endpoint_failure: Failure | None = None
        self._lock = threading.Lock()
        self.outcomes: dict[str, PaperOutcome] = {}
        self.calls_in = self.calls_out = self.calls_cached = 0
        self.cost: float | None = 0.0

    def run(self, papers: list[ListedPaper]) -> list[PaperOutcome]:
        futures: list[Future[None]] = []
        reusable = {p.arxiv_id: self._reuse(p) for p in papers}
        if self.settings.llm_configured and any(r is None for r in reusable.values()):
            warm_up_llm(self.settings)
        pool = ThreadPoolExecutor(max_workers=self.settings.jobs, thread_name_prefix="writer")
        try:
            for paper in papers:
                reused = reusable[paper.arxiv_id]
                if reused is not None:
                    self._done(reused)
                    continue
                doc, doc_hash, provenance, read_s = self._read(paper)
                if doc is None:
                    self._done(self._unread(paper, doc_hash, read_s))
                    continue
                futures.append(pool.submit(self._write, paper, doc, doc_hash, provenance, read_s))
            wait_all(futures)
            for f in futures:
                f.result()  # a bug outside the per-paper guard surfaces here
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        older = sum(1 for p in papers if self.outcomes[p.arxiv_id].older_prompt)
        if older:
            self.reporter.message(older_prompt_note(older))
        return [self.outcomes[p.arxiv_id] for p in papers]

    # -- stages ----------------------------------------------------------------

    def _key(self, paper: ListedPaper, doc_hash: str) -> str:
        return report_key(doc_hash, self.pv, self.model, self.lang, paper.known_links())

    def _reuse(self, paper: ListedPaper) -> PaperOutcome | None:
        if self.force or self.store.needs_reread(paper.arxiv_id):  # arXiv failed transiently last time
            return None
        stored_doc = self.store.latest_document(paper.arxiv_id)
        if stored_doc is None:
            return None
        stored = self.store.get_report(self._key(paper, stored_doc[0]))
        if stored is None:
            older = self._older_prompt_report(paper, stored_doc[0])
            return PaperOutcome(paper=paper, written=older, reused=True, older_prompt=True) if older else None
        if stored.written.provenance == "listing_fallback":  # arXiv failed last time: try again
            return None
        return PaperOutcome(paper=paper, written=stored.written, reused=True)

    def _older_prompt_report(self, paper: ListedPaper, doc_hash: str) -> WrittenReport | None:
        """A stored LLM report of the same document, model, language and links, written with an older prompt.

        Kept rather than paid for again, unless rewriting was asked for. Extracts cost nothing and
        are always rewritten with the current extractive writer.
        """
        if self.rewrite_older or self.model == "extractive":
            return None
        return older_prompt_report(self.store, doc_hash, self.pv, self.model, self.lang, paper.known_links())

    def _stored_document(self, paper: ListedPaper) -> tuple[str, Document] | None:
        """The stored document, unless it was only the listing's abstract because arXiv failed."""
        stored = self.store.latest_document(paper.arxiv_id)
        if stored is None or self.store.needs_reread(paper.arxiv_id):
            return None
        report = self.store.get_report(self._key(paper, stored[0]), include_failed=True)
        if report is not None and report.written.provenance == "listing_fallback":
            return None
        return stored

    def _read(self, paper: ListedPaper) -> tuple[Document | None, str, Provenance, float]:
        """The paper's document, its hash (or the error) and provenance: stored, read from arXiv,
        or the listing's abstract as a last resort."""
        from paperbrief.http import ArxivBlocked
        from paperbrief.readers import ReadError, read

        t0 = time.monotonic()
        if not self.force:
            stored = self._stored_document(paper)
            if stored is not None:
                self.reporter.read(paper, stored[1].source, 0.0)
                return stored[1], stored[0], PROVENANCE_OF_SOURCE[stored[1].source], 0.0
        doc: Document | None = None
        provenance: Provenance = "arxiv_html"
        error: str | None = None
        transient: list[str] = []  # sources that failed transiently before the one that gave the text
        if self.arxiv_blocked is None and self.arxiv_down is None:
            try:
                doc = read(paper.arxiv_id, self.settings, self.fetcher(), listed=paper, listing_fallback=False,
                           transient=transient)
                self.arxiv_failures = 0
            except ArxivBlocked as e:
                self.arxiv_blocked = str(e)
                self.reporter.message(f"{e} — the remaining papers are written from their Hugging Face abstracts")
            except ReadError as e:
                error = str(e)
            except Exception as e:  # a reader bug on one paper must not sink the day
                error = f"reader crashed: {type(e).__name__}: {e}"
            if error is not None:
                self.arxiv_failures += 1
                if self.arxiv_failures >= ARXIV_DOWN_AFTER:
                    self.arxiv_down = error
                    self.reporter.message(
                        f"arXiv failed for {self.arxiv_failures} papers in a row; not asking it again in this run "
                        f"(last error: {error})")
        if doc is not None:
            provenance = PROVENANCE_OF_SOURCE[doc.source]
        elif paper.abstract.strip():
            doc = listing_document(paper)
            provenance = "listing_fallback"
            why = error or self.arxiv_blocked or self.arxiv_down
            self.reporter.message(f"{paper.arxiv_id}: written from the Hugging Face abstract, arXiv could not be "
                                  f"read ({why}); the next run tries arXiv again")
        read_s = time.monotonic() - t0
        if doc is None:
            error = error or self.arxiv_blocked or "no text and no abstract"
            self.reporter.read(paper, None, read_s, error)
            return None, error, provenance, read_s
        if not doc.arxiv_id:
            doc.arxiv_id = paper.arxiv_id
        doc_hash = self.store.save_document(doc)
        if transient and provenance != "listing_fallback":  # e.g. the HTML answered 503: try it again next run
            self.store.mark_reread(paper.arxiv_id, "; ".join(transient))
        elif provenance != "listing_fallback":
            self.store.clear_reread(paper.arxiv_id)
        self.reporter.read(paper, doc.source, read_s)
        return doc, doc_hash, provenance, read_s

    def _failure(self, paper: ListedPaper, provenance: Provenance, kind: FailureKind, detail: str) -> WrittenReport:
        """A failed paper's outcome: no report, why, and this run's writer settings."""
        return WrittenReport(
            arxiv_id=paper.arxiv_id, provenance=provenance, lang=self.lang,  # type: ignore[arg-type]
            writer="extractive" if self.model == "extractive" else "llm", model=self.model,
            prompt_version=self.pv, failure=Failure(kind=kind, detail=detail),
        )

    def _unread(self, paper: ListedPaper, error: str, read_s: float) -> PaperOutcome:
        written = self._failure(paper, "export_abstract", "unread", error)
        self.store.save_report(report_key("unread:" + paper.arxiv_id, self.pv, self.model, self.lang), "", written)
        return PaperOutcome(paper=paper, written=written, read_s=read_s)

    def _write(self, paper: ListedPaper, doc: Document, doc_hash: str, provenance: Provenance, read_s: float) -> None:
        """Claim, write, check, store and report one paper (in a writer thread)."""
        t0 = time.monotonic()
        key = self._key(paper, doc_hash)
        stored = wait_for(self.store, key, self.owner, subject=paper.arxiv_id, run_id=self.run_id,
                          done=stored_report(key, self.started_at if self.force else 0.0),
                          on_wait=lambda holder: self.reporter.message(
                              msg("claims.waiting_report", "en", id=paper.arxiv_id, holder=holder)))
        if stored is not None:  # stored meanwhile (by another run of the day): reused, never paid twice
            self._done(PaperOutcome(paper=paper, written=stored.written, reused=True, read_s=read_s))
            return
        try:
            self._write_claimed(paper, doc, doc_hash, provenance, read_s, key, t0)
        finally:
            release(self.store, key, self.owner)

    def _write_claimed(self, paper: ListedPaper, doc: Document, doc_hash: str, provenance: Provenance, read_s: float,
                       key: str, t0: float) -> None:
        from paperbrief.writer import write_report

        if self.endpoint_failure is not None:  # the endpoint refused us: don't send 40 more doomed requests
            written = self._failure(paper, provenance, "not_sent", self.endpoint_failure.describe("en"))
        else:
            try:
                written = check_report(
                    write_report(doc, self.settings, lang=self.lang, known_links=paper.known_links()), doc)
            except Exception as e:  # a bug in one paper's writing must not sink the day
                written = self._failure(paper, provenance, "writer_crashed", f"{type(e).__name__}: {e}")
            failure = written.failure
            if failure is not None and failure.kind in ENDPOINT_FAILURES:
                with self._lock:
                    first = self.endpoint_failure is None
                    if first:
                        self.endpoint_failure = failure
                if first:
                    self.reporter.message(endpoint_hint(failure, self.settings))
        written.arxiv_id = paper.arxiv_id
        written.provenance = provenance
        self.store.save_report(key, doc_hash, written)
        price = self.settings.prices
        self.store.record_calls(self.run_id, paper.arxiv_id, written.calls,
                                cost_of=lambda c: cost_usd(price, c.model, c.tokens_in, c.tokens_out, c.cached_tokens))
        self._done(PaperOutcome(paper=paper, written=written, read_s=read_s, write_s=time.monotonic() - t0))

    def _done(self, outcome: PaperOutcome) -> None:
        with self._lock:
            self.outcomes[outcome.paper.arxiv_id] = outcome
            if not outcome.reused:
                w = outcome.written
                self.calls_in += w.tokens_in
                self.calls_out += w.tokens_out
                self.calls_cached += w.cached_tokens
                c = cost_usd(self.settings.prices, w.model, w.tokens_in, w.tokens_out, w.cached_tokens)
                self.cost = total_cost([self.cost, c])
        self.reporter.written(outcome)

    def stats(self, elapsed: float) -> dict[str, Any]:
        outs = list(self.outcomes.values())
        read = [o for o in outs if not (o.written.failure and o.written.failure.kind == "unread")]
        sources = Counter(o.written.source for o in read)
        return {
            "papers": len(outs),
            "written": sum(1 for o in outs if not o.written.failed),
            "reused": sum(1 for o in outs if o.reused),
            "older_prompt": sum(1 for o in outs if o.older_prompt),
            "failed": sum(1 for o in outs if o.written.failed),
            "sources": {s: sources.get(s, 0) for s in ("HTML", "PDF", "ArXiv Abs")},
            "tokens_in": self.calls_in,
            "tokens_out": self.calls_out,
            "tokens_cached": self.calls_cached,
            "cost_usd": self.cost,
            "elapsed_s": round(elapsed, 3),
            "model": self.model,
            "endpoint": endpoint_host(self.settings),
            "failures": [
                {"arxiv_id": o.paper.arxiv_id, "kind": o.written.failure.kind, "detail": o.written.failure.detail}
                for o in outs if o.written.failure is not None
            ],
            "arxiv_blocked": self.arxiv_blocked,
            "arxiv_down": self.arxiv_down,
            "read_fallbacks": sorted(o.paper.arxiv_id for o in outs if o.written.provenance == "listing_fallback"
                                     and not o.reused),
        }


def stored_day(settings: Settings, store: Store, date: str, lang: str, *, sort: str | None = None,
               top: int | None = None, overview: bool = True, empty_day: bool = False) -> Day | None:
    """The day as its files show it, from the store alone, with the stored overview (else the statistical one).

    Unless `sort`/`top` ask for another arrangement, exactly as the last run wrote it: the papers it
    recorded, in its order, with its relevance (migration 011_day_order), never ranked again. Otherwise,
    or for a day written before the record existed, ranked offline (stored embeddings, else TF-IDF) among
    the papers the run arranged (the listing's for an older day); with --top, the papers that have a report
    come first. None when nothing is stored in `lang`, except, with `empty_day`, a listed day that has no
    papers at all (its files say so)."""
    from paperbrief.interests import LibraryError
    from paperbrief.rank import NO_INTERESTS

    day = load_day(store, date, lang)
    if day is None or (not day.entries and not (empty_day and day.listed == 0)):
        return None
    run_sort, run_top = day.last_run.get("sort"), day.last_run.get("top")
    sort = sort or run_sort or settings.sort
    if top is None:
        top = run_top
    listing = store.get_listing(date)
    listed = {p.arxiv_id: p for p in (listing.papers if listing else [])}
    for e in day.entries:
        listed.setdefault(e.paper.arxiv_id, e.paper)
    recorded = recorded_order(store, day)
    if recorded is not None:
        for aid in recorded.others:
            if aid not in listed and (paper := store.get_paper(aid)) is not None:
                listed[aid] = paper
    if recorded is not None and (sort, top) == (run_sort, run_top):
        apply_order(day, recorded, listed, sort, top)
    elif recorded is not None and (sort != "relevance" or recorded.relevance is not None):
        ids = {*recorded.shown, *recorded.others}
        papers = [p for aid, p in listed.items() if aid in ids]
        arrange(day, papers, sort, top, recorded.relevance, recorded.method)
    else:
        if sort == "relevance" and not settings.interests.configured:
            raise RunError(NO_INTERESTS)
        papers = list(listed.values())
        try:
            ranking = rank_day(settings, store, papers, lang, offline=True)
        except LibraryError as e:
            raise RunError(str(e)) from None
        arrange(day, papers, sort, top, ranking.scores if ranking else None, ranking.method if ranking else "")
    if overview:
        from paperbrief.overview import day_overview

        day.overview = day_overview(settings, store, day, use_llm=False)  # the stored one, else statistics
    return day


def rerender(settings: Settings, date: str, *, lang: str | None = None, out: Path | None = None,
             sort: str | None = None, top: int | None = None, overview: bool = True) -> tuple[Path, Path]:
    """Rebuild a day's files from the store alone (no network, no LLM); returns their paths.

    The order and --top are the last run's unless given.
    """
    lang = lang or settings.lang
    if not settings.db_path.exists():
        raise RunError(f"no store at {settings.db_path}; run `paperbrief run --date {date}` first")
    with Store(settings.db_path) as store:
        day = stored_day(settings, store, date, lang, sort=sort, top=top, overview=overview, empty_day=True)
        if day is None:
            flag = "" if lang == "zh" else f" --lang {lang}"
            raise RunError(f"nothing stored for {date} in language {lang}; run `paperbrief run --date {date}{flag}` first")
    return write_day_files(day, out or settings.out, settings.prices)


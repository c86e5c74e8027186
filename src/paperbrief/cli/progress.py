"""How a run shows its progress: a rich live display on a terminal, plain log lines elsewhere,
and the summary table at the end.

Papers are reported as each one finishes (from the writer threads), so a terminal shows
`written` climbing while arXiv is still being read. The writer and endpoint are named at the
start and in the summary. A failure that every later paper shares (the endpoint refused the
key or the model) is explained once by the run; the papers it stops are counted, not repeated.
Everything fits an 80-column terminal.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Sequence
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from paperbrief.config import Settings
from paperbrief.costs import Prices, cost_usd, total_cost, usage_cost
from paperbrief.messages import msg
from paperbrief.models import ENDPOINT_FAILURES, ListedPaper, LLMCall
from paperbrief.pipeline import PaperOutcome, Reporter, RunResult


def writer_line(model: str, endpoint: str | None) -> str:
    """`writer: deepseek-chat at api.deepseek.com`, or the extractive writer."""
    if model == "extractive" or not endpoint:
        return "writer: extractive (no LLM endpoint)"
    return f"writer: {model} at {endpoint}"


def _quiet_failure(outcome: PaperOutcome) -> bool:
    """A paper stopped by the LLM endpoint (it refused the key or the model, or can't be reached, or
    had done so for an earlier paper): the run says why once, not once per paper."""
    f = outcome.written.failure
    return f is not None and (f.kind == "not_sent" or f.kind in ENDPOINT_FAILURES)


class LogReporter(Reporter):
    """One plain line per event, for cron, CI and pipes."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self.tokens_in = self.tokens_out = 0
        self._lock = threading.Lock()
        self.t0 = time.monotonic()

    def _line(self, text: str) -> None:
        with self._lock:
            self.stream.write(f"[{time.monotonic() - self.t0:7.1f}s] {text}\n")
            self.stream.flush()

    def started(self, model: str, endpoint: str | None) -> None:
        self._line(writer_line(model, endpoint))

    def listed(self, date: str, total: int, todo: int) -> None:
        self.total = todo
        extra = f" (running {todo})" if todo != total else ""
        self._line(f"{date}: {total} papers listed{extra}")

    def read(self, paper: ListedPaper, source: str | None, seconds: float, error: str | None = None) -> None:
        if error:
            self._line(f"read    {paper.arxiv_id}  FAILED: {error}")
        elif seconds:
            self._line(f"read    {paper.arxiv_id}  {source}  {seconds:.1f}s")

    def written(self, outcome: PaperOutcome) -> None:
        w = outcome.written
        with self._lock:
            self.done += 1
            done = self.done
            if not outcome.reused:
                self.tokens_in += w.tokens_in
                self.tokens_out += w.tokens_out
        if outcome.reused:
            state = "reused"
        elif _quiet_failure(outcome):
            state = "FAILED: the LLM endpoint refused or can't be reached (see above)"
        elif w.failure is not None:
            state = "FAILED: " + w.failure.describe("en")
        else:
            state = "written"
        self._line(f"[{done}/{self.total}] {outcome.paper.arxiv_id}  {state}")

    def message(self, text: str) -> None:
        self._line(text)


class LiveReporter(Reporter):
    """A rich progress display: read and written bars, failures and tokens so far."""

    def __init__(self, console: Console, settings: Settings) -> None:
        self.console = console
        self.settings = settings
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[extra]}"),
            console=console,
            transient=False,
        )
        self.read_task = self.progress.add_task("read ", total=None, extra="")
        self.write_task = self.progress.add_task("write", total=None, extra="")
        self.read_n = self.written_n = self.failed = self.reused = 0
        self.tokens_in = self.tokens_out = 0
        self.cost: float | None = 0.0
        self._lock = threading.Lock()

    def __enter__(self) -> LiveReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, model: str, endpoint: str | None) -> None:
        self.progress.console.print(writer_line(model, endpoint), markup=False, highlight=False)

    def listed(self, date: str, total: int, todo: int) -> None:
        self.progress.console.print(f"{date}: {total} papers listed" + (f", running {todo}" if todo != total else ""))
        self.progress.update(self.read_task, total=todo)
        self.progress.update(self.write_task, total=todo)

    def read(self, paper: ListedPaper, source: str | None, seconds: float, error: str | None = None) -> None:
        with self._lock:
            self.read_n += 1
        self.progress.update(self.read_task, advance=1, extra=f"{paper.arxiv_id} {source or 'failed'}")

    def written(self, outcome: PaperOutcome) -> None:
        w = outcome.written
        with self._lock:
            if outcome.reused:
                self.reused += 1
                self.read_n += 1
                self.progress.update(self.read_task, advance=1)
            elif w.failed:
                self.failed += 1
            else:
                self.written_n += 1
            if not outcome.reused:
                self.tokens_in += w.tokens_in
                self.tokens_out += w.tokens_out
                self.cost = total_cost([self.cost, cost_usd(self.settings.prices, w.model, w.tokens_in, w.tokens_out, w.cached_tokens)])
            cost = "" if self.cost is None else f" ${self.cost:.4f}"
            extra = (f"ok {self.written_n} reused {self.reused} failed {self.failed} "
                     f"tok {_short(self.tokens_in)}/{_short(self.tokens_out)}{cost}")
        self.progress.update(self.write_task, advance=1, extra=extra)
        if w.failure is not None and not _quiet_failure(outcome):
            self.progress.console.print(
                Text.assemble(("failed", "red"), f" {outcome.paper.arxiv_id}: {w.failure.describe('en')}"))

    def message(self, text: str) -> None:
        self.progress.console.print(text, markup=False, highlight=False)


def _short(n: int) -> str:
    """Token counts that stay short on a narrow terminal: 950, 12.3k, 1.2M."""
    if n < 1000:
        return str(n)
    if n < 1_000_000:
        return f"{n / 1000:.1f}k"
    return f"{n / 1_000_000:.1f}M"


def format_cost(cost: float | None, lang: str = "en") -> str:
    return msg("spent.cost_unknown", lang) if cost is None else f"${cost:.4f}"


def spent_line(calls: Sequence[LLMCall], prices: Prices, lang: str = "en") -> str:
    """What `calls` cost, as the run summary counts it: "tokens in / out: 1,234 / 56; estimated cost: $0.0012"."""
    cost = total_cost(usage_cost(prices, c) for c in calls)
    return msg("spent.line", lang, tokens_in=f"{sum(c.tokens_in for c in calls):,}",
               tokens_out=f"{sum(c.tokens_out for c in calls):,}", cost=format_cost(cost, lang))


def summary_table(result: RunResult) -> Table:
    """The run's summary; papers stopped by one endpoint failure share one row."""
    s = result.stats
    table = Table(title=f"paperbrief run {result.date}", show_header=False, title_justify="left")
    table.add_column("what", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    fresh = s["written"] - s["reused"]
    table.add_row("papers", f"{s['papers']}: {fresh} newly written, {s['reused']} reused, {s['failed']} failed")
    if s.get("model"):
        table.add_row("writer", writer_line(s["model"], s.get("endpoint")).removeprefix("writer: "))
    src = s["sources"]
    table.add_row("read from", f"HTML {src['HTML']} · PDF {src['PDF']} · ArXiv Abs {src['ArXiv Abs']}")
    # the overview's LLM calls and the embeddings requests, counted in the totals and shown apart
    parts = [(name, s[name]) for name in ("overview", "embeddings") if s.get(name)]
    tokens = ", ".join(f"{name} {p['tokens_in']:,} / {p['tokens_out']:,}" for name, p in parts)
    costs = ", ".join(f"{name} {format_cost(p['cost_usd'])}" for name, p in parts)
    table.add_row("tokens in / out", f"{s['tokens_in']:,} / {s['tokens_out']:,}" + (f" ({tokens})" if parts else ""))
    table.add_row("estimated cost", format_cost(s["cost_usd"]) + (f" ({costs})" if parts else ""))
    table.add_row("elapsed", f"{s['elapsed_s']:.1f}s")
    if result.md_path:
        table.add_row("files", f"{result.md_path}\n{result.json_path}")
    failed = [o for o in result.outcomes if o.written.failure is not None]
    not_sent = [o for o in failed if _quiet_failure(o)]
    for o in failed:
        if not _quiet_failure(o):
            assert o.written.failure is not None
            table.add_row(Text("failed", style="red"), f"{o.paper.arxiv_id}: {o.written.failure.describe('en')}")
    if not_sent:
        first = next((o.written.failure for o in not_sent
                      if o.written.failure and o.written.failure.kind != "not_sent"), not_sent[0].written.failure)
        why = first.describe("en") if first else ""
        table.add_row(Text("LLM endpoint", style="red"), f"{len(not_sent)} papers not written: {why}")
    return table

"""How a run shows its progress: a rich live display on a terminal, plain log lines elsewhere,
and the summary table at the end."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from paperbrief.config import Settings
from paperbrief.models import ListedPaper
from paperbrief.pipeline import PaperOutcome, Reporter, RunResult
from paperbrief.render.day import cost_usd


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
            if not outcome.reused:
                self.tokens_in += w.tokens_in
                self.tokens_out += w.tokens_out
        state = "reused" if outcome.reused else ("FAILED: " + (w.error or "") if w.failed else "written")
        self._line(f"[{self.done}/{self.total}] {outcome.paper.arxiv_id}  {state}")

    def message(self, text: str) -> None:
        self._line(text)


class LiveReporter(Reporter):
    """A rich progress display: listed, read, written, failed, tokens so far."""

    def __init__(self, console: Console, settings: Settings) -> None:
        self.console = console
        self.settings = settings
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[extra]}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        )
        self.read_task = self.progress.add_task("读取 read ", total=None, extra="")
        self.write_task = self.progress.add_task("撰写 write", total=None, extra="")
        self.read_n = self.written_n = self.failed = self.reused = 0
        self.tokens_in = self.tokens_out = 0
        self.cost: float | None = 0.0
        self._lock = threading.Lock()

    def __enter__(self) -> LiveReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

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
                c = cost_usd(self.settings.prices, w.model, w.tokens_in, w.tokens_out)
                self.cost = None if (self.cost is None or c is None) else self.cost + c
            cost = "" if self.cost is None else f"  ${self.cost:.4f}"
            extra = (f"ok {self.written_n}  reused {self.reused}  failed {self.failed}  "
                     f"tokens {self.tokens_in:,}/{self.tokens_out:,}{cost}")
        self.progress.update(self.write_task, advance=1, extra=extra)
        if w.failed:
            self.progress.console.print(Text.assemble(("failed", "red"), f" {outcome.paper.arxiv_id}: {w.error}"))

    def message(self, text: str) -> None:
        self.progress.console.print(text, markup=False)


def format_cost(cost: float | None) -> str:
    return "unknown (no price for this model)" if cost is None else f"${cost:.4f}"


def summary_table(result: RunResult) -> Table:
    s = result.stats
    table = Table(title=f"paperbrief run {result.date}", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value")
    fresh = s["written"] - s["reused"]
    table.add_row("papers", f"{s['papers']}: {fresh} newly written, {s['reused']} reused, {s['failed']} failed")
    src = s["sources"]
    table.add_row("read from", f"HTML {src['HTML']} · PDF {src['PDF']} · ArXiv Abs {src['ArXiv Abs']}")
    table.add_row("tokens in / out", f"{s['tokens_in']:,} / {s['tokens_out']:,}")
    table.add_row("estimated cost", format_cost(s["cost_usd"]))
    table.add_row("elapsed", f"{s['elapsed_s']:.1f}s")
    if result.md_path:
        table.add_row("files", f"{result.md_path}\n{result.json_path}")
    for f in s["failures"]:
        table.add_row(Text("failed", style="red"), f"{f['arxiv_id']}: {f['reason']}")
    return table

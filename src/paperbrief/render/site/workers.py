"""Rendering the day and paper pages that need it, in this process or in forked workers.

A large first build has tens of thousands of pages: from `PARALLEL_FROM` pages on they are
rendered by forked processes, each handed its share of the days and the `PageJob` as
arguments (fork shares the memory, nothing is pickled on the way in) and sending back the
paths it wrote through a pipe, while the building process makes the search index.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from paperbrief.models import SiteSnapshot, WrittenReport
from paperbrief.render import page_name
from paperbrief.render.site.day import DayPages
from paperbrief.render.site.manifest import write_file
from paperbrief.render.site.paper import PaperPages
from paperbrief.render.site.templates import environment

PARALLEL_FROM = 2000  # pages to render before worker processes are worth starting


@dataclass
class PageJob:
    """What rendering the day and paper pages needs."""

    out: Path
    L: dict[str, str]
    base_url: str
    snapshot: SiteSnapshot
    reports: dict[str, WrittenReport]  # the chosen report of every paper to render, by arXiv id
    todo_papers: set[str]
    todo_days: set[str]
    overviews: dict[str, dict[str, Any]] = field(default_factory=dict)  # day -> its overview and index
    attempts: dict[str, WrittenReport] = field(default_factory=dict)  # the failed newest attempts, by arXiv id

    def page_count(self) -> int:
        return len(self.todo_papers) + sum(len(self.snapshot.days[d]) for d in self.todo_days)


def render_days(job: PageJob, days: list[str]) -> list[str]:
    """Render and write the pages of these days that need it, and of the papers first listed on them."""
    if not days:
        return []  # nothing changed: not even the templates are loaded
    env = environment()
    snapshot = job.snapshot
    paper_pages = PaperPages(env, job.L, snapshot.lang, job.base_url, job.reports, job.attempts)
    day_pages = DayPages(env, job.L, job.base_url)
    written = []
    for d in days:
        papers = [snapshot.papers[pid] for pid in snapshot.days[d]]
        for p in papers:
            if p.arxiv_id in job.todo_papers and p.dates[0] == d:
                path = f"papers/{page_name(p.arxiv_id)}.html"
                write_file(job.out / path, paper_pages.html(p, path).encode("utf-8"))
                written.append(path)
        if d in job.todo_days:
            path = f"days/{d}.html"
            html = day_pages.html(d, papers, paper_pages, *snapshot.counts(d), path, job.overviews.get(d))
            write_file(job.out / path, html.encode("utf-8"))
            written.append(path)
    return written


class Rendering:
    """Pages being rendered: already done in this process, or under way in forked workers."""

    def __init__(self, job: PageJob, days: list[str], workers: int) -> None:
        self._workers: list[tuple[Any, Connection]] = []
        self._written: list[str] = []
        if workers > 1 and job.page_count() >= PARALLEL_FROM and "fork" in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context("fork")
            for share in split(days, job.snapshot.days, workers):
                receive, send = ctx.Pipe(duplex=False)
                process = ctx.Process(target=_work, args=(job, share, send, os.getpid()), daemon=True)
                process.start()
                send.close()
                self._workers.append((process, receive))
        else:
            self._written = render_days(job, days)

    def wait(self) -> list[str]:
        """The site paths written, once every worker has finished (a worker's error is raised here)."""
        finished = False
        try:
            for process, receive in self._workers:
                try:
                    ok, result = receive.recv()
                except EOFError:
                    process.join()
                    raise RuntimeError(f"a site worker process died (exit code {process.exitcode})") from None
                if not ok:
                    raise RuntimeError(f"a site worker failed:\n{result}")
                self._written += result
            finished = True
        finally:
            for process, receive in self._workers:
                receive.close()
                if not finished:
                    process.terminate()  # the build failed: the other workers' pages are not wanted
                process.join()
            self._workers = []
        return self._written


def _work(job: PageJob, days: list[str], send: Connection, parent: int) -> None:
    """In a forked worker: render these days' pages and send back what was written (or the error)."""
    _die_with_parent(parent)
    try:
        result: tuple[bool, Any] = (True, render_days(job, days))
    except BaseException:
        result = (False, traceback.format_exc())
    send.send(result)
    send.close()


def _die_with_parent(parent: int) -> None:
    """In a forked worker: end when the build process ends, even by kill -9 (no orphan keeps writing)."""
    import ctypes
    import signal
    import threading

    try:  # Linux: the kernel sends SIGKILL to this worker when its parent dies
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:  # elsewhere (and for the race before prctl): notice the parent is gone
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def split(days: list[str], day_papers: dict[str, tuple[str, ...]], n: int) -> list[list[str]]:
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

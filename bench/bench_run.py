"""Benchmark the daily run: the 47-paper day against the local replicas.

Runs `paperbrief run` as a child process (so its CPU time and peak memory are its
own, measured with wait4) against a replica in this process whose LLM answers
after a fixed delay. Prints two lines:

1. arXiv delay 0: wall time, the ideal ceil(47/jobs) x delay, their ratio (target <= 1.15
   at --jobs 8), CPU seconds per paper, peak memory (target < 300 MB), and the wall time
   of a fully cached rerun of the same day.
2. arXiv delay 0.2 s: wall time against max(fetch chain, writing chain) + one LLM delay,
   showing that fetching and writing overlap (target: wall <= 1.15 x max(...) + delay).

    python bench/bench_run.py [--jobs 8] [--llm-delay 1.0]
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from paperbrief.replica import Replica

DATE = "2026-02-08"
ARXIV_PATHS = ("/html/", "/pdf/", "/api/query")
STARTED = 0.0  # time.monotonic() when the last child started (the clock is system-wide)


def first_llm_request(llm) -> float:
    """Seconds from the child's start to its first LLM request: start-up and SDK import cost."""
    return min((r["at"] for r in llm.requests), default=STARTED) - STARTED


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, float, int]:
    """Run paperbrief in a child; return (wall s, cpu s, peak RSS MB, exit code)."""
    global STARTED
    STARTED = time.monotonic()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "paperbrief", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        sys.stderr.write(err.decode("utf-8", "replace")[-3000:])
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


def env_for(replica: Replica, home: Path, arxiv_delay: float) -> dict[str, str]:
    return dict(
        os.environ,
        PAPERBRIEF_HOME=str(home),
        PAPERBRIEF_CONFIG=str(home / "none.toml"),
        HF_ENDPOINT=replica.url,
        PAPERBRIEF_ARXIV_URL=replica.url,
        PAPERBRIEF_ARXIV_EXPORT_URL=replica.url + "/api/query",
        PAPERBRIEF_ARXIV_DELAY=str(arxiv_delay),
        OPENAI_BASE_URL=replica.url + "/v1",
        OPENAI_API_KEY="bench",
        PAPERBRIEF_MODEL="replica-model",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--llm-delay", type=float, default=1.0)
    parser.add_argument("--slow-arxiv-delay", type=float, default=0.2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp, Replica() as replica:
        tmpdir = Path(tmp)
        llm = replica.services["llm"]
        llm.delay = args.llm_delay
        n = len(__import__("paperbrief.replica.fixtures", fromlist=["listing"]).listing(DATE))
        ideal = math.ceil(n / args.jobs) * args.llm_delay

        # 1. arXiv delay 0
        home = tmpdir / "home0"
        home.mkdir()
        (home / "none.toml").write_text("", encoding="utf-8")
        cmd = ["run", "--date", DATE, "--jobs", str(args.jobs), "--out", str(tmpdir / "out0")]
        wall, cpu, rss, rc = run_child(cmd, env_for(replica, home, 0))
        first = first_llm_request(llm)
        import json

        in_run = json.loads((tmpdir / "out0" / f"{DATE}.json").read_text("utf-8"))["timings"]["elapsed_s"]
        replica.reset_counts()
        cached_wall, _, _, rc2 = run_child(cmd, env_for(replica, home, 0))
        cached_requests = replica.count("/")
        print(
            f"run (arXiv delay 0, jobs {args.jobs}, LLM delay {args.llm_delay}s, {n} papers): wall {wall:.2f}s, "
            f"ideal {ideal:.2f}s, ratio {wall / ideal:.3f} (target <= 1.15; inside the run, after start-up: "
            f"{in_run:.2f}s, ratio {in_run / ideal:.3f}), first LLM request at {first:.2f}s, CPU {cpu / n * 1000:.1f} ms/paper, "
            f"peak memory {rss:.0f} MB (target < 300), cached rerun {cached_wall:.2f}s with {cached_requests} "
            f"requests (target < 1s, 0 requests); exit codes {rc}/{rc2}"
        )

        # 2. arXiv delay > 0: fetching (one request at a time) and writing overlap
        home = tmpdir / "home1"
        home.mkdir()
        (home / "none.toml").write_text("", encoding="utf-8")
        replica.reset_counts()
        cmd = ["run", "--date", DATE, "--jobs", str(args.jobs), "--out", str(tmpdir / "out1")]
        wall, cpu, rss, rc = run_child(cmd, env_for(replica, home, args.slow_arxiv_delay))
        arxiv_requests = sum(replica.count(p) for p in ARXIV_PATHS)
        fetch_chain = arxiv_requests * args.slow_arxiv_delay
        write_chain = ideal
        bound = 1.15 * max(fetch_chain, write_chain) + args.llm_delay
        print(
            f"run (arXiv delay {args.slow_arxiv_delay}s, {arxiv_requests} arXiv requests): wall {wall:.2f}s, "
            f"fetch chain {fetch_chain:.2f}s, writing chain {write_chain:.2f}s, serial sum "
            f"{fetch_chain + write_chain:.2f}s, bound 1.15 x max + delay = {bound:.2f}s "
            f"({'met' if wall <= bound else 'MISSED'}); CPU {cpu / n * 1000:.1f} ms/paper, peak {rss:.0f} MB; exit {rc}"
        )


if __name__ == "__main__":
    main()

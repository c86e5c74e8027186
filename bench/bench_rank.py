"""Benchmark ranking: a 1,000-paper day against a 2,000-entry library, and a month's digest.

Ranking (target < 2 s without embeddings): synthetic papers and a synthetic BibTeX library of
the same vocabulary are written to a temporary folder; the library file is parsed and every paper
scored with keywords, authors, exclusions and TF-IDF library similarity (`paperbrief.rank.rank`).
With embeddings, the LLM replica's `/v1/embeddings` serves them over real HTTP: the first run
embeds all 3,000 texts and stores them, the rerun must send no request.

Digest (target < 5 s without the LLM part): a 365-day store (bench_search.fill, 30 papers a day)
and `paperbrief.digest.build_digest` for one month and one week, LLM off.

    python bench/bench_rank.py
    python bench/bench_rank.py --papers 1000 --library 2000 --days 365
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_search import EN_TERMS, TITLE_WORDS

from paperbrief.config import Interests, Settings
from paperbrief.interests import load_library
from paperbrief.rank import Candidate, rank
from paperbrief.store import Store

TOPICS = [*EN_TERMS, "video generation", "world model", "protein design", "weather forecasting", "speech recognition",
          "code generation", "robot manipulation", "image segmentation", "graph neural network"]
FILLER_TEXT = ("we propose a method that improves the state of the art on standard benchmarks while using less compute "
               "and memory than previous approaches and generalises to new settings")
FILLER = FILLER_TEXT.split()


def text(rng: random.Random, n_topics: int = 3) -> tuple[str, str]:
    topics = rng.sample(TOPICS, n_topics)
    title = f"{' '.join(rng.sample(TITLE_WORDS, 3))} {topics[0]} for {topics[1]}"
    words = []
    for _ in range(6):
        words += [*rng.sample(FILLER, 8), rng.choice(topics)]
    return title, " ".join(words) + "."


def bibtex(entries: int, rng: random.Random) -> str:
    out = []
    for i in range(entries):
        title, abstract = text(rng)
        out.append(f"@article{{key{i},\n  title = {{{title}}},\n  author = {{Author {rng.randint(1, 5000)} and "
                   f"Other, Some}},\n  abstract = {{{abstract}}},\n  year = {{2025}},\n}}\n")
    return "\n".join(out)


def bench_rank(papers: int, library: int, work: Path) -> None:
    rng = random.Random(1)
    bib = work / "library.bib"
    bib.write_text(bibtex(library, rng), encoding="utf-8")
    candidates = []
    for i in range(papers):
        title, abstract = text(rng)
        candidates.append(Candidate(f"2602.{i:05d}", title, abstract, [f"Author {rng.randint(1, 5000)}"]))
    interests = Interests(keywords=["speculative decoding", "world model", "投机解码", "Gaussian Splatting"],
                          authors=["Author 42", "A. 17"], exclude=["weather forecasting"], papers=[str(bib)])
    settings = Settings(interests=interests)
    t, cpu = time.perf_counter(), time.process_time()
    lib = load_library(interests.papers)
    parse, parse_cpu = time.perf_counter() - t, time.process_time() - cpu
    t, cpu = time.perf_counter(), time.process_time()
    ranking = rank(settings, candidates, library=lib)
    scoring, scoring_cpu = time.perf_counter() - t, time.process_time() - cpu
    total = parse + scoring
    matched = sum(1 for r in ranking.scores.values() if r.matched)
    print(f"rank {papers} papers against a {library}-entry BibTeX library (TF-IDF): parse {parse:.2f} s + "
          f"score {scoring:.2f} s = {total:.2f} s wall, {parse_cpu + scoring_cpu:.2f} s CPU (target < 2 s) "
          f"{'OK' if total < 2 else 'SLOW'}; {matched} papers with a match; load average {os.getloadavg()[0]:.1f}")

    from paperbrief.replica import Replica

    with Replica() as replica, Store(work / "emb.db") as store:
        llm = replica.services["llm"]
        emb = settings.model_copy(update={"openai_base_url": replica.url + "/v1", "embedding_model": "replica-embed"})
        t = time.perf_counter()
        first = rank(emb, candidates, store=store, library=lib)
        cold = time.perf_counter() - t
        sent = len(llm.embedded_texts)
        t = time.perf_counter()
        rank(emb, candidates, store=store, library=lib)
        warm = time.perf_counter() - t
        again = len(llm.embedded_texts) - sent
        print(f"with embeddings ({first.method}, replica over HTTP): first run {cold:.2f} s embedding {sent} texts; "
              f"rerun {warm:.2f} s with {again} texts sent (target 0) {'OK' if again == 0 else 'NOT CACHED'}")


def bench_digest(days: int, per_day: int, work: Path) -> None:
    from bench_search import fill

    from paperbrief.digest import build_digest, parse_period

    store = Store(work / "digest.db")
    t = time.perf_counter()
    dates = fill(store, days * per_day, days)
    print(f"filled a {days}-day store ({days * per_day} papers) in {time.perf_counter() - t:.1f} s")
    settings = Settings(interests=Interests(keywords=["speculative decoding", "world model"]))
    month = parse_period(month=dates[-1][:7])
    for period in (parse_period(month=dates[-40][:7]), month):
        t = time.perf_counter()
        d = build_digest(settings, store, period, "zh", use_llm=False)
        took = time.perf_counter() - t
        print(f"digest of {period.key}: {d.papers} papers, {len(d.fields)} fields, {len(d.methods)} methods, "
              f"{len(d.benchmarks)} benchmarks in {took:.2f} s (target < 5 s) {'OK' if took < 5 else 'SLOW'}")
    t = time.perf_counter()
    build_digest(settings, store, month, "zh", use_llm=False)
    print(f"the same month again (stored): {time.perf_counter() - t:.2f} s")
    week = parse_period(week=f"{dates[-10][:4]}-W{__import__('datetime').date.fromisoformat(dates[-10]).isocalendar()[1]:02d}")
    t = time.perf_counter()
    d = build_digest(settings, store, week, "zh", use_llm=False)
    print(f"digest of {week.key}: {d.papers} papers in {time.perf_counter() - t:.2f} s")
    store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--papers", type=int, default=1000)
    ap.add_argument("--library", type=int, default=2000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--per-day", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="pb-bench-rank-") as d:
        bench_rank(args.papers, args.library, Path(d))
        bench_digest(args.days, args.per_day, Path(d))


if __name__ == "__main__":
    main()

"""Measure library similarity on the labelled set (bench/data/relevance_labels.json).

For each of four readers' libraries, every paper of the replica's 2026-02-08 listing is ranked by its
best similarity to the library (as `paperbrief.rank` does), and the ranking is scored against the
hand labels: average precision (AP), precision at 5 and nDCG at 10, averaged over the readers.

Methods: TF-IDF and BM25 (`paperbrief.similarity.LexicalIndex`), the LLM replica's hashed
bag-of-words embeddings (what the tests use), and, with `--minilm DIR`, real sentence embeddings
(all-MiniLM-L6-v2 in safetensors, run with numpy by bench/minilm.py; needs `pip install tokenizers`).
Nothing is downloaded.

    python bench/bench_relevance.py
    python bench/bench_relevance.py --minilm ~/models/all-MiniLM-L6-v2
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

from paperbrief.replica import fixtures
from paperbrief.replica.llm import hashed_embedding
from paperbrief.similarity import EmbeddingIndex, LexicalIndex

LABELS = Path(__file__).parent / "data" / "relevance_labels.json"


def metrics(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    hits, precisions = 0, []
    for i, aid in enumerate(ranked, 1):
        if aid in relevant:
            hits += 1
            precisions.append(hits / i)
    ap = sum(precisions) / len(relevant)
    p5 = sum(1 for a in ranked[:5] if a in relevant) / 5
    dcg = sum(1 / math.log2(i + 1) for i, a in enumerate(ranked[:10], 1) if a in relevant)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(relevant), 10) + 1))
    return ap, p5, dcg / ideal


def rank_lexical(method: str, library: list[str], papers: dict[str, str], background: bool) -> list[str]:
    index = LexicalIndex(library, method, background=list(papers.values()) if background else ())
    best = {aid: (index.top(text, 1) or [None])[0] for aid, text in papers.items()}
    return sorted(papers, key=lambda a: -(best[a].similarity if best[a] else 0.0))


def rank_vectors(embed, library: list[str], papers: dict[str, str]) -> list[str]:
    index = EmbeddingIndex(embed(library))
    ids = list(papers)
    found = index.top_many(embed([papers[a] for a in ids]), k=1)
    score = {a: (n[0].similarity if n else 0.0) for a, n in zip(ids, found, strict=True)}
    return sorted(ids, key=lambda a: -score[a])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minilm", type=Path, help="folder of all-MiniLM-L6-v2 (model.safetensors, tokenizer.json)")
    args = ap.parse_args()
    labels = json.loads(LABELS.read_text("utf-8"))
    listing = fixtures.listing(labels["day"])
    papers = {it["paper"]["id"]: f"{it['paper']['title']}\n{it['paper']['summary']}" for it in listing}
    methods = {
        "tfidf, idf of the library": lambda lib: rank_lexical("tfidf", lib, papers, False),
        "tfidf, idf of library + day": lambda lib: rank_lexical("tfidf", lib, papers, True),
        "bm25, idf of the library": lambda lib: rank_lexical("bm25", lib, papers, False),
        "bm25, idf of library + day": lambda lib: rank_lexical("bm25", lib, papers, True),
        "hashed bag of words (replica)": lambda lib: rank_vectors(
            lambda texts: [hashed_embedding(t) for t in texts], lib, papers),
    }
    if args.minilm:
        import sys

        sys.path.insert(0, str(Path(__file__).parent))
        from minilm import MiniLM

        model = MiniLM(args.minilm)
        methods["all-MiniLM-L6-v2 embeddings"] = lambda lib: rank_vectors(model.embed, lib, papers)
    print(f"{len(papers)} papers of {labels['day']}, {len(labels['profiles'])} readers, "
          f"{sum(len(p['relevant']) for p in labels['profiles'])} relevant pairs")
    print(f"{'method':34} {'MAP':>6} {'P@5':>6} {'nDCG@10':>8}  per reader (AP)      time")
    for name, run in methods.items():
        t0 = time.perf_counter()
        scores = []
        for prof in labels["profiles"]:
            library = [f"{e['title']}\n{e['abstract']}" for e in prof["library"]]
            scores.append(metrics(run(library), set(prof["relevant"])))
        elapsed = time.perf_counter() - t0
        mean = [sum(s[i] for s in scores) / len(scores) for i in range(3)]
        per = " ".join(f"{s[0]:.2f}" for s in scores)
        print(f"{name:34} {mean[0]:6.3f} {mean[1]:6.3f} {mean[2]:8.3f}  {per:20} {elapsed:5.2f}s")


if __name__ == "__main__":
    main()

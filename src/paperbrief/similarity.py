"""Similarity of papers to the reader's library: lexical (TF-IDF or BM25) or embeddings.

Both backends answer the same question, "which library entries is this text closest to,
and how close", as a cosine-like score in [0, 1]. The lexical backend needs nothing but
the texts (pure Python, sparse vectors over an inverted index); the embedding backend
takes vectors from the endpoint's `/v1/embeddings` (`paperbrief.embeddings`) and scores
with numpy. `docs/decisions.md` has the measured comparison that chose TF-IDF with
sublinear term frequencies as the lexical default.

Scores are calibrated on the library itself so that one rule fits every backend and
model: `floor` is the median similarity of unrelated library pairs, `ceiling` the median
similarity of each entry to its nearest neighbour. A paper as close to the library as the
library's own papers are to each other gets full weight; one no closer than a random pair
gets none.
"""

from __future__ import annotations

import math
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from statistics import median
from typing import Any

import numpy as np

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
STOPWORDS = frozenset(
    ["a", "about", "above", "across", "after", "again", "against", "all", "almost", "also", "although", "always", "am", "among", "an", "and", "another", "any", "are", "around", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "done", "down", "during", "each", "either", "et", "etc", "even", "ever", "every", "few", "for", "from", "further", "given", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how", "however", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "last", "least", "less", "let", "like", "made", "make", "many", "may", "me", "might", "more", "most", "much", "must", "my", "need", "new", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only", "or", "other", "our", "ours", "out", "over", "own", "per", "rather", "same", "several", "she", "should", "show", "shows", "shown", "since", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this", "those", "though", "through", "thus", "to", "too", "toward", "towards", "two", "under", "until", "up", "upon", "us", "use", "used", "uses", "using", "very", "via", "was", "we", "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within", "without", "would", "yet", "you", "your", "paper", "propose", "proposed", "proposes", "present", "presents", "approach", "method", "methods", "model", "models", "results", "based", "first", "novel", "work", "study", "existing", "different", "across", "furthermore", "moreover", "demonstrate", "achieve", "achieves", "achieving", "performance", "significantly", "extensive", "experiments", "introduce", "introduces", "framework", "task", "tasks", "data", "large", "state", "art", "current", "recent"]
)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens (stop words and 1-letter words out, crude plural stemming) and CJK bigrams."""
    text = text.casefold() if text.isascii() else unicodedata.normalize("NFKC", text).casefold()
    out: list[str] = []
    for t in _TOKEN.findall(text):
        if "\u3400" <= t[0] <= "\ufaff":
            out.extend(t[i : i + 2] for i in range(max(len(t) - 1, 1)))
            continue
        word = _word(t)
        if word:
            out.append(word)
    return out


@lru_cache(maxsize=200_000)
def _word(t: str) -> str:
    """The index form of one lower-case word, "" for a word that is not indexed."""
    if len(t) < 2 or t in STOPWORDS or t.isdigit():
        return ""
    if len(t) > 4 and t.endswith("ies"):
        return t[:-3] + "y"
    if len(t) > 3 and t.endswith("s") and not t.endswith(("ss", "us", "is")):
        return t[:-1]
    return t


@dataclass
class Neighbour:
    index: int  # position of the library entry
    similarity: float  # raw similarity of the backend (cosine for both)


class LexicalIndex:
    """TF-IDF (sublinear tf, l2-normalised) or BM25 over the library, queried by any text.

    BM25 scores are divided by the library entry's score against itself, so both methods give [0, 1].
    """

    def __init__(self, docs: Sequence[str], method: str = "tfidf", *, background: Sequence[str] = (),
                 k1: float = 1.2, b: float = 0.75) -> None:
        if method not in ("tfidf", "bm25"):
            raise ValueError(f"unknown lexical method {method!r}")
        self.method = method
        self.k1, self.b = k1, b
        self.n = len(docs)
        counts = [Counter(tokens(d)) for d in docs]
        # document frequencies over the library and the `background` (the papers being ranked): a word
        # every library entry shares but the day's papers rarely use is what the library is about
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        self._known: dict[str, Counter[str]] = {}  # the background's tokens, kept for when it is queried
        for text in background:
            c = Counter(tokens(text))
            self._known[text] = c
            df.update(c.keys())
        total = self.n + len(background)
        self.df = df
        self.total = total
        self.idf = {t: math.log((1 + total) / (1 + k)) + 1 for t, k in df.items()}
        self.lengths = [sum(c.values()) for c in counts]
        self.avg_len = (sum(self.lengths) / self.n) if self.n else 1.0
        # inverted index: each term's postings (documents and weights) as one slice of two flat arrays
        postings: dict[str, list[tuple[int, float]]] = {}
        self_scores: list[float] = []
        for i, c in enumerate(counts):
            weights = self._doc_weights(c, self.lengths[i])
            for t, w in weights.items():
                postings.setdefault(t, []).append((i, w))
            if method == "bm25":
                self_scores.append(sum(w * self._idf(t) for t, w in weights.items()))
        self.slices: dict[str, tuple[int, int]] = {}
        docs_flat: list[int] = []
        weights_flat: list[float] = []
        for t, plist in postings.items():
            self.slices[t] = (len(docs_flat), len(docs_flat) + len(plist))
            docs_flat += [i for i, _ in plist]
            weights_flat += [w for _, w in plist]
        self.post_docs = np.asarray(docs_flat, dtype=np.int64)
        self.post_weights = np.asarray(weights_flat, dtype=np.float64)
        self.self_scores = np.asarray(self_scores or [1.0] * self.n, dtype=np.float64)
        self.self_scores[self.self_scores == 0] = 1.0

    def _idf(self, term: str) -> float:
        if self.method == "bm25":
            k = self.df.get(term, 0)
            return math.log(1 + (self.total - k + 0.5) / (k + 0.5))
        return self.idf.get(term, math.log(1 + self.total) + 1)

    def _doc_weights(self, c: Counter[str], length: int) -> dict[str, float]:
        if self.method == "bm25":
            norm = self.k1 * (1 - self.b + self.b * length / (self.avg_len or 1))
            return {t: f * (self.k1 + 1) / (f + norm) for t, f in c.items()}
        idf = self.idf
        weights = {t: (1 + math.log(f)) * idf[t] if f > 1 else idf[t] for t, f in c.items()}
        size = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / size for t, w in weights.items()}

    def _query(self, text: str) -> dict[str, float]:
        c = self._known.get(text) or Counter(tokens(text))
        if self.method == "bm25":
            return {t: self._idf(t) for t in c if t in self.slices}
        weights = {t: (1 + math.log(f)) * self._idf(t) for t, f in c.items()}
        size = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {t: w / size for t, w in weights.items() if t in self.slices}

    def score_vector(self, text: str) -> Any:
        """Similarity of `text` to every library entry (a numpy array, one value per entry)."""
        q = self._query(text)
        if not q or not self.n:
            return np.zeros(self.n)
        parts = [self.slices[t] for t in q]
        idx = np.concatenate([self.post_docs[a:b] for a, b in parts])
        w = np.concatenate([self.post_weights[a:b] * q[t] for (a, b), t in zip(parts, q, strict=True)])
        acc = np.bincount(idx, weights=w, minlength=self.n)
        if self.method == "bm25":
            # divided by the library entry's score against itself: how much of the entry the text matches
            acc = np.minimum(acc / self.self_scores, 1.0)
        return acc

    def scores(self, text: str) -> dict[int, float]:
        """Similarity of `text` to every library entry it shares a term with."""
        acc = self.score_vector(text)
        return {int(i): float(acc[i]) for i in np.flatnonzero(acc)}

    def top(self, text: str, k: int = 3, *, exclude: int | None = None) -> list[Neighbour]:
        acc = self.score_vector(text)
        if exclude is not None and 0 <= exclude < len(acc):
            acc[exclude] = 0.0
        k = min(k, len(acc))
        if not k:
            return []
        idx = np.argpartition(-acc, k - 1)[:k]
        idx = idx[np.lexsort((idx, -acc[idx]))]
        return [Neighbour(int(i), round(float(acc[i]), 6)) for i in idx if acc[i] > 0]


class EmbeddingIndex:
    """Cosine similarity against library embeddings (rows l2-normalised once)."""

    method = "embedding"

    def __init__(self, vectors: Any) -> None:
        m = np.asarray(vectors, dtype=np.float32)
        if m.ndim != 2:
            m = m.reshape(len(m), -1)
        norms = np.linalg.norm(m, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.matrix = m / norms
        self.n = len(self.matrix)

    def top_many(self, vectors: Any, k: int = 3) -> list[list[Neighbour]]:
        q = np.asarray(vectors, dtype=np.float32)
        if not len(q) or not self.n:
            return [[] for _ in range(len(q))]
        norms = np.linalg.norm(q, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        sims = (q / norms) @ self.matrix.T
        k = min(k, self.n)
        out = []
        for row in sims:
            idx = np.argpartition(-row, k - 1)[:k]
            idx = idx[np.argsort(-row[idx], kind="stable")]
            out.append([Neighbour(int(i), round(float(max(row[i], 0.0)), 6)) for i in idx])
        return out

    def pair(self, i: int, j: int) -> float:
        return float(self.matrix[i] @ self.matrix[j])


@dataclass
class Calibration:
    floor: float
    ceiling: float

    def weight(self, similarity: float) -> float:
        """Where `similarity` lies between unrelated (0) and as-close-as-the-library's-neighbours (1)."""
        if self.ceiling <= self.floor:
            return 0.0
        return min(max((similarity - self.floor) / (self.ceiling - self.floor), 0.0), 1.0)


DEFAULT_CALIBRATION = {"tfidf": Calibration(0.02, 0.25), "bm25": Calibration(0.02, 0.25),
                       "embedding": Calibration(0.2, 0.7)}
SAMPLE = 120  # library entries sampled for calibration


def calibrate(index: LexicalIndex | EmbeddingIndex, docs: Sequence[str] = ()) -> Calibration:
    """Floor and ceiling of the library's own similarities (defaults for libraries under 6 entries)."""
    n = index.n
    method = index.method
    if n < 6:
        return DEFAULT_CALIBRATION[method]
    rng = random.Random(7)
    sample = rng.sample(range(n), min(SAMPLE, n))
    nearest: list[float] = []
    pairs: list[float] = []
    if isinstance(index, EmbeddingIndex):
        sims = index.matrix[sample] @ index.matrix.T
        for row, i in zip(sims, sample, strict=True):
            others = [float(v) for j, v in enumerate(row) if j != i]
            nearest.append(max(others))
            pairs.append(others[rng.randrange(len(others))])
    else:
        for i in sample:
            acc = index.score_vector(docs[i])
            acc[i] = 0.0
            nearest.append(float(acc.max()))
            j = rng.randrange(n - 1)
            j = j + 1 if j >= i else j
            pairs.append(float(acc[j]))
    floor, ceiling = median(pairs), median(nearest)
    if ceiling - floor < 0.05:  # a library of near-duplicates or of unrelated entries: keep a usable range
        return DEFAULT_CALIBRATION[method]
    return Calibration(round(floor, 4), round(ceiling, 4))

"""Relevance of papers to the reader's interests: a 0–1 score that says why.

Every piece of evidence is one `Match` (what matched, where, how much it weighs):

- a keyword (Chinese or English phrase) found in the title (0.6), the abstract (0.45) or the
  report (0.35): a Chinese keyword matches the Chinese report, an English one the paper;
- an author of the paper who is one of the reader's authors (0.6);
- closeness to the reader's library (`interests.papers`): up to 0.7, by where the paper's
  best similarity lies between the library's unrelated pairs and its nearest neighbours
  (see `similarity.calibrate`), with embeddings when `embedding_model` is served, else TF-IDF.

Evidence combines as a noisy OR, `1 - Π(1 - w)`, so two title hits (0.84) beat one (0.6)
and no amount of evidence passes 1. Every `exclude` phrase found multiplies the score by
0.25. Scores and matches are stored per paper and language (`relevance` table) with a
fingerprint of the interests they were computed for.
"""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from paperbrief.config import Interests, Settings
from paperbrief.interests import Library, LibraryEntry, load_library
from paperbrief.messages import msg
from paperbrief.models import ListedPaper, LLMCall, Report
from paperbrief.similarity import Calibration, EmbeddingIndex, LexicalIndex, Neighbour, calibrate
from paperbrief.store import Store, content_hash

KEYWORD_WEIGHT = {"title": 0.6, "abstract": 0.45, "report": 0.35}
AUTHOR_WEIGHT = 0.6
LIBRARY_WEIGHT = 0.7
EXCLUDE_FACTOR = 0.25
MIN_LIBRARY_WEIGHT = 0.05  # a library neighbour weighing less is not shown as a match
LEXICAL_METHOD = "tfidf"  # see docs/decisions.md, "Interests: relevance"

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SEPARATORS = re.compile(r"[\s\-_/‐‑‒–—·]+")


class RankError(Exception):
    """Ranking can't be done as asked (e.g. --sort relevance without interests); one line for the user."""


@dataclass
class Match:
    kind: str  # keyword | author | library | exclude
    value: str  # the interest as the reader wrote it (for library: the entry's title)
    where: list[str] = field(default_factory=list)  # title | abstract | report | authors
    weight: float = 0.0  # evidence in 0..1 (for exclude: the factor the score was multiplied by)
    similarity: float | None = None  # library: the raw similarity
    ref: str | None = None  # library: the entry's arXiv id or key

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Match:
        return cls(**{k: data[k] for k in ("kind", "value", "where", "weight", "similarity", "ref") if k in data})


@dataclass
class Relevance:
    score: float
    matched: list[Match] = field(default_factory=list)
    method: str = ""  # how library similarity was computed: tfidf | bm25 | embedding:<model> | ""

    def to_json(self) -> dict[str, Any]:
        return {"relevance": self.score, "matched": [m.to_json() for m in self.matched]}


@dataclass
class Candidate:
    """What a paper is scored on."""

    arxiv_id: str
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    report: str = ""  # the report's text (any language), "" when not written

    @classmethod
    def of(cls, paper: ListedPaper, report: Report | None = None) -> Candidate:
        return cls(paper.arxiv_id, paper.title, paper.abstract, list(paper.authors), report_text(report))


def report_text(report: Report | None) -> str:
    if report is None:
        return ""
    parts = [report.domain, report.contribution]
    parts += [f"{u.label} {u.text}" for u in report.usage]
    parts += [f"{i.name} {i.detail}" for i in report.innovations]
    parts += [f"{r.label} {r.text}" for r in report.results]
    return "\n".join(parts)


# --- phrases and names ------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFKC, case-folded, hyphens/slashes/underscores as spaces, whitespace collapsed."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


class Phrase:
    """A keyword or exclude phrase, matched as whole words (Latin) or as a substring (CJK)."""

    def __init__(self, phrase: str) -> None:
        self.text = phrase
        norm = normalise(phrase)
        self.cjk = bool(_CJK_RE.search(norm))
        if self.cjk:
            self.pattern = re.compile(re.escape(norm.replace(" ", "")))
        else:
            words = norm.split()
            if words and len(words[-1]) > 3 and words[-1].endswith("s") and not words[-1].endswith(("ss", "us", "is")):
                words[-1] = words[-1][:-1]  # "LLMs" also finds "LLM", as "LLM" finds "LLMs"
            words = [re.escape(w) for w in words]
            body = r"\s?".join(words) if words else "(?!)"
            self.pattern = re.compile(rf"(?<![^\W_]){body}(?:s|es)?(?![^\W_])")

    def found_in(self, prepared: tuple[str, str]) -> bool:
        """`prepared` is (normalised text, normalised text without spaces) from `prepare`."""
        return bool(self.pattern.search(prepared[1] if self.cjk else prepared[0]))


def prepare(text: str) -> tuple[str, str]:
    norm = normalise(text)
    return norm, norm.replace(" ", "")


def _name_tokens(name: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if "," in plain:  # "Last, First"
        last, first = plain.split(",", 1)
        plain = f"{first} {last}"
    return re.findall(r"[^\W\d_]+", plain.casefold())


def same_author(wanted: str, author: str) -> bool:
    """Names match in any order ("Yuki Tanabe" = "Tanabe, Yuki"), or by initial ("Y. Tanabe"), accents aside."""
    a, b = _name_tokens(wanted), _name_tokens(author)
    if not a or not b:
        return False
    if _CJK_RE.search(wanted) or _CJK_RE.search(author):
        return "".join(a) == "".join(b)
    if a == b or sorted(a) == sorted(b):
        return True
    if a[-1] != b[-1] or len(a) < 2 or len(b) < 2:
        return False
    first_a, first_b = a[0], b[0]
    return (len(first_a) == 1 or len(first_b) == 1) and first_a[0] == first_b[0]


# --- the ranker ---------------------------------------------------------------------------


@dataclass
class Ranking:
    """Relevance of every candidate, and how it was computed."""

    scores: dict[str, Relevance]
    method: str = ""
    warnings: list[str] = field(default_factory=list)
    calls: list[LLMCall] = field(default_factory=list)  # the embeddings requests made for it (paid)


class Ranker:
    """Scores candidates against fixed interests and library (build once, score many)."""

    def __init__(self, interests: Interests, library: Library | None = None) -> None:
        self.interests = interests
        self.library = library or Library()
        self.keywords = [Phrase(k) for k in interests.keywords]
        self.excludes = [Phrase(k) for k in interests.exclude]

    def score(self, c: Candidate, neighbours: Sequence[Neighbour] = (), calibration: Calibration | None = None,
              method: str = "") -> Relevance:
        texts = {"title": prepare(c.title), "abstract": prepare(c.abstract), "report": prepare(c.report)}
        matched: list[Match] = []
        for kw in self.keywords:
            where = [place for place, text in texts.items() if text[0] and kw.found_in(text)]
            if where:
                matched.append(Match("keyword", kw.text, where, max(KEYWORD_WEIGHT[w] for w in where)))
        for wanted in self.interests.authors:
            hits = [a for a in c.authors if same_author(wanted, a)]
            if hits:
                matched.append(Match("author", wanted, ["authors"], AUTHOR_WEIGHT, ref=hits[0]))
        if neighbours and calibration is not None:
            best = neighbours[0]
            weight = round(LIBRARY_WEIGHT * calibration.weight(best.similarity), 3)
            if weight >= MIN_LIBRARY_WEIGHT:
                entry = self.library.entries[best.index]
                matched.append(Match("library", entry.title, ["title", "abstract"], weight,
                                     similarity=round(best.similarity, 3), ref=entry.label))
        rest = 1.0
        for m in matched:
            rest *= 1.0 - m.weight
        score = 1.0 - rest
        for ex in self.excludes:
            where = [place for place, text in texts.items() if text[0] and ex.found_in(text)]
            if where:
                matched.append(Match("exclude", ex.text, where, EXCLUDE_FACTOR))
                score *= EXCLUDE_FACTOR
        return Relevance(round(score, 3), matched, method)


def library_lookup(store: Store | None, fetch: Callable[[str], LibraryEntry | None] | None = None
                   ) -> Callable[[str], LibraryEntry | None]:
    """Look an arXiv id up in the store's papers, then with `fetch` (e.g. Hugging Face's paper API)."""

    def lookup(arxiv_id: str) -> LibraryEntry | None:
        if store is not None:
            p = store.get_paper(arxiv_id)
            if p is not None:
                return LibraryEntry(title=p.title, abstract=p.abstract, authors=list(p.authors), arxiv_id=arxiv_id)
        return fetch(arxiv_id) if fetch else None

    return lookup


def hf_lookup(settings: Settings, fetcher: Any) -> Callable[[str], LibraryEntry | None]:
    """Hugging Face's `/api/papers/<id>` (through the project's cached HTTP client) as a library lookup."""

    def fetch(arxiv_id: str) -> LibraryEntry | None:
        from paperbrief.http import FetchError

        try:
            got = fetcher.get(f"{settings.hf_endpoint}/api/papers/{arxiv_id}", accept=("application/json",))
            data = json.loads(got.text)
        except (FetchError, ValueError):
            return None
        if not isinstance(data, dict) or not data.get("title"):
            return None
        authors = [a.get("name", "") for a in data.get("authors") or [] if isinstance(a, dict) and a.get("name")]
        return LibraryEntry(title=" ".join(str(data["title"]).split()), abstract=" ".join(str(data.get("summary") or "").split()),
                            authors=authors, arxiv_id=arxiv_id)

    return fetch


def rank(settings: Settings, candidates: Sequence[Candidate], *, store: Store | None = None,
         library: Library | None = None, fetcher: Any = None, run_id: int | None = None,
         offline: bool = False) -> Ranking:
    """Relevance of every candidate to `settings.interests` (empty Ranking when none are configured).

    The library is read from `interests.papers` unless given. Library similarity uses embeddings
    when `embedding_model` is set and the endpoint serves it (vectors stored in `store`), else TF-IDF;
    `offline` uses stored embeddings only. Raises LibraryError for a library file that can't be read.
    """
    interests = settings.interests
    if not interests.configured:
        return Ranking({})
    warnings: list[str] = []
    if library is None:
        fetch = hf_lookup(settings, fetcher) if fetcher is not None else None
        library = load_library(interests.papers, lookup=library_lookup(store, fetch))
    warnings += library.warnings
    ranker = Ranker(interests, library)
    neighbours: dict[str, list[Neighbour]] = {}
    calibration: Calibration | None = None
    method = ""
    calls: list[LLMCall] = []
    if library.entries and candidates:
        method, neighbours, calibration, note = _library_neighbours(settings, store, library, candidates, run_id,
                                                                    offline, calls)
        if note:
            warnings.append(note)
    scores = {c.arxiv_id: ranker.score(c, neighbours.get(c.arxiv_id, ()), calibration, method) for c in candidates}
    return Ranking(scores, method, warnings, calls)


def _library_neighbours(settings: Settings, store: Store | None, library: Library, candidates: Sequence[Candidate],
                        run_id: int | None, offline: bool, spent: list[LLMCall]
                        ) -> tuple[str, dict[str, list[Neighbour]], Calibration, str | None]:
    note = None
    if settings.embedding_model and store is not None:
        from paperbrief.embeddings import EmbeddingsUnavailable, embed

        try:
            lib_vecs = embed(settings, store, [e.text for e in library.entries], [e.arxiv_id for e in library.entries],
                             run_id=run_id, offline=offline, spent=spent)
            cand_vecs = embed(settings, store, [paper_text(c) for c in candidates], [c.arxiv_id for c in candidates],
                              run_id=run_id, offline=offline, spent=spent)
        except EmbeddingsUnavailable as e:
            note = f"{e}; using the lexical similarity (TF-IDF) instead"
        else:
            index = EmbeddingIndex(lib_vecs)
            found = index.top_many(cand_vecs)
            return (f"embedding:{settings.embedding_model}", {c.arxiv_id: n for c, n in zip(candidates, found, strict=True)},
                    calibrate(index), None)
    docs = [e.text for e in library.entries]
    lexical = LexicalIndex(docs, LEXICAL_METHOD, background=[paper_text(c) for c in candidates])
    found_lex = {c.arxiv_id: lexical.top(paper_text(c)) for c in candidates}
    return LEXICAL_METHOD, found_lex, calibrate(lexical, docs), note


def paper_text(c: Candidate) -> str:
    """What a paper's similarity to the library is computed on: its title and abstract."""
    return f"{c.title}\n{c.abstract}".strip()


# --- order ----------------------------------------------------------------------------------


def order(papers: Sequence[ListedPaper], sort: str, scores: dict[str, Relevance] | None = None) -> list[ListedPaper]:
    """Papers in the chosen order: listing (as listed), upvotes (most first) or relevance (highest first).

    Ties keep the listing order (upvotes break relevance ties). Raises RankError for relevance without scores.
    """
    position = {p.arxiv_id: i for i, p in enumerate(papers)}
    if sort == "listing":
        return list(papers)
    if sort == "upvotes":
        return sorted(papers, key=lambda p: (-p.upvotes, position[p.arxiv_id]))
    if sort == "relevance":
        if scores is None:
            raise RankError(NO_INTERESTS)
        return sorted(papers, key=lambda p: (-_score(scores, p.arxiv_id), -p.upvotes, position[p.arxiv_id]))
    raise RankError(f"unknown sort order {sort!r}; use listing, upvotes or relevance")


def _score(scores: dict[str, Relevance], arxiv_id: str) -> float:
    r = scores.get(arxiv_id)
    return r.score if r else 0.0


NO_INTERESTS = msg("rank.no_interests", "en")


# --- the store ----------------------------------------------------------------------------------


def save_relevance(store: Store, lang: str, profile: str, scores: dict[str, Relevance]) -> None:
    now = time.time()
    with store.transaction() as c:
        c.executemany(
            "INSERT OR REPLACE INTO relevance(arxiv_id, lang, profile, score, matched, method, computed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(aid, lang, profile, r.score, json.dumps([m.to_json() for m in r.matched], ensure_ascii=False),
              r.method, now) for aid, r in scores.items()],
        )


def relevance_times(store: Store, lang: str) -> dict[str, float]:
    """Per listed day: when the newest relevance (in `lang`) of one of its papers was stored."""
    return {r["date"]: r["t"] or 0.0 for r in store.query(
        "SELECT l.date, max(r.computed_at) AS t FROM relevance r JOIN listings l USING (arxiv_id) "
        "WHERE r.lang = ? GROUP BY l.date", (lang,))}


def load_relevance(store: Store, ids: Iterable[str], lang: str, profile: str | None = None) -> dict[str, Relevance]:
    """Stored relevance of these papers in `lang` (only that computed for `profile` when given)."""
    out: dict[str, Relevance] = {}
    wanted = list(dict.fromkeys(ids))
    for i in range(0, len(wanted), 500):
        batch = wanted[i : i + 500]
        sql = (f"SELECT arxiv_id, score, matched, method, profile FROM relevance WHERE lang = ? "
               f"AND arxiv_id IN ({','.join('?' * len(batch))})")
        for r in store.query(sql, [lang, *batch]):
            if profile is not None and r["profile"] != profile:
                continue
            out[r["arxiv_id"]] = Relevance(r["score"], [Match.from_json(m) for m in json.loads(r["matched"])],
                                           r["method"])
    return out


# --- a day's papers -------------------------------------------------------------------------------


def rank_day(settings: Settings, store: Store, papers: Sequence[ListedPaper], lang: str, *, fetcher: Any = None,
             run_id: int | None = None, offline: bool = False) -> Ranking | None:
    """Relevance of a day's papers (each with its stored report in `lang`, if any), saved to the store.

    None when no interests are configured. `offline` (render, list): embeddings only from the store,
    else the lexical similarity; arXiv ids of the library only from the store.
    """
    if not settings.interests.configured:
        return None
    candidates = []
    for p in papers:
        stored = store.latest_report(p.arxiv_id, lang=lang)
        candidates.append(Candidate.of(p, stored.written.report if stored else None))
    ranking = rank(settings, candidates, store=store, fetcher=None if offline else fetcher, run_id=run_id,
                   offline=offline)
    save_relevance(store, lang, content_hash(settings.interests.model_dump_json(), ranking.method)[:16], ranking.scores)
    return ranking

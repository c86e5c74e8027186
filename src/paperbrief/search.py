"""Full-text search over every stored paper and report (SQLite FTS5), Chinese and English alike.

FTS5's unicode61 tokenizer does not segment Chinese, so text goes into the index with
every run of CJK characters rewritten as overlapping bigrams plus the run's last character
("投机解码" -> "投机 机解 解码 码"), and a query's CJK runs become the same bigram phrase.
Latin words are tokenized by unicode61 with Porter stemming. Every user term is quoted as
an FTS string, so FTS syntax in a query (quotes, `*`, `(`, `OR`, `NEAR`, `-`, `:`, `^`) is
searched as text and never breaks the query. The index follows the store by itself:
`refresh_index` (called by `search`) re-indexes what changed since it last ran.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

from pydantic import BaseModel

from paperbrief.checks import report_texts
from paperbrief.langs import CJK, CJK_RUN
from paperbrief.models import ListedPaper, Report
from paperbrief.store import Store, StoredReport

# Han ideographs (with extensions and compatibility forms) and Japanese kana.
_CJK = CJK
_CJK_RUN = CJK_RUN
_QUERY_PART = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")
_LATIN_WORD = re.compile(rf"[^\W_{_CJK}]+")
_CJK_BIGRAM = re.compile(f"(?=([{_CJK}]{{2}}))")
_CJK_SINGLE = re.compile(f"(?<![{_CJK}])[{_CJK}](?![{_CJK}])")

# FTS columns, in table order, and their bm25 weights (a hit in the title counts most).
COLUMNS = ("title", "authors", "abstract", "domain", "contribution", "usage", "innovations", "results")
REPORT_COLUMNS = COLUMNS[3:]  # the columns a report fills (`report_fields`)
WEIGHTS = (8.0, 3.0, 1.0, 2.0, 2.0, 1.0, 1.5, 1.0)
# Where a snippet is taken from, best first.
SNIPPET_ORDER = ("contribution", "innovations", "results", "usage", "domain", "abstract", "title", "authors")
SNIPPET_CHARS = 140
_BATCH = 400


class SearchHit(BaseModel):
    """One search result: a paper (with its report in one language) and where the query hit."""

    date: str | None
    arxiv_id: str
    title: str
    snippet: str  # plain text around the best hit
    highlights: list[tuple[int, int]]  # [start, end) of each hit inside `snippet`
    score: float  # higher is better (negated bm25)
    domain: str = ""
    lang: str = ""  # the report's language; "" when the paper has no report yet
    field: str = ""  # which field the snippet comes from

    def marked(self, open_mark: str = "**", close_mark: str = "**") -> str:
        """The snippet with every hit wrapped in the given marks."""
        out, pos = [], 0
        for start, end in self.highlights:
            out += [self.snippet[pos:start], open_mark, self.snippet[start:end], close_mark]
            pos = end
        out.append(self.snippet[pos:])
        return "".join(out)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date,
            "arxiv_id": self.arxiv_id,
            "title": self.title,
            "snippet": self.marked(),
            "score": self.score,
            "domain": self.domain,
            "lang": self.lang,
        }


# --- tokenisation ------------------------------------------------------------


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping bigrams of a CJK run plus its last character (so prefix `X*` finds any char)."""
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def index_text(text: str) -> str:
    """Text as it goes into the FTS index: CJK runs become space-separated bigrams."""
    if not text:
        return ""
    return _CJK_RUN.sub(lambda m: " " + " ".join(cjk_bigrams(m.group())) + " ", text)


def site_tokens(text: str) -> set[str]:
    """The tokens the static site's search index uses: lowercase latin words, CJK bigrams.

    A CJK run of one character is its own token. Mirrored by `parse()` in static/search.js;
    keep the two in step.
    """
    text = text.lower()
    out = set(_CJK_BIGRAM.findall(text))
    out.update(_CJK_SINGLE.findall(text))
    out.update(_LATIN_WORD.findall(text))
    return out


@dataclass
class ParsedQuery:
    fts: str  # the FTS5 MATCH expression ("" when the query has nothing searchable)
    cjk: list[str]  # CJK runs, for highlighting
    words: list[str]  # latin words (lowercase), for highlighting


def parse_query(query: str) -> ParsedQuery:
    """Turn what a user typed into a safe FTS5 expression: each term a quoted phrase, all ANDed.

    The latin words of a whitespace-separated term form one phrase (so `GPT-4o` matches
    "GPT 4o"); each CJK run is a phrase of its bigrams (`投机解码` matches 投机 机解 解码 in
    a row) and a lone CJK character a prefix query. Nothing of FTS5's syntax survives: only
    letters, digits and CJK characters reach the expression, inside double quotes.
    """
    phrases: list[str] = []
    cjk: list[str] = []
    words: list[str] = []
    for term in query.split():
        latin: list[str] = []
        for m in _QUERY_PART.finditer(term):
            if m.group("cjk"):
                run = m.group("cjk")
                cjk.append(run)
                if len(run) == 1:
                    phrases.append(f'"{run}" *')
                else:
                    phrases.append('"' + " ".join(run[i : i + 2] for i in range(len(run) - 1)) + '"')
            else:
                latin.append(m.group("word").lower())
        if latin:
            words += latin
            phrases.append('"' + " ".join(latin) + '"')
    return ParsedQuery(fts=" AND ".join(phrases), cjk=cjk, words=words)


# --- the documents the index holds ---------------------------------------------


def report_fields(report: Report | None) -> dict[str, str]:
    """The searchable text of a report by index column, from the texts the grounding check reads
    (`checks.report_texts`): a list's items as `label: text` lines, bold markers dropped."""
    fields = dict.fromkeys(REPORT_COLUMNS, "")
    if report is None:
        return fields
    lines: dict[str, list[str]] = {}
    head = ""
    for path, text in report_texts(report):
        column, _, item = path.partition("[")  # "usage[0].label" -> "usage", "0].label"
        if not item:
            fields[column] = text
        elif item.endswith((".label", ".name")):
            head = text
        else:
            lines.setdefault(column, []).append(f"{head}: {text}")
    fields.update({column: "\n".join(items) for column, items in lines.items()})
    # Bold key numbers (**92.59**) are emphasis, not text: snippets mark hits with ** themselves.
    return {name: text.replace("**", "") for name, text in fields.items()}


def top_domain(domain: str) -> str:
    """The top-level field of a report's domain: the part before " - " (or a similar dash / colon)."""
    head = re.split(r"\s+[-–—]\s+|[：:；;/|]|\s[-–—]|[-–—]\s", domain or "", maxsplit=1)[0]
    head = re.sub(r"\s*[（(].*$", "", head).strip(" *`_")
    return head.strip()


def _fields_of(paper: ListedPaper, report: Report | None) -> dict[str, str]:
    return {"title": paper.title, "authors": ", ".join(paper.authors), "abstract": paper.abstract or "",
            **report_fields(report)}


# --- keeping the index up to date ------------------------------------------------


def refresh_index(store: Store, *, full: bool = False) -> int:
    """(Re)index the papers whose paper row, listing or reports changed since the last refresh.

    Each paper is indexed once per language it has a successful report in (the newest one),
    or once with its paper fields alone while it has none. Returns how many documents were
    (re)written. Runs in one write transaction, so it is safe next to a running pipeline.

    "Changed" means a timestamp after the newest one seen by the previous refresh (rows are
    stamped inside their write transaction, and this reads inside one, so none slips between).
    `full=True` looks at every paper again (after a clock stepped back, say); papers whose
    indexed signature still matches are skipped either way.
    """
    written = 0
    with store.transaction() as c:
        seen = {} if full else {r["name"]: r["value"] for r in c.execute("SELECT name, value FROM search_state")}
        ids = store.papers_changed_since(seen)
        for batch in _chunks(ids, _BATCH):
            written += _reindex(c, store, batch)
        for name, value in store.change_marks().items():
            c.execute(
                "INSERT INTO search_state(name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                (name, value),
            )
    return written


def _chunks(items: list[str], n: int) -> Iterator[list[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _reindex(c: sqlite3.Connection, store: Store, ids: list[str]) -> int:
    stored = store.stored_papers(ids)
    marks = ",".join("?" * len(ids))
    existing: dict[tuple[str, str], tuple[int, str]] = {  # (paper, language) -> (document id, signature)
        (r["arxiv_id"], r["lang"]): (r["id"], r["signature"])
        for r in c.execute(f"SELECT id, arxiv_id, lang, signature FROM search_docs WHERE arxiv_id IN ({marks})", ids)
    }

    written = 0
    wanted: set[tuple[str, str]] = set()
    for arxiv_id in ids:
        paper = stored.get(arxiv_id)
        if paper is None:
            continue
        docs: list[tuple[str, StoredReport | None]] = [(r.written.lang, r) for r in paper.reports] or [("", None)]
        for lang, rep in docs:
            wanted.add((arxiv_id, lang))
            signature = (f"{paper.updated_at!r}|{paper.last_listed}|{rep.key if rep else ''}|"
                         f"{rep.created_at if rep else ''!r}")
            old = existing.get((arxiv_id, lang))
            if old and old[1] == signature:
                continue
            fields = _fields_of(paper.paper, rep.written.report if rep else None)
            if old:
                _delete(c, old[0])
            cur = c.execute(
                "INSERT INTO search_docs(arxiv_id, lang, date, domain, report_key, signature) VALUES (?, ?, ?, ?, ?, ?)",
                (arxiv_id, lang, paper.last_listed, fields["domain"], rep.key if rep else None, signature),
            )
            c.execute(
                f"INSERT INTO search_fts(rowid, {', '.join(COLUMNS)}) VALUES (?{', ?' * len(COLUMNS)})",
                (cur.lastrowid, *(index_text(fields[col]) for col in COLUMNS)),
            )
            written += 1
    for key, (doc_id, _) in existing.items():
        if key not in wanted:
            _delete(c, doc_id)
    return written


def _delete(c: sqlite3.Connection, doc_id: int) -> None:
    c.execute("DELETE FROM search_fts WHERE rowid = ?", (doc_id,))
    c.execute("DELETE FROM search_docs WHERE id = ?", (doc_id,))


# --- searching -----------------------------------------------------------------


def search(
    store: Store,
    query: str,
    *,
    date_from: str | Date | None = None,
    date_to: str | Date | None = None,
    domain: str | None = None,
    lang: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Ranked hits for a query (best first), one per paper, optionally within dates and a domain.

    `domain` matches a report whose domain contains it (case-insensitive). Call
    `refresh_index(store)` first if the store may have changed since the last refresh.
    """
    parsed = parse_query(query)
    if not parsed.fts or limit <= 0:
        return []
    bm25 = f"bm25(search_fts, {', '.join(str(w) for w in WEIGHTS)})"
    filters: list[str] = []
    params: list[Any] = [parsed.fts]
    if date_from:
        filters.append("d.date >= ?")
        params.append(str(date_from))
    if date_to:
        filters.append("d.date <= ?")
        params.append(str(date_to))
    if domain:
        filters.append("instr(lower(d.domain), lower(?)) > 0")
        params.append(domain.strip())
    if lang:
        filters.append("d.lang = ?")
        params.append(lang)
    # A paper has at most one document per language (zh, en) or one with no report: 2x covers dedup.
    params.append(limit * 2)
    columns = "d.id, d.arxiv_id, d.lang, d.date, d.domain, d.report_key"
    if filters:
        sql = (f"SELECT {columns}, {bm25} AS rank FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid "
               f"WHERE search_fts MATCH ? AND {' AND '.join(filters)} ORDER BY rank LIMIT ?")
    else:
        # Rank inside FTS5 first and join only the top rows: about twice as fast on common words.
        sql = (f"SELECT {columns}, f.rank FROM (SELECT rowid, {bm25} AS rank FROM search_fts "
               "WHERE search_fts MATCH ? ORDER BY rank LIMIT ?) f JOIN search_docs d ON d.id = f.rowid ORDER BY f.rank")
    best: dict[str, _Match] = {}
    for r in store.query(sql, params):
        if r["arxiv_id"] not in best:
            best[r["arxiv_id"]] = _Match(r["arxiv_id"], r["lang"], r["date"], r["domain"], r["report_key"], r["rank"])
    hits = (_hit(store, m, parsed) for m in list(best.values())[:limit])
    return [h for h in hits if h is not None]


@dataclass(frozen=True)
class _Match:
    """A document of the index that matched a query."""

    arxiv_id: str
    lang: str
    date: str | None
    domain: str
    report_key: str | None
    rank: float  # bm25: lower is better


def _hit(store: Store, match: _Match, parsed: ParsedQuery) -> SearchHit | None:
    paper = store.get_paper(match.arxiv_id)
    if paper is None:
        return None  # the index names a paper the store does not have
    stored = store.get_report(match.report_key, include_failed=True) if match.report_key else None
    fields = _fields_of(paper, stored.written.report if stored else None)
    field, snippet, spans = make_snippet(fields, parsed)
    return SearchHit(
        date=match.date,
        arxiv_id=match.arxiv_id,
        title=paper.title,
        snippet=snippet,
        highlights=spans,
        score=round(-match.rank, 4),
        domain=match.domain,
        lang=match.lang,
        field=field,
    )


def highlight_pattern(parsed: ParsedQuery) -> re.Pattern[str] | None:
    """A regex finding the query's terms in original text (CJK runs literally, words by stem)."""
    alts = [re.escape(run) for run in sorted(set(parsed.cjk), key=len, reverse=True)]
    for word in sorted(set(parsed.words), key=len, reverse=True):
        alts.append(rf"(?<![^\W_]){re.escape(_stem(word))}[^\W_{_CJK}]*")
    return re.compile("|".join(alts), re.IGNORECASE) if alts else None


def _stem(word: str) -> str:
    """A rough stem for highlighting (the index itself uses FTS5's Porter stemmer)."""
    for suffix in ("ations", "ation", "ings", "ing", "ive", "ers", "er", "ies", "es", "ed", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def make_snippet(fields: dict[str, str], parsed: ParsedQuery) -> tuple[str, str, list[tuple[int, int]]]:
    """Pick the field with the most distinct hits and cut a window around its first hit."""
    pattern = highlight_pattern(parsed)
    best_field, best_hits = "", 0
    if pattern:
        for name in SNIPPET_ORDER:
            found = {m.group().lower() for m in pattern.finditer(fields.get(name, ""))}
            if len(found) > best_hits:
                best_field, best_hits = name, len(found)
    if not best_field:
        best_field = next((n for n in SNIPPET_ORDER if fields.get(n)), "title")
    text = " ".join(fields.get(best_field, "").split())
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > 30:
        start = first.start() - 30
        space = text.rfind(" ", start - 12, start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", end - 15, end)
        end = space if space > start else end
    window = text[start:end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    snippet = prefix + window + suffix
    spans: list[tuple[int, int]] = []
    for m in pattern.finditer(window) if pattern else ():
        s, e = m.start() + len(prefix), m.end() + len(prefix)
        if spans and not snippet[spans[-1][1] : s].strip():
            spans[-1] = (spans[-1][0], e)  # "speculative decoding" is one mark, not two
        elif e > s:
            spans.append((s, e))
    return best_field, snippet, spans


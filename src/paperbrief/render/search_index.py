"""The static site's search index: sharded JSON files that static/search.js looks tokens up in.

Layout under `<site>/search/`:
- `meta.json`: {"format", "shards", "chunk", "docs", "limit"}
- `t/<n>.json`: {token: [title_postings, body_postings]} for the tokens whose FNV-1a hash
  falls in shard n; postings are delta-encoded document numbers.
- `d/<k>.json`: documents k*chunk .. k*chunk+chunk-1, each [arxiv_id, date, title, domain, summary].

Tokens are `paperbrief.search.site_tokens`: lowercase words and CJK bigrams, so `投机解码`
and `speculative decoding` find the same paper, as on the command line. A query loads
one small shard per token and one document chunk per page of results, so a year of
papers stays cheap to search on any static host.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from paperbrief.search import site_tokens

FORMAT = 1
CHUNK = 200
RESULT_LIMIT = 50


@dataclass
class IndexDoc:
    arxiv_id: str
    date: str
    title: str
    domain: str
    summary: str
    body: str  # the searchable text besides the title


def shard_of(token: str, shards: int) -> int:
    """FNV-1a (32 bit) over code points, modulo `shards`; search.js computes the same."""
    h = 0x811C9DC5
    for ch in token:
        h ^= ord(ch)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h % shards


def shard_count(postings: int) -> int:
    """About 20,000 postings per shard, as a power of two between 16 and 1024."""
    n = 16
    while n < 1024 and postings / n > 20_000:
        n *= 2
    return n


def _dump(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def build_index(docs: list[IndexDoc]) -> dict[str, bytes]:
    """Every file of the index, by path relative to the site root. Documents keep list order."""
    title_post: defaultdict[str, list[int]] = defaultdict(list)
    body_post: defaultdict[str, list[int]] = defaultdict(list)
    total = 0
    for n, doc in enumerate(docs):
        title = site_tokens(doc.title)
        for tok in title:
            title_post[tok].append(n)
        body = site_tokens(doc.body) - title
        for tok in body:
            body_post[tok].append(n)
        total += len(title) + len(body)

    shards = shard_count(total)
    tables: list[dict[str, list[list[int]]]] = [{} for _ in range(shards)]
    for tok in sorted(title_post.keys() | body_post.keys()):
        tables[shard_of(tok, shards)][tok] = [_delta(title_post.get(tok, [])), _delta(body_post.get(tok, []))]

    files: dict[str, bytes] = {
        "search/meta.json": _dump(
            {"format": FORMAT, "shards": shards, "chunk": CHUNK, "docs": len(docs), "limit": RESULT_LIMIT}
        )
    }
    for i, table in enumerate(tables):
        files[f"search/t/{i}.json"] = _dump(table)
    for k in range(0, len(docs), CHUNK):
        files[f"search/d/{k // CHUNK}.json"] = _dump(
            [[d.arxiv_id, d.date, d.title, d.domain, d.summary] for d in docs[k : k + CHUNK]]
        )
    return files


def _delta(ids: list[int]) -> list[int]:
    out, prev = [], 0
    for i in ids:
        out.append(i - prev)
        prev = i
    return out

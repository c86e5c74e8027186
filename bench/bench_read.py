"""Benchmark the readers: HTML parsing speed against BeautifulSoup (and lxml), and a fully cached `read`.

    python bench/bench_read.py [--rounds N]

Prints documents per second for paperbrief's parser (selectolax/Lexbor, full structure)
on the HTML fixtures as the arXiv replica serves them (with arXiv's chrome) and on the
real arXiv page when present (found as tests/testdata.py says); the same for BeautifulSoup's
`html.parser` doing only a plain `get_text()`; their ratio; lxml's `text_content()` as a
second reference; and the wall time of reading every fixture again from a warm cache.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from paperbrief.config import Settings
from paperbrief.http import Fetcher
from paperbrief.readers import read
from paperbrief.readers.html import parse_html
from paperbrief.replica import Replica, fixtures

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from testdata import REAL_PAGE


def served_pages(replica: Replica) -> dict[str, bytes]:
    """Every HTML page the arXiv replica serves (fixtures and template-filled papers), chrome included."""
    service = replica.services["arxiv"]
    pages = {}
    for arxiv_id in sorted(service.papers):  # type: ignore[attr-defined]
        page = service.page(arxiv_id)  # type: ignore[attr-defined]
        if page is not None:
            pages[arxiv_id] = page.encode("utf-8")
    return pages


def docs_per_second(fn, pages: list[bytes], rounds: int) -> float:
    """Best of `rounds` passes over all pages (best-of hides noise from the other core's work)."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for page in pages:
            fn(page)
        times.append(time.perf_counter() - t0)
    return len(pages) / min(times)


def bs4_text(page: bytes) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(page, "html.parser").get_text()


def lxml_text(page: bytes) -> str:
    import lxml.html

    return lxml.html.fromstring(page).text_content()


def lxml_parse(page: bytes) -> object:
    import lxml.html

    return lxml.html.fromstring(page)


def row(name: str, ours: float, bs4: float, lxml: float | None) -> str:
    lx = f"{lxml:10.1f}" if lxml is not None else f"{'-':>10}"
    return f"{name:<28}{ours:12.1f}{bs4:12.1f}{ours / bs4:9.1f}x{lx}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    try:
        import lxml.html  # noqa: F401

        have_lxml = True
    except ImportError:
        have_lxml = False

    with Replica() as replica, tempfile.TemporaryDirectory() as tmp:
        pages = served_pages(replica)
        fixture_pages = [pages[i] for i in fixtures.html_fixture_ids() if i in pages]
        sets = {
            f"hand-made fixtures ({len(fixture_pages)})": fixture_pages,
            f"all served pages ({len(pages)})": list(pages.values()),
        }
        if REAL_PAGE is not None:
            sets["real page 2501.11120v1"] = [REAL_PAGE.read_bytes()]
        parse_only: list[tuple[str, list[bytes], int]] = []
        print(f"HTML parsing, documents/second (best of {args.rounds} passes)")
        print(f"{'pages':<28}{'paperbrief':>12}{'bs4 text':>12}{'ratio':>10}{'lxml text':>10}")
        for name, batch in sets.items():
            size_kb = statistics.mean(len(p) for p in batch) / 1024
            rounds = args.rounds if len(batch) > 1 else args.rounds * 4
            ours = docs_per_second(lambda p: parse_html(p), batch, rounds)
            soup = docs_per_second(bs4_text, batch, rounds)
            lx = docs_per_second(lxml_text, batch, rounds) if have_lxml else None
            print(row(name, ours, soup, lx) + f"   (mean {size_kb:.0f} KB)")
            parse_only.append((name, batch, rounds))
        print()
        print("parse only, no extraction, documents/second: why selectolax (Lexbor) over lxml")
        print(f"{'pages':<28}{'selectolax':>12}{'lxml':>12}")
        for name, batch, rounds in parse_only:
            lexbor = docs_per_second(LexborHTMLParser, batch, rounds)
            lx = docs_per_second(lxml_parse, batch, rounds) if have_lxml else float("nan")
            print(f"{name:<28}{lexbor:12.1f}{lx:12.1f}")

        # A fully cached read of every fixture paper: fill the cache once, then read all again.
        settings = Settings(
            hf_endpoint=replica.url,
            arxiv_url=replica.url,
            arxiv_export_url=replica.url + "/api/query",
            arxiv_delay=0,
            home=Path(tmp),
        )
        ids = sorted(fixtures.manifest())
        with Fetcher(settings) as fetcher:
            t0 = time.perf_counter()
            for arxiv_id in ids:
                read(arxiv_id, settings, fetcher)
            cold = time.perf_counter() - t0
        replica.reset_counts()
        with Fetcher(settings) as fetcher:
            t0 = time.perf_counter()
            sources: dict[str, int] = {}
            for arxiv_id in ids:
                doc = read(arxiv_id, settings, fetcher)
                sources[doc.source] = sources.get(doc.source, 0) + 1
            warm = time.perf_counter() - t0
            made = fetcher.requests_made
        print()
        print(f"read of all {len(ids)} fixture papers ({', '.join(f'{k} {v}' for k, v in sorted(sources.items()))}):")
        print(f"  first read (replica, arxiv_delay 0): {cold:.2f} s")
        print(f"  fully cached read:                   {warm:.2f} s  ({made} requests, {replica.count()} at the replica)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

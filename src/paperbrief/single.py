"""One paper, as `paperbrief write` writes it: read, write, check and store it like the daily run.

The document and the report go into the same store as `paperbrief run`'s, under the same
keys, so a second `write` of the paper (or a `run` of its day afterwards) reuses them and
asks the LLM nothing; `force` reads and writes again. For an arXiv id, Hugging Face's entry
for the paper (`/api/papers/<id>`) gives the code and project links a run would know from the
day's listing, so both arrive at the same report key. A local file is written (and stored)
under the arXiv id its name gives, and only written, not stored, when it has none.

The report is claimed in the store before the LLM is asked (paperbrief.claims), as a run claims
its papers: a `write` and a `run` (or two `write`s) of the same paper at once pay the LLM once,
the second waiting for the first one's report.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from paperbrief.checks import check_report
from paperbrief.claims import holding, stored_report
from paperbrief.config import Settings
from paperbrief.costs import cost_usd
from paperbrief.models import Document, ListedPaper, WrittenReport
from paperbrief.store import Store, document_hash, report_key


@dataclass
class SingleResult:
    doc: Document
    written: WrittenReport
    reused: bool = False  # the stored report of the same document, prompt, model, language and links
    older_prompt: bool = False  # ... written with an older prompt version (kept, not paid for again)


def write_single(ref: str, settings: Settings, *, lang: str, stream: bool = False, force: bool = False,
                 rewrite_older_prompts: bool = False,
                 on_wait: Callable[[str, str | None], None] | None = None) -> SingleResult:
    """Read `ref` (arXiv id, URL or local file) and return its report, stored or newly written and stored.

    `on_wait(arxiv_id, holder)` is told once when another process is writing the same report (this
    one waits for it and reuses it). Raises readers.ReadError / http.FetchError when the paper cannot
    be read.
    """
    from paperbrief.http import Fetcher
    from paperbrief.pipeline import older_prompt_report
    from paperbrief.readers import read, resolve
    from paperbrief.readers.ids import ArxivId
    from paperbrief.sources import paper_info
    from paperbrief.writer import prompt_version

    started = time.time()  # with `force`, a report stored after this (by another process) is reused

    target = resolve(ref, settings)
    writer = "llm" if settings.llm_configured else "extractive"
    model = settings.model if writer == "llm" else "extractive"
    pv = prompt_version(lang, writer)
    with Store(settings.db_path) as store, Fetcher(settings) as fetcher:
        listed: ListedPaper | None = None
        doc: Document | None = None
        doc_hash = ""
        if isinstance(target, ArxivId):
            listed = store.get_paper(target.id) or paper_info(target.id, settings, fetcher)
            stored = None if force or target.version else store.latest_document(target.id)
            if stored is not None and stored[1].source in ("HTML", "PDF"):  # full text; an abstract is read again
                doc_hash, doc = stored
        if doc is None:
            doc = read(ref, settings, fetcher, listed=listed, listing_fallback=False)
            if isinstance(target, ArxivId):
                doc.arxiv_id = doc.arxiv_id or target.id
            doc_hash = store.save_document(doc) if doc.arxiv_id else document_hash(doc)
        links = listed.known_links() if listed is not None else []
        key = report_key(doc_hash, pv, model, lang, links)
        if not force:
            kept = store.get_report(key)
            if kept is not None:
                return SingleResult(doc, kept.written, reused=True)
            if writer == "llm" and not rewrite_older_prompts:
                older = older_prompt_report(store, doc_hash, pv, model, lang, links)
                if older is not None:
                    return SingleResult(doc, older, reused=True, older_prompt=True)
        if not doc.arxiv_id:  # a local file with no arXiv id: written, not stored, so nothing to share
            return SingleResult(doc, _write(doc, settings, lang, links, stream))
        aid = doc.arxiv_id

        def waiting(holder: str | None) -> None:
            if on_wait is not None:
                on_wait(aid, holder)

        # claimed like a run's paper: a `run` or another `write` writing it now is waited for, not paid again
        with holding(store, key, subject=aid, kind="report", done=stored_report(key, started if force else 0.0),
                     on_wait=waiting) as found:
            if found is not None:
                return SingleResult(doc, found.written, reused=True)
            written = _write(doc, settings, lang, links, stream)
            store.save_report(key, doc_hash, written)
            prices = settings.prices
            store.record_calls(None, aid, written.calls, cost_of=lambda c: cost_usd(
                prices, c.model, c.tokens_in, c.tokens_out, c.cached_tokens))
        return SingleResult(doc, written)


def _write(doc: Document, settings: Settings, lang: str, links: list[str], stream: bool) -> WrittenReport:
    from paperbrief.writer import write_report

    written = check_report(write_report(doc, settings, lang=lang, known_links=links, stream=stream), doc)
    written.arxiv_id = doc.arxiv_id
    return written


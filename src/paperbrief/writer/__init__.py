"""Write the per-paper report: the LLM writer when an endpoint is configured, else the extractive one.

    write_report(doc, settings, lang="zh", known_links=(), client=None) -> WrittenReport

Never raises for a paper-level problem: a failed paper has report=None and a typed
`failure`. Checking the numbers is the next stage's job (`checks.check_report`).
Thread-safe: the daily run calls it from several threads at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from paperbrief.config import Settings
from paperbrief.models import PROVENANCE_OF_SOURCE, Document, Failure, WrittenReport, as_lang
from paperbrief.writer.prompts import prompt_version as _llm_prompt_version

EXTRACTIVE_VERSION = "extractive-3"  # bump when the extractive writer changes what it picks

__all__ = ["EXTRACTIVE_VERSION", "prompt_version", "write_report"]


def prompt_version(lang: str, writer: str = "llm") -> str:
    """The version recorded with a report: the prompt template's for the LLM writer."""
    return EXTRACTIVE_VERSION if writer == "extractive" else _llm_prompt_version(lang)


def write_extractive(doc: Document, *, lang: str = "zh", known_links: Sequence[str] = ()) -> WrittenReport:
    """The extract report of `doc` (the paper's own sentences, no LLM)."""
    from paperbrief.writer.extractive import extract_report

    written = WrittenReport(
        arxiv_id=doc.arxiv_id,
        provenance=PROVENANCE_OF_SOURCE[doc.source],
        lang=as_lang(lang),
        writer="extractive",
        model="extractive",
        prompt_version=EXTRACTIVE_VERSION,
    )
    try:
        written.report = extract_report(doc, lang, known_links)
    except Exception as e:
        written.failure = Failure(kind="writer_crashed", detail=f"extractive writer: {type(e).__name__}: {e}"[:200])
    return written


def write_report(
    doc: Document,
    settings: Settings,
    *,
    lang: str = "zh",
    known_links: Sequence[str] = (),
    client: Any = None,
    stream: bool = False,
) -> WrittenReport:
    """The report of `doc` in `lang` (not yet checked); never raises for one paper's failure."""
    as_lang(lang)
    if settings.llm_configured or client is not None:
        from paperbrief.writer.llm import write_llm

        return write_llm(doc, settings, lang=lang, known_links=known_links, client=client, stream=stream)
    return write_extractive(doc, lang=lang, known_links=known_links)

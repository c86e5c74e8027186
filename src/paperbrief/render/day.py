"""The day's files: `<date>.md` and `<date>.json`, built from the store alone.

`paperbrief run` and `paperbrief render` both end here, so a rebuilt day is
byte-identical to the run's output (timings aside). Files are written to a
temporary file and renamed into place, so no half-written report is ever left.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from paperbrief.costs import Prices, cost_usd, total_cost, usage_cost
from paperbrief.embeddings import PROMPT_VERSION as EMBEDDINGS_PROMPT
from paperbrief.files import write_atomic
from paperbrief.messages import describe_failure, describe_kept, describe_source, msg
from paperbrief.models import DayEntry, ListedPaper, LLMCall
from paperbrief.render.markdown import md_safe, paper_markdown
from paperbrief.store import OrderedPaper, Store

if TYPE_CHECKING:
    from paperbrief.rank import Relevance
    from paperbrief.synthesis import Synthesis

SEPARATOR = "=" * 60
HF_PAPERS = "https://huggingface.co/papers"
ARXIV = "https://arxiv.org"
SOURCES = ("HTML", "PDF", "ArXiv Abs")


@dataclass
class Day:
    date: str
    lang: str
    entries: list[DayEntry] = field(default_factory=list)
    listed: int = 0  # papers in the day's listing; more than len(entries) when only some were run
    run: dict[str, Any] = field(default_factory=dict)  # timings of the run that last touched the day
    sort: str = "listing"  # the order of the entries: listing | upvotes | relevance
    top: int | None = None  # with --top: only the best `top` papers have a block, `others` are listed
    others: list[ListedPaper] = field(default_factory=list)  # listed papers left out by --top, in order
    relevance: dict[str, Relevance] | None = None  # per arXiv id, when interests are configured
    relevance_method: str = ""
    last_run: dict[str, Any] = field(default_factory=dict)  # the stats of that run (its sort and top)
    overview: Synthesis | None = None  # the "今日速览 / Today" part; None gives the bare seed shape
    embeddings: list[LLMCall] = field(default_factory=list)  # the embeddings requests of the day's runs (ranking)

    @property
    def source_url(self) -> str:
        return f"{HF_PAPERS}/date/{self.date}"


def load_day(store: Store, date: str, lang: str) -> Day | None:
    """The day as stored: listed papers that have a report in `lang`, in listing order."""
    entries = store.day_entries(date, lang)
    if entries is None:
        return None
    listed = store.query("SELECT paper_count FROM days WHERE date = ?", (date,))[0][0]
    day = Day(date=date, lang=lang, entries=entries, listed=listed,
              embeddings=store.day_calls(date, lang, EMBEDDINGS_PROMPT))
    # the newest finished run that got to the papers (one stopped while ranking the day has no "papers")
    runs = [r for r in store.runs(limit=200, date=date, lang=lang) if r.finished_at and "papers" in r.stats]
    finished = runs[0].finished_at if runs else None
    if finished is not None:
        r = runs[0]
        day.last_run = r.stats
        day.run = {
            "run_id": r.id,
            "started_at": r.started_at,
            "finished_at": finished,
            "elapsed_s": round(finished - r.started_at, 3),
        }
    return day


def arrange(day: Day, listing: list[ListedPaper], sort: str = "listing", top: int | None = None,
            relevance: dict[str, Relevance] | None = None, method: str = "", chosen: Collection[str] | None = None
            ) -> Day:
    """Put the day's entries in the chosen order; with `top`, keep the best `top` and list the rest.

    `chosen` (a run's: the papers it wrote) are the papers with a block under `top`; without it, the
    best `top` papers that have a report, so a paper with a stored report never gives way to one without."""
    from paperbrief.rank import order

    ordered = order(listing, sort, relevance)
    by_id = {e.paper.arxiv_id: e for e in day.entries}
    if top:
        if chosen is None:
            chosen = [p.arxiv_id for p in ordered if p.arxiv_id in by_id][:top]
        picked = set(chosen)
        day.entries = [by_id[p.arxiv_id] for p in ordered if p.arxiv_id in picked and p.arxiv_id in by_id]
        day.others = [p for p in ordered if p.arxiv_id not in picked]
    else:
        day.entries = [by_id[p.arxiv_id] for p in ordered if p.arxiv_id in by_id]
        day.others = []
    day.sort, day.top, day.relevance, day.relevance_method = sort, top, relevance, method
    return day


def record_order(store: Store, run_id: int, day: Day) -> None:
    """Store the arranged day as run `run_id` wrote it (migration 011_day_order), for `recorded_order`."""
    papers = [(e.paper.arxiv_id, True) for e in day.entries] + [(p.arxiv_id, False) for p in day.others]
    store.save_day_order(run_id, [OrderedPaper(aid, shown, *_relevance_of(day, aid)) for aid, shown in papers])


def _relevance_of(day: Day, arxiv_id: str) -> tuple[float | None, list[dict[str, Any]] | None, str | None]:
    if day.relevance is None:
        return None, None, None
    r = day.relevance.get(arxiv_id)
    return (r.score if r else 0.0), [m.to_json() for m in r.matched] if r else [], day.relevance_method


@dataclass
class RecordedOrder:
    """The day's files as the last run wrote them: papers with a block, papers only listed, their relevance."""

    shown: list[str]
    others: list[str]
    relevance: dict[str, Relevance] | None
    method: str


def recorded_order(store: Store, day: Day) -> RecordedOrder | None:
    """What the run that last wrote the day recorded (`record_order`); None for a day written before
    011_day_order or by a run that stopped before writing its files."""
    from paperbrief.rank import Match, Relevance

    run_id = day.run.get("run_id")
    if run_id is None:
        return None
    papers = store.day_order(run_id)
    if not papers:
        return None
    scored = any(p.score is not None for p in papers)
    relevance = {p.arxiv_id: Relevance(p.score, [Match.from_json(m) for m in p.matched or []], p.method or "")
                 for p in papers if p.score is not None} if scored else None
    return RecordedOrder([p.arxiv_id for p in papers if p.shown], [p.arxiv_id for p in papers if not p.shown],
                         relevance, next((p.method or "" for p in papers if p.method is not None), ""))


def apply_order(day: Day, recorded: RecordedOrder, papers: dict[str, ListedPaper], sort: str,
                top: int | None) -> Day:
    """Arrange the day exactly as recorded: the same papers with a block and listed, in the same order."""
    by_id = {e.paper.arxiv_id: e for e in day.entries}
    day.entries = [by_id[aid] for aid in recorded.shown if aid in by_id]
    day.others = [papers[aid] for aid in recorded.others if aid in papers]
    day.sort, day.top, day.relevance, day.relevance_method = sort, top, recorded.relevance, recorded.method
    return day


def source_label(entry: DayEntry, lang: str) -> str:
    """The reading source line of docs/report-format.md (HTML / PDF / ArXiv Abs), or "not read"."""
    return describe_source(entry.written, lang)


def day_markdown(day: Day) -> str:
    """The daily Markdown in the exact shape of docs/report-format.md."""
    parts = [
        "# Hugging Face Daily Papers Report\n"
        f"**Date**: {day.date}\n"
        f"**Source URL**: {day.source_url}\n\n"
    ]
    if day.listed == 0 and not day.entries:  # a weekend or empty day: say so, not a bare header
        parts.append(msg("md.empty_day", day.lang) + "\n\n")
    if day.overview is not None:
        from paperbrief.render.overview import overview_markdown

        parts.append(overview_markdown(day, day.overview) + "\n\n")
    parts.append(f"{SEPARATOR}\n\n")
    for e in day.entries:
        block = paper_markdown(e.paper.title, e.paper.arxiv_id, source_label(e, day.lang), e.written, lang=day.lang,
                               note=kept_note(e, day.lang))
        parts.append(block.rstrip("\n") + f"\n\n\n{SEPARATOR}\n\n")
    return "".join(parts).rstrip("\n") + "\n"


def kept_note(entry: DayEntry, lang: str) -> str:
    """For a report kept from before because the newest attempt failed: the Markdown line that says so, else ""."""
    note = describe_kept(entry.written, entry.failed_attempt, lang)
    return msg("md.warning", lang, note=md_safe(note)) if note else ""


def paper_links(p: ListedPaper) -> dict[str, str | None]:
    return {
        "hf": f"{HF_PAPERS}/{p.arxiv_id}",
        "arxiv": f"{ARXIV}/abs/{p.arxiv_id}",
        "pdf": f"{ARXIV}/pdf/{p.arxiv_id}",
        "html": f"{ARXIV}/html/{p.arxiv_id}",
        "github": p.github_repo,
        "project_page": p.project_page,
    }


def day_json(day: Day, prices: Prices) -> dict[str, Any]:
    """The daily JSON: the day's figures and, per paper, metadata, report and grounding."""
    papers = []
    sources = {s: 0 for s in SOURCES}
    tokens_in = tokens_out = tokens_cached = 0
    costs: list[float | None] = []
    models: list[str] = []
    versions: list[str] = []
    failures = []
    kept = []  # reports kept from before because the newest attempt failed
    for e in day.entries:
        w = e.written
        attempt = e.failed_attempt
        if attempt is not None:
            kept.append({"arxiv_id": e.paper.arxiv_id, "model": attempt.model,
                         "kind": attempt.failure.kind if attempt.failure else "unknown",
                         "reason": describe_failure(attempt.failure, day.lang), "kept_model": w.model})
        if e.read_ok:
            sources[w.source] = sources.get(w.source, 0) + 1
        tokens_in += w.tokens_in
        tokens_out += w.tokens_out
        tokens_cached += w.cached_tokens
        costs.append(cost_usd(prices, w.model, w.tokens_in, w.tokens_out, w.cached_tokens))
        if w.model and w.model not in models:
            models.append(w.model)
        if w.prompt_version and w.prompt_version not in versions:
            versions.append(w.prompt_version)
        failure = w.failure
        if w.failed:
            failures.append({"arxiv_id": e.paper.arxiv_id, "kind": failure.kind if failure else "unknown",
                             "reason": describe_failure(failure, day.lang)})
        papers.append(
            {
                "arxiv_id": e.paper.arxiv_id,
                "title": e.paper.title,
                "authors": e.paper.authors,
                "upvotes": e.paper.upvotes,
                "links": paper_links(e.paper),
                "github_repo": e.paper.github_repo,
                "project_page": e.paper.project_page,
                "source": w.source if e.read_ok else None,
                "provenance": w.provenance if e.read_ok else None,
                "writer": w.writer,
                "model": w.model,
                "prompt_version": w.prompt_version,
                "lang": w.lang,
                "report": w.report.model_dump() if w.report else None,
                "ungrounded_numbers": w.ungrounded_numbers,
                "misattributed_numbers": w.misattributed_numbers,
                "flags": w.flags,
                "tokens_in": w.tokens_in,
                "tokens_out": w.tokens_out,
                "failure": failure.model_dump() if failure else None,
                "error": failure.describe(day.lang) if failure else None,
                "failed_attempt": {"model": attempt.model, "prompt_version": attempt.prompt_version,
                                   "failure": attempt.failure.model_dump() if attempt.failure else None,
                                   "reason": describe_failure(attempt.failure, day.lang)} if attempt else None,
                **_relevance_json(day, e.paper.arxiv_id),
            }
        )
    extra: dict[str, Any] = {"sort": day.sort}
    if day.top:
        extra["top"] = day.top
        extra["others"] = [
            {"arxiv_id": p.arxiv_id, "title": p.title, "upvotes": p.upvotes, "abstract": one_line_abstract(p.abstract),
             "links": paper_links(p), **_relevance_json(day, p.arxiv_id)}
            for p in day.others
        ]
    if day.relevance is not None:
        extra["relevance_method"] = day.relevance_method
    if day.overview is not None:
        extra["overview"] = day.overview.to_json()
    # the day's LLM spending: the reports shown, the overview (its tokens are in no report) and the
    # embeddings the day's runs asked for to rank its papers
    ov = day.overview
    usage = {
        "reports": {"in": tokens_in, "out": tokens_out, "cached": tokens_cached, "cost_usd": total_cost(costs)},
        "overview": {"in": ov.tokens_in if ov else 0, "out": ov.tokens_out if ov else 0,
                     "cached": ov.cached_tokens if ov else 0, "cost_usd": usage_cost(prices, ov) if ov else 0.0},
        "embeddings": {"in": sum(c.tokens_in for c in day.embeddings), "out": sum(c.tokens_out for c in day.embeddings),
                       "cached": sum(c.cached_tokens for c in day.embeddings),
                       "cost_usd": total_cost(usage_cost(prices, c) for c in day.embeddings)},
    }
    return {
        "date": day.date,
        "source_url": day.source_url,
        "lang": day.lang,
        "model": ", ".join(models),
        "prompt_version": ", ".join(versions),
        "counts": {
            "listed": day.listed,
            "papers": len(day.entries),
            "written": len(day.entries) - len(failures),
            "failed": len(failures),
            "kept_after_failure": len(kept),
            "sources": sources,
        },
        "tokens": {k: sum(part[k] for part in usage.values()) for k in ("in", "out", "cached")},
        "cost_usd": total_cost(part["cost_usd"] for part in usage.values()),
        "llm_usage": usage,
        "timings": day.run,
        "failures": failures,
        "kept_after_failure": kept,
        **extra,
        "papers": papers,
    }


def _relevance_json(day: Day, arxiv_id: str) -> dict[str, Any]:
    """`relevance` and `matched` of a paper, present only when interests are configured."""
    if day.relevance is None:
        return {}
    r = day.relevance.get(arxiv_id)
    return {"relevance": r.score if r else 0.0, "matched": [m.to_json() for m in r.matched] if r else []}


def one_line_abstract(abstract: str, limit: int = 200) -> str:
    """The abstract's first sentence (cut at `limit` characters) on one line."""
    text = " ".join((abstract or "").split())
    m = re.match(r"(.+?[.!?。！？])(?:\s|$)", text)
    first = m.group(1) if m else text
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def day_file_stem(date: str, lang: str) -> str:
    """`2026-02-08` for Chinese (the default), `2026-02-08.en` for English, so both can share a folder."""
    return date if lang == "zh" else f"{date}.{lang}"


def write_day_files(day: Day, out: Path, prices: Prices) -> tuple[Path, Path]:
    """Write `<date>.md` and `<date>.json` (`<date>.en.*` in English) into `out`; returns their paths."""
    stem = day_file_stem(day.date, day.lang)
    md_path = out / f"{stem}.md"
    json_path = out / f"{stem}.json"
    write_atomic(md_path, day_markdown(day))
    write_atomic(json_path, json.dumps(day_json(day, prices), ensure_ascii=False, indent=2) + "\n")
    return md_path, json_path

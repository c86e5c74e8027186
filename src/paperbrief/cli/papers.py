"""`paperbrief list` and `paperbrief read`: the sources and readers stages."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from paperbrief.cli.app import (
    SORT_HELP,
    app,
    check_sort,
    err_console,
    fail,
    interest_flags,
    out_console,
    print_json,
    require_relevance_interests,
    settings_from,
    warn,
)
from paperbrief.config import Settings
from paperbrief.models import Document, ListedPaper

if TYPE_CHECKING:
    from paperbrief.rank import Relevance


@app.command("list")
def list_papers(
    date: str = typer.Option(
        None, "--date", "-d", help="Day to list: YYYY-MM-DD, today or yesterday. Default: the latest day with papers."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list of papers instead of a table."),
    sort: str = typer.Option(None, "--sort", help=SORT_HELP + " Default: the sort setting (listing)."),
    keyword: list[str] = typer.Option(None, "--keyword", "-k", help="An interest keyword (repeat, or comma-separate)."),
    author: list[str] = typer.Option(None, "--author", help="An author you follow (repeatable)."),
    exclude: list[str] = typer.Option(None, "--exclude", help="A phrase that pushes a paper down (repeatable)."),
    papers: list[str] = typer.Option(None, "--papers", help="Your library: arXiv ids or BibTeX/Zotero files."),
) -> None:
    """List a day's Hugging Face Daily Papers: arXiv id, upvotes, relevance (with [interests]), title."""
    from paperbrief.dates import BadDate, parse_day
    from paperbrief.http import Fetcher
    from paperbrief.sources import SourceError, list_day

    day = None
    if date is not None:
        try:
            day = parse_day(date)
        except BadDate as e:
            fail(str(e))
    check_sort(sort)
    settings = settings_from(sort=sort, **interest_flags(keyword, author, exclude, papers))
    require_relevance_interests(settings)
    with Fetcher(settings) as fetcher:
        try:
            if day is None:
                from paperbrief.pipeline import RunError, find_latest_day

                try:
                    listing = find_latest_day(settings, fetcher)
                except RunError as e:
                    fail(str(e))
            else:
                listing = list_day(day, settings, fetcher)
        except SourceError as e:
            fail(str(e))
    for warning in listing.warnings:
        warn(warning)
    scores = _relevance(settings, listing.papers)
    from paperbrief.rank import order

    ordered = order(listing.papers, settings.sort, scores)
    if not listing.papers:
        from datetime import date as Date

        weekend = Date.fromisoformat(listing.date).weekday() >= 5
        why = "weekends are empty on Hugging Face" if weekend else "nothing submitted yet, or a holiday"
        err_console.print(f"no papers listed for {listing.date} ({why})", highlight=False)
    if as_json:
        rows = []
        for p in ordered:
            row = p.model_dump(mode="json")
            if scores is not None:
                r = scores.get(p.arxiv_id)
                row["relevance"] = r.score if r else 0.0
                row["matched"] = [m.to_json() for m in r.matched] if r else []
            rows.append(row)
        print_json(rows)
        return
    if not listing.papers:
        return

    def rel(arxiv_id: str) -> list[str]:
        if scores is None:
            return []
        r = scores.get(arxiv_id)
        return [f"{r.score:.2f}" if r else "0.00"]

    if sys.stdout.isatty():
        from rich.table import Table

        table = Table(title=f"Hugging Face Daily Papers, {listing.date} ({len(listing.papers)})", title_justify="left")
        table.add_column("#", justify="right", style="dim")
        table.add_column("arXiv id", no_wrap=True)
        table.add_column("▲", justify="right")
        if scores is not None:
            table.add_column("relevance", justify="right")
        table.add_column("Title")
        for i, p in enumerate(ordered, 1):
            table.add_row(str(i), p.arxiv_id, str(p.upvotes), *rel(p.arxiv_id), p.title or "(no title)")
        out_console.print(table)
    else:
        for p in ordered:
            sys.stdout.write("\t".join([p.arxiv_id, str(p.upvotes), *rel(p.arxiv_id), p.title or "(no title)"]) + "\n")
        sys.stdout.flush()


def _relevance(settings: Settings, papers: list[ListedPaper]) -> dict[str, Relevance] | None:
    """Relevance of the listed papers (their stored reports count), or None without interests."""
    if not settings.interests.configured:
        return None
    from paperbrief.interests import LibraryError
    from paperbrief.rank import rank_day
    from paperbrief.store import Store

    try:
        with Store(settings.db_path) as store:
            ranking = rank_day(settings, store, papers, settings.lang)
    except LibraryError as e:
        fail(str(e))
    assert ranking is not None
    for w in ranking.warnings:
        warn(w)
    return ranking.scores


@app.command("read")
def read_paper(
    ref: str = typer.Argument(..., help="An arXiv id (2501.11120, 2501.11120v2), an arXiv abs/html/pdf URL, or a local .html/.pdf file."),
    as_json: bool = typer.Option(False, "--json", help="Print the document as one JSON object."),
) -> None:
    """Read one paper (arXiv HTML, else the PDF, else the abstract) and print it as a structured document."""
    from paperbrief.http import ArxivBlocked
    from paperbrief.readers import ReadError, read

    settings = settings_from()
    try:
        doc = read(ref, settings)
    except ArxivBlocked as e:
        fail(str(e))
    except ReadError as e:
        fail(str(e))
    if as_json:
        print_json(doc.model_dump(mode="json"))
    else:
        sys.stdout.write(render_document(doc))
        sys.stdout.flush()


def render_document(doc: Document) -> str:
    """A readable Markdown rendering of a Document (what `paperbrief read` prints)."""
    out: list[str] = [f"# {doc.title or '(no title)'}", ""]
    if doc.authors:
        out += [", ".join(doc.authors), ""]
    meta = [f"source: {doc.source}"]
    if doc.arxiv_id:
        meta.insert(0, f"arXiv: {doc.arxiv_id}")
    out += [" · ".join(meta), ""]
    if doc.abstract:
        out += ["## Abstract", "", doc.abstract, ""]
    appendix_started = False
    for s in doc.sections:
        if s.appendix and not appendix_started:
            appendix_started = True
            out += ["## Appendix", ""]
        level = min(6, s.level + 1 + (1 if s.appendix else 0))
        if s.heading:
            out += [f"{'#' * level} {s.heading}", ""]
        if s.text:
            out += [s.text, ""]
    if doc.tables:
        out += ["## Tables", ""]
        for t in doc.tables:
            out += [f"**{t.caption or 'Table'}**", ""]
            if t.markdown:
                out += [t.markdown, ""]
    if doc.figures:
        out += ["## Figures", ""] + [f"- {f.caption}" for f in doc.figures if f.caption] + [""]
    if doc.footnotes:
        out += ["## Footnotes", ""] + [f"{i}. {n}" for i, n in enumerate(doc.footnotes, 1)] + [""]
    if doc.links:
        out += ["## Links", ""] + [f"- {u}" for u in doc.links] + [""]
    if doc.references:
        out += ["## References", ""] + [f"{i}. {r}" for i, r in enumerate(doc.references, 1)] + [""]
    return "\n".join(out).rstrip() + "\n"

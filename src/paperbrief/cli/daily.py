"""`paperbrief run`, `render`, `runs` and `config`: the daily job and its bookkeeping."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from paperbrief.cli.app import (
    EXIT_CANNOT_START,
    EXIT_NOT_DELIVERED,
    EXIT_OK,
    EXIT_PAPERS_FAILED,
    SORT_HELP,
    app,
    check_lang,
    check_sort,
    ensure_writable,
    err_console,
    fail,
    interest_flags,
    out_console,
    print_json,
    print_rows,
    require_relevance_interests,
    require_usable_llm,
    settings_from,
)

if TYPE_CHECKING:
    from paperbrief.config import Settings
    from paperbrief.pipeline import Reporter, RunResult

LANG_HELP = "Report language: zh (Chinese, default) or en."


def _check_date(text: str | None) -> str | None:
    from paperbrief.dates import BadDate, parse_day

    if text is None:
        return None
    try:
        return parse_day(text).isoformat()
    except BadDate as e:
        fail(str(e))


def _one_date(argument: str | None, option: str | None) -> str | None:
    """The day given as an argument or as --date (both only when they agree)."""
    if argument is not None and option is not None and argument != option:
        fail(f"two days given ({argument} and --date {option}); give one")
    return argument if argument is not None else option


@app.command()
def run(
    day_arg: str = typer.Argument(None, metavar="[DATE]", show_default=False,
                                  help="Day to run, as an argument instead of --date."),
    date: str = typer.Option(None, "--date", "-d", help="Day to run: YYYY-MM-DD, today or yesterday. "
                             "Default: the most recent day that has papers."),
    out: Path = typer.Option(None, "--out", "-o", help="Folder for <date>.md and <date>.json (default ./reports)."),
    lang: str = typer.Option(None, "--lang", help=LANG_HELP),
    jobs: int = typer.Option(None, "--jobs", "-j", help="Concurrent LLM calls (default 4)."),
    ids: str = typer.Option(None, "--ids", help="Only these arXiv ids of the day, comma-separated."),
    limit: int = typer.Option(None, "--limit", help="Only the first N papers of the day."),
    model: str = typer.Option(None, "--model", help="LLM model name (default from PAPERBRIEF_MODEL)."),
    force: bool = typer.Option(False, "--force", help="Read and write every paper again, even if stored."),
    rewrite_older: bool = typer.Option(False, "--rewrite-older-prompts",
                                       help="Write again the stored reports made with an older prompt version "
                                            "(they are kept otherwise)."),
    sort: str = typer.Option(None, "--sort", help=SORT_HELP + " Default: the sort setting (listing)."),
    top: int = typer.Option(None, "--top", help="Write reports only for the N best papers by --sort; the rest are "
                            "listed in the overview with their one-line abstract (no LLM cost)."),
    keyword: list[str] = typer.Option(None, "--keyword", "-k", help="An interest keyword (repeat, or comma-separate)."),
    author: list[str] = typer.Option(None, "--author", help="An author you follow (repeat, or comma-separate)."),
    exclude: list[str] = typer.Option(None, "--exclude", help="A phrase that pushes a paper down (repeatable)."),
    papers: list[str] = typer.Option(None, "--papers", help="Your library: arXiv ids, a BibTeX file or a Zotero "
                                     "CSV/BibTeX export (repeatable)."),
    no_overview: bool = typer.Option(False, "--no-overview", help="No overview and index before the papers "
                                     "(the bare report shape)."),
    send: bool = typer.Option(False, "--send", help="Then send the day to the configured targets (send_to / "
                              "PAPERBRIEF_SEND_TO), each once; see `paperbrief send`."),
    send_updates: bool = typer.Option(False, "--send-updates", help="With --send: send again where the day "
                                      "changed since it was sent."),
) -> None:
    """Write the day's report: list, read, write, check, store, and write <date>.md and <date>.json.

    Exit codes: 0 every paper written (and, with --send, delivered); 1 some papers failed (the files
    are still written); 2 the run could not start (bad date, bad configuration, listing unavailable,
    a bad delivery target); 3 with --send, some target failed (the next run --send retries it).

    Examples:

        paperbrief run

        paperbrief run 2026-02-08 --lang en --out reports

        paperbrief run yesterday --top 10 --sort relevance
    """
    from paperbrief.cli.progress import summary_table
    from paperbrief.pipeline import run_day

    day = _check_date(_one_date(day_arg, date))
    check_lang(lang)
    if limit is not None and limit < 1:
        fail("--limit must be at least 1")
    if top is not None and top < 1:
        fail("--top must be at least 1")
    id_list = [i.strip() for i in (ids or "").split(",") if i.strip()]
    if ids is not None and not id_list:
        fail(f"--ids {ids!r} names no paper; give arXiv ids separated by commas, e.g. --ids 2602.05293,2602.05327")
    check_sort(sort)
    settings = settings_from(out=out, lang=lang, jobs=jobs, model=model, sort=sort,
                             **interest_flags(keyword, author, exclude, papers))
    require_relevance_interests(settings)
    require_usable_llm(settings)
    ensure_writable(settings.out, "the output folder (--out)")
    ensure_writable(settings.home, "the data folder (PAPERBRIEF_HOME)")
    targets = None
    if send:
        from paperbrief.deliver import DeliveryError, resolve_targets

        try:
            targets = resolve_targets(settings, None)
        except DeliveryError as e:
            fail(f"--send: {e}")
    if not settings.llm_configured:
        err_console.print(
            "No LLM endpoint configured (OPENAI_BASE_URL / OPENAI_API_KEY): writing extracts of each paper's "
            "own sentences. Set an endpoint for written reports.", highlight=False)

    result = run_with_display(settings, lambda reporter: run_day(
        settings, day, force=force, ids=id_list, limit=limit, reporter=reporter,
        rewrite_older_prompts=rewrite_older, top=top, overview=not no_overview))
    err_console.print(summary_table(result))
    if targets is not None:
        if not result.outcomes:
            err_console.print(f"No papers for {result.date}: nothing to send.")
        else:
            from paperbrief.cli.deliver import deliver_stored

            sent = deliver_stored(settings, targets, settings.lang, date=result.date, force=False,
                                  send_updates=send_updates)
            if sent.failed:
                err_console.print(f"{len(sent.failed)} of {len(sent.outcomes)} targets failed; the next "
                                  "`paperbrief run --send` or `paperbrief send` retries them.")
                raise typer.Exit(EXIT_NOT_DELIVERED)
    raise typer.Exit(EXIT_PAPERS_FAILED if result.failed else EXIT_OK)


def run_with_display(settings: Settings, start: Callable[[Reporter], RunResult]) -> RunResult:
    """Call `start` with the progress display on a terminal (one log line per event elsewhere).

    A run that cannot start is a one-line error (exit 2); Ctrl-C says how to resume (exit 130).
    """
    from paperbrief.cli.progress import LiveReporter, LogReporter
    from paperbrief.pipeline import RunError

    try:
        if sys.stderr.isatty():
            with LiveReporter(err_console, settings) as live:
                return start(live)
        return start(LogReporter())
    except RunError as e:
        fail(str(e))
    except KeyboardInterrupt:
        err_console.print("Interrupted. Finished papers are stored; run the same command again to complete the day.")
        raise typer.Exit(130) from None


@app.command()
def render(
    day_arg: str = typer.Argument(None, metavar="[DATE]", show_default=False,
                                  help="Day to rebuild, as an argument instead of --date."),
    date: str = typer.Option(None, "--date", "-d", help="Day to rebuild (YYYY-MM-DD); this or DATE is needed."),
    out: Path = typer.Option(None, "--out", "-o", help="Folder for the files (default ./reports)."),
    lang: str = typer.Option(None, "--lang", help=LANG_HELP),
    sort: str = typer.Option(None, "--sort", help=SORT_HELP + " Default: the last run's."),
    top: int = typer.Option(None, "--top", help="Blocks only for the N best papers (default: the last run's)."),
    no_overview: bool = typer.Option(False, "--no-overview", help="No overview and index before the papers."),
) -> None:
    """Rebuild <date>.md and <date>.json from the store: no network, no LLM.

    Examples:

        paperbrief render 2026-02-08

        paperbrief render --date 2026-02-08 --lang en --out reports
    """
    from paperbrief.pipeline import RunError, rerender

    if day_arg is None and date is None:
        fail("which day? give it as DATE or --date, e.g. `paperbrief render 2026-02-08`")
    day = _check_date(_one_date(day_arg, date))
    assert day is not None  # one of DATE and --date was given
    check_lang(lang)
    check_sort(sort)
    if top is not None and top < 1:
        fail("--top must be at least 1")
    settings = settings_from(out=out, lang=lang)
    if sort == "relevance":
        require_relevance_interests(settings)
    ensure_writable(settings.out, "the output folder (--out)")
    try:
        md_path, json_path = rerender(settings, day, sort=sort, top=top, overview=not no_overview)
    except RunError as e:
        fail(str(e))
    out_console.print(f"wrote {md_path} and {json_path}")


@app.command()
def runs(
    limit: int = typer.Option(20, "--limit", help="How many runs to show, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List past runs with their figures."""
    from paperbrief.store import Store

    settings = settings_from()
    if not settings.db_path.exists():
        if as_json:
            print_json([])
        else:
            err_console.print("No runs yet: the store does not exist. Start with `paperbrief run`.")
        return
    with Store(settings.db_path) as store:
        records = store.runs(limit)
    if as_json:
        print_json([r.__dict__ for r in records])
        return
    columns = ("id", "date", "started", "status", "lang", "model", "papers", "failed", "tokens in/out", "cost",
               "elapsed")
    rows = []
    for r in records:
        s = r.stats
        cost = s.get("cost_usd")
        rows.append((
            str(r.id), r.date, datetime.fromtimestamp(r.started_at).strftime("%Y-%m-%d %H:%M"), r.status, r.lang,
            r.model, str(s.get("papers", "")), str(s.get("failed", "")),
            f"{s.get('tokens_in', 0)}/{s.get('tokens_out', 0)}",
            ("?" if cost is None else f"${cost:.4f}") if s else "", f"{s.get('elapsed_s', 0):.1f}s" if s else "",
        ))
    print_rows("paperbrief runs", columns, rows)


@app.command()
def config(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the effective configuration (file < environment < flags), API key masked."""
    settings = settings_from()
    data = settings.masked()
    data["llm_configured"] = settings.llm_configured
    path = settings.config_file
    if as_json:
        print_json({"config_file": str(path), "config_file_exists": path.exists(), "settings": data})
        return
    out_console.print(f"config file: {path}" + ("" if path.exists() else " (absent; defaults used)"))
    table = Table(show_header=True)
    table.add_column("setting")
    table.add_column("value")
    for key, value in data.items():
        if key == "prices":
            value = f"{len(value)} models (see `paperbrief config --json`)"
        table.add_row(key, "" if value is None else str(value))
    out_console.print(table)


__all__ = ["EXIT_CANNOT_START", "config", "render", "run", "runs"]

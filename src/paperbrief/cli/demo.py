"""`paperbrief demo`: a whole day, offline and unconfigured, in one folder (see paperbrief/demo.py)."""

from __future__ import annotations

import shlex
import time
from pathlib import Path

import typer

from paperbrief.cli.app import EXIT_OK, EXIT_PAPERS_FAILED, app, check_lang, err_console, fail, log_into, out_console
from paperbrief.cli.archive import build_site_from_store
from paperbrief.cli.daily import LANG_HELP, run_with_display


@app.command()
def demo(
    out: Path = typer.Option(None, "--out", "-o", help="Folder for the demo: new, empty or a previous demo's "
                             "(default: a new temporary folder, kept)."),
    lang: str = typer.Option("zh", "--lang", help=LANG_HELP, show_default=False),
) -> None:
    """Try paperbrief offline: a whole day of papers, read and written on this machine.

    Local stand-ins of Hugging Face, arXiv and an LLM start inside this command; it reads no
    configuration, needs no network and no API key, and writes only into its folder: the day's
    report, the website and the store. It ends by printing how to serve the website.

    Examples:

        paperbrief demo

        paperbrief demo --out paperbrief-demo --lang en
    """
    from paperbrief.cli.progress import summary_table
    from paperbrief.demo import DEMO_DATE, DemoError, bypass_proxies_for_loopback, demo_settings, prepare_folder
    from paperbrief.pipeline import run_day
    from paperbrief.replica import Replica

    check_lang(lang)
    started = time.monotonic()
    try:
        folder = prepare_folder(out)
    except DemoError as e:
        fail(str(e))
    bypass_proxies_for_loopback()
    err_console.print(f"paperbrief demo: the Daily Papers of {DEMO_DATE} from local stand-ins of Hugging Face, "
                      f"arXiv and an LLM (nothing leaves this machine), into {folder.root}")
    with Replica() as replica:
        settings = demo_settings(folder, replica.url, lang)
        log_into(settings.home, settings.secrets())  # a demo's logs and crash logs stay in its folder
        result = run_with_display(settings, lambda reporter: run_day(settings, DEMO_DATE, reporter=reporter))
    err_console.print(summary_table(result))
    site = build_site_from_store(settings, folder.site, lang=lang)
    elapsed = time.monotonic() - started

    q = shlex.quote
    n = len(result.outcomes)
    md, js = result.md_path, result.json_path
    lines = [
        "",
        f"Demo done in {elapsed:.1f} s: {n} papers of {DEMO_DATE}, read from a local copy of arXiv and written by a",
        "stand-in model that fills the report's shape (placeholder text, not real summaries).",
        "",
        f"  report   {md}" + (f" (and {js.name})" if js else ""),
        f"  website  {folder.site / 'index.html'} ({site.papers} papers, {site.days} day)",
        f"  store    {settings.db_path}",
        "",
        f"See the website:  paperbrief serve --out {q(str(folder.site))} --no-build   (then open http://127.0.0.1:8000/)",
        f"Use the store:    PAPERBRIEF_HOME={q(str(folder.home))} paperbrief search 3D",
        "Real papers:      set your LLM endpoint (README: \"Set up with your own endpoint\"), then `paperbrief run`.",
    ]
    out_console.print("\n".join(lines), highlight=False)
    raise typer.Exit(EXIT_PAPERS_FAILED if result.failed else EXIT_OK)

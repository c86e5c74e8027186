"""`paperbrief search`, `site` and `serve`: the archive of every stored day."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.text import Text

from paperbrief.cli.app import app, check_lang, err_console, fail, out_console, print_json, settings_from

if TYPE_CHECKING:
    from paperbrief.config import Settings
    from paperbrief.render.site import BuildReport

DEFAULT_SITE = Path("site")


def _open_store(settings):
    from paperbrief.store import Store

    path = settings.db_path
    if not path.exists():
        fail(f"no database at {path}: run `paperbrief run` first (or set PAPERBRIEF_HOME to where it is)")
    return Store(path)


def _check_day(text: str | None, flag: str) -> str | None:
    from datetime import date

    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        fail(f"{flag} must be a date like 2026-02-08, not {text!r}")


@app.command()
def search(
    query: str = typer.Argument(..., help="Words to find, in Chinese or English (e.g. 投机解码, speculative decoding)."),
    date_from: str = typer.Option(None, "--from", help="Only papers listed on or after this day (YYYY-MM-DD)."),
    date_to: str = typer.Option(None, "--to", help="Only papers listed on or before this day (YYYY-MM-DD)."),
    domain: str = typer.Option(None, "--domain", help="Only reports whose field contains this text (e.g. 计算机视觉)."),
    lang: str = typer.Option(None, "--lang", help="Only reports in this language: zh or en."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000, help="At most this many results."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list instead of a table."),
) -> None:
    """Search every stored paper and report (title, authors, abstract and the report's sections)."""
    from paperbrief.search import parse_query, refresh_index
    from paperbrief.search import search as run_search

    if not parse_query(query).fts:
        fail(f"nothing to search for in {query!r}: type words or Chinese characters")
    start, end = _check_day(date_from, "--from"), _check_day(date_to, "--to")
    if start and end and start > end:
        fail(f"--from {start} is after --to {end}; swap them")
    check_lang(lang)
    settings = settings_from()
    with _open_store(settings) as store:
        refresh_index(store)
        hits = run_search(store, query, date_from=start, date_to=end, domain=domain, lang=lang, limit=limit)
    if as_json:
        print_json([h.to_json() for h in hits])
        return
    if not hits:
        err_console.print(Text(f"No results for {query!r}.", style="yellow"))
        return
    for i, h in enumerate(hits, 1):
        head = Text(f"{i:>2}. ", style="dim")
        head.append(h.date or "----------", style="cyan")
        head.append(f"  {h.arxiv_id}  ", style="dim")
        head.append(h.title, style="bold")
        out_console.print(head)
        meta = " · ".join(x for x in (h.domain, h.lang, f"score {h.score:.2f}") if x)
        out_console.print(Text("    " + meta, style="dim"))
        snippet = Text("    " + h.snippet)
        for s, e in h.highlights:
            snippet.stylize("bold black on yellow", s + 4, e + 4)
        out_console.print(snippet)


@app.command()
def site(
    out: Path = typer.Option(DEFAULT_SITE, "--out", "-o", help="Folder for the website (default ./site).",
                             show_default=False),
    lang: str = typer.Option(None, "--lang", help="Website language: zh (default) or en."),
    base_url: str = typer.Option(None, "--base-url", help="Where the site will be hosted, e.g. "
                                 "https://you.github.io/briefs/ (for absolute feed links)."),
    feed_days: int = typer.Option(30, "--feed-days", min=1, max=3650, help="Days in the Atom feed."),
) -> None:
    """Build the static website from the store (only changed pages are rewritten)."""
    check_lang(lang)
    if base_url and not base_url.startswith(("http://", "https://")):
        fail(f"--base-url must start with http:// or https://, not {base_url!r}")
    settings = settings_from()
    report = build_site_from_store(settings, out, lang=lang or settings.lang, base_url=base_url or "",
                                   feed_days=feed_days)
    err_console.print(
        f"Site in {out}/: {report.days} days, {report.papers} papers; wrote {len(report.written)} files, "
        f"kept {report.skipped} unchanged" + (f", removed {len(report.removed)}" if report.removed else "")
        + f" ({report.seconds:.1f} s). Open {out / 'index.html'} or run `paperbrief serve --out {out}`.",
        highlight=False, markup=False,
    )


def build_site_from_store(settings: Settings, out: Path, *, lang: str, base_url: str = "",
                          feed_days: int = 30) -> BuildReport:
    """Bring the search index up to date and build the site; a folder that can't be written is an error."""
    from paperbrief.render.site import build_site
    from paperbrief.search import refresh_index

    with _open_store(settings) as store:
        refresh_index(store)
        try:
            return build_site(store, out, lang=lang, base_url=base_url, feed_days=feed_days)
        except OSError as e:
            fail(f"cannot write the site to {out}: {e.strerror or e}; choose another --out")


@app.command()
def serve(
    out: Path = typer.Option(DEFAULT_SITE, "--out", "-o", help="The website folder (default ./site).",
                             show_default=False),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port (0 picks a free one)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default 127.0.0.1: only this "
                             "machine).", show_default=False),
    lang: str = typer.Option(None, "--lang", help="Website language when it has to be built: zh or en."),
    no_build: bool = typer.Option(False, "--no-build", help="Serve as is, even if the store is newer."),
) -> None:
    """Serve the website on http://127.0.0.1:PORT/, rebuilding it first if the store is newer.

    The port is taken before anything is built, so a busy port fails at once.

    Examples:

        paperbrief serve --out site

        paperbrief serve --out site --port 9000 --host 0.0.0.0
    """
    from paperbrief.serve import ensure_built, make_server

    check_lang(lang)
    settings = settings_from()
    try:
        server = make_server(out, host, port)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            fail(f"port {port} on {host} is already in use; pick another with --port")
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    try:
        if not no_build:
            with _open_store(settings) as store:
                from paperbrief.search import refresh_index

                refresh_index(store)
                from paperbrief.render.site import read_manifest

                # A new site takes the configured language; an existing one keeps its own.
                report = ensure_built(store, out, lang=lang or (None if read_manifest(out) else settings.lang))
            if report:
                err_console.print(f"Rebuilt the site: wrote {len(report.written)} files, kept {report.skipped}.",
                                  highlight=False, markup=False)
        if not (out / "index.html").exists():
            fail(f"no website in {out}: run `paperbrief site --out {out}` first")
        h, p = server.server_address[:2]
        host_s = h.decode() if isinstance(h, bytes) else str(h)
        shown = f"[{host_s}]" if ":" in host_s else host_s
        err_console.print(f"Serving {out}/ at http://{shown}:{p}/ (Ctrl-C to stop)", highlight=False, markup=False)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

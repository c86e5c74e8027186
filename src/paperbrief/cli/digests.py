"""`paperbrief digest`: a week's or a month's digest from the store."""

from __future__ import annotations

from pathlib import Path

import typer

from paperbrief.cli.app import app, ensure_writable, err_console, fail, out_console, print_json, settings_from


@app.command()
def digest(
    week: str = typer.Option(None, "--week", "-w", help="ISO week, e.g. 2026-W06 (Monday to Sunday)."),
    month: str = typer.Option(None, "--month", "-m", help="Month, e.g. 2026-02."),
    lang: str = typer.Option(None, "--lang", help="Digest language: zh (default) or en."),
    out: Path = typer.Option(None, "--out", "-o", help="Folder for <period>.md, .json and .svg (default ./reports)."),
    force: bool = typer.Option(False, "--force", help="Build again and ask the LLM again for the themes."),
    as_json: bool = typer.Option(False, "--json", help="Also print the digest JSON to stdout."),
) -> None:
    """Write the digest of a week or a month from the store: top papers, fields against the previous
    period, recurring methods and benchmarks, the LLM's key themes (stored; --force asks again), days not run.
    Says what it paid the LLM (tokens in / out, estimated cost; nothing when the stored themes are reused).
    """
    from paperbrief.cli.progress import spent_line
    from paperbrief.digest import BadPeriod, DigestError, build_digest, parse_period
    from paperbrief.messages import msg
    from paperbrief.models import LLMCall
    from paperbrief.render.digest import write_digest_files
    from paperbrief.store import Store

    try:
        period = parse_period(week, month)
    except BadPeriod as e:
        fail(str(e))
    if lang is not None and lang not in ("zh", "en"):
        fail(f"--lang must be zh or en, not {lang!r}")
    settings = settings_from(out=out, lang=lang)
    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}: run `paperbrief run` first (or set PAPERBRIEF_HOME to where it is)")
    ensure_writable(settings.out, "the output folder (--out)")
    spent: list[LLMCall] = []
    with Store(settings.db_path) as store:
        try:
            d = build_digest(settings, store, period, settings.lang, use_llm=settings.llm_configured, force=force,
                             on_wait=lambda holder: err_console.print(
                                 msg("claims.waiting_digest", "en", period=period.key, holder=holder), highlight=False),
                             spent=spent)
        except DigestError as e:
            fail(str(e))
    err_console.print(spent_line(spent, settings.prices), highlight=False)  # what this command paid (0 when reused)
    if d.synthesis.error:
        err_console.print(f"the LLM could not write the themes ({d.synthesis.error}); the digest has the figures only")
    if d.not_run:
        err_console.print(f"not run: {', '.join(d.not_run)}")
    md_path, json_path, svg_path = write_digest_files(d, settings.out)
    if as_json:
        print_json(d.to_json())
    else:
        out_console.print(f"wrote {md_path}, {json_path} and {svg_path}")


__all__ = ["digest"]

"""`paperbrief doctor`: check the store, the cache and the disk; `--repair` rebuilds a damaged store."""

from __future__ import annotations

import typer
from rich.text import Text

from paperbrief.cli.app import EXIT_OK, EXIT_PAPERS_FAILED, app, err_console, out_console, print_json, settings_from


@app.command()
def doctor(
    repair: bool = typer.Option(False, "--repair", help="Set a damaged store aside (it is kept), copy what can "
                                "still be read, and rebuild listings and documents from the download cache."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Check the store's integrity, the download cache and free space; repair the store on request.

    Exit codes: 0 everything is fine (or was repaired); 1 a problem was found (see its fix).
    Nothing is ever deleted: a damaged store is renamed, not removed.
    """
    from paperbrief.doctor import diagnose
    from paperbrief.doctor import repair as run_repair

    settings = settings_from()
    done = run_repair(settings) if repair else None
    checks = diagnose(settings)
    healthy = all(c.ok for c in checks)
    if as_json:
        print_json({"healthy": healthy, "checks": [c.to_json() for c in checks],
                    "repair": done.to_json() if done else None})
        raise typer.Exit(EXIT_OK if healthy else EXIT_PAPERS_FAILED)
    if done is not None:
        for note in done.notes:
            err_console.print(note)
        if done.recovered:
            err_console.print("recovered from the damaged store: " + ", ".join(
                f"{n} {table}" for table, n in done.recovered.items()))
        if done.rebuilt_days or done.rebuilt_documents:
            err_console.print(f"rebuilt from the download cache: {len(done.rebuilt_days)} days, "
                              f"{done.rebuilt_documents} documents")
    for c in checks:
        line = Text.assemble(("ok     " if c.ok else "PROBLEM", "green" if c.ok else "bold red"), f"  {c.name}: ",
                             c.detail)
        if c.fix:
            line.append(f" — {c.fix}")
        out_console.print(line)
    raise typer.Exit(EXIT_OK if healthy else EXIT_PAPERS_FAILED)

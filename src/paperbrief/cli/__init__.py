"""The `paperbrief` command: one module per group of commands, all on one typer app.

Each module registers its commands on `app` when imported; the import order is the
order `paperbrief --help` lists them in, which follows the pipeline.
"""

from __future__ import annotations

from paperbrief.cli.app import app
from paperbrief.cli import papers  # noqa: E402,F401,I001  list, read
from paperbrief.cli import write  # noqa: E402,F401  write
from paperbrief.cli import daily  # noqa: E402,F401  run, render, runs, config
from paperbrief.cli import archive  # noqa: E402,F401  search, site, serve

__all__ = ["app", "main"]


def main() -> None:
    app()

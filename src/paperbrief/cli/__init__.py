"""The `paperbrief` command: one module per group of commands, all on one typer app.

Each module registers its commands on `app` when imported; the import order is the
order `paperbrief --help` lists them in, which follows the pipeline.
"""

from __future__ import annotations

from paperbrief.cli import (
    archive,  # noqa: F401  search, site, serve
    daily,  # noqa: F401  run, render, runs, config
    deliver,  # noqa: F401  send, sent
    demo,  # noqa: F401  demo
    digests,  # noqa: F401  digest
    doctor,  # noqa: F401  doctor
    papers,  # noqa: F401  list, read
    write,  # noqa: F401  write
)
from paperbrief.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    app()

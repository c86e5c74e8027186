"""The `paperbrief` command: one module per group of commands, all on one typer app."""

from __future__ import annotations

from paperbrief.cli.app import app

# Each module registers its commands on `app` when imported.
from paperbrief.cli import papers  # noqa: E402,F401  list, read

for _optional in ("write", "daily", "archive"):
    try:
        __import__(f"paperbrief.cli.{_optional}")
    except ModuleNotFoundError as e:  # pragma: no cover - only while a module is being built
        if e.name != f"paperbrief.cli.{_optional}":
            raise


def main() -> None:
    app()

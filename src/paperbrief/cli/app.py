"""The typer application and what every command shares: settings, errors, exit codes.

Commands live in sibling modules (papers, write, daily, archive) and stay thin:
they parse flags, call the library stage that owns the work, and print.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from paperbrief import __version__
from paperbrief.config import ConfigError, Settings, load_settings
from paperbrief.langs import Lang, as_lang

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_PAPERS_FAILED = 1  # the run finished and its files were written, but some papers failed
EXIT_CANNOT_START = 2  # bad date, bad config, no network: nothing was done
EXIT_NOT_DELIVERED = 3  # `run --send`: the run finished but some delivery target failed

app = typer.Typer(
    name="paperbrief",
    help="Turn a day of Hugging Face Daily Papers into a research briefing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts are shown as written: "[interests]" is text, not a Rich tag
)

# markup=False: titles, paths, reasons and config values are printed as they are, never read as
# Rich markup (a title containing "[/x]" must not vanish or crash); styles go through Text.
err_console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)
out_console = Console(highlight=False, soft_wrap=True, markup=False)


def fail(message: str, code: int = EXIT_CANNOT_START) -> NoReturn:
    """Print a one-line error to stderr and exit."""
    err_console.print(Text.assemble(("Error:", "bold red"), " ", message))
    raise typer.Exit(code)


def check_lang(lang: str | None, flag: str = "--lang") -> Lang | None:
    """A language flag as a Lang (None when not given); a one-line error for anything else."""
    if lang is None:
        return None
    try:
        return as_lang(lang)
    except ValueError:
        fail(f"{flag} must be zh or en, not {lang!r}")


def warn(message: str) -> None:
    err_console.print(Text.assemble(("Warning:", "yellow"), " ", message))


def settings_from(**overrides: Any) -> Settings:
    """Resolve settings with CLI flags on top, turning config problems into one-line errors."""
    try:
        return load_settings(overrides)
    except ConfigError as e:
        fail(str(e))


SORT_HELP = "Order of the papers: listing (as on Hugging Face), upvotes, or relevance (needs [interests])."


def interest_flags(keyword: list[str] | None, author: list[str] | None, exclude: list[str] | None,
                   papers: list[str] | None) -> dict[str, Any]:
    """The --keyword/--author/--exclude/--papers flags as setting overrides (each replaces its list)."""
    from paperbrief.config import split_list

    def items(values: list[str] | None) -> list[str] | None:
        return None if not values else [x for v in values for x in split_list(v)]

    return {"interests.keywords": items(keyword), "interests.authors": items(author),
            "interests.exclude": items(exclude), "interests.papers": items(papers)}


def check_sort(sort: str | None) -> None:
    if sort is not None and sort not in ("listing", "upvotes", "relevance"):
        fail(f"--sort must be listing, upvotes or relevance, not {sort!r}")


def ensure_writable(folder: Path, what: str) -> None:
    """Fail before any work when `folder` can't be created or written (not after a paid run)."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as e:
        fail(f"cannot write to {what} {folder} ({e.strerror or e}); choose a writable folder")


def require_usable_llm(settings: Settings) -> None:
    """Stop before any work when a hosted LLM endpoint is configured without an API key."""
    problem = settings.key_problem()
    if problem:
        fail(problem)


def require_relevance_interests(settings: Settings) -> None:
    """Stop before any work when relevance is asked for (sort) but no interests are configured."""
    if settings.sort == "relevance" and not settings.interests.configured:
        from paperbrief.rank import NO_INTERESTS

        fail(NO_INTERESTS)


def print_json(data: Any) -> None:
    """Print JSON to stdout, UTF-8, non-ASCII kept as is."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paperbrief {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Turn a day of Hugging Face Daily Papers into a research briefing."""

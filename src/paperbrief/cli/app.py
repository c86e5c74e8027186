"""The typer application and what every command shares: settings, errors, exit codes.

Commands live in sibling modules (papers, write, daily, archive) and stay thin:
they parse flags, call the library stage that owns the work, and print.

Every command runs inside one top-level handler (`_Guarded.invoke`): a damaged store, a full
disk or any unexpected exception ends in one line on stderr and an exit code, never a Python
traceback. An unexpected exception's traceback is saved under PAPERBRIEF_HOME/logs/ (the line
says where); `paperbrief --debug <command>` (or PAPERBRIEF_DEBUG=1) also prints it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from paperbrief import __version__
from paperbrief.config import ConfigError, Settings, load_settings
from paperbrief.langs import Lang, as_lang

# Exit codes (documented in the README).
EXIT_OK = 0
EXIT_PAPERS_FAILED = 1  # the run finished and its files were written, but some papers failed
EXIT_CANNOT_START = 2  # bad date, bad config, no network: nothing was done
EXIT_NOT_DELIVERED = 3  # `run --send`: the run finished but some delivery target failed
EXIT_UNEXPECTED = 1  # a bug: one line on stderr, the traceback under PAPERBRIEF_HOME/logs/

_state: dict[str, Any] = {"debug": False, "home": None, "secrets": []}


class _Guarded(TyperGroup):
    """The one top-level handler: every command's failure becomes one line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as e:
            _handle(e)


def _handle(error: Exception) -> NoReturn:
    from paperbrief.disk import DiskFull, is_full
    from paperbrief.logs import mask_urls, one_line, save_crash
    from paperbrief.store import StoreError

    if isinstance(error, BrokenPipeError):  # `paperbrief list | head`: the reader left; say nothing
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise typer.Exit(1)
    if isinstance(error, StoreError):
        fail(str(error), EXIT_PAPERS_FAILED if error.kind == "full" else EXIT_CANNOT_START)
    if isinstance(error, DiskFull):
        fail(str(error), EXIT_PAPERS_FAILED)
    if is_full(error):
        where = getattr(error, "filename", None)
        fail(str(DiskFull(where or _state["home"] or Path.cwd(), None, error)), EXIT_PAPERS_FAILED)  # type: ignore[arg-type]
    secrets = _state["secrets"]
    path = save_crash(error, _state["home"], secrets)
    kind = type(error).__name__
    detail = one_line(mask_urls(str(error)), 200)
    for secret in secrets:
        if secret and len(secret) >= 4:
            detail = detail.replace(secret, "****")
    where = f"the full traceback is in {path}" if path else "the traceback could not be saved"
    if _state["debug"]:
        import traceback

        err_console.print("".join(traceback.format_exception(type(error), error, error.__traceback__)), end="")
    fail(f"unexpected {kind}{': ' + detail if detail else ''} (a bug in paperbrief; {where}"
         f"{'' if _state['debug'] else '; add --debug to see it here'})", EXIT_UNEXPECTED)


app = typer.Typer(
    name="paperbrief",
    help="Turn a day of Hugging Face Daily Papers into a research briefing.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help texts are shown as written: "[interests]" is text, not a Rich tag
    cls=_Guarded,
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


def print_rows(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table on a terminal; for pipes and scripts a header line and a row a line, tab-separated
    and whole (nothing folded or cut), so `cut -f` and `awk -F'\\t'` read it."""
    if not sys.stdout.isatty():
        sys.stdout.write("\t".join(columns) + "\n")
        sys.stdout.writelines("\t".join(row) + "\n" for row in rows)
        return
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*row)
    out_console.print(table)


def print_json(data: Any) -> None:
    """Print JSON to stdout, UTF-8, non-ASCII kept as is."""
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"paperbrief {__version__}")
        raise typer.Exit()


def _start_logging(debug: bool) -> None:
    """Log lines go to stderr (one line each) and PAPERBRIEF_HOME/logs/; never fails a command."""
    from paperbrief.logs import setup_logging

    home: Path | None = None
    secrets: list[str] = []
    try:
        settings = load_settings()
        home, secrets = settings.home, settings.secrets()
    except ConfigError:  # the command itself reports the bad setting; log into the home it names, if any
        raw = os.environ.get("PAPERBRIEF_HOME", "")
        home = Path(raw).expanduser() if raw and "\0" not in raw else None
        secrets = [v for k, v in os.environ.items() if k == "OPENAI_API_KEY" and v]
    _state.update(debug=debug, home=home, secrets=secrets)
    setup_logging(home, debug=debug, secrets=secrets)


def log_into(home: Path, secrets: list[str] | None = None) -> None:
    """Send log lines and crash logs to `home`'s logs/ from now on (a command with a home of its own)."""
    from paperbrief.logs import setup_logging

    _state.update(home=home, secrets=secrets if secrets is not None else _state["secrets"])
    setup_logging(home, debug=_state["debug"], secrets=_state["secrets"])


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
    debug: bool = typer.Option(False, "--debug", envvar="PAPERBRIEF_DEBUG",
                               help="Print tracebacks and debug log lines on the terminal (also PAPERBRIEF_DEBUG=1)."),
) -> None:
    """Turn a day of Hugging Face Daily Papers into a research briefing."""
    _start_logging(debug)

"""`paperbrief send` and `sent`: deliver a stored day to e-mail and chat targets, and the ledger of it."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import typer
from rich.table import Table
from rich.text import Text

from paperbrief.cli.app import (
    EXIT_CANNOT_START,
    EXIT_OK,
    app,
    check_lang,
    err_console,
    fail,
    out_console,
    print_json,
    settings_from,
)
from paperbrief.cli.daily import _check_date

EXIT_SOME_FAILED = 1  # `send`: some target failed (the others were delivered)

TO_HELP = ("Where to send: mailto:ADDRESS[,ADDRESS...] or KIND:URL with KIND feishu, dingtalk, wecom, slack, discord, "
           "telegram or webhook. Repeat for several. Default: send_to / PAPERBRIEF_SEND_TO.")


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC") if ts else "?"


def report_outcome(outcome: Any) -> None:
    """One line per target: delivered and skipped on stdout, failures on stderr (with the fix)."""
    t = outcome.target.label
    if outcome.status == "delivered":
        n = outcome.messages
        what = f"{n} message{'s' if n != 1 else ''}"
        if outcome.total > n:
            what += f" (the rest of {outcome.total})"
        out_console.print(Text.assemble(("sent", "green"), f"  {t}: {what}" + (" (update)" if outcome.update else "")))
    elif outcome.status == "skipped":
        if outcome.skip == "busy":
            why = "another paperbrief process is sending to it right now"
        elif outcome.skip == "changed":
            why = (f"sent at {_when(outcome.last_sent)}; the day has changed since (papers added or rewritten): "
                   "--send-updates sends the new version")
        else:
            why = f"already sent at {_when(outcome.last_sent)}; --force sends it again"
        out_console.print(Text.assemble(("skip", "dim"), f"  {t}: {why}"))
    else:
        err_console.print(Text.assemble(("failed", "bold red"), f"  {t}: {outcome.detail}"))


def _announce(target: Any, start: int, total: int) -> None:
    if total > 1 and sys.stderr.isatty():
        rest = f"messages {start + 1}-{total}" if start else f"{total} messages"
        err_console.print(Text(f"sending {rest} to {target.label} …", style="dim"))


def deliver_stored_day(settings: Any, targets: list[Any], date: str | None, lang: str, *, force: bool,
                       send_updates: bool, as_json: bool = False) -> Any:
    """Send `date` (default: the newest stored day in `lang`) to `targets`; print one line per target."""
    from paperbrief.deliver import DeliveryError, deliver, latest_day
    from paperbrief.store import Store

    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}: run `paperbrief run` first (or set PAPERBRIEF_HOME to where it is)")
    with Store(settings.db_path) as store:
        if date is None:
            date = latest_day(store, lang)
            if date is None:
                flag = "" if lang == "zh" else f" --lang {lang}"
                fail(f"no day stored in language {lang}: run `paperbrief run{flag}` first")
        try:
            return deliver(settings, store, date, lang, targets, force=force, send_updates=send_updates,
                           on_outcome=None if as_json else report_outcome, on_start=None if as_json else _announce)
        except DeliveryError as e:
            fail(str(e))


@app.command()
def send(
    date: str = typer.Option(None, "--date", "-d", help="Day to send (YYYY-MM-DD, today, yesterday). "
                             "Default: the newest stored day."),
    to: list[str] = typer.Option(None, "--to", "-t", help=TO_HELP),
    lang: str = typer.Option(None, "--lang", help="Language of the day to send: zh (default) or en."),
    force: bool = typer.Option(False, "--force", help="Send again to targets that already have the day."),
    send_updates: bool = typer.Option(False, "--send-updates", help="Send again where the day changed since it "
                                      "was sent (papers added or rewritten)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with every target's outcome."),
) -> None:
    """Send a stored day's report by e-mail and to chat webhooks, once per target: no LLM, no other network.

    Exit codes: 0 every target has the day; 1 some target failed (the others were delivered; the next
    send retries it); 2 nothing was sent (bad target, missing SMTP setting, no stored day).
    """
    from paperbrief.deliver import DeliveryError, resolve_targets

    day = _check_date(date)
    check_lang(lang)
    settings = settings_from(lang=lang)
    try:
        targets = resolve_targets(settings, to)
    except DeliveryError as e:
        fail(str(e), EXIT_CANNOT_START)
    sent = deliver_stored_day(settings, targets, day, settings.lang, force=force, send_updates=send_updates,
                              as_json=as_json)
    if as_json:
        print_json({"date": sent.date, "lang": sent.lang, "targets": [o.to_json() for o in sent.outcomes]})
    elif not any(o.status != "skipped" for o in sent.outcomes):
        err_console.print(f"Nothing new to send for {sent.date} ({sent.lang}).")
    raise typer.Exit(EXIT_SOME_FAILED if sent.failed else EXIT_OK)


@app.command()
def sent(
    date: str = typer.Option(None, "--date", "-d", help="Only this day (YYYY-MM-DD)."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=10000, help="How many attempts to show, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List what was sent where and when (the delivery ledger; targets shown without their secrets)."""
    from paperbrief.deliver.ledger import history
    from paperbrief.store import Store

    day = _check_date(date)
    settings = settings_from()
    if not settings.db_path.exists():
        if as_json:
            print_json([])
        else:
            err_console.print("Nothing sent yet: the store does not exist. Start with `paperbrief run`.")
        return
    with Store(settings.db_path) as store:
        rows = history(store, date=day, limit=limit)
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    if not rows:
        err_console.print("Nothing sent yet." if day is None else f"Nothing sent for {day}.")
        return
    columns = ("when", "date", "lang", "target", "status", "messages", "error")
    lines = [
        (_when(r.finished_at or r.updated_at), r.date, r.lang, r.target_label,
         r.status + (" (update)" if r.updated else ""), f"{r.parts_sent}/{r.parts_total}", r.error or "")
        for r in rows
    ]
    if not sys.stdout.isatty():
        sys.stdout.write("\t".join(columns) + "\n")
        sys.stdout.writelines("\t".join(line) + "\n" for line in lines)
        return
    table = Table(title="paperbrief deliveries")
    for col in columns:
        table.add_column(col, overflow="fold")
    for line in lines:
        table.add_row(*line)
    out_console.print(table)

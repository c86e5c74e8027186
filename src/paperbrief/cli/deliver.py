"""`paperbrief send` and `sent`: deliver a stored day, or a week's or month's digest, to e-mail and chat
targets, and the ledger of it."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from functools import partial
from typing import Any

import typer
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
    print_rows,
    settings_from,
)
from paperbrief.cli.daily import _check_date

EXIT_SOME_FAILED = 1  # `send`: some target failed (the others were delivered)

TO_HELP = ("Where to send: mailto:ADDRESS[,ADDRESS...] or KIND:URL with KIND feishu, dingtalk, wecom, slack, discord, "
           "telegram or webhook. Repeat for several. Default: send_to / PAPERBRIEF_SEND_TO.")


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC") if ts else "?"


CHANGED = {"day": "the day has changed since (papers added or rewritten)",
           "week": "the digest has changed since (made again from new days or reports)",
           "month": "the digest has changed since (made again from new days or reports)"}


def report_outcome(outcome: Any, scope: str = "day") -> None:
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
            why = f"sent at {_when(outcome.last_sent)}; {CHANGED[scope]}: --send-updates sends the new version"
        else:
            why = f"already sent at {_when(outcome.last_sent)}; --force sends it again"
        out_console.print(Text.assemble(("skip", "dim"), f"  {t}: {why}"))
    else:
        err_console.print(Text.assemble(("failed", "bold red"), f"  {t}: {outcome.detail}"))


def _announce(target: Any, start: int, total: int) -> None:
    if total > 1 and sys.stderr.isatty():
        rest = f"messages {start + 1}-{total}" if start else f"{total} messages"
        err_console.print(Text(f"sending {rest} to {target.label} …", style="dim"))


def deliver_stored(settings: Any, targets: list[Any], lang: str, *, date: str | None = None, period: Any = None,
                   force: bool, send_updates: bool, as_json: bool = False) -> Any:
    """Send the digest of `period`, or the day `date` (default: the newest stored day in `lang`), to `targets`;
    print one line per target. A missing day or digest is a one-line error naming the command that makes it."""
    from paperbrief.deliver import DeliveryError, day_parcel, deliver, digest_parcel, latest_day
    from paperbrief.store import Store

    if not settings.db_path.exists():
        fail(f"no database at {settings.db_path}: run `paperbrief run` first (or set PAPERBRIEF_HOME to where it is)")
    with Store(settings.db_path) as store:
        try:
            if period is not None:
                parcel: Any = digest_parcel(settings, store, period, lang)
            else:
                if date is None:
                    date = latest_day(store, lang)
                    if date is None:
                        flag = "" if lang == "zh" else f" --lang {lang}"
                        fail(f"no day stored in language {lang}: run `paperbrief run{flag}` first")
                parcel = day_parcel(settings, store, date, lang)
            return deliver(settings, store, parcel, targets, force=force, send_updates=send_updates,
                           on_outcome=None if as_json else partial(report_outcome, scope=parcel.scope),
                           on_start=None if as_json else _announce)
        except DeliveryError as e:
            fail(str(e))


def _period(week: str | None, month: str | None, date: str | None) -> Any:
    """The week or month given (None for a day); a one-line error for a bad one or for both with --date."""
    if week is None and month is None:
        return None
    from paperbrief.digest import BadPeriod, parse_period

    if date is not None:
        fail("give --date, --week or --month, not several: one send sends one day or one digest")
    try:
        return parse_period(week, month)
    except BadPeriod as e:
        fail(str(e))


@app.command()
def send(
    date: str = typer.Option(None, "--date", "-d", help="Day to send (YYYY-MM-DD, today, yesterday). "
                             "Default: the newest stored day."),
    week: str = typer.Option(None, "--week", "-w", help="Send the stored digest of this ISO week (e.g. 2026-W06) "
                             "instead of a day; `paperbrief digest --week` makes it."),
    month: str = typer.Option(None, "--month", "-m", help="Send the stored digest of this month (e.g. 2026-02)."),
    to: list[str] = typer.Option(None, "--to", "-t", help=TO_HELP),
    lang: str = typer.Option(None, "--lang", help="Language of the day or digest to send: zh (default) or en."),
    force: bool = typer.Option(False, "--force", help="Send again to targets that already have it."),
    send_updates: bool = typer.Option(False, "--send-updates", help="Send again where it changed since it "
                                      "was sent (a day's papers added or rewritten, a digest made again)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with every target's outcome."),
) -> None:
    """Send a stored day's report, or a week's or month's digest, by e-mail and to chat webhooks, once per
    target: no LLM, no other network.

    Exit codes: 0 every target has it; 1 some target failed (the others were delivered; the next
    send retries it); 2 nothing was sent (bad target, missing SMTP setting, no stored day or digest).
    """
    from paperbrief.deliver import DeliveryError, resolve_targets

    day = _check_date(date)
    period = _period(week, month, day)
    check_lang(lang)
    settings = settings_from(lang=lang)
    try:
        targets = resolve_targets(settings, to)
    except DeliveryError as e:
        fail(str(e), EXIT_CANNOT_START)
    sent = deliver_stored(settings, targets, settings.lang, date=day, period=period, force=force,
                          send_updates=send_updates, as_json=as_json)
    if as_json:
        where = {"date": sent.key} if sent.scope == "day" else {"period": sent.key}
        print_json({**where, "scope": sent.scope, "lang": sent.lang, "targets": [o.to_json() for o in sent.outcomes]})
    elif not any(o.status != "skipped" for o in sent.outcomes):
        err_console.print(f"Nothing new to send for {sent.key} ({sent.lang}).")
    raise typer.Exit(EXIT_SOME_FAILED if sent.failed else EXIT_OK)


@app.command()
def sent(
    date: str = typer.Option(None, "--date", "-d", help="Only this day (YYYY-MM-DD)."),
    week: str = typer.Option(None, "--week", "-w", help="Only the digest of this ISO week (e.g. 2026-W06)."),
    month: str = typer.Option(None, "--month", "-m", help="Only the digest of this month (e.g. 2026-02)."),
    limit: int = typer.Option(50, "--limit", "-n", min=1, max=10000, help="How many attempts to show, newest first."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List what was sent where and when, days and digests (the delivery ledger; targets shown without
    their secrets)."""
    from paperbrief.deliver.ledger import history
    from paperbrief.store import Store

    day = _check_date(date)
    period = _period(week, month, day)
    key = period.key if period is not None else day
    settings = settings_from()
    if not settings.db_path.exists():
        if as_json:
            print_json([])
        else:
            err_console.print("Nothing sent yet: the store does not exist. Start with `paperbrief run`.")
        return
    with Store(settings.db_path) as store:
        rows = history(store, key=key, limit=limit)
    if as_json:
        print_json([r.to_json() for r in rows])
        return
    if not rows:
        err_console.print("Nothing sent yet." if key is None else f"Nothing sent for {key}.")
        return
    columns = ("when", "day or period", "lang", "target", "status", "messages", "error")
    lines = [
        (_when(r.finished_at or r.updated_at), r.key, r.lang, r.target_label,
         r.status + (" (update)" if r.updated else ""), f"{r.parts_sent}/{r.parts_total}", r.error or "")
        for r in rows
    ]
    print_rows("paperbrief deliveries", columns, lines)

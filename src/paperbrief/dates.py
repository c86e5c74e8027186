"""Parse and check the day a user asks for: strict YYYY-MM-DD, a real date, not in the future (UTC)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EXAMPLE = "2026-02-08"


class BadDate(ValueError):
    """A date the user typed that cannot be used; the message is one line for the user."""


def today_utc() -> date:
    """Today's date in UTC, the timezone Hugging Face's day buckets are assumed to use."""
    return datetime.now(UTC).date()


def parse_day(text: str, *, today: date | None = None) -> date:
    """Turn `YYYY-MM-DD`, `today` or `yesterday` into a date that is not after today (UTC).

    Raises BadDate with a one-line message saying what was wrong and what to type.
    """
    today = today or today_utc()
    raw = (text or "").strip()
    word = raw.lower()
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if not _DAY.match(raw):
        raise BadDate(f"{raw or '(empty)'!s} is not a date in YYYY-MM-DD form, e.g. {EXAMPLE}")
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadDate(f"{raw} is not a real calendar date; check the month and day (YYYY-MM-DD)") from None
    if day > today:
        raise BadDate(
            f"{raw} is in the future (today is {today.isoformat()} UTC); pick today or an earlier day"
        )
    return day

"""What one send delivers: a stored day, or a stored week's or month's digest, in one language, in every
form a target takes (the chat brief, the e-mail's text and HTML, the JSON a plain webhook gets) and with
the fingerprint that tells whether it changed since it was sent. `send.deliver` sends either kind alike.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

from paperbrief.config import Settings
from paperbrief.deliver.brief import Brief, day_brief, day_hash, period_brief
from paperbrief.store import Store

if TYPE_CHECKING:
    from paperbrief.digest import Digest, Period
    from paperbrief.render.day import Day


class DeliveryError(Exception):
    """Nothing can be sent (a bad target, missing SMTP settings, no stored day or digest): exit 2."""


class Parcel(ABC):
    """A day or a digest to send: its ledger key and scope, and its forms (each made once, when first needed)."""

    key: str  # the ledger's key: the day (2026-02-08) or the period (2026-W06, 2026-02)
    scope: str  # day | week | month
    lang: str
    papers: int  # how many papers it covers (recorded in the ledger)
    content_hash: str  # changes when the day's reports or the digest change

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._briefs: dict[bool, Brief] = {}
        self._html: dict[bool, str] = {}
        self._data: dict[str, Any] | None = None

    def brief(self, update: bool) -> Brief:
        """The chat messages' content (marked as an update when sent again after a change)."""
        if update not in self._briefs:
            self._briefs[update] = self._brief(update)
        return self._briefs[update]

    def email_html(self, update: bool) -> str:
        if update not in self._html:
            self._html[update] = self._email_html(self.brief(update))
        return self._html[update]

    @abstractmethod
    def _brief(self, update: bool) -> Brief:
        ...

    @abstractmethod
    def _email_html(self, brief: Brief) -> str:
        ...

    @abstractmethod
    def email_text(self) -> str:
        """The e-mail's plain-text part: the Markdown file's text."""
        ...

    def data(self) -> dict[str, Any]:
        """What a plain webhook gets: the JSON object of the day's or the digest's file."""
        if self._data is None:
            self._data = self._json()
        return self._data

    @abstractmethod
    def _json(self) -> dict[str, Any]:
        ...


class DayParcel(Parcel):
    def __init__(self, settings: Settings, day: Day) -> None:
        super().__init__(settings)
        self.day = day
        self.key, self.scope, self.lang = day.date, "day", day.lang
        self.papers = len(day.entries)
        self.content_hash = day_hash(day)

    def _brief(self, update: bool) -> Brief:
        return day_brief(self.day, site_url=self.settings.site_url, update=update)

    def _email_html(self, brief: Brief) -> str:
        from paperbrief.deliver.mail import email_html

        return email_html(self.day, brief)

    def email_text(self) -> str:
        from paperbrief.render.day import day_markdown

        return day_markdown(self.day)

    def _json(self) -> dict[str, Any]:
        from paperbrief.render.day import day_json

        return day_json(self.day, self.settings.prices)


class DigestParcel(Parcel):
    def __init__(self, settings: Settings, digest: Digest) -> None:
        super().__init__(settings)
        self.digest = digest
        self.key, self.scope, self.lang = digest.period, digest.kind, digest.lang
        self.papers = digest.papers
        body = {k: v for k, v in digest.to_json().items() if k != "created_at"}  # made again, same digest
        self.content_hash = hashlib.sha256(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()

    def _brief(self, update: bool) -> Brief:
        return period_brief(self.digest, site_url=self.settings.site_url, update=update)

    def _email_html(self, brief: Brief) -> str:
        from paperbrief.deliver.mail import brief_html

        return brief_html(brief)

    def email_text(self) -> str:
        from paperbrief.render.digest import digest_message

        return digest_message(self.digest)[1]

    def _json(self) -> dict[str, Any]:
        return self.digest.to_json()


def lang_flag(lang: str) -> str:
    return "" if lang == "zh" else f" --lang {lang}"


def day_parcel(settings: Settings, store: Store, date: str, lang: str) -> DayParcel:
    """The stored day as its files show it; DeliveryError when nothing is stored for it."""
    from paperbrief.pipeline import RunError, stored_day

    try:
        day = stored_day(settings, store, date, lang)
    except RunError as e:
        raise DeliveryError(str(e)) from None
    if day is None:
        raise DeliveryError(f"nothing stored for {date} in language {lang}: run "
                            f"`paperbrief run --date {date}{lang_flag(lang)}` first")
    return DayParcel(settings, day)


def digest_parcel(settings: Settings, store: Store, period: Period, lang: str) -> DigestParcel:
    """The stored digest of `period` (as `paperbrief digest` last wrote it); DeliveryError when there is none."""
    from paperbrief.digest import load_digest

    digest = load_digest(store, period.key, lang)
    if digest is None:
        raise DeliveryError(f"no {period.kind}ly digest of {period.key} in language {lang}: make it with "
                            f"`paperbrief digest --{period.kind} {period.key}{lang_flag(lang)}` first")
    return DigestParcel(settings, digest)

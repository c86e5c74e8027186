"""Send a stored day or digest (a parcel) to its targets, exactly once per (day or period, language, target),
recorded in the ledger."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from paperbrief.config import Settings
from paperbrief.deliver import ledger
from paperbrief.deliver.channels import DEFAULT_INTERVAL, build_messages, check_answer, request
from paperbrief.deliver.parcel import DeliveryError, Parcel
from paperbrief.deliver.targets import BadTarget, Target, parse_targets, settings_problem
from paperbrief.render.day import load_day
from paperbrief.store import Store


@dataclass
class Outcome:
    """What happened for one target."""

    target: Target
    status: str  # delivered | skipped | failed
    detail: str = ""  # the reason it was skipped, or the error with its fix
    messages: int = 0  # messages sent now
    total: int = 0  # messages of the whole delivery
    update: bool = False
    last_sent: float | None = None  # when it was delivered before (skipped ones)
    skip: str = ""  # sent | changed | busy

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target.label, "status": self.status, "detail": self.detail, "messages": self.messages,
                "messages_total": self.total, "update": self.update}


@dataclass
class Sent:
    """The result of sending one day or digest: one outcome per target."""

    key: str  # the day or the period
    scope: str  # day | week | month
    lang: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def resolve_targets(settings: Settings, texts: list[str] | None) -> list[Target]:
    """The targets to send to (`--to` values, else `send_to`), checked; DeliveryError when unusable."""
    chosen = list(texts) if texts else settings.targets
    if not chosen:
        raise DeliveryError("nothing to send to: pass --to TARGET, or set send_to in the config file or "
                            "PAPERBRIEF_SEND_TO (e.g. mailto:you@example.com or slack:https://hooks.slack.com/...)")
    try:
        targets = parse_targets(chosen)
    except BadTarget as e:
        where = "--to" if texts else "send_to / PAPERBRIEF_SEND_TO"
        raise DeliveryError(f"bad target in {where}: {e}") from None
    problem = settings_problem(settings, targets)
    if problem:
        raise DeliveryError(problem)
    return targets


def latest_day(store: Store, lang: str) -> str | None:
    """The newest stored day that has reports in `lang`."""
    for date, _count in store.days():
        day = load_day(store, date, lang)
        if day is not None and day.entries:
            return date
    return None


class Scrubber:
    """Removes every secret (webhook URLs and their tokens, the SMTP password, signing secrets) from text."""

    def __init__(self, settings: Settings, targets: list[Target]) -> None:
        from urllib.parse import unquote, urlsplit

        pieces = [p for t in targets for p in t.secrets]
        pieces += [settings.secret_of("feishu_secret"), settings.secret_of("dingtalk_secret")]
        if settings.smtp:
            url = urlsplit(settings.smtp)
            pieces += [settings.smtp, url.password or "", unquote(url.password or "")]
        self.pieces = sorted({p for p in pieces if len(p) >= 4}, key=len, reverse=True)

    def __call__(self, value: str) -> str:
        for p in self.pieces:
            value = value.replace(p, "****")
        return value


def _parts_hash(parts: list[Any]) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(json.dumps(p, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\0")
    return h.hexdigest()


def deliver(
    settings: Settings,
    store: Store,
    parcel: Parcel,
    targets: list[Target],
    *,
    force: bool = False,
    send_updates: bool = False,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_start: Callable[[Target, int, int], None] | None = None,
) -> Sent:
    """Send the stored day or digest `parcel` to each target not yet delivered (see ledger.plan)."""
    scrub = Scrubber(settings, targets)
    built: dict[tuple[str, bool], list[Any]] = {}
    result = Sent(key=parcel.key, scope=parcel.scope, lang=parcel.lang)
    fetcher = None
    mailer = None

    def parts_for(target: Target, update: bool) -> list[Any]:
        if target.kind == "mailto":
            return [{"email": parcel.email_html(update)}]
        key = (target.kind, update)
        if key not in built:
            built[key] = build_messages(target.kind, parcel.brief(update), parcel.data())
        return built[key]

    try:
        for target in targets:
            def hash_of(update: bool, target: Target = target) -> str:
                return _parts_hash(parts_for(target, update))

            decision = ledger.plan(store, parcel.key, parcel.lang, target, parcel.content_hash, hash_of, force=force,
                                   send_updates=send_updates)
            if not decision.send:
                last = decision.last
                outcome = Outcome(target, "skipped", decision.reason, last_sent=last.finished_at if last else None,
                                  skip=decision.reason)
            else:
                parts = parts_for(target, decision.update)
                if on_start:
                    on_start(target, decision.start, len(parts))
                delivery_id = ledger.begin(
                    store, parcel.key, parcel.scope, parcel.lang, target, content_hash=parcel.content_hash,
                    parts_hash=_parts_hash(parts), parts_total=len(parts), papers=parcel.papers,
                    start=decision.start, message_ids=decision.message_ids, update=decision.update,
                )
                try:
                    if target.kind == "mailto":
                        if mailer is None:
                            from paperbrief.deliver.mail import Mailer

                            mailer = Mailer(settings)
                        outcome = _send_mail(mailer, store, delivery_id, parcel, decision.update, target,
                                             parts[0]["email"])
                    else:
                        if fetcher is None:
                            from paperbrief.http import Fetcher

                            fetcher = Fetcher(settings)
                        outcome = _send_chat(settings, fetcher, store, delivery_id, target, parts, decision)
                except Exception as e:  # any failure of one target is that target's failure, never the others'
                    outcome = Outcome(target, "failed", f"{type(e).__name__}: {e}")
                except BaseException:
                    ledger.finish(store, delivery_id, "failed", "interrupted")
                    raise
                outcome.detail = scrub(outcome.detail)
                outcome.update = decision.update
                ledger.finish(store, delivery_id, "delivered" if outcome.status == "delivered" else "failed",
                              outcome.detail if outcome.status == "failed" else None)
            result.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
    finally:
        if fetcher is not None:
            fetcher.close()
        if mailer is not None:
            mailer.close()
    return result


def _send_mail(mailer: Any, store: Store, delivery_id: int, parcel: Parcel, update: bool, target: Target,
               html: str) -> Outcome:
    from paperbrief.deliver.mail import MailError, build_email

    msg = build_email(parcel.brief(update), parcel.email_text(), sender=mailer.settings.smtp_from or "",
                      to=target.address, html=html)
    try:
        message_id = mailer.send(msg, target.address)
    except MailError as e:
        return Outcome(target, "failed", str(e), total=1)
    ledger.progress(store, delivery_id, 1, [message_id])
    return Outcome(target, "delivered", messages=1, total=1)


def _send_chat(settings: Settings, fetcher: Any, store: Store, delivery_id: int, target: Target, parts: list[Any],
               decision: ledger.Plan) -> Outcome:
    from paperbrief.http import FetchError

    secret = settings.secret_of(f"{target.kind}_secret") if target.kind in ("feishu", "dingtalk") else ""
    interval = settings.send_interval if settings.send_interval is not None else DEFAULT_INTERVAL[target.kind]
    ids = list(decision.message_ids)
    sent_now = 0
    last_answer: float | None = None  # spacing counts from the previous answer: the service had it by then
    for i in range(decision.start, len(parts)):
        if last_answer is not None and interval > 0:
            time.sleep(max(0.0, last_answer + interval - time.monotonic()))
        url, body = request(target.kind, target.address, parts[i], secret)
        try:
            answer = fetcher.post(url, body, label=target.label)
            last_answer = time.monotonic()
        except FetchError as e:
            return _partial(target, str(e).removeprefix(f"{target.label}: ") + _retry_note(e), i, len(parts), sent_now)
        message_id, error = check_answer(target.kind, answer.status, answer.content)
        if error:
            return _partial(target, error, i, len(parts), sent_now)
        ids.append(message_id or "")
        sent_now += 1
        ledger.progress(store, delivery_id, i + 1, ids)
    return Outcome(target, "delivered", messages=sent_now, total=len(parts))


def _retry_note(e: Exception) -> str:
    text = str(e)
    if "no answer within" in text:
        return "; the next send retries (raise PAPERBRIEF_HTTP_TIMEOUT if the service is slow)"
    return "; the next send retries"


def _partial(target: Target, error: str, index: int, total: int, sent_now: int) -> Outcome:
    where = f" (message {index + 1} of {total}; the next send resumes there)" if total > 1 else ""
    return Outcome(target, "failed", error + where, messages=sent_now, total=total)

"""The delivery ledger in the store: what was sent where, when, and how far a send got.

One row per attempt to send a day, or a week's or month's digest (in one language), to one target:
`date` holds the day or the period's key (2026-W06, 2026-02; they never look alike) and `scope` says
which (migration 008_period_deliveries). A row starts as `sending`,
counts its messages as each one is accepted (so a send killed halfway resumes at the next
message), and ends `delivered` or `failed`. Each write is one transaction.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from paperbrief.deliver.targets import Target
from paperbrief.store import Store

STALE_AFTER = 15 * 60.0  # seconds without progress after which a `sending` row is an abandoned attempt


@dataclass
class Delivery:
    id: int
    key: str  # the day or the period
    scope: str  # day | week | month
    lang: str
    target_id: str
    target_label: str
    kind: str
    status: str  # sending | delivered | failed
    content_hash: str
    parts_hash: str
    parts_total: int
    parts_sent: int
    message_ids: list[str]
    papers: int
    updated: bool
    error: str | None
    pid: int
    started_at: float
    updated_at: float
    finished_at: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "date": self.key if self.scope == "day" else None,
            "period": None if self.scope == "day" else self.key,
            "lang": self.lang,
            "target": self.target_label,
            "kind": self.kind,
            "status": self.status,
            "papers": self.papers,
            "messages": self.parts_sent,
            "messages_total": self.parts_total,
            "message_ids": self.message_ids,
            "update": self.updated,
            "error": self.error,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
        }

    @property
    def in_progress_elsewhere(self) -> bool:
        """True for a `sending` attempt of another live process that is still making progress."""
        if self.status != "sending" or self.pid == os.getpid() or time.time() - self.updated_at > STALE_AFTER:
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


@dataclass
class Plan:
    """What to do for one target: send (from message `start`) or skip, and why."""

    send: bool
    reason: str = ""  # why it is skipped: "sent" | "changed" | "busy"
    start: int = 0
    message_ids: list[str] = field(default_factory=list)
    update: bool = False
    last: Delivery | None = None


def _row(r: Any) -> Delivery:
    return Delivery(
        id=r["id"], key=r["date"], scope=r["scope"], lang=r["lang"], target_id=r["target_id"], target_label=r["target_label"],
        kind=r["kind"], status=r["status"], content_hash=r["content_hash"], parts_hash=r["parts_hash"],
        parts_total=r["parts_total"], parts_sent=r["parts_sent"], message_ids=json.loads(r["message_ids"] or "[]"),
        papers=r["papers"], updated=bool(r["updated"]), error=r["error"], pid=r["pid"], started_at=r["started_at"],
        updated_at=r["updated_at"], finished_at=r["finished_at"],
    )


def attempts(store: Store, key: str, lang: str, target: Target) -> list[Delivery]:
    """Every attempt for (day or period, language, target), newest first."""
    rows = store.query(
        "SELECT * FROM deliveries WHERE date = ? AND lang = ? AND target_id = ? ORDER BY id DESC",
        (key, lang, target.id),
    )
    return [_row(r) for r in rows]


def plan(store: Store, key: str, lang: str, target: Target, content_hash: str,
         parts_hash: Callable[[bool], str], *, force: bool = False, send_updates: bool = False) -> Plan:
    """Decide whether to send the day or digest `key` to `target`: exactly once, unless forced or (opted in)
    updated.

    `parts_hash(update)` fingerprints the messages as they would be sent now (as an update or not):
    an attempt cut off halfway resumes at its next message only when its messages are the same.
    """
    history = attempts(store, key, lang, target)
    if not history:
        return Plan(send=True)
    last = history[0]
    if last.in_progress_elsewhere:
        return Plan(send=False, reason="busy", last=last)
    delivered = next((d for d in history if d.status == "delivered"), None)
    if force:
        return Plan(send=True, last=delivered)
    if last.status != "delivered" and (delivered is None or last.content_hash == content_hash):
        # an attempt that failed or was cut off: retry it, from the next message if nothing changed
        resume = last.parts_hash == parts_hash(last.updated) and 0 < last.parts_sent < last.parts_total
        return Plan(send=True, start=last.parts_sent if resume else 0,
                    message_ids=last.message_ids if resume else [], update=last.updated, last=delivered)
    assert delivered is not None
    if delivered.content_hash == content_hash:
        return Plan(send=False, reason="sent", last=delivered)
    if send_updates:
        return Plan(send=True, update=True, last=delivered)
    return Plan(send=False, reason="changed", last=delivered)


def begin(store: Store, key: str, scope: str, lang: str, target: Target, *, content_hash: str, parts_hash: str,
          parts_total: int, papers: int, start: int = 0, message_ids: list[str] | None = None,
          update: bool = False) -> int:
    now = time.time()
    with store.transaction() as c:
        cur = c.execute(
            "INSERT INTO deliveries(date, scope, lang, target_id, target_label, kind, status, content_hash, "
            "parts_hash, parts_total, parts_sent, message_ids, papers, updated, pid, started_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, 'sending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key, scope, lang, target.id, target.label, target.kind, content_hash, parts_hash, parts_total, start,
             json.dumps(message_ids or []), papers, int(update), os.getpid(), now, now),
        )
        assert cur.lastrowid is not None
        return cur.lastrowid


def progress(store: Store, delivery_id: int, parts_sent: int, message_ids: list[str]) -> None:
    with store.transaction() as c:
        c.execute(
            "UPDATE deliveries SET parts_sent = ?, message_ids = ?, updated_at = ? WHERE id = ?",
            (parts_sent, json.dumps(message_ids), time.time(), delivery_id),
        )


def finish(store: Store, delivery_id: int, status: str, error: str | None = None) -> None:
    now = time.time()
    with store.transaction() as c:
        c.execute(
            "UPDATE deliveries SET status = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?",
            (status, error, now, now, delivery_id),
        )


def history(store: Store, *, key: str | None = None, limit: int = 50) -> list[Delivery]:
    """The latest attempts, newest first (of every day and period, or of one)."""
    if key:
        rows = store.query("SELECT * FROM deliveries WHERE date = ? ORDER BY id DESC LIMIT ?", (key, limit))
    else:
        rows = store.query("SELECT * FROM deliveries ORDER BY id DESC LIMIT ?", (limit,))
    return [_row(r) for r in rows]

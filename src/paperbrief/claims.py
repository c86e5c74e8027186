"""Claims on reports: two runs of one day on one home never pay the LLM twice for a paper.

Before a run asks the LLM for a paper, it claims the report's key in the store (table
`claims`, migration 006_claims), in one write transaction:

- the report is already stored → the run reuses it (no LLM call);
- another live run holds the claim → this run waits until that run stores the report (then
  reuses it) or gives the claim up (then takes it);
- otherwise the claim is this run's: a lease with the run id, the process (host:pid) and an
  expiry that a heartbeat thread renews while the run lives.

A killed run stops renewing: its claims lapse after LEASE_S seconds, and at once on the same
host, where its pid is seen to be dead. The same liveness decides whether `paperbrief runs`
shows a run still marked "running" as running or as interrupted.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any

from paperbrief.store import Store, StoredReport

LEASE_S = 60.0  # a claim lapses this long after its run's last heartbeat
BEAT_S = LEASE_S / 4  # how often a live run renews its claims
POLL_S = 0.5  # how often a waiting run looks again


def process_id() -> str:
    """This process as host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_of(run_id: int) -> str:
    """This process's identity as a claim holder (and a run's `owner`): host:pid:run."""
    return f"{process_id()}:{run_id}"


def process_alive(owner: str | None) -> bool | None:
    """Whether the process of `owner` (host:pid:...) is alive: True/False on this host, None elsewhere."""
    if not owner:
        return None
    host, _, rest = owner.partition(":")
    pid_text = rest.split(":", 1)[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # it exists (another user's process)
    return True


def holder_alive(owner: str | None, fresh_until: float | None, now: float | None = None) -> bool:
    """A claim or run is live while its lease is fresh and its process (when we can see it) is alive."""
    now = time.time() if now is None else now
    if fresh_until is None or fresh_until <= now:
        return False
    return process_alive(owner) is not False


@dataclass
class Claim:
    state: str  # "mine" | "done" | "held"
    report: StoredReport | None = None  # for "done"
    holder: str | None = None  # for "held": host:pid:run of the other run


def claim(store: Store, key: str, arxiv_id: str, run_id: int, owner: str, *, reuse_after: float | None = 0.0,
          lease: float = LEASE_S) -> Claim:
    """Claim the report `key` for this run (see the module docstring).

    `reuse_after`: a stored successful report created at or after this time counts as done
    (0: any stored report; None: never, e.g. --force with no newer report)."""
    from paperbrief.store import _report_from_row

    now = time.time()
    with store.transaction() as c:
        if reuse_after is not None:
            row = c.execute("SELECT * FROM reports WHERE key = ? AND failed = 0 AND created_at >= ?",
                            (key, reuse_after)).fetchone()
            if row is not None:
                return Claim("done", report=_report_from_row(row))
        row = c.execute("SELECT owner, expires_at FROM claims WHERE key = ?", (key,)).fetchone()
        if row is not None and row["owner"] != owner and holder_alive(row["owner"], row["expires_at"], now):
            return Claim("held", holder=row["owner"])
        c.execute(
            "INSERT INTO claims(key, arxiv_id, run_id, owner, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET arxiv_id=excluded.arxiv_id, run_id=excluded.run_id, owner=excluded.owner, "
            "claimed_at=excluded.claimed_at, expires_at=excluded.expires_at",
            (key, arxiv_id, run_id, owner, now, now + lease),
        )
    return Claim("mine")


def release(store: Store, key: str, owner: str) -> None:
    with store.transaction() as c:
        c.execute("DELETE FROM claims WHERE key = ? AND owner = ?", (key, owner))


def release_all(store: Store, owner: str) -> None:
    with store.transaction() as c:
        c.execute("DELETE FROM claims WHERE owner = ?", (owner,))


def renew(store: Store, owner: str, run_id: int, lease: float = LEASE_S) -> None:
    """Extend this run's claims and mark it alive (the heartbeat)."""
    now = time.time()
    with store.transaction() as c:
        c.execute("UPDATE claims SET expires_at = ? WHERE owner = ?", (now + lease, owner))
        c.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (now, run_id))


def wait_for(store: Store, key: str, arxiv_id: str, run_id: int, owner: str, *, reuse_after: float | None,
             on_wait: Any = None) -> StoredReport | None:
    """Claim `key`, waiting while another live run holds it. The stored report when there is one
    to reuse (no LLM call); None when this run holds the claim and must write the report."""
    announced = False
    while True:
        got = claim(store, key, arxiv_id, run_id, owner, reuse_after=reuse_after)
        if got.state == "done":
            return got.report
        if got.state == "mine":
            return None
        if not announced and on_wait is not None:
            on_wait(got.holder)
            announced = True
        time.sleep(POLL_S)


class Heartbeat:
    """Renews a run's claims and its `heartbeat_at` every BEAT_S seconds until stopped."""

    def __init__(self, store: Store, owner: str, run_id: int, every: float = BEAT_S) -> None:
        self.store, self.owner, self.run_id, self.every = store, owner, run_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="run-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(Exception):  # a full disk or damaged store is reported by the run itself
            release_all(self.store, self.owner)

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            with contextlib.suppress(Exception):  # a busy or full store: the next beat tries again
                renew(self.store, self.owner, self.run_id)

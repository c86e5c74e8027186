"""Claims: two processes on one home never pay the LLM twice for the same thing.

Before paperbrief asks the LLM (or the embeddings endpoint) for something it stores, it claims
that thing's key in the store (table `claims`, migrations 006_claims and 009_claims_any), in
one write transaction with the check for a stored result:

- the result is already stored → it is reused (no call);
- another live holder has the claim → this one waits until that holder stores the result
  (then reuses it) or gives the claim up (then takes it);
- otherwise the claim is this holder's: a lease with its identity (host:pid:...) and an
  expiry that a heartbeat thread renews while the holder works.

What is claimed (`kind`): a paper's `report` (`paperbrief run` and `paperbrief write`), a day's
LLM `overview`, a digest's LLM themes (`digest`) and a text's `embedding`. A run holds its
reports' claims under the run's identity (host:pid:run id); anything else is held for the
length of one `holding` block under an identity of its own.

A killed holder stops renewing: its claims lapse after LEASE_S seconds, and at once on the
same host, where its pid is seen to be dead. The same liveness decides whether `paperbrief
runs` shows a run still marked "running" as running or as interrupted.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from paperbrief.store import Store, StoredReport

LEASE_S = 60.0  # a claim lapses this long after its holder's last heartbeat
BEAT_S = LEASE_S / 4  # how often a live holder renews its claims
POLL_S = 0.5  # how often a waiting holder looks again

Kind = Literal["report", "overview", "digest", "embedding"]
T = TypeVar("T")
# What is already stored under a claim's key, read inside the claim's transaction (None: nothing to reuse).
Done = Callable[[sqlite3.Connection], T | None]

_holders = itertools.count(1)


def process_id() -> str:
    """This process as host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def owner_of(run_id: int) -> str:
    """This process's identity as a claim holder (and a run's `owner`): host:pid:run."""
    return f"{process_id()}:{run_id}"


def new_holder(kind: str) -> str:
    """A fresh holder identity outside a run (host:pid:kind-n): unique within the process, so two
    threads of one process claiming the same key are told apart like two processes."""
    return f"{process_id()}:{kind}-{next(_holders)}"


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
class Claim(Generic[T]):
    state: str  # "mine" | "done" | "held"
    found: T | None = None  # for "done": what is stored
    holder: str | None = None  # for "held": the other holder (host:pid:...)


def claim(store: Store, key: str, owner: str, *, done: Done[T], subject: str, kind: Kind = "report",
          run_id: int | None = None, lease: float = LEASE_S) -> Claim[T]:
    """Claim `key` for `owner` (see the module docstring); `done` reads what is stored already."""
    now = time.time()
    with store.transaction() as c:
        found = done(c)
        if found is not None:
            return Claim("done", found=found)
        row = c.execute("SELECT owner, expires_at FROM claims WHERE key = ?", (key,)).fetchone()
        if row is not None and row["owner"] != owner and holder_alive(row["owner"], row["expires_at"], now):
            return Claim("held", holder=row["owner"])
        c.execute(
            "INSERT INTO claims(key, subject, kind, run_id, owner, claimed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET subject=excluded.subject, kind=excluded.kind, run_id=excluded.run_id, "
            "owner=excluded.owner, claimed_at=excluded.claimed_at, expires_at=excluded.expires_at",
            (key, subject, kind, run_id, owner, now, now + lease),
        )
    return Claim("mine")


def claim_many(store: Store, keys: Sequence[str], owner: str, *,
               stored: Callable[[sqlite3.Connection, Sequence[str]], set[str]], subject: str, kind: Kind,
               lease: float = LEASE_S) -> tuple[list[str], list[str]]:
    """Claim many keys for `owner` in one transaction: (the keys now held by `owner`, the keys another
    live holder has). Keys `stored(c, keys)` says are stored already are in neither list."""
    now = time.time()
    with store.transaction() as c:
        done = stored(c, keys)
        todo = [k for k in dict.fromkeys(keys) if k not in done]
        holders: dict[str, tuple[str, float]] = {}
        for i in range(0, len(todo), 500):
            batch = todo[i : i + 500]
            holders.update((r["key"], (r["owner"], r["expires_at"])) for r in c.execute(
                f"SELECT key, owner, expires_at FROM claims WHERE key IN ({','.join('?' * len(batch))})", batch))
        held = [k for k in todo if k in holders and holders[k][0] != owner and holder_alive(*holders[k], now)]
        taken = set(held)
        mine = [k for k in todo if k not in taken]
        c.executemany(
            "INSERT INTO claims(key, subject, kind, run_id, owner, claimed_at, expires_at) VALUES (?, ?, ?, NULL, ?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET subject=excluded.subject, kind=excluded.kind, run_id=NULL, "
            "owner=excluded.owner, claimed_at=excluded.claimed_at, expires_at=excluded.expires_at",
            [(k, subject, kind, owner, now, now + lease) for k in mine])
    return mine, held


def stored_report(key: str, reuse_after: float | None) -> Done[StoredReport]:
    """`done` for a paper's report: a stored successful report created at or after `reuse_after`
    (0: any; None: never, e.g. --force with no newer report)."""
    from paperbrief.store import _report_from_row

    def done(c: sqlite3.Connection) -> StoredReport | None:
        if reuse_after is None:
            return None
        row = c.execute("SELECT * FROM reports WHERE key = ? AND failed = 0 AND created_at >= ?",
                        (key, reuse_after)).fetchone()
        return _report_from_row(row) if row is not None else None

    return done


def release(store: Store, key: str, owner: str) -> None:
    with store.transaction() as c:
        c.execute("DELETE FROM claims WHERE key = ? AND owner = ?", (key, owner))


def release_all(store: Store, owner: str) -> None:
    with store.transaction() as c:
        c.execute("DELETE FROM claims WHERE owner = ?", (owner,))


def renew(store: Store, owner: str, run_id: int | None, lease: float = LEASE_S) -> None:
    """Extend this holder's claims and, for a run, mark it alive (the heartbeat)."""
    now = time.time()
    with store.transaction() as c:
        c.execute("UPDATE claims SET expires_at = ? WHERE owner = ?", (now + lease, owner))
        if run_id is not None:
            c.execute("UPDATE runs SET heartbeat_at = ? WHERE id = ?", (now, run_id))


def wait_for(store: Store, key: str, owner: str, *, done: Done[T], subject: str, kind: Kind = "report",
             run_id: int | None = None, on_wait: Callable[[str | None], None] | None = None) -> T | None:
    """Claim `key`, waiting while another live holder has it. What is stored when there is
    something to reuse (no call); None when `owner` holds the claim and must do the work."""
    announced = False
    while True:
        got = claim(store, key, owner, done=done, subject=subject, kind=kind, run_id=run_id)
        if got.state == "done":
            return got.found
        if got.state == "mine":
            return None
        if not announced and on_wait is not None:
            on_wait(got.holder)
            announced = True
        time.sleep(POLL_S)


@contextlib.contextmanager
def holding(store: Store, key: str, *, done: Done[T], subject: str, kind: Kind,
            on_wait: Callable[[str | None], None] | None = None) -> Iterator[T | None]:
    """Claim `key` outside a run: yields what is stored (made meanwhile by another process or thread:
    reuse it, pay nothing), or None when the claim is now held here: do the work and store its result
    inside the block. The claim is renewed while the block runs and released when it ends, also on error."""
    owner = new_holder(kind)
    found = wait_for(store, key, owner, done=done, subject=subject, kind=kind, on_wait=on_wait)
    if found is not None:
        yield found
        return
    with Heartbeat(store, owner, None):  # renews the claim; releases it on the way out
        yield None


class Heartbeat:
    """Renews a holder's claims (and a run's `heartbeat_at`) every BEAT_S seconds until stopped;
    releases the holder's claims when it stops."""

    def __init__(self, store: Store, owner: str, run_id: int | None, every: float = BEAT_S) -> None:
        self.store, self.owner, self.run_id, self.every = store, owner, run_id, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="claims-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(Exception):  # a full disk or damaged store is reported by the caller itself
            release_all(self.store, self.owner)

    def _beat(self) -> None:
        while not self._stop.wait(self.every):
            with contextlib.suppress(Exception):  # a busy or full store: the next beat tries again
                renew(self.store, self.owner, self.run_id)

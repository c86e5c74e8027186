"""Class 9 of issue 10 for every kind of paid call, not only a run's reports: `paperbrief write`,
the day's LLM overview and a digest's LLM themes are claimed in the store before the LLM is
asked, so two processes making the same one at once pay for it once, and a killed holder's
claim lapses (at once on this host; after its lease elsewhere) so the next process does the work.

The LLM replica counts the requests: that count is what the user pays for. Overviews and
digest themes are the requests with a `<papers>` block.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATE, replica_env, run_cli

from paperbrief.replica import Replica, fixtures

IDS = [item["paper"]["id"] for item in fixtures.listing(DATE)[:3]]
WEEK = "2026-W06"  # the ISO week of DATE (2026-02-02 to 2026-02-08)
WAITING = "another paperbrief process"


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "paperbrief", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def both(procs: list[subprocess.Popen]) -> list[str]:
    """Wait for every process; assert each exited 0 without a traceback; their stderr."""
    errs = []
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err, err[-3000:]
        errs.append(err)
    return errs


def claim_rows(db_path: Path, kind: str | None = None) -> int:
    """How many claims (of `kind`) the store holds now (0 while it can't be read)."""
    if not db_path.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
            if kind is None:
                return db.execute("SELECT count(*) FROM claims").fetchone()[0]
            return db.execute("SELECT count(*) FROM claims WHERE kind = ?", (kind,)).fetchone()[0]
    except sqlite3.Error:
        return 0


def wait_for_claim(db_path: Path, kind: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if claim_rows(db_path, kind):
            return
        assert proc.poll() is None, proc.communicate(timeout=30)[1][-3000:]
        time.sleep(0.1)
    raise AssertionError(f"no {kind} claim appeared")


def overview_of(md: str) -> str:
    """The overview paragraph of a day's Markdown (after its "## 今日速览" heading)."""
    return md.split("## 今日速览\n", 1)[1].split("\n## ", 1)[0].strip()


@pytest.fixture
def replica():
    with Replica() as r:
        yield r


@pytest.fixture
def env(replica, home, config):
    return replica_env(replica, home, config, llm=True, PAPERBRIEF_JOBS="2")


@pytest.fixture
def stored_day(replica, env, tmp_path):
    """The day's reports written (no overview), then the replica's request log cleared."""
    run_cli(["run", "--date", DATE, "--ids", ",".join(IDS), "--no-overview", "--out", str(tmp_path / "day")],
            env).clean(0)
    replica.services["llm"].clear()
    return DATE


def test_two_writes_of_one_paper_at_once_pay_once(replica, env, home):
    llm = replica.services["llm"]
    llm.delay = 3.0  # the second `write` reaches the LLM while the first one is waiting for its answer
    aid = IDS[0]
    errs = both([start(["write", aid, "--json"], env), start(["write", aid, "--json"], env)])
    assert llm.calls_for(aid) == 1
    assert sum(WAITING in e for e in errs) == 1, errs  # one of them waited for the other's report
    assert claim_rows(home / "paperbrief.db") == 0, "claims are released"


def test_a_write_during_a_run_of_its_day_pays_once(replica, env, home, tmp_path):
    llm = replica.services["llm"]
    llm.delay = 3.0
    aid = IDS[0]
    run = start(["run", "--date", DATE, "--ids", aid, "--no-overview", "--out", str(tmp_path / "a")], env)
    wait_for_claim(home / "paperbrief.db", "report", run)
    write = start(["write", aid, "--json"], env)
    _, write_err = both([run, write])
    assert llm.calls_for(aid) == 1
    assert WAITING in write_err and "Reused the stored report" in write_err


def test_two_runs_of_one_day_at_once_pay_once_for_its_overview(replica, env, stored_day, home, tmp_path):
    llm = replica.services["llm"]
    llm.delay = 3.0
    args = ["run", "--date", DATE, "--ids", ",".join(IDS)]
    errs = both([start([*args, "--out", str(tmp_path / "a")], env), start([*args, "--out", str(tmp_path / "b")], env)])
    assert llm.calls_for("<papers>") == 1
    assert sum(WAITING in e for e in errs) == 1, errs
    overviews = [overview_of((tmp_path / f / f"{DATE}.md").read_text("utf-8")) for f in ("a", "b")]
    assert overviews[0] and overviews[0] == overviews[1]  # the same overview in both days' files ...
    with sqlite3.connect(home / "paperbrief.db") as db:  # ... the LLM's, stored once
        assert db.execute("SELECT count(*) FROM generated WHERE kind = 'overview'").fetchone()[0] == 1


def test_two_digests_of_one_week_at_once_pay_once_for_its_themes(replica, env, stored_day, home, tmp_path):
    llm = replica.services["llm"]
    llm.delay = 3.0
    errs = both([start(["digest", "--week", WEEK, "--out", str(tmp_path / "a")], env),
                 start(["digest", "--week", WEEK, "--out", str(tmp_path / "b")], env)])
    assert llm.calls_for("<papers>") == 1
    assert sum(WAITING in e for e in errs) == 1, errs
    assert (tmp_path / "a" / f"{WEEK}.md").read_text("utf-8") == (tmp_path / "b" / f"{WEEK}.md").read_text("utf-8")
    assert claim_rows(home / "paperbrief.db") == 0


def test_a_killed_digest_does_not_hold_the_next_one_up(replica, env, stored_day, home, tmp_path):
    llm = replica.services["llm"]
    llm.delay = 60.0
    victim = start(["digest", "--week", WEEK, "--out", str(tmp_path / "a")], env)
    wait_for_claim(home / "paperbrief.db", "digest", victim)
    while llm.calls_for("<papers>") == 0:  # the victim is waiting for its (paid) answer
        time.sleep(0.1)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    llm.delay = 0.0
    again = run_cli(["digest", "--week", WEEK, "--out", str(tmp_path / "b")], env)
    again.clean(0)
    assert again.seconds < 30, "the dead process's claim held the digest up"
    assert WAITING not in again.stderr
    assert llm.calls_for("<papers>") == 2  # the killed one's call and this one's: the work is done
    assert "## " in (tmp_path / "b" / f"{WEEK}.md").read_text("utf-8")


def test_a_holder_on_another_machine_is_waited_for_until_its_lease_lapses(replica, env, stored_day, home, tmp_path):
    """A claim whose process we can't see (another host sharing the home) holds until its lease ends."""
    from paperbrief.store import Store

    llm = replica.services["llm"]
    llm.delay = 60.0
    victim = start(["digest", "--week", WEEK, "--out", str(tmp_path / "a")], env)
    db_path = home / "paperbrief.db"
    wait_for_claim(db_path, "digest", victim)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    lease = 4.0
    with Store(db_path) as store, store.transaction() as c:  # as if it were held from another machine
        c.execute("UPDATE claims SET owner = ?, expires_at = ? WHERE kind = 'digest'",
                  (f"not-{socket.gethostname()}:1:digest-1", time.time() + lease))
    llm.delay = 0.0
    llm.clear()
    again = run_cli(["digest", "--week", WEEK, "--out", str(tmp_path / "b")], env)
    again.clean(0)
    assert WAITING in again.stderr and "not-" in again.stderr
    assert lease - 1 <= again.seconds < 60
    assert llm.calls_for("<papers>") == 1
    assert claim_rows(db_path) == 0


def test_a_killed_write_does_not_hold_the_paper_up(replica, env, home):
    llm = replica.services["llm"]
    llm.delay = 60.0
    aid = IDS[1]
    victim = start(["write", aid, "--json"], env)
    wait_for_claim(home / "paperbrief.db", "report", victim)
    while llm.calls_for(aid) == 0:  # the victim is waiting for its (paid) answer
        time.sleep(0.1)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    llm.delay = 0.0
    again = run_cli(["write", aid, "--json"], env)
    again.clean(0)
    assert again.seconds < 30 and WAITING not in again.stderr
    assert llm.calls_for(aid) == 2  # the killed one's call and this one's: the report is written
    assert '"reused": false' in again.stdout

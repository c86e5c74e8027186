"""Class 9 of issue 10 (two runs at once never pay twice; a killed run shows as interrupted and its
claims lapse) and the transient-arXiv part of class 11 (a fallback is read again next run).

The LLM replica counts the requests per paper: that count is what the user pays for.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from conftest import DATE, replica_env, run_cli

from paperbrief.replica import Fault, Replica, fixtures

IDS = [item["paper"]["id"] for item in fixtures.listing(DATE)[:6]]


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "paperbrief", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


RUN = ["run", "--date", DATE, "--limit", "6", "--no-overview"]


@pytest.fixture
def replica():
    with Replica() as r:
        yield r


def test_two_runs_of_one_day_at_once_pay_once_per_paper(replica, home, config, tmp_path):
    replica.services["llm"].delay = 0.6  # long enough for the two runs to overlap on every paper
    env = replica_env(replica, home, config, llm=True, PAPERBRIEF_JOBS="2")
    first = start([*RUN, "--out", str(tmp_path / "a")], env)
    second = start([*RUN, "--out", str(tmp_path / "b")], env)
    outs = [p.communicate(timeout=300) for p in (first, second)]
    for proc, (_, err) in zip((first, second), outs, strict=True):
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err
    llm = replica.services["llm"]
    assert {aid: llm.calls_for(aid) for aid in IDS} == dict.fromkeys(IDS, 1)
    for folder in ("a", "b"):
        md = (tmp_path / folder / f"{DATE}.md").read_text("utf-8")
        assert md.count("## 📄") == 6 and "⚠ " not in md.split("## 📄", 1)[1][:0]
    with sqlite3.connect(home / "paperbrief.db") as db:
        assert db.execute("SELECT count(*) FROM claims").fetchone()[0] == 0, "claims are released"
        assert db.execute("SELECT count(*) FROM reports WHERE failed = 0").fetchone()[0] == 6


def test_a_killed_run_is_interrupted_and_its_claims_lapse_at_once(replica, home, config, tmp_path):
    llm = replica.services["llm"]
    llm.delay = 3.0
    env = replica_env(replica, home, config, llm=True, PAPERBRIEF_JOBS="2")
    victim = start([*RUN, "--out", str(tmp_path / "a")], env)
    db_path = home / "paperbrief.db"
    deadline = time.monotonic() + 120
    claimed = 0
    while time.monotonic() < deadline and not claimed:
        time.sleep(0.2)
        if db_path.exists():
            try:
                with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5) as db:
                    claimed = db.execute("SELECT count(*) FROM claims").fetchone()[0]
            except sqlite3.Error:
                continue
    assert claimed, victim.communicate(timeout=60)[1][-2000:]
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(30)
    runs = run_cli(["runs", "--json"], env)
    runs.clean(0)
    (record,) = json.loads(runs.stdout)
    assert record["status"] == "interrupted"
    llm.delay = 0.0
    started = time.monotonic()
    again = run_cli([*RUN, "--out", str(tmp_path / "b")], env)
    again.clean(0)
    assert time.monotonic() - started < 60, "the dead run's claims did not hold the rerun up for a lease"
    assert "another paperbrief process" not in again.stderr
    calls = {aid: llm.calls_for(aid) for aid in IDS}
    assert all(1 <= n <= 2 for n in calls.values()), calls  # a paper in flight at the kill is asked again
    assert sum(calls.values()) <= len(IDS) + 2  # at most the --jobs 2 in flight were paid twice
    statuses = [r["status"] for r in json.loads(run_cli(["runs", "--json"], env).stdout)]
    assert statuses == ["ok", "interrupted"]


def test_runs_shows_a_run_whose_process_is_gone_as_interrupted(home, config, tmp_path):
    from paperbrief.claims import process_id
    from paperbrief.store import Store

    with Store(home / "paperbrief.db") as store:
        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()
        alive = store.start_run(DATE, "zh", "m", "p", owner=process_id())
        gone = store.start_run(DATE, "zh", "m", "p", owner=process_id().rsplit(":", 1)[0] + f":{dead.pid}")
        with store.transaction() as c:  # a run from an older paperbrief: no owner, no heartbeat
            c.execute("INSERT INTO runs(date, started_at, status, lang, model, prompt_version) "
                      "VALUES (?, ?, 'running', 'zh', 'm', 'p')", (DATE, time.time()))
        status = {r.id: r.status for r in store.runs()}
    assert status[alive] == "running" and status[gone] == "interrupted" and status[max(status)] == "interrupted"


def test_an_html_page_that_failed_transiently_is_read_again_next_run(replica, home, config, tmp_path):
    config.write_text("http_retries = 1\n", "utf-8")
    env = replica_env(replica, home, config)
    html_paper = next(aid for aid in IDS if fixtures.manifest().get(aid, {}).get("html"))
    replica.fault(f"/html/{html_paper}", Fault.status(503), times=2)  # the first run gives up on the HTML
    args = ["run", "--date", DATE, "--ids", html_paper, "--no-overview"]
    first = run_cli([*args, "--out", str(tmp_path / "a")], env)
    first.clean(0)
    first_json = json.loads((tmp_path / "a" / f"{DATE}.json").read_text("utf-8"))
    assert first_json["papers"][0]["source"] != "HTML"
    second = run_cli([*args, "--out", str(tmp_path / "b")], env)
    second.clean(0)
    second_json = json.loads((tmp_path / "b" / f"{DATE}.json").read_text("utf-8"))
    assert second_json["papers"][0]["source"] == "HTML"
    replica.reset_counts()
    third = run_cli([*args, "--out", str(tmp_path / "c")], env)
    third.clean(0)
    assert replica.count("/html/") == 0, "once read from the HTML, the paper is not read again"

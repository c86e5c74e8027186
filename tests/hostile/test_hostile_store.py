"""Class 7 of issue 10: a damaged store and a full disk.

A damaged `paperbrief.db` (random bytes, text, truncated, overwritten pages, a directory) gives
every command one line naming the file, the integrity check and `paperbrief doctor`, and the file
is never changed; `paperbrief doctor --repair` sets it aside (kept, byte for byte), recovers what
it can and rebuilds from the download cache. A full disk names the path and the space needed, and
loses nothing already stored.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import DATE, replica_env, run_cli

from paperbrief.replica import Replica


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def replica_module():
    with Replica() as r:
        yield r


@pytest.fixture(scope="module")
def good_home(replica_module, tmp_path_factory) -> Path:
    """A home with a real store: 6 papers of the day written (extracts), a clean WAL checkpoint."""
    base = tmp_path_factory.mktemp("good")
    config = base / "config.toml"
    config.write_text("", "utf-8")
    home = base / "home"
    out = run_cli(["run", "--date", DATE, "--limit", "6", "--out", str(base / "out")],
                  replica_env(replica_module, home, config))
    out.clean(0)
    with sqlite3.connect(home / "paperbrief.db") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return home


def damage(kind: str, db: Path) -> None:
    data = db.read_bytes()
    if kind == "random-bytes":
        db.write_bytes(os.urandom(len(data)))
    elif kind == "text":
        db.write_text("this is not a database\n" * 100, "utf-8")
    elif kind == "truncated":
        db.write_bytes(data[: len(data) // 3])
    elif kind == "overwritten-pages":
        b = bytearray(data)
        for page in range(2, len(data) // 4096, 3):
            b[page * 4096 : page * 4096 + 512] = os.urandom(512)
        db.write_bytes(bytes(b))
    elif kind == "header-zeroed":
        db.write_bytes(b"\0" * 100 + data[100:])
    elif kind == "directory":
        db.unlink()
        db.mkdir()
        (db / "inside.txt").write_text("kept", "utf-8")


DAMAGE = ["random-bytes", "text", "truncated", "overwritten-pages", "header-zeroed", "directory"]
COMMANDS = [["runs"], ["search", "model"], ["render", "--date", DATE], ["site"], ["run", "--date", DATE],
            ["doctor"]]


@pytest.fixture
def damaged(good_home, tmp_path, request, replica_module):
    home = tmp_path / "home"
    shutil.copytree(good_home, home)
    damage(request.param, home / "paperbrief.db")
    config = tmp_path / "config.toml"
    config.write_text("", "utf-8")
    return home, replica_env(replica_module, home, config)


@pytest.mark.parametrize("damaged", DAMAGE, indirect=True)
def test_every_command_says_the_store_is_damaged_in_one_line_and_changes_nothing(damaged, tmp_path):
    home, env = damaged
    db = home / "paperbrief.db"
    before = sha(db) if db.is_file() else "dir"
    for args in COMMANDS:
        extra = ["--out", str(tmp_path / "o")] if args[0] in ("render", "run", "site") else []
        out = run_cli(args + extra, env)
        if args[0] == "doctor":
            out.clean(1)
            assert "PROBLEM  store:" in out.stdout and "doctor --repair" in out.stdout
            continue
        if out.code == 0:  # a command that never touched a damaged page may succeed
            out.clean(0)
            continue
        line = out.one_line_error(2, str(db), "paperbrief doctor")
        assert "damaged" in line and "integrity check:" in line
        assert (sha(db) if db.is_file() else "dir") == before, f"{args} changed the damaged store"


@pytest.mark.parametrize("damaged", DAMAGE, indirect=True)
def test_doctor_repair_keeps_the_damaged_file_and_rebuilds_from_the_cache(damaged, tmp_path):
    home, env = damaged
    db = home / "paperbrief.db"
    before = sha(db) if db.is_file() else None
    out = run_cli(["doctor", "--repair"], env)
    out.clean(0)
    kept = [p for p in home.iterdir() if p.name.startswith("paperbrief.db.damaged-") and not p.name.endswith(("-wal", "-shm"))]
    assert len(kept) == 1, list(home.iterdir())
    if before is not None:
        assert sha(kept[0]) == before, "the damaged store is kept byte for byte"
    else:
        assert (kept[0] / "inside.txt").read_text("utf-8") == "kept"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        days = conn.execute("SELECT count(*) FROM days").fetchone()[0]
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert days == 1, "the listing of the day is rebuilt from the cache"
    assert docs >= 5, "the papers' documents are rebuilt from the cached HTML and PDF downloads"
    run_cli(["doctor"], env).clean(0)
    run = run_cli(["run", "--date", DATE, "--limit", "6", "--out", str(tmp_path / "o")], env)
    run.clean(0)


def test_doctor_on_a_healthy_store_reports_and_changes_nothing(good_home, tmp_path, replica_module):
    home = tmp_path / "home"
    shutil.copytree(good_home, home)
    config = tmp_path / "c.toml"
    config.write_text("", "utf-8")
    before = sha(home / "paperbrief.db")
    env = replica_env(replica_module, home, config)
    out = run_cli(["doctor"], env)
    out.clean(0)
    assert "ok       store:" in out.stdout and "integrity ok; 1 days, 47 papers, 6 reports" in out.stdout
    run_cli(["doctor", "--repair"], env).clean(0)
    assert sha(home / "paperbrief.db") == before
    replica_module.reset_counts()
    assert replica_module.count() == 0


# -- a full disk --------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A tmpfs of 400 KB (needs root and mount; skipped elsewhere). Yields (path, grow())."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mnt)], capture_output=True)
    if proc.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")

    def grow() -> None:
        subprocess.run(["mount", "-o", "remount,size=64m", str(mnt)], check=True)

    try:
        yield mnt, grow
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_a_full_disk_under_the_store_is_one_line_and_loses_nothing(small_disk, replica_module, tmp_path):
    mnt, grow = small_disk
    home = mnt / "home"
    config = tmp_path / "c.toml"
    config.write_text("", "utf-8")
    env = replica_env(replica_module, home, config)
    out = run_cli(["run", "--date", DATE, "--limit", "12", "--out", str(tmp_path / "o")], env)
    line = out.one_line_error(1, f"cannot write the store {home / 'paperbrief.db'}: the disk is full", "free at least")
    assert "Nothing stored was lost" in line
    assert sum("cannot write to the download cache" in ln for ln in out.stderr.splitlines()) <= 1
    with sqlite3.connect(home / "paperbrief.db") as db:
        stored = {r[0] for r in db.execute("SELECT arxiv_id FROM documents")}
    grow()
    again = run_cli(["run", "--date", DATE, "--limit", "12", "--out", str(tmp_path / "o")], env)
    again.clean(0)
    with sqlite3.connect(home / "paperbrief.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        after = {r[0] for r in db.execute("SELECT arxiv_id FROM documents")}
        assert db.execute("SELECT count(*) FROM reports WHERE failed = 0").fetchone()[0] == 12
    assert stored <= after


def test_a_full_disk_under_the_output_folder_keeps_the_reports(small_disk, replica_module, tmp_path):
    mnt, _ = small_disk
    (mnt / "filler").write_bytes(b"\0" * (400 * 1024 - 8192))
    home = tmp_path / "home"
    config = tmp_path / "c.toml"
    config.write_text("", "utf-8")
    env = replica_env(replica_module, home, config)
    out = run_cli(["run", "--date", DATE, "--limit", "6", "--out", str(mnt / "out")], env)
    line = out.one_line_error(2, f"cannot write {mnt / 'out' / (DATE + '.md')}", "the disk is full", "it needed")
    assert "the reports are stored" in line and "paperbrief render" in line
    render = run_cli(["render", "--date", DATE, "--out", str(tmp_path / "elsewhere")], env)
    render.clean(0)
    assert (tmp_path / "elsewhere" / f"{DATE}.md").read_text("utf-8").count("## 📄") == 6


def test_a_full_disk_under_the_site_names_the_file(small_disk, good_home, replica_module, tmp_path):
    mnt, _ = small_disk
    (mnt / "filler").write_bytes(b"\0" * (400 * 1024 - 8192))
    home = tmp_path / "home"
    shutil.copytree(good_home, home)
    config = tmp_path / "c.toml"
    config.write_text("", "utf-8")
    out = run_cli(["site", "--out", str(mnt / "site")], replica_env(replica_module, home, config))
    out.one_line_error(2, f"cannot write the site to {mnt / 'site'}", "the disk is full")

"""The CLI's top-level handler, `serve` (class 10) and the smaller holes of class 11.

The handler: an unexpected exception is one line naming its kind and the crash log under
PAPERBRIEF_HOME/logs/, exit 1; the traceback reaches the terminal only with --debug.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from archive_data import paper, save, zh_report
from conftest import DATE, KEY, run_cli
from hostile_server import HostileServer as H

from paperbrief.models import DayListing
from paperbrief.store import Store

CRASHER = """
import errno, sqlite3, sys
import typer
from paperbrief.cli import app, main

@app.command("boom")
def boom(kind: str, extra: list[str] = typer.Argument(None)) -> None:
    if kind == "runtime":
        raise RuntimeError("kaboom with the key {key} inside\\nand a second line")
    if kind == "memory":
        raise MemoryError()
    if kind == "recursion":
        def f(n): return f(n + 1)
        f(0)
    if kind == "unicode":
        "\\ud800".encode("utf-8")
    if kind == "sqlite":
        raise sqlite3.OperationalError("disk I/O error")
    if kind == "enospc":
        raise OSError(errno.ENOSPC, "No space left on device")
    if kind == "pipe":
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")
    if kind == "urls":
        raise RuntimeError("post to https://hooks.slack.com/services/T/B/SECRETTOKEN failed via https://u:pw-secret@h/v1")

sys.argv = ["paperbrief", *sys.argv[1:]]
main()
""".replace("{key}", KEY)


def crash(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CRASHER, *args], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("kind, name", [("runtime", "RuntimeError"), ("memory", "MemoryError"),
                                        ("recursion", "RecursionError"), ("unicode", "UnicodeEncodeError"),
                                        ("sqlite", "OperationalError")])
def test_an_unexpected_exception_is_one_line_and_a_saved_traceback(env_for, home, kind, name):
    env = {**env_for("http://127.0.0.1:9"), "OPENAI_API_KEY": KEY}
    proc = crash(["boom", kind], env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    m = re.fullmatch(rf"Error: unexpected {name}.* \(a bug in paperbrief; the full traceback is in (\S+); "
                     r"add --debug to see it here\)", lines[0])
    assert m, lines[0]
    log = Path(m.group(1))
    assert log.parent == home / "logs" and log.name.startswith("crash-")
    saved = log.read_text("utf-8")
    assert "Traceback (most recent call last)" in saved and name in saved
    assert KEY not in proc.stderr and KEY not in saved, "the API key is scrubbed from the line and the log"


def test_urls_in_a_crash_are_shown_without_their_tokens_or_passwords(env_for, home):
    proc = crash(["boom", "urls", "slack:https://hooks.slack.com/services/T/B/ARGTOKEN"], env_for("http://127.0.0.1:9"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    (log,) = (home / "logs").glob("crash-*.log")
    for text in (proc.stderr, log.read_text("utf-8")):
        assert "SECRETTOKEN" not in text and "pw-secret" not in text and "ARGTOKEN" not in text
        assert "https://hooks.slack.com/…" in text


def test_debug_shows_the_traceback_on_the_terminal(env_for):
    proc = crash(["--debug", "boom", "runtime"], env_for("http://127.0.0.1:9"))
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr and "RuntimeError: kaboom" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("Error: unexpected RuntimeError")
    assert "add --debug" not in proc.stderr
    env = {**env_for("http://127.0.0.1:9"), "PAPERBRIEF_DEBUG": "1"}
    assert "Traceback" in crash(["boom", "runtime"], env).stderr


def test_a_raw_full_disk_error_is_the_disk_full_line(env_for):
    proc = crash(["boom", "enospc"], env_for("http://127.0.0.1:9"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Error: cannot write") and "the disk is full" in proc.stderr


def test_a_closed_pipe_is_silent(env_for):
    proc = crash(["boom", "pipe"], env_for("http://127.0.0.1:9"))
    assert proc.returncode == 1 and proc.stderr == ""


def test_a_crash_log_that_cannot_be_written_still_gives_one_line(env_for, tmp_path):
    home = tmp_path / "file-not-dir"
    home.write_text("x", "utf-8")
    env = {**env_for("http://127.0.0.1:9"), "PAPERBRIEF_HOME": str(home), "TMPDIR": str(tmp_path / "tmp")}
    proc = crash(["boom", "runtime"], env)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert f"the full traceback is in {tmp_path / 'tmp'}" in proc.stderr


def test_reader_failures_are_one_line_warnings_with_the_traceback_in_the_log(hostile, env_for, home):
    """A reader that crashes on a page warns in one line; the traceback goes to logs/paperbrief.log."""
    hostile.route("/api/daily_papers", H.json([{"paper": {"id": "2601.00001", "title": "T",
                                                           "summary": "An abstract. " * 30}}]))
    pdf = b"%PDF-1.7\n" + os.urandom(3000)
    hostile.route("/html/", H.text(404, "no"))
    hostile.route("/pdf/", H.raw(200, pdf, "application/pdf"))
    hostile.route("/api/query", H.text(404, "no"))
    out = run_cli(["run", "--date", DATE, "--out", str(home / "out")], env_for(hostile.url))
    out.clean(0)
    assert "Traceback" not in out.stderr


# -- class 10: serve ---------------------------------------------------------------------------------


def raw_request(port: int, target: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return data


def test_serve_answers_400_to_a_nul_and_never_lists_a_folder(tmp_path, home, config):
    site = tmp_path / "site"
    (site / "papers").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>", "utf-8")
    (site / "papers" / "2601.00001.html").write_text("paper", "utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBRIEF_")}
    env.update(PAPERBRIEF_HOME=str(home), PAPERBRIEF_CONFIG=str(config))
    proc = subprocess.Popen([sys.executable, "-m", "paperbrief", "serve", "--out", str(site), "--no-build",
                             "--port", "0"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        port = int(re.search(r":(\d+)/", line).group(1))
        assert raw_request(port, b"/%00").startswith(b"HTTP/1.0 400")
        assert raw_request(port, b"/papers/%00.html").startswith(b"HTTP/1.0 400")
        assert raw_request(port, b"/index.html%00.png").startswith(b"HTTP/1.0 400")
        listing = raw_request(port, b"/papers/")
        assert listing.startswith(b"HTTP/1.0 404") and b"2601.00001" not in listing
        assert raw_request(port, b"/../../../../etc/passwd").startswith(b"HTTP/1.0 404")
        assert raw_request(port, b"/%ff%fe.html").startswith(b"HTTP/1.0 400")
        assert raw_request(port, b"/papers/2601.00001.html").startswith(b"HTTP/1.0 200")
        assert proc.poll() is None, "the server is still up"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert "Traceback" not in line + err


# -- class 11: the smaller ones ----------------------------------------------------------------


@pytest.mark.parametrize("ids", [",,,", " , ", ""])
def test_ids_that_name_no_paper_are_an_error(hostile, env_for, ids):
    out = run_cli(["run", "--date", DATE, "--ids", ids], env_for(hostile.url))
    out.one_line_error(2, "names no paper")
    assert hostile.count() == 0


@pytest.mark.parametrize("model", ["", "   ", "gpt\n4"])
def test_an_empty_or_broken_model_name_is_an_error(hostile, env_for, model):
    out = run_cli(["run", "--date", DATE, "--model", model], env_for(hostile.url, llm=True))
    out.one_line_error(2, "'model'")
    assert hostile.count() == 0


def page_items(start: int, n: int = 100) -> list[dict]:
    return [{"paper": {"id": f"2601.{i:05d}", "title": f"Paper {i}"}} for i in range(start, start + n)]


def test_a_listing_that_ignores_paging_gives_one_summary_line(hostile, env_for):
    hostile.route("/api/daily_papers", H.json(page_items(0)))  # the same full page, whatever p is
    out = run_cli(["list", "--date", DATE], env_for(hostile.url))
    out.clean(0)
    assert len(out.stdout.splitlines()) == 100
    warnings = [ln for ln in out.stderr.splitlines() if ln.startswith("Warning:")]
    assert warnings == ["Warning: 100 items repeat papers already listed (first: item 101 repeats 2601.00000); "
                        "skipped the duplicates"]


def test_a_next_link_to_the_same_page_stops(hostile, env_for):
    hostile.route("/api/daily_papers", H.raw(200, json.dumps(page_items(0)).encode(), "application/json",
                                             {"Link": '</api/daily_papers?date=2026-02-08&limit=100&p=0>; rel="next"'}))
    out = run_cli(["list", "--date", DATE], env_for(hostile.url))
    out.clean(0)
    assert hostile.count("/api/daily_papers") == 1, "a page already read is not asked for again"
    assert len(out.stdout.splitlines()) == 100


def test_a_listing_cut_at_the_page_limit_says_so(hostile, env_for):
    def endless_pages(req, w):
        page = int(re.search(r"p=(\d+)", req.query).group(1)) if "p=" in req.query else 0
        H.json(page_items(page * 100))(req, w)

    hostile.route("/api/daily_papers", endless_pages)
    out = run_cli(["list", "--date", DATE], env_for(hostile.url))
    out.clean(0)
    assert len(out.stdout.splitlines()) == 5000
    assert ("Warning: the listing of 2026-02-08 was cut after 50 pages (5,000 items, 5,000 papers kept): the server "
            "kept sending more; the rest of the day is not included") in out.stderr


@pytest.mark.parametrize("key, shown", [("sk-ABCDEF", "****"), ("sk-0123456789abcdef", "****"),
                                        ("sk-0123456789abcdefWXYZ", "****WXYZ")])
def test_keys_show_at_most_four_characters(hostile, env_for, key, shown):
    out = run_cli(["config", "--json"], {**env_for(hostile.url), "OPENAI_API_KEY": key})
    out.clean(0)
    masked = json.loads(out.stdout)["settings"]["openai_api_key"]
    assert masked == shown
    assert len(masked.replace("*", "")) <= 4


def test_a_password_in_the_endpoint_is_masked(hostile, env_for):
    env = {**env_for(hostile.url), "OPENAI_BASE_URL": "https://alice:s3cret-pass@llm.example.com/v1",
           "OPENAI_API_KEY": KEY}
    out = run_cli(["config"], env)
    out.clean(0)
    assert "s3cret-pass" not in out.stdout and "alice:****@llm.example.com" in out.stdout
    bad = run_cli(["config"], {**env, "OPENAI_BASE_URL": "ftp://alice:s3cret-pass@llm.example.com/v1"})
    bad.one_line_error(2, "'openai_base_url' ('ftp://alice:****@llm.example.com/v1'")
    assert "s3cret-pass" not in bad.stderr


# -- site: workers die with the build, old-style ids link right ---------------------------------------


def fill_many(path: Path, n: int) -> None:
    with Store(path) as store:
        papers = [paper(f"2601.{i:05d}", f"Paper {i}", abstract="Abstract.") for i in range(n)]
        store.save_listing(DayListing(date="2026-01-05", papers=papers))
        report = zh_report("机器学习", "一句话贡献。", "创新", "结果 1.0。")
        for p in papers:
            save(store, p, report)


def children_of(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_site_workers_die_with_a_killed_build(home, config, tmp_path):
    fill_many(home / "paperbrief.db", 1500)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBRIEF_")}
    env.update(PAPERBRIEF_HOME=str(home), PAPERBRIEF_CONFIG=str(config))
    proc = subprocess.Popen([sys.executable, "-m", "paperbrief", "site", "--out", str(tmp_path / "site")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while not workers and proc.poll() is None and time.monotonic() < deadline:
        workers = children_of(proc.pid)
        time.sleep(0.01)
    if not workers:
        proc.wait(60)
        pytest.skip("the build finished before its workers could be seen")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = {w for w in alive if Path(f"/proc/{w}").exists() and "Z" not in _state(w)}
        time.sleep(0.1)
    assert not alive, f"worker processes {alive} outlived the killed build"


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_old_style_ids_get_pages_whose_links_work(home, config, tmp_path):
    with Store(home / "paperbrief.db") as store:
        old = paper("hep-th/9901001", "An Old-Style Paper", abstract="Strings.")
        new = paper("2601.00001", "A New-Style Paper", abstract="Models.")
        store.save_listing(DayListing(date="2026-01-05", papers=[old, new]))
        save(store, old, zh_report("理论物理", "一句话贡献。", "创新", "结果 1.0。"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBRIEF_")}
    env.update(PAPERBRIEF_HOME=str(home), PAPERBRIEF_CONFIG=str(config))
    site = tmp_path / "site"
    run_cli(["site", "--out", str(site)], env).clean(0)
    assert (site / "papers" / "hep-th_9901001.html").is_file()
    assert not (site / "papers" / "hep-th").exists()
    broken = []
    for page in site.rglob("*.html"):
        for href in re.findall(r'(?:href|src)="([^"#:]+)(?:#[^"]*)?"', page.read_text("utf-8")):
            if not (page.parent / href).resolve().exists():
                broken.append((page.relative_to(site), href))
    assert broken == []
    js = (site / "static" / "search.js").read_text("utf-8")
    assert 'encodeURIComponent(doc[0].replace(/\\//g, "_"))' in js

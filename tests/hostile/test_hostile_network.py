"""Classes 5 and 6 of issue 10: upstreams that drip, never end, loop, lie or send garbage.

Each case points paperbrief at the hostile server and asserts the exact outcome: the exit
code, one `Error:` line naming what was wrong, no traceback, and an end within the bound.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from conftest import BOUND, DATE, run_cli
from hostile_server import HostileServer as H

LISTING = "/api/daily_papers"


def item(aid: str, title: str = "A Paper", summary: str = "An abstract about things. " * 20, **paper) -> dict:
    return {"paper": {"id": aid, "title": title, "summary": summary, "upvotes": 3,
                      "authors": [{"name": "Ada Lovelace"}], **paper}, "publishedAt": "2026-02-08T10:00:00.000Z"}


@pytest.fixture
def small_caps(config):
    """A 2 s deadline per download and a 1 MB size cap, so hostile cases end quickly."""
    config.write_text("http_deadline = 2\nhttp_timeout = 1\nhttp_retries = 1\nmax_download_mb = 1\n", "utf-8")
    return config


LISTING_CASES = [
    ("drip-body", H.drip(b"[" + b" " * 10_000 + b"]", interval=0.2, content_type="application/json"),
     ["took longer than 2 s", "not retried"]),
    ("drip-headers", H.drip_headers(interval=0.2), ["took longer than 2 s"]),
    ("endless-body", H.endless("application/json"), ["larger than 1 MB"]),
    ("lying-length", H.lying_length(content_type="application/json"), ["larger than 1 MB"]),
    ("gzip-bomb", H.gzip_bomb(content_type="application/json"), ["larger than 1 MB"]),
    ("redirect-to-self", H.redirect_loop(), ["more than 10 redirects"]),
    ("redirect-ping-pong", H.redirect_loop("/elsewhere"), ["more than 10 redirects"]),
    ("redirect-to-ftp", H.redirect_loop("ftp://example.invalid/x"), ["cannot list 2026-02-08"]),
    ("redirect-to-nonsense", H.redirect_loop("http://[::1"), ["cannot list 2026-02-08"]),
    ("html-instead-of-json", H.text(200, "<html>login</html>", "text/html"), ["unexpected content type text/html"]),
    ("garbage-bytes", H.garbage(5000), ["not valid JSON"]),
    ("json-object", H.json({"error": "nope"}), ["not a list of papers"]),
    ("hang-up", H.hang_up(), ["connection broken"]),
    ("http-500-forever", H.text(500, "boom"), ["HTTP 500"]),
]


@pytest.mark.parametrize("name, behaviour, needles", LISTING_CASES, ids=[c[0] for c in LISTING_CASES])
def test_a_hostile_listing_is_one_line_and_bounded(hostile, env_for, small_caps, name, behaviour, needles):
    hostile.route(LISTING, behaviour)
    hostile.route("/elsewhere", H.redirect_loop(LISTING))
    out = run_cli(["list", "--date", DATE], env_for(hostile.url))
    out.one_line_error(2, *needles)
    assert out.seconds < BOUND


def test_the_deadline_covers_a_whole_run_that_cannot_list(hostile, env_for, small_caps, home):
    hostile.route(LISTING, H.drip_headers(interval=0.1))
    out = run_cli(["run", "--date", DATE, "--out", str(home / "out")], env_for(hostile.url))
    out.one_line_error(2, "took longer than 2 s")
    assert hostile.count(LISTING) == 1, "a dripping server is cut off, not retried"


def test_a_listing_json_with_nan_and_huge_numbers_is_read(hostile, env_for, small_caps):
    body = json.dumps([item("2601.00001", upvotes=float("nan")), item("2601.00002", upvotes=1e19),
                       item("2601.00003", upvotes=-7), item("2601.00004", upvotes="12"),
                       item("2601.00005", upvotes=float("inf")), item("2601.00006", upvotes=[1])])
    hostile.route(LISTING, H.raw(200, body.encode(), "application/json"))
    out = run_cli(["list", "--date", DATE, "--json"], env_for(hostile.url))
    out.clean(0)
    votes = {p["arxiv_id"]: p["upvotes"] for p in json.loads(out.stdout)}
    assert votes == {"2601.00001": 0, "2601.00002": 0, "2601.00003": 0, "2601.00004": 12, "2601.00005": 0,
                     "2601.00006": 0}


ARXIV_CASES = [
    ("drip", H.drip(b"<html>" + b"x" * 50_000 + b"</html>", interval=0.2)),
    ("redirect-loop", H.redirect_loop()),
    ("endless", H.endless()),
    ("garbage", H.garbage(3000, "text/html")),
    ("wrong-type", H.text(200, "%PDF-1.4 not html", "application/pdf")),
]


@pytest.mark.parametrize("name, behaviour", ARXIV_CASES, ids=[c[0] for c in ARXIV_CASES])
def test_read_falls_through_every_hostile_arxiv_source_in_one_line(hostile, env_for, small_caps, name, behaviour):
    for prefix in ("/html/", "/pdf/", "/api/query"):
        hostile.route(prefix, behaviour)
    out = run_cli(["read", "2601.00001"], env_for(hostile.url))
    line = out.one_line_error(2, "cannot read 2601.00001", "HTML:", "PDF:", "abstract:")
    assert len(line) < 1500
    assert out.seconds < BOUND


def test_a_run_survives_a_hostile_arxiv_and_keeps_every_paper(hostile, env_for, small_caps, home):
    """arXiv drips, loops and sends garbage: the day is still written from the listing's abstracts."""
    hostile.route(LISTING, H.json([item("2601.00001"), item("2601.00002"), item("2601.00003")]))
    hostile.route("/html/2601.00001", H.drip(b"<html>" + b"x" * 50_000, interval=0.3))
    hostile.route("/html/2601.00002", H.redirect_loop())
    hostile.route("/html/2601.00003", H.garbage(3000, "text/html"))
    hostile.route("/pdf/", H.endless("application/pdf"))
    hostile.route("/api/query", H.text(200, "<feed><entry>garbage", "application/atom+xml"))
    out = run_cli(["run", "--date", DATE, "--out", str(home / "out")], env_for(hostile.url))
    out.clean(0)
    assert "Warning:" in out.stderr or "written from the Hugging Face abstract" in out.stderr
    with sqlite3.connect(home / "paperbrief.db") as db:
        rows = db.execute("SELECT arxiv_id, failed FROM reports ORDER BY arxiv_id").fetchall()
    assert rows == [("2601.00001", 0), ("2601.00002", 0), ("2601.00003", 0)]
    md = (home / "out" / f"{DATE}.md").read_text("utf-8")
    assert md.count("## 📄 A Paper") == 3


# -- delivery targets: webhooks go through the same client, with the same deadline and mapping ----------


WEBHOOK_CASES = [
    ("drip", H.drip(b'{"ok": true}' + b" " * 5000, interval=0.2, content_type="application/json"), "took longer"),
    ("redirect-loop", H.redirect_loop(), "more than 10 redirects"),
    ("hang-up", H.hang_up(), "connection broken"),
    ("endless", H.endless("application/json"), "larger than 1 MB"),
]


@pytest.mark.parametrize("name, behaviour, needle", WEBHOOK_CASES, ids=[c[0] for c in WEBHOOK_CASES])
def test_a_hostile_webhook_fails_that_target_in_bounded_time(hostile, env_for, small_caps, home, name, behaviour,
                                                             needle):
    from archive_data import make_store

    make_store(home / "paperbrief.db").close()
    hostile.route("/hook", behaviour)
    out = run_cli(["send", "--date", DATE, "--to", f"webhook:{hostile.url}/hook/SECRET-TOKEN-123"],
                  env_for(hostile.url))
    out.clean(1)
    assert needle in out.stderr
    assert "SECRET-TOKEN-123" not in out.stderr + out.stdout
    assert out.seconds < BOUND


@pytest.fixture
def dripping_smtp():
    """An SMTP server that greets without end, one continuation line every 0.2 s."""
    import socket
    import threading

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    stop = threading.Event()

    def greet(conn: socket.socket) -> None:
        with conn:
            while not stop.wait(0.2):
                try:
                    conn.sendall(b"220-still greeting you\r\n")
                except OSError:
                    return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=greet, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    yield srv.getsockname()[1]
    stop.set()
    srv.close()


def test_a_dripping_smtp_server_is_cut_off_by_the_deadline(dripping_smtp, env_for, hostile, small_caps, home):
    from archive_data import make_store

    make_store(home / "paperbrief.db").close()
    env = {**env_for(hostile.url), "PAPERBRIEF_SMTP_URL": f"smtp://u:pw-secret@127.0.0.1:{dripping_smtp}",
           "PAPERBRIEF_SMTP_FROM": "pb@example.com"}
    out = run_cli(["send", "--date", DATE, "--to", "mailto:reader@example.com"], env)
    out.clean(1)
    assert "took longer than 2 s" in out.stderr and "pw-secret" not in out.stderr
    assert out.seconds < BOUND

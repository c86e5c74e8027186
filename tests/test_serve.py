"""Serving the site: loopback by default, right content types, rebuild when the store is newer."""

import os
import re
import subprocess
import sys
import time

import httpx
import pytest
from archive_data import add_day, make_store

from paperbrief.render.site import build_site, read_manifest
from paperbrief.serve import ensure_built, make_server, serve_in_thread


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path / "pb.db")
    yield s
    s.close()


def test_server_listens_on_loopback_and_serves_the_site(store, tmp_path):
    out = tmp_path / "site"
    build_site(store, out)
    server = make_server(out, port=0, quiet=True)
    assert server.server_address[0] == "127.0.0.1"
    server.server_close()

    server, url = serve_in_thread(out)
    try:
        assert url.startswith("http://127.0.0.1:")
        index = httpx.get(url + "index.html")
        assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
        assert "2026-02-08" in index.text
        feed = httpx.get(url + "feed.xml")
        assert feed.headers["content-type"].startswith("application/atom+xml") and "<feed" in feed.text
        assert httpx.get(url + "search/meta.json").json()["docs"] == 7
        assert httpx.get(url + "days/2026-02-06.html").status_code == 200
        assert httpx.get(url + "nope.html").status_code == 404
        assert httpx.get(url).status_code == 200  # / serves index.html
    finally:
        server.shutdown()
        server.server_close()


def test_ensure_built_rebuilds_only_when_the_store_is_newer(store, tmp_path):
    out = tmp_path / "site"
    first = ensure_built(store, out)
    assert first is not None and "index.html" in first.written
    assert ensure_built(store, out) is None
    add_day(store)
    again = ensure_built(store, out)
    assert again is not None and "days/2026-02-09.html" in again.written
    assert ensure_built(store, out) is None
    # The language of the previous build is kept; asking for another one rebuilds.
    assert read_manifest(out)["lang"] == "zh"
    assert ensure_built(store, out, lang="en") is not None and read_manifest(out)["lang"] == "en"
    assert ensure_built(store, out) is None


def stored_day_env(tmp_path) -> dict[str, str]:
    """The environment of a user whose store holds the archive test days (and an empty config file)."""
    home = tmp_path / "home"
    make_store(home / "paperbrief.db").close()
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    return {**os.environ, "PAPERBRIEF_HOME": str(home), "PAPERBRIEF_CONFIG": str(config)}


def test_cli_serve_builds_first_and_serves_on_loopback(tmp_path):
    env = stored_day_env(tmp_path)
    out = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-m", "paperbrief", "serve", "--port", "0", "--out", str(out)],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            lines.append(line)
            if "Serving" in line:
                break
        text = "".join(lines)
        assert "Rebuilt the site" in text
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", text)
        assert m, text
        page = httpx.get(m.group(0) + "days/2026-02-07.html", timeout=10)
        assert page.status_code == 200 and "Diffusion Policies" in page.text
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_cli_serve_without_a_site_or_store_says_what_to_do(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    env = {**os.environ, "PAPERBRIEF_HOME": str(tmp_path / "home"), "PAPERBRIEF_CONFIG": str(config)}
    res = subprocess.run([sys.executable, "-m", "paperbrief", "serve", "--no-build", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, env=env, timeout=30)
    assert res.returncode == 2 and "paperbrief site" in res.stderr
    res = subprocess.run([sys.executable, "-m", "paperbrief", "site", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, env=env, timeout=30)
    assert res.returncode == 2 and "no database" in res.stderr


def test_cli_serve_on_a_busy_port_fails_before_building(tmp_path):
    import socket

    env = stored_day_env(tmp_path)
    out = tmp_path / "site"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        res = subprocess.run([sys.executable, "-m", "paperbrief", "serve", "--port", str(port), "--out", str(out)],
                             capture_output=True, text=True, env=env, timeout=60)
    assert res.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use; pick another with --port" in res.stderr
    assert "Rebuilt" not in res.stderr and not out.exists()  # nothing was built for a server that can't start

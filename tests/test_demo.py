"""`paperbrief demo`: a whole day offline, unconfigured, in one folder, never touching the user's settings.

The demo runs as a child process with HOME in a temporary folder, a user config file and environment
that name a "paid endpoint" (a local server that counts requests), a PAPERBRIEF_HOME of its own and
proxies pointing at that server too: the demo must use none of them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from paperbrief.cli import app

SECRETS = ("sk-user-secret-from-config", "sk-user-secret-from-env")


@pytest.fixture
def paid_endpoint():
    """A server standing for the user's real endpoints: it counts every request and answers 500."""
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            seen.append(f"{self.command} {self.path}")
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_CONNECT = _any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def user_env(tmp_path: Path, paid: str) -> dict[str, str]:
    """A user's machine: HOME with a config file, endpoints and a data folder in the environment, proxies."""
    home = tmp_path / "user-home"
    config = home / ".config" / "paperbrief" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'openai_base_url = "{paid}/v1"\nopenai_api_key = "{SECRETS[0]}"\nmodel = "gpt-4o"\n'
                      f'hf_endpoint = "{paid}"\narxiv_url = "{paid}"\nhome = "{tmp_path / "user-data"}"\n',
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERBRIEF_", "OPENAI_", "HF_", "XDG_"))
           and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env.update(HOME=str(home), OPENAI_BASE_URL=f"{paid}/v1", OPENAI_API_KEY=SECRETS[1], HF_ENDPOINT=paid,
               PAPERBRIEF_ARXIV_URL=paid, PAPERBRIEF_ARXIV_EXPORT_URL=paid, PAPERBRIEF_ARXIV_DELAY="3",
               PAPERBRIEF_HOME=str(tmp_path / "user-data"), PAPERBRIEF_MODEL="gpt-4o",
               HTTP_PROXY=paid, HTTPS_PROXY=paid, ALL_PROXY=paid, http_proxy=paid, https_proxy=paid)
    return env


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_demo_in_a_fresh_home_uses_nothing_of_the_users(tmp_path, paid_endpoint):
    paid, seen = paid_endpoint
    env = user_env(tmp_path, paid)
    home_before = files_under(Path(env["HOME"]))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    out = tmp_path / "my demo"  # a space, to see the printed commands quoted

    def demo() -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "paperbrief", "demo", "--out", str(out)], env=env, cwd=cwd,
                              capture_output=True, text=True, timeout=300)

    first = demo()
    assert first.returncode == 0, first.stderr[-3000:]
    assert seen == []  # not one request to the user's endpoints or proxy
    assert files_under(Path(env["HOME"])) == home_before  # nothing written under HOME
    assert not (tmp_path / "user-data").exists() and list(cwd.iterdir()) == []

    day = json.loads((out / "reports" / "2026-02-08.json").read_text(encoding="utf-8"))
    assert day["model"] == "replica-model" and day["lang"] == "zh" and day["cost_usd"] == 0
    assert day["counts"]["papers"] == 47 and day["counts"]["failed"] == 0
    assert (out / "reports" / "2026-02-08.md").read_text(encoding="utf-8").startswith("# Hugging Face Daily Papers")
    assert 'href="days/2026-02-08.html"' in (out / "site" / "index.html").read_text(encoding="utf-8")
    assert len(list((out / "site" / "papers").glob("*.html"))) == 47
    assert (out / "home" / "paperbrief.db").exists()
    site, store = str(out / "site"), str(out / "home")
    assert f"paperbrief serve --out '{site}' --no-build" in first.stdout
    assert f"PAPERBRIEF_HOME='{store}' paperbrief search" in first.stdout
    assert f"{out / 'reports' / '2026-02-08.md'}" in first.stdout
    assert re.search(r"Demo done in \d+\.\d s: 47 papers of 2026-02-08", first.stdout)
    for secret in SECRETS:
        assert secret not in first.stdout + first.stderr
        assert not [p for p in out.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]

    again = demo()  # the same folder again: everything is reused, nothing is asked twice
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 newly written, 47 reused" in again.stderr and seen == []

    # The printed way to serve it works, still without the user's store.
    serve = subprocess.Popen([sys.executable, "-m", "paperbrief", "serve", "--out", site, "--no-build", "--port", "0"],
                             env=env, cwd=cwd, stderr=subprocess.PIPE, text=True)
    try:
        assert serve.stderr is not None
        line = serve.stderr.readline()
        url = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
        assert url, line
        page = httpx.get(url.group(1), timeout=10, trust_env=False)
        assert page.status_code == 200 and "2026-02-08" in page.text
    finally:
        serve.terminate()
        serve.wait(timeout=10)
    assert not (tmp_path / "user-data").exists() and seen == []


def test_demo_refuses_a_folder_that_is_not_a_demos(tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "chapter1.tex").write_text("precious", encoding="utf-8")
    result = CliRunner().invoke(app, ["demo", "--out", str(folder)])
    assert result.exit_code == 2
    assert "is not empty and was not made by `paperbrief demo`" in result.output
    assert files_under(folder) == ["chapter1.tex"]


def test_demo_rejects_a_bad_language(tmp_path):
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path / "d"), "--lang", "fr"])
    assert result.exit_code == 2 and "--lang must be zh or en" in result.output
    assert not (tmp_path / "d").exists()


# --- a fresh install: a built wheel in a new venv, no network ----------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def _no_network_prefix() -> list[str]:
    """Run in a new network namespace with only loopback (unprivileged `unshare -rn`), when this machine allows it."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        return []
    probe = subprocess.run(["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True)
    return ["unshare", "-rn", "sh", "-c", 'ip link set lo up && exec "$@"', "sh"] if probe.returncode == 0 else []


def test_demo_from_a_wheel_in_a_fresh_venv_without_network(tmp_path):
    try:
        import setuptools  # noqa: F401  (the build backend, installed with the dev extras)
    except ImportError:
        pytest.skip("setuptools is not installed: cannot build the wheel offline")
    src = tmp_path / "src-copy"  # build from a copy: the working tree gets no build/ or egg-info
    shutil.copytree(ROOT / "src", src / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "-w", str(dist), str(src)], check=True, capture_output=True, timeout=300)
    [wheel] = dist.glob("paperbrief-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    vpy = venv / "bin" / "python"
    site_dir = Path(subprocess.run([str(vpy), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "--python", str(vpy), "install", "-q", "--no-index", "--no-deps",
                    str(wheel)], check=True, capture_output=True, timeout=300)
    # The dependencies come from this environment's site-packages (a plain path: its .pth files, among them
    # the editable install of paperbrief, are not read), so nothing is downloaded.
    deps = [p for p in sys.path if p.endswith("site-packages")]
    (site_dir / "zz-test-deps.pth").write_text("\n".join(deps) + "\n", encoding="utf-8")

    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
    where = subprocess.run([str(vpy), "-c", "import paperbrief; print(paperbrief.__file__)"], env=env,
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(str(site_dir)), where  # the wheel's copy, not the working tree's

    out = tmp_path / "demo"
    result = subprocess.run([*_no_network_prefix(), str(venv / "bin" / "paperbrief"), "demo", "--out", str(out),
                             "--lang", "en"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert (out / "reports" / "2026-02-08.en.md").exists() and (out / "site" / "index.html").exists()
    assert json.loads((out / "reports" / "2026-02-08.en.json").read_text(encoding="utf-8"))["counts"]["failed"] == 0
    assert files_under(home) == []


def test_a_command_with_its_own_home_logs_there(tmp_path):
    """The demo's log lines and crash logs go to its own folder, not the user's PAPERBRIEF_HOME."""
    import logging

    from paperbrief.cli.app import _state, log_into
    from paperbrief.logs import LOG_FILE, logs_dir

    before = dict(_state)
    try:
        log_into(tmp_path / "demo-home", ["sk-demo-secret-123456"])
        logging.getLogger("paperbrief.test").warning("a line with sk-demo-secret-123456 in it")
        text = (logs_dir(tmp_path / "demo-home") / LOG_FILE).read_text("utf-8")
        assert "a line with" in text and "sk-demo-secret-123456" not in text
        assert _state["home"] == tmp_path / "demo-home"
    finally:
        _state.update(before)
        log_into(before["home"] or tmp_path / "other", before["secrets"])

"""Shared helpers of the hostile-world tests: a hostile server, and `paperbrief` run as users run it.

Every CLI call runs `python -m paperbrief` in a subprocess (a generous timeout bounds it: a hang
fails the test) and `Outcome` checks the promises of issue 10: the exit code, at most one line
on stderr for an error, and never a Python traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_server import HostileServer

DATE = "2026-02-08"
BOUND = 120  # seconds: any single command that takes longer than this is a hang


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float

    def errors(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if ln.startswith("Error:")]

    def one_line_error(self, code: int, *needles: str) -> str:
        """Assert: this exit code, exactly one `Error:` line holding every needle, no traceback."""
        assert self.code == code, f"exit {self.code}, wanted {code}\nstderr: {self.stderr[-3000:]}"
        assert "Traceback" not in self.stderr and "Traceback" not in self.stdout, self.stderr[-3000:]
        errors = self.errors()
        assert len(errors) == 1, f"wanted one error line, got {errors!r}\nstderr: {self.stderr[-3000:]}"
        for needle in needles:
            assert needle in errors[0], f"{needle!r} not in {errors[0]!r}"
        return errors[0]

    def clean(self, code: int = 0) -> None:
        """Assert: this exit code and no traceback anywhere."""
        assert self.code == code, f"exit {self.code}, wanted {code}\nstderr: {self.stderr[-3000:]}"
        assert "Traceback" not in self.stderr and "Traceback" not in self.stdout, self.stderr[-3000:]


def run_cli(args: list[str], env: dict[str, str], timeout: float = BOUND) -> Outcome:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "paperbrief", *args], env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, errors="replace")
    return Outcome(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


def base_env(home: Path, config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAPERBRIEF_", "OPENAI_", "HF_"))}
    env.update(PAPERBRIEF_HOME=str(home), PAPERBRIEF_CONFIG=str(config), PYTHONUNBUFFERED="1",
               PAPERBRIEF_ARXIV_DELAY="0", COLUMNS="200")
    env.update(extra)
    return env


KEY = "sk-hostile-0123456789abcdefghijKLMN"  # the API key every hostile test uses (never to be seen again)


def replica_env(replica, home: Path, config: Path, *, llm: bool = False, **extra: str) -> dict[str, str]:
    """The environment pointing Hugging Face and arXiv (and with `llm`, the LLM) at a started replica."""
    values = dict(HF_ENDPOINT=replica.url, PAPERBRIEF_ARXIV_URL=replica.url,
                  PAPERBRIEF_ARXIV_EXPORT_URL=replica.url + "/api/query")
    if llm:
        values.update(OPENAI_BASE_URL=replica.url + "/v1", OPENAI_API_KEY=KEY, PAPERBRIEF_MODEL="replica-model")
    return base_env(home, config, **{**values, **extra})


@pytest.fixture
def hostile():
    with HostileServer() as h:
        yield h


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def config(tmp_path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("# hostile tests\n", encoding="utf-8")
    return path


@pytest.fixture
def env_for(home, config):
    """env_for(server_url, llm=False, **extra): the environment pointing every endpoint at one server."""

    def make(url: str, *, llm: bool = False, **extra: str) -> dict[str, str]:
        env = base_env(home, config, HF_ENDPOINT=url, PAPERBRIEF_ARXIV_URL=url,
                       PAPERBRIEF_ARXIV_EXPORT_URL=url + "/api/query", **extra)
        if llm:
            env.update(OPENAI_BASE_URL=url + "/v1", OPENAI_API_KEY=KEY,
                       PAPERBRIEF_MODEL="replica-model")
        return env

    return make

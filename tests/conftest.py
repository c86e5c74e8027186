"""Shared fixtures: an isolated home and config (never the user's real folders), and a started replica."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """Every test gets its own PAPERBRIEF_HOME and config file path, and no real endpoints or keys."""
    home = tmp_path / "pb-home"
    monkeypatch.setenv("PAPERBRIEF_HOME", str(home))
    config = tmp_path / "paperbrief-test.toml"
    config.write_text("# empty: defaults and environment only\n", encoding="utf-8")
    monkeypatch.setenv("PAPERBRIEF_CONFIG", str(config))
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "PAPERBRIEF_MODEL", "HF_ENDPOINT", "PAPERBRIEF_ARXIV_URL",
                "PAPERBRIEF_ARXIV_EXPORT_URL", "PAPERBRIEF_ARXIV_DELAY", "PAPERBRIEF_LANG", "PAPERBRIEF_JOBS",
                "PAPERBRIEF_OUT", "PAPERBRIEF_TOKEN_BUDGET", "PAPERBRIEF_HTTP_TIMEOUT", "PAPERBRIEF_LLM_TIMEOUT",
                "PAPERBRIEF_HTTP_RETRIES", "PAPERBRIEF_SEND_TO", "PAPERBRIEF_SMTP_URL", "PAPERBRIEF_SMTP_FROM",
                "PAPERBRIEF_FEISHU_SECRET", "PAPERBRIEF_DINGTALK_SECRET", "PAPERBRIEF_SITE_URL",
                "PAPERBRIEF_SEND_INTERVAL"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def real_page():
    """The real arXiv HTML page (outside the repository; see tests/testdata.py), or skip the test."""
    from testdata import REAL_PAGE

    if REAL_PAGE is None:
        pytest.skip("the real arXiv page is not on this machine (set PAPERBRIEF_REAL_PAGE)")
    return REAL_PAGE


@pytest.fixture
def replica():
    """A started replica of Hugging Face, arXiv and an OpenAI-compatible LLM on 127.0.0.1."""
    from paperbrief.replica import Replica

    with Replica() as r:
        yield r


@pytest.fixture
def replica_env(replica, monkeypatch):
    """Point every base URL at the replica, with no arXiv delay. Returns the replica."""
    monkeypatch.setenv("HF_ENDPOINT", replica.url)
    monkeypatch.setenv("PAPERBRIEF_ARXIV_URL", replica.url)
    monkeypatch.setenv("PAPERBRIEF_ARXIV_EXPORT_URL", replica.url + "/api/query")
    monkeypatch.setenv("PAPERBRIEF_ARXIV_DELAY", "0")
    return replica

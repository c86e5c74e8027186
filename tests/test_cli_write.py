"""`paperbrief write`: a local LaTeXML page or an arXiv id, Markdown or JSON, extract or LLM, exit codes."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from paperbrief.cli import app
from paperbrief.replica import Replica
from paperbrief.replica.llm import Answer
from paperbrief.writer.prompts import template

FILLER = " ".join(
    f"Paragraph {i} explains how caching intermediate states avoids repeated work in iterative generators." for i in range(30)
)

PAGE = f"""<html><head><title>A Tiny Paper</title></head><body><article class="ltx_document">
<h1 class="ltx_title ltx_title_document">TinyFast: A Tiny Paper on Fast Things</h1>
<div class="ltx_authors"><span class="ltx_creator ltx_role_author"><span class="ltx_personname">Ada Lovelace</span></span></div>
<div class="ltx_abstract"><h6 class="ltx_title ltx_title_abstract">Abstract</h6>
<p class="ltx_p">Generators are slow. We propose TinyFast, a training-free method that is 2.67× faster than the baseline.</p></div>
<section class="ltx_section" id="S1"><h2 class="ltx_title ltx_title_section"><span class="ltx_tag ltx_tag_section">1 </span>Introduction</h2>
<div class="ltx_para"><p class="ltx_p">Things are slow. {FILLER} Code is at <a class="ltx_ref" href="https://github.com/example/tinyfast">https://github.com/example/tinyfast</a>.</p></div></section>
<section class="ltx_section" id="S2"><h2 class="ltx_title ltx_title_section"><span class="ltx_tag ltx_tag_section">2 </span>Experiments</h2>
<div class="ltx_para"><p class="ltx_p">All runs use one NVIDIA A100 GPU. TinyFast reaches 92.59 accuracy and outperforms the baseline by 12.5% on ImageNet.</p></div></section>
</article></body></html>"""

runner = CliRunner()


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "tinyfast.html"
    path.write_text(PAGE, encoding="utf-8")
    return path


@pytest.fixture
def llm_env(monkeypatch):
    with Replica(services=("llm",)) as r:
        monkeypatch.setenv("OPENAI_BASE_URL", r.url + "/v1")
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli-0123456789abcdef")
        monkeypatch.setenv("PAPERBRIEF_MODEL", "replica-model")
        yield r.services["llm"]


def test_extract_markdown_from_a_local_file(page):
    result = runner.invoke(app, ["write", str(page)])
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("## 📄 TinyFast: A Tiny Paper on Fast Things\n\n- **阅读来源**: HTML\n\n> 注：以下为论文英文原句摘录")
    assert "1. **应用领域**：" in md and "5. **实验效果**：" in md
    assert "We propose TinyFast, a training-free method that is 2.67× faster than the baseline." in md
    assert "⚠" not in md


def test_json_with_the_llm(page, llm_env):
    result = runner.invoke(app, ["write", str(page), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"arxiv_id", "title", "source", "report", "ungrounded_numbers", "flags", "model",
                         "tokens_in", "tokens_out", "writer", "lang", "prompt_version", "error"}
    assert data["title"] == "TinyFast: A Tiny Paper on Fast Things" and data["source"] == "HTML"
    assert data["writer"] == "llm" and data["model"] == "replica-model" and data["lang"] == "zh"
    assert data["tokens_in"] > 0 and data["tokens_out"] > 0 and data["error"] is None
    assert data["ungrounded_numbers"] == [] and data["flags"] == []
    assert "TinyFast" in data["report"]["contribution"]
    assert llm_env.calls_for("TinyFast: A Tiny Paper on Fast Things") == 1
    assert "sk-test-cli" not in result.output


def test_english_and_streaming(page, llm_env):
    result = runner.invoke(app, ["write", str(page), "--lang", "en", "--stream"])
    assert result.exit_code == 0, result.output
    assert "1. **Field**:" in result.stdout and "- **Read from**: HTML" in result.stdout
    assert llm_env.requests[-1]["body"]["stream"] is True


def test_failed_paper_exits_1_with_the_reason(page, llm_env):
    llm_env.script(Answer.refuse("I can't help with that."))
    result = runner.invoke(app, ["write", str(page)])
    assert result.exit_code == 1
    assert "the model refused to answer (I can't help with that.)" in result.stderr
    assert "> ⚠ 未能生成本文报告：大模型拒绝作答（I can't help with that.）" in result.stdout


def test_bad_input_is_one_line(tmp_path):
    result = runner.invoke(app, ["write", "not-a-paper"])
    assert result.exit_code == 2 and "is not an arXiv id" in result.stderr
    result = runner.invoke(app, ["write", str(tmp_path / "missing.html")])
    assert result.exit_code == 2 and "no such file" in result.stderr
    result = runner.invoke(app, ["write", "2602.05293", "--lang", "fr"])
    assert result.exit_code == 2 and "--lang must be zh or en" in result.stderr


def test_write_an_arxiv_id_through_the_replica(replica_env, monkeypatch):
    from paperbrief.replica import fixtures

    try:
        ids = fixtures.html_fixture_ids()
    except FileNotFoundError:
        pytest.skip("fixtures not built")
    if "2602.05293" not in ids:
        pytest.skip("Fast-SAM3D fixture not built")
    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    result = runner.invoke(app, ["write", "2602.05293", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["arxiv_id"].startswith("2602.05293") and data["source"] == "HTML"
    assert data["ungrounded_numbers"] == [] and data["report"]["results"]
    assert replica_env.services["llm"].calls_for("2602.05293") == 1


@pytest.fixture
def llm_via_replica(replica_env, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", replica_env.url + "/v1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-cli-0123456789abcdef")
    monkeypatch.setenv("PAPERBRIEF_MODEL", "replica-model")
    return replica_env


def test_write_twice_asks_the_llm_once_and_force_asks_again(llm_via_replica):
    replica, llm = llm_via_replica, llm_via_replica.services["llm"]
    first = runner.invoke(app, ["write", "2602.05293", "--json"])
    assert first.exit_code == 0, first.output
    assert llm.calls_for("2602.05293") == 1
    replica.reset_counts()
    second = runner.invoke(app, ["write", "2602.05293", "--json"])
    assert second.exit_code == 0, second.output
    assert llm.calls_for("2602.05293") == 1  # counted at the replica: no second request
    assert replica.count("/html/") == replica.count("/pdf/") == 0  # the stored document is reused too
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["reused"] is False and b["reused"] is True and a["report"] == b["report"]
    assert "Reused the stored report (no LLM call); --force writes it again." in second.stderr
    forced = runner.invoke(app, ["write", "2602.05293", "--json", "--force"])
    assert forced.exit_code == 0 and json.loads(forced.stdout)["reused"] is False
    assert llm.calls_for("2602.05293") == 2


def test_write_then_run_of_the_same_day_pays_once(llm_via_replica, tmp_path):
    from paperbrief.config import load_settings
    from paperbrief.pipeline import run_day

    llm = llm_via_replica.services["llm"]
    result = runner.invoke(app, ["write", "2602.05293", "--json"])
    assert result.exit_code == 0, result.output
    written = json.loads(result.stdout)
    # Hugging Face's entry for the paper gave the links a run knows from the day's listing
    assert "https://fast-sam3d.github.io/" in llm.requests[0]["body"]["messages"][1]["content"]
    run = run_day(load_settings({"out": tmp_path / "out"}), "2026-02-08", ids=["2602.05293"])
    [outcome] = run.outcomes
    report_requests = [r for r in llm.requests if r["body"]["messages"][0]["content"] == template("zh").system]
    assert outcome.reused and len(report_requests) == 1  # (the day's overview asks the LLM too)
    assert outcome.written.report.model_dump(mode="json") == written["report"]


def test_a_local_file_named_by_its_arxiv_id_is_stored_and_reused(tmp_path, llm_env):
    path = tmp_path / "2602.09999.html"
    path.write_text(PAGE, encoding="utf-8")
    for _ in range(2):
        result = runner.invoke(app, ["write", str(path), "--json"])
        assert result.exit_code == 0, result.output
    assert llm_env.calls_for("TinyFast: A Tiny Paper on Fast Things") == 1
    assert json.loads(result.stdout)["arxiv_id"] == "2602.09999" and json.loads(result.stdout)["reused"] is True
    unnamed = tmp_path / "tinyfast.html"
    unnamed.write_text(PAGE, encoding="utf-8")
    for _ in range(2):
        assert runner.invoke(app, ["write", str(unnamed)]).exit_code == 0
    assert llm_env.calls_for("TinyFast: A Tiny Paper on Fast Things") == 3  # no id: written, not stored
